/**
 * Step `practitioners`: industrial-digitalization practitioners from IDVA, GDP and
 * employment (paper eqs 7-8, METHOD-NOTES stage C).
 *   productivity_rt  = GDP_rt / employment_rt                      (eq 7)
 *   practitioners_rt = IDVA_rt · idva_to_gdp_units / productivity_rt  (eq 8)
 * Practitioners come out in the unit of `employment` (e.g. 10,000 persons).
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, withColumn } from '../engine/table.js';
import { isTable, type Cell } from '../engine/value.js';
import { paramColumns, requireInputColumns, withColumns } from './lib/columns.js';

/** Params of `practitioners`. */
export interface PractitionersParams {
  /** Region column, used in messages (default `province`). */
  province?: string;
  /** Period column, used in messages (default `year`). */
  year?: string;
  /** IDVA column (default `idva`). */
  idva?: string;
  /** GDP column (default `gdp`). */
  gdp?: string;
  /** Year-end employed persons column (default `employment`). */
  employment?: string;
  /** Factor converting IDVA into GDP's unit: IO tables in 10,000 yuan, GDP in 100 million yuan → 1e-4. */
  idva_to_gdp_units?: number;
  /** Name of the added productivity column (default `productivity`). */
  productivity_column?: string;
  /** Name of the added practitioners column (default `practitioners`). */
  practitioners_column?: string;
}

/** Adds labour productivity (eq 7) and industrial-digitalization practitioners (eq 8). */
export const practitioners = defineStep<PractitionersParams>({
  name: 'practitioners',
  version: '1',
  description: 'Labour productivity = GDP / employment (eq 7) and practitioners = IDVA / productivity (eq 8), added as columns.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      province: { type: 'string', default: 'province', description: 'region column (for messages)' },
      year: { type: 'string', default: 'year', description: 'period column (for messages)' },
      idva: { type: 'string', default: 'idva', description: 'industrial-digitalization value added column' },
      gdp: { type: 'string', default: 'gdp', description: 'GDP column' },
      employment: { type: 'string', default: 'employment', description: 'year-end employed persons column' },
      idva_to_gdp_units: { type: 'number', exclusiveMinimum: 0, default: 1e-4, description: 'multiplies IDVA into the unit of GDP (10,000 yuan → 100 million yuan: 1e-4)' },
      productivity_column: { type: 'string', default: 'productivity', description: 'name of the added productivity column' },
      practitioners_column: { type: 'string', default: 'practitioners', description: 'name of the added practitioners column' },
    },
  },
  inputs: { data: { description: 'a table with province, year, idva, gdp and employment columns' } },
  outputs: { data: 'the input table with productivity and practitioners columns added' },
  columns(ctx) {
    const p = ctx.params;
    requireInputColumns(ctx, 'data', ['province', 'year', 'idva', 'gdp', 'employment'].flatMap((k) => paramColumns(p, k)));
    const input = ctx.inputs.data;
    return input ? { data: withColumns(input, [p.productivity_column ?? 'productivity', p.practitioners_column ?? 'practitioners']) } : {};
  },
  run(ctx) {
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table');
    const p = ctx.params;
    const names = {
      province: p.province ?? 'province',
      year: p.year ?? 'year',
      idva: p.idva ?? 'idva',
      gdp: p.gdp ?? 'gdp',
      employment: p.employment ?? 'employment',
    };
    const factor = p.idva_to_gdp_units ?? 1e-4;
    const where = 'input `data`';
    const prov = column(data, names.province, where);
    const yr = column(data, names.year, where);
    const idva = numericColumn(data, names.idva, where);
    const gdp = numericColumn(data, names.gdp, where);
    const emp = numericColumn(data, names.employment, where);
    const label = (i: number): string => `row ${i + 1} (${names.province} ${fmt(prov[i])}, ${names.year} ${fmt(yr[i])})`;
    const n = idva.length;
    const productivity = new Float64Array(n);
    const practitioners = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (const [col, v] of [[names.idva, idva[i]!], [names.gdp, gdp[i]!], [names.employment, emp[i]!]] as const) {
        if (Number.isNaN(v)) {
          throw new StepError('missing-value', `${where}, ${label(i)}: \`${col}\` is missing; fill it (e.g. with the impute step) or drop the row before this stage`);
        }
      }
      if (emp[i] === 0) throw new StepError('zero-employment', `${where}, ${label(i)}: \`${names.employment}\` is 0, so labour productivity is undefined; check the employment data`);
      if (gdp[i] === 0) throw new StepError('zero-gdp', `${where}, ${label(i)}: \`${names.gdp}\` is 0, so practitioners = idva / productivity is undefined; check the GDP data`);
      productivity[i] = gdp[i]! / emp[i]!;
      practitioners[i] = (idva[i]! * factor) / productivity[i]!;
    }
    const out = withColumn(withColumn(data, p.productivity_column ?? 'productivity', productivity), p.practitioners_column ?? 'practitioners', practitioners);
    return { data: out };
  },
});

function fmt(v: Cell | undefined): string {
  return v === null || v === undefined ? 'NA' : String(v);
}
