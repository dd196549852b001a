/**
 * `agglo watch [PIPELINE]`: reruns on a change of the pipeline file, its input files or its
 * plugins (chokidar), debounced; prints what reran and why. An edit that makes the pipeline
 * invalid prints the diagnostics and waits for the next save.
 */
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { filePathParams, withDefaults } from '../params-schema.js';
import type { Plan } from '../plan.js';
import { runLoaded, type RunFlags } from './run.js';
import { EXIT_INVALID, loadOrReport, openProject, withProjectLock, type Io, type Project } from './common.js';
import { loadState, stateName } from '../state.js';
import { outsideRoot } from '../confine.js';

/** Every file a change of which can change a result. */
export function watchedFiles(plan: Plan | undefined, pipelineFile: string, pluginFiles: string[], root: string): string[] {
  const files = new Set<string>([path.resolve(root, pipelineFile), ...pluginFiles]);
  for (const s of plan?.stages.values() ?? []) {
    for (const ref of Object.values(s.spec.inputs)) if (ref.kind === 'file') files.add(path.resolve(root, ref.path));
    for (const src of Object.values(s.spec.foreach ?? {})) if (src.kind === 'file') files.add(path.resolve(root, src.path));
    for (const f of filePathParams(s.step.def.params, withDefaults(s.step.def, s.spec.params))) if (!f.value.includes('${')) files.add(path.resolve(root, f.value));
  }
  return [...files];
}

/**
 * The files the last run's items read through file-path params (from the pipeline state).
 * The state is cache metadata, never trusted for a path: a file it lists outside what the
 * project may read (engine/confine.ts) is not watched.
 */
function itemFiles(project: Project, plan: Plan): string[] {
  const state = loadState(project.store, stateName(project.root, plan.pipeline.file));
  const out = new Set<string>();
  for (const st of Object.values(state.stages)) {
    for (const item of Object.values(st.items)) {
      for (const f of Object.keys(item.files ?? {})) {
        const abs = path.resolve(project.root, f);
        if (outsideRoot(abs, project.root) === undefined) out.add(abs);
      }
    }
  }
  return [...out];
}

export async function watchCommand(flags: RunFlags & { debounceMs?: number }, io: Io, signal?: AbortSignal): Promise<number> {
  const project = openProject(io);
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const rewatch = async (files: string[]): Promise<void> => {
    await watcher?.close();
    const { watch } = await import('chokidar');
    watcher = watch(files, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
    // A file that cannot be watched (no permission, a link loop) is a warning, not a crash.
    watcher.on('error', (e) => {
      const err = e as NodeJS.ErrnoException;
      const where = err.path ? ` ${path.relative(project.root, err.path) || '.'}` : '';
      io.err(`warning: cannot watch${where}: ${err.code ?? err.message}; changes to it are not seen\n`);
    });
    watcher.on('all', (_ev, file) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(() => cycle(`${path.relative(project.root, file)} changed`));
      }, flags.debounceMs ?? 200);
    });
    // Watching starts when chokidar has set up every path, not when watch() returns: a file
    // saved before that would be missed (seen once under load in CI).
    await new Promise<void>((resolve) => watcher!.once('ready', () => resolve()));
  };
  // Each rerun holds the run lock from loading on, like `agglo run`; gc can go in between.
  const locked = (): Promise<number> => withProjectLock(project, io, async () => {
    const { loaded, plan } = await loadOrReport(flags.pipeline, project, io);
    const files = watchedFiles(plan, flags.pipeline, [...loaded.pluginFiles, ...(loaded.baseFiles ?? [])], project.root);
    await rewatch(files);
    if (!plan) {
      io.out('pipeline is invalid: fix it and save; watching for changes…\n');
      return EXIT_INVALID;
    }
    const code = await runLoaded(flags, io, { project, loaded, plan });
    // Files named per item (`path: "data/${item.year}.csv"`) are known once the items are:
    // the run's state lists every file each item read. Watched anew with them (chokidar says
    // when an initial set is ready, not when an added path is), before saying so.
    await rewatch([...new Set([...files, ...itemFiles(project, plan)])]);
    io.out('watching for changes… (Ctrl-C to stop)\n');
    return code;
  });
  const cycle = async (why: string): Promise<void> => {
    io.out(`\n[${new Date().toLocaleTimeString()}] ${why}\n`);
    await locked();
    // Not started (a gc held the lock too long): at least a save of the pipeline retries.
    if (watcher === undefined) await rewatch([path.resolve(project.root, flags.pipeline)]);
  };
  running = cycle('starting');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    signal?.addEventListener('abort', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearTimeout(timer);
  await running;
  await watcher?.close();
  return 0;
}
