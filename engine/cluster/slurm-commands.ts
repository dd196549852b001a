/**
 * The SLURM commands the executor uses, each a child process with a clear error when the
 * command is missing or the controller does not answer: `sbatch` (submit one worker job),
 * `squeue` (which of our jobs are still queued or running), `scontrol show job` (how a job
 * that left the queue ended: CANCELLED, TIMEOUT, NODE_FAIL, …) and `scancel`.
 */
import { execFile } from 'node:child_process';

/** A SLURM command that could not do its work, said in a sentence for the user. */
export class SlurmError extends Error {
  override name = 'SlurmError';
}

interface Ran { code: number; stdout: string; stderr: string }

function run(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
      if (e && e.code === 'ENOENT') {
        reject(new SlurmError(`\`${cmd}\` was not found: the SLURM executor needs SLURM's commands (sbatch, squeue, scancel, scontrol) on the PATH of the machine running agglo (on a cluster, its login node; to try it on one machine: scripts/slurm-cluster.sh start)`));
        return;
      }
      if (e && e.killed) {
        reject(new SlurmError(`\`${cmd} ${args.join(' ')}\` did not answer within ${Math.round(timeoutMs / 1000)} s: is the SLURM controller reachable?`));
        return;
      }
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The first line of a command's error output, for messages. */
const firstLine = (r: Ran) => (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';

/** Submits a batch script; returns the job id. */
export async function sbatch(args: readonly string[], script: string): Promise<string> {
  const r = await run('sbatch', ['--parsable', ...args, script]);
  if (r.code !== 0) throw new SlurmError(`sbatch refused the worker job: ${firstLine(r)}`);
  const id = r.stdout.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch answered \`${r.stdout.trim()}\`, not a job id`);
  return id;
}

/** State of each listed job still known to the queue (PENDING, RUNNING, COMPLETING, …). */
export async function squeue(ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const r = await run('squeue', ['-h', '-o', '%i %T', '-j', ids.join(',')]);
  // A job that left the queue long ago makes squeue complain about an invalid id: ask one by one.
  if (r.code !== 0 && /Invalid job id/i.test(r.stderr)) {
    if (ids.length === 1) return out;
    for (const id of ids) for (const [k, v] of await squeue([id])) out.set(k, v);
    return out;
  }
  if (r.code !== 0) throw new SlurmError(`squeue failed: ${firstLine(r)}`);
  for (const line of r.stdout.split('\n')) {
    const [id, state] = line.trim().split(/\s+/);
    if (id && state) out.set(id, state);
  }
  return out;
}

/** How a job ended (its JobState and Reason), or `unknown` once the controller forgot it. */
export async function jobState(id: string): Promise<string> {
  const r = await run('scontrol', ['show', 'job', '-o', id]);
  if (r.code !== 0) return 'unknown';
  const state = /\bJobState=(\S+)/.exec(r.stdout)?.[1];
  const reason = /\bReason=(\S+)/.exec(r.stdout)?.[1];
  return state ? `${state}${reason && reason !== 'None' ? ` (${reason})` : ''}` : 'unknown';
}

/** Cancels the jobs (those already gone are ignored). */
export async function scancel(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await run('scancel', [...ids]);
}
