/**
 * End-to-end: read-xlsx through the compiled CLI on a temp project holding a real workbook
 * (the Beijing 2012 input-output table). A broken workbook or a wrong sheet fails its stage
 * with exit code 1 and a located message, never a stack trace, and the other stages'
 * cached results stay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, edit, makeProject, repo, runJson } from './support.js';

const pipeline = `stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  io:
    step: read-xlsx
    params: { path: data/io.xlsx, sheet: Sheet1, range: "D5:BI54" }
  output: { step: select, inputs: { data: io }, params: { columns: [GO] } }
`;

function project(): string {
  const dir = makeProject({ 'pipelines/paper.yaml': pipeline, 'data/panel.csv': 'province,gdp\nBEJ,17879.4\n' });
  fs.copyFileSync(path.join(repo, 'data/raw/io_provincial_2012_2017/original_2012_xlsx/BEJ_2012.xlsx'), path.join(dir, 'data/io.xlsx'));
  return dir;
}

const statuses = (stages: Record<string, { status: string }>) => Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v.status]));

describe('read-xlsx through the CLI', () => {
  it('reads a workbook range, caches it, and reruns it when the workbook changes', () => {
    const dir = project();
    const first = runJson(dir, 'run');
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.stages)).toEqual({ panel: 'ran', io: 'ran', output: 'ran' });
    const shown = agglo(dir, 'show', 'output', '--csv');
    expect(shown.stdout.split('\n').slice(0, 3)).toEqual(['GO', '3957500', '9718938']); // BI6, BI7
    expect(statuses(runJson(dir, 'run').stages)).toEqual({ panel: 'cached', io: 'cached', output: 'cached' });
    fs.copyFileSync(path.join(repo, 'data/raw/io_provincial_2012_2017/original_2012_xlsx/TAJ_2012.xlsx'), path.join(dir, 'data/io.xlsx'));
    const st = runJson(dir, 'status');
    expect(st.stages.io!.status).toBe('would-run');
    expect(st.stages.io!.reason).toMatch(/data\/io\.xlsx/);
  });

  it('a file that is not a workbook fails its stage with exit 1, no stack trace, and the other stages stay cached', () => {
    const dir = project();
    expect(runJson(dir, 'run').code).toBe(0);
    fs.writeFileSync(path.join(dir, 'data/io.xlsx'), 'province,gdp\nBEJ,1\n');
    const r = agglo(dir, 'run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stage `io`: data\/io\.xlsx is not an \.xlsx workbook \(an \.xlsx file is a zip archive/);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    const k = runJson(dir, 'run', '--keep-going');
    expect(statuses(k.stages)).toEqual({ panel: 'cached', io: 'failed', output: 'skipped' });
    expect(JSON.parse(agglo(dir, 'show', 'panel', '--json').stdout)).toEqual([{ province: 'BEJ', gdp: 17879.4 }]);
  });

  it('a missing sheet names the sheets there are; a bad cell names it', () => {
    const dir = project();
    expect(runJson(dir, 'run').code).toBe(0);
    edit(dir, 'pipelines/paper.yaml', 'sheet: Sheet1', 'sheet: sheet1');
    const r = agglo(dir, 'run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\/io\.xlsx has no sheet `sheet1`; did you mean `Sheet1`\?; its sheets are: 1\. `Sheet1`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    edit(dir, 'pipelines/paper.yaml', 'sheet: sheet1, range: "D5:BI54"', 'sheet: Sheet1, range: "C5:BI54"');
    const c = agglo(dir, 'run');
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/data\/io\.xlsx: Sheet1!C48 holds the text "TII" in column `-`/);
  });

  it('a range that is not A1 notation is a validation error pointing at the YAML', () => {
    const dir = project();
    edit(dir, 'pipelines/paper.yaml', '"D5:BI54"', '"D5-BI54"');
    const r = agglo(dir, 'validate');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/pipelines\/paper\.yaml:5:\d+ error bad-value: param `range` of stage `io` is `D5-BI54`/);
  });
});
