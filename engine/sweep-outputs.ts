/**
 * A sweep's outputs: results/<sweep>/specifications.csv (one row per variant × collected
 * term: the variant id, each dimension's choice, then stage, term, estimate, std_error,
 * statistic, p_value, nobs, r2; written when a model is collected), results/<sweep>/
 * <stage>.<output>.csv per table collect (engine/sweep-tables.ts) and results/<sweep>/
 * summary.md (the specification-curve summary of steps/kernels/spec-curve.ts, then each
 * collected table), written atomically and only under results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { specificationsMarkdown, summarizeSpecifications, type SpecRow } from '../steps/kernels/spec-curve.js';
import { formatCsv } from './csv.js';
import { resultsTarget } from './results-target.js';
import { writeFileAtomic } from './store.js';
import { tableFromColumns } from './table.js';
import type { SpecificationRow } from './sweep-run.js';

/** The text of specifications.csv: columns in the order of the shared contract. */
export function specificationsCsv(rows: readonly SpecificationRow[], dimensions: readonly string[]): string {
  const cols: Record<string, (string | number)[]> = { variant: rows.map((r) => r.variant) };
  for (const d of dimensions) cols[d] = rows.map((r) => r.choices[d] ?? '');
  cols.stage = rows.map((r) => r.stage);
  cols.term = rows.map((r) => r.term);
  for (const k of ['estimate', 'std_error', 'statistic', 'p_value', 'nobs', 'r2'] as const) cols[k] = rows.map((r) => r[k]);
  return formatCsv(tableFromColumns(cols));
}

/**
 * The Markdown summary: the specification-curve summary of the collected models (when any
 * model is collected), each collected table (`tables`: sections of sweep-tables.ts), then
 * the variants that failed (no rows).
 */
export function summaryMarkdown(rows: readonly SpecificationRow[], title: string, failed: readonly { id: string; error: string }[], tables: readonly string[] = [], models = true): string {
  const spec: SpecRow[] = rows.map((r) => ({ variant: r.variant, choices: { ...r.choices }, stage: r.stage, term: r.term, estimate: r.estimate, std_error: r.std_error, p_value: r.p_value }));
  let md = models ? specificationsMarkdown(summarizeSpecifications(spec), title) : `# ${title}\n`;
  for (const t of tables) md = md.replace(/\n*$/, '\n\n') + t;
  if (failed.length) {
    md = md.replace(/\n*$/, '\n\n');
    md += `## Variants that failed (${failed.length}, not in the summary)\n\n${failed.map((f) => `- \`${f.id}\`: ${f.error.replace(/\n/g, ' ')}`).join('\n')}\n`;
  }
  return md;
}

/** The results/ paths of a sweep's outputs (relative to the project root); `key`: a table collect's. */
export function sweepOutputPaths(name: string): { csv: string; summary: string; table(key: string): string } {
  return { csv: `results/${name}/specifications.csv`, summary: `results/${name}/summary.md`, table: (key) => `results/${name}/${key}.csv` };
}

/** Writes the files (path relative to the root → text); returns the paths written, or why a file could not be written. */
export function writeSweepOutputs(root: string, files: Readonly<Record<string, string>>): { written: string[] } | { error: string } {
  const written: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const target = resultsTarget(root, rel);
    if (!target.ok) return { error: `cannot write ${target.problem}` };
    fs.mkdirSync(path.dirname(target.value), { recursive: true });
    // The folder may have been made above a checked link only if it is still under results/.
    const again = resultsTarget(root, rel);
    if (!again.ok) return { error: `cannot write ${again.problem}` };
    writeFileAtomic(again.value, text);
    written.push(rel);
  }
  return { written };
}
