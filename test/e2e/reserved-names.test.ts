/**
 * GitHub issue 9: names that a plain JavaScript object answers for without having them
 * (`constructor`, `toString`, `hasOwnProperty`) or cannot store (`__proto__`) are ordinary
 * names in a pipeline: as CSV columns, cell values, map keys in params, stage ids, input
 * names and foreach dimensions. Every expected table follows from the CSV text below by
 * reading the pipeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, edit, makeProject, runJson, type StageJson } from './support.js';

const statuses = (stages: Record<string, { status: string }>) => Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v.status]));
const csv = (...lines: string[]) => lines.join('\n') + '\n';
/** A stage of a run report by id (`stages.hasOwnProperty` would name the method). */
const stage = (stages: Record<string, StageJson>, id: string): StageJson => Object.entries(stages).find(([k]) => k === id)![1];

const NAMES_CSV = csv('constructor,toString,__proto__,hasOwnProperty', 'a,1,toString,true', 'a,2,__proto__,false', 'b,3,hasOwnProperty,x');

const COLUMNS_PIPELINE = `stages:
  raw: { step: read-csv, params: { path: data/names.csv } }
  renamed:
    step: select
    inputs: { data: raw }
    params: { rename: { constructor: ctor, toString: hasOwnProperty, hasOwnProperty: toString } }
  derived:
    step: derive
    inputs: { data: raw }
    params: { columns: { hasOwnProperty: toString * 10, constructor: __proto__ } }
  joined:
    step: join
    inputs: { left: raw, right: renamed }
    params: { by: { constructor: ctor, toString: hasOwnProperty } }
  wide:
    step: pivot-wider
    inputs: { data: raw }
    params: { names_from: __proto__, values_from: toString, id_cols: [constructor] }
  out: { step: write-csv, inputs: { data: raw }, params: { path: results/names.csv } }
  wide_out: { step: write-csv, inputs: { data: wide }, params: { path: results/wide.csv } }
  per_key:
    step: filter
    foreach: { constructor: [a, b] }
    inputs: { data: raw }
    params: { where: 'constructor == "\${item.constructor}"' }
`;

describe('columns, values and map keys named constructor, toString, __proto__, hasOwnProperty', () => {
  it('read-csv, select, derive, join, pivot-wider, write-csv and show keep them exactly', () => {
    const dir = makeProject({ 'pipelines/paper.yaml': COLUMNS_PIPELINE, 'data/names.csv': NAMES_CSV });
    const first = runJson(dir, 'run');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(Object.values(statuses(first.stages))).toEqual(Array(8).fill('ran'));
    const show = (...args: string[]) => {
      const r = agglo(dir, 'show', ...args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    };

    // The file and the cached table round-trip byte for byte.
    expect(fs.readFileSync(path.join(dir, 'results/names.csv'), 'utf8')).toBe(NAMES_CSV);
    expect(show('raw', '--csv')).toBe(NAMES_CSV);
    const rows = JSON.parse(show('raw', '--json')) as Record<string, unknown>[];
    expect(rows.map((r) => Object.entries(r))).toEqual([
      [['constructor', 'a'], ['toString', 1], ['__proto__', 'toString'], ['hasOwnProperty', 'true']],
      [['constructor', 'a'], ['toString', 2], ['__proto__', '__proto__'], ['hasOwnProperty', 'false']],
      [['constructor', 'b'], ['toString', 3], ['__proto__', 'hasOwnProperty'], ['hasOwnProperty', 'x']],
    ]);
    expect(show('raw').split('\n').slice(0, 3)).toEqual([
      'constructor  toString  __proto__       hasOwnProperty',
      '-----------  --------  --------------  --------------',
      'a                   1  toString        true',
    ]);

    // select: constructor → ctor, toString and hasOwnProperty swap names, __proto__ stays.
    expect(show('renamed', '--csv')).toBe(csv('ctor,hasOwnProperty,__proto__,toString', 'a,1,toString,true', 'a,2,__proto__,false', 'b,3,hasOwnProperty,x'));
    // derive: hasOwnProperty = toString * 10; constructor = the __proto__ column.
    expect(show('derived', '--csv')).toBe(csv('constructor,toString,__proto__,hasOwnProperty', 'toString,1,toString,10', '__proto__,2,__proto__,20', 'hasOwnProperty,3,hasOwnProperty,30'));
    // join on constructor = ctor and toString = hasOwnProperty: every row matches itself; the
    // non-key __proto__ of both sides and the right toString get suffixes.
    expect(show('joined', '--csv')).toBe(csv(
      'constructor,toString,__proto___x,hasOwnProperty,__proto___y,toString_y',
      'a,1,toString,true,toString,true', 'a,2,__proto__,false,__proto__,false', 'b,3,hasOwnProperty,x,hasOwnProperty,x',
    ));
    // pivot-wider: the values of __proto__ become columns.
    const wide = csv('constructor,toString,__proto__,hasOwnProperty', 'a,1,2,', 'b,,,3');
    expect(show('wide', '--csv')).toBe(wide);
    expect(fs.readFileSync(path.join(dir, 'results/wide.csv'), 'utf8')).toBe(wide);
    // A foreach dimension named constructor, picked with --item.
    expect(show('per_key', '--item', 'constructor=b', '--csv')).toBe(csv('constructor,toString,__proto__,hasOwnProperty', 'b,3,hasOwnProperty,x'));

    const again = runJson(dir, 'run');
    expect(again.code).toBe(0);
    expect(Object.values(statuses(again.stages))).toEqual(Array(8).fill('cached'));
  });
});

const STAGES_PIPELINE = `stages:
  constructor: { step: read-csv, params: { path: data/x.csv } }
  __proto__: { step: derive, inputs: { data: constructor }, params: { columns: { c: a + b } } }
  toString: { step: derive, inputs: { data: __proto__.table }, params: { columns: { d: c * 2 } } }
  hasOwnProperty:
    step: filter
    foreach: { toString: { stage: __proto__, column: a } }
    inputs: { data: toString }
    params: { where: "a == \${item.toString}" }
  valueOf: { step: bind-rows, inputs: { constructor: constructor, __proto__: toString }, params: { id: from } }
`;

describe('stage ids and input names constructor, __proto__, toString, hasOwnProperty, valueOf', () => {
  it('validate, run, rerun, status, show and dag treat them like any other id', () => {
    const dir = makeProject({ 'pipelines/paper.yaml': STAGES_PIPELINE, 'data/x.csv': csv('a,b', '1,2', '3,4') });
    const ids = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const v = agglo(dir, 'validate');
    expect([v.code, v.stdout + v.stderr]).toEqual([0, 'pipelines/paper.yaml: ok (5 stages)\n']);

    const first = runJson(dir, 'run');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(Object.keys(first.stages)).toEqual(ids);
    expect(Object.values(statuses(first.stages))).toEqual(Array(5).fill('ran'));
    expect(stage(first.stages, 'hasOwnProperty').items).toEqual({ total: 2, ran: 2, cached: 0, failed: 0 });

    const show = (...args: string[]) => {
      const r = agglo(dir, 'show', ...args, '--csv');
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    // c = a + b, d = c * 2; each hasOwnProperty item keeps the row whose a is its item.
    expect(show('constructor')).toBe(csv('a,b', '1,2', '3,4'));
    expect(show('__proto__')).toBe(csv('a,b,c', '1,2,3', '3,4,7'));
    expect(show('toString')).toBe(csv('a,b,c,d', '1,2,3,6', '3,4,7,14'));
    expect(show('hasOwnProperty')).toBe(csv('toString,a,b,c,d', '1,1,2,3,6', '3,3,4,7,14'));
    expect(show('hasOwnProperty', '--item', 'toString=3')).toBe(csv('a,b,c,d', '3,4,7,14'));
    expect(show('valueOf')).toBe(csv('a,b,from,c,d', '1,2,constructor,,', '3,4,constructor,,', '1,2,__proto__,3,6', '3,4,__proto__,7,14'));

    const again = runJson(dir, 'run');
    expect(again.code).toBe(0);
    expect(Object.values(statuses(again.stages))).toEqual(Array(5).fill('cached'));
    const status = runJson(dir, 'status');
    expect(status.code).toBe(0);
    expect(Object.values(statuses(status.stages))).toEqual(Array(5).fill('cached'));

    const dag = agglo(dir, 'dag');
    expect(dag.code).toBe(0);
    expect(dag.stdout.split('\n').filter((l) => l.includes('-->'))).toEqual([
      '  constructor --> __proto__', '  __proto__ --> toString', '  toString --> hasOwnProperty',
      '  __proto__ --> hasOwnProperty', '  constructor --> valueOf', '  toString --> valueOf',
    ]);

    // An edit to `__proto__` says which param changed and reruns it and what reads it.
    edit(dir, 'pipelines/paper.yaml', 'c: a + b', 'c: a - b');
    const s = runJson(dir, 'status');
    expect(stage(s.stages, '__proto__')).toMatchObject({ status: 'would-run', reason: 'param `columns` changed' });
    const r = runJson(dir, 'run');
    expect(Object.entries(statuses(r.stages))).toEqual([['constructor', 'cached'], ['__proto__', 'ran'], ['toString', 'ran'], ['hasOwnProperty', 'ran'], ['valueOf', 'ran']]);
    expect(show('toString')).toBe(csv('a,b,c,d', '1,2,-1,-2', '3,4,-1,-2'));
  });
});
