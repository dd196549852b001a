/** `agglo validate [PIPELINE]`: every problem in one go; exit 2 when there are errors. */
import { EXIT_INVALID, EXIT_OK, loadOrReport, openProject, type Io } from './common.js';

export async function validateCommand(pipeline: string, io: Io): Promise<number> {
  const { plan } = await loadOrReport(pipeline, openProject(io), io);
  if (!plan) return EXIT_INVALID;
  io.out(`${plan.pipeline.displayFile}: ok (${plan.order.length} stages)\n`);
  return EXIT_OK;
}
