/**
 * Calls a step's `run` with a StepContext and turns whatever happens into a TaskOutcome:
 * shared by the inline executor and the worker threads.
 */
import path from 'node:path';
import type { TaskOutcome, TaskRequest } from './executor.js';
import { StepError, type StepDefinition } from './step.js';

export async function runStepInProcess(def: StepDefinition, req: TaskRequest): Promise<TaskOutcome> {
  const files: { path: string; content: string | Uint8Array }[] = [];
  const notes: string[] = [];
  const t0 = performance.now();
  try {
    const outputs = await def.run({
      params: req.params,
      inputs: req.inputs,
      item: req.item,
      root: req.root,
      resolvePath: (rel) => path.resolve(req.root, rel),
      writeFile: (rel, content) => {
        files.push({ path: checkResultsPath(rel), content });
      },
      note: (m) => {
        notes.push(m);
      },
    });
    const declared = Object.keys(def.outputs);
    const missing = declared.filter((o) => typeof outputs !== 'object' || outputs === null || !Object.hasOwn(outputs, o));
    if (missing.length > 0) throw new Error(`step ${def.name} did not return output(s) ${missing.join(', ')}`);
    return { ok: true, outputs, files, notes, ms: performance.now() - t0 };
  } catch (e) {
    const ms = performance.now() - t0;
    if (e instanceof StepError || (e as { name?: string })?.name === 'StepError') {
      const se = e as StepError;
      // A plugin's own StepError-named class may lack a reason: the failure still needs one.
      return { ok: false, reason: typeof se.reason === 'string' && se.reason !== '' ? se.reason : 'step-error', message: String(se.message), internal: false, ms };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, reason: 'internal-error', message: `step \`${def.name}\` crashed: ${err.message}`, internal: true, stack: err.stack, ms };
  }
}

/** Steps may write only under results/: anything else would escape the cache's control. */
function checkResultsPath(rel: string): string {
  const norm = path.posix.normalize(rel.replaceAll('\\', '/'));
  if (!norm.startsWith('results/') || norm.includes('../') || path.isAbsolute(rel)) {
    throw new StepError('bad-output-path', `files can only be written under results/, not \`${rel}\``);
  }
  return norm;
}
