/**
 * write-table: writes a table as a Markdown file under results/ (numbers rounded for
 * reading; use write-csv for the exact values), with an optional title and note, e.g. the
 * warning that a table depends on synthetic inputs.
 */
import { joinNotes, notesInput } from './lib/note-input.js';
import { defineStep, StepError } from '../engine/step.js';
import { nrow } from '../engine/table.js';
import type { Cell } from '../engine/value.js';
import { markdownTable } from './lib/markdown.js';
import { tableInput } from './lib/table-input.js';

/** Params of {@link writeTable}. */
export interface WriteTableParams {
  path: string;
  title?: string;
  note?: string;
  digits: number;
}

function cellText(v: Cell | undefined, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v);
}

export const writeTable = defineStep<WriteTableParams>({
  name: 'write-table',
  version: '2',
  description: 'Writes a table as a Markdown file under results/, numbers rounded to `digits` decimals, with an optional title and note.',
  params: {
    type: 'object',
    properties: {
      path: { type: 'string', pattern: '^results/.*\\.md$', description: 'Output file under results/, ending in .md.' },
      title: { type: 'string', description: 'Heading written above the table.' },
      note: { type: 'string', description: 'Text written below the table (sources, caveats).' },
      digits: { type: 'integer', minimum: 0, maximum: 15, default: 3, description: 'Decimals shown for non-integer numbers.' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to write.' }, notes: { description: 'Text appended to the note (e.g. the `note` output of cell-flags), or a table with a `note` column.', optional: true } },
  outputs: { file: 'JSON {path, rows}.' },
  // Its output is JSON about the file it writes, not a table.
  columns: () => ({}),
  run(ctx) {
    const { path, title, digits } = ctx.params;
    const note = joinNotes(ctx.params.note, notesInput(ctx, 'write-table'));
    if (path.split('/').includes('..')) throw new StepError('bad-path', `write-table: path \`${path}\` must stay under results/`);
    const t = tableInput(ctx, 'data', 'write-table');
    const n = nrow(t);
    const rows: string[][] = [];
    for (let i = 0; i < n; i++) rows.push(t.columns.map((c) => cellText(c.values[i], digits)));
    const right = t.columns.map((c) => c.values.every((v) => v === null || typeof v === 'number'));
    const parts = [title ? `**${title}**\n\n` : '', markdownTable(t.columns.map((c) => c.name), rows, right), note ? `\n${note}\n` : ''];
    ctx.writeFile(path, parts.join(''));
    return { file: { path, rows: n } };
  },
});
