/**
 * The values that flow between stages. Everything is plain data so that it can be
 * serialized canonically (cache), cloned to worker threads and printed by `agglo show`.
 */

/** One cell of a table. `null` is a missing value (NA). */
export type Cell = number | string | boolean | null;

/** A named column. Numbers are float64; NaN never appears (missing is `null`). */
export interface Column {
  readonly name: string;
  readonly values: Cell[];
}

/** A column-oriented table: every column has the same length. */
export interface Table {
  readonly kind: 'table';
  readonly columns: Column[];
}

/** JSON-like data (a step's non-tabular result, e.g. a fitted model). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A fan-out item: one value per foreach dimension, e.g. `{province: "BEJ", year: 2011}`. */
export type ItemKey = Record<string, string | number>;

/**
 * The gathered results of a fanned-out stage, when a consumer is not itself fanned out
 * along the same dimensions and the item results are not tables (tables are stacked).
 */
export interface Collection {
  readonly kind: 'collection';
  readonly items: { key: ItemKey; value: Value }[];
}

/** A file produced or consumed by a stage, passed by path together with its content hash. */
export interface FileRef {
  readonly kind: 'file';
  /** Absolute path on this machine; never persisted in fingerprints. */
  readonly path: string;
  /** sha256 of the content. */
  readonly hash: string;
}

/** Anything a stage can produce or consume. */
export type Value = Table | Collection | FileRef | Json;

export function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'table' && Array.isArray((v as Table).columns);
}

export function isCollection(v: unknown): v is Collection {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'collection';
}

export function isFileRef(v: unknown): v is FileRef {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'file' && typeof (v as FileRef).path === 'string';
}
