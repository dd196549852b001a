/**
 * A task's fingerprint: sha256 of the canonical JSON of everything that can change its
 * result, and nothing else (so that a cache hit is always right and a miss always has a
 * reason). Explaining a miss is engine/explain.ts.
 */
import { canonicalJson, hashOf } from './canonical.js';
import type { ItemKey } from './value.js';

/**
 * Bump when the cache layout or value encoding changes: every old entry then misses
 * instead of being misread.
 */
export const CACHE_FORMAT = 2;

export interface FingerprintParts {
  /** Cache layout/encoding version (see CACHE_FORMAT). */
  readonly cacheFormat: number;
  /** The step's registered name: two steps never share results. */
  readonly step: string;
  /** The step's declared version: a step author bumps it when results change. */
  readonly stepVersion: string;
  /** sha256 of a plugin module's source, or `agglo@VERSION` for built-ins (an upgrade reruns). */
  readonly stepSource: string;
  /**
   * Params after interpolation and schema defaults (a changed default reruns too). Hashed
   * in the order written, not sorted: reordering an ordered map such as derive's columns
   * changes the result, so it must rerun.
   */
  readonly params: unknown;
  /** The fan-out item (also visible to the step via ctx.item). */
  readonly item: ItemKey | null;
  /**
   * Per input: the content hash of the file, or the hash of the upstream output(s). Using
   * upstream *content* (not upstream fingerprints) gives early cutoff: a rerun upstream
   * that produced identical bytes leaves this task cached.
   */
  readonly inputs: Record<string, string>;
  /** Content hashes of files named by `format: file-path` params. */
  readonly files: Record<string, string>;
}

export function fingerprint(parts: FingerprintParts): string {
  return hashOf({ ...parts, params: canonicalJson(parts.params, true) });
}
