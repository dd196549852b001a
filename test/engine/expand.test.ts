import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandStageItems, type ExpandEnv } from '../../engine/expand.js';
import type { ForeachSource } from '../../engine/pipeline.js';
import type { PlannedStage } from '../../engine/plan.js';
import { defineStep } from '../../engine/step.js';
import type { Value } from '../../engine/value.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-expand-'));
  fs.mkdirSync(path.join(root, 'data'));
  // Provinces in first-seen order C, A, B with repeats and one missing cell.
  fs.writeFileSync(path.join(root, 'data', 'panel.csv'), 'province,year\nC,2011\nA,2011\nC,2012\n,2012\nB,2011\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const def = defineStep({ name: 'noop', version: '1', description: '', params: {}, inputs: {}, outputs: { out: '' }, run: () => ({ out: null }) });

function planned(foreach?: Record<string, ForeachSource>): PlannedStage {
  return {
    spec: { id: 'st', step: 'noop', params: {}, inputs: {}, ...(foreach ? { foreach } : {}), range: { file: 'p.yaml', line: 1, col: 1, endLine: 1, endCol: 1 } },
    step: { def, source: 'builtin', sourceHash: '' },
    deps: [],
    observed: [],
    dims: Object.keys(foreach ?? {}),
  };
}

function env(upstream: Record<string, Value> = {}, unknown: string[] = []): ExpandEnv & { loads: string[] } {
  const loads: string[] = [];
  return {
    root,
    loads,
    loadUpstream: async (stage, output) => {
      loads.push(`${stage}:${output ?? ''}`);
      return upstream[stage]!;
    },
    upstreamKnown: (stage) => !unknown.includes(stage),
  };
}

describe('expandStageItems', () => {
  it('a stage without foreach has no items (one task)', async () => {
    expect(await expandStageItems(planned(), env())).toEqual({ items: [] });
  });

  it('literal values, cartesian product in declaration order', async () => {
    const r = await expandStageItems(planned({ p: { kind: 'values', values: ['A', 'B'] }, y: { kind: 'values', values: [1, 2] } }), env());
    expect(r).toEqual({ items: [{ p: 'A', y: 1 }, { p: 'A', y: 2 }, { p: 'B', y: 1 }, { p: 'B', y: 2 }] });
  });

  it('the distinct values of a CSV column, first-seen order, missing cells dropped', async () => {
    const r = await expandStageItems(planned({ province: { kind: 'file', path: 'data/panel.csv', column: 'province' } }), env());
    expect(r).toEqual({ items: [{ province: 'C' }, { province: 'A' }, { province: 'B' }] });
    const y = await expandStageItems(planned({ year: { kind: 'file', path: 'data/panel.csv', column: 'year' } }), env());
    expect(y).toEqual({ items: [{ year: 2011 }, { year: 2012 }] });
  });

  it('a CSV file read again after it changed gives the new values (the memo follows size, mtime and ctime)', async () => {
    const file = path.join(root, 'data', 'changing.csv');
    const stage = planned({ k: { kind: 'file', path: 'data/changing.csv', column: 'k' } });
    fs.writeFileSync(file, 'k\nA\nB\n');
    const t = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, t, t);
    expect(await expandStageItems(stage, env())).toEqual({ items: [{ k: 'A' }, { k: 'B' }] });
    // Same size and the same mtime put back: only the ctime tells the file changed (file
    // times tick in steps of a few ms, hence the pause).
    await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(file, 'k\nC\nD\n');
    fs.utimesSync(file, t, t);
    expect(await expandStageItems(stage, env())).toEqual({ items: [{ k: 'C' }, { k: 'D' }] });
    fs.rmSync(file);
    const gone = await expandStageItems(stage, env());
    expect('error' in gone && gone.error).toMatch(/^foreach `k`: cannot read data\/changing\.csv: no such file/);
  });

  it('a missing CSV column is an error naming the dimension, the file and the column', async () => {
    const r = await expandStageItems(planned({ sector: { kind: 'file', path: 'data/panel.csv', column: 'sector' } }), env());
    expect('error' in r && r.error).toMatch(/^foreach `sector`: /);
    expect('error' in r && r.error).toContain('data/panel.csv');
    expect('error' in r && r.error).toContain('sector');
  });

  it('a missing CSV file is an error, not an exception', async () => {
    const r = await expandStageItems(planned({ p: { kind: 'file', path: 'data/none.csv', column: 'p' } }), env());
    expect('error' in r && r.error).toMatch(/^foreach `p`: .*data\/none\.csv/);
  });

  it('the distinct values of an upstream table column', async () => {
    const up: Value = { kind: 'table', columns: [{ name: 'code', values: ['x', 'y', 'x', null] }] };
    const e = env({ codes: up });
    const r = await expandStageItems(planned({ code: { kind: 'stage', stage: 'codes', output: 'table', column: 'code' } }), e);
    expect(r).toEqual({ items: [{ code: 'x' }, { code: 'y' }] });
    expect(e.loads).toEqual(['codes:table']);
  });

  it('items from an upstream that would rerun (dry run) are unknown, without loading it', async () => {
    const e = env({}, ['codes']);
    const r = await expandStageItems(planned({ code: { kind: 'stage', stage: 'codes', column: 'code' } }), e);
    expect(r).toEqual({ error: 'items are known once `codes` has run', unknown: true });
    expect(e.loads).toEqual([]);
  });

  it('an upstream result that is not a table is an error', async () => {
    const r = await expandStageItems(planned({ code: { kind: 'stage', stage: 'codes', column: 'code' } }), env({ codes: { a: 1 } }));
    expect(r).toEqual({ error: 'foreach `code` takes values from `codes`, whose result is not a table' });
  });

  it('more items than the per-stage limit is an error before the items are made', async () => {
    // Values from an upstream table are known only at run time: 1,001 × 1,000 > 1,000,000.
    const up: Value = { kind: 'table', columns: [{ name: 'code', values: Array.from({ length: 1001 }, (_, i) => `c${i}`) }] };
    const r = await expandStageItems(planned({ code: { kind: 'stage', stage: 'codes', column: 'code' }, n: { kind: 'values', values: Array.from({ length: 1000 }, (_, i) => i) } }), env({ codes: up }));
    expect(r).toEqual({ error: 'foreach makes 1,001,000 items (`code` 1,001 × `n` 1,000), more than the limit of 1,000,000 items per stage' });
  });

  it('a dimension with no values is an error (the stage would have no items)', async () => {
    const up: Value = { kind: 'table', columns: [{ name: 'code', values: [null, null] }] };
    const r = await expandStageItems(planned({ code: { kind: 'stage', stage: 'codes', column: 'code' } }), env({ codes: up }));
    expect(r).toEqual({ error: 'foreach `code` has no values: the stage would have no items' });
  });
});
