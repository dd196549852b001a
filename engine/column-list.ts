/**
 * How a missing column is told to the user, the same before running (engine/columns.ts) and
 * when a step finds it (engine/table.ts, steps/lib/table-input.ts): the closest name when
 * there is one, else the columns there are, cut to a dozen — a panel of 53 columns is one
 * short line, not a screenful.
 */
import { didYouMean } from './suggest.js';

/** Columns listed before "… and N more". */
export const LISTED_COLUMNS = 12;

/** "a, b, c" or "a, b, …, l and 41 more" (or "(none)"). */
export function columnListText(columns: readonly string[], max = LISTED_COLUMNS): string {
  if (columns.length === 0) return '(none)';
  if (columns.length <= max) return columns.join(', ');
  return `${columns.slice(0, max).join(', ')} and ${columns.length - max} more`;
}

/** "did you mean `urban`?" when a column is close to `name`, else "its columns are: …". */
export function columnHint(name: string, columns: readonly string[]): string {
  return didYouMean(name, columns) ?? `its columns are: ${columnListText(columns)}`;
}

/**
 * The message of a run-time missing column: `where` ("input `data`", "panel-regression: input
 * `data` (param `x`)") has no column `name` (or names, each with its suggestion), then one
 * list of the columns, only when some name has no close match.
 */
export function missingColumnsText(where: string, missing: readonly string[], columns: readonly string[]): string {
  const parts = missing.map((m) => {
    const s = didYouMean(m, columns);
    return s ? `\`${m}\` (${s})` : `\`${m}\``;
  });
  const unmatched = missing.some((m) => didYouMean(m, columns) === undefined);
  const list = unmatched ? `; columns are: ${columnListText(columns)}` : '';
  return `${where} has no column ${parts.join(', ')}${list}`;
}

/**
 * The message of run-time missing columns named by params: "param `x[6]` names column `urbn`
 * (did you mean `urban`?), which input `data` does not have", all of them in one sentence,
 * then one list of the columns, only when some name has no close match.
 */
export function missingParamColumnsText(input: string, missing: readonly { param: string; name: string }[], columns: readonly string[]): string {
  const parts = missing.map(({ param, name }) => {
    const s = didYouMean(name, columns);
    return `param \`${param}\` names column \`${name}\`${s ? ` (${s})` : ''}`;
  });
  const unmatched = missing.some((m) => didYouMean(m.name, columns) === undefined);
  return `${parts.join('; ')}, which ${input} does not have${unmatched ? `; columns are: ${columnListText(columns)}` : ''}`;
}
