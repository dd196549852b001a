/**
 * Reading the report's inputs into plain rows for the charts, with a StepError that names
 * the input and column whenever something is not what the report needs.
 */
import { readCsvFile } from '../../engine/csv.js';
import { StepError, type StepContext } from '../../engine/step.js';
import { column, columnNames, hasColumn, nrow } from '../../engine/table.js';
import { isFileRef, isTable, type Cell, type Json, type Table } from '../../engine/value.js';
import { normalQuantile, studentQuantile } from '../kernels/quantiles.js';
import type { SpecRow } from '../kernels/spec-curve.js';
import type { CoefPoint, HeatCell, RankLine, RegionPoint } from './charts.js';
import { isModel } from '../lib/model.js';

type Obj = { [k: string]: Json };
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Column names the report reads from `lq` and `ranking`. */
export interface PanelColumns { entity: string; time: string; value: string }

/** Column names of the published ranking. */
export interface PaperColumns { name: string; value: string; rank: string }

/** A table input, or undefined when it was not given; a CSV file input is read as a table. */
export function optionalTable(ctx: StepContext<unknown>, name: string): Table | undefined {
  const v = ctx.inputs[name];
  if (v === undefined) return undefined;
  if (isTable(v)) return v;
  if (isFileRef(v) && /\.csv$/i.test(v.path)) return readCsvFile(v.path);
  throw new StepError('not-a-table', `report: input \`${name}\` is not a table; connect it to a stage that produces one (or a .csv file)`);
}

/** Checks columns exist; the message lists the columns there are. */
export function need(t: Table, input: string, names: string[]): void {
  const missing = names.filter((n) => !hasColumn(t, n));
  if (missing.length > 0) {
    throw new StepError('missing-column', `report: input \`${input}\` has no column ${missing.map((m) => `\`${m}\``).join(', ')}; its columns are: ${columnNames(t).join(', ')}`);
  }
}

const num = (c: Cell | undefined): number | undefined => (typeof c === 'number' && Number.isFinite(c) ? c : undefined);
const str = (c: Cell | undefined): string => (c === null || c === undefined ? '' : String(c));

/** Display name and region of each entity code, from the provinces table (code, name_en, region). */
export function entityNames(provinces: Table | undefined): { name: (code: string) => string; region: Map<string, string> } {
  const names = new Map<string, string>();
  const region = new Map<string, string>();
  if (provinces) {
    need(provinces, 'provinces', ['code', 'name_en']);
    const codes = column(provinces, 'code');
    const en = column(provinces, 'name_en');
    const reg = hasColumn(provinces, 'region') ? column(provinces, 'region') : undefined;
    codes.forEach((c, i) => {
      names.set(str(c), str(en[i]));
      if (reg && reg[i] !== null) region.set(str(c), str(reg[i]));
    });
  }
  return { name: (code) => names.get(code) || code, region };
}

/** The heatmap cells (entity name, year, value); missing values are left out. */
export function heatCells(lq: Table, cols: PanelColumns, name: (code: string) => string): HeatCell[] {
  need(lq, 'lq', [cols.entity, cols.time, cols.value]);
  const e = column(lq, cols.entity), t = column(lq, cols.time), v = column(lq, cols.value);
  const out: HeatCell[] = [];
  for (let i = 0; i < nrow(lq); i++) {
    const year = num(t[i]);
    const value = num(v[i]);
    if (year === undefined) throw new StepError('bad-time', `report: input \`lq\` row ${i + 1}: \`${cols.time}\` is ${JSON.stringify(t[i])}, not a number`);
    if (value !== undefined) out.push({ name: name(str(e[i])), year, value });
  }
  return out;
}

/** Entity names in our rank order (from `ranking`), else by mean value, highest first. */
export function entityOrder(cells: HeatCell[], lines: RankLine[] | undefined): string[] {
  if (lines && lines.length > 0) return [...lines].sort((a, b) => a.rank - b.rank).map((l) => l.name);
  const sums = new Map<string, [number, number]>();
  for (const c of cells) { const s = sums.get(c.name) ?? [0, 0]; sums.set(c.name, [s[0] + c.value, s[1] + 1]); }
  return [...sums.entries()].sort((a, b) => b[1][0] / b[1][1] - a[1][0] / a[1][1]).map(([n]) => n);
}

/** Our ranking (entity, mean, rank) joined by name with the published one. Unmatched paper rows are returned. */
export function rankLines(ranking: Table, cols: PanelColumns, name: (code: string) => string, paper: Table | undefined, pc: PaperColumns): { lines: RankLine[]; unmatched: string[] } {
  need(ranking, 'ranking', [cols.entity, 'mean', 'rank']);
  const published = new Map<string, { rank: number | null; value: number | null }>();
  if (paper) {
    need(paper, 'paper_ranking', [pc.name, pc.value, pc.rank]);
    const n = column(paper, pc.name), v = column(paper, pc.value), r = column(paper, pc.rank);
    n.forEach((x, i) => published.set(str(x).trim().toLowerCase(), { rank: num(r[i]) ?? null, value: num(v[i]) ?? null }));
  }
  const e = column(ranking, cols.entity), m = column(ranking, 'mean'), r = column(ranking, 'rank');
  const lines: RankLine[] = [];
  const matched = new Set<string>();
  for (let i = 0; i < nrow(ranking); i++) {
    const ours = num(m[i]);
    const rank = num(r[i]);
    if (ours === undefined || rank === undefined) continue;
    const nm = name(str(e[i]));
    const key = nm.trim().toLowerCase();
    const p = published.get(key);
    if (p) matched.add(key);
    lines.push({ name: nm, rank, ours, paperRank: p?.rank ?? null, paper: p?.value ?? null });
  }
  const unmatched = [...published.keys()].filter((k) => !matched.has(k));
  return { lines, unmatched };
}

/** (region, year, value) for every row whose entity has a region. */
export function regionPoints(lq: Table, cols: PanelColumns, region: Map<string, string>): RegionPoint[] {
  need(lq, 'lq', [cols.entity, cols.time, cols.value]);
  const e = column(lq, cols.entity), t = column(lq, cols.time), v = column(lq, cols.value);
  const out: RegionPoint[] = [];
  for (let i = 0; i < nrow(lq); i++) {
    const reg = region.get(str(e[i]));
    const year = num(t[i]), value = num(v[i]);
    if (reg !== undefined && year !== undefined && value !== undefined) out.push({ region: reg, year, value });
  }
  return out;
}

/**
 * Estimates with `level` confidence intervals, estimate ± q·SE, q from the model's reference
 * distribution (t with df_resid, or normal), as R's confint(). The constant is left out.
 */
export function coefPoints(models: [string, Json][], level: number): { points: CoefPoint[]; terms: string[] } {
  const points: CoefPoint[] = [];
  const terms: string[] = [];
  for (const [name, m] of models) {
    if (!isModel(m)) throw new StepError('not-a-model', `report: input \`${name}\` is not a fitted model; give it the \`model\` output of a panel-regression stage (or remove it: every input other than the named ones is taken as a model)`);
    const df = typeof m.df_resid === 'number' ? m.df_resid : Infinity;
    const q = m.distribution === 'normal' ? normalQuantile((1 + level) / 2) : studentQuantile((1 + level) / 2, df);
    for (const c of m.coefficients) {
      if (!isObj(c) || typeof c.term !== 'string' || c.term === '(Intercept)') continue;
      if (typeof c.estimate !== 'number' || typeof c.std_error !== 'number' || !Number.isFinite(c.std_error)) continue;
      if (!terms.includes(c.term)) terms.push(c.term);
      points.push({ model: name, term: c.term, estimate: c.estimate, lo: c.estimate - q * c.std_error, hi: c.estimate + q * c.std_error });
    }
  }
  return { points, terms };
}

/** A column of the data dictionary (file, column, status, description). */
export interface DictionaryEntry { file: string; column: string; status: string; description: string }

/** The dictionary's rows (columns file, column, status; description optional). */
export function dictionaryEntries(dict: Table): DictionaryEntry[] {
  need(dict, 'dictionary', ['file', 'column', 'status']);
  const f = column(dict, 'file'), c = column(dict, 'column'), s = column(dict, 'status');
  const d = hasColumn(dict, 'description') ? column(dict, 'description') : undefined;
  return f.map((x, i) => ({ file: str(x), column: str(c[i]), status: str(s[i]).trim().toLowerCase(), description: str(d?.[i]) }));
}

/** Whether a pipeline file (e.g. data/tidy/panel.csv) is the dictionary's file (e.g. tidy/panel.csv, relative to data/). */
export function sameFile(pipelinePath: string, dictFile: string): boolean {
  const a = pipelinePath.replace(/\\/g, '/');
  const b = dictFile.replace(/\\/g, '/').replace(/^\.\//, '');
  return a === b || a.endsWith(`/${b}`);
}

/** The fixed columns of a sweep's specifications table; every other column is a dimension of the sweep. */
export const SPEC_COLUMNS = ['variant', 'stage', 'term', 'estimate', 'std_error', 'statistic', 'p_value', 'nobs', 'r2'];

/**
 * The rows of a specifications table (one per variant × collected term) and its dimensions,
 * the columns that are not {@link SPEC_COLUMNS}, in table order. A missing estimate, std error
 * or p value (a variant that failed) is NaN; any other non-number is an error naming the cell.
 */
export function specRows(t: Table, input = 'specifications'): { rows: SpecRow[]; dimensions: string[] } {
  need(t, input, ['variant', 'stage', 'term', 'estimate', 'std_error', 'p_value']);
  const dimensions = columnNames(t).filter((n) => !SPEC_COLUMNS.includes(n));
  const v = column(t, 'variant'), s = column(t, 'stage'), term = column(t, 'term');
  const dims = dimensions.map((d) => column(t, d));
  const number = (name: string) => {
    const c = column(t, name);
    return (i: number): number => {
      const x = c[i];
      if (x === null || x === undefined || x === '') return NaN;
      if (typeof x === 'number') return x;
      // A column read as text keeps its cells as strings: NA and NaN are missing, numbers are read.
      if (typeof x === 'string' && /^\s*(NA|NaN)\s*$/i.test(x)) return NaN;
      if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
      throw new StepError('bad-cell', `report: input \`${input}\` row ${i + 1}, column \`${name}\`: ${JSON.stringify(x)} is not a number`);
    };
  };
  const estimate = number('estimate'), se = number('std_error'), p = number('p_value');
  const rows: SpecRow[] = [];
  for (let i = 0; i < nrow(t); i++) {
    const choices: Record<string, string> = {};
    dimensions.forEach((d, k) => { const c = dims[k]![i]; if (c !== null && c !== undefined) choices[d] = str(c); });
    rows.push({ variant: str(v[i]), choices, stage: str(s[i]), term: str(term[i]), estimate: estimate(i), std_error: se(i), p_value: p(i) });
  }
  return { rows, dimensions };
}
