import { describe, expect, test } from 'vitest';
import { findRefs, interpolateItem, MAX_EXPANSION, parseRange, resolveParamRefs, resolveParams, substituteSample } from '../../engine/interpolate.js';

describe('parseRange', () => {
  test('expands inclusive integer ranges', () => {
    expect(parseRange('2011..2014')).toEqual({ kind: 'range', values: [2011, 2012, 2013, 2014] });
    expect(parseRange('5..5')).toEqual({ kind: 'range', values: [5] });
  });
  test('leaves ordinary strings alone', () => {
    for (const s of ['BEJ', '../data/x.csv', 'a..b', 'v1.2']) expect(parseRange(s).kind).toBe('not-range');
  });
  test('rejects attempted ranges that are wrong', () => {
    for (const s of ['2011..20l3', '2023..2011', '2011...2023', '1..1000000']) expect(parseRange(s).kind).toBe('bad');
  });
  test('huge ranges are refused by counting, before anything is allocated', () => {
    for (const s of ['1..1e12', '1..1000000000000', '-99999999999999999999..1']) expect(parseRange(s).kind).toBe('bad');
    // Ends beyond 2^53 cannot be counted exactly (both would read as 9007199254740992).
    expect(parseRange('9007199254740993..9007199254740993')).toMatchObject({ kind: 'bad', message: expect.stringContaining('too large to count exactly') });
  });
});

describe('resolveParamRefs', () => {
  const params = { years: [2011, 2012], provinces: ['BEJ'], base: 'io', nested: { a: 1 } };
  test('a whole-string reference keeps the value type', () => {
    expect(resolveParamRefs({ y: '${params.years}', n: '${ params.nested.a }', first: '${params.years.1}' }, params).value)
      .toEqual({ y: [2011, 2012], n: 1, first: 2012 });
  });
  test('references inside text are substituted as text', () => {
    expect(resolveParamRefs(['data/${params.base}-${params.years.0}.csv'], params).value).toEqual(['data/io-2011.csv']);
  });
  test('item references are left for the planner', () => {
    const r = resolveParamRefs({ year: '${item.year}' }, params);
    expect(r.value).toEqual({ year: '${item.year}' });
    expect(r.problems).toEqual([]);
  });
  test('unknown names and lists inside text are problems with a path', () => {
    const r = resolveParamRefs({ a: ['${params.yeers}'], b: 'x-${params.years}', c: '${foo.bar}' }, params, ['stages', 's']);
    expect(r.problems.map((p) => [p.code, p.path, p.missing])).toEqual([
      ['unknown-reference', ['stages', 's', 'a', 0], 'yeers'],
      ['wrong-type', ['stages', 's', 'b'], undefined],
      ['unknown-reference', ['stages', 's', 'c'], 'foo'],
    ]);
    expect(r.problems[0]!.candidates).toContain('years');
  });
});

describe('interpolateItem', () => {
  test('substitutes item values, keeping numbers as numbers', () => {
    const v = interpolateItem({ year: '${item.year}', label: '${item.province}-${item.year}', list: ['${item.province}'], n: 3 }, { province: 'BEJ', year: 2011 });
    expect(v).toEqual({ year: 2011, label: 'BEJ-2011', list: ['BEJ'], n: 3 });
  });
  test('an unknown dimension is a bug', () => {
    expect(() => interpolateItem('${item.nope}', { year: 1 })).toThrow(/unresolvable/);
  });
});

test('substituteSample reports what it could not resolve', () => {
  const r = substituteSample({ a: '${item.year}', b: '${item.p}', c: 'x' }, { year: 2011 });
  expect(r.value).toEqual({ a: 2011, b: '${item.p}', c: 'x' });
  expect(r.unresolved).toEqual([['b']]);
  expect(r.substituted).toEqual([['a']]);
});

test('findRefs walks lists and maps', () => {
  expect(findRefs({ a: ['${params.x} ${item.y}'] })).toEqual([{ path: ['a', 0], ref: 'params.x' }, { path: ['a', 0], ref: 'item.y' }]);
});

describe('resolveParams', () => {
  test('resolves each param after the params it uses, whatever their order', () => {
    const r = resolveParams({ path: 'data/${params.dir}/${params.year}.csv', dir: '${params.base}', base: 'io', year: '${params.years.0}', years: [2011] });
    expect(r.value).toEqual({ path: 'data/io/2011.csv', dir: 'io', base: 'io', year: 2011, years: [2011] });
    expect(r.cycles).toEqual([]);
  });
  test('a loop is returned as a cycle with where each reference is; its params and their users stay as written', () => {
    const r = resolveParams({ a: '${params.b}', b: ['${params.a}'], c: 'x-${params.a}', d: '${params.d}', e: 1 });
    expect(r.cycles.map((c) => c.map((e) => [e.from, e.to, e.where]))).toEqual([
      [['a', 'b', ['params', 'a']], ['b', 'a', ['params', 'b', 0]]],
      [['d', 'd', ['params', 'd']]],
    ]);
    expect(r.unresolved).toEqual(['a', 'b', 'c', 'd']);
    expect(r.value).toEqual({ a: '${params.b}', b: ['${params.a}'], c: 'x-${params.a}', d: '${params.d}', e: 1 });
  });
  test('unknown names are problems, as in resolveParamRefs', () => {
    const r = resolveParams({ a: '${params.nope}', b: 2 });
    expect(r.problems.map((p) => [p.code, p.path, p.missing, p.candidates])).toEqual([['unknown-reference', ['params', 'a'], 'nope', ['a', 'b']]]);
  });
});

describe('expansion is bounded (GitHub issue 9: exponential params without a loop)', () => {
  test('lists that repeat lists grow tenfold per param; the first over the limit is reported, its users left unknown', () => {
    const raw: Record<string, unknown> = { l0: Array.from({ length: 100 }, (_, i) => i) };
    for (let i = 1; i <= 8; i++) raw[`l${i}`] = Array.from({ length: 10 }, () => `\${params.l${i - 1}}`);
    const r = resolveParams(raw);
    // Sizes (hand count: entries + 1 per list): l1 ≈ 1e3, l5 ≈ 1.1e7, l6 ≈ 1.1e8 > 16 MiB units.
    expect(r.problems.map((p) => [p.code, p.path.slice(0, 2), p.ref])).toEqual([['too-large', ['params', 'l6'], 'params.l5']]);
    expect(r.unresolved.sort()).toEqual(['l6', 'l7', 'l8']);
    expect((r.value.l2 as unknown[][][]).flat(2)).toHaveLength(10 * 10 * 100);
  });

  test('stages using the params draw on the same budget; unrelated params have their own', () => {
    const r = resolveParams({ big: 'x'.repeat(MAX_EXPANSION / 4) });
    const four = resolveParamRefs('${params.big}${params.big}${params.big}', r.value, ['stages', 's']);
    expect(four.problems).toEqual([]);
    const more = resolveParamRefs('${params.big}${params.big}', r.value, ['stages', 't']);
    expect(more.problems.map((p) => p.code)).toEqual(['too-large']);
    expect(more.value === '${params.big}${params.big}').toBe(true); // left as written
    expect(resolveParamRefs('${params.big}', resolveParams({ big: 'y' }).value).problems).toEqual([]);
  });
});
