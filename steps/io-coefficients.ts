/**
 * io-coefficients: the technical coefficient matrix A = Z·diag(X)^-1 of an IoTable, as a
 * long table, with sectors of zero output listed.
 */
import { defineStep, StepError } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import { requireIoTable } from './io-table.js';
import { coefficients, flatten } from './kernels/io.js';

/** Step `io-coefficients` (no params). */
export const ioCoefficients = defineStep<Record<string, never>>({
  name: 'io-coefficients',
  version: '1',
  description:
    'Technical coefficients a_ij = z_ij / x_j (Miller & Blair eq 2.4). A sector with x_j = 0 and an all-zero column gets a_·j = 0 (0/0 → 0) ' +
    'and is listed in a note and in the `zero_output` output; x_j = 0 with a non-zero column is an error. Output `coefficients` is a long ' +
    'table row, col, a (row-major order, n² rows, codes as strings).',
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: { table: { description: 'An input-output table (IoTable).' } },
  outputs: { coefficients: 'Long table row, col, a.', zero_output: 'Table sector: the sectors with zero total output (their coefficients are 0).' },
  columns: () => ({ coefficients: ['row', 'col', 'a'], zero_output: ['sector'] }),
  run(ctx) {
    const t = requireIoTable(ctx.inputs.table, 'table');
    const n = t.sectors.length;
    const res = coefficients(flatten(t.z, n), t.x, n);
    if (res.inconsistent.length) {
      const list = res.inconsistent.map((j) => `${t.sectors[j]} (column sum ${t.z.reduce((s, r) => s + r[j]!, 0)})`).join(', ');
      throw new StepError('zero-output-with-inputs', `sector(s) ${list} have total output 0 but non-zero intermediate inputs, so their coefficients are undefined; fix the table's total output (x) for them`);
    }
    const zeroCodes = res.zeroOutput.map((j) => t.sectors[j]!);
    if (zeroCodes.length) ctx.note(`sector(s) ${zeroCodes.join(', ')} have zero output; their coefficients are set to 0`);
    const rowCodes: string[] = [];
    const colCodes: string[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { rowCodes.push(t.sectors[i]!); colCodes.push(t.sectors[j]!); }
    return {
      coefficients: tableFromColumns({ row: rowCodes, col: colCodes, a: res.a }),
      zero_output: tableFromColumns({ sector: zeroCodes }),
    };
  },
});
