/**
 * `npm start` (scripts/start.mjs) on a copy of this checkout whose paper.yaml studies
 * 2015–2023: one process runs the study and prints the summary, labelled with the years of
 * the pipeline's params; with dist/ current it compiles nothing, and a rerun is cached.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from './support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the checkout (dist/ with its times, so it is current), node_modules linked. */
function checkoutCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-start-'));
  dirs.push(dir);
  for (const e of ['bin', 'dist', 'engine', 'steps', 'scripts', 'data', 'pipelines', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    fs.cpSync(path.join(repo, e), path.join(dir, e), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function start(dir: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start', () => {
  it('runs the study once, labels the summary with the params\' years, compiles nothing when dist/ is current', () => {
    const dir = checkoutCopy();
    const paper = path.join(dir, 'pipelines', 'paper.yaml');
    const text = fs.readFileSync(paper, 'utf8');
    expect(text).toMatch(/^ {2}years: 2011\.\.2023$/m);
    fs.writeFileSync(paper, text.replace(/^ {2}years: 2011\.\.2023$/m, '  years: 2015..2023'));

    const cold = start(dir);
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.stderr).not.toContain('building');
    expect(cold.stdout).toMatch(/^Top provinces by average agglomeration \(2015–2023\): /m);
    expect(cold.stdout).toMatch(/^This was a cold run: all \d+ stages were computed; a rerun is cached\.$/m);
    expect(cold.stdout).toMatch(/^Results are in results\/: .*report\.html/m);
    // The base-table variants were not collected yet: the sweep ran, and the study again.
    expect(cold.stderr).toContain('results/comparison.md compares the study\'s base tables: collecting them (pipelines/sweeps/base-tables.yaml)');
    expect(cold.stdout).toMatch(/^The same for each base-table variant \(Spearman; same signs\): nearest-2012-2017 0\.\d{3}; \d of \d, 2012-only /m);
    expect(fs.readFileSync(path.join(dir, 'results/comparison.md'), 'utf8')).toMatch(/^\| nearest-2012-2017 \(this run\) \|/m);

    const again = start(dir);
    expect(again.code, again.stderr).toBe(0);
    // Cached: no stage line of its own, one line for them all.
    expect(again.stdout).toMatch(/^· \d+ stages cached \(up to date\)$/m);
    expect(again.stdout).not.toMatch(/^✓ ran /m);
    expect(again.stdout).toMatch(/^This run was cached: all \d+ stages were up to date, nothing was recomputed\.$/m);
    expect(again.stderr).not.toContain('collecting them');
    expect(again.stdout).toMatch(/^Top provinces by average agglomeration \(2015–2023\): /m);
  }, 240_000);
});
