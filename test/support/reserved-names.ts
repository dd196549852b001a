/**
 * Names that a plain JavaScript object answers for without having them (`constructor`,
 * `toString`, `hasOwnProperty` come from Object.prototype) or stores elsewhere (`__proto__`
 * sets the prototype). Users may name columns, stages, params and map keys like this
 * (GitHub issue 9); every lookup keyed by user text must treat them as plain names.
 */
export const RESERVED = ['constructor', 'toString', '__proto__', 'hasOwnProperty'] as const;

/**
 * A record with these keys as its own properties, as YAML or JSON parsing gives them. An
 * object literal cannot be used: `{ __proto__: x }` sets the prototype.
 */
export function ownRecord<T>(entries: readonly (readonly [string, T])[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
