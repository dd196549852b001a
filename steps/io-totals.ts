/**
 * io-totals: the per-sector totals of an input-output table as a table (output, value
 * added, intermediate input and use, final use), e.g. the national totals control-totals reads.
 */
import { dict, own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import type { Cell, Value } from '../engine/value.js';
import { requireIoTable } from './io-table.js';
import { ioTotals as totalsKernel } from './kernels/io-totals.js';

/** Params of {@link ioTotals}. */
export interface IoTotalsParams {
  meta_columns?: string[];
}

/** Step `io-totals`. */
export const ioTotals = defineStep<IoTotalsParams>({
  name: 'io-totals',
  version: '1',
  description:
    'Per-sector totals of an IoTable: sector, output (X), value_added (VA), intermediate_input (column sums of Z, Σ_i z_ij), ' +
    'intermediate_use (row sums of Z, Σ_j z_ij) and final_use (the table\'s final demand, when it has one). These are the ' +
    '`national` columns control-totals reads (with a `year` column from meta_columns). Entries of the table\'s meta named in ' +
    'meta_columns (e.g. year, set by io-table\'s meta_columns) come first as constant columns.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      meta_columns: { type: 'array', items: { type: 'string' }, description: 'Meta entries of the table to add as leading columns, e.g. [year].' },
    },
  },
  inputs: { table: { description: 'The IoTable (from io-table, concordance, ras, gras).' } },
  outputs: { totals: 'Table sector, output, value_added, intermediate_input, intermediate_use[, final_use], after the meta columns.' },
  // final_use is there only when the input-output table has final use, which the data decide.
  columns: () => ({ totals: { unknown: 'it has a `final_use` column only when the input-output table has final use' } }),
  run(ctx) {
    const t = requireIoTable(ctx.inputs.table, 'table');
    const n = t.sectors.length;
    const { intermediateInput, intermediateUse } = totalsKernel(t.z);
    const cols = dict<Cell[]>();
    for (const m of ctx.params.meta_columns ?? []) {
      const v = own(t.meta, m);
      if (v === undefined) throw new StepError('missing-meta', `input \`table\` has no meta entry \`${m}\` (meta: ${Object.keys(t.meta ?? {}).join(', ') || 'none'}); set io-table's meta_columns: [${m}] or remove it from meta_columns`);
      cols[m] = new Array<Cell>(n).fill(v);
    }
    cols.sector = [...t.sectors];
    cols.output = [...t.x];
    cols.value_added = [...t.va];
    cols.intermediate_input = Array.from(intermediateInput);
    cols.intermediate_use = Array.from(intermediateUse);
    if (t.finalDemand) cols.final_use = [...t.finalDemand];
    return { totals: tableFromColumns(cols) as unknown as Value };
  },
});
