/**
 * Canonical JSON (sorted keys, no whitespace) and hashing, for fingerprints; and the exact
 * serialization of stage values for the cache. JSON's number text is JavaScript's shortest
 * round-trip form, so finite float64 values survive exactly; -0, NaN and ±Infinity, which
 * JSON cannot hold, are written as {"$f": "-0" | "NaN" | "Infinity" | "-Infinity"}.
 */
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Canonical JSON of plain data: object keys sorted, undefined members dropped. With
 * `keepOrder`, keys stay in insertion order: for params, where a map's order can mean
 * something (derive's columns are evaluated in order), so reordering must rerun.
 */
export function canonicalJson(v: unknown, keepOrder = false): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0) ? String(v) : JSON.stringify(specialNumber(v));
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (ArrayBuffer.isView(v)) return canonicalJson(Array.from(v as unknown as ArrayLike<number>));
      if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x, keepOrder)).join(',')}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined);
      if (!keepOrder) keys.sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], keepOrder)}`).join(',')}}`;
    }
    default:
      throw new Error(`cannot fingerprint a ${typeof v}`);
  }
}

/** sha256 of the canonical JSON of `v`. */
export function hashOf(v: unknown): string {
  return sha256(canonicalJson(v));
}

function specialNumber(n: number): { $f: string } {
  return { $f: Object.is(n, -0) ? '-0' : String(n) };
}

/** The one key of an object that encodeValue wrote as a marker, if it is one. */
function markerKey(x: unknown): '$f' | '$esc' | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 && (keys[0] === '$f' || keys[0] === '$esc') ? keys[0] : undefined;
}

/**
 * Serializes a stage value for the cache, exactly (see module comment). A user object that
 * looks like a marker (its only key `$f` or `$esc`) is escaped as {"$esc": [[key, value]]}.
 */
export function encodeValue(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0))) return specialNumber(x);
    if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
    if (markerKey(x)) return { $esc: Object.entries(x as object) };
    return x;
  });
}

/** Inverse of encodeValue. */
export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_k, x: unknown) => {
    const m = markerKey(x);
    if (m === '$f') {
      const f = (x as { $f: string }).$f;
      return f === '-0' ? -0 : Number(f);
    }
    if (m === '$esc' && Array.isArray((x as { $esc: unknown }).$esc)) return Object.fromEntries((x as { $esc: [string, unknown][] }).$esc);
    return x;
  });
}

/** Freezes plain data in place, arrays and objects included (primitives are left alone), as the engine freezes what a step receives. */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null) deepFreeze(x);
  } else for (const x of Object.values(v)) deepFreeze(x);
  return v;
}
