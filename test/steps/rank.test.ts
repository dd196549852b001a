import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { columnNames, tableFromRows, tableRows } from '../../engine/table.js';
import type { Cell, Table } from '../../engine/value.js';
import { rank, rankValues, type RankParams } from '../../steps/rank.js';
import { makeContext } from '../support/context.js';

function run(params: RankParams, data: Table): { ranking: Table; wide: Table; notes: string[] } {
  const ctx = makeContext(params, { data });
  return { ...(rank.run(ctx) as { ranking: Table; wide: Table }), notes: ctx.notes };
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

function readCsv(name: string): string[][] {
  const text = readFileSync(new URL(`../fixtures/measurement/${name}`, import.meta.url), 'utf8');
  return text.trim().split(/\r?\n/).map((l) => l.split(','));
}

describe('rankValues matches R rank()', () => {
  // From R's ?rank example: x2 <- c(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5);
  // rank(x2) and rank(x2, ties.method = "first"/"min"/"max") as printed by R.
  const x2 = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
  it.each([
    ['average', [4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]],
    ['first', [4, 1, 6, 2, 7, 11, 3, 10, 8, 5, 9]],
    ['min', [4, 1, 6, 1, 7, 11, 3, 10, 7, 4, 7]],
    ['max', [5, 2, 6, 2, 9, 11, 3, 10, 9, 5, 9]],
  ] as const)('%s', (ties, want) => {
    expect(Array.from(rankValues(x2, ties))).toEqual(want);
  });
});

describe('rank step', () => {
  const data = tableFromRows([
    { province: 'A', year: 2012, lq: 1 },
    { province: 'A', year: 2011, lq: 3 },
    { province: 'B', year: 2011, lq: 2 },
    { province: 'B', year: 2012, lq: 2 },
    { province: 'C', year: 2011, lq: 5 },
    { province: 'C', year: 2012, lq: 1 },
  ]);

  it('ranks by mean, 1 = highest, ties by min; wide layout sorted by year', () => {
    const { ranking, wide } = run({}, data);
    // means: A (1+3)/2 = 2, B 2, C 3 → C 1st, A and B tie at 2 (min rule: both 2)
    expect(tableRows(ranking)).toEqual([
      { province: 'C', mean: 3, rank: 1 },
      { province: 'A', mean: 2, rank: 2 },
      { province: 'B', mean: 2, rank: 2 },
    ]);
    expect(columnNames(wide)).toEqual(['province', '2011', '2012']);
    expect(tableRows(wide)[0]).toEqual({ province: 'A', 2011: 3, 2012: 1 });
  });

  it('ties average / first, increasing order, custom names', () => {
    expect(tableRows(run({ ties: 'average' }, data).ranking).map((r) => r.rank)).toEqual([1, 2.5, 2.5]);
    expect(tableRows(run({ ties: 'first' }, data).ranking).map((r) => r.rank)).toEqual([1, 2, 3]);
    const inc = run({ decreasing: false, mean_column: 'average', rank_column: 'position' }, data).ranking;
    expect(tableRows(inc)[0]).toEqual({ province: 'A', average: 2, position: 1 });
  });

  it('missing values: error by default, omitted on request', () => {
    const t = tableFromRows([{ province: 'A', year: 2011, lq: null }, { province: 'A', year: 2012, lq: 4 }, { province: 'B', year: 2011, lq: null }]);
    const e = failure(() => run({}, t));
    expect(e.reason).toBe('missing-value');
    expect(e.message).toContain('row 1 (province A, year 2011)');
    const { ranking, wide, notes } = run({ missing: 'omit' }, t);
    expect(tableRows(ranking)).toEqual([{ province: 'A', mean: 4, rank: 1 }]);
    expect(notes[0]).toContain('not ranked: B');
    expect(tableRows(wide)[1]).toEqual({ province: 'B', 2011: null, 2012: null });
    expect(failure(() => run({}, tableFromRows([{ province: 'A', year: 1, lq: 1 }, { province: 'A', year: 1, lq: 2 }]))).reason).toBe('duplicate-row');
  });

  it('reproduces the ranking of the paper\'s Table 2 from its Table 1', () => {
    // test/fixtures/measurement/table1_agglomeration.csv and table2_ranking.csv are the
    // paper's published tables (copied from the transcription in data/paper/).
    const t1 = readCsv('table1_agglomeration.csv');
    const years = t1[0]!.slice(1);
    const rows: Record<string, Cell>[] = [];
    for (const r of t1.slice(1)) years.forEach((y, k) => rows.push({ region: r[0]!, year: Number(y), lq: Number(r[k + 1]) }));
    const { ranking, wide } = run({ entity: 'region' }, tableFromRows(rows));
    const got = tableRows(ranking);
    const t2 = readCsv('table2_ranking.csv').slice(1);
    expect(got.map((r) => r.region)).toEqual(t2.map((r) => r[1]));
    expect(got.map((r) => r.rank)).toEqual(t2.map((r) => Number(r[0])));
    // Table 1 is rounded to 2 decimals (mean off by ≤ 0.005) and Table 2 too (≤ 0.005).
    got.forEach((r, k) => expect(Math.abs((r.mean as number) - Number(t2[k]![2]))).toBeLessThan(0.01));
    expect(tableRows(wide).map((r) => r.region)).toEqual(t1.slice(1).map((r) => r[0]));
    expect(columnNames(wide)).toEqual(['region', ...years]);
  });
});
