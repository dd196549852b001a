/**
 * Sector totals of an input-output table (Miller & Blair 2009, "Input-Output Analysis",
 * 2nd ed., section 2.2, Table 2.1): intermediate input of sector j is the column sum
 * Σ_i z_ij, intermediate use of product i is the row sum Σ_j z_ij. Pure: no IO, no engine imports.
 */

/** Column sums Σ_i z_ij and row sums Σ_j z_ij of a square matrix given as rows. */
export function ioTotals(z: readonly (readonly number[])[]): { intermediateInput: Float64Array; intermediateUse: Float64Array } {
  const n = z.length;
  const intermediateInput = new Float64Array(n);
  const intermediateUse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = z[i]!;
    if (row.length !== n) throw new Error(`ioTotals: row ${i} has ${row.length} values, expected ${n}`);
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += row[j]!;
      intermediateInput[j] = intermediateInput[j]! + row[j]!;
    }
    intermediateUse[i] = s;
  }
  return { intermediateInput, intermediateUse };
}
