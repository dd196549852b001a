/** Worker-thread entry: loads the step named in each request and runs it. */
import { parentPort } from 'node:worker_threads';
import type { TaskRequest } from './executor.js';
import { runStepInProcess } from './run-step.js';
import { lookupStep } from './step-lookup.js';

parentPort?.on('message', async (req: TaskRequest) => {
  const def = await lookupStep(req.source, req.step);
  if (!def) {
    parentPort?.postMessage({ ok: false, reason: 'unknown-step', message: `step \`${req.step}\` not found in ${req.source}`, internal: true, ms: 0 });
    return;
  }
  parentPort?.postMessage(await runStepInProcess(def, req));
});
