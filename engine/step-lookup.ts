/**
 * A step definition by its source ("builtin", or the plugin module that defines it) and name,
 * for processes that run tasks without the coordinator's registry: worker threads
 * (engine/worker.ts) and SLURM worker jobs (engine/cluster/worker-main.ts). Each source is
 * imported once per process.
 */
import { loadStepModule } from './plugins.js';
import type { StepDefinition } from './step.js';

const bySource = new Map<string, Map<string, StepDefinition>>();

export async function lookupStep(source: string, name: string): Promise<StepDefinition | undefined> {
  let m = bySource.get(source);
  if (!m) {
    const defs = source === 'builtin' ? (await import('../steps/index.js')).builtinSteps : await loadStepModule(source);
    m = new Map(defs.map((d) => [d.name, d]));
    bySource.set(source, m);
  }
  return m.get(name);
}
