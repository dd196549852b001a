/**
 * read-csv: loads a CSV file into a table (RFC 4180; typing rules in engine/csv.ts).
 */
import { columnHint } from '../engine/column-list.js';
import { readCsvFile } from '../engine/csv.js';
import { own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import type { Table } from '../engine/value.js';
import { paramColumns } from './lib/columns.js';

/** Params of {@link readCsv}. */
export interface ReadCsvParams {
  path: string;
  strings?: string[];
  rename?: Record<string, string>;
}

/** Reads a CSV file (path relative to the project root) into a table. */
export const readCsv = defineStep<ReadCsvParams>({
  name: 'read-csv',
  version: '1',
  description: 'Reads a CSV file into a table. Empty, NA, NaN and null cells are missing; a column whose cells are all numbers becomes numeric.',
  params: {
    type: 'object',
    properties: {
      path: { type: 'string', format: 'file-path', description: 'CSV file, relative to the project root.' },
      strings: {
        type: 'array',
        items: { type: 'string' },
        default: [],
        description: 'Columns kept as text even if they look numeric (codes such as "01").',
      },
      rename: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'Renames columns after reading: {old_name: new_name}.',
      },
    },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: {},
  outputs: { table: 'The file as a table.' },
  columns(ctx) {
    const { path, rename = {} } = ctx.params;
    if (path.includes('${')) return { table: { unknown: 'its file name depends on an item known only when it runs' } };
    const header = ctx.csvHeader(path);
    if (!header) return { table: { unknown: `the header of \`${path}\` could not be read before running` } };
    for (const [at, name, key] of [...paramColumns(ctx.params, 'strings'), ...paramColumns(ctx.params, 'rename', true)]) {
      if (!header.includes(name)) ctx.unknownColumn({ at, name, columns: header, file: path, ...(key ? { key } : {}) });
    }
    return { table: header.map((c) => own(rename, c) ?? c) };
  },
  run(ctx) {
    const { path, strings = [], rename = {} } = ctx.params;
    const table = readCsvFile(ctx.resolvePath(path), { file: path, strings });
    return { table: renameColumns(table, rename, path) };
  },
});

function renameColumns(t: Table, rename: Record<string, string>, file: string): Table {
  const names = t.columns.map((c) => c.name);
  for (const old of Object.keys(rename)) {
    if (!names.includes(old)) {
      throw new StepError('missing-column', `${file}: \`rename\` lists column \`${old}\`, which the file does not have; ${columnHint(old, names)}`);
    }
  }
  const columns = t.columns.map((c) => ({ name: own(rename, c.name) ?? c.name, values: c.values }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new StepError('duplicate-column', `${file}: after \`rename\` two columns are named \`${c.name}\`; pick another new name`);
    seen.add(c.name);
  }
  return { kind: 'table', columns };
}
