/**
 * The report's vega-lite chart specs, built from plain rows (no engine types): Table 1 as a
 * heatmap, Table 2 as a dumbbell chart against the paper, regional means over time, and a
 * coefficient plot with confidence intervals.
 */
import type { TopLevelSpec } from 'vega-lite';

/** One heatmap cell: an entity (province), a period and a value. */
export interface HeatCell { name: string; year: number; value: number }

/**
 * Table 1: entity × year heatmap with the value in each cell. The colour scale diverges at
 * `mid` (1 for a location quotient: the national share), blue below and orange above.
 */
export function heatmapSpec(cells: HeatCell[], order: string[], opts: { title: string; valueTitle: string; mid: number }): TopLevelSpec {
  const values = cells.map((c) => c.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const mid = lo < opts.mid && opts.mid < hi ? opts.mid : (lo + hi) / 2;
  // White text on the darkest 40% of each arm of the scale.
  const dark = `(datum.value < ${mid} && (${mid} - datum.value) > 0.6 * ${mid - lo}) || (datum.value > ${mid} && (datum.value - ${mid}) > 0.6 * ${hi - mid})`;
  const years = [...new Set(cells.map((c) => c.year))].sort((a, b) => a - b);
  const x = { field: 'year', type: 'ordinal', title: null, axis: { orient: 'top', labelAngle: 0 } } as const;
  const y = { field: 'name', type: 'ordinal', sort: order, title: null } as const;
  return {
    title: opts.title,
    data: { values: cells },
    width: Math.max(200, years.length * 46),
    height: order.length * 18,
    layer: [
      { mark: 'rect', encoding: { x, y, color: { field: 'value', type: 'quantitative', title: opts.valueTitle, scale: { scheme: 'blueorange', domainMid: mid } } } },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: { x, y, text: { field: 'value', type: 'quantitative', format: '.2f' }, color: { condition: { test: dark, value: 'white' }, value: '#1f2328' } },
      },
    ],
  };
}

/** One line of the ranking chart. */
export interface RankLine { name: string; rank: number; ours: number; paperRank: number | null; paper: number | null }

/** Table 2: our average per entity beside the published one, one row per entity in our rank order. */
export function rankingSpec(lines: RankLine[], opts: { title: string; valueTitle: string; oursLabel: string; paperLabel: string }): TopLevelSpec {
  const label = (l: RankLine) => `${l.rank}. ${l.name}${l.paperRank === null ? '' : ` (paper ${l.paperRank})`}`;
  const rows = lines.flatMap((l) => [
    { label: label(l), source: opts.oursLabel, value: l.ours },
    ...(l.paper === null ? [] : [{ label: label(l), source: opts.paperLabel, value: l.paper }]),
  ]);
  const order = [...lines].sort((a, b) => a.rank - b.rank).map(label);
  const y = { field: 'label', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } } as const;
  const x = { field: 'value', type: 'quantitative', title: opts.valueTitle, scale: { zero: false } } as const;
  return {
    title: opts.title,
    data: { values: rows },
    width: 520,
    height: lines.length * 17,
    layer: [
      { mark: { type: 'line', color: '#afb8c1', strokeWidth: 2 }, encoding: { x, y, detail: { field: 'label', type: 'nominal' } } },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          x, y,
          color: { field: 'source', type: 'nominal', title: null, scale: { domain: [opts.oursLabel, opts.paperLabel], range: ['#0969da', '#bc4c00'] }, legend: { orient: 'top' } },
          shape: { field: 'source', type: 'nominal', title: null, scale: { domain: [opts.oursLabel, opts.paperLabel], range: ['circle', 'diamond'] } },
        },
      },
    ],
  };
}

/** One observation for the regional chart. */
export interface RegionPoint { region: string; year: number; value: number }

/** Mean value per region and year (unweighted over the region's entities), with a reference line. */
export function regionSpec(points: RegionPoint[], opts: { title: string; valueTitle: string; reference?: number }): TopLevelSpec {
  const x = { field: 'year', type: 'quantitative', title: null, axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false, nice: false } } as const;
  return {
    title: opts.title,
    width: 620,
    height: 300,
    layer: [
      ...(opts.reference === undefined ? [] : [{ data: { values: [{ ref: opts.reference }] }, mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#8c959f' }, encoding: { y: { field: 'ref', type: 'quantitative' as const } } }]),
      {
        data: { values: points },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: opts.valueTitle, scale: { zero: false } },
          color: { field: 'region', type: 'nominal', title: 'Region', scale: { scheme: 'tableau10' } },
        },
      },
    ],
  };
}

/** One estimate with its confidence interval. */
export interface CoefPoint { model: string; term: string; estimate: number; lo: number; hi: number }

/** Coefficient plot: a panel per term (own x scale), a row per model, a dashed line at zero. */
export function coefficientSpec(points: CoefPoint[], models: string[], terms: string[], opts: { title: string; level: number }): TopLevelSpec {
  const y = { field: 'model', type: 'nominal', sort: models, title: null } as const;
  const color = { field: 'model', type: 'nominal', sort: models, title: 'Model', scale: { domain: models, scheme: 'tableau10' } } as const;
  return {
    title: opts.title,
    data: { values: points },
    columns: 3,
    facet: { field: 'term', type: 'nominal', sort: terms, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    spec: {
      width: 230,
      height: Math.max(40, models.length * 22),
      layer: [
        { mark: { type: 'rule', strokeDash: [3, 3], color: '#8c959f' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: `estimate, ${Math.round(opts.level * 100)}% interval` }, x2: { field: 'hi' }, color } },
        { mark: { type: 'point', filled: true, size: 50, opacity: 1 }, encoding: { y, x: { field: 'estimate', type: 'quantitative' }, color } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}
