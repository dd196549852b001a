/**
 * Helpers for the column-oriented `Table`. Steps use these instead of poking at
 * `columns` so that missing-column errors read the same everywhere.
 */
import { missingColumnsText } from './column-list.js';
import { dict, own } from './dict.js';
import { StepError } from './step.js';
import type { Cell, Column, Table } from './value.js';

/** Builds a table from columns given as a name → values record (insertion order kept). */
export function tableFromColumns(cols: Record<string, Cell[] | Float64Array>): Table {
  const columns: Column[] = [];
  let n: number | undefined;
  for (const [name, vals] of Object.entries(cols)) {
    const values = Array.from(vals as ArrayLike<Cell>, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
    if (n !== undefined && values.length !== n) throw new Error(`column ${name} has ${values.length} values, expected ${n}`);
    n = values.length;
    columns.push({ name, values });
  }
  return { kind: 'table', columns };
}

/** Builds a table from row objects; columns are the union of keys in first-seen order. */
export function tableFromRows(rows: Record<string, Cell>[], names?: string[]): Table {
  const order = names ? [...names] : [];
  if (!names) {
    const seen = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); order.push(k); }
  }
  return { kind: 'table', columns: order.map((name) => ({ name, values: rows.map((r) => own(r, name) ?? null) })) };
}

/**
 * Row objects of a table (for small tables, `agglo show --json` and tests). They have no
 * prototype, so a column named `__proto__` or `constructor` is a key like any other.
 */
export function tableRows(t: Table): Record<string, Cell>[] {
  const n = nrow(t);
  const out: Record<string, Cell>[] = [];
  for (let i = 0; i < n; i++) {
    const r = dict<Cell>();
    for (const c of t.columns) r[c.name] = c.values[i] ?? null;
    out.push(r);
  }
  return out;
}

export function nrow(t: Table): number {
  return t.columns[0]?.values.length ?? 0;
}

export function columnNames(t: Table): string[] {
  return t.columns.map((c) => c.name);
}

export function hasColumn(t: Table, name: string): boolean {
  return t.columns.some((c) => c.name === name);
}

/**
 * The values of column `name`, or a StepError with the closest name or a short list of the
 * columns there are (engine/column-list.ts).
 * `where` names the input in the message, e.g. "input `data`".
 */
export function column(t: Table, name: string, where = 'the input table'): Cell[] {
  const c = t.columns.find((x) => x.name === name);
  if (!c) {
    throw new StepError('missing-column', missingColumnsText(where, [name], columnNames(t)));
  }
  return c.values;
}

/**
 * A numeric column as Float64Array; missing values become NaN. A non-numeric cell is a
 * StepError naming the row and the value.
 */
export function numericColumn(t: Table, name: string, where = 'the input table'): Float64Array {
  const vals = column(t, name, where);
  const out = new Float64Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (v === null || v === undefined) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else {
      throw new StepError('not-numeric', `${where}, column \`${name}\`, row ${i + 1}: "${v}" is not a number`);
    }
  }
  return out;
}

/** Replaces or appends a column, keeping the other columns' order. */
export function withColumn(t: Table, name: string, values: Cell[] | Float64Array): Table {
  const vals = Array.from(values as ArrayLike<Cell>, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
  if (t.columns.length > 0 && vals.length !== nrow(t)) throw new Error(`column ${name} has ${vals.length} values, table has ${nrow(t)} rows`);
  const idx = t.columns.findIndex((c) => c.name === name);
  const columns = [...t.columns];
  if (idx >= 0) columns[idx] = { name, values: vals };
  else columns.push({ name, values: vals });
  return { kind: 'table', columns };
}

/** Keeps the rows whose index passes `keep`. */
export function filterRows(t: Table, keep: (i: number) => boolean): Table {
  const idx: number[] = [];
  const n = nrow(t);
  for (let i = 0; i < n; i++) if (keep(i)) idx.push(i);
  return takeRows(t, idx);
}

/** The rows at the given indices, in that order. */
export function takeRows(t: Table, idx: number[]): Table {
  return { kind: 'table', columns: t.columns.map((c) => ({ name: c.name, values: idx.map((i) => c.values[i] ?? null) })) };
}

/**
 * Stacks tables by column name (union of columns, missing cells null), like
 * dplyr::bind_rows.
 */
export function bindRows(tables: Table[]): Table {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const t of tables) for (const c of t.columns) if (!seen.has(c.name)) { seen.add(c.name); names.push(c.name); }
  const columns: Column[] = names.map((name) => ({ name, values: [] as Cell[] }));
  for (const t of tables) {
    const n = nrow(t);
    for (const c of columns) {
      const src = t.columns.find((x) => x.name === c.name);
      for (let i = 0; i < n; i++) c.values.push(src ? (src.values[i] ?? null) : null);
    }
  }
  return { kind: 'table', columns };
}
