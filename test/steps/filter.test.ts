import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { column, tableFromColumns } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { filter } from '../../steps/filter.js';
import { makeContext } from '../support/context.js';

const data = tableFromColumns({
  province: ['BEJ', 'TJ', 'BEJ', 'SX'],
  year: [2011, 2011, 2012, 2012],
  urban: [86.2, null, 86.2, 50],
});

async function run(where: string) {
  const ctx = makeContext({ where }, { data });
  return { table: ((await filter.run(ctx)) as { table: Table }).table, notes: ctx.notes };
}

async function failure(f: () => Promise<unknown>): Promise<StepError> {
  try { await f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('filter', () => {
  it('keeps rows where the expression is true, in order', async () => {
    const { table, notes } = await run('year >= 2012 or province == "TJ"');
    expect(column(table, 'province')).toEqual(['TJ', 'BEJ', 'SX']);
    expect(notes).toEqual(['filter `year >= 2012 or province == "TJ"`: kept 3 of 4 rows']);
  });

  it('drops rows where the expression reads a missing value, and says so', async () => {
    const { table, notes } = await run('urban > 60');
    expect(column(table, 'province')).toEqual(['BEJ', 'BEJ']);
    expect(notes[0]).toMatch(/kept 2 of 4 rows; 1 dropped because the expression reads a missing value/);
  });

  it('rejects non-boolean results, sandbox escapes and unknown names', async () => {
    expect((await failure(() => run('year + 1'))).reason).toBe('not-boolean');
    expect((await failure(() => run('year > 2011 & year < 2013'))).message).toMatch(/use a comparison/);
    expect((await failure(() => run('import({})'))).message).toMatch(/`import` is disabled/);
    expect((await failure(() => run('yr == 2011'))).message).toMatch(/unknown name `yr`/);
  });
});
