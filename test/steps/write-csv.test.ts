import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../engine/csv.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import { writeCsv } from '../../steps/write-csv.js';
import type { WriteCsvParams } from '../../steps/write-csv.js';
import { makeContext } from '../support/context.js';

const data = tableFromColumns({ province: ['BEJ', 'TJ'], lq: [0.1 + 0.2, null] });

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('write-csv', () => {
  it('writes the table through ctx.writeFile and returns {path, rows}', () => {
    const ctx = makeContext<WriteCsvParams>({ path: 'results/lq.csv' }, { data });
    expect(writeCsv.run(ctx)).toEqual({ file: { path: 'results/lq.csv', rows: 2 } });
    const text = ctx.files.get('results/lq.csv') as string;
    // Hand-written: 0.1 + 0.2 prints as its shortest round-trip form; null as empty.
    expect(text).toBe('province,lq\nBEJ,0.30000000000000004\nTJ,\n');
    expect(parseCsv(text)).toEqual(data);
  });

  it('refuses paths outside results/ and non-table input', () => {
    expect(failure(() => writeCsv.run(makeContext({ path: 'results/../x.csv' }, { data }))).reason).toBe('bad-path');
    expect(failure(() => writeCsv.run(makeContext({ path: 'data/x.csv' }, { data }))).reason).toBe('bad-path');
    expect(failure(() => writeCsv.run(makeContext({ path: 'results/x.csv' }, { data: { a: 1 } }))).reason).toBe('not-a-table');
  });
});
