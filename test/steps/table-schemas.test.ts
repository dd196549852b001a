import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import type { StepDefinition } from '../../engine/step.js';
import { derive } from '../../steps/derive.js';
import { describe as describeStep } from '../../steps/describe.js';
import { filter } from '../../steps/filter.js';
import { impute } from '../../steps/impute.js';
import { join } from '../../steps/join.js';
import { pivotLonger } from '../../steps/pivot-longer.js';
import { pivotWider } from '../../steps/pivot-wider.js';
import { readCsv } from '../../steps/read-csv.js';
import { select } from '../../steps/select.js';
import { writeCsv } from '../../steps/write-csv.js';

// Every table step's params schema compiles with the engine's ajv, fills its defaults and
// rejects unknown params (additionalProperties: false).
const cases: [StepDefinition, Record<string, unknown>, Record<string, unknown>][] = [
  [readCsv, { path: 'data/x.csv' }, { path: 'data/x.csv', strings: [], rename: {} }],
  [writeCsv, { path: 'results/x.csv' }, { path: 'results/x.csv', na: '' }],
  [derive, { columns: { gdp: 'log(gdp_raw)' } }, { columns: { gdp: 'log(gdp_raw)' } }],
  [select, { columns: ['a'] }, { columns: ['a'], drop: [], rename: {} }],
  [filter, { where: 'x > 1' }, { where: 'x > 1' }],
  [join, { by: { a: 'b' } }, { by: { a: 'b' }, how: 'left', suffix: ['_x', '_y'], multiple: 'error' }],
  [pivotLonger, { cols: ['a'] }, { cols: ['a'], names_to: 'name', values_to: 'value', names_prefix: '', names_numeric: false, values_drop_na: false }],
  [pivotWider, { names_from: 'n', values_from: 'v' }, { names_from: 'n', values_from: 'v', names_prefix: '', values_fill: null }],
  [describeStep, {}, { labels: {} }],
  [impute, { time: 'year', columns: ['x'] }, { time: 'year', columns: ['x'], method: 'linear', extrapolate: 'nearest' }],
];

describe('table step params schemas', () => {
  it.each(cases.map(([step, p, d]) => [step.name, step, p, d] as const))('%s', (_name, step, params, withDefaults) => {
    const ok = checkParams(step, params);
    expect(ok.schemaError).toBeUndefined();
    expect(ok.errors).toEqual([]);
    expect(ok.params).toEqual(withDefaults);
    expect(checkParams(step, { ...params, bogus: 1 }).errors.length).toBeGreaterThan(0);
  });

  it('rejects a write-csv path outside results/ and a bad join `how`', () => {
    expect(checkParams(writeCsv, { path: 'data/x.csv' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(join, { by: ['k'], how: 'right' }).errors.length).toBeGreaterThan(0);
  });
});
