import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { column, columnNames, nrow } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { readCsv } from '../../steps/read-csv.js';
import type { ReadCsvParams } from '../../steps/read-csv.js';
import { makeContext } from '../support/context.js';
import { ownRecord, RESERVED } from '../support/reserved-names.js';

// The project root for these tests is test/fixtures, so paths read like a pipeline's.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

function run(params: ReadCsvParams): Table {
  return (readCsv.run(makeContext(params, {}, { root })) as { table: Table }).table;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('read-csv', () => {
  it('reads the panel fixture with typed columns', () => {
    const t = run({ path: 'tables/panel.csv' });
    expect(nrow(t)).toBe(20);
    expect(columnNames(t)).toEqual(['province', 'code', 'year', 'gdp_raw', 'rd_spend', 'urban', 'big', 'note']);
    // Values copied from test/fixtures/tables/panel.csv rows 1-2 and 6.
    expect(column(t, 'gdp_raw').slice(0, 2)).toEqual([16251.93, 17879.4]);
    expect(column(t, 'urban')[2]).toBeNull(); // NA
    expect(column(t, 'code')[0]).toBe(1); // "01" → number without `strings`
    expect(column(t, 'note')[0]).toBe('capital, municipality');
    expect(column(t, 'note')[5]).toBe('port "city"');
    expect(column(t, 'note')[1]).toBeNull();
  });

  it('keeps `strings` columns as text and renames', () => {
    const t = run({ path: 'tables/panel.csv', strings: ['code'], rename: { gdp_raw: 'gdp_level' } });
    expect(column(t, 'code')[0]).toBe('01');
    expect(columnNames(t)).toContain('gdp_level');
    expect(failure(() => run({ path: 'tables/panel.csv', rename: { nope: 'x' } })).message).toMatch(/`nope`, which the file does not have; did you mean `note`\?$/);
    expect(failure(() => run({ path: 'tables/panel.csv', rename: { code: 'year' } })).reason).toBe('duplicate-column');
  });

  it('names file:line for a ragged row, and a missing file', () => {
    const e = failure(() => run({ path: 'tables/ragged.csv' }));
    expect(e.reason).toBe('malformed-csv');
    // ragged.csv: line 3 has one field too many.
    expect(e.message).toMatch(/^tables\/ragged\.csv:3: this row has 3 fields but the header has 2/);
    expect(failure(() => run({ path: 'tables/none.csv' })).reason).toBe('missing-file');
  });

  // GitHub issue 9: `rename` was looked up in a plain object, so with the engine's default
  // `rename: {}` a column named `toString` got Object.prototype.toString as its name.
  it('keeps columns named like Object.prototype members, and renames them', () => {
    const t = run({ path: 'tables/reserved-names.csv', rename: {} });
    expect(columnNames(t)).toEqual(['id', ...RESERVED]);
    expect(RESERVED.map((n) => column(t, n))).toEqual([['a', 'e'], ['b', 'f'], ['c', 'g'], ['d', 'h']]);
    const renamed = run({ path: 'tables/reserved-names.csv', rename: ownRecord([['__proto__', 'proto'], ['id', 'constructor'], ['constructor', 'ctor']]) });
    expect(columnNames(renamed)).toEqual(['constructor', 'ctor', 'toString', 'proto', 'hasOwnProperty']);
    expect(column(renamed, 'proto')).toEqual(['c', 'g']);
    expect(failure(() => run({ path: 'tables/panel.csv', rename: ownRecord([['__proto__', 'x']]) })).message).toMatch(/`rename` lists column `__proto__`/);
  });
});
