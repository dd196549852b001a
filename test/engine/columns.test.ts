/**
 * The columns phase (engine/columns.ts) with small fake steps: how column lists flow between
 * stages (gathered foreach items, file inputs, several outputs), where knowledge stops (and
 * the one note for it), item values, and where an error points. Every expected list is the
 * fake steps' declared columns followed through the pipeline by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkColumns } from '../../engine/columns.js';
import { parsePipelineText } from '../../engine/parse.js';
import { StepRegistry } from '../../engine/registry.js';
import { defineStep, type StepDefinition } from '../../engine/step.js';
import { validatePipeline } from '../../engine/validate.js';
import { paramColumns, requireInputColumns } from '../../steps/lib/columns.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-columns-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = () => ({});
const strings = { type: 'array', items: { type: 'string' } } as const;

/** A table with the listed columns. */
const source = defineStep<{ cols: string[] }>({
  name: 'source', version: '1', description: 'makes columns', params: { type: 'object', properties: { cols: strings }, required: ['cols'] },
  inputs: {}, outputs: { table: 'a table' }, run, columns: (ctx) => ({ table: ctx.params.cols }),
});
/** Needs column(s) `col` in `data`; passes `data` on, and says what it saw in `seen`. */
const seen: (readonly string[] | undefined)[] = [];
const need = defineStep<{ col: string | string[] }>({
  name: 'need', version: '1', description: 'needs columns',
  params: { type: 'object', properties: { col: { anyOf: [{ type: 'string' }, strings] }, label: { type: 'string', default: 'x' } } },
  inputs: { data: { description: 'a table' } }, outputs: { table: 'the input' }, run,
  columns(ctx) {
    seen.push(ctx.inputs.data);
    return requireInputColumns(ctx, 'data', paramColumns(ctx.params, 'col')) ? { table: ctx.inputs.data } : {};
  },
});
const opaque = defineStep({ name: 'opaque', version: '1', description: 'opts out', params: { type: 'object' }, inputs: { data: { description: 't', optional: true } }, outputs: { table: 't' }, run, columns: false });
const undeclared = defineStep({ name: 'undeclared', version: '1', description: 'no declaration', params: { type: 'object' }, inputs: {}, outputs: { table: 't' }, run });
const broken = defineStep({ name: 'broken', version: '1', description: 'throws', params: { type: 'object' }, inputs: {}, outputs: { table: 't' }, run, columns: () => { throw new Error('boom'); } });
const twoOutputs = defineStep({
  name: 'two', version: '1', description: 'a table and a model', params: { type: 'object' }, inputs: {}, outputs: { model: 'json', wide: 't', long: 't' }, run,
  columns: () => ({ wide: { unknown: 'one column per period in the data' }, long: ['entity', 'value'] }),
});

const steps: StepDefinition[] = [source, need, opaque, undeclared, broken, twoOutputs];

async function check(text: string, files: Record<string, string> = {}, pluginsNotLoaded = false) {
  const root = fs.mkdtempSync(path.join(tmp, 'p-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  const registry = new StepRegistry();
  for (const s of steps) registry.add(s);
  const { parsed, diagnostics } = parsePipelineText(text, path.join(root, 'pipelines/p.yaml'), 'pipelines/p.yaml');
  expect(diagnostics).toEqual([]);
  const v = validatePipeline(parsed!, registry, [], { root, fileExists: (p) => fs.existsSync(p), pluginsNotLoaded });
  expect(v.diagnostics).toEqual([]);
  const t0 = performance.now();
  const c = await checkColumns(v.pipeline!, registry, parsed!, { root, unchecked: v.unchecked });
  const ms = performance.now() - t0;
  return { errors: c.diagnostics.map((d) => `${d.line}:${d.col} ${d.message} | ${d.hint ?? ''}`), notes: c.notes, ms };
}

describe('columns flow between stages', () => {
  it('a gathered foreach stage has its dimensions in front; a consumer of one item does not', async () => {
    seen.length = 0;
    const r = await check(`stages:
  a: { step: source, foreach: { k: [p, q] }, params: { cols: [x] } }
  all: { step: need, inputs: { data: a }, params: { col: [k, x] } }
  one: { step: need, foreach: { k: [p, q] }, inputs: { data: a }, params: { col: k } }
`);
    expect(seen).toEqual([['k', 'x'], ['x']]);
    expect(r.errors).toEqual(['4:82 param `col` of stage `one` names column `k`, which input `data` (from stage `a`) does not have | did you mean `x`?']);
  });

  it('a .csv file input gives its header; another file gives nothing to check against', async () => {
    seen.length = 0;
    const r = await check(`stages:
  f: { step: need, inputs: { data: data/t.csv }, params: { col: [a, bb] } }
  g: { step: need, inputs: { data: data/t.txt }, params: { col: zz } }
`, { 'data/t.csv': 'a,b\n1,2\n', 'data/t.txt': 'hello' });
    expect(seen).toEqual([['a', 'b'], undefined]);
    expect(r.errors).toEqual(['2:69 param `col[1]` of stage `f` names column `bb`, which input `data` (file `data/t.csv`) does not have | did you mean `b`?']);
    expect(r.notes).toEqual([]);
  });

  it('a named output is followed; an output that is not a table is nothing to check against', async () => {
    const r = await check(`stages:
  t: { step: two }
  a: { step: need, inputs: { data: t.long }, params: { col: [entity, valu] } }
  b: { step: need, inputs: { data: t.model }, params: { col: anything } }
`);
    expect(r.errors).toEqual(['3:70 param `col[1]` of stage `a` names column `valu`, which input `data` (from stage `t`, output `long`) does not have | did you mean `value`?']);
    expect(r.notes).toEqual([]);
  });
});

describe('where columns stop being known, one note each', () => {
  it('names the stage and why, once, and only when a later stage wanted the columns', async () => {
    const r = await check(`stages:
  o: { step: opaque }
  u: { step: undeclared }
  b: { step: broken }
  t: { step: two }
  unused: { step: undeclared }
  n1: { step: need, inputs: { data: o }, params: { col: x } }
  n2: { step: need, inputs: { data: o }, params: { col: y } }
  n3: { step: need, inputs: { data: n2 }, params: { col: z } }
  n4: { step: need, inputs: { data: u }, params: { col: x } }
  n5: { step: need, inputs: { data: b }, params: { col: x } }
  n6: { step: need, inputs: { data: t.wide }, params: { col: x } }
`);
    expect(r.errors).toEqual([]);
    expect(r.notes).toEqual([
      'columns not checked after stage `o` (step `opaque` knows its columns only when it runs)',
      'columns not checked after stage `u` (step `undeclared` does not declare its output columns)',
      'columns not checked after stage `b` (the `columns` declaration of step `broken` failed: boom)',
      'columns not checked after output `wide` of stage `t` (one column per period in the data)',
    ]);
  });

  it('a stage of a plugin that was not loaded', async () => {
    const r = await check(`stages:
  p: { step: from-plugin }
  n: { step: need, inputs: { data: p }, params: { col: x } }
`, {}, true);
    expect(r.notes).toEqual(['columns not checked after stage `p` (step `from-plugin` comes from a plugin, which `agglo validate` does not load without --load-plugins)']);
  });

  it('items whose columns differ, and column names made from items known only at run time', async () => {
    const r = await check(`stages:
  keys: { step: source, params: { cols: [k] } }
  a: { step: source, foreach: { k: [p, q] }, params: { cols: ["\${item.k}"] } }
  b: { step: source, foreach: { k: { stage: keys, column: k } }, params: { cols: ["\${item.k}"] } }
  na: { step: need, inputs: { data: a }, params: { col: x } }
  nb: { step: need, inputs: { data: b }, params: { col: x } }
`);
    expect(r.notes).toEqual([
      'columns not checked after stage `a` (its columns differ between items)',
      'columns not checked after stage `b` (its column names depend on the item)',
    ]);
  });
});

describe('params with item values', () => {
  it('are checked for every value written in the YAML, each error once at the param', async () => {
    const r = await check(`stages:
  s: { step: source, params: { cols: [a, b] } }
  n:
    step: need
    foreach: { c: [a, zz, b, yy] }
    inputs: { data: s }
    params: { col: "\${item.c}" }
  m:
    step: need
    foreach: { c: { stage: s, column: a } }
    inputs: { data: s }
    params: { col: "\${item.c}" }
`);
    expect(r.errors).toEqual([
      '7:20 param `col` of stage `n` names column `zz`, which input `data` (from stage `s`) does not have | its columns are: a, b',
      '7:20 param `col` of stage `n` names column `yy`, which input `data` (from stage `s`) does not have | its columns are: a, b',
    ]);
  });
});

describe('where an error points', () => {
  it('a name from `params:` is reported where it is written, once for every stage using it', async () => {
    const r = await check(`params:
  cols: [a, bb]
  one: bb
stages:
  s: { step: source, params: { cols: [a, b] } }
  n1: { step: need, inputs: { data: s }, params: { col: "\${params.cols}" } }
  n2: { step: need, inputs: { data: s }, params: { col: "\${params.cols}" } }
  n3: { step: need, inputs: { data: s }, params: { col: ["\${params.one}"] } }
`);
    expect(r.errors).toEqual([
      '2:13 param `col[1]` of stages `n1` and `n2` names column `bb`, which input `data` (from stage `s`) does not have | did you mean `b`?',
      '3:8 param `col[0]` of stage `n3` names column `bb`, which input `data` (from stage `s`) does not have | did you mean `b`?',
    ]);
  });

  it('a default that is not a column is reported at the stage\'s params, saying so', async () => {
    const withDefault = defineStep({
      name: 'dflt', version: '1', description: 'default column', params: { type: 'object', properties: { col: { type: 'string', default: 'lq' } } },
      inputs: { data: { description: 't' } }, outputs: { table: 't' }, run,
      columns: (ctx) => (requireInputColumns(ctx, 'data', paramColumns(ctx.params, 'col')), {}),
    });
    steps.push(withDefault);
    try {
      const r = await check(`stages:
  s: { step: source, params: { cols: [a] } }
  d: { step: dflt, inputs: { data: s }, params: {} }
`);
      expect(r.errors).toEqual(['3:49 param `col` (its default) of stage `d` names column `lq`, which input `data` (from stage `s`) does not have | set `col` in the stage\'s params; its columns are: a']);
    } finally {
      steps.pop();
    }
  });
});

describe('cost', () => {
  it('a chain of 2,000 stages is checked through to its end (its cost is a benchmark matter, not a test: docs/performance.md)', async () => {
    const lines = ['stages:', '  s0: { step: source, params: { cols: [a, b, c] } }'];
    for (let i = 1; i < 2000; i++) lines.push(`  s${i}: { step: need, inputs: { data: s${i - 1} }, params: { col: [a, c] } }`);
    lines.push('  last: { step: need, inputs: { data: s1999 }, params: { col: d } }');
    const r = await check(lines.join('\n') + '\n');
    expect(r.errors).toEqual(['2002:63 param `col` of stage `last` names column `d`, which input `data` (from stage `s1999`) does not have | did you mean `a`?']);
  });
});

describe('the built-in steps and the shipped pipelines', () => {
  it('every built-in step declares its columns', async () => {
    const { builtinSteps } = await import('../../steps/index.js');
    expect(builtinSteps.filter((s) => typeof s.columns !== 'function').map((s) => s.name)).toEqual([]);
  });

  it('pipelines/ and pipelines/examples/ have no column error, and the same three notes', async () => {
    const { loadPipeline } = await import('../../engine/load.js');
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const files = ['pipelines/paper.yaml', ...fs.readdirSync(path.join(repo, 'pipelines/examples')).filter((f) => f.endsWith('.yaml')).map((f) => `pipelines/examples/${f}`)];
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const loaded = await loadPipeline(f, repo);
      expect([f, loaded.diagnostics]).toEqual([f, []]);
      expect(loaded.columnNotes).toEqual([
        'columns not checked after stage `national_maps` (its file name depends on an item known only when it runs)',
        'columns not checked after stage `national_totals` (it has a `final_use` column only when the input-output table has final use)',
        'columns not checked after output `wide` of stage `ranking` (it has a column for each period found in the data)',
      ]);
    }
  });
});
