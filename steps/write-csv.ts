/**
 * write-csv: writes a table as a CSV file under results/ (numbers in shortest round-trip
 * form, see engine/csv.ts).
 */
import { formatCsv } from '../engine/csv.js';
import { defineStep, StepError } from '../engine/step.js';
import { nrow } from '../engine/table.js';
import { tableInput } from './lib/table-input.js';

/** Params of {@link writeCsv}. */
export interface WriteCsvParams {
  path: string;
  na?: string;
}

/** Writes its `data` input to `path` (under results/) and returns `{path, rows}`. */
export const writeCsv = defineStep<WriteCsvParams>({
  name: 'write-csv',
  version: '1',
  description: 'Writes a table as a CSV file under results/.',
  params: {
    type: 'object',
    properties: {
      path: {
        type: 'string',
        pattern: '^results/',
        description: 'Output file relative to the project root; must be under results/, e.g. results/table4.csv.',
      },
      na: { type: 'string', default: '', description: 'Text written for missing cells (default: empty field).' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to write.' } },
  outputs: { file: 'JSON {path, rows}: where the file was written and how many data rows it has.' },
  // Its output is JSON about the file it writes, not a table.
  columns: () => ({}),
  run(ctx) {
    const { path, na = '' } = ctx.params;
    const parts = path.split(/[\\/]+/);
    if (parts[0] !== 'results' || parts.includes('..') || parts.length < 2 || parts[parts.length - 1] === '') {
      throw new StepError('bad-path', `write-csv: path \`${path}\` must name a file under results/ without \`..\`, e.g. results/table4.csv`);
    }
    const data = tableInput(ctx, 'data', 'write-csv');
    ctx.writeFile(path, formatCsv(data, { na }));
    return { file: { path, rows: nrow(data) } };
  },
});
