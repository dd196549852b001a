/**
 * The runner in process: pipelines loaded with loadPipeline from YAML in a temp project,
 * using built-in steps and fake steps from a plugin module written next to it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeValue } from '../../engine/canonical.js';
import { LocalExecutor } from '../../engine/executor.js';
import { loadPipeline } from '../../engine/load.js';
import { runPipeline, type RunEvent, type RunOptions, type StageReport } from '../../engine/run.js';
import { loadState, stateName } from '../../engine/state.js';
import { LocalStore } from '../../engine/store.js';

/** Fake steps. `version` lets a test bump the version of `probe`. */
function plugin(probeVersion = '1'): string {
  return `
import fs from 'node:fs';
class StepError extends Error {
  constructor(reason, message) { super(message); this.name = 'StepError'; this.reason = reason; }
}
const table = (cols) => ({ kind: 'table', columns: Object.entries(cols).map(([name, values]) => ({ name, values })) });
const obj = (properties) => ({ type: 'object', properties });

export const constant = {
  name: 'constant', version: '1', description: 'one-row table {x: value}',
  params: { ...obj({ value: { type: 'number' } }), required: ['value'] },
  inputs: {}, outputs: { table: 'x' },
  run: (ctx) => ({ table: table({ x: [ctx.params.value] }) }),
};

export const parity = {
  name: 'parity', version: '1', description: 'x mod 2',
  params: obj({}), inputs: { data: { description: 'a table with x' } }, outputs: { table: 'x mod 2' },
  run: (ctx) => ({ table: table({ x: ctx.inputs.data.columns.find((c) => c.name === 'x').values.map((v) => v % 2) }) }),
};

export const sum = {
  name: 'sum', version: '1', description: 'sum of column x, with the rows seen',
  params: obj({ label: { type: 'string' } }), inputs: { data: { description: 'a table with x' } }, outputs: { value: 'json' },
  run: (ctx) => {
    const t = ctx.inputs.data;
    const x = t.columns.find((c) => c.name === 'x').values;
    return { value: { sum: x.reduce((a, b) => a + b, 0), columns: t.columns.map((c) => c.name), rows: x.length } };
  },
};

export const perItem = {
  name: 'per-item', version: '1', description: 'one row per item; fails where data/fail-<k> exists',
  params: obj({ crash_on: { type: 'number' } }),
  inputs: { data: { description: 'optional table', optional: true } }, outputs: { table: 'k, x' },
  run: (ctx) => {
    const k = ctx.item.k;
    if (fs.existsSync(ctx.resolvePath('data/fail-' + k))) throw new StepError('bad-item', 'value ' + k + ' is not allowed here');
    if (ctx.params.crash_on === k) throw new Error('kaboom');
    const base = ctx.inputs.data ? ctx.inputs.data.columns.find((c) => c.name === 'x').values[0] : 0;
    return { table: table({ x: [k * 10 + base] }) };
  },
};

export const probe = {
  name: 'probe', version: '${probeVersion}', description: 'reads a number file and adds its upstream',
  params: obj({ path: { type: 'string', format: 'file-path' }, p: { type: 'number', default: 0 } }),
  inputs: { up: { description: 'table with x' }, raw: { description: 'a file', optional: true } },
  outputs: { out: 'json' },
  run: (ctx) => ({ out: { n: Number(fs.readFileSync(ctx.resolvePath(ctx.params.path), 'utf8')), p: ctx.params.p, up: ctx.inputs.up.columns[0].values[0] } }),
};

export const tricky = {
  name: 'tricky', version: '1', description: 'floats JSON text mangles',
  params: obj({}), inputs: {}, outputs: { out: 'json' },
  run: () => ({ out: { values: [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0, NaN, Infinity, -Infinity, 2 ** 53 + 2] } }),
};

export const check = {
  name: 'check', version: '1', description: 'compares its input with the expected tricky values bit for bit',
  params: obj({ label: { type: 'string' } }), inputs: { data: { description: 'tricky output' } }, outputs: { out: 'json' },
  run: (ctx) => {
    const expected = [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0, NaN, Infinity, -Infinity, 2 ** 53 + 2];
    return { out: { same: expected.map((e, i) => Object.is(ctx.inputs.data.values[i], e)) } };
  },
};
`;
}

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

function write(root: string, rel: string, text: string): void {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
}

/** A temp project holding the plugin, `pipeline.yaml` and any extra files. */
function project(yaml: string, files: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-run-'));
  roots.push(root);
  write(root, 'steps.mjs', plugin());
  write(root, 'pipeline.yaml', `plugins: [./steps.mjs]\n${yaml}`);
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  return root;
}

interface Outcome {
  ok: boolean;
  stages: StageReport[];
  stage(id: string): StageReport;
  warnings: string[];
  events: RunEvent[];
}

async function run(root: string, opts: Partial<RunOptions> = {}): Promise<Outcome> {
  const loaded = await loadPipeline('pipeline.yaml', root);
  if (!loaded.plan) throw new Error(`pipeline invalid: ${loaded.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
  const warnings: string[] = [];
  const events: RunEvent[] = [];
  const store = new LocalStore(path.join(root, 'cache'), (m) => warnings.push(m));
  const executor = new LocalExecutor(loaded.registry, 1);
  try {
    const report = await runPipeline({ plan: loaded.plan, store, executor, root }, {
      jobs: 1, keepGoing: false, dryRun: false, ...opts,
      onEvent: (e) => { events.push(e); if (e.type === 'warning') warnings.push(e.message); },
    });
    const stage = (id: string) => {
      const s = report.stages.find((x) => x.id === id);
      if (!s) throw new Error(`no stage ${id} in the report; stages: ${report.stages.map((x) => x.id).join(', ')}`);
      return s;
    };
    return { ok: report.ok, stages: report.stages, stage, warnings, events };
  } finally {
    await executor.close();
  }
}

/** Status and reason of each stage, for compact assertions. */
function summary(o: Outcome): Record<string, string> {
  return Object.fromEntries(o.stages.map((s) => [s.id, `${s.status}: ${s.reason}`]));
}

/** The object hash of a stage output, from the pipeline state. */
function outputHash(root: string, stage: string, output: string, item = ''): string {
  const store = new LocalStore(path.join(root, 'cache'));
  const st = loadState(store, stateName(root, path.join(root, 'pipeline.yaml')));
  const h = st.stages[stage]?.items[item]?.outputs[output];
  if (!h) throw new Error(`no output ${stage}.${output} ${item}`);
  return h;
}

function objectPath(root: string, hash: string): string {
  return path.join(root, 'cache', 'objects', hash.slice(0, 2), hash);
}

function output(root: string, stage: string, out: string, item = ''): unknown {
  const h = outputHash(root, stage, out, item);
  return decodeValue(fs.readFileSync(objectPath(root, h), 'utf8'));
}

describe('runPipeline: caching', () => {
  it('runs everything the first time ("never run") and nothing the second time', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  b: { step: parity, inputs: { data: a } }
`);
    const first = await run(root);
    expect(first.ok).toBe(true);
    expect(summary(first)).toEqual({ a: 'ran: never run', b: 'ran: never run' });
    const second = await run(root);
    expect(summary(second)).toEqual({ a: 'cached: up to date', b: 'cached: up to date' });
    expect(second.warnings).toEqual([]);
  });

  it('early cutoff: an upstream rerun that produces identical bytes leaves downstream cached', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  b: { step: parity, inputs: { data: a } }
  c: { step: sum, inputs: { data: b } }
`);
    await run(root);
    const bBefore = outputHash(root, 'b', 'table');
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('value: 1', 'value: 3'));
    const r = await run(root);
    // 3 mod 2 = 1 mod 2: b reruns and writes the same bytes, so c's input hash is unchanged.
    expect(summary(r)).toEqual({ a: 'ran: param `value` changed', b: 'ran: upstream `a` changed', c: 'cached: up to date' });
    expect(outputHash(root, 'b', 'table')).toBe(bBefore);
    expect(output(root, 'c', 'value')).toEqual({ sum: 1, columns: ['x'], rows: 1 });
  });

  it('explains each rerun with the first matching reason, in chain order', async () => {
    const root = project(`
stages:
  u: { step: constant, params: { value: 1 } }
  t: { step: probe, inputs: { up: u, raw: data/raw.txt }, params: { path: data/n.txt, p: 1 } }
`, { 'data/n.txt': '1', 'data/raw.txt': 'r' });
    const reason = async () => (await run(root)).stage('t').reason;
    const yaml = () => fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8');
    // Sizes change on every edit so that the (size, mtime) memo can never hide an edit.
    expect(await reason()).toBe('never run');
    expect(await reason()).toBe('up to date');
    // version + param + file + upstream all change: the version wins
    write(root, 'steps.mjs', plugin('2'));
    write(root, 'pipeline.yaml', yaml().replace('p: 1', 'p: 22').replace('value: 1', 'value: 5'));
    write(root, 'data/n.txt', '22');
    expect(await reason()).toBe('step version changed (1 → 2)');
    // param + file + input file + upstream: the param wins
    write(root, 'pipeline.yaml', yaml().replace('p: 22', 'p: 333').replace('value: 5', 'value: 77'));
    write(root, 'data/n.txt', '333');
    write(root, 'data/raw.txt', 'rr');
    expect(await reason()).toBe('param `p` changed');
    // file param + input file + upstream: the file param wins
    write(root, 'pipeline.yaml', yaml().replace('value: 77', 'value: 999'));
    write(root, 'data/n.txt', '4444');
    write(root, 'data/raw.txt', 'rrr');
    expect(await reason()).toBe('file `data/n.txt` changed');
    // upstream + input file: inputs are checked in declaration order (up, then raw)
    write(root, 'pipeline.yaml', yaml().replace('value: 999', 'value: 1000'));
    write(root, 'data/raw.txt', 'rrrr');
    expect(await reason()).toBe('upstream `u` changed');
    write(root, 'data/raw.txt', 'rrrrr');
    expect(await reason()).toBe('input file `data/raw.txt` changed');
    // nothing changed but the cached result is gone
    fs.rmSync(objectPath(root, outputHash(root, 't', 'out')));
    expect(await reason()).toBe('cache entry missing or damaged');
    expect(output(root, 't', 'out')).toEqual({ n: 4444, p: 333, up: 1000 });
  });

  it('a plugin edit that keeps the version reruns its stages as "plugin source changed"', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
`);
    await run(root);
    fs.appendFileSync(path.join(root, 'steps.mjs'), '\n// edited\n');
    expect((await run(root)).stage('a').reason).toBe('plugin source changed');
  });

  it('a stage that switches to another step reruns as "step changed"', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
`);
    await run(root);
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('step: constant', 'step: tricky'));
    expect((await run(root)).stage('a').reason).toBe('step changed (constant → tricky)');
  });

  it('a corrupt cached object is reported, treated as missing and recomputed', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  b: { step: parity, inputs: { data: a } }
`);
    await run(root);
    const h = outputHash(root, 'a', 'table');
    fs.writeFileSync(objectPath(root, h), '{"kind":"table","columns":[]} damaged');
    const r = await run(root);
    expect(summary(r)).toEqual({ a: 'ran: cache entry missing or damaged', b: 'cached: up to date' });
    expect(r.warnings.some((w) => w.includes(h.slice(0, 12)) && /corrupt/.test(w))).toBe(true);
    expect(fs.readFileSync(objectPath(root, h), 'utf8')).not.toContain('damaged');
    expect(summary(await run(root))).toEqual({ a: 'cached: up to date', b: 'cached: up to date' });
  });

  it('a corrupt object that the verify memo trusts is caught when loaded, and recomputed', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  c: { step: sum, inputs: { data: a }, params: { label: one } }
`);
    await run(root);
    const h = outputHash(root, 'a', 'table');
    const file = objectPath(root, h);
    const fixed = new Date('2020-01-01T00:00:00Z'); // whole seconds: exact through utimes
    fs.utimesSync(file, fixed, fixed);
    await run(root); // a no-op run verifies the cached objects and memoises size:mtime
    // Same size, same mtime: the memo of verified objects cannot see this damage.
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x5d ? 0x7d : 0x5d;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, fixed, fixed);
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('label: one', 'label: two'));
    const r = await run(root);
    expect(r.stage('c').status).toBe('ran');
    expect(summary(r)).toEqual({ a: 'cached: up to date', c: 'ran: param `label` changed' });
    expect(r.warnings.some((w) => w.includes('result of stage `a` is missing or damaged in the cache; recomputing it'))).toBe(true);
    expect(output(root, 'c', 'value')).toEqual({ sum: 1, columns: ['x'], rows: 1 });
    expect(fs.readFileSync(file)).not.toEqual(bytes); // repaired in place
  });

  it('a corrupt run record is reported and treated as missing when the state is lost', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
`);
    await run(root);
    // Without the pipeline state the runner must go through the record.
    fs.rmSync(path.join(root, 'cache', 'state'), { recursive: true });
    const runs = path.join(root, 'cache', 'runs');
    const shard = fs.readdirSync(runs)[0]!;
    const rec = path.join(runs, shard, fs.readdirSync(path.join(runs, shard))[0]!);
    fs.writeFileSync(rec, '{"fingerprint": tru');
    const r = await run(root);
    expect(summary(r)).toEqual({ a: 'ran: never run' });
    expect(r.warnings.some((w) => /record .* corrupt/.test(w))).toBe(true);
  });

  it('without the pipeline state, an intact run record still answers (records are shared)', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
`);
    await run(root);
    fs.rmSync(path.join(root, 'cache', 'state'), { recursive: true });
    expect(summary(await run(root))).toEqual({ a: 'cached: up to date' });
  });

  it('float64 values survive the cache exactly, when a downstream stage loads them from disk', async () => {
    const root = project(`
stages:
  tricky: { step: tricky }
  check: { step: check, inputs: { data: tricky }, params: { label: first } }
`);
    await run(root);
    const stored = output(root, 'tricky', 'out') as { values: number[] };
    const expected = [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0, NaN, Infinity, -Infinity, 2 ** 53 + 2];
    expected.forEach((e, i) => expect(Object.is(stored.values[i], e)).toBe(true));
    // A fresh run: `tricky` is cached, so `check` receives the value decoded from the store.
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('label: first', 'label: second'));
    const r = await run(root);
    expect(summary(r)).toEqual({ tricky: 'cached: up to date', check: 'ran: param `label` changed' });
    expect(output(root, 'check', 'out')).toEqual({ same: expected.map(() => true) });
  });

  it('restores a results/ file written by a cached stage when it was deleted (built-in read-csv, write-csv)', async () => {
    const root = project(`
stages:
  data: { step: read-csv, params: { path: data/x.csv } }
  out: { step: write-csv, inputs: { data: data }, params: { path: results/x.csv } }
`, { 'data/x.csv': 'a,b\n1,x\n2.5,y\n' });
    expect((await run(root)).ok).toBe(true);
    const file = path.join(root, 'results', 'x.csv');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe('a,b\n1,x\n2.5,y\n');
    fs.rmSync(file);
    const r = await run(root);
    expect(summary(r)).toEqual({ data: 'cached: up to date', out: 'cached: up to date' });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(r.warnings).toContain('restored results/x.csv from the cache (it was missing or edited)');
  });

  it('rewrites a results/ file that another configuration wrote without a warning, and warns for a hand edit', async () => {
    const root = project(`
stages:
  data: { step: read-csv, params: { path: data/x.csv } }
  sel: { step: filter, inputs: { data: data }, params: { where: "a > 1" } }
  out: { step: write-csv, inputs: { data: sel }, params: { path: results/x.csv } }
`, { 'data/x.csv': 'a\n1\n2\n3\n' });
    const file = path.join(root, 'results', 'x.csv');
    const switchTo = (from: string, to: string) => write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace(from, to));
    expect((await run(root)).ok).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\n2\n3\n');
    switchTo('a > 1', 'a > 2');
    expect((await run(root)).warnings).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\n3\n');
    // Back to the first configuration: every stage is cached and results/x.csv, which agglo
    // itself rewrote for `a > 2`, is put back from the cache without a word.
    switchTo('a > 2', 'a > 1');
    const back = await run(root);
    expect(summary(back)).toEqual({ data: 'cached: up to date', sel: 'cached: up to date', out: 'cached: up to date' });
    expect(back.warnings).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\n2\n3\n');
    // The same file edited by hand is restored with a warning, also after a dry run hashed it.
    fs.writeFileSync(file, 'a\n2\n3\n4\n');
    expect((await run(root, { dryRun: true })).warnings).toEqual(['results/x.csv is missing or edited: `agglo run` restores it from the cache']);
    expect((await run(root)).warnings).toEqual(['restored results/x.csv from the cache (it was missing or edited)']);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\n2\n3\n');
  });

  it('a dry run explains what would run and changes nothing', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  b: { step: parity, inputs: { data: a } }
`);
    await run(root);
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('value: 1', 'value: 2'));
    const dry = await run(root, { dryRun: true });
    expect(summary(dry)).toEqual({ a: 'would-run: param `value` changed', b: 'would-run: upstream `a` will rerun' });
    expect(summary(await run(root, { dryRun: true }))).toEqual(summary(dry));
    expect(summary(await run(root))).toEqual({ a: 'ran: param `value` changed', b: 'ran: upstream `a` changed' });
  });
});

describe('runPipeline: fan-out', () => {
  it('runs one task per item, aligns a same-dimension consumer and gathers into a plain consumer', async () => {
    const root = project(`
stages:
  items: { step: per-item, foreach: { k: [1, 2, 3] } }
  again: { step: per-item, foreach: { k: [1, 2, 3] }, inputs: { data: items } }
  total: { step: sum, inputs: { data: again } }
`);
    const r = await run(root);
    expect(r.stage('items').items).toEqual({ total: 3, ran: 3, cached: 0, failed: 0 });
    // again(k) = k*10 + items(k).x = k*10 + k*10
    expect(output(root, 'again', 'table', 'k=2')).toEqual({ kind: 'table', columns: [{ name: 'x', values: [40] }] });
    // the gathered table has the item key in front
    expect(output(root, 'total', 'value')).toEqual({ sum: 120, columns: ['k', 'x'], rows: 3 });
  });

  it('a consumer sharing one dimension gathers the producer items that agree on it', async () => {
    const root = project(`
stages:
  items: { step: per-item, foreach: { p: [A, B], k: [1, 2] } }
  byk: { step: sum, foreach: { k: [1, 2] }, inputs: { data: items } }
`);
    expect((await run(root)).ok).toBe(true);
    // byk(k) sums items (A,k) and (B,k): 2 * k*10; the gathered table leads with p, k.
    expect(output(root, 'byk', 'value', 'k=1')).toEqual({ sum: 20, columns: ['p', 'k', 'x'], rows: 2 });
    expect(output(root, 'byk', 'value', 'k=2')).toEqual({ sum: 40, columns: ['p', 'k', 'x'], rows: 2 });
  });

  it('gives the same results with several jobs as with one', async () => {
    const yaml = `
stages:
  items: { step: per-item, foreach: { k: [1, 2, 3, 4, 5, 6] } }
  total: { step: sum, inputs: { data: items } }
`;
    const one = project(yaml);
    const four = project(yaml);
    await run(one, { jobs: 1 });
    expect((await run(four, { jobs: 4 })).stage('items').items).toEqual({ total: 6, ran: 6, cached: 0, failed: 0 });
    expect(outputHash(four, 'total', 'value')).toBe(outputHash(one, 'total', 'value'));
    expect(output(four, 'total', 'value')).toEqual({ sum: 210, columns: ['k', 'x'], rows: 6 });
  });

  it('adding an item runs only the new item', async () => {
    const root = project(`
stages:
  items: { step: per-item, foreach: { k: [1, 2] } }
  total: { step: sum, inputs: { data: items } }
`);
    await run(root);
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('[1, 2]', '[1, 2, 3]'));
    const r = await run(root);
    expect(r.stage('items').items).toEqual({ total: 3, ran: 1, cached: 2, failed: 0 });
    expect(r.stage('items').reason).toBe('1 new item');
    expect(r.stage('total').reason).toBe('upstream `items` changed');
  });

  it('a consumer item without a matching producer item fails, naming the item', async () => {
    const root = project(`
stages:
  items: { step: per-item, foreach: { k: [1, 2] } }
  more: { step: per-item, foreach: { k: [1, 2, 3] }, inputs: { data: items } }
`);
    const r = await run(root, { keepGoing: true });
    const more = r.stage('more');
    expect(more.status).toBe('failed');
    expect(more.errors).toEqual([{ item: 'k=3', reason: 'missing-item', message: 'upstream stage `items` has no item k=3' }]);
    expect(more.items).toEqual({ total: 3, ran: 2, cached: 0, failed: 1 });
  });
});

describe('runPipeline: failures', () => {
  const yaml = `
stages:
  bad: { step: per-item, foreach: { k: [1, 2, 3] } }
  after: { step: sum, inputs: { data: bad } }
  indep: { step: constant, params: { value: 7 } }
  indep2: { step: parity, inputs: { data: indep } }
`;

  it('a failed item names the item and the step message', async () => {
    const root = project(yaml, { 'data/fail-2': '' });
    const bad = (await run(root, { keepGoing: true })).stage('bad');
    expect(bad.status).toBe('failed');
    expect(bad.reason).toBe('item k=2: value 2 is not allowed here');
    expect(bad.errors).toEqual([{ item: 'k=2', reason: 'bad-item', message: 'value 2 is not allowed here' }]);
  });

  it('--keep-going: independent branches run, dependents are skipped, successful items are cached', async () => {
    const root = project(yaml, { 'data/fail-2': '' });
    const r = await run(root, { keepGoing: true });
    expect(r.ok).toBe(false);
    expect(summary(r)).toEqual({
      bad: 'failed: item k=2: value 2 is not allowed here',
      after: 'skipped: upstream `bad` failed',
      indep: 'ran: never run',
      indep2: 'ran: never run',
    });
    expect(r.stage('bad').items).toEqual({ total: 3, ran: 2, cached: 0, failed: 1 });

    // Second run, same problem: only the failed item is tried again.
    const again = await run(root, { keepGoing: true });
    expect(again.stage('bad').items).toEqual({ total: 3, ran: 0, cached: 2, failed: 1 });
    expect(again.stage('indep').status).toBe('cached');

    // The problem fixed: the one item runs, and the dependent finally runs.
    fs.rmSync(path.join(root, 'data', 'fail-2'));
    const fixed = await run(root, { keepGoing: true });
    expect(fixed.ok).toBe(true);
    expect(fixed.stage('bad').items).toEqual({ total: 3, ran: 1, cached: 2, failed: 0 });
    expect(fixed.stage('after').status).toBe('ran');
    expect(output(root, 'after', 'value')).toEqual({ sum: 60, columns: ['k', 'x'], rows: 3 });
  });

  it('without --keep-going, work queued after the failure is skipped', async () => {
    const root = project(`
stages:
  bad: { step: per-item, foreach: { k: [1, 2, 3] } }
  indep: { step: constant, params: { value: 7 } }
`, { 'data/fail-1': '' });
    const r = await run(root, { keepGoing: false, jobs: 1 });
    expect(r.ok).toBe(false);
    const bad = r.stage('bad');
    expect(bad.status).toBe('failed');
    expect(bad.items.failed).toBe(1);
    expect(bad.items.ran).toBe(0);
    expect(r.stage('indep').status).toBe('skipped');
  });

  it('a crash (not a StepError) is an internal error with a stack, and fails only its item', async () => {
    const root = project(`
stages:
  bad: { step: per-item, foreach: { k: [1, 2, 3] }, params: { crash_on: 3 } }
`);
    const bad = (await run(root, { keepGoing: true })).stage('bad');
    expect(bad.items).toEqual({ total: 3, ran: 2, cached: 0, failed: 1 });
    expect(bad.errors).toHaveLength(1);
    const e = bad.errors[0]!;
    expect(e.item).toBe('k=3');
    expect(e.reason).toBe('internal-error');
    expect(e.message).toBe('step `per-item` crashed: kaboom');
    expect(e.stack).toContain('kaboom');
  });
});

describe('runPipeline: targets', () => {
  it('runs only the targets and what they depend on', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  b: { step: parity, inputs: { data: a } }
  c: { step: sum, inputs: { data: b } }
  d: { step: constant, params: { value: 2 } }
`);
    const r = await run(root, { targets: ['b'] });
    expect(summary(r)).toEqual({ a: 'ran: never run', b: 'ran: never run' });
    const all = await run(root);
    expect(summary(all)).toEqual({ a: 'cached: up to date', b: 'cached: up to date', c: 'ran: never run', d: 'ran: never run' });
  });

  it('keeps the state of stages outside the targets', async () => {
    const root = project(`
stages:
  a: { step: constant, params: { value: 1 } }
  d: { step: constant, params: { value: 2 } }
`);
    await run(root);
    await run(root, { targets: ['a'] });
    expect(summary(await run(root))).toEqual({ a: 'cached: up to date', d: 'cached: up to date' });
  });
});

// GitHub issue 9: stage ids are user text; in plain objects `constructor` is found before it
// is stored and `__proto__` cannot be stored at all (the plan, the previous state, the next state).
describe('runPipeline: stage ids named like Object.prototype members', () => {
  const reasons = (o: Outcome) => o.stages.map((s) => [s.id, `${s.status}: ${s.reason}`]);

  it('runs, caches, explains and forgets stages constructor, __proto__, toString, hasOwnProperty', async () => {
    const root = project(`
stages:
  constructor: { step: constant, params: { value: 3 } }
  __proto__: { step: parity, inputs: { data: constructor } }
  toString: { step: sum, inputs: { data: __proto__ } }
  hasOwnProperty: { step: sum, inputs: { data: constructor } }
`);
    const first = await run(root);
    expect(first.ok).toBe(true);
    expect(reasons(first)).toEqual([['constructor', 'ran: never run'], ['__proto__', 'ran: never run'], ['toString', 'ran: never run'], ['hasOwnProperty', 'ran: never run']]);
    // 3 mod 2 = 1.
    expect(output(root, 'toString', 'value')).toEqual({ sum: 1, columns: ['x'], rows: 1 });
    expect(output(root, 'hasOwnProperty', 'value')).toEqual({ sum: 3, columns: ['x'], rows: 1 });
    expect(reasons(await run(root)).map((r) => r[1])).toEqual(Array(4).fill('cached: up to date'));

    // 5 mod 2 = 3 mod 2: `__proto__` reruns with the same bytes, so `toString` stays cached.
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace('value: 3', 'value: 5'));
    expect(reasons(await run(root))).toEqual([
      ['constructor', 'ran: param `value` changed'], ['__proto__', 'ran: upstream `constructor` changed'],
      ['toString', 'cached: up to date'], ['hasOwnProperty', 'ran: upstream `constructor` changed'],
    ]);

    // Removed stages leave the pipeline state.
    write(root, 'pipeline.yaml', fs.readFileSync(path.join(root, 'pipeline.yaml'), 'utf8').replace(/ {2}(__proto__|toString):.*\n/g, ''));
    expect(reasons(await run(root))).toEqual([['constructor', 'cached: up to date'], ['hasOwnProperty', 'cached: up to date']]);
    const state = loadState(new LocalStore(path.join(root, 'cache')), stateName(root, path.join(root, 'pipeline.yaml')));
    expect(Object.keys(state.stages)).toEqual(['constructor', 'hasOwnProperty']);
  });
});
