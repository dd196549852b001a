/**
 * The paper's robustness battery (issue 11, item 4) without running it (the full sweep takes
 * minutes): pipelines/sweeps/robustness.yaml validates with its 99 variants and `agglo status`
 * counts them and the stage runs they share; pipelines/sweeps/robustness-report.yaml
 * validates once the sweep's specifications.csv exists, and points at the missing file
 * before, while pipelines/paper.yaml never needs it. Each test works on a temp copy of
 * data/ and pipelines/ without a cache, so the counts do not depend on the repository's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { agglo, aggloAsync, repo } from './support.js';

const dirs: string[] = [];

/** data/, pipelines/paper.yaml and pipelines/sweeps/ copied to a temp project. */
function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-robustness-'));
  dirs.push(dir);
  fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.copyFileSync(path.join(repo, 'pipelines', 'paper.yaml'), path.join(dir, 'pipelines', 'paper.yaml'));
  fs.cpSync(path.join(repo, 'pipelines', 'sweeps'), path.join(dir, 'pipelines', 'sweeps'), { recursive: true });
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('pipelines/sweeps/robustness.yaml', () => {
  test('validates with 99 variants, and status counts them and the stage runs they share', async () => {
    const dir = copyProject();
    // Both at once: each reads all 99 merged variants (about 10-15 s on a busy 2-core machine).
    const [validate, status] = await Promise.all([
      aggloAsync(dir, 'validate', 'pipelines/sweeps/robustness.yaml'),
      aggloAsync(dir, 'status', 'pipelines/sweeps/robustness.yaml'),
    ]);
    // 99 = 3 windows x 2 digital sets x 2 coefficients x 2 samples x 3 estimators with every
    // control (72), plus 9 dropped controls x 3 estimators on the baseline data (27).
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toContain('pipelines/sweeps/robustness.yaml: ok (99 variants of pipelines/paper.yaml)');
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^pipelines\/sweeps\/robustness\.yaml: 99 variants \(99 with work to do\)/);
    const runs = (stage: string) => Number(new RegExp(`^  ${stage}: (\\d+) would run`, 'm').exec(status.stdout)?.[1]);
    // Shared work, from the design: the input-output tables once per year window (3), digital
    // value added once per window x digital set x coefficients (12), the estimation sample
    // also per municipalities in/out (24), and the model once per variant (99).
    expect(runs('ras')).toBe(3);
    expect(runs('dva')).toBe(12);
    expect(runs('sample')).toBe(24);
    expect(runs('within')).toBe(99);
  }, 90_000);
});

describe('pipelines/sweeps/robustness-report.yaml', () => {
  test('validates when results/robustness/specifications.csv exists, and names the file when it does not', () => {
    const dir = copyProject();
    const missing = agglo(dir, 'validate', 'pipelines/sweeps/robustness-report.yaml');
    expect(missing.code).toBe(2); // an invalid pipeline (1 is a failed run)
    expect(missing.stderr).toMatch(/^pipelines\/sweeps\/robustness-report\.yaml:\d+:\d+ error missing-file: input `specifications` of stage `report` names file `results\/robustness\/specifications\.csv`/m);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // The paper's own pipeline does not read the sweep's table: it runs on a fresh clone.
    const paper = agglo(dir, 'validate', 'pipelines/paper.yaml');
    expect(paper.code, paper.stderr).toBe(0);

    fs.mkdirSync(path.join(dir, 'results', 'robustness'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'test', 'fixtures', 'spec-curve', 'specifications.csv'), path.join(dir, 'results', 'robustness', 'specifications.csv'));
    const ok = agglo(dir, 'validate', 'pipelines/sweeps/robustness-report.yaml');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^pipelines\/sweeps\/robustness-report\.yaml: ok \(\d+ stages\)/);
  }, 60_000);
});
