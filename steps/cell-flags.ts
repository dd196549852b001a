/**
 * cell-flags: which cells of each model variable rest on estimated data. Reads the data set's
 * flags table (one row per source cell: real | derived | estimated | missing) and the cells the
 * pipeline itself filled (impute's `filled`), and gives every variable's cells, counts and a
 * note for the tables that show them (data/tidy/flags.csv, docs/data.md).
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, hasColumn, numericColumn, nrow, tableFromColumns, tableFromRows } from '../engine/table.js';
import { isTable, type Table } from '../engine/value.js';
import { isCellStatus, noteText, STATUSES, summarise, variableCells, type SourceFlag } from './kernels/cell-flags.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link cellFlags}. */
export interface CellFlagsParams {
  sources: Record<string, string[]>;
  entity?: string;
  time?: string;
  where?: string;
  across_entities?: string[];
}

/** The file a cell-flags `summary` says the cells are listed in (params.where), if any. */
export function estimatesListedIn(summary: Table): string | undefined {
  return hasColumn(summary, 'listed_in') ? column(summary, 'listed_in').map((c) => String(c ?? '')).find((c) => c !== '') : undefined;
}

/** Step `cell-flags`. */
export const cellFlags = defineStep<CellFlagsParams>({
  name: 'cell-flags',
  version: '2',
  description:
    'Provenance of model variables cell by cell. Input `flags` has one row per source cell (entity, time, variable, status, method) ' +
    'with status real, derived, estimated or missing; input `filled` (optional, the `filled` output of impute: entity, time, column, method) ' +
    'marks cells the pipeline filled as estimated. params.sources names the source columns of each model variable; a variable\'s cell ' +
    'takes the worst status of its source cells (estimated over derived over real; missing stays missing). The sample is the ' +
    '(entity, time) pairs of input `data`. Outputs every variable cell, a summary per variable and one note sentence for tables.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['sources'],
    properties: {
      sources: {
        type: 'object',
        minProperties: 1,
        additionalProperties: { type: 'array', items: { type: 'string' }, minItems: 1 },
        description: 'Model variable → the source columns (as named in the flags table) it is computed from, e.g. {pcw: [avg_wage], rd: [rd_spend_industrial, gdp]}.',
      },
      entity: { type: 'string', default: 'province', description: 'Entity column of `flags` and `data`.' },
      time: { type: 'string', default: 'year', description: 'Time column of `flags` and `data`.' },
      where: { type: 'string', description: 'Where a reader finds the cells (e.g. the results file the `cells` output is written to); named in the note.' },
      across_entities: { type: 'array', items: { type: 'string' }, default: [], description: 'Source columns that enter every entity\'s value of a period (e.g. employment, the weights of eq 9\'s national average): a cell takes the worst status of the column over all entities of the sample in its period.' },
    },
  },
  inputs: {
    flags: { description: 'The data set\'s flags: entity, time, variable, status (real | derived | estimated | missing), method.' },
    data: { description: 'The sample: a table whose (entity, time) rows are the cells counted.' },
    filled: { description: 'Cells filled by the pipeline (the `filled` output of impute).', optional: true },
  },
  outputs: {
    summary: 'Per variable: cells, real, derived, estimated, missing, where (the estimated cells by year), listed_in (params.where), note.',
    cells: 'Every variable cell: entity, time, variable, status, because (the non-real source cells and their methods).',
    note: 'One sentence (JSON string) for table notes: how many cells of each variable are estimated and where to look.',
  },
  columns(ctx) {
    const p = ctx.params;
    const named = ['entity', 'time'].flatMap((k) => paramColumns(p, k));
    requireInputColumns(ctx, 'flags', named);
    requireInputColumns(ctx, 'data', named);
    return {
      summary: ['variable', 'cells', 'real', 'derived', 'estimated', 'missing', 'where', 'listed_in', 'note'],
      cells: [p.entity ?? 'province', p.time ?? 'year', 'variable', 'status', 'because'],
    };
  },
  run(ctx) {
    const p = ctx.params;
    const ent = p.entity ?? 'province';
    const tim = p.time ?? 'year';
    const flagsT = tableInput(ctx, 'flags', 'cell-flags');
    requireColumns(flagsT, [ent, tim, 'variable', 'status', 'method'], 'cell-flags: input `flags`');
    const fe = column(flagsT, ent), ft = numericColumn(flagsT, tim, 'cell-flags: input `flags`'), fv = column(flagsT, 'variable');
    const fs = column(flagsT, 'status'), fm = column(flagsT, 'method');
    const flags: SourceFlag[] = [];
    for (let i = 0; i < nrow(flagsT); i++) {
      const s = String(fs[i] ?? '');
      if (!isCellStatus(s)) throw new StepError('bad-status', `input \`flags\`, row ${i + 1} (${String(fe[i])} ${ft[i]} ${String(fv[i])}): status "${s}" is not one of ${STATUSES.join(', ')}`);
      flags.push({ entity: String(fe[i] ?? ''), time: ft[i]!, column: String(fv[i] ?? ''), status: s, method: String(fm[i] ?? '') });
    }
    const filled = ctx.inputs.filled;
    if (filled !== undefined) {
      if (!isTable(filled)) throw new StepError('not-a-table', 'input `filled` must be a table (the `filled` output of impute)');
      requireColumns(filled, ['entity', 'time', 'column', 'method'], 'cell-flags: input `filled`');
      const e = column(filled, 'entity'), t = numericColumn(filled, 'time'), c = column(filled, 'column'), m = column(filled, 'method');
      for (let i = 0; i < nrow(filled); i++) {
        flags.push({ entity: String(e[i] ?? ''), time: t[i]!, column: String(c[i] ?? ''), status: 'estimated', method: `filled by the pipeline (impute, ${String(m[i])})` });
      }
    }
    const data: Table = tableInput(ctx, 'data', 'cell-flags');
    requireColumns(data, [ent, tim], 'cell-flags: input `data`');
    const de = column(data, ent), dt = numericColumn(data, tim, 'cell-flags: input `data`');
    const sample = Array.from({ length: nrow(data) }, (_, i) => ({ entity: String(de[i] ?? ''), time: dt[i]! }));
    const known = new Set(flags.map((f) => f.column));
    const across = new Set(p.across_entities ?? []);
    const unknown = [...new Set([...Object.values(p.sources).flat(), ...across])].filter((c) => !known.has(c));
    if (unknown.length) throw new StepError('unknown-column', `params.sources names column(s) ${unknown.join(', ')} that input \`flags\` never flags; flagged columns: ${[...known].join(', ')}`);
    const cells = variableCells(flags, p.sources, sample, (e, t, c) => {
      throw new StepError('missing-flag', `input \`flags\` has no row for ${ent} ${e}, ${tim} ${t}, column ${c}; the flags must cover every cell of the sample`);
    }, across);
    const perTime = new Map<number, number>();
    for (const s of sample) perTime.set(s.time, (perTime.get(s.time) ?? 0) + 1);
    const summary = summarise(cells, perTime);
    const note = noteText(summary, p.where);
    for (const s of summary) if (s.counts.estimated > 0) ctx.note(`${s.variable}: ${s.counts.estimated} of ${s.cells} cells estimated (${s.where})`);
    return {
      summary: tableFromRows(summary.map((s) => ({
        variable: s.variable, cells: s.cells, real: s.counts.real, derived: s.counts.derived, estimated: s.counts.estimated, missing: s.counts.missing,
        where: s.where, listed_in: p.where ?? '', note: s.counts.estimated > 0 ? `Estimated cells of ${s.variable}: ${s.counts.estimated} of ${s.cells} (${s.where})${p.where ? `; cell by cell: ${p.where}` : ''}.` : '',
      }))),
      cells: tableFromColumns({
        [ent]: cells.map((c) => c.entity), [tim]: cells.map((c) => c.time), variable: cells.map((c) => c.variable),
        status: cells.map((c) => c.status), because: cells.map((c) => c.because),
      }),
      note,
    };
  },
});
