import { describe, expect, it } from 'vitest';
import { StepError } from '../../../engine/step.js';
import type { Cell } from '../../../engine/value.js';
import { compileRowExpression } from '../../../steps/lib/expression.js';

async function failure(f: () => Promise<unknown>): Promise<StepError> {
  try { await f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

const row = (r: Record<string, Cell>) => (name: string): Cell => r[name] ?? null;

describe('row expression sandbox', () => {
  it('evaluates math over the row (hand-checked values)', async () => {
    const e = await compileRowExpression('log(x) + y / 2 + pi', ['x', 'y'], 'test');
    expect(e.columns).toEqual(['x', 'y']);
    // ln(e^2) + 4/2 + π = 4 + π
    expect(e.evaluate(row({ x: Math.E ** 2, y: 4 }))).toBeCloseTo(4 + Math.PI, 14);
    expect(e.evaluate(row({ x: null, y: 4 }))).toBeNull();
  });

  it('compares strings as text with == and !=', async () => {
    const e = await compileRowExpression('province == "BEJ" and year != 2012', ['province', 'year'], 'test');
    expect(e.evaluate(row({ province: 'BEJ', year: 2011 }))).toBe(true);
    expect(e.evaluate(row({ province: 'TJ', year: 2011 }))).toBe(false);
    expect(e.evaluate(row({ province: 'BEJ', year: 2012 }))).toBe(false);
  });

  it('gives NaN, not a complex number, for sqrt(-1)', async () => {
    expect((await compileRowExpression('sqrt(x)', ['x'], 't')).evaluate(row({ x: -1 }))).toBeNaN();
  });

  it.each([
    ['import({x: 1}, {override: true})', /`import` is disabled/],
    ['createUnit("foo")', /`createUnit` is disabled/],
    ['evaluate("1+1")', /`evaluate` is disabled/],
    ['parse("1")', /`parse` is disabled/],
    ['simplify("x+x")', /`simplify` is disabled/],
    ['derivative("x^2", "x")', /`derivative` is disabled/],
    ['x = 3', /assignments/],
    ['f(a) = a + 1', /assignments/],
    ['gdp_rw + 1', /unknown name `gdp_rw`; the row's columns are: gdp_raw/],
    ['2 cm', /unknown name `cm`/],
    ['Unit', /unknown name `Unit`/],
  ])('rejects %s', async (src, msg) => {
    const e = await failure(() => compileRowExpression(src, ['gdp_raw'], 'derive column `y`'));
    expect(e.reason).toBe('bad-expression');
    expect(e.message).toMatch(msg);
    expect(e.message).toContain('derive column `y`');
  });

  it('names the expression on a parse error', async () => {
    const e = await failure(() => compileRowExpression('log(x', ['x'], 'derive column `g`'));
    expect(e.message).toMatch(/^derive column `g`: cannot parse `log\(x`/);
  });

  it('blocks property access to JavaScript internals (mathjs guard)', async () => {
    const e = await compileRowExpression('x.constructor', ['x'], 't');
    expect(() => e.evaluate(row({ x: 1 }))).toThrow(/No access to property/);
  });
});

describe('columns named like functions', () => {
  it('max(max, 1) calls the function on the column', async () => {
    const e = await compileRowExpression('max(max, 1) + sum', ['max', 'sum'], 't');
    // max(5, 1) + 2 = 7 (hand-computed)
    expect(e.evaluate(row({ max: 5, sum: 2 }))).toBe(7);
    expect(e.columns).toEqual(['max', 'sum']);
  });

  it('calling a column that is not a function is an error', async () => {
    expect((await failure(() => compileRowExpression('gdp(1)', ['gdp'], 't'))).message).toMatch(/`gdp` is a column, not a function/);
  });
});
