/**
 * Step `location-quotient`: agglomeration degree of industrial-digitalization talents,
 * LQ = (p_r / e_r) / (P / E) per period (paper eq 9, METHOD-NOTES stage C; Table 1).
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, withColumn } from '../engine/table.js';
import { isTable, type Cell, type Table } from '../engine/value.js';
import { locationQuotient as kernel, sampleTotals } from './kernels/location-quotient.js';
import { paramColumns, requireInputColumns, withColumns } from './lib/columns.js';

/** Params of `location-quotient`. */
export interface LocationQuotientParams {
  /** Region column (default `province`). */
  group?: string;
  /** Period column (default `year`); national totals are formed per period. */
  time?: string;
  /** Practitioners column (default `practitioners`). */
  practitioners?: string;
  /** Employed persons column (default `employment`). */
  employment?: string;
  /** `sample`: national totals = sums over the rows of the period (default); `given`: from input `national`. */
  national?: 'sample' | 'given';
  /** Name of the added column (default `lq`). */
  lq_column?: string;
}

function fmt(v: Cell | undefined): string {
  return v === null || v === undefined ? 'NA' : String(v);
}

/** Adds the location quotient of practitioners relative to employment. */
export const locationQuotient = defineStep<LocationQuotientParams>({
  name: 'location-quotient',
  version: '1',
  description: 'Location quotient LQ = (practitioners_r / employment_r) / (national practitioners / national employment) per period (paper eq 9).',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      group: { type: 'string', default: 'province', description: 'region column' },
      time: { type: 'string', default: 'year', description: 'period column' },
      practitioners: { type: 'string', default: 'practitioners', description: 'practitioners column' },
      employment: { type: 'string', default: 'employment', description: 'employed persons column' },
      national: { enum: ['sample', 'given'], default: 'sample', description: 'sample: national totals are the sums over the regions in the data; given: read them from input `national`' },
      lq_column: { type: 'string', default: 'lq', description: 'name of the added column' },
    },
  },
  inputs: {
    data: { description: 'a table with region, period, practitioners and employment columns' },
    national: { description: 'with `national: given`: a table with the period, practitioners and employment columns (same names), one row per period', optional: true },
  },
  outputs: { data: 'the input table with the lq column added' },
  columns(ctx) {
    const p = ctx.params;
    requireInputColumns(ctx, 'data', ['group', 'time', 'practitioners', 'employment'].flatMap((k) => paramColumns(p, k)));
    if (p.national === 'given') requireInputColumns(ctx, 'national', ['time', 'practitioners', 'employment'].flatMap((k) => paramColumns(p, k)));
    const input = ctx.inputs.data;
    return input ? { data: withColumns(input, [p.lq_column ?? 'lq']) } : {};
  },
  run(ctx) {
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table');
    const p = ctx.params;
    const names = { group: p.group ?? 'province', time: p.time ?? 'year', p: p.practitioners ?? 'practitioners', e: p.employment ?? 'employment' };
    const where = 'input `data`';
    const grp = column(data, names.group, where);
    const time = column(data, names.time, where);
    const pr = numericColumn(data, names.p, where);
    const em = numericColumn(data, names.e, where);
    const n = pr.length;
    const label = (i: number): string => `row ${i + 1} (${names.group} ${fmt(grp[i])}, ${names.time} ${fmt(time[i])})`;

    // Period codes in first-seen order; a Map keeps 2011 and "2011" apart, as the data does.
    const periods = new Map<Cell, number>();
    const code = new Int32Array(n);
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const t = time[i] ?? null;
      if (t === null) throw new StepError('missing-value', `${where}, row ${i + 1}: \`${names.time}\` is missing; every row needs a period`);
      if (!periods.has(t)) periods.set(t, periods.size);
      code[i] = periods.get(t)!;
      const key = JSON.stringify([grp[i] ?? null, t]);
      if (seen.has(key)) throw new StepError('duplicate-row', `${where}, ${label(i)}: this region and period appear more than once; aggregate or deduplicate the rows first`);
      seen.add(key);
      for (const [col, v] of [[names.p, pr[i]!], [names.e, em[i]!]] as const) {
        if (Number.isNaN(v)) throw new StepError('missing-value', `${where}, ${label(i)}: \`${col}\` is missing; fill it (e.g. with the impute step) or drop the row`);
      }
      if (em[i] === 0) throw new StepError('zero-employment', `${where}, ${label(i)}: \`${names.e}\` is 0, so the region's practitioner share is undefined; check the employment data`);
    }

    const totals = p.national === 'given' ? givenTotals(ctx.inputs.national, names, periods) : sampleTotals(pr, em, code, periods.size);
    for (const [t, k] of periods) {
      const what = p.national === 'given' ? 'in input `national`' : 'summed over the regions';
      if (!(totals.employment[k]! !== 0)) throw new StepError('zero-national', `${names.time} ${fmt(t)}: national \`${names.e}\` ${what} is 0; the location quotient is undefined`);
      if (!(totals.practitioners[k]! !== 0)) throw new StepError('zero-national', `${names.time} ${fmt(t)}: national \`${names.p}\` ${what} is 0; the location quotient is undefined`);
    }
    return { data: withColumn(data, p.lq_column ?? 'lq', kernel(pr, em, code, totals)) };
  },
});

function givenTotals(
  nat: unknown,
  names: { time: string; p: string; e: string },
  periods: Map<Cell, number>,
): { practitioners: Float64Array; employment: Float64Array } {
  if (!isTable(nat)) {
    throw new StepError('missing-input', 'with `national: given` the step needs input `national`: a table with one row per period holding national practitioners and employment');
  }
  const where = 'input `national`';
  const t = column(nat as Table, names.time, where);
  const np = numericColumn(nat as Table, names.p, where);
  const ne = numericColumn(nat as Table, names.e, where);
  const sp = new Float64Array(periods.size).fill(NaN);
  const se = new Float64Array(periods.size).fill(NaN);
  for (let i = 0; i < t.length; i++) {
    const k = periods.get(t[i] ?? null);
    if (k === undefined) continue;
    if (!Number.isNaN(sp[k]!)) throw new StepError('duplicate-row', `${where}: ${names.time} ${fmt(t[i])} appears more than once; give one row per period`);
    if (Number.isNaN(np[i]!) || Number.isNaN(ne[i]!)) throw new StepError('missing-value', `${where}, row ${i + 1} (${names.time} ${fmt(t[i])}): \`${Number.isNaN(np[i]!) ? names.p : names.e}\` is missing`);
    sp[k] = np[i]!;
    se[k] = ne[i]!;
  }
  for (const [tv, k] of periods) {
    if (Number.isNaN(sp[k]!)) throw new StepError('missing-national', `${where} has no row for ${names.time} ${fmt(tv)}, which input \`data\` has; add the national totals for that period`);
  }
  return { practitioners: sp, employment: se };
}
