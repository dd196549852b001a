/**
 * write-json: the exact file text (JSON.stringify with 2-space indent plus a final newline,
 * written out by hand here); a table becomes an array of row objects; numbers JSON cannot
 * hold are written as the {"$f": …} markers of engine/canonical.ts encodeValue.
 */
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../engine/canonical.js';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import type { Value } from '../../engine/value.js';
import { writeJson } from '../../steps/write-json.js';
import { makeContext } from '../support/context.js';

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

function written(data: unknown, path = 'results/out.json'): string {
  const ctx = makeContext({ path }, { data: data as Value });
  expect(writeJson.run(ctx)).toEqual({ file: { path } });
  expect([...ctx.files.keys()]).toEqual([path]);
  return ctx.files.get(path) as string;
}

describe('write-json', () => {
  it('writes a JSON value pretty-printed with a final newline', () => {
    const model = { method: 'within', n: 310, coefficients: [{ term: 'gdp', estimate: -0.59 }], ok: true, note: null };
    expect(written(model)).toBe(
      '{\n' +
      '  "method": "within",\n' +
      '  "n": 310,\n' +
      '  "coefficients": [\n' +
      '    {\n' +
      '      "term": "gdp",\n' +
      '      "estimate": -0.59\n' +
      '    }\n' +
      '  ],\n' +
      '  "ok": true,\n' +
      '  "note": null\n' +
      '}\n',
    );
  });

  it('writes a table as an array of row objects, NA as null', () => {
    const t = tableFromColumns({ province: ['BEJ', 'TJ'], lq: [0.1 + 0.2, null] });
    // Hand: 0.1 + 0.2 keeps its shortest round-trip form 0.30000000000000004.
    expect(written(t)).toBe(
      '[\n' +
      '  {\n' +
      '    "province": "BEJ",\n' +
      '    "lq": 0.30000000000000004\n' +
      '  },\n' +
      '  {\n' +
      '    "province": "TJ",\n' +
      '    "lq": null\n' +
      '  }\n' +
      ']\n',
    );
  });

  it('writes NaN, ±Infinity and -0 as {"$f": …} markers instead of null/0', () => {
    const v = { a: NaN, b: Infinity, c: -Infinity, d: -0, e: 0, arr: [1, NaN] };
    const text = written(v);
    // JSON.stringify alone would write null, null, null, 0: the markers keep them readable.
    expect(text).toBe(
      '{\n' +
      '  "a": {\n    "$f": "NaN"\n  },\n' +
      '  "b": {\n    "$f": "Infinity"\n  },\n' +
      '  "c": {\n    "$f": "-Infinity"\n  },\n' +
      '  "d": {\n    "$f": "-0"\n  },\n' +
      '  "e": 0,\n' +
      '  "arr": [\n    1,\n    {\n      "$f": "NaN"\n    }\n  ]\n' +
      '}\n',
    );
    // The file decodes back to the original values with the engine's decoder.
    const back = decodeValue(text) as typeof v;
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Infinity);
    expect(back.c).toBe(-Infinity);
    expect(Object.is(back.d, -0)).toBe(true);
    expect(back.arr[1]).toBeNaN();
  });

  it('writes a typed array as a plain array and escapes a user object that looks like a marker', () => {
    const v = { x: new Float64Array([1.5, -2]), odd: { $f: 'user text' } };
    expect(JSON.parse(written(v))).toEqual({ x: [1.5, -2], odd: { $esc: [['$f', 'user text']] } });
    expect(decodeValue(written(v))).toEqual({ x: [1.5, -2], odd: { $f: 'user text' } });
  });

  it('writes a bare number or string', () => {
    expect(written(0.8)).toBe('0.8\n');
    expect(written('done')).toBe('"done"\n');
    expect(written(NaN)).toBe('{\n  "$f": "NaN"\n}\n');
  });

  it('path must be a .json file under results/ (schema), and may not climb out with `..`', () => {
    expect(checkParams(writeJson, { path: 'results/m.json' }).errors).toEqual([]);
    expect(checkParams(writeJson, { path: 'data/m.json' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeJson, { path: 'results/m.md' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeJson, {}).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeJson, { path: 'results/m.json', indent: 4 }).errors.length).toBeGreaterThan(0);
    const e = failure(() => writeJson.run(makeContext({ path: 'results/../../etc/m.json' }, { data: 1 })));
    expect(e.reason).toBe('bad-path');
    expect(e.message).toContain('results/../../etc/m.json');
  });
});
