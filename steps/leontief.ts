/**
 * leontief: the Leontief inverse L = (I − A)^-1 of an IoTable (or of a coefficient table
 * from io-coefficients), as a long table, plus output multipliers.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Table } from '../engine/value.js';
import { isIoTable } from './io-types.js';
import { requireIoTable } from './io-table.js';
import { coefficients, columnSums, flatten, leontiefInverse } from './kernels/io.js';

/** Square coefficient matrix from a long table row, col, a (codes in first-seen order). */
function fromLong(t: Table): { sectors: string[]; a: Float64Array } {
  const rows = column(t, 'row', 'input `table`');
  const cols = column(t, 'col', 'input `table`');
  const vals = numericColumn(t, 'a', 'input `table`');
  const key = (c: Cell | undefined): string => String(c ?? '');
  const sectors = [...new Set(rows.map(key))];
  const pos = new Map(sectors.map((s, i) => [s, i]));
  const n = sectors.length;
  const a = new Float64Array(n * n);
  for (let k = 0; k < vals.length; k++) {
    const i = pos.get(key(rows[k]));
    const j = pos.get(key(cols[k]));
    if (i === undefined || j === undefined) throw new StepError('not-square', `input \`table\` row ${k + 1}: column code ${key(cols[k])} is not among the row codes (${sectors.join(', ')}); the coefficient table must be square`);
    if (Number.isNaN(vals[k]!)) throw new StepError('missing-value', `input \`table\`: coefficient a[${key(rows[k])}, ${key(cols[k])}] is missing`);
    a[i * n + j] = vals[k]!;
  }
  // Every row code must also be a column code: a 3×2 table is not square (the missing columns
  // would otherwise be read as zeros).
  const colSet = new Set(cols.map(key));
  const missing = sectors.filter((s) => !colSet.has(s));
  if (missing.length) throw new StepError('not-square', `input \`table\` has rows ${sectors.join(', ')} but no column ${missing.join(', ')}; the coefficient table must be square (write 0 for a sector without inputs)`);
  return { sectors, a };
}

/** Step `leontief` (no params). */
export const leontief = defineStep<Record<string, never>>({
  name: 'leontief',
  version: '2',
  description:
    'Leontief inverse L = (I − A)^-1 (Miller & Blair eq 2.11) by LU with partial pivoting. Input: an IoTable (A is computed with 0/0 → 0) ' +
    'or the long coefficient table of io-coefficients (row, col, a). Output `inverse` is a long table row, col, l; `multipliers` is ' +
    'sector, output_multiplier (column sums of L). A singular I − A is an error naming the sectors whose coefficient column sums reach 1.',
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: { table: { description: 'An IoTable, or a long table row, col, a.' } },
  outputs: { inverse: 'Long table row, col, l.', multipliers: 'Table sector, output_multiplier.' },
  columns: () => ({ inverse: ['row', 'col', 'l'], multipliers: ['sector', 'output_multiplier'] }),
  run(ctx) {
    const input = ctx.inputs.table;
    let sectors: string[];
    let a: Float64Array;
    if (isTable(input) && !isIoTable(input)) ({ sectors, a } = fromLong(input));
    else {
      const t = requireIoTable(input, 'table');
      sectors = t.sectors;
      const res = coefficients(flatten(t.z, sectors.length), t.x, sectors.length);
      if (res.inconsistent.length) throw new StepError('zero-output-with-inputs', `sector(s) ${res.inconsistent.map((j) => sectors[j]).join(', ')} have total output 0 but non-zero intermediate inputs; fix x for them`);
      a = res.a;
    }
    const n = sectors.length;
    const L = leontiefInverse(a, n);
    if (!L) {
      const cs = columnSums(a, n);
      const big = sectors.filter((_, j) => cs[j]! >= 1).map((s) => `${s} (Σ_i a_i${s} = ${cs[sectors.indexOf(s)]!.toPrecision(6)})`);
      throw new StepError('leontief-singular', `I − A is singular, so the Leontief inverse does not exist${big.length ? `; coefficient column sums reach 1 in sector(s) ${big.join(', ')} (inputs ≥ output): check x and z for them` : '; check for sectors whose inputs equal their output'}`);
    }
    const rowCodes: string[] = [];
    const colCodes: string[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { rowCodes.push(sectors[i]!); colCodes.push(sectors[j]!); }
    const mult = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mult[j]! += L.data[i * n + j]!;
    return {
      inverse: tableFromColumns({ row: rowCodes, col: colCodes, l: L.data }),
      multipliers: tableFromColumns({ sector: [...sectors], output_multiplier: mult }),
    };
  },
});
