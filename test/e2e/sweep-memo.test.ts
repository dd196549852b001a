/**
 * The sweep's memo of its checked variants (engine/sweep-memo.ts): a rerun with nothing
 * changed takes the variants from the memo (it is not rewritten), and every change the
 * check depends on — a data file's header, a data file removed, the base pipeline, the
 * sweep file, a damaged memo — makes the sweep check its variants again, with the same
 * file:line:col diagnostics as without a memo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { agglo, edit, makeProject, writeFile } from './support.js';
import { mulberry32, STACK_FRAME } from './seeded.js';

/** 5 regions × 6 years with noise from a fixed seed (numbers are compared, not asserted). */
function panelCsv(header = 'region,year,gdp,rd,emp'): string {
  const rand = mulberry32(5);
  const lines = [header];
  for (const r of ['A', 'B', 'C', 'D', 'E']) {
    for (let y = 2011; y <= 2016; y++) lines.push(`${r},${y},${(100 + 50 * rand()).toFixed(3)},${(1 + 5 * rand()).toFixed(3)},${(20 + 10 * rand()).toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

const STUDY = `stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  fit:
    step: panel-regression
    inputs: { data: panel }
    params: { y: emp, x: [gdp, rd], entity: region, time: year, model: within }
`;

/** 2 × 2 = 4 variants, regression params only. */
const SWEEP = `sweep: ../study.yaml
dimensions:
  estimator:
    within: {}
    pooled: { stages: { fit: { params: { model: pooled } } } }
  vcov:
    classical: {}
    cluster: { stages: { fit: { params: { vcov: cluster } } } }
collect:
  - { stage: fit, terms: [gdp, rd] }
`;

const SWEEP_FILE = 'pipelines/sweeps/memo.yaml';
const SPECS = 'results/memo/specifications.csv';

describe('the sweep memo of checked variants', () => {
  let dir: string;
  /** The memo's state file (one per sweep file), beside it the memo of its models (…-models.json). */
  const memoFiles = () => fs.readdirSync(path.join(dir, 'cache/state')).filter((f) => f.startsWith('sweep-') && !f.endsWith('-models.json'));
  const modelsPath = () => memoPath().replace(/\.json$/, '-models.json');
  const memoPath = () => path.join(dir, 'cache/state', memoFiles()[0]!);
  /** Dates the memo back, so that a rewrite shows as a newer modification time. */
  const ageMemo = () => fs.utimesSync(memoPath(), new Date(2020, 0, 1), new Date(2020, 0, 1));
  const memoRewritten = () => fs.statSync(memoPath()).mtime.getFullYear() > 2020;

  beforeAll(() => {
    dir = makeProject({ 'data/panel.csv': panelCsv(), 'pipelines/study.yaml': STUDY, [SWEEP_FILE]: SWEEP });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the first sweep writes the memo; a rerun with nothing changed uses it and gives the same table', () => {
    const first = agglo(dir, 'sweep', SWEEP_FILE);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(memoFiles()).toHaveLength(1);
    const specs = fs.readFileSync(path.join(dir, SPECS), 'utf8');
    // 4 variants × 2 terms.
    expect(specs.trim().split('\n')).toHaveLength(1 + 8);
    ageMemo();
    const again = agglo(dir, 'sweep', SWEEP_FILE);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${SWEEP_FILE}: 4 variants, 4 ok; 0 stages ran, 8 cached`);
    expect(memoRewritten()).toBe(false);
    expect(fs.readFileSync(path.join(dir, SPECS), 'utf8')).toBe(specs);
  });

  test('a data file whose header lost a column: checked again, the column error points into the pipeline', () => {
    ageMemo();
    writeFile(dir, 'data/panel.csv', panelCsv('region,year,gdp,research,emp'));
    const r = agglo(dir, 'sweep', SWEEP_FILE);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).toMatch(/pipelines\/study\.yaml:\d+:\d+/);
    expect(r.stderr).toContain('`rd`');
    // A sweep with invalid variants is not memoised: the old memo stays as it was.
    expect(memoRewritten()).toBe(false);
    writeFile(dir, 'data/panel.csv', panelCsv());
    const ok = agglo(dir, 'sweep', SWEEP_FILE);
    expect(ok.code, ok.stderr).toBe(0);
    expect(memoRewritten()).toBe(true);
  });

  test('a data file removed: checked again, reported as missing', () => {
    fs.renameSync(path.join(dir, 'data/panel.csv'), path.join(dir, 'data/panel.bak'));
    try {
      const r = agglo(dir, 'sweep', SWEEP_FILE);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/pipelines\/study\.yaml:\d+:\d+/);
      expect(r.stderr).toContain('data/panel.csv');
      expect(r.stderr).toContain('does not exist');
    } finally {
      fs.renameSync(path.join(dir, 'data/panel.bak'), path.join(dir, 'data/panel.csv'));
    }
  });

  test('the base pipeline edited: checked again (a collected term no longer a regressor)', () => {
    edit(dir, 'pipelines/study.yaml', 'x: [gdp, rd]', 'x: [gdp]');
    try {
      const r = agglo(dir, 'sweep', SWEEP_FILE);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/pipelines\/sweeps\/memo\.yaml:\d+:\d+/);
      expect(r.stderr).toContain('`rd` is not a regressor of stage `fit`');
    } finally {
      edit(dir, 'pipelines/study.yaml', 'x: [gdp]', 'x: [gdp, rd]');
    }
  });

  test('the sweep file edited: checked again (a choice with a bad value is reported where it is written)', () => {
    edit(dir, SWEEP_FILE, '    cluster: { stages: { fit: { params: { vcov: cluster } } } }\n', '    cluster: { stages: { fit: { params: { vcov: clustered } } } }\n');
    try {
      const r = agglo(dir, 'sweep', SWEEP_FILE);
      expect(r.code).toBe(2);
      // Line 8 is the `cluster` choice; column 49 its value.
      expect(r.stderr).toContain(`${SWEEP_FILE}:8:49 error bad-value`);
      expect(r.stderr).toContain('clustered');
    } finally {
      edit(dir, SWEEP_FILE, 'vcov: clustered', 'vcov: cluster');
    }
  });

  test('a damaged memo is ignored and rewritten', () => {
    const ok0 = agglo(dir, 'sweep', SWEEP_FILE);
    expect(ok0.code, ok0.stderr).toBe(0);
    const specs = fs.readFileSync(path.join(dir, SPECS), 'utf8');
    fs.writeFileSync(memoPath(), '{"key": "not the key", "files": 3');
    const r = agglo(dir, 'sweep', SWEEP_FILE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(memoPath(), 'utf8')).key).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(dir, SPECS), 'utf8')).toBe(specs);
  });

  test('the models memo: one entry per variant; damaged, it is ignored and the rows are the same', () => {
    const ok0 = agglo(dir, 'sweep', SWEEP_FILE);
    expect(ok0.code, ok0.stderr).toBe(0);
    const specs = fs.readFileSync(path.join(dir, SPECS), 'utf8');
    // The sweep file (for gc) and an encoded list of [model hash, numbers]: the 4 variants' models.
    const memo = JSON.parse(fs.readFileSync(modelsPath(), 'utf8')) as { sweep: string; data: string };
    expect(memo.sweep).toBe(SWEEP_FILE);
    const entries = JSON.parse(memo.data) as [string, unknown][];
    expect(entries.map((e) => e[0]).filter((h) => /^[0-9a-f]{64}$/.test(h))).toHaveLength(4);
    fs.writeFileSync(modelsPath(), '"[[1, 2"');
    const r = agglo(dir, 'sweep', SWEEP_FILE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, SPECS), 'utf8')).toBe(specs);
    expect((JSON.parse((JSON.parse(fs.readFileSync(modelsPath(), 'utf8')) as { data: string }).data) as unknown[]).length).toBe(4);
  });
});
