import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CACHE_FORMAT, fingerprint, type FingerprintParts } from '../../engine/fingerprint.js';

const base: FingerprintParts = {
  cacheFormat: CACHE_FORMAT,
  step: 'ras',
  stepVersion: '1',
  stepSource: '',
  params: { tolerance: 1e-6, max_iterations: 100 },
  item: { year: 2011 },
  inputs: { base: 'aa', totals: 'bb' },
  files: {},
};

describe('fingerprint', () => {
  it('is sha256 of the canonical JSON of its parts, params in written order (checked against a hand-written text)', () => {
    const text =
      `{"cacheFormat":${CACHE_FORMAT},"files":{},"inputs":{"base":"aa","totals":"bb"},"item":{"year":2011},` +
      '"params":"{\\"tolerance\\":0.000001,\\"max_iterations\\":100}","step":"ras","stepSource":"","stepVersion":"1"}';
    expect(fingerprint(base)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('depends on the order params were written in (derive evaluates its map in order)', () => {
    expect(fingerprint({ ...base, params: { max_iterations: 100, tolerance: 1e-6 } })).not.toBe(fingerprint(base));
  });

  it('does not depend on the order the parts, inputs or items were written in', () => {
    const reordered: FingerprintParts = {
      files: {},
      inputs: { totals: 'bb', base: 'aa' },
      item: { year: 2011 },
      params: { tolerance: 1e-6, max_iterations: 100 },
      stepSource: '',
      stepVersion: '1',
      step: 'ras',
      cacheFormat: CACHE_FORMAT,
    };
    expect(fingerprint(reordered)).toBe(fingerprint(base));
  });

  const changes: [string, Partial<FingerprintParts>][] = [
    ['cache format', { cacheFormat: CACHE_FORMAT + 1 }],
    ['step name', { step: 'gras' }],
    ['step version', { stepVersion: '2' }],
    ['plugin source', { stepSource: 'abc' }],
    ['a param value', { params: { tolerance: 1e-7, max_iterations: 100 } }],
    ['an added param (e.g. a changed default)', { params: { tolerance: 1e-6, max_iterations: 100, damping: 0 } }],
    ['the item', { item: { year: 2012 } }],
    ['no item vs an item', { item: null }],
    ['an input hash', { inputs: { base: 'aa', totals: 'bc' } }],
    ['which input carries a hash', { inputs: { base: 'bb', totals: 'aa' } }],
    ['a file hash', { files: { 'data/x.csv': 'ff' } }],
  ];
  it.each(changes)('changes with %s', (_label, change) => {
    expect(fingerprint({ ...base, ...change })).not.toBe(fingerprint(base));
  });

  it('tells 0 from -0 in params, and 1 from "1"', () => {
    expect(fingerprint({ ...base, params: { a: 0 } })).not.toBe(fingerprint({ ...base, params: { a: -0 } }));
    expect(fingerprint({ ...base, params: { a: 1 } })).not.toBe(fingerprint({ ...base, params: { a: '1' } }));
  });

  it('is a 64-digit hex string', () => {
    expect(fingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});
