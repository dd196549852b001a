/**
 * Exact output of the everyday commands (issue 10, "a quick, quiet CLI"): `run` (what ran,
 * one line for what stayed cached, `--verbose`, `--json` with result files and warnings,
 * no warning when a configuration switch rewrites a results file), `watch`, `show` (the
 * pipeline last run here, long results cut), `dag --format text`, `gc --dry-run` and the
 * "did you mean" for a mistyped command. Each folder test/fixtures/cli-output/NAME/ is one
 * case: files it lays over a copy of the shared project _base/ (already run once, so its
 * cache/ and results/ are full), a case.json and expected.txt, the exit code, stdout and
 * stderr exactly as printed.
 *
 * case.json: {note, steps?, args, exit, restored?} or, for watch, {note, watch: {edits}, exit}.
 * `steps` run in order before `args` (their output is not compared; each must exit 0):
 * `{"agglo": [args]}`, `{"write": {path: text}}`, `{"replace": {path: [from, to]}}`,
 * `{"remove": [paths]}`, and `{"differs": [paths]}`, which checks that those files now differ
 * from the prepared project's. `restored`: files that must be as in the prepared project after
 * the command. A watch case starts `agglo watch`, waits for it to say it is watching, applies
 * `edits` (steps), waits for the rerun and stops it.
 *
 * Normalized in the transcript: the temp folder (<project>), elapsed times (#.##s, "ms": #),
 * sha256 hashes and fingerprints (<hash>; their shard folders ../), watch's clock ([time]).
 * The hashes of `run --json`'s result files are checked against the files instead.
 *
 * To regenerate after an intended change, run with UPDATE_DIAGNOSTICS=1 and review the diff
 * of the expected.txt files line by line before committing.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { aggloAsync, repo } from './support.js';
import { caseNames, concurrencyLimit, ranBase, transcript } from './corpus.js';

const corpus = path.join(repo, 'test/fixtures/cli-output');
const cli = path.join(repo, 'bin', 'agglo.js');

type Step = { agglo: string[] } | { write: Record<string, string> } | { replace: Record<string, [string, string]> } | { remove: string[] } | { differs: string[] };
interface Case { note: string; exit: number; args?: string[]; steps?: Step[]; restored?: string[]; watch?: { edits: Step[] } }

const cases = caseNames(corpus);

/** The base project after one successful run (cache/ and results/ filled). */
const base = ranBase(corpus, 'agglo-cli-output-base-');

async function applyStep(dir: string, step: Step): Promise<void> {
  if ('agglo' in step) {
    const r = await aggloAsync(dir, ...step.agglo);
    if (r.code !== 0) throw new Error(`step \`agglo ${step.agglo.join(' ')}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  } else if ('write' in step) {
    for (const [p, text] of Object.entries(step.write)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), text);
    }
  } else if ('replace' in step) {
    for (const [p, [from, to]] of Object.entries(step.replace)) {
      const text = fs.readFileSync(path.join(dir, p), 'utf8');
      if (!text.includes(from)) throw new Error(`replace: \`${from}\` is not in ${p}`);
      fs.writeFileSync(path.join(dir, p), text.replace(from, to));
    }
  } else if ('remove' in step) {
    for (const p of step.remove) fs.rmSync(path.join(dir, p), { recursive: true, force: true });
  } else {
    for (const p of step.differs) {
      if (fs.readFileSync(path.join(dir, p), 'utf8') === fs.readFileSync(path.join(base.prepared(), p), 'utf8')) throw new Error(`differs: ${p} is as in the prepared project`);
    }
  }
}


/** `agglo watch` until it has rerun after `edits`; its exit code and output. */
async function watchRun(dir: string, edits: Step[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [cli, 'watch', '--jobs', '1'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number>((resolve) => p.on('close', (code) => resolve(code ?? -1)));
  const watching = async (n: number) => {
    for (let i = 0; i < 600; i++) {
      if (stdout.split('watching for changes…').length - 1 >= n) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    p.kill('SIGTERM');
    throw new Error(`watch did not get to its run ${n}; output so far:\n${stdout}\n${stderr}`);
  };
  await watching(1);
  for (const e of edits) await applyStep(dir, e);
  await watching(2);
  p.kill('SIGTERM');
  return { code: await closed, stdout, stderr };
}

/** Every file below `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

// At most this many CLI processes at once: the machine has few cores.
const limit = concurrencyLimit(3);

describe('CLI output snapshots', () => {
  test('the corpus covers run, watch, show, dag text, gc --dry-run and a command typo', () => {
    const specs = cases.map((c) => JSON.parse(fs.readFileSync(path.join(corpus, c, 'case.json'), 'utf8')) as Case);
    const commands = new Set(specs.map((s) => (s.watch ? 'watch' : `${s.args![0]}${s.args!.includes('--dry-run') ? ' --dry-run' : ''}${s.args!.includes('text') ? ' text' : ''}`)));
    for (const c of ['run', 'watch', 'show', 'dag text', 'gc --dry-run', 'runn']) expect(commands, c).toContain(c);
  });

  test.concurrent.for(cases)('%s', async (name, { expect }) => {
    const caseDir = path.join(corpus, name);
    const spec: Case = JSON.parse(fs.readFileSync(path.join(caseDir, 'case.json'), 'utf8'));
    const { dir } = base.caseProject(caseDir, 'agglo-cli-output-');
    let cacheBefore: string[] = [];
    const r = await limit(async () => {
      for (const s of spec.steps ?? []) await applyStep(dir, s);
      cacheBefore = listFiles(path.join(dir, 'cache'));
      return spec.watch ? watchRun(dir, spec.watch.edits) : aggloAsync(dir, ...spec.args!);
    });

    const places: [string, string][] = [[fs.realpathSync(dir), '<project>'], [dir, '<project>']];
    const actual = transcript(r.code, r.stdout, r.stderr, places);
    const expectedFile = path.join(caseDir, 'expected.txt');
    if (process.env.UPDATE_DIAGNOSTICS === '1') fs.writeFileSync(expectedFile, actual);
    expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
    expect(r.code).toBe(spec.exit);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at |TypeError|ReferenceError/m);
    if (spec.args?.includes('--dry-run')) expect(listFiles(path.join(dir, 'cache')), 'a dry run removed nothing').toEqual(cacheBefore);
    for (const p of spec.restored ?? []) {
      expect(fs.readFileSync(path.join(dir, p), 'utf8'), `${p} after the command`).toBe(fs.readFileSync(path.join(base.prepared(), p), 'utf8'));
    }
    if (spec.args?.[0] === 'run' && spec.args.includes('--json')) {
      // The hashes the snapshot hides are those of the files on disk.
      const report = JSON.parse(r.stdout) as { files: { path: string; sha256: string }[] };
      expect(report.files.length).toBeGreaterThan(0);
      for (const f of report.files) {
        expect(createHash('sha256').update(fs.readFileSync(path.join(dir, f.path))).digest('hex'), f.path).toBe(f.sha256);
      }
    }
  });
});
