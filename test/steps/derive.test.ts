import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { column, columnNames, tableFromColumns } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { derive } from '../../steps/derive.js';
import { makeContext } from '../support/context.js';
import { ownRecord, RESERVED } from '../support/reserved-names.js';

const data = tableFromColumns({
  province: ['BEJ', 'TJ', 'HEB', 'SX'],
  gdp_raw: [100, 0, null, 50],
  rd_spend: [5, 1, 2, 0],
});

async function run(columns: Record<string, string>, input: Table = data) {
  const ctx = makeContext({ columns }, { data: input });
  const out = (await derive.run(ctx)) as { table: Table };
  return { table: out.table, notes: ctx.notes };
}

async function failure(f: () => Promise<unknown>): Promise<StepError> {
  try { await f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('derive', () => {
  it('a huge or deeply nested formula is a clear error, not a stack overflow (GitHub issue 9)', async () => {
    // 20,000 terms: over the 10,000-character limit; 4,999 one-character terms (9,997
    // characters) and 3,000 nested brackets are under it but exhaust mathjs's recursion.
    expect((await failure(() => run({ z: Array(20000).fill('gdp_raw').join('+') }))).reason).toBe('expression-too-long');
    expect((await failure(() => run({ z: Array(4999).fill('1').join('+') }))).reason).toBe('expression-too-deep');
    expect((await failure(() => run({ z: `${'('.repeat(3000)}gdp_raw${')'.repeat(3000)}` }))).reason).toBe('expression-too-deep');
  });

  it('computes columns in order; later ones use earlier ones (hand-calculated)', async () => {
    const { table } = await run({ rd: 'rd_spend / gdp_raw', rd_pct: 'rd * 100', gdp: 'log(gdp_raw)' });
    expect(columnNames(table)).toEqual(['province', 'gdp_raw', 'rd_spend', 'rd', 'rd_pct', 'gdp']);
    // 5/100 = 0.05; 1/0 = Infinity → null; null input → null; 0/50 = 0
    expect(column(table, 'rd')).toEqual([0.05, null, null, 0]);
    expect(column(table, 'rd_pct')).toEqual([5, null, null, 0]);
    // ln 100 = 4.605170185988092 (Math.log), ln 0 = -Infinity → null, ln 50
    expect(column(table, 'gdp')).toEqual([Math.log(100), null, null, Math.log(50)]);
  });

  it('notes the count of non-finite results and the first row', async () => {
    const { notes } = await run({ gdp: 'log(gdp_raw)', inv: '1 / rd_spend' });
    // log(0) at row 2 only (row 3 is a missing input, not a non-finite result).
    expect(notes).toContain('derive: column `gdp` = `log(gdp_raw)`: 1 non-finite result (e.g. log(0), x/0) set to missing, first at row 2');
    expect(notes.some((n) => n.includes('`inv`') && n.includes('first at row 4'))).toBe(true);
  });

  it('replaces an existing column in place and can produce booleans and text comparisons', async () => {
    const { table } = await run({ gdp_raw: 'gdp_raw * 2', capital: 'province == "BEJ"' });
    expect(columnNames(table)).toEqual(['province', 'gdp_raw', 'rd_spend', 'capital']);
    expect(column(table, 'gdp_raw')).toEqual([200, 0, null, 100]);
    expect(column(table, 'capital')).toEqual([true, false, false, false]);
  });

  it('rejects import, createUnit, unknown names and parse errors with StepErrors naming the column', async () => {
    const imp = await failure(() => run({ x: 'import({gdp_raw: 1}, {override: true})' }));
    expect(imp.reason).toBe('bad-expression');
    expect(imp.message).toMatch(/derive column `x`.*`import` is disabled/);
    expect((await failure(() => run({ x: 'createUnit("furlong")' }))).message).toMatch(/`createUnit` is disabled/);
    const unk = await failure(() => run({ x: 'gdp * 2' }));
    expect(unk.message).toMatch(/^derive column `x`: `gdp \* 2`: unknown name `gdp`; the row's columns are: province, gdp_raw, rd_spend/);
    const parse = await failure(() => run({ y: 'log(gdp_raw' }));
    expect(parse.message).toMatch(/^derive column `y`: cannot parse `log\(gdp_raw`/);
  });

  it('reports evaluation failures and non-scalar results with the row', async () => {
    expect((await failure(() => run({ x: 'province * 2' }))).message).toMatch(/failed at row 1: Cannot convert "BEJ" to a number/);
    expect((await failure(() => run({ x: '[gdp_raw, 1]' }))).reason).toBe('bad-expression-result');
  });
});

// GitHub issue 9: column names and new-column names that are Object.prototype members.
describe('derive with reserved names', () => {
  it('reads and writes columns named constructor, toString, __proto__, hasOwnProperty', async () => {
    const t = tableFromColumns(ownRecord([['constructor', [1, 2]], ['toString', [10, 20]]]));
    const cols = ownRecord([['__proto__', 'constructor + toString'], ['hasOwnProperty', '__proto__ * 2'], ['toString', 'toString + 1']]);
    const { table } = await run(cols, t);
    expect(columnNames(table)).toEqual(['constructor', 'toString', '__proto__', 'hasOwnProperty']);
    expect(RESERVED.map((n) => column(table, n))).toEqual([[1, 2], [11, 21], [11, 22], [22, 44]]);
  });
});

describe('a matrix bomb in a derive expression', () => {
  it('is refused before it allocates, naming the column, the expression and the row', async () => {
    const e = await failure(() => run({ z: 'sum(zeros(20000, 20000)) + gdp_raw' }));
    expect(e.reason).toBe('expression-too-large');
    expect(e.message).toMatch(/^derive column `z`: `sum\(zeros\(20000, 20000\)\) \+ gdp_raw` would create a matrix of 400,000,000 elements in zeros\(\) at row 1, more than the limit of 1,000,000 per row/);
  });
});
