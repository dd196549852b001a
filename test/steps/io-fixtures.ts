/** Shared fixtures of the input-output step tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import { tableFromColumns } from '../../engine/table.js';
import type { Cell, Table, Value } from '../../engine/value.js';
import type { IoTable } from '../../steps/io-types.js';

/** The real 2007 Qinghai table in long form (see test/fixtures/io/SOURCES.md); codes parsed as numbers like a CSV reader would. */
export function qinghaiLong(): Table {
  const lines = readFileSync(new URL('../fixtures/io/qih_2007_long.csv', import.meta.url), 'utf8').trim().split('\n');
  const names = lines[0]!.split(',');
  const cols: Cell[][] = names.map(() => []);
  for (const line of lines.slice(1)) line.split(',').forEach((v, k) => cols[k]!.push(k === 0 ? v : Number(v)));
  return tableFromColumns(Object.fromEntries(names.map((n, k) => [n, cols[k]!])));
}

export const QIH_PARAMS = { filter: { prov: 'QIH' }, row_col: 'row_code', col_col: 'col_code', value_col: 'value_10k_yuan' };

/** A small IoTable; va defaults to x − column sums (a balanced table). */
export function ioTable(sectors: string[], z: number[][], x: number[], va?: number[]): IoTable {
  return { kind: 'io-table', sectors, z, x, va: va ?? x.map((xj, j) => xj - z.reduce((s, r) => s + r[j]!, 0)) };
}

export const asValue = (t: IoTable): Value => t as unknown as Value;

/** Runs `f` and returns the StepError it throws (or fails). */
export function thrown(f: () => unknown): { reason: string; message: string } {
  try {
    f();
  } catch (e) {
    return e as { reason: string; message: string };
  }
  throw new Error('expected a StepError');
}
