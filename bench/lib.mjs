// Helpers shared by the benches that drive commands (bench/engine.bench.mjs, bench/slurm.bench.mjs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Whether GNU time is there to report a command's peak memory. */
export const hasTime = fs.existsSync('/usr/bin/time');

/**
 * Runs `cmd args` in `cwd` in its own process group; resolves with its exit code, wall-clock
 * seconds, output, whether it was stopped at `timeoutS` (0: never) and, with `rss` and GNU
 * time, its peak memory. At the timeout the group gets SIGTERM, then SIGKILL `graceS` seconds
 * later (0: SIGKILL at once).
 */
export function timed(cmd, args, cwd, timeoutS = 0, { rss = false, graceS = 0 } = {}) {
  const full = rss && hasTime ? ['/usr/bin/time', ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(full[0], full[1], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let timedOut = false;
    const kill = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
    const timer = timeoutS > 0 ? setTimeout(() => {
      timedOut = true;
      if (graceS > 0) {
        kill('SIGTERM');
        setTimeout(() => kill('SIGKILL'), graceS * 1000);
      } else kill('SIGKILL');
    }, timeoutS * 1000) : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(err);
      resolve({ code, seconds, timedOut, out, err, maxRssMb: m ? Math.round(Number(m[1]) / 1024) : undefined });
    });
  });
}

/** A stage of an `agglo run --json` report. */
export function stageOf(report, id) {
  return report.stages.find((s) => s.id === id);
}

/** The installed Snakemake's version, or undefined. */
export function snakemakeVersion() {
  const r = spawnSync('snakemake', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
