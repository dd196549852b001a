/**
 * `agglo report [PIPELINE]`: brings the pipeline's report stages (steps that observe the
 * pipeline, e.g. `report`) up to date, with everything they show, and says where they wrote.
 */
import { EXIT_INVALID, loadOrReport, openProject, withProjectLock, type Io } from './common.js';
import { runLoaded, type RunFlags } from './run.js';

export async function reportCommand(flags: RunFlags, io: Io): Promise<number> {
  const project = openProject(io);
  // One lock from loading to the end, like `agglo run` (a gc meanwhile could delete inputs).
  return withProjectLock(project, io, async () => {
    const { loaded, plan } = await loadOrReport(flags.pipeline, project, io);
    if (!plan) return EXIT_INVALID;
    const reports = plan.order.filter((id) => plan.stages.get(id)!.step.def.observesPipeline);
    if (reports.length === 0) {
      io.err(`error: ${plan.pipeline.displayFile} has no report stage; add one, e.g.\n  report:\n    step: report\n    params: { path: results/report.html }\n`);
      return EXIT_INVALID;
    }
    return runLoaded({ ...flags, targets: reports }, io, { project, loaded, plan });
  });
}
