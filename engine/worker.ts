/** Worker-thread entry: loads the step named in each request and runs it. */
import { parentPort } from 'node:worker_threads';
import type { TaskRequest } from './executor.js';
import { loadStepModule } from './plugins.js';
import { runStepInProcess } from './run-step.js';
import type { StepDefinition } from './step.js';

const cache = new Map<string, Map<string, StepDefinition>>();

async function stepsOf(source: string): Promise<Map<string, StepDefinition>> {
  let m = cache.get(source);
  if (!m) {
    const defs = source === 'builtin' ? (await import('../steps/index.js')).builtinSteps : await loadStepModule(source);
    m = new Map(defs.map((d) => [d.name, d]));
    cache.set(source, m);
  }
  return m;
}

parentPort?.on('message', async (req: TaskRequest) => {
  const def = (await stepsOf(req.source)).get(req.step);
  if (!def) {
    parentPort?.postMessage({ ok: false, reason: 'unknown-step', message: `step \`${req.step}\` not found in ${req.source}`, internal: true, ms: 0 });
    return;
  }
  parentPort?.postMessage(await runStepInProcess(def, req));
});
