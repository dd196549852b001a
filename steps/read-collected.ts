/**
 * read-collected: what a sweep collected from its variants (results/<sweep>/<stage>.<output>.csv,
 * written by `agglo sweep`), for a pipeline that shows it beside its own results. The file may
 * not exist yet (the sweep has not run): then the table is empty and the run says how to make
 * it; when the sweep writes it, the stages reading it are out of date and rerun.
 */
import fs from 'node:fs';
import { readCsvFile } from '../engine/csv.js';
import { defineStep } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';

/** Params of {@link readCollected}. */
export interface ReadCollectedParams {
  path: string;
  sweep?: string;
}

export const readCollected = defineStep<ReadCollectedParams>({
  name: 'read-collected',
  version: '1',
  description: 'Reads a table a sweep collected (results/<sweep>/<stage>.<output>.csv); an empty table, with a note saying how to make it, while the sweep has not run.',
  params: {
    type: 'object',
    properties: {
      path: { type: 'string', format: 'optional-file-path', pattern: '^results/.+\\.csv$', description: 'The collected table, under results/ (written by `agglo sweep`); it may not exist yet.' },
      sweep: { type: 'string', description: 'The sweep file that writes it, named in the note when the table does not exist yet.' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: {},
  outputs: { table: 'The collected table: variant, each dimension\'s choice, then the collected columns; no rows (and no columns) while the file does not exist.' },
  // Its columns are those the sweep collected, known only once it has run.
  columns: (ctx) => ({ table: { unknown: `the columns of \`${ctx.params.path}\` are what its sweep collected` } }),
  run(ctx) {
    const { path, sweep } = ctx.params;
    const abs = ctx.resolvePath(path);
    if (!fs.existsSync(abs)) {
      ctx.note(`${path} does not exist yet: run \`agglo sweep ${sweep ?? 'SWEEP_FILE'}\` to collect it, then run this pipeline again`);
      return { table: tableFromColumns({}) };
    }
    return { table: readCsvFile(abs, { file: path, strings: ['variant'] }) };
  },
});
