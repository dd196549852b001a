/**
 * Worker threads for `heavy` steps. Workers load the compiled engine/worker.js, so this test
 * imports the compiled dist/engine/*.js (`npm test` builds first; run `npm run build` before
 * running this file alone).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dist = (name: string) => new URL(`../../dist/engine/${name}.js`, import.meta.url).href;

// The compiled modules have no type declarations: they are typed `any` here.
let poolMod: any;
let executorMod: any;
let loadMod: any;
let runMod: any;
let storeMod: any;
let root: string;
let pluginPath: string;

const PLUGIN = `
import { isMainThread, threadId } from 'node:worker_threads';
const obj = (properties) => ({ type: 'object', properties });

export const where = {
  name: 'where', version: '1', description: 'reports the thread it ran on', heavy: true,
  params: obj({}), inputs: {}, outputs: { out: 'json' },
  run: (ctx) => ({ out: { isMainThread, threadId, item: ctx.item ?? null } }),
};

export const whereLight = { ...where, name: 'where-light', heavy: false };

export const crash = {
  name: 'crash', version: '1', description: 'throws outside run(): an uncaught exception kills the worker', heavy: true,
  params: obj({}), inputs: {}, outputs: { out: 'json' },
  run: () => new Promise(() => { setTimeout(() => { throw new Error('worker boom'); }, 0); }),
};

export const exits = {
  name: 'exits', version: '1', description: 'ends its worker thread with process.exit', heavy: true,
  params: obj({}), inputs: {}, outputs: { out: 'json' },
  run: () => { process.exit(3); },
};

export const maybeCrash = {
  name: 'maybe-crash', version: '1', description: 'kills its worker for item k=2', heavy: true,
  params: obj({}), inputs: {}, outputs: { out: 'json' },
  run: (ctx) => ctx.item.k === 2
    ? new Promise(() => { setTimeout(() => { throw new Error('item 2 boom'); }, 0); })
    : { out: { k: ctx.item.k, isMainThread } },
};
`;

beforeAll(async () => {
  [poolMod, executorMod, loadMod, runMod, storeMod] = await Promise.all(
    ['worker-pool', 'executor', 'load', 'run', 'store'].map((m) => import(dist(m))),
  );
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-workers-'));
  pluginPath = path.join(root, 'heavy.mjs');
  fs.writeFileSync(pluginPath, PLUGIN);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function req(step: string, item?: Record<string, number>) {
  return { stage: 's', item, step, source: pluginPath, params: {}, inputs: {}, root, heavy: true };
}

/** Resolves to 'timeout' instead of hanging the test file when a task is lost. */
function within(p: Promise<any>, ms = 4000): Promise<any> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

describe('WorkerPool (compiled)', () => {
  it('is available from the compiled module', () => {
    expect(poolMod.workersAvailable()).toBe(true);
  });

  it('runs a plugin step in a worker thread, not the main thread', async () => {
    const pool = new poolMod.WorkerPool(1);
    try {
      const out = await within(pool.run(req('where', { k: 1 })));
      expect(out).toMatchObject({ ok: true, outputs: { out: { isMainThread: false, item: { k: 1 } } } });
      expect(out.outputs.out.threadId).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('spreads concurrent tasks over its workers', async () => {
    const pool = new poolMod.WorkerPool(2);
    try {
      const outs = await within(Promise.all([1, 2, 3, 4].map((k) => pool.run(req('where', { k })))));
      expect(outs).not.toBe('timeout');
      expect(outs.every((o: any) => o.ok && o.outputs.out.isMainThread === false)).toBe(true);
      expect(new Set(outs.map((o: any) => o.outputs.out.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('a crashing worker fails only its task, and the pool keeps working', async () => {
    const pool = new poolMod.WorkerPool(2);
    try {
      const [bad, good] = await within(Promise.all([pool.run(req('crash')), pool.run(req('where'))]));
      expect(bad).toMatchObject({ ok: false, reason: 'internal-error', internal: true });
      expect(bad.message).toBe('worker crashed: worker boom');
      expect(good).toMatchObject({ ok: true, outputs: { out: { isMainThread: false } } });
      // The crashed worker was replaced: two more tasks at once both finish.
      const after = await within(Promise.all([pool.run(req('where')), pool.run(req('where'))]));
      expect(after).not.toBe('timeout');
      expect(after.every((o: any) => o.ok)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a task queued behind a crashing task still runs', async () => {
    // One worker: `where` waits in the queue while `crash` kills the worker. It must run on
    // the replacement worker, not be handed to the dead one and lost.
    const pool = new poolMod.WorkerPool(1);
    try {
      const bad = pool.run(req('crash'));
      const queued = pool.run(req('where'));
      expect(await within(bad, 2000)).toMatchObject({ ok: false, reason: 'internal-error' });
      expect(await within(queued, 2000)).toMatchObject({ ok: true, outputs: { out: { isMainThread: false } } });
    } finally {
      await pool.close();
    }
  });

  it('a worker that exits (process.exit in a step) fails its task instead of hanging', async () => {
    const pool = new poolMod.WorkerPool(1);
    try {
      const out = await within(pool.run(req('exits')), 2000);
      expect(out).toMatchObject({ ok: false, reason: 'internal-error' });
    } finally {
      await pool.close();
    }
  });
});

/** A compiled StepRegistry holding the plugin's steps. */
async function pluginRegistry(): Promise<any> {
  const reg = new (await import(dist('registry'))).StepRegistry();
  const plugins = await import(dist('plugins'));
  for (const d of await plugins.loadStepModule(pluginPath)) reg.add(d, pluginPath, 'x');
  return reg;
}

describe('LocalExecutor with workers (compiled)', () => {
  it('runs heavy steps in a worker and light steps inline', async () => {
    const reg = await pluginRegistry();
    const ex = new executorMod.LocalExecutor(reg, 2);
    try {
      const heavy = await within(ex.execute(req('where')));
      const light = await within(ex.execute({ ...req('where-light'), heavy: false }));
      expect(heavy).toMatchObject({ ok: true, outputs: { out: { isMainThread: false } } });
      expect(light).toMatchObject({ ok: true, outputs: { out: { isMainThread: true } } });
    } finally {
      await ex.close();
    }
  });

  it('with one job there is no pool: heavy steps run inline', async () => {
    const ex = new executorMod.LocalExecutor(await pluginRegistry(), 1);
    try {
      expect(await ex.execute(req('where'))).toMatchObject({ ok: true, outputs: { out: { isMainThread: true } } });
    } finally {
      await ex.close();
    }
  });
});

describe('runPipeline with workers (compiled)', () => {
  it('a heavy fan-out runs off the main thread; a worker crash fails only its item', async () => {
    const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-workers-run-'));
    try {
      fs.copyFileSync(pluginPath, path.join(proj, 'heavy.mjs'));
      fs.writeFileSync(path.join(proj, 'pipeline.yaml'), 'plugins: [./heavy.mjs]\nstages:\n  fan: { step: maybe-crash, foreach: { k: [1, 2, 3, 4] } }\n');
      const loaded = await loadMod.loadPipeline('pipeline.yaml', proj);
      expect(loaded.diagnostics).toEqual([]);
      const store = new storeMod.LocalStore(path.join(proj, 'cache'));
      const executor = new executorMod.LocalExecutor(loaded.registry, 2);
      let report: any;
      try {
        report = await within(runMod.runPipeline({ plan: loaded.plan, store, executor, root: proj }, { jobs: 2, keepGoing: true, dryRun: false }), 10_000);
      } finally {
        await executor.close();
      }
      expect(report).not.toBe('timeout');
      const fan = report.stages[0];
      expect(fan.items).toEqual({ total: 4, ran: 3, cached: 0, failed: 1 });
      expect(fan.errors).toHaveLength(1);
      expect(fan.errors[0]).toMatchObject({ item: 'k=2', reason: 'internal-error', message: 'worker crashed: item 2 boom' });
      const { stateName } = await import('../../engine/state.js');
      const state = store.readState(stateName(proj, path.join(proj, 'pipeline.yaml')));
      const h = state.stages.fan.items['k=3'].outputs.out;
      expect(JSON.parse(Buffer.from(store.getObject(h)).toString())).toEqual({ k: 3, isMainThread: false });
    } finally {
      fs.rmSync(proj, { recursive: true, force: true });
    }
  });
});
