/**
 * The in-memory input-output table passed between the IO steps (io-table, ras, gras,
 * io-coefficients, digital-value-added, …). Plain JSON so it caches and prints as is.
 * Units are whatever the source used (the default data: 10,000 yuan).
 */
// A type alias (not an interface) so that it is assignable to the engine's Json value.
export type IoTable = {
  readonly kind: 'io-table';
  /** Sector codes in matrix order, e.g. ["1", …, "42"]. */
  readonly sectors: string[];
  /** Optional sector names, same order. */
  readonly names?: string[];
  /** Intermediate flows Z[i][j]: sales of sector i to sector j. */
  readonly z: number[][];
  /** Total output X_j. */
  readonly x: number[];
  /** Total value added VA_j. */
  readonly va: number[];
  /** Total final use of each product i (if known). */
  readonly finalDemand?: number[];
  /** Free-form provenance: which province/year, how it was built (e.g. "ras from 2007"). */
  readonly meta?: Record<string, string | number | boolean>;
};

export function isIoTable(v: unknown): v is IoTable {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'io-table';
}
