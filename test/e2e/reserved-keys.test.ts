/**
 * GitHub issue 9, after D2/D3: `__proto__` as a key of a params map (a rename, a derive
 * column), as a pipeline param, as a foreach dimension and as a stage a variation extends
 * is stored like any other key (before: silently dropped, because plain objects treat an
 * assignment to `__proto__` as setting the prototype).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo } from './support.js';

describe('__proto__ as a map key, param, dimension and extended stage', () => {
  it('validates, runs and shows like any other name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-proto-'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'x.csv'), 'a,b\n1,2\n3,4\n');
    fs.writeFileSync(path.join(dir, 'base.yaml'), [
      'params:',
      '  __proto__: [1, 2]',
      'stages:',
      '  r: { step: read-csv, params: { path: data/x.csv, rename: { a: __proto__ } } }',
      '  __proto__: { step: select, inputs: { data: r }, params: { rename: { __proto__: constructor } } }',
      '  f:',
      '    step: derive',
      '    foreach: { __proto__: "${params.__proto__}" }',
      '    inputs: { data: __proto__ }',
      '    params: { columns: { z: "constructor * ${item.__proto__}" } }',
      '',
    ].join('\n'));
    // The variation changes a param of the extended `__proto__` stage.
    fs.writeFileSync(path.join(dir, 'child.yaml'), 'extends: base.yaml\nstages:\n  __proto__: { params: { rename: { __proto__: ctor } } }\n  f: { params: { columns: { z: "ctor * ${item.__proto__}" } } }\n');
    for (const file of ['base.yaml', 'child.yaml']) {
      const v = agglo(dir, 'validate', file);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      const r = agglo(dir, 'run', file);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    // Hand: row (a=3, b=4) times item 2 → z = 6, under the renamed column.
    const base = agglo(dir, 'show', 'f', '--item', '__proto__=2', '--csv', '-p', 'base.yaml');
    expect(base.stdout.trim().split('\n')).toEqual(['constructor,b,z', '1,2,2', '3,4,6']);
    const child = agglo(dir, 'show', 'f', '--item', '__proto__=2', '--csv', '-p', 'child.yaml');
    expect(child.stdout.trim().split('\n')).toEqual(['ctor,b,z', '1,2,2', '3,4,6']);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
