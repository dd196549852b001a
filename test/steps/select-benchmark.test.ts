import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import type { Value } from '../../engine/value.js';
import type { IoTable } from '../../steps/io-types.js';
import { pickBenchmark, selectBenchmark, type SelectBenchmarkParams } from '../../steps/select-benchmark.js';
import { makeContext } from '../support/context.js';

const table = (tag: number): IoTable => ({ kind: 'io-table', sectors: ['1'], z: [[tag]], x: [tag * 2], va: [tag], meta: { source: 'test' } });
const collection = (years: number[]): Value => ({ kind: 'collection', items: years.map((y) => ({ key: { province: 'BEJ', benchmark: y }, value: table(y) as unknown as Value })) });
const run = (params: SelectBenchmarkParams, tables: Value) => {
  const ctx = makeContext(params, { tables });
  return { out: (selectBenchmark.run(ctx) as { table: IoTable }).table, notes: ctx.notes };
};

describe('pickBenchmark', () => {
  // Hand-worked: benchmarks 2012 and 2017, midpoint 2014.5.
  it('nearest: 2011-2014 from 2012, 2015-2023 from 2017', () => {
    const got = Array.from({ length: 13 }, (_, i) => pickBenchmark([2017, 2012], 2011 + i));
    expect(got).toEqual([2012, 2012, 2012, 2012, 2017, 2017, 2017, 2017, 2017, 2017, 2017, 2017, 2017]);
  });
  it('a tie goes to the earlier benchmark unless ties: later', () => {
    expect(pickBenchmark([2010, 2012], 2011)).toBe(2010);
    expect(pickBenchmark([2010, 2012], 2011, 'nearest', 'later')).toBe(2012);
  });
  it('latest-before and earliest-after', () => {
    expect(pickBenchmark([2012, 2017], 2016, 'latest-before')).toBe(2012);
    expect(pickBenchmark([2012, 2017], 2017, 'latest-before')).toBe(2017);
    expect(pickBenchmark([2012, 2017], 2011, 'latest-before')).toBeUndefined();
    expect(pickBenchmark([2012, 2017], 2013, 'earliest-after')).toBe(2017);
    expect(pickBenchmark([2012, 2017], 2018, 'earliest-after')).toBeUndefined();
  });
});

describe('select-benchmark', () => {
  it('passes on the chosen table with its benchmark year in meta and a note', () => {
    const { out, notes } = run({ year: 2016 }, collection([2012, 2017]));
    expect(out.z).toEqual([[2017]]);
    expect(out.meta).toEqual({ source: 'test', year: 2017, benchmark_rule: 'nearest' });
    expect(notes).toEqual(['year 2016: benchmark 2017 (nearest)']);
  });
  it('accepts a single table that carries its year', () => {
    const single = { ...table(2007), meta: { year: 2007 } } as unknown as Value;
    expect(run({ year: 2020 }, single).out.meta?.year).toBe(2007);
  });
  it('says what is wrong: no benchmark under the rule, a missing key, two tables of one year', () => {
    const err = (params: SelectBenchmarkParams, v: Value): StepError => {
      try { run(params, v); } catch (e) { return e as StepError; }
      throw new Error('no error');
    };
    expect(err({ year: 2011, rule: 'latest-before' }, collection([2012, 2017])).message).toBe('no benchmark for year 2011 under rule latest-before; benchmarks: 2012, 2017');
    expect(err({ year: 2011, key: 'base' }, collection([2012])).reason).toBe('no-benchmark-year');
    const dup: Value = { kind: 'collection', items: [{ key: { benchmark: 2012, p: 'A' }, value: table(1) as unknown as Value }, { key: { benchmark: 2012, p: 'B' }, value: table(2) as unknown as Value }] };
    expect(err({ year: 2012 }, dup).reason).toBe('duplicate-benchmark');
    expect(err({ year: 2012 }, { kind: 'table', columns: [] } as unknown as Value).reason).toBe('not-io-table');
  });
});
