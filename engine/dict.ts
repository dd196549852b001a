/**
 * Records keyed by user text: stage ids, column names, foreach dimensions, input names, the
 * keys of a `rename` map. In a plain `{}`, a key such as `constructor`, `toString` or
 * `hasOwnProperty` is found on Object.prototype even when it was never set, and assigning
 * to `__proto__` replaces the prototype instead of storing a value. A record made by
 * {@link dict} has no prototype, so every key is just a key; {@link own} reads any record
 * (for example one parsed from JSON or YAML) without looking at its prototype.
 */

/** An empty record with no prototype (optionally filled from entries, in order). */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The value stored under `key` in `rec` itself; never one inherited from a prototype. */
export function own<T>(rec: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return rec !== undefined && rec !== null && Object.hasOwn(rec, key) ? rec[key] : undefined;
}
