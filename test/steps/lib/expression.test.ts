import { describe, expect, it } from 'vitest';
import { StepError } from '../../../engine/step.js';
import type { Cell } from '../../../engine/value.js';
import { compileRowExpression, MAX_MATRIX_ELEMENTS } from '../../../steps/lib/expression.js';

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

describe('size and work bound of one row (expression-too-large)', () => {
  /** The StepError (or other error) evaluating `source` on a row with x = 1 throws; `row` is 0-based. */
  async function evalError(source: string, row?: number): Promise<Error> {
    const e = await compileRowExpression(source, ['x'], 'derive column `x`');
    try { e.evaluate(() => 1, row); } catch (err) { return err as Error; }
    throw new Error(`expected \`${source}\` to fail`);
  }
  const value = async (source: string, r: Record<string, Cell> = { x: 1 }): Promise<unknown> => {
    const plain = (v: unknown): unknown => {
      if (typeof v !== 'object' || v === null) return v;
      const inner = v.valueOf(); // a mathjs Matrix as nested arrays (of values that may be matrices)
      return Array.isArray(inner) ? inner.map(plain) : inner;
    };
    return plain((await compileRowExpression(source, Object.keys(r), 't')).evaluate(row(r)));
  };

  it('has a limit of 1,000,000 per row', () => {
    expect(MAX_MATRIX_ELEMENTS).toBe(1_000_000);
  });

  it('refuses zeros(20000,20000) before allocating, naming the column, the call, the size and the row', async () => {
    const e = await evalError('zeros(20000,20000)', 2);
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).reason).toBe('expression-too-large');
    // 20000 × 20000 = 400,000,000 (hand calculation)
    expect(e.message).toBe('derive column `x`: `zeros(20000,20000)` would create a matrix of 400,000,000 elements in zeros() at row 3, more than the limit of 1,000,000 per row; row expressions compute one value per row');
  });

  it('leaves the row out of the message when the caller does not give it', async () => {
    expect((await evalError('ones(1e9)')).message).toMatch(/would create a matrix of 1,000,000,000 elements in ones\(\), more than/);
  });

  // Each expected size is a hand calculation from the arguments; mathjs's expression `range`
  // and `a:b` include their end.
  it.each([
    ['range(0,1e8)', 'range', 'create a matrix of 100,000,001 elements'], // 0 … 1e8
    ['1:1e9', 'range', 'create a matrix of 1,000,000,000 elements'], // a RangeNode calls range
    ['1:2:1e9', 'range', 'create a matrix of 500,000,000 elements'], // 1, 3, …, 999,999,999
    ['range("1:1e9")', 'range', 'create a matrix of 1,000,000,000 elements'],
    ['x:1e9', 'range', 'create a matrix of 1,000,000,000 elements'], // x = 1
    ['range(0, Infinity)', 'range', 'create a matrix of more than 1,000,000,000,000,000 elements'],
    ['range(1e16, 1e16 + 10)', 'range', 'create a matrix of more than 1,000,000,000,000,000 elements'], // 1e16 + 1 is 1e16: never ends
    ['zeros(Infinity)', 'zeros', 'create a matrix of more than 1,000,000,000,000,000 elements'],
    ['ones([1e5, 1e5])', 'ones', 'create a matrix of 10,000,000,000 elements'],
    ['identity(1e5)', 'identity', 'create a matrix of 10,000,000,000 elements'], // 1e5²
    ['random([1e5, 1e5])', 'random', 'create a matrix of 10,000,000,000 elements'],
    ['randomInt([1e5, 1e5], 1, 3)', 'randomInt', 'create a matrix of 10,000,000,000 elements'],
    ['pickRandom([1], 1e9)', 'pickRandom', 'create a matrix of 1,000,000,000 elements'],
    ['resize([1], [1e9])', 'resize', 'create a matrix of 1,000,000,000 elements'],
    ['resize("a", [1e9], "b")', 'resize', 'create a matrix of 1,000,000,000 elements'],
    ['matrixFromFunction([1e5, 1e5], ones)', 'matrixFromFunction', 'create a matrix of 10,000,000,000 elements'],
    ['subset([1], index(1e9), 5)', 'subset', 'create a matrix of 1,000,000,000 elements'], // grows to the index
    ['concat(zeros(400000), zeros(400000))', 'concat', 'create a matrix of 800,000 elements'], // after 800,000
    ['kron(ones(2000), ones(2000))', 'kron', 'create a matrix of 4,000,000 elements'], // 2000 × 2000
    ['diag(ones(2000))', 'diag', 'create a matrix of 4,000,000 elements'], // 2000²
    ['diag([1], 1e5)', 'diag', 'create a matrix of 10,000,200,001 elements'], // (1 + 1e5)²
    ['setCartesian(1:2000, 1:2000)', 'setCartesian', 'create a matrix of 8,000,000 elements'], // 2000² pairs of 2
    ['setPowerset(1:30)', 'setPowerset', 'create a matrix of 17,179,869,184 elements'], // 2^30 × (30/2 + 1)
    ['nthRoots(1, 1e9)', 'nthRoots', 'create a matrix of 1,000,000,000 elements'],
    ['ones(500000, 1) + ones(1, 500000)', 'add', 'create a matrix of 250,000,000,000 elements'], // broadcast 500000²
    ['ones(500000, 1) == ones(1, 500000)', 'equal', 'create a matrix of 250,000,000,000 elements'],
    ['ones(500000, 1) and ones(1, 500000)', 'and', 'create a matrix of 250,000,000,000 elements'],
    ['map(ones(500000, 1), ones(1, 500000), add)', 'map', 'create a matrix of 250,000,000,000 elements'],
    ['ones(300, 300) * ones(300, 300)', 'multiply', 'take 27,000,000 steps'], // 300³
    ['det(ones(200, 200))', 'det', 'take 8,000,000 steps'], // 200³
    ['eigs(ones(40, 40))', 'eigs', 'take 2,560,000 steps'], // 40⁴
    ['combinations(1e9, 5e8)', 'combinations', 'take 500,000,000 steps'],
    ['bernoulli(1e5)', 'bernoulli', 'take 1,250,000,000 steps'], // 1e10 / 8
    ['setIntersect(1:1000, 1:1001)', 'setIntersect', 'take 1,001,000 steps'], // 1000 × 1001
    ['format(1, {notation: "fixed", precision: 1e8})', 'format', 'create a text of 100,000,000 characters'],
    ['range(1, "1e9")', 'range', 'create a matrix of 1,000,000,000 elements'], // mathjs reads "1e9" as a number
    ['pickRandom([1], {number: "1e9"})', 'pickRandom', 'create a matrix of 1,000,000,000 elements'],
    ['isPrime(ones(1000) * 9007199254740881)', 'isPrime', 'take 15,817,710,938 steps'], // 1000 × √9007199254740881 / 6 = 1000 × 94,906,265.62 / 6, rounded up
    ['fft(ones(300000))', 'fft', 'create a matrix of 1,200,000 elements'], // padded up to 4 × 300,000
  ])('refuses %s', async (source, fn, would) => {
    const e = await evalError(source, 0);
    expect((e as StepError).reason).toBe('expression-too-large');
    expect(e.message).toContain(`\`${source}\` would ${would} in ${fn}() at row 1`);
    expect(e.message).toContain('more than the limit of 1,000,000 per row');
  });

  it('counts all the calls of one row together', async () => {
    const e = await evalError('[zeros(1000, 1000), zeros(1000, 1000)]', 0);
    expect((e as StepError).reason).toBe('expression-too-large');
    // the first call uses the whole budget (1000² = 1,000,000), the second is refused
    expect(e.message).toContain('would create a matrix of 1,000,000 elements in zeros() at row 1 (after 1,000,000 already used in this row)');
  });

  it('gives every row, and every expression, a budget of its own', async () => {
    const e = await compileRowExpression('sum(zeros(1000, 1000)) + x', ['x'], 't');
    // 0 + x on each row (hand calculation); a shared budget would refuse the second row
    expect([0, 1, 2].map((i) => e.evaluate(() => i, i))).toEqual([0, 1, 2]);
    const other = await compileRowExpression('sum(ones(1000, 1000))', [], 't');
    expect(other.evaluate(() => null, 0)).toBe(1_000_000); // 1000 × 1000 ones (hand calculation)
  });

  it('leaves sizes mathjs refuses to mathjs (negative, fractional)', async () => {
    for (const source of ['zeros(1e9, -1)', 'zeros(1e9, 1.5)', 'identity(1e9, 0.5)']) {
      const e = await evalError(source);
      expect(e).not.toBeInstanceOf(StepError);
      expect(e.message).toMatch(/positive integers/);
    }
  });

  it('still computes the usual small uses (hand-checked values)', async () => {
    expect(await value('max([a, b])', { a: 3, b: 8 })).toBe(8); // max of 3 and 8
    expect(await value('sum(1:10)')).toBe(55); // 10 · 11 / 2
    expect(await value('mean(zeros(3))')).toBe(0); // (0 + 0 + 0) / 3
    expect(await value('size(ones(2, 3))')).toEqual([2, 3]);
    expect(await value('sum(range(1, 4))')).toBe(10); // 1 + 2 + 3 + 4: the expression range includes its end
    expect(await value('sum(range(1, 4, false))')).toBe(6); // 1 + 2 + 3
    expect(await value('concat([1], [2])')).toEqual([1, 2]);
    expect(await value('concat([[1], [2]], [[3], [4]], 2)')).toEqual([[1, 3], [2, 4]]); // dimension 2 is 1-based in expressions
    expect(await value('identity(2)')).toEqual([[1, 0], [0, 1]]);
    expect(await value('zeros(2, 3, "dense")')).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(await value('reshape(1:4, [2, 2])')).toEqual([[1, 2], [3, 4]]);
    expect(await value('resize([1, 2], [4], 9)')).toEqual([1, 2, 9, 9]);
    expect(await value('subset([1, 2, 3], index(5), 9)')).toEqual([1, 2, 3, 0, 9]); // grows, 0-filled
    expect(await value('ones(2, 1) + ones(1, 3)')).toEqual([[2, 2, 2], [2, 2, 2]]); // a small broadcast: 1 + 1
    expect(await value('[1, 2] * [3, 4]')).toBe(11); // 1·3 + 2·4
    expect(await value('det([[1, 2], [3, 4]])')).toBeCloseTo(-2, 12); // 1·4 − 2·3
    expect(await value('diag([1, 2])')).toEqual([[1, 0], [0, 2]]);
    expect(await value('combinations(7, 3)')).toBe(35); // 7·6·5 / 3!
    expect(await value('map([1, 2], ones)')).toEqual([[1], [1, 1]]); // a guarded function as a callback keeps its arity
  });

  it('keeps the short-circuit of and/or and their element-wise form', async () => {
    // The right side is never evaluated, so its size does not matter.
    expect(await value('false and zeros(1e9)')).toBe(false);
    expect(await value('true or zeros(1e9)')).toBe(true);
    expect(await value('[1, 0] and [1, 1]')).toEqual([true, false]);
    expect(await value('x ?? 4', { x: 2 })).toBe(2);
  });

  it.each([
    ['ones(1).resize([1e9])', /method calls \(`x\.f\(…\)`\) are not allowed/],
    ['bigint(3)^bigint(100000000)', /`bigint` is disabled/],
    ['num(0.5)', /`num` is disabled/],
    ['fraction(1, 3)', /`fraction` is disabled/],
    ['bignumber(2)', /`bignumber` is disabled/],
  ])('rejects %s before it runs', async (source, msg) => {
    const e = await failure(() => compileRowExpression(source, [], 't'));
    expect(e.reason).toBe('bad-expression');
    expect(e.message).toMatch(msg);
  });

  it('converts with numeric() to numbers only', async () => {
    expect(await value('numeric("2.5", "number")')).toBe(2.5);
    expect((await evalError('numeric("5", "bigint")')).message).toMatch(/converts to "number" only/);
  });
});
