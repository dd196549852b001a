/**
 * Per-task time and memory limits (`limits: { time: 30m, memory: 2 GiB }`, at the top of a
 * pipeline for every stage, or in a stage for its tasks). They are enforced for tasks that
 * run in a worker thread (engine/worker-pool.ts): heavy steps, and every task of a stage
 * that sets `limits:` itself. A task past its time is stopped (the worker is terminated); a
 * task past its memory dies with the worker's heap. Either way the task fails with a clear
 * reason, the run goes on under --keep-going, and nothing cached is touched.
 *
 * The memory limit is the worker's JavaScript heap (V8's old generation,
 * `resourceLimits.maxOldGenerationSizeMb`); typed-array buffers are outside it.
 */
import type { NodePath, ParsedFile } from './parse.js';
import type { Reporter } from './validate-report.js';
import { didYouMean } from './suggest.js';

export interface TaskLimits {
  /** Wall-clock time of one task, in milliseconds. */
  readonly timeMs: number;
  /** Heap of the worker thread running one task, in MiB. */
  readonly memoryMb: number;
}

/** Generous for the studies agglo runs (a 42-sector RAS takes well under a second), finite for runaway steps. */
export const DEFAULT_LIMITS: TaskLimits = { timeMs: 60 * 60 * 1000, memoryMb: 4096 };

const MIN_MEMORY_MB = 32;
const MAX_MEMORY_MB = 1024 * 1024;
const MAX_TIME_MS = 7 * 24 * 60 * 60 * 1000;

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const MEMORY_UNITS: Record<string, number> = { mib: 1, mb: 1, m: 1, gib: 1024, gb: 1024, g: 1024 };

type Parsed = { ok: true; value: number } | { ok: false; message: string };

/** A number as it is, or text `<number> <unit>` in one of `units` (factors to the result's unit). */
function parseQuantity(v: unknown, units: Record<string, number>): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(v);
  const unit = m ? units[m[2]!.toLowerCase()] : undefined;
  return unit === undefined ? undefined : Number(m![1]) * unit;
}

/** A duration: seconds as a number, or text such as `90s`, `30m`, `2h`, `500ms`. */
export function parseDuration(v: unknown): Parsed {
  const ms = parseQuantity(typeof v === 'number' ? v * 1000 : v, TIME_UNITS);
  if (ms === undefined) return { ok: false, message: 'must be a duration such as `90s`, `30m` or `2h` (a number is seconds)' };
  if (!Number.isFinite(ms) || ms <= 0) return { ok: false, message: 'must be more than zero' };
  if (ms > MAX_TIME_MS) return { ok: false, message: 'must be at most 7 days' };
  return { ok: true, value: Math.ceil(ms) };
}

/** A memory size: MiB as a number, or text such as `512 MiB`, `4 GiB` (MB and GB are read as MiB and GiB). */
export function parseMemory(v: unknown): Parsed {
  const mb = parseQuantity(v, MEMORY_UNITS);
  if (mb === undefined) return { ok: false, message: 'must be a size such as `512 MiB` or `4 GiB` (a number is MiB)' };
  if (!Number.isFinite(mb) || mb < MIN_MEMORY_MB) return { ok: false, message: `must be at least ${MIN_MEMORY_MB} MiB` };
  if (mb > MAX_MEMORY_MB) return { ok: false, message: 'must be at most 1024 GiB' };
  return { ok: true, value: Math.floor(mb) };
}

/**
 * A `limits:` section as written: each key checked, every problem reported at its value (an
 * unknown key at the key). Not a map: undefined, reported by the structure check.
 */
export function checkLimits(raw: unknown, at: NodePath, parsed: ParsedFile, report: Reporter): Partial<TaskLimits> | undefined {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const locate = (p: NodePath) => parsed.locateNearest(p);
  const out: { timeMs?: number; memoryMb?: number } = {};
  let ok = true;
  for (const [key, value] of Object.entries(raw)) {
    const parser = key === 'time' ? parseDuration : key === 'memory' ? parseMemory : undefined;
    if (!parser) {
      report.error('unknown-key', `\`limits\` has no key \`${key}\``, parsed.locateKey([...at, key]) ?? locate([...at, key]), { hint: didYouMean(key, ['time', 'memory']) ?? 'the keys are `time` and `memory` (each per task)' });
      ok = false;
      continue;
    }
    const r = parser(value);
    if (!r.ok) {
      report.error('bad-limit', `\`limits.${key}\` ${r.message}, not \`${String(value)}\``, locate([...at, key]));
      ok = false;
    } else if (key === 'time') out.timeMs = r.value;
    else out.memoryMb = r.value;
  }
  return ok ? out : undefined;
}

/** `ms` for messages: "90 s", "30 min", "2 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

/** `mb` for messages: "512 MiB", "4 GiB". */
export function formatMemory(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`;
}
