import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { columnNames, numericColumn, tableFromRows, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { entropyWeight, type EntropyWeightParams } from '../../steps/entropy-weight.js';
import type { Direction } from '../../steps/kernels/entropy-weight.js';
import { makeContext } from '../support/context.js';

interface NumpyCase { entropy: number[]; weight: number[]; score: number[] }
interface NumpyRef {
  indicators: string[]; directions: Direction[]; rows: Record<string, number | string>[];
  pooled_ignore: NumpyCase; per_year_ignore: Record<string, NumpyCase>;
}

// test/fixtures/measurement/entropy-weight-numpy.json, written by measurement-numpy.py (numpy).
const ref = JSON.parse(readFileSync(new URL('../fixtures/measurement/entropy-weight-numpy.json', import.meta.url), 'utf8')) as NumpyRef;
const data = tableFromRows(ref.rows);
const indicators = ref.indicators.map((column, j) => ({ column, direction: ref.directions[j]! }));

function run(params: EntropyWeightParams, input: Table = data): { scores: Table; weights: Table } {
  return entropyWeight.run(makeContext(params, { data: input })) as { scores: Table; weights: Table };
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('entropy-weight step', () => {
  it('pooled: scores and weights match numpy; id columns kept', () => {
    const { scores, weights } = run({ indicators });
    expect(columnNames(scores)).toEqual(['province', 'year', ...ref.indicators, 'score']);
    numericColumn(scores, 'score').forEach((v, i) => expect(v).toBeCloseTo(ref.pooled_ignore.score[i]!, 12));
    const w = tableRows(weights);
    expect(w.map((r) => [r.indicator, r.direction])).toEqual(indicators.map((s) => [s.column, s.direction]));
    w.forEach((r, j) => {
      expect(r.entropy).toBeCloseTo(ref.pooled_ignore.entropy[j]!, 12);
      expect(r.weight).toBeCloseTo(ref.pooled_ignore.weight[j]!, 12);
    });
  });

  it('map form of indicators gives the same result', () => {
    const map = Object.fromEntries(indicators.map((s) => [s.column, s.direction]));
    const { scores } = run({ indicators: map, score_column: 'del' });
    numericColumn(scores, 'del').forEach((v, i) => expect(v).toBeCloseTo(ref.pooled_ignore.score[i]!, 12));
  });

  it('per year: weights per year match numpy', () => {
    const { scores, weights } = run({ indicators, pooled: false });
    const years = ref.rows.map((r) => String(r.year));
    const seen: Record<string, number> = {};
    numericColumn(scores, 'score').forEach((v, i) => {
      const y = years[i]!;
      const k = (seen[y] = (seen[y] ?? -1) + 1);
      expect(v).toBeCloseTo(ref.per_year_ignore[y]!.score[k]!, 12);
    });
    const w = tableRows(weights);
    expect(columnNames(weights)).toEqual(['year', 'indicator', 'direction', 'entropy', 'weight']);
    expect(w).toHaveLength(12);
    w.forEach((r, k) => expect(r.weight).toBeCloseTo(ref.per_year_ignore[String(r.year)]!.weight[k % 4]!, 12));
  });

  it('missing value → StepError naming row and column, suggesting impute', () => {
    const t = tableFromRows([{ year: 2011, a: 1 }, { year: 2012, a: null }]);
    const e = failure(() => run({ indicators: { a: 'positive' } }, t));
    expect(e.reason).toBe('missing-value');
    expect(e.message).toContain('row 2 (year 2012): indicator `a` is missing');
    expect(e.message).toContain('impute');
  });

  it('constant indicator: error by default, weight 0 on request', () => {
    const t = tableFromRows([{ a: 1, b: 5 }, { a: 2, b: 5 }, { a: 4, b: 5 }]);
    const e = failure(() => run({ indicators: { a: 'positive', b: 'negative' } }, t));
    expect(e.reason).toBe('constant-indicator');
    expect(e.message).toContain('`b`');
    const { weights, scores } = run({ indicators: { a: 'positive', b: 'negative' }, constant: 'zero-weight' }, t);
    // b: entropy 1, weight 0; a alone gets weight 1, so score = z_a = (0, 1/3, 1)
    expect(tableRows(weights).map((r) => r.weight)).toEqual([1, 0]);
    expect(Array.from(numericColumn(scores, 'score'))).toEqual([0, 1 / 3, 1].map((v) => expect.closeTo(v, 15)));
  });

  it('other user errors', () => {
    expect(failure(() => run({ indicators: [{ column: 'nope' }] })).reason).toBe('missing-column');
    expect(failure(() => run({ indicators: [{ column: 'cost' }, { column: 'cost' }] })).reason).toBe('bad-params');
    const one = tableFromRows([{ year: 2011, a: 1 }, { year: 2012, a: 2 }]);
    const e = failure(() => run({ indicators: { a: 'positive' }, pooled: false }, one));
    expect(e.reason).toBe('too-few-rows');
    expect(e.message).toContain('in year 2011');
  });
});
