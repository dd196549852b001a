/**
 * docs/plugins.md runs as written (issue 10, item 3). Its code blocks with a file name
 * (```js title="plugins/winsorize.mjs"```) are written into an empty project outside this
 * repository whose node_modules/agglo is a link to this checkout, as `npm install PATH`
 * leaves it, so `import … from 'agglo/plugin'` resolves the way it does for a user. The
 * pipelines run through the compiled CLI and the numbers are checked against values computed
 * without agglo (numpy and scipy: test/fixtures/plugin-guide/make-expected.py) or by hand.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo, edit, repo, runJson, writeFile } from './support.js';

interface Block { lang: string; title?: string; output?: string; code: string }

/** The fenced code blocks of a Markdown text with their `title="…"` / `output="…"` attributes. */
function codeBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const m of markdown.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const attr = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(m[2]!)?.[1];
    out.push({ lang: m[1]!, title: attr('title'), output: attr('output'), code: m[3]! });
  }
  return out;
}

const guide = fs.readFileSync(path.join(repo, 'docs/plugins.md'), 'utf8');
const blocks = codeBlocks(guide);
const files = blocks.filter((b): b is Block & { title: string } => b.title !== undefined);
const shown = (output: string) => blocks.find((b) => b.output === output)?.code ?? '';

let dir: string;
let study: ReturnType<typeof agglo>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'agglo-plugin-guide-'));
  for (const f of files) writeFile(dir, f.title, f.code);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'agglo'), 'dir');
  study = agglo(dir, 'run', 'pipelines/study.yaml');
});
// Removes the link node_modules/agglo, never what it points to (rm does not follow links).
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const showJson = (stage: string, pipeline: string) => {
  const r = agglo(dir, 'show', stage, '-p', pipeline, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

interface Coef { term: string; estimate: number; std_error: number; statistic: number; p_value: number }
interface ModelJson { coefficients: Coef[]; nobs: number; df_resid: number; r2: number; adj_r2: number }

/** |a − b| within `rel` of |b| (numbers of different programs agree to rounding, not bits). */
const near = (a: number, b: number, rel = 1e-10) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('docs/plugins.md', () => {
  it('names every code block that is part of the study, and its plugins are examples/plugins/', () => {
    const unnamed = blocks.filter((b) => ['js', 'ts', 'yaml', 'csv', 'json'].includes(b.lang) && b.title === undefined);
    expect(unnamed.map((b) => b.code.split('\n')[0])).toEqual([]);
    expect(files.map((f) => f.title)).toEqual([
      'plugins/winsorize.mjs', 'plugins/first-difference.mjs', 'data/panel.csv', 'pipelines/study.yaml',
      'plugins/check-rows.mjs', 'test/winsorize.test.mjs', 'tsconfig.json', 'src/growth.mts', 'pipelines/growth.yaml',
    ]);
    for (const name of ['winsorize.mjs', 'first-difference.mjs']) {
      expect(files.find((f) => f.title === `plugins/${name}`)!.code, name).toBe(fs.readFileSync(path.join(repo, 'examples/plugins', name), 'utf8'));
    }
    expect(path.relative(repo, dir).startsWith('..')).toBe(true);
  });

  it('the study runs: winsorize clamps GDP to its 0.1 and 0.9 quantiles', () => {
    const r = study;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 ran, 0 cached/);
    // make-expected.py: numpy.quantile(gdp, [0.1, 0.9], method='linear') = 12.3, 37.6; 4 values clamped
    // (by hand: sorted gdp 10 12 15 … 34 38 80, h = 11 × 0.1 = 1.1 → 12 + 0.1 × 3; h = 9.9 → 34 + 0.9 × 4).
    expect(r.stdout).toContain('note clean: gdp: clamped 4 value(s) to [12.3, 37.6]');
    expect(guide).toContain('`clean: gdp: clamped 4 value(s) to [12.3, 37.6]`');
    const rows = showJson('clean', 'pipelines/study.yaml') as { gdp: number }[];
    const expected = [12.3, 12.3, 15, 16, 20, 21, 25, 37.6, 30, 33, 34, 37.6]; // make-expected.py: numpy.clip
    rows.forEach((row, i) => near(row.gdp, expected[i]!, 1e-15));
  });

  it('first-difference agrees with numpy/scipy least squares on the differences', () => {
    const m = showJson('fd', 'pipelines/study.yaml') as ModelJson;
    // make-expected.py (numpy 2.4 lstsq, classical SE, scipy 1.17 t.sf), on the winsorized data.
    const want = {
      estimate: [0.9655115383118651, 0.07302408841499006],
      std_error: [0.26117962732522904, 0.054458401550924296],
      statistic: [3.696733731492694, 1.3409150165141168],
      p_value: [0.0076880205939231895, 0.2218252570849274],
    };
    expect(m.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'gdp']);
    for (const key of ['estimate', 'std_error', 'statistic', 'p_value'] as const) {
      m.coefficients.forEach((c, j) => near(c[key], want[key][j]!));
    }
    expect([m.nobs, m.df_resid]).toEqual([9, 7]);
    near(m.r2, 0.20436942865134822);
    near(m.adj_r2, 0.09070791845868365);
  });

  it('regression-table accepts its model: the table the guide shows is what the run wrote', () => {
    const md = fs.readFileSync(path.join(dir, 'results/fd_vs_fe.md'), 'utf8').split('\n');
    const table = shown('results/fd_vs_fe.md').trimEnd().split('\n');
    expect(table.length).toBe(9);
    for (const line of table) expect(md).toContain(line);
    // The first-difference column, from make-expected.py's numbers (p 0.0077 < 0.01: **; 0.22: none).
    expect(md).toContain('| GDP | 0.073 | 0.261\\*\\* |');
    expect(md).toContain('|  | (1.341) | (4.427) |');
    expect(md).toContain('| Constant | 0.966\\*\\* | 6.287\\*\\* |');
    const csv = fs.readFileSync(path.join(dir, 'results/fd_vs_fe.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('term,First differences,Fixed effects');
  });

  it('with two periods, first differences equal the within estimator (Wooldridge 2010, §10.6.3)', () => {
    // Without a constant: one-way within; with one: two-way within (the period effect is the
    // constant of the differenced equation). Estimates, SEs, t and p are the same numbers.
    writeFile(dir, 'pipelines/two-periods.yaml', [
      'plugins: [plugins/first-difference.mjs]',
      'stages:',
      '  panel: { step: read-csv, params: { path: data/panel.csv } }',
      '  two: { step: filter, inputs: { data: panel }, params: { where: "year >= 2021" } }',
      '  fd: { step: first-difference, inputs: { data: two }, params: { y: rd, x: [gdp], entity: province, time: year, intercept: false } }',
      '  fe: { step: panel-regression, inputs: { data: two }, params: { y: rd, x: [gdp], entity: province, time: year, model: within } }',
      '  fd_c: { step: first-difference, inputs: { data: two }, params: { y: rd, x: [gdp], entity: province, time: year } }',
      '  fe_2: { step: panel-regression, inputs: { data: two }, params: { y: rd, x: [gdp], entity: province, time: year, model: within, effect: twoways } }',
      '',
    ].join('\n'));
    const r = runJson(dir, 'run', 'pipelines/two-periods.yaml');
    expect(r.code, r.stderr).toBe(0);
    const slope = (stage: string) => (showJson(stage, 'pipelines/two-periods.yaml') as ModelJson).coefficients.find((c) => c.term === 'gdp')!;
    for (const [fd, fe] of [['fd', 'fe'], ['fd_c', 'fe_2']] as const) {
      const a = slope(fd);
      const b = slope(fe);
      for (const key of ['estimate', 'std_error', 'statistic', 'p_value'] as const) near(a[key], b[key], 1e-9);
    }
  });

  it("the plugins' column declarations let validate find a misspelt column before running", () => {
    const ok = agglo(dir, 'validate', '--load-plugins', 'pipelines/study.yaml');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).not.toMatch(/not checked|does not declare/);
    edit(dir, 'pipelines/study.yaml', 'columns: [gdp], p: 0.1', 'columns: [gpd], p: 0.1');
    edit(dir, 'pipelines/study.yaml', 'time: year }\n  fe:', 'time: yaer }\n  fe:');
    const r = agglo(dir, 'validate', '--load-plugins', 'pipelines/study.yaml');
    edit(dir, 'pipelines/study.yaml', 'columns: [gpd], p: 0.1', 'columns: [gdp], p: 0.1');
    edit(dir, 'pipelines/study.yaml', 'time: yaer }', 'time: year }');
    expect(r.code).toBe(2);
    const out = (r.stdout + r.stderr).split('\n');
    const doc = shown('agglo validate --load-plugins pipelines/study.yaml, with columns: [gpd] in clean and time: yaer in fd').trimEnd().split('\n');
    expect(doc.length).toBe(11);
    for (const line of doc) expect(out).toContain(line);
  });

  it('a StepError is a clean user error; a plain exception is a crash', () => {
    edit(dir, 'pipelines/study.yaml', 'params: { y: rd, x: [gdp], entity: province, time: year }\n  fe:', 'params: { y: rd, x: [gdp, year], entity: province, time: year }\n  fe:');
    const r = agglo(dir, 'run', 'pipelines/study.yaml');
    edit(dir, 'pipelines/study.yaml', 'x: [gdp, year]', 'x: [gdp]');
    expect(r.code).toBe(1);
    const message = shown('agglo run pipelines/study.yaml, with x: [gdp, year] in stage fd').trim();
    expect(message).toMatch(/^error: stage `fd`: first-difference: Δyear is collinear/);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/crashed|\n\s+at /);

    writeFile(dir, 'plugins/broken.mjs', "export default { name: 'broken', version: '1', description: 'a bug', params: { type: 'object' }, inputs: { data: { description: 'a table' } }, outputs: { table: 'never' }, run(ctx) { return { table: ctx.inputs.data.rows.length } } };\n");
    writeFile(dir, 'pipelines/broken.yaml', 'plugins: [plugins/broken.mjs]\nstages:\n  panel: { step: read-csv, params: { path: data/panel.csv } }\n  b: { step: broken, inputs: { data: panel } }\n');
    const crash = agglo(dir, 'run', 'pipelines/broken.yaml');
    expect(crash.code).toBe(1);
    expect(crash.stderr).toContain("error: stage `b`: step `broken` crashed: Cannot read properties of undefined (reading 'length')");
    expect(crash.stderr).toContain('--verbose');
  });

  it('an error named StepError from a plugin that imports nothing is a user error too (check-rows)', () => {
    const pipeline = (min: number) => `plugins: [plugins/check-rows.mjs]\nstages:\n  panel: { step: read-csv, params: { path: data/panel.csv } }\n  enough: { step: check-rows, inputs: { data: panel }, params: { min: ${min} } }\n`;
    writeFile(dir, 'pipelines/rows.yaml', pipeline(12));
    expect(agglo(dir, 'run', 'pipelines/rows.yaml').code).toBe(0);
    writeFile(dir, 'pipelines/rows.yaml', pipeline(13));
    const r = agglo(dir, 'run', 'pipelines/rows.yaml');
    expect(r.code).toBe(1);
    // data/panel.csv has 12 rows.
    expect(r.stderr).toContain('error: stage `enough`: check-rows: input `data` has 12 rows, fewer than 13; check the stages before it');
    expect(r.stderr).not.toMatch(/crashed/);
    const json = JSON.parse(agglo(dir, 'run', 'pipelines/rows.yaml', '--json').stdout) as { stages: { id: string; errors?: { reason: string }[] }[] };
    expect(json.stages.find((s) => s.id === 'enough')!.errors![0]!.reason).toBe('too-few-rows');
  });

  it("the guide's plugin test passes under node --test", () => {
    const r = spawnSync(process.execPath, ['--test', 'test/winsorize.test.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# pass 3$/m);
    expect(r.stdout).toMatch(/^# fail 0$/m);
  });

  it('the TypeScript plugin type-checks against agglo/plugin, compiles and runs', () => {
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    expect(compiled.status, compiled.stdout + compiled.stderr).toBe(0);
    const r = agglo(dir, 'run', 'pipelines/growth.yaml');
    expect(r.code, r.stderr).toBe(0);
    const rows = showJson('growth', 'pipelines/growth.yaml') as { province: string; year: number; gdp_growth: number | null }[];
    const g = (p: string, y: number) => rows.find((row) => row.province === p && row.year === y)!.gdp_growth;
    expect(g('A', 2019)).toBeNull(); // no 2018
    near(g('A', 2020)!, 12 / 10 - 1); // data/panel.csv: A's gdp 10 → 12
    near(g('B', 2022)!, 80 / 25 - 1); // B's 25 → 80

    // The params are typed by the interface given to defineStep: a misspelt one does not compile.
    const source = files.find((f) => f.title === 'src/growth.mts')!.code;
    writeFile(dir, 'src/growth.mts', source.replace('p.column, where)', 'p.colum, where)'));
    const typo = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, encoding: 'utf8' });
    writeFile(dir, 'src/growth.mts', source);
    expect(typo.status).not.toBe(0);
    expect(typo.stdout).toMatch(/growth\.mts\(\d+,\d+\): error TS2551: Property 'colum' does not exist on type 'GrowthParams'\. Did you mean 'column'\?/);
  });
});
