/**
 * The SLURM executor's settings: the `executor: { slurm: … }` block of agglo.config.yaml
 * (engine/project-config.ts reads the file and reports problems at their line). Every
 * setting has a default, so `agglo run --executor slurm` works without the block on a
 * cluster whose default partition takes the jobs.
 *
 *   executor:
 *     slurm:
 *       partition: debug
 *       account: econ-lab
 *       time: "01:00:00"        # each worker job's time limit (sbatch --time)
 *       memory: 4G              # per worker job (sbatch --mem)
 *       cpus_per_task: 1
 *       max_jobs: 4             # worker jobs at once
 *       batch: 64               # at most this many tasks per batch file a worker takes
 *       retries: 2              # a task whose job died is run again this many times
 *       remote: fanout          # fanout (foreach and heavy tasks) | all
 *       setup: ["module load nodejs/20"]
 *       node: node              # Node.js on the compute nodes
 *       spool: cache/cluster    # on the shared filesystem
 *       sbatch_args: ["--qos=short"]
 */
import path from 'node:path';

export interface SlurmSettings {
  readonly partition?: string;
  readonly account?: string;
  readonly time: string;
  readonly memory?: string;
  readonly cpusPerTask: number;
  readonly maxJobs: number;
  readonly batch: number;
  readonly retries: number;
  readonly remote: 'fanout' | 'all';
  readonly setup: readonly string[];
  readonly node: string;
  /** Absolute folder for the spool (task and outcome files), on the filesystem the compute nodes share. */
  readonly spool: string;
  readonly sbatchArgs: readonly string[];
  /** Milliseconds between looks at the spool's outcomes (the workers look for tasks as often). */
  readonly pollMs: number;
  /** Milliseconds between `squeue` checks of the worker jobs. */
  readonly monitorMs: number;
}

export const SLURM_KEYS = ['partition', 'account', 'time', 'memory', 'cpus_per_task', 'max_jobs', 'batch', 'retries', 'remote', 'setup', 'node', 'spool', 'sbatch_args', 'poll_ms', 'monitor_ms'] as const;

/** A problem with one setting: its path under `executor.slurm` and what is wrong. */
export interface SettingProblem {
  readonly key: string;
  readonly message: string;
  readonly hint: string;
}

/** The settings with their defaults, from the block as written (undefined: none written). */
export function slurmSettings(root: string, raw: unknown, problems: SettingProblem[]): SlurmSettings {
  const o = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (raw !== undefined && raw !== null && o !== raw) problems.push({ key: '', message: '`executor.slurm` must be a map of settings', hint: `settings: ${SLURM_KEYS.join(', ')}` });
  for (const k of Object.keys(o)) {
    if (!(SLURM_KEYS as readonly string[]).includes(k)) problems.push({ key: k, message: `unknown SLURM setting \`${k}\``, hint: `settings: ${SLURM_KEYS.join(', ')}` });
  }
  const text = (k: string, pattern?: RegExp, example?: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '' || /[\n\r]/.test(v) || (pattern && !pattern.test(v))) {
      problems.push({ key: k, message: `\`${k}\` must be ${pattern ? `like \`${example}\`` : 'a non-empty one-line text'}`, hint: example ? `e.g. \`${k}: ${example}\`` : 'see docs/distributed.md' });
      return undefined;
    }
    return v;
  };
  const int = (k: string, min: number, max: number, def: number): number => {
    const v = o[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ key: k, message: `\`${k}\` must be a whole number from ${min} to ${max}`, hint: `the default is ${def}` });
      return def;
    }
    return v;
  };
  const list = (k: string): string[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && !/[\n\r]/.test(x))) {
      problems.push({ key: k, message: `\`${k}\` must be a list of one-line texts`, hint: k === 'setup' ? 'e.g. `setup: ["module load nodejs/20"]`' : 'e.g. `sbatch_args: ["--qos=short"]`' });
      return [];
    }
    return v as string[];
  };
  const remote = o.remote ?? 'fanout';
  if (remote !== 'fanout' && remote !== 'all') problems.push({ key: 'remote', message: '`remote` must be `fanout` (tasks of foreach stages and heavy steps) or `all` (every task)', hint: 'the default is fanout' });
  const spool = text('spool');
  return {
    partition: text('partition', /^[\w.,-]+$/, 'debug'),
    account: text('account', /^[\w.-]+$/, 'econ-lab'),
    time: text('time', /^(\d+-)?\d+(:\d{1,2}){0,2}$/, '"01:00:00"') ?? '01:00:00',
    memory: text('memory', /^\d+[KMGT]?$/, '4G'),
    cpusPerTask: int('cpus_per_task', 1, 1024, 1),
    maxJobs: int('max_jobs', 1, 10_000, 4),
    batch: int('batch', 1, 100_000, 64),
    retries: int('retries', 0, 100, 2),
    remote: remote === 'all' ? 'all' : 'fanout',
    setup: list('setup'),
    node: text('node') ?? 'node',
    spool: path.resolve(root, spool ?? path.join('cache', 'cluster')),
    sbatchArgs: list('sbatch_args'),
    pollMs: int('poll_ms', 1, 60_000, 20),
    monitorMs: int('monitor_ms', 100, 600_000, 2000),
  };
}
