/**
 * The pipeline's own national stages (io-table → concordance → io-totals → annualise in
 * pipelines/paper.yaml) reproduce the national sector totals the data build script used to
 * compute (scripts/data/io-national.mjs applyConcordance + annualise, stored in
 * data/tidy/io_national_sectors*.csv): every cell to 1e-9 relative.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readData } from '../data/read-csv.js';
import { agglo, repo } from './support.js';

/** Parses the CSV written by `agglo show --csv` (no quoted commas in these columns). */
function parse(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

describe('pipelines/paper.yaml national stages', () => {
  it('equal the data build\'s national totals (2007 benchmark and 2011-2023) to 1e-9 relative', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-national-'));
    fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
    fs.cpSync(path.join(repo, 'pipelines'), path.join(dir, 'pipelines'), { recursive: true });
    const run = agglo(dir, 'run', 'pipelines/paper.yaml', 'national');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const show = agglo(dir, 'show', 'national', '--csv');
    expect(show.code, show.stderr).toBe(0);
    const got = new Map(parse(show.stdout).map((r) => [`${r.year}|${r.sector}`, r]));
    // Expected: what scripts/build-data.mjs wrote (2007 rows of the benchmark file, then the annual file).
    const want = [...readData('tidy/io_national_sectors.csv').rows.filter((r) => r.year === '2007'), ...readData('tidy/io_national_sectors_annual.csv').rows];
    expect(got.size).toBe(want.length);
    expect(want.length).toBe(14 * 42);
    for (const w of want) {
      const g = got.get(`${w.year}|${w.sector}`);
      expect(g, `year ${w.year} sector ${w.sector}`).toBeDefined();
      for (const f of ['output', 'value_added', 'intermediate_input', 'intermediate_use', 'final_use']) {
        const a = Number(g![f]);
        const b = Number(w[f]);
        expect(Math.abs(a - b) / Math.abs(b), `${f}, year ${w.year}, sector ${w.sector}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9);
      }
      if (w.source) expect([g!.source, g!.basis]).toEqual([w.source, w.basis]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
