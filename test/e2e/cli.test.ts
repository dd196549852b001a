/**
 * End-to-end: the compiled CLI on fixture projects in temp folders. Expected statuses and
 * reasons follow from the pipeline (test/fixtures/e2e/study.yaml) by reading it: e.g.
 * changing `vars`' expressions reruns vars, byyear (2 items), summary and export.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, aggloAsync, edit, makeProject, repo, runJson, watchProcess, writeFile } from './support.js';

const fixture = (f: string) => fs.readFileSync(path.join(repo, 'test/fixtures/e2e', f), 'utf8');
const study = () => makeProject({ 'pipelines/paper.yaml': fixture('study.yaml'), 'data/panel.csv': fixture('panel.csv') });
const statuses = (stages: Record<string, { status: string }>) => Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v.status]));

describe('agglo run', () => {
  it('runs everything once, then everything is cached', () => {
    const dir = study();
    const first = runJson(dir, 'run');
    expect(first.code).toBe(0);
    expect(statuses(first.stages)).toEqual({ panel: 'ran', vars: 'ran', byyear: 'ran', summary: 'ran', export: 'ran' });
    expect(first.stages.byyear!.items).toEqual({ total: 2, ran: 2, cached: 0, failed: 0 });
    expect(first.stages.panel!.reason).toBe('never run');
    const second = runJson(dir, 'run');
    expect(statuses(second.stages)).toEqual({ panel: 'cached', vars: 'cached', byyear: 'cached', summary: 'cached', export: 'cached' });
    expect(fs.readFileSync(path.join(dir, 'results/vars.csv'), 'utf8')).toMatch(/^province,year,gdp_raw,rd_spend,gdp,rd\n/);
  });

  it('editing one param reruns that stage and its dependents only, saying which param', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', 'rd_spend / gdp_raw', 'rd_spend / gdp_raw * 100');
    const r = runJson(dir, 'run');
    expect(statuses(r.stages)).toEqual({ panel: 'cached', vars: 'ran', byyear: 'ran', summary: 'ran', export: 'ran' });
    expect(r.stages.vars!.reason).toBe('param `columns` changed');
    expect(r.stages.export!.reason).toBe('upstream `vars` changed');
  });

  it('reordering derive expressions reruns it (later expressions see earlier ones)', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', '        gdp: log(gdp_raw)\n        rd: rd_spend / gdp_raw\n', '        rd: rd_spend / gdp_raw\n        gdp: log(gdp_raw)\n');
    const r = runJson(dir, 'run');
    expect(r.stages.vars!.status).toBe('ran');
    expect(r.stages.vars!.reason).toBe('param `columns` changed');
  });

  it('status explains what would run without running it', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', 'columns: [gdp, rd]', 'columns: [gdp]');
    const s = runJson(dir, 'status');
    expect(statuses(s.stages)).toEqual({ panel: 'cached', vars: 'cached', byyear: 'cached', summary: 'would-run', export: 'cached' });
    expect(s.stages.summary!.reason).toBe('param `columns` changed');
    // Nothing ran: the same status again.
    expect(statuses(runJson(dir, 'status').stages).summary).toBe('would-run');
  });

  it('editing an input file reruns its readers, and unchanged results stop the cascade (early cutoff)', () => {
    const dir = study();
    runJson(dir, 'run');
    // A row for 2013 changes panel and vars, but the 2011/2012 filters give identical tables.
    fs.appendFileSync(path.join(dir, 'data/panel.csv'), 'C,2013,70,1\n');
    const r = runJson(dir, 'run');
    expect(r.stages.panel!.status).toBe('ran');
    expect(r.stages.panel!.reason).toBe('file `data/panel.csv` changed');
    expect(r.stages.vars!.status).toBe('ran');
    expect(r.stages.byyear!.items).toEqual({ total: 2, ran: 2, cached: 0, failed: 0 });
    expect(r.stages.summary!.status).toBe('cached');
  });

  it('adding a year to a foreach computes only the new item', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', '2011..2012', '2011..2013');
    const r = runJson(dir, 'run');
    expect(r.stages.byyear!.items).toEqual({ total: 3, ran: 1, cached: 2, failed: 0 });
    expect(r.stages.byyear!.reason).toBe('1 new item');
    expect(r.stages.vars!.status).toBe('cached');
    expect(r.stages.summary!.status).toBe('ran');
  });

  it('detects a corrupted cache entry, warns and recomputes it; a deleted results file is restored', () => {
    const dir = study();
    runJson(dir, 'run');
    const objects = path.join(dir, 'cache/objects');
    for (const shard of fs.readdirSync(objects)) for (const f of fs.readdirSync(path.join(objects, shard))) fs.writeFileSync(path.join(objects, shard, f), 'garbage');
    fs.rmSync(path.join(dir, 'results/vars.csv'));
    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/corrupt/);
    expect(statuses(r.stages)).toEqual({ panel: 'ran', vars: 'ran', byyear: 'ran', summary: 'ran', export: 'ran' });
    expect(r.stages.panel!.reason).toBe('cache entry missing or damaged');
    expect(fs.existsSync(path.join(dir, 'results/vars.csv'))).toBe(true);
    expect(statuses(runJson(dir, 'run').stages).summary).toBe('cached');
    fs.rmSync(path.join(dir, 'results/vars.csv'));
    const again = runJson(dir, 'run');
    expect(again.stages.export!.status).toBe('cached');
    expect(again.stderr).toMatch(/restored results\/vars.csv/);
    expect(fs.readFileSync(path.join(dir, 'results/vars.csv'), 'utf8')).toMatch(/^province,year/);
  });

  it('a failing stage exits 1 with its message; --keep-going still runs independent stages', () => {
    const dir = study();
    // A failure only the data show (a misspelt column is an error before running, exit 2).
    edit(dir, 'pipelines/paper.yaml', 'log(gdp_raw)', 'log(gdp_raw) + province');
    const r = agglo(dir, 'run', '--jobs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: stage `vars`: .*failed at row 1: Cannot convert "A" to a number/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const k = runJson(dir, 'run', '--keep-going');
    expect(statuses(k.stages)).toEqual({ panel: 'cached', vars: 'failed', byyear: 'skipped', summary: 'skipped', export: 'skipped' });
    expect(k.stages.byyear!.reason).toBe('upstream `vars` failed');
  });

  it('a failed item is named, and the items that succeeded stay cached', () => {
    const dir = makeProject({
      'pipelines/paper.yaml': 'stages:\n  y:\n    step: read-csv\n    foreach: { year: [2011, 2012] }\n    params: { path: "data/y${item.year}.csv" }\n',
      'data/y2011.csv': 'x\n1\n',
    });
    const r = runJson(dir, 'run', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stages.y!.status).toBe('failed');
    expect(r.stages.y!.reason).toMatch(/^item year=2012: .*data\/y2012.csv/);
    expect(r.stages.y!.items).toEqual({ total: 2, ran: 1, cached: 0, failed: 1 });
    writeFile(dir, 'data/y2012.csv', 'x\n2\n');
    expect(runJson(dir, 'run').stages.y!.items).toEqual({ total: 2, ran: 1, cached: 1, failed: 0 });
  });

  it('invalid pipelines exit 2 with file:line:col diagnostics and no stack trace', () => {
    const dir = study();
    edit(dir, 'pipelines/paper.yaml', 'step: derive', 'step: derivee');
    const r = agglo(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pipelines/paper.yaml:8:11 error unknown-step');
    expect(r.stderr).toContain('did you mean `derive`?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(agglo(dir, 'frobnicate').code).toBe(2);
    expect(agglo(dir, 'run', 'pipelines/none.yaml').stderr).toMatch(/does not exist/);
  });

  it('show prints a cached result as a table, CSV or JSON, for one item or all', () => {
    const dir = study();
    runJson(dir, 'run');
    const one = agglo(dir, 'show', 'byyear', '--item', 'year=2012', '--csv');
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(3); // header + 2 provinces
    const all = JSON.parse(agglo(dir, 'show', 'byyear', '--json').stdout) as unknown[];
    expect(all).toHaveLength(4);
    expect(agglo(dir, 'show', 'summary').stdout).toMatch(/variable\s+n\s+mean/);
    expect(agglo(dir, 'show', 'sumary').stderr).toContain('did you mean `summary`?');
  });

  it('float64 values round-trip exactly through the cache', () => {
    const dir = makeProject({
      'pipelines/paper.yaml': 'stages:\n  t: { step: read-csv, params: { path: data/x.csv } }\n',
      'data/x.csv': 'x\n0.30000000000000004\n5e-324\n1.7976931348623157e+308\n-0.1\n',
    });
    runJson(dir, 'run');
    const rows = JSON.parse(agglo(dir, 'show', 't', '--json').stdout) as { x: number }[];
    expect(rows.map((r) => r.x)).toEqual([0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0.1]);
  });

  it('dag marks stale stages; steps lists steps and describes one', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', 'columns: [gdp, rd]', 'columns: [rd]');
    const m = agglo(dir, 'dag');
    expect(m.stdout).toContain('vars --> byyear');
    expect(m.stdout).toContain('class summary stale;');
    expect(agglo(dir, 'dag', '--format', 'dot').stdout).toContain('"panel" -> "vars";');
    expect(agglo(dir, 'steps').stdout).toMatch(/^derive\s+/m);
    expect(agglo(dir, 'steps', 'read-csv').stdout).toMatch(/path \(file path, required\)/);
  });

  it('the example plugin runs, and editing its source reruns its stage', () => {
    const dir = study();
    writeFile(dir, 'plugins/winsorize.mjs', fs.readFileSync(path.join(repo, 'examples/plugins/winsorize.mjs'), 'utf8'));
    // It imports agglo/plugin: install agglo in the project as `npm install PATH` does (docs/plugins.md).
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    fs.symlinkSync(repo, path.join(dir, 'node_modules', 'agglo'), 'dir');
    writeFile(dir, 'pipelines/plug.yaml', 'plugins: [plugins/winsorize.mjs]\nstages:\n  panel: { step: read-csv, params: { path: data/panel.csv } }\n  w: { step: winsorize, inputs: { data: panel }, params: { columns: [gdp_raw], p: 0.2 } }\n');
    const r = runJson(dir, 'run', 'pipelines/plug.yaml');
    expect(r.stages.w!.status).toBe('ran');
    const rows = JSON.parse(agglo(dir, 'show', 'w', '-p', 'pipelines/plug.yaml', '--json').stdout) as { gdp_raw: number }[];
    // type-7 quantiles of (50,60,65,100,110,120) at 0.2 and 0.8: 60 and 110 (hand calculation)
    expect(Math.min(...rows.map((x) => x.gdp_raw))).toBe(60);
    expect(Math.max(...rows.map((x) => x.gdp_raw))).toBe(110);
    expect(agglo(dir, 'steps', 'winsorize', '-p', 'pipelines/plug.yaml').stdout).toMatch(/^winsorize \(version 1\.0\.0\)[\s\S]*p \(number, default 0\.05\)/);
    edit(dir, 'plugins/winsorize.mjs', "version: '1.0.0'", "version: '1.0.1'");
    const again = runJson(dir, 'run', 'pipelines/plug.yaml');
    expect(again.stages.w!.reason).toBe('step version changed (1.0.0 → 1.0.1)');
  });

  it('two concurrent runs of the same project do not corrupt the cache', async () => {
    const dir = study();
    const [a, b] = await Promise.all([aggloAsync(dir, 'run'), aggloAsync(dir, 'run')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const r = runJson(dir, 'run');
    expect(Object.values(r.stages).every((s) => s.status === 'cached')).toBe(true);
    expect(r.stderr).not.toMatch(/corrupt/);
  });

  it('gc removes entries no current pipeline references and keeps the rest', () => {
    const dir = study();
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', 'rd_spend / gdp_raw', 'rd_spend / gdp_raw / 2');
    runJson(dir, 'run');
    // a temp file left by a writer that died (pid 999999999 does not exist)
    writeFile(dir, 'cache/objects/ab/abcd.tmp-999999999-0badc0de', 'half');
    const g = agglo(dir, 'gc');
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/removed [1-9]\d* run records .* and 1 temp files left by interrupted runs/);
    expect(fs.existsSync(path.join(dir, 'cache/objects/ab/abcd.tmp-999999999-0badc0de'))).toBe(false);
    expect(Object.values(runJson(dir, 'run').stages).every((s) => s.status === 'cached')).toBe(true);
  });
});

describe('agglo watch', () => {
  it('reruns on a save with the reason, prints diagnostics for an invalid save and keeps watching', async () => {
    const dir = study();
    const { waitFor, stop } = watchProcess(dir);
    try {
      let at = await waitFor(/watching for changes/, 0);
      edit(dir, 'pipelines/paper.yaml', 'rd_spend / gdp_raw', 'rd_spend / gdp_raw * 10');
      at = await waitFor(/vars \(derive\).*param `columns` changed[\s\S]*watching for changes/, at);
      edit(dir, 'pipelines/paper.yaml', 'step: derive', 'step: derivee');
      at = await waitFor(/error unknown-step[\s\S]*pipeline is invalid/, at);
      edit(dir, 'pipelines/paper.yaml', 'step: derivee', 'step: derive');
      await waitFor(/0 ran, 5 cached/, at);
    } finally {
      stop();
    }
  });

  it('watches the files that items name through ${item} params', async () => {
    const dir = makeProject({
      'pipelines/paper.yaml': 'stages:\n  y:\n    step: read-csv\n    foreach: { year: [2011, 2012] }\n    params: { path: "data/y${item.year}.csv" }\n',
      'data/y2011.csv': 'x\n1\n',
      'data/y2012.csv': 'x\n2\n',
    });
    const { waitFor, stop } = watchProcess(dir);
    try {
      const at = await waitFor(/watching for changes/, 0);
      writeFile(dir, 'data/y2012.csv', 'x\n3\n');
      await waitFor(/data\/y2012.csv changed[\s\S]*2 items: 1 ran, 1 cached/, at);
    } finally {
      stop();
    }
  });
});

