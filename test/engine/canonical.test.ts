import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeValue, encodeValue, hashOf, sha256 } from '../../engine/canonical.js';

/** Float64 values JSON text is known to mangle or that sit at the edges of the format. */
const tricky: [string, number][] = [
  ['0.1 + 0.2', 0.1 + 0.2], // 0.30000000000000004, not 0.3
  ['smallest subnormal', 5e-324],
  ['largest finite', 1.7976931348623157e308],
  ['negative zero', -0],
  ['NaN', NaN],
  ['+Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['2**53 + 2 (above the exact-integer range)', 2 ** 53 + 2],
  ['-(2**53) - 2', -(2 ** 53) - 2],
  ['smallest normal', 2.2250738585072014e-308],
  ['1/3', 1 / 3],
  ['-1e-300', -1e-300],
];

/** Bit-exact float64 equality (distinguishes -0 from 0 and NaN payloads aside, NaN from all). */
function bits(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

describe('encodeValue / decodeValue', () => {
  it.each(tricky)('round-trips %s exactly', (_label, x) => {
    const back = decodeValue(encodeValue(x)) as number;
    expect(Object.is(back, x)).toBe(true);
    // NaN has many bit patterns; JS produces the canonical one, so compare bits for the rest.
    if (!Number.isNaN(x)) expect(bits(back)).toBe(bits(x));
  });

  it('round-trips the tricky values inside a table column, a JSON object and a nested array', () => {
    const xs = tricky.map(([, x]) => x);
    const value = {
      kind: 'table',
      columns: [{ name: 'x', values: xs }, { name: 'label', values: tricky.map(([l]) => l) }],
      meta: { nested: [[...xs]], scalar: -0 },
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    const col = back.columns[0]!.values;
    expect(col).toHaveLength(xs.length);
    xs.forEach((x, i) => expect(Object.is(col[i], x)).toBe(true));
    back.meta.nested[0]!.forEach((y, i) => expect(Object.is(y, xs[i])).toBe(true));
    expect(Object.is(back.meta.scalar, -0)).toBe(true);
    expect(back.columns[1]!.values).toEqual(tricky.map(([l]) => l));
  });

  it('writes typed arrays as plain arrays, special values included', () => {
    const arr = new Float64Array([1.5, -0, NaN, Infinity]);
    const back = decodeValue(encodeValue({ a: arr })) as { a: number[] };
    expect(Array.isArray(back.a)).toBe(true);
    expect(back.a).toHaveLength(4);
    [1.5, -0, NaN, Infinity].forEach((x, i) => expect(Object.is(back.a[i], x)).toBe(true));
  });

  it('keeps null (a missing cell) distinct from NaN', () => {
    const back = decodeValue(encodeValue([null, NaN])) as unknown[];
    expect(back[0]).toBeNull();
    expect(Number.isNaN(back[1])).toBe(true);
  });

  it('writes finite numbers as plain JSON numbers', () => {
    // The encoded text is still ordinary JSON for every finite non-negative-zero number.
    expect(encodeValue([0.1 + 0.2, 5e-324, 2 ** 53 + 2])).toBe('[0.30000000000000004,5e-324,9007199254740994]');
    expect(encodeValue([-0, NaN])).toBe('[{"$f":"-0"},{"$f":"NaN"}]');
  });

  it('does not turn an ordinary JSON object with a `$f` key and other keys into a number', () => {
    const v = { $f: 'NaN', other: 1 };
    expect(decodeValue(encodeValue(v))).toEqual(v);
  });

  it('round-trips a user JSON object whose only key is `$f`', () => {
    // A Json output such as {"$f": "x"} is legal step output; it must come back unchanged,
    // not as NaN (the escape for special numbers must not collide with user data).
    const v = { $f: 'text' };
    expect(decodeValue(encodeValue(v))).toEqual(v);
  });
});

describe('canonicalJson', () => {
  it('is independent of key insertion order, at every depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' }, c: null };
    const b = { c: null, a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(hashOf(a)).toBe(hashOf(b));
    // Written by hand: keys sorted by UTF-16 code unit, no whitespace.
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1,"c":null}');
  });

  it('keeps array order (arrays are sequences, not sets)', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('drops undefined members, so an absent optional field and an undefined one hash alike', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('distinguishes -0 from 0 and encodes special numbers like encodeValue', () => {
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-0)).toBe('{"$f":"-0"}');
    expect(canonicalJson([NaN, Infinity, -Infinity])).toBe('[{"$f":"NaN"},{"$f":"Infinity"},{"$f":"-Infinity"}]');
    expect(hashOf(-0)).not.toBe(hashOf(0));
  });

  it('hashes typed arrays like the equivalent plain arrays', () => {
    expect(canonicalJson(new Float64Array([1, 0.5]))).toBe('[1,0.5]');
  });

  it('sorts keys by code unit, not locale', () => {
    // 'B' (0x42) < 'a' (0x61) < 'é' (0xe9)
    expect(canonicalJson({ é: 1, a: 2, B: 3 })).toBe('{"B":3,"a":2,"é":1}');
  });

  it('refuses values that have no JSON form', () => {
    expect(() => canonicalJson(() => 1)).toThrow(/cannot fingerprint a function/);
    expect(() => canonicalJson(1n)).toThrow(/bigint/);
  });
});

describe('sha256 / hashOf', () => {
  it('matches the FIPS 180-2 test vector for "abc"', () => {
    // FIPS 180-2, appendix B.1
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(new TextEncoder().encode('abc'))).toBe(sha256('abc'));
  });

  it('hashOf is sha256 of the canonical JSON text', () => {
    const v = { z: [1, 2], a: 'x' };
    const expected = createHash('sha256').update('{"a":"x","z":[1,2]}').digest('hex');
    expect(hashOf(v)).toBe(expected);
  });
});
