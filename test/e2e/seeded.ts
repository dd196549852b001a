/**
 * Helpers for the seeded robustness tests (kill-recovery, corruption): a small deterministic
 * PRNG, so that a failing trial names a seed that replays the same choices, and checks of a
 * project folder after the fact (results bytes, cache objects, temp files).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rng } from '../../bench/rng.js';

/** mulberry32 (bench/rng.ts): a tiny, well-mixed 32-bit PRNG; the same seed gives the same numbers everywhere. */
export const mulberry32 = rng;

/**
 * A small seeded panel CSV (region,year,a,b,y: uniform a in [0, 10), b in [0, 5), y in
 * [0, 20), three decimals) for the sweep tests: `regions` regions A, B, … × 2011–2016.
 */
export function smallPanelCsv(seed: number, regions: number): string {
  const rand = mulberry32(seed);
  const lines = ['region,year,a,b,y'];
  for (const r of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, regions)) {
    for (let t = 2011; t <= 2016; t++) lines.push(`${r},${t},${(10 * rand()).toFixed(3)},${(5 * rand()).toFixed(3)},${(20 * rand()).toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

/** One element of a non-empty list, chosen by `rand`. */
export function pick<T>(rand: () => number, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick: empty list');
  return list[Math.floor(rand() * list.length)]!;
}

/** Every file under `dir` (relative, `/`-separated), in a stable order; [] when there is no `dir`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/**
 * The bytes of every file under `root/sub`, keyed by path. Latin-1 maps bytes to characters
 * one to one, so equal snapshots are byte-identical folders, and a diff of text stays readable.
 */
export function snapshot(root: string, sub: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of listFiles(path.join(root, sub))) out[`${sub}/${rel}`] = fs.readFileSync(path.join(root, sub, rel)).toString('latin1');
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Temp files of the atomic writer (`name.tmp-PID-…`, engine/store.ts writeFileAtomic) anywhere under `root`. */
export function tempFiles(root: string): string[] {
  return listFiles(root).filter((f) => /\.tmp-\d+-[0-9a-f]+$/.test(f));
}

/** Paths of the objects in cache/objects (shard/hash), temp files left out. */
export function objectFiles(root: string): string[] {
  return listFiles(path.join(root, 'cache/objects')).filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f));
}

/**
 * What is wrong in the cache: objects whose bytes do not hash to their name (the store names
 * an object by the sha256 of its bytes, under a folder of its first two hex digits), entries
 * in cache/objects that are neither objects nor temp files, and run records that are not JSON.
 */
export function cacheProblems(root: string): string[] {
  const problems: string[] = [];
  const objects = path.join(root, 'cache/objects');
  for (const rel of listFiles(objects)) {
    if (/\.tmp-\d+-[0-9a-f]+$/.test(rel)) continue;
    const m = /^([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(rel);
    if (!m || !m[2]!.startsWith(m[1]!)) problems.push(`stray entry cache/objects/${rel}`);
    else if (sha256(fs.readFileSync(path.join(objects, rel))) !== m[2]) problems.push(`corrupt object cache/objects/${rel}`);
  }
  const runs = path.join(root, 'cache/runs');
  for (const rel of listFiles(runs)) {
    if (/\.tmp-\d+-[0-9a-f]+$/.test(rel)) continue;
    try {
      JSON.parse(fs.readFileSync(path.join(runs, rel), 'utf8'));
    } catch {
      problems.push(`run record cache/runs/${rel} is not JSON`);
    }
  }
  return problems;
}

/** A Node stack frame in CLI output: user mistakes and damaged caches must never print one. */
export const STACK_FRAME = /\n\s+at .+[:(]/;
