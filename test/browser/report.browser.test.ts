/**
 * The report in a real browser (issue 5): build results/report.html with the CLI on a temp
 * copy of the project, open it in headless Chromium, and check there are no console errors,
 * no requests beyond the file itself, and every chart's SVG is drawn with a non-zero size.
 * Saves a full-page screenshot to test-artifacts/report.png (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium } from './chromium.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const cli = path.join(repo, 'bin', 'agglo.js');
const CHARTS = ['chart-table1', 'chart-table2', 'chart-regions', 'chart-coefficients', 'chart-dag'];

function agglo(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

/**
 * A copy of the project's data and paper pipeline in a temp folder, with the report stage
 * (test/browser/report-stage.yaml) appended if paper.yaml has none, and the step loaded as a
 * plugin from dist/ if the build does not register it (both only until they are merged).
 */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-report-'));
  fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'pipelines'));
  let yaml = fs.readFileSync(path.join(repo, 'pipelines', 'paper.yaml'), 'utf8');
  if (!/^\s+step:\s*report\s*$/m.test(yaml)) yaml = `${yaml.trimEnd()}\n${fs.readFileSync(path.join(here, 'report-stage.yaml'), 'utf8')}`;
  if (agglo(dir, 'steps', 'report').status !== 0) yaml = `plugins: [${JSON.stringify(path.join(repo, 'dist', 'steps', 'report.js'))}]\n${yaml}`;
  fs.writeFileSync(path.join(dir, 'pipelines', 'paper.yaml'), yaml);
  return dir;
}

describe.skipIf(!haveChromium())('report in headless Chromium', () => {
  let dir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = makeProject();
    const r = agglo(dir, 'report');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(path.join(dir, 'results', 'report.html')).href, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads without console errors and without fetching anything', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    expect(requests.filter((u) => u.startsWith('file://'))).toHaveLength(1);
  });

  it('draws every chart as an SVG with a non-zero size', async () => {
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, text').length ?? 0 };
    }));
    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.marks, c.id).toBeGreaterThan(10);
    }
  });

  it('says how many cells are estimated and shows the provenance of every stage', async () => {
    expect(await page.locator('#estimates-warning').isVisible()).toBe(true);
    // idt's estimated cells: employment of 2011 and 2020-2023 (data/tidy/flags.csv).
    expect(await page.locator('#estimates-warning').innerText()).toMatch(/idt: \d+ of 390 cells estimated/);
    const stages = await page.$$eval('table.provenance-stages tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
    for (const id of ['provinces', 'ras', 'lq', 'within', 'comparison']) expect(stages).toContain(id);
  });

  it('is cached on the next run: nothing it shows changed', () => {
    const r = agglo(dir, 'report', '--json');
    expect(r.status, r.stderr).toBe(0);
    const stages = (JSON.parse(r.stdout) as { stages: { id: string; step: string; status: string; reason: string }[] }).stages;
    const others = stages.filter((s) => s.step !== 'report' && s.status !== 'cached');
    // Only a rebuild of dist/ between the two runs (another `npm run build`) reruns other
    // stages; then the report must rerun too, as it shows their results.
    const expected = others.length === 0 ? 'cached' : 'ran';
    expect(stages.filter((s) => s.step === 'report').map((s) => s.status), JSON.stringify(others.map((s) => `${s.id}: ${s.reason}`))).toEqual([expected]);
  });

  it('saves a screenshot to test-artifacts/report.png', async () => {
    const out = path.join(repo, 'test-artifacts', 'report.png');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    expect(fs.statSync(out).size).toBeGreaterThan(10_000);
  });
});

/**
 * The robustness section (issue 11) in the browser: the report of
 * test/fixtures/spec-curve/pipeline.yaml (12 variants × 2 dimensions) draws its curve with a
 * visible point per variant and the choice indicators in the same columns.
 */
describe.skipIf(!haveChromium())('specification curve in headless Chromium', () => {
  let dir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-spec-curve-'));
    const fixtures = path.join(repo, 'test', 'fixtures', 'spec-curve');
    fs.copyFileSync(path.join(fixtures, 'pipeline.yaml'), path.join(dir, 'pipeline.yaml'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.copyFileSync(path.join(fixtures, 'specifications.csv'), path.join(dir, 'data', 'specifications.csv'));
    const r = agglo(dir, 'run', 'pipeline.yaml');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(pathToFileURL(path.join(dir, 'results', 'spec-curve.html')).href, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws a visible point per variant and the indicators beneath, column by column', async () => {
    expect(consoleErrors).toEqual([]);
    const centres = (mark: string) => page.$$eval(`#chart-spec-curve-1 g.${mark} path`, (paths) => paths.map((p) => {
      const b = p.getBoundingClientRect();
      return { x: Math.round(b.x + b.width / 2), visible: b.width > 0 && b.height > 0 };
    }));
    const points = await centres('estimate_points_marks');
    const marks = await centres('choices_marks');
    expect(points).toHaveLength(12);
    expect(marks).toHaveLength(24);
    expect([...points, ...marks].every((p) => p.visible)).toBe(true);
    // Each of the 12 columns has its point and two indicators (years, estimator).
    const columns = new Map<number, number>();
    for (const m of marks) columns.set(m.x, (columns.get(m.x) ?? 0) + 1);
    expect([...columns.keys()].sort((a, b) => a - b)).toEqual(points.map((p) => p.x).sort((a, b) => a - b));
    expect([...columns.values()]).toEqual(Array(12).fill(2));
    expect(await page.locator('#robustness dl.facts').first().innerText()).toContain('91.7% positive');
    const out = path.join(repo, 'test-artifacts', 'spec-curve.png');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
  });
});

/**
 * The robustness battery's report (issue 11, item 4): pipelines/sweeps/robustness-report.yaml
 * on a temp copy of the project, with a small specifications.csv in place of the sweep's (the
 * real sweep takes minutes): 4 variants of its 6 dimensions, Table 5's nine regressors and the
 * constant. The report shows one curve per regressor (spec_terms leaves the constant out),
 * each with a point per variant and 6 indicators per column.
 */
describe.skipIf(!haveChromium())('robustness report in headless Chromium', () => {
  const TERMS = ['gdp', 'pcw', 'del', 'estr', 'pdl', 'rd', 'urban', 'med', 'psl', '(Intercept)'];
  // years, digital, coefficients, controls, estimator, municipalities: the baseline and three
  // one-at-a-time departures from it, as in pipelines/sweeps/robustness.yaml.
  const VARIANTS = [
    ['2011..2023', 'with-36', 'direct', 'all', 'within', 'included'],
    ['2015..2023', 'with-36', 'direct', 'all', 'within', 'included'],
    ['2011..2023', 'with-36', 'direct', 'all', 'random', 'included'],
    ['2011..2023', 'with-36', 'direct', 'all', 'within', 'excluded'],
  ];
  const DIMS = ['years', 'digital', 'coefficients', 'controls', 'estimator', 'municipalities'];
  let dir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const consoleErrors: string[] = [];

  /** Estimates 0.05·(term+1) + 0.01·variant, except gdp in the last variant: −0.02, so gdp has 3 of 4 positive. */
  function specificationsCsv(): string {
    const lines = [`variant,${DIMS.join(',')},stage,term,estimate,std_error,statistic,p_value,nobs,r2`];
    VARIANTS.forEach((choices, v) => {
      const id = `"${DIMS.map((d, i) => `${d}=${choices[i]}`).join(',')}"`;
      TERMS.forEach((term, t) => {
        const estimate = term === 'gdp' && v === 3 ? -0.02 : 0.05 * (t + 1) + 0.01 * v;
        const se = 0.02;
        lines.push([id, ...choices, 'within', `"${term}"`, estimate, se, estimate / se, 0.01, 390, 0.36].join(','));
      });
    });
    return lines.join('\n') + '\n';
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-robustness-report-'));
    fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'pipelines', 'sweeps'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'pipelines', 'paper.yaml'), path.join(dir, 'pipelines', 'paper.yaml'));
    fs.copyFileSync(path.join(repo, 'pipelines', 'sweeps', 'robustness-report.yaml'), path.join(dir, 'pipelines', 'sweeps', 'robustness-report.yaml'));
    fs.mkdirSync(path.join(dir, 'results', 'robustness'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'results', 'robustness', 'specifications.csv'), specificationsCsv());
    const r = agglo(dir, 'report', 'pipelines/sweeps/robustness-report.yaml');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(pathToFileURL(path.join(dir, 'results', 'robustness', 'report.html')).href, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a curve per Table 5 regressor, a point per variant and its 6 choices beneath', async () => {
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('#robustness').isVisible()).toBe(true);
    const curves = await page.$$eval('#robustness figure.chart', (figs) => figs.map((f) => f.id));
    expect(curves).toEqual(TERMS.slice(0, 9).map((_, i) => `chart-spec-curve-${i + 1}`));
    for (const id of curves) {
      const centres = (mark: string) => page.$$eval(`#${id} g.${mark} path`, (paths) => paths.map((p) => {
        const b = p.getBoundingClientRect();
        return { x: Math.round(b.x + b.width / 2), visible: b.width > 0 && b.height > 0 };
      }));
      const points = await centres('estimate_points_marks');
      const marks = await centres('choices_marks');
      expect(points, id).toHaveLength(VARIANTS.length);
      expect(marks, id).toHaveLength(VARIANTS.length * DIMS.length);
      expect([...points, ...marks].every((p) => p.visible), id).toBe(true);
      const columns = new Map<number, number>();
      for (const m of marks) columns.set(m.x, (columns.get(m.x) ?? 0) + 1);
      expect([...columns.keys()].sort((a, b) => a - b), id).toEqual(points.map((p) => p.x).sort((a, b) => a - b));
    }
    // gdp: 3 of the 4 estimates positive (specificationsCsv).
    expect(await page.locator('#robustness dl.facts').first().innerText()).toContain('75.0% positive');
    // The rest of the study report is there too: it is pipelines/paper.yaml's report.
    expect(await page.locator('#chart-coefficients').isVisible()).toBe(true);
    const out = path.join(repo, 'test-artifacts', 'robustness-report.png');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.locator('#robustness').screenshot({ path: out });
  });
});
