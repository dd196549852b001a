/**
 * `agglo gc [--dry-run]`: removes cache entries that no current pipeline references. A
 * pipeline is current when its file exists; what it references is its last run's state
 * (the results `agglo show` and the next no-op run use). Refuses while a run is going on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { liveRuns, processAlive } from '../lock.js';
import type { PipelineState } from '../state.js';
import { EXIT_FAILED, EXIT_OK, openProject, type Io } from './common.js';

export function gcCommand(flags: { dryRun: boolean }, io: Io): number {
  const project = openProject(io);
  const runs = liveRuns(project.root);
  if (runs.length > 0) {
    io.err(`error: agglo run is in progress (pid ${runs.join(', ')}); run gc when it has finished\n`);
    return EXIT_FAILED;
  }
  const store = project.store;
  const stateDir = path.join(store.dir, 'state');
  const keepRecords = new Set<string>();
  const keepObjects = new Set<string>();
  const staleStates: string[] = [];
  for (const f of safeList(stateDir).filter((f) => f.startsWith('pipeline-') && f.endsWith('.json'))) {
    const name = f.slice(0, -5);
    const s = store.readState(name) as PipelineState | undefined;
    const file = (s as { file?: string } | undefined)?.file;
    if (!s || !file || !fs.existsSync(path.resolve(project.root, file))) {
      staleStates.push(name);
      continue;
    }
    for (const stage of Object.values(s.stages)) {
      for (const item of Object.values(stage.items)) {
        keepRecords.add(item.fp);
        for (const h of Object.values(item.outputs)) keepObjects.add(h);
        for (const h of Object.values(item.written ?? {})) keepObjects.add(h);
      }
    }
  }
  const records = store.listRecords().filter((r) => !keepRecords.has(r));
  const objects = store.listObjects().filter((o) => !keepObjects.has(o));
  let bytes = 0;
  for (const o of objects) bytes += safeSize(path.join(store.dir, 'objects', o.slice(0, 2), o));
  const temps = staleTempFiles(store.dir);
  if (!flags.dryRun) {
    for (const t of temps) fs.rmSync(t, { force: true });
    for (const r of records) store.deleteRecord(r);
    for (const o of objects) store.deleteObject(o);
    for (const s of staleStates) fs.rmSync(path.join(stateDir, `${s}.json`), { force: true });
  }
  const verb = flags.dryRun ? 'would remove' : 'removed';
  io.out(`${verb} ${records.length} run records and ${objects.length} objects (${(bytes / 1e6).toFixed(1)} MB)${temps.length ? ` and ${temps.length} temp files left by interrupted runs` : ''}; kept ${keepRecords.size} records referenced by current pipelines\n`);
  return EXIT_OK;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function safeSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Temp files (`name.tmp-PID-…`) of writers that are no longer running (e.g. a run killed mid-write). */
function staleTempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of safeList(d)) {
      const p = path.join(d, e);
      const m = /\.tmp-(\d+)-[0-9a-f]+$/.exec(e);
      if (m) {
        if (!processAlive(Number(m[1]))) out.push(p);
      } else if (fs.statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

