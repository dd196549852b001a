/**
 * Choosing an executor without a cluster: `--executor` values, the `executor:` block of
 * agglo.config.yaml (checked at its lines like a pipeline), and `status --executor slurm`
 * saying which stages would go to the cluster (a dry run: nothing is submitted).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { agglo, makeProject } from './support.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const PIPELINE = `stages:
  items: { step: read-csv, params: { path: data/items.csv } }
  sq:
    step: derive
    foreach: { k: { file: data/items.csv, column: k } }
    inputs: { data: items }
    params: { columns: { v: "k * \${item.k}" } }
`;
const project = (config?: string) => {
  const dir = makeProject({ 'data/items.csv': 'k\n1\n2\n3\n', 'pipelines/p.yaml': PIPELINE, ...(config ? { 'agglo.config.yaml': config } : {}) });
  dirs.push(dir);
  return dir;
};

describe('executor settings', () => {
  it('--executor takes local or slurm, on run, status and sweep only', () => {
    const dir = project();
    const bad = agglo(dir, 'run', 'pipelines/p.yaml', '--executor', 'slrum');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --executor must be `local` or `slurm`, got `slrum`; did you mean `slurm`\?/);
    const where = agglo(dir, 'validate', 'pipelines/p.yaml', '--executor', 'slurm');
    expect(where.code).toBe(2);
    expect(where.stderr).toMatch(/^error: --executor applies to run, status and sweep, not to `validate`/);
    expect(agglo(dir, 'run', 'pipelines/p.yaml', '--executor', 'local').code).toBe(0);
  });

  it('status --executor slurm lists the stages that would go to the cluster, and those that stay', () => {
    const dir = project();
    const r = agglo(dir, 'status', 'pipelines/p.yaml', '--executor', 'slurm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('with --executor slurm (remote: fanout): to the cluster: sq (3 tasks)\n  here: items\n');
    const all = agglo(project('executor:\n  default: slurm\n  slurm: { remote: all }\n'), 'status', 'pipelines/p.yaml');
    expect(all.stdout).toContain('with --executor slurm (remote: all): to the cluster: items, sq (3 tasks)\n');
  });

  it('a wrong setting is an error at its line in agglo.config.yaml, exit 2, nothing run', () => {
    const dir = project('executor:\n  default: cluster\n  slurm:\n    max_jobs: 0\n    partiton: debug\n    time: soon\n');
    const r = agglo(dir, 'run', 'pipelines/p.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('agglo.config.yaml:2:12 error bad-settings: `executor.default` must be one of local, slurm');
    expect(r.stderr).toContain('agglo.config.yaml:4:15 error bad-settings: `max_jobs` must be a whole number from 1 to 10000');
    expect(r.stderr).toContain('agglo.config.yaml:5:5 error unknown-key: unknown SLURM setting `partiton`');
    expect(r.stderr).toContain('agglo.config.yaml:6:11 error bad-settings: `time` must be like `"01:00:00"`');
    expect(fs.existsSync(`${dir}/cache/runs`)).toBe(false);
  });
});
