/**
 * The pipeline's own national stages (io-table → concordance → io-totals → annualise) on the
 * 2007 class (pipelines/examples/base-2007.yaml) reproduce the national sector totals the
 * data build script computes (scripts/data/io-national.mjs applyConcordance + annualise,
 * stored in data/tidy/io_national_sectors*.csv): every cell to 1e-9 relative. On the 2012
 * class (pipelines/paper.yaml) the concordances only regroup sectors, so every year's
 * totals over all sectors equal the 2007-class ones.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readData } from '../data/read-csv.js';
import { agglo, repo } from './support.js';

/** Parses the CSV written by `agglo show --csv` (no quoted commas in these columns). */
function parse(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

const FIELDS = ['output', 'value_added', 'intermediate_input', 'intermediate_use', 'final_use'];

function national(dir: string, pipeline: string): Record<string, string>[] {
  const run = agglo(dir, 'run', pipeline, 'national');
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const show = agglo(dir, 'show', 'national', '--csv', '-p', pipeline);
  expect(show.code, show.stderr).toBe(0);
  return parse(show.stdout);
}

describe('the national stages', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-national-'));
    fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
    fs.cpSync(path.join(repo, 'pipelines'), path.join(dir, 'pipelines'), { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('2007 class: equal the data build\'s national totals (2007 benchmark and 2011-2023) to 1e-9 relative', () => {
    const got = new Map(national(dir, 'pipelines/examples/base-2007.yaml').map((r) => [`${r.year}|${r.sector}`, r]));
    // Expected: what scripts/build-data.mjs wrote (2007 rows of the benchmark file, then the annual file).
    const want = [...readData('tidy/io_national_sectors.csv').rows.filter((r) => r.year === '2007'), ...readData('tidy/io_national_sectors_annual.csv').rows];
    expect(got.size).toBe(want.length);
    expect(want.length).toBe(14 * 42);
    for (const w of want) {
      const g = got.get(`${w.year}|${w.sector}`);
      expect(g, `year ${w.year} sector ${w.sector}`).toBeDefined();
      for (const f of FIELDS) {
        const a = Number(g![f]);
        const b = Number(w[f]);
        expect(Math.abs(a - b) / Math.abs(b), `${f}, year ${w.year}, sector ${w.sector}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9);
      }
      if (w.source) expect([g!.source, g!.basis]).toEqual([w.source, w.basis]);
    }
  }, 60_000);

  it('2012 class (paper.yaml): 42 sectors per year whose sums equal the 2007-class sums to 1e-9 relative', () => {
    const sums = (rows: Record<string, string>[]) => {
      const m = new Map<string, number[]>();
      for (const r of rows) {
        const s = m.get(r.year!) ?? FIELDS.map(() => 0);
        FIELDS.forEach((f, k) => { s[k]! += Number(r[f]); });
        m.set(r.year!, s);
      }
      return m;
    };
    const rows12 = national(dir, 'pipelines/paper.yaml');
    // 2011-2023 (the benchmarks 2012 and 2017 are among them) x 42 sectors.
    expect(rows12.length).toBe(13 * 42);
    const a = sums(rows12);
    const b = sums(national(dir, 'pipelines/examples/base-2007.yaml'));
    for (const [year, s] of a) {
      FIELDS.forEach((f, k) => expect(Math.abs(s[k]! - b.get(year)![k]!) / Math.abs(b.get(year)![k]!), `${f} ${year}`).toBeLessThanOrEqual(1e-9));
    }
  }, 60_000);
});
