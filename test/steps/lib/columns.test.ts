/**
 * The helpers of the steps' column declarations (steps/lib/columns.ts) and the names an
 * expression reads (steps/lib/expression.ts expressionNames). Expected names are read off
 * each expression by hand.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnsContext, UnknownColumn } from '../../../engine/step.js';
import { checkExpression, paramColumns, requireInputColumns, scanNames, withColumns } from '../../../steps/lib/columns.js';
import { expressionNames } from '../../../steps/lib/expression.js';

function fakeCtx(inputs: Record<string, readonly string[] | undefined>, params: unknown = {}): { ctx: ColumnsContext<unknown>; reported: UnknownColumn[] } {
  const reported: UnknownColumn[] = [];
  return { reported, ctx: { params, inputs, dims: [], csvHeader: () => undefined, unknownColumn: (p) => reported.push(p) } };
}

describe('paramColumns', () => {
  it('reads a name, a list of names, or the keys of a map, with their paths', () => {
    const p = { y: 'idt', x: ['gdp', 7, 'rd'], rename: { old: 'new' } };
    expect(paramColumns(p, 'y')).toEqual([[['y'], 'idt']]);
    expect(paramColumns(p, 'x')).toEqual([[['x', 0], 'gdp'], [['x', 2], 'rd']]);
    expect(paramColumns(p, 'rename', true)).toEqual([[['rename', 'old'], 'old', true]]);
    expect(paramColumns(p, 'rename')).toEqual([]);
    expect(paramColumns(p, 'missing')).toEqual([]);
  });
});

describe('requireInputColumns', () => {
  it('reports each name the input lacks, and nothing when its columns are unknown', () => {
    const { ctx, reported } = fakeCtx({ data: ['a', 'b'], later: undefined });
    expect(requireInputColumns(ctx, 'data', [[['x', 0], 'a'], [['x', 1], 'c'], [['m', 'k'], 'k', true]])).toBe(false);
    expect(reported).toEqual([
      { at: ['x', 1], name: 'c', columns: ['a', 'b'], input: 'data' },
      { at: ['m', 'k'], name: 'k', columns: ['a', 'b'], input: 'data', key: true },
    ]);
    expect(requireInputColumns(ctx, 'later', [[['x'], 'zz']])).toBe(true);
    expect(reported).toHaveLength(2);
  });
});

describe('withColumns', () => {
  it('replaces a column of the same name in place and appends new ones, like withColumn', () => {
    expect(withColumns(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('scanNames (the quick look that decides whether mathjs is needed)', () => {
  it.each([
    ['log(gdp_raw) + rd / gdp', ['gdp_raw', 'rd', 'gdp']],
    ['max (a, b) * 2e-3', ['a', 'b']],
    ['province != "BEJ" and name == \'x y\'', ['province', 'and', 'name']], // operators are filtered by the caller
    ['"say \\"hi\\"" == label', ['label']],
    ['a.b + 2.5 + .5', ['a']],
    ["a' + b", ['a', 'b']],
    ['2x', ['x']],
  ])('%s', (source, names) => expect(scanNames(source)).toEqual(names));
});

describe('expressionNames (mathjs)', () => {
  it('gives the names read from the row: not called functions, not numeric constants', async () => {
    expect(await expressionNames('log(gdp) + pi * max(rd, e) - x')).toEqual(['gdp', 'rd', 'x']);
    expect(await expressionNames('year == 2011 and province != "gpd"')).toEqual(['year', 'province']);
  });
  it('counts a function name that is not called as a column (`mean > 1000` means a column)', async () => {
    expect(await expressionNames('mean > 1000')).toEqual(['mean']);
  });
  it('gives undefined for an expression that does not parse', async () => {
    expect(await expressionNames('log(')).toBeUndefined();
  });
});

describe('checkExpression', () => {
  it('reports each unknown name with the expression, and takes a better hint when given', async () => {
    const { ctx, reported } = fakeCtx({ data: ['gdp', 'rd'] });
    await checkExpression(ctx, ['columns', 'z'], 'log(gdpp) + share', 'data', ['gdp', 'rd'], (n) => (n === 'share' ? 'derived later' : undefined));
    expect(reported).toEqual([
      { at: ['columns', 'z'], name: 'gdpp', columns: ['gdp', 'rd'], input: 'data', expression: 'log(gdpp) + share' },
      { at: ['columns', 'z'], name: 'share', columns: ['gdp', 'rd'], input: 'data', expression: 'log(gdpp) + share', hint: 'derived later' },
    ]);
  });
  it('does not report calls, constants, strings, or a misspelt function (not a column; the run reports it)', async () => {
    const { ctx, reported } = fakeCtx({ data: ['gdp'] });
    await checkExpression(ctx, ['where'], 'lgo(gdp) > pi and "text" != "x"', 'data', ['gdp']);
    expect(reported).toEqual([]);
  });
});
