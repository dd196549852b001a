/**
 * GitHub issue 9: steps that looked user text up in plain objects (label maps, meta, star
 * legends, status names, output columns) with names that Object.prototype answers for.
 * Each case failed before the lookups became own-property lookups; the expected values
 * follow from the inputs by reading them.
 */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';
import { annualise } from '../../steps/annualise.js';
import { cellFlags } from '../../steps/cell-flags.js';
import { describe as describeStep } from '../../steps/describe.js';
import { digitalValueAdded } from '../../steps/digital-value-added.js';
import { ioTotals } from '../../steps/io-totals.js';
import type { IoTable } from '../../steps/io-types.js';
import { paperComparison, type PaperComparisonParams } from '../../steps/paper-comparison.js';
import { regressionTable, type RegressionTableParams } from '../../steps/regression-table.js';
import { makeContext } from '../support/context.js';
import { ownRecord } from '../support/reserved-names.js';

const cols = (t: Table) => t.columns.map((c) => [c.name, c.values]);

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('steps with names that Object.prototype answers for', () => {
  it('describe: a variable named `constructor` keeps its name when `labels` does not list it', () => {
    const data = tableFromColumns(ownRecord([['constructor', [1, 3]], ['toString', [2, 2]]]));
    const out = (describeStep.run(makeContext({ labels: ownRecord([['toString', 'text']]) }, { data })) as { table: Table }).table;
    expect(out.columns[0]).toEqual({ name: 'variable', values: ['constructor', 'text'] });
  });

  it('regression-table: models and terms named `constructor` / `__proto__` keep their names', () => {
    const model = { coefficients: [{ term: 'toString', estimate: 1.5, statistic: 3, std_error: 0.5, p_value: 0.01 }], nobs: 10 };
    const p: RegressionTableParams = { statistic: 't', stars: { '*': 0.05 }, digits: 1, include: ['nobs'], column_labels: ownRecord([['__proto__', 'B']]), labels: {} };
    const out = regressionTable.run(makeContext(p, ownRecord<Value>([['constructor', model], ['__proto__', model]]))) as { table: Table };
    expect(cols(out.table)).toEqual([
      ['term', ['toString', '', 'N']],
      ['constructor', ['1.5*', '(3.0)', '10']],
      ['B', ['1.5*', '(3.0)', '10']],
    ]);
  });

  it('paper-comparison: stars `constructor` in the paper table is an unknown legend, not a threshold', () => {
    const p = checkParams(paperComparison, {}).params as unknown as PaperComparisonParams;
    const inputs: Record<string, Value> = {
      ranking: tableFromColumns({ province: ['A', 'B', 'C'], mean: [3, 2, 1], rank: [1, 2, 3] }),
      names: tableFromColumns({ code: ['A', 'B', 'C'], name_en: ['a', 'b', 'c'] }),
      paper_ranking: tableFromColumns({ rank: [1, 2, 3], region: ['a', 'b', 'c'], average_agglomeration: [3, 2, 1] }),
      model: { coefficients: [{ term: 'x', estimate: 1, statistic: 2, p_value: 0.01 }] },
      paper_model: tableFromColumns({ term: ['x'], coefficient: [1], t_stat: [2], stars: ['constructor'] }),
    };
    const e = failure(() => paperComparison.run(makeContext(p, inputs)));
    expect(e.reason).toBe('unknown-stars');
    expect(e.message).toMatch(/stars `constructor`, which paper_stars does not define/);
  });

  it('cell-flags: status `constructor` or `toString` is not a status', () => {
    const flags = tableFromColumns({ province: ['A'], year: [2011], variable: ['gdp'], status: ['toString'], method: [''] });
    const data = tableFromColumns({ province: ['A'], year: [2011] });
    const e = failure(() => cellFlags.run(makeContext({ sources: { gdp: ['gdp'] } }, { flags, data })));
    expect(e.reason).toBe('bad-status');
  });

  it('io-totals: meta column `constructor` is missing unless the meta has it; `__proto__` is a column', () => {
    const table = { kind: 'io-table', sectors: ['a'], z: [[1]], x: [2], va: [1], meta: ownRecord<string | number>([['__proto__', 'P'], ['source', 'io-table']]) } as IoTable;
    const e = failure(() => ioTotals.run(makeContext({ meta_columns: ['constructor'] }, { table: table as unknown as Value })));
    expect(e.reason).toBe('missing-meta');
    const out = (ioTotals.run(makeContext({ meta_columns: ['__proto__'] }, { table: table as unknown as Value })) as { totals: Table }).totals;
    expect(out.columns[0]).toEqual({ name: '__proto__', values: ['P'] });
  });

  it('annualise: key and value columns named `__proto__` and `constructor`', () => {
    const data = tableFromColumns(ownRecord<(number | string)[]>([['year', [2010, 2012]], ['__proto__', ['s', 's']], ['constructor', [10, 20]]]));
    const out = (annualise.run(makeContext({ years: [2010, 2011, 2012], keys: ['__proto__'], values: ['constructor'] }, { data })) as { table: Table }).table;
    expect(cols(out).slice(0, 3)).toEqual([['year', [2010, 2011, 2012]], ['__proto__', ['s', 's', 's']], ['constructor', [10, 15, 20]]]);
  });

  it('digital-value-added: an item dimension named `__proto__` becomes a summary column', () => {
    const io: IoTable = { kind: 'io-table', sectors: ['1', '2'], z: [[0, 10], [10, 0]], x: [100, 100], va: [90, 90] };
    const item = ownRecord<string | number>([['__proto__', 'BEJ'], ['constructor', 2012]]);
    const out = (digitalValueAdded.run(makeContext({ digital: ['2'] }, { io: io as unknown as Value }, { item })) as { summary: Table }).summary;
    expect(out.columns.slice(0, 2)).toEqual([{ name: '__proto__', values: ['BEJ'] }, { name: 'constructor', values: [2012] }]);
  });
});
