/**
 * The specification curve of Simonsohn, Simmons & Nelson (2020) as a vega-lite spec: the
 * estimates of one term across the variants of a sweep, sorted ascending, each with its 95%
 * interval and coloured by significance at 0.05 (top panel), and beneath them the choice
 * indicators, one row per dimension: choice with a mark in the column of every variant that
 * uses it (bottom panel). Both panels share the x scale: the variant's rank.
 *
 * The interval is estimate ± 1.959964·std_error (normal quantile): the specifications table
 * carries no residual degrees of freedom, so the t quantile is not available.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SpecRow } from '../kernels/spec-curve.js';

/** The 0.975 quantile of the standard normal: the half-width of a 95% interval in standard errors. */
export const Z_975 = 1.959963984540054;

/** Labels of the significance colours. */
export const SIG_LABELS = ['p < 0.05', 'p ≥ 0.05'] as const;

/** One variant on the curve: its rank (1 = smallest estimate), estimate and 95% interval. */
export interface CurvePoint { rank: number; variant: string; estimate: number; lo: number | null; hi: number | null; significance: string }

/** One choice indicator: the variant at `rank` uses `choice` of `dimension` (`row` = "dimension: choice"). */
export interface CurveIndicator { rank: number; variant: string; dimension: string; choice: string; row: string; significance: string }

/** The curve's data: points sorted by estimate (ties by variant id), indicators, and the indicator rows in order. */
export interface CurveData { points: CurvePoint[]; indicators: CurveIndicator[]; rows: string[] }

/**
 * The points and indicators of one (stage, term). Rows whose estimate is not finite are left
 * out (they have no place on the curve); `dimensions` orders the indicator rows, and within a
 * dimension the choices come in the order first seen in `rows`.
 */
export function curveData(rows: readonly SpecRow[], dimensions: readonly string[]): CurveData {
  const sorted = rows.filter((r) => Number.isFinite(r.estimate)).sort((a, b) => a.estimate - b.estimate || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
  const signif = (r: SpecRow) => (r.p_value < 0.05 ? SIG_LABELS[0] : SIG_LABELS[1]);
  const points = sorted.map((r, i): CurvePoint => {
    const se = Number.isFinite(r.std_error) ? r.std_error : null;
    return { rank: i + 1, variant: r.variant, estimate: r.estimate, lo: se === null ? null : r.estimate - Z_975 * se, hi: se === null ? null : r.estimate + Z_975 * se, significance: signif(r) };
  });
  const choices = new Map(dimensions.map((d) => [d, [] as string[]]));
  for (const r of rows) for (const d of dimensions) { const c = r.choices[d]; if (c !== undefined && !choices.get(d)!.includes(c)) choices.get(d)!.push(c); }
  const label = (d: string, c: string) => `${d}: ${c}`;
  const indicators = sorted.flatMap((r, i) => dimensions.filter((d) => r.choices[d] !== undefined).map((d): CurveIndicator => ({ rank: i + 1, variant: r.variant, dimension: d, choice: r.choices[d]!, row: label(d, r.choices[d]!), significance: signif(r) })));
  return { points, indicators, rows: dimensions.flatMap((d) => choices.get(d)!.map((c) => label(d, c))) };
}

/** The two-panel specification curve of {@link curveData}; `title` heads it, `valueTitle` names the y axis. */
export function specCurveSpec(data: CurveData, opts: { title: string; valueTitle: string }): TopLevelSpec {
  const n = data.points.length;
  const width = Math.min(900, Math.max(320, n * 14));
  // Marks shrink with the number of variants so that 1,000 of them still fit side by side.
  const band = width / Math.max(1, n);
  const size = Math.max(4, Math.min(40, (0.8 * band) ** 2));
  const x = { field: 'rank', type: 'quantitative' as const, scale: { domain: [0.5, n + 0.5], nice: false, zero: false } };
  const color = { field: 'significance', type: 'nominal', title: null, scale: { domain: [...SIG_LABELS], range: ['#0969da', '#8c959f'] }, legend: { orient: 'top', symbolOpacity: 1 } } as const;
  const tooltip = [{ field: 'variant', type: 'nominal' }] as const;
  // Each point carries an aria-label (its variant and estimate) for screen readers; intervals
  // and indicators repeat it, and on big sweeps the labels would make most of the SVG's bytes.
  const describe = n <= 100;
  return {
    title: opts.title,
    spacing: 6,
    resolve: { scale: { x: 'shared', color: 'shared' } },
    vconcat: [
      {
        name: 'estimates',
        data: { values: data.points },
        width, height: 220,
        layer: [
          { mark: { type: 'rule', strokeDash: [3, 3], color: '#57606a' }, encoding: { y: { datum: 0, type: 'quantitative' } } },
          { mark: { type: 'rule', aria: false, strokeWidth: Math.max(0.5, Math.min(2, band / 3)) }, encoding: { x: { ...x, axis: null }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color, opacity: { value: 0.45 } } },
          { name: 'estimate_points', mark: { type: 'point', aria: describe, filled: true, opacity: 1, size }, encoding: { x: { ...x, axis: null }, y: { field: 'estimate', type: 'quantitative', title: opts.valueTitle, scale: { zero: false } }, color, ...(describe ? { tooltip: [...tooltip, { field: 'estimate', type: 'quantitative', format: '.4g' }] } : {}) } },
        ],
      },
      {
        name: 'choices',
        data: { values: data.indicators },
        width, height: Math.max(20, data.rows.length * 16),
        mark: { type: 'point', aria: false, shape: 'square', filled: true, opacity: 1, size },
        encoding: {
          x: { ...x, title: 'specification (ranked by estimate)', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'row', type: 'nominal', sort: data.rows, title: null, axis: { labelLimit: 260 } },
          color,
        },
      },
    ],
  };
}
