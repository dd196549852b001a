/** Loads the R spdep / spatialreg fixtures of test/fixtures/spatial (made by make-fixtures.R) and the data/spatial files. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Table } from '../../engine/value.js';
import { readPlainCsv } from './plm-fixtures.js';

const dir = fileURLToPath(new URL('../fixtures/spatial/', import.meta.url));
const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));

const csv = readPlainCsv;

/** A CSV of test/fixtures/spatial. */
export const fixtureCsv = (name: string): Table => csv(dir + name);
/** A CSV of data/ (e.g. spatial/adjacency.csv). */
export const dataCsv = (rel: string): Table => csv(dataDir + rel);

export interface MoranStat { I: number; expectation: number; variance: number; z: number; p: number }
export interface MoranCase { normality: MoranStat; randomisation: MoranStat; normality_two_sided: MoranStat; randomisation_less: MoranStat }
export interface SarCase {
  rho: number; rho_se: number; coefficients: Record<string, number>; std_errors: Record<string, number>;
  log_lik: number; sigma2: number;
  impacts: { direct: Record<string, number>; indirect: Record<string, number>; total: Record<string, number>; simulated_se: Record<string, Record<string, number>> };
}

/** expected.json: values computed by R spdep / spatialreg (see make-fixtures.R). */
export const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8')) as {
  generated_by: string;
  weights: Record<'W' | 'B' | 'inverse_distance_W' | 'inverse_distance_power2_cut1000', { codes: string[]; matrix: number[][] }>;
  moran: Record<'W' | 'B' | 'D', { per_period: MoranCase[]; pooled: MoranCase }>;
  sdm: SarCase;
  sar: SarCase;
  panel_sdm: { rho: number; coefficients: Record<string, number> };
  panel_sar: { rho: number; coefficients: Record<string, number> };
};

/** Largest relative difference |a − b| / max(|b|, floor) seen by `rel` calls, per label (for the report). */
export const worst = new Map<string, number>();
export function rel(a: number, b: number, label: string, floor = 1e-12): number {
  const d = Math.abs(a - b) / Math.max(Math.abs(b), floor);
  worst.set(label, Math.max(worst.get(label) ?? 0, d));
  return d;
}
