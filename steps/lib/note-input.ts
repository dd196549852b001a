/**
 * The optional `notes` input of the table writers: a JSON string (e.g. the `note` output of
 * cell-flags) or a table with a `note` column, appended to a table's written note.
 */
import { StepError, type StepContext } from '../../engine/step.js';
import { column, hasColumn } from '../../engine/table.js';
import { isTable } from '../../engine/value.js';

/** The text of input `notes`, or '' when it is not connected. */
export function notesInput(ctx: StepContext<unknown>, step: string): string {
  const v = ctx.inputs.notes;
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (isTable(v) && hasColumn(v, 'note')) return column(v, 'note').filter((c) => c !== null && c !== '').map(String).join(' ');
  throw new StepError('bad-notes', `${step}: input \`notes\` must be a text (e.g. the \`note\` output of cell-flags) or a table with a \`note\` column`);
}

/** `a` and `b` joined by one space, either may be empty. */
export const joinNotes = (a: string | undefined, b: string): string => [a ?? '', b].filter((s) => s !== '').join(' ');
