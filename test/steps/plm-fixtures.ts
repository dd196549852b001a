/** Loads the R plm fixtures of test/fixtures/plm (made by make-fixtures.R) for the panel tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tableFromColumns } from '../../engine/table.js';
import type { Cell, Table } from '../../engine/value.js';

const dir = fileURLToPath(new URL('../fixtures/plm/', import.meta.url));

/** A fixture CSV of test/fixtures/plm as a table. */
export const readCsv = (name: string): Table => readPlainCsv(dir + name);

/** A plain CSV (no quoting) at `path` as a table; numeric-looking cells become numbers, NA and empty cells missing. */
export function readPlainCsv(path: string): Table {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const cols: Record<string, Cell[]> = Object.fromEntries(header.map((h) => [h, [] as Cell[]]));
  for (const line of lines.slice(1)) {
    line.split(',').forEach((v, j) => {
      const num = Number(v);
      cols[header[j]!]!.push(v === 'NA' || v === '' ? null : Number.isFinite(num) ? num : v);
    });
  }
  return tableFromColumns(cols);
}

/** The panel data sets and their model variables, as in make-fixtures.R. */
export const datasets = {
  grunfeld: { file: 'grunfeld.csv', y: 'inv', x: ['value', 'capital'], entity: 'firm', time: 'year' },
  grunfeld_unbalanced: { file: 'grunfeld-unbalanced.csv', y: 'inv', x: ['value', 'capital'], entity: 'firm', time: 'year' },
  produc: { file: 'produc.csv', y: 'lgsp', x: ['lpcap', 'lpc', 'lemp', 'unemp'], entity: 'state', time: 'year' },
} as const;

export type DatasetName = keyof typeof datasets;

/** expected.json: values computed by R plm (see the comments in make-fixtures.R). */
export const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8')) as {
  generated_by: string;
  fits: Record<string, ExpectedFit>;
  tests: Record<string, { f_individual: { statistic: number; df1: number; df2: number; p_value: number }; hausman: { statistic: number; df: number; p_value: number; min_eigen: number }; hausman_ginv: { statistic: number; df: number; p_value: number }; hausman_sigmaless: { statistic: number; df: number; p_value: number; min_eigen: number } }>;
  stata_re: { sigma2_e: number; sigma2_u: number; theta_min: number; theta_max: number; estimate: number[]; std_error: number[] };
};

export interface ExpectedFit {
  model: string; effect: string; vcov: string; terms: string[];
  estimate: number[]; std_error: number[]; statistic: number[]; p_value: number[];
  vcov_matrix: number[][]; stata_std_error: number[];
  nobs: number; n_groups: number; n_periods: number; balanced: boolean; df_resid: number;
  r2: number; adj_r2: number; ssr: number; tss: number; sigma2: number;
  r2_overall?: number; r2_between?: number; sigma2_e?: number; sigma2_u?: number;
  theta?: number | { min: number; max: number; mean: number };
  constant?: { estimate: number; std_error: number; stata_std_error: number };
}

/** |a − b| ≤ tol·max(|b|, floor): relative, absolute near 0. */
export function close(a: number, b: number, tol = 1e-8, floor = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
}
