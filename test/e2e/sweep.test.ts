/**
 * `agglo sweep` end to end on a small project: read-csv → derive (a `shift` param) →
 * panel-regression, swept over the shift (upstream) × the estimator (the regression):
 * shared stages computed once, specifications.csv equal to each variant run on its own,
 * a failing variant under --keep-going, and a rerun after adding a choice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseCsv } from '../../engine/csv.js';
import { tableRows } from '../../engine/table.js';
import { agglo, edit, makeProject, writeFile } from './support.js';
import { mulberry32, STACK_FRAME } from './seeded.js';

/** A balanced panel of 6 regions × 8 years with noise from a fixed seed (numbers are not asserted, only compared). */
function panelCsv(): string {
  const rand = mulberry32(11);
  const lines = ['region,year,gdp_raw,rd_spend,emp'];
  for (const r of ['A', 'B', 'C', 'D', 'E', 'F']) {
    for (let y = 2011; y <= 2018; y++) {
      const gdp = 100 + 50 * rand() + 3 * (y - 2011);
      lines.push(`${r},${y},${gdp.toFixed(3)},${(1 + 5 * rand()).toFixed(3)},${(gdp / 10 + 10 * rand()).toFixed(3)}`);
    }
  }
  return lines.join('\n') + '\n';
}

const STUDY = `params:
  shift: 0
stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  vars:
    step: derive
    inputs: { data: panel }
    params:
      columns:
        gdp: log(gdp_raw - \${params.shift})
        rd: rd_spend / gdp_raw
  within:
    step: panel-regression
    inputs: { data: vars }
    params: { y: emp, x: [gdp, rd], entity: region, time: year, model: within }
  export:
    step: write-csv
    inputs: { data: vars }
    params: { path: results/vars.csv }
`;

/** shift (upstream, 2 choices) × estimator (regression, 4 choices) = 8 variants. */
const SWEEP = `sweep: ../study.yaml
dimensions:
  shift:
    none: {}
    ten: { params: { shift: 10 } }
  estimator:
    within: {}
    random: { stages: { within: { params: { model: random } } } }
    pooled: { stages: { within: { params: { model: pooled } } } }
    between: { stages: { within: { params: { model: between } } } }
collect:
  - { stage: within, terms: [gdp, rd] }
`;

/** The overlay of each choice, to write a variant as its own `extends` pipeline. */
const OVERLAYS: Record<string, Record<string, string>> = {
  shift: { none: '', ten: 'params: { shift: 10 }', twenty: 'params: { shift: 20 }' },
  estimator: { within: '', random: 'stages: { within: { params: { model: random } } }', pooled: 'stages: { within: { params: { model: pooled } } }', between: 'stages: { within: { params: { model: between } } }' },
};

interface VariantJson { id: string; choices: Record<string, string>; ok: boolean; error?: string; notRun?: boolean; stages?: { id: string; status: string; fingerprint?: string }[] }
interface SweepJson { ok: boolean; variants: VariantJson[]; rows: number; files: string[] }

function sweepJson(dir: string, ...args: string[]): { code: number; report: SweepJson; stderr: string } {
  const r = agglo(dir, 'sweep', 'pipelines/sweeps/robust.yaml', '--json', ...args);
  try {
    return { code: r.code, report: JSON.parse(r.stdout) as SweepJson, stderr: r.stderr };
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** How many times each (stage, fingerprint) ran over all variants. */
function ranPerFingerprint(report: SweepJson): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of report.variants) {
    for (const s of v.stages ?? []) {
      if (s.status !== 'ran') continue;
      expect(s.fingerprint, `${v.id} ${s.id} has a fingerprint`).toMatch(/^[0-9a-f]{64}$/);
      const k = `${s.id} ${s.fingerprint}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  return out;
}

const ranCount = (report: SweepJson, stage: string) => report.variants.reduce((n, v) => n + (v.stages ?? []).filter((s) => s.id === stage && s.status === 'ran').length, 0);

type Row = Record<string, unknown>;
const readSpecs = (dir: string): Row[] => tableRows(parseCsv(fs.readFileSync(path.join(dir, 'results/robust/specifications.csv'), 'utf8')));

describe('agglo sweep', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProject({ 'data/panel.csv': panelCsv(), 'pipelines/study.yaml': STUDY, 'pipelines/sweeps/robust.yaml': SWEEP });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('status before the first run: 8 variants, each shared stage counted once', () => {
    const r = agglo(dir, 'status', 'pipelines/sweeps/robust.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // panel: one for all; vars: one per shift (2); within: one per variant (8).
    expect(r.stdout).toContain('pipelines/sweeps/robust.yaml: 8 variants (8 with work to do); 11 stage runs would run, 0 up to date');
    expect(r.stdout).toContain('  panel: 1 would run — 1× never run\n');
    expect(r.stdout).toMatch(/\n {2}vars: 2 would run — /);
    expect(r.stdout).toMatch(/\n {2}within: 8 would run — /);
  });

  test('(a) each shared stage is computed once, and writer stages do not run', () => {
    const { code, report, stderr } = sweepJson(dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.variants.map((v) => v.id)).toEqual([
      'shift=none,estimator=within', 'shift=none,estimator=random', 'shift=none,estimator=pooled', 'shift=none,estimator=between',
      'shift=ten,estimator=within', 'shift=ten,estimator=random', 'shift=ten,estimator=pooled', 'shift=ten,estimator=between',
    ]);
    const ran = ranPerFingerprint(report);
    // Every task that ran, ran once; 1 read + 2 derives (one per shift) + 8 regressions.
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
    expect([ranCount(report, 'panel'), ranCount(report, 'vars'), ranCount(report, 'within')]).toEqual([1, 2, 8]);
    // The variants of one shift share the fingerprint of `vars`; the two shifts differ.
    const varsFp = (id: string) => report.variants.find((v) => v.id === id)!.stages!.find((s) => s.id === 'vars')!.fingerprint;
    expect(varsFp('shift=none,estimator=between')).toBe(varsFp('shift=none,estimator=within'));
    expect(varsFp('shift=ten,estimator=within')).not.toBe(varsFp('shift=none,estimator=within'));
    // `export` (a writer stage) is not a collected stage: it does not run, results/vars.csv is not written.
    expect(report.variants.every((v) => !(v.stages ?? []).some((s) => s.id === 'export'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'results/vars.csv'))).toBe(false);
    expect(report.files).toEqual(['results/robust/specifications.csv', 'results/robust/summary.md']);
    expect(report.rows).toBe(16);
  });

  test('specifications.csv has the contract columns and summary.md the summary', () => {
    const text = fs.readFileSync(path.join(dir, 'results/robust/specifications.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('variant,shift,estimator,stage,term,estimate,std_error,statistic,p_value,nobs,r2');
    expect(text.split('\n')[1]).toMatch(/^"shift=none,estimator=within",none,within,within,gdp,/);
    const md = fs.readFileSync(path.join(dir, 'results/robust/summary.md'), 'utf8');
    expect(md).toMatch(/^# Sweep robust: 8 of 8 variants\n/);
    expect(md).toContain('## within: gdp');
    expect(md).toContain('## within: rd');
    expect(md).toContain('| variants | 8 |');
  });

  test('(b) specifications.csv equals each variant run as its own pipeline', () => {
    const rows = readSpecs(dir);
    expect(rows).toHaveLength(16);
    const ids = [...new Set(rows.map((r) => String(r.variant)))];
    for (const [i, id] of ids.entries()) {
      const choices = Object.fromEntries(id.split(',').map((kv) => kv.split('=') as [string, string]));
      const overlay = [OVERLAYS.shift![choices.shift!]!, OVERLAYS.estimator![choices.estimator!]!];
      // Two overlays may both write `stages:` or `params:`; here each writes at most one of them.
      const file = `pipelines/variant${i}.yaml`;
      writeFile(dir, file, ['extends: study.yaml', ...overlay.filter((o) => o !== '')].join('\n') + '\n');
      const run = agglo(dir, 'run', file, 'within', '--json');
      expect(run.code, run.stderr).toBe(0);
      // The sweep computed it already: the separate run finds every stage cached.
      const stages = (JSON.parse(run.stdout) as { stages: { id: string; status: string }[] }).stages;
      expect(stages.map((s) => `${s.id}:${s.status}`)).toEqual(['panel:cached', 'vars:cached', 'within:cached']);
      const show = agglo(dir, 'show', 'within', '-p', file, '--output', 'model', '--json');
      expect(show.code, show.stderr).toBe(0);
      const model = JSON.parse(show.stdout) as { coefficients: { term: string; estimate: number; std_error: number; statistic: number; p_value: number }[]; nobs: number; r2: number };
      for (const term of ['gdp', 'rd']) {
        const row = rows.find((r) => r.variant === id && r.term === term)!;
        const c = model.coefficients.find((k) => k.term === term)!;
        expect(row, `${id} ${term}`).toEqual({
          variant: id, shift: choices.shift, estimator: choices.estimator, stage: 'within', term,
          estimate: c.estimate, std_error: c.std_error, statistic: c.statistic, p_value: c.p_value, nobs: model.nobs, r2: model.r2,
        });
      }
    }
  });

  test('(c) a failing variant is reported; --keep-going finishes the others, without it the rest is not run', () => {
    // A shift larger than every gdp_raw makes log(gdp_raw - shift) missing everywhere: the regression fails.
    edit(dir, 'pipelines/sweeps/robust.yaml', '    ten: { params: { shift: 10 } }\n', '    ten: { params: { shift: 10 } }\n    huge: { params: { shift: 1000000 } }\n');
    const k = sweepJson(dir, '--keep-going');
    expect(k.code).toBe(1);
    expect(k.stderr).not.toMatch(STACK_FRAME);
    expect(k.report.variants).toHaveLength(12);
    const bad = k.report.variants.filter((v) => !v.ok);
    expect(bad.map((v) => v.id)).toEqual(['shift=huge,estimator=within', 'shift=huge,estimator=random', 'shift=huge,estimator=pooled', 'shift=huge,estimator=between']);
    for (const v of bad) expect(v.error).toMatch(/^stage `within`: .*`gdp` has no value in any of the 48 rows/);
    expect(k.report.variants.filter((v) => v.ok)).toHaveLength(8);
    expect(readSpecs(dir)).toHaveLength(16);
    expect(fs.readFileSync(path.join(dir, 'results/robust/summary.md'), 'utf8')).toContain('## Variants that failed (4, not in the summary)');

    // Without --keep-going: the first failure is listed and the variants after it are not run.
    const plain = agglo(dir, 'sweep', 'pipelines/sweeps/robust.yaml');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('error: variant `shift=huge,estimator=within`: stage `within`:');
    expect(plain.stderr).toContain('failed variants: `shift=huge,estimator=within` (3 more not run; --keep-going runs them)');
    expect(plain.stdout).toContain('[12/12] shift=huge,estimator=between: not run\n');
    expect(plain.stdout).toContain('12 variants, 8 ok, 1 failed, 3 not run;');
    expect(plain.stderr).not.toMatch(STACK_FRAME);
  });

  test('(d) after adding a choice, a rerun computes only the new variants', () => {
    edit(dir, 'pipelines/sweeps/robust.yaml', '    huge: { params: { shift: 1000000 } }\n', '    twenty: { params: { shift: 20 } }\n');
    const { code, report } = sweepJson(dir);
    expect(code).toBe(0);
    expect(report.variants).toHaveLength(12);
    const isNew = (v: VariantJson) => v.choices.shift === 'twenty';
    for (const v of report.variants.filter((x) => !isNew(x))) expect((v.stages ?? []).map((s) => s.status), v.id).toEqual(['cached', 'cached', 'cached']);
    // The new shift: one derive and four regressions; the read is shared with every variant.
    expect([ranCount(report, 'panel'), ranCount(report, 'vars'), ranCount(report, 'within')]).toEqual([0, 1, 4]);
    expect(readSpecs(dir)).toHaveLength(24);
    // Nothing is left to do.
    const status = agglo(dir, 'status', 'pipelines/sweeps/robust.yaml', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ variants: 12, variantsToRun: 0, wouldRun: 0, upToDate: 1 + 3 + 12 });
  });

  test('gc keeps the variants\' cache entries while the sweep file exists', () => {
    const gc = agglo(dir, 'gc');
    expect(gc.code, gc.stderr).toBe(0);
    const { report } = sweepJson(dir);
    expect(report.variants.every((v) => (v.stages ?? []).every((s) => s.status === 'cached'))).toBe(true);
  });

  test('gc removes the memos of a sweep file that is gone, and keeps the others', () => {
    const memos = () => fs.readdirSync(path.join(dir, 'cache/state')).filter((n) => n.startsWith('sweep-')).sort();
    fs.copyFileSync(path.join(dir, 'pipelines/sweeps/robust.yaml'), path.join(dir, 'pipelines/sweeps/gone.yaml'));
    expect(agglo(dir, 'sweep', 'pipelines/sweeps/gone.yaml').code).toBe(0);
    const all = memos();
    // Each sweep has two: its checked variants and its collected models.
    expect(all.filter((n) => n.includes('gone.yaml'))).toHaveLength(2);
    fs.rmSync(path.join(dir, 'pipelines/sweeps/gone.yaml'));
    const dry = agglo(dir, 'gc', '--dry-run');
    expect(dry.stdout).toMatch(/the memo of pipelines\/sweeps\/gone\.yaml, a sweep that no longer exists \(cache\/state\/sweep-pipelines_sweeps_gone\.yaml-[0-9a-f]{8}\.json\)/);
    expect(memos()).toEqual(all);
    expect(agglo(dir, 'gc').code).toBe(0);
    expect(memos()).toEqual(all.filter((n) => !n.includes('gone.yaml')));
    expect(memos().filter((n) => n.includes('robust.yaml'))).toHaveLength(2);
  });

  test('a sweep file is refused by run, and a pipeline by sweep', () => {
    const run = agglo(dir, 'run', 'pipelines/sweeps/robust.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: `pipelines/sweeps/robust.yaml` is a sweep file; run it with `agglo sweep pipelines/sweeps/robust.yaml`');
    const sweep = agglo(dir, 'sweep', 'pipelines/study.yaml');
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain('is not a sweep file (it has no top-level `sweep:` key)');
  });
});

describe('agglo validate on a sweep file', () => {
  /** A plugin that leaves a marker file when imported. */
  const plugin = `import fs from 'node:fs';
fs.writeFileSync('marker', 'imported');
export const hello = { name: 'hello', version: '1', description: 'one row',
  params: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false }, inputs: {}, outputs: { table: 't' },
  run(ctx) { return { table: { kind: 'table', columns: [{ name: 'n', values: [ctx.params.n] }] } }; } };
`;
  let dir: string;
  beforeAll(() => {
    dir = makeProject({
      'data/panel.csv': panelCsv(), 'pipelines/study.yaml': STUDY, 'pipelines/sweeps/robust.yaml': SWEEP,
      'plugins/hello.mjs': plugin,
      // The study with a plugin stage added: \`h\` on line 6.
      'pipelines/plugged.yaml': STUDY.replace('params:\n  shift: 0\nstages:\n', 'plugins: [./plugins/hello.mjs]\nparams:\n  shift: 0\n  n: 1\nstages:\n  h: { step: hello, params: { n: "\${params.n}" } }\n'),
      'pipelines/sweeps/plugged.yaml': 'sweep: ../plugged.yaml\ndimensions:\n  n:\n    one: {}\n    text: { params: { n: some } }\ncollect:\n  - { stage: within }\n',
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a valid sweep: ok with the number of variants', () => {
    const r = agglo(dir, 'validate', 'pipelines/sweeps/robust.yaml');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'pipelines/sweeps/robust.yaml: ok (8 variants of pipelines/study.yaml)\n' });
  });

  test('a base with plugin steps: variants checked only with --load-plugins (which imports the plugin)', () => {
    const plain = agglo(dir, 'validate', 'pipelines/sweeps/plugged.yaml');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('pipelines/sweeps/plugged.yaml: the sweep file is ok; its variants were not checked: `h` of the pipeline use plugin steps');
    expect(fs.existsSync(path.join(dir, 'marker'))).toBe(false);
    const loaded = agglo(dir, 'validate', 'pipelines/sweeps/plugged.yaml', '--load-plugins');
    expect(loaded.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'marker'))).toBe(true);
    // The faulty value is in the base (`${params.n}`), the variant that sets it is named.
    expect(loaded.stderr).toMatch(/^pipelines\/plugged\.yaml:6:\d+ error [a-z-]+: variant `n=text`: /m);
  });
});
