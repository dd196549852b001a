/**
 * The "variants" section of paper-comparison's report: the comparison with the paper for
 * each variant a sweep collected (e.g. pipelines/sweeps/base-tables.yaml collecting
 * `comparison.summary`; read by read-collected), one row per variant, with the paper's own
 * numbers beneath. The row that is this run's result is marked; when none is, the sweep ran
 * on another version of the pipeline, and the section says so instead of passing the
 * numbers off as current.
 */
import type { Cell, Json, Table } from '../../engine/value.js';
import { tableRows } from '../../engine/table.js';
import { markdownTable } from './markdown.js';

const f = (x: unknown, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'NA');

/** The summary fields a variant row is compared on to tell whether it is this run's result. */
const IDENTITY = ['spearman', 'same_sign', 'same_significance', 'f_individual', 'hausman'];

/** Columns of the collected table that are numbers of the comparison, not a dimension's choice. */
const METRIC = /^(spearman|n|coefficients_compared|same_sign|same_significance|f_individual|hausman|paper_.*|.*_mean|.*_sd)$/;

/**
 * Which collected row is this run's result (its comparison numbers equal `summary`'s, to
 * 1e-9 relative: they went through a CSV file); -1 when none is (the rows are out of date).
 */
export function currentVariant(rows: readonly Record<string, Cell>[], summary: Record<string, Json>): number {
  return rows.findIndex((row) => IDENTITY.every((k) => {
    const a = row[k], b = summary[k];
    if (typeof b !== 'number') return a === null || a === undefined;
    return typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }));
}

export interface VariantsSectionOptions {
  /** The section's heading. */
  readonly heading: string;
  /** How to remake the table (a command), said under it. */
  readonly sweep?: string;
}

/**
 * The Markdown lines of the section. `summary` is this run's own comparison summary (its
 * `<variable>_mean`, `_sd` and the paper's numbers). An empty `variants` table (the sweep has
 * not run) gives a line saying how to make it.
 */
export function variantsSection(variants: Table, summary: Record<string, Json>, opts: VariantsSectionOptions): string[] {
  const remake = opts.sweep ? `\`agglo sweep ${opts.sweep}\`` : 'the sweep';
  const rows = tableRows(variants);
  if (rows.length === 0) return [`## ${opts.heading}`, '', `Not collected yet: run ${remake}, then this pipeline again.`, ''];
  const names = variants.columns.map((c) => c.name);
  const dims = names.filter((n) => n !== 'variant' && !METRIC.test(n));
  const variable = Object.keys(summary).find((k) => k.endsWith('_mean') && !k.startsWith('paper_'))?.replace(/_mean$/, '') ?? 'idt';
  const current = currentVariant(rows, summary);
  const label = (row: Record<string, Cell>, i: number) => `${dims.map((d) => String(row[d] ?? '')).join(' · ') || String(row.variant)}${i === current ? ' (this run)' : ''}`;
  const count = (row: Record<string, Cell>, k: string) => (typeof row[k] === 'number' ? `${row[k]} of ${f(row.coefficients_compared, 0)}` : 'NA');
  const body = rows.map((row, i) => [label(row, i), f(row.spearman), f(row[`${variable}_mean`]), f(row[`${variable}_sd`]), count(row, 'same_sign'), count(row, 'same_significance'), f(row.f_individual, 2), f(row.hausman, 2)]);
  body.push(['the paper', '1', f(summary[`paper_${variable}_mean`]), f(summary[`paper_${variable}_sd`]), '', '', f(summary.paper_f_individual, 2), f(summary.paper_hausman, 2)]);
  const head = [dims.join(' · ') || 'variant', "Spearman's ρ (Table 2)", `${variable} mean`, `${variable} SD`, 'Table 5 same sign', 'same significance', 'F', 'Hausman'];
  return [
    `## ${opts.heading}`,
    '',
    current < 0
      ? `> **Out of date.** No row below is this run's result: the sweep ran on an earlier version of this pipeline (or on another pipeline). Run ${remake} again, then this pipeline.`
      : `One row per variant, collected by ${remake}; "(this run)" marks the row of this report.`,
    '',
    markdownTable(head, body, [false, true, true, true, true, true, true, true]),
  ];
}
