/**
 * control-totals: regionalised target-year control totals X^t, U^t, V^t for one
 * province-year (METHOD-NOTES stage A), the inputs of ras. A documented, swappable
 * estimate: a user with published control totals feeds them to ras instead.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Table } from '../engine/value.js';
import { requireIoTable } from './io-table.js';
import { coefficients, flatten } from './kernels/io.js';
import { requireInputColumns } from './lib/columns.js';

/** Params of {@link controlTotals}. */
export interface ControlTotalsParams {
  province: string;
  year: number;
  base_year?: number;
  tertiary_sectors?: (string | number)[];
  gdp_unit_factor?: number;
  national_year?: 'exact' | 'nearest';
  u_method?: 'national-share' | 'base-structure';
  national_columns?: Partial<typeof NAT>;
  regional_columns?: Partial<typeof REG>;
}

const NAT = { year: 'year', sector: 'sector', output: 'output', value_added: 'value_added', intermediate_use: 'intermediate_use' };
const REG = { province: 'province', year: 'year', gdp: 'gdp', tertiary: 'tertiary' };

/** National output, value added and intermediate use of one year, in the base sector order. */
function nationalYear(t: Table, cols: typeof NAT, want: number, rule: 'exact' | 'nearest', sectors: string[], label: string): { year: number; out: Float64Array; va: Float64Array; iu: Float64Array } {
  const years = numericColumn(t, cols.year, 'input `national`');
  const avail = [...new Set(Array.from(years).filter((y) => !Number.isNaN(y)))].sort((a, b) => a - b);
  let year = want;
  if (!avail.includes(want)) {
    if (rule === 'exact' || avail.length === 0) throw new StepError('missing-year', `input \`national\` has no rows for the ${label} year ${want}; years there: ${avail.join(', ') || '(none)'}; add them or set national_year: nearest`);
    year = avail.reduce((best, y) => (Math.abs(y - want) < Math.abs(best - want) ? y : best));
  }
  const codes = column(t, cols.sector, 'input `national`').map((c) => String(c ?? ''));
  const cols3 = [cols.output, cols.value_added, cols.intermediate_use].map((c) => numericColumn(t, c, 'input `national`'));
  const pos = new Map(sectors.map((s, i) => [s, i]));
  const res = [0, 1, 2].map(() => new Float64Array(sectors.length).fill(NaN));
  years.forEach((y, k) => {
    const i = pos.get(codes[k]!);
    if (y !== year || i === undefined) return;
    for (let m = 0; m < 3; m++) res[m]![i] = cols3[m]![k]!;
  });
  const miss = sectors.filter((_, i) => res.some((r) => Number.isNaN(r[i]!)));
  if (miss.length) throw new StepError('missing-sector', `input \`national\`, year ${year}: no complete output/value_added/intermediate_use for sector(s) ${miss.join(', ')}; it must use the base table's classification`);
  return { year, out: res[0]!, va: res[1]!, iu: res[2]! };
}

/** Step `control-totals`. */
export const controlTotals = defineStep<ControlTotalsParams>({
  name: 'control-totals',
  version: '2',
  description:
    'Target-year control totals for one province from its base-year IoTable, national sector totals and provincial GDP. ' +
    '(1) X~_j = X_base_j · out_nat_t,j / out_nat_base,j. (2) ρ_j = va_nat_t,j / out_nat_t,j (ρ_j = 1 for a sector whose base column of Z ' +
    'is all zero, so RAS stays feasible); X_j = α · X~_j with one α for the ' +
    'tertiary sectors and one for the others, chosen so Σ_tertiary X_j ρ_j = tertiary VA and Σ_other X_j ρ_j = GDP − tertiary VA. ' +
    '(3) V_j = X_j (1 − ρ_j); va_j = X_j ρ_j. (4) u_method national-share: U_i = X_i · iu_nat_t,i / out_nat_t,i, or for a product with ' +
    'no provincial output but base intermediate use U_i = U_base_i · iu_nat_t,i / iu_nat_base,i; U_i = 0 where the base row is zero; ' +
    'base-structure: U_i = Σ_j a0_ij X_j. (5) U rescaled so ΣU = ΣV. All in the base table\'s units; GDP is multiplied by gdp_unit_factor first.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['province', 'year'],
    properties: {
      province: { type: 'string', description: 'Province code in the regional table, e.g. "${item.province}".' },
      year: { type: 'integer', description: 'Target year.' },
      base_year: { type: 'integer', description: 'Year of the base table (for national growth). Default: the base table\'s meta year (set by io-table meta_columns: [year] or by select-benchmark), else 2007 (the 2007 provincial workbook carries no year).' },
      tertiary_sectors: { type: 'array', items: { type: ['string', 'number'] }, default: Array.from({ length: 16 }, (_, i) => String(27 + i)), description: 'Tertiary sector codes (default: 2007-class 27–42).' },
      gdp_unit_factor: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Multiplies GDP and tertiary VA into the table units (100 million → 10,000 yuan: 10000).' },
      national_year: { enum: ['exact', 'nearest'], default: 'exact', description: 'Use the nearest year in `national` when the exact one is missing.' },
      u_method: { enum: ['national-share', 'base-structure'], default: 'national-share' },
      national_columns: { type: 'object', additionalProperties: false, default: NAT, properties: Object.fromEntries(Object.entries(NAT).map(([k, v]) => [k, { type: 'string', default: v }])) },
      regional_columns: { type: 'object', additionalProperties: false, default: REG, properties: Object.fromEntries(Object.entries(REG).map(([k, v]) => [k, { type: 'string', default: v }])) },
    },
  },
  inputs: {
    base: { description: 'The province\'s base-year IoTable.' },
    national: { description: 'Table year, sector, output, value_added, intermediate_use (base classification).' },
    regional: { description: 'Table province, year, gdp, tertiary.' },
  },
  outputs: { targets: 'Table sector, x, u, v, va (input `targets` of ras).' },
  columns(ctx) {
    const p = ctx.params;
    const nc = { ...NAT, ...(p.national_columns ?? {}) };
    const rc = { ...REG, ...(p.regional_columns ?? {}) };
    requireInputColumns(ctx, 'national', Object.entries(nc).map(([k, v]) => [['national_columns', k], v] as const));
    requireInputColumns(ctx, 'regional', Object.entries(rc).map(([k, v]) => [['regional_columns', k], v] as const));
    return { targets: ['sector', 'x', 'u', 'v', 'va'] };
  },
  run(ctx) {
    const p = ctx.params;
    const base = requireIoTable(ctx.inputs.base, 'base');
    const nat = ctx.inputs.national;
    const reg = ctx.inputs.regional;
    if (!isTable(nat)) throw new StepError('not-a-table', 'input `national` must be a table');
    if (!isTable(reg)) throw new StepError('not-a-table', 'input `regional` must be a table');
    const nc = { ...NAT, ...(p.national_columns ?? {}) };
    const rc = { ...REG, ...(p.regional_columns ?? {}) };
    const S = base.sectors;
    const n = S.length;
    const rule = p.national_year ?? 'exact';
    const metaYear = Number(base.meta?.year);
    const baseYear = p.base_year ?? (Number.isInteger(metaYear) ? metaYear : 2007);
    if (p.base_year === undefined && !Number.isInteger(metaYear)) ctx.note('base year 2007: neither params.base_year nor the base table\'s meta year is set');
    const nb = nationalYear(nat, nc, baseYear, rule, S, 'base');
    const nt = nationalYear(nat, nc, p.year, rule, S, 'target');
    if (nb.year !== baseYear || nt.year !== p.year) ctx.note(`national totals: base year ${nb.year}, target year ${nt.year} (nearest available)`);

    const provs = column(reg, rc.province, 'input `regional`').map((c) => String(c ?? ''));
    const ry = numericColumn(reg, rc.year, 'input `regional`');
    const gdpC = numericColumn(reg, rc.gdp, 'input `regional`');
    const terC = numericColumn(reg, rc.tertiary, 'input `regional`');
    const k = provs.findIndex((pv, i) => pv === p.province && ry[i] === p.year);
    if (k < 0) throw new StepError('missing-row', `input \`regional\` has no row for province ${p.province}, year ${p.year}`);
    const f = p.gdp_unit_factor ?? 1;
    const gdp = gdpC[k]! * f;
    const ter = terC[k]! * f;
    if (!Number.isFinite(gdp) || !Number.isFinite(ter)) throw new StepError('missing-value', `input \`regional\`, province ${p.province}, year ${p.year}: gdp or tertiary is missing`);
    if (ter < 0 || ter > gdp) throw new StepError('bad-gdp', `input \`regional\`, province ${p.province}, year ${p.year}: tertiary VA ${ter / f} must lie between 0 and GDP ${gdp / f}`);

    const tert = new Set((p.tertiary_sectors ?? Array.from({ length: 16 }, (_, i) => String(27 + i))).map(String));
    const unknownT = [...tert].filter((s) => !S.includes(s));
    if (unknownT.length) throw new StepError('unknown-sector', `params.tertiary_sectors has code(s) ${unknownT.join(', ')} that are not sectors of the base table`);
    const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
    const xg = S.map((s, j) => {
      if (nb.out[j] === 0 && base.x[j] !== 0) throw new StepError('missing-growth', `national output of sector ${s} is 0 in ${nb.year}, so its growth cannot be applied to the province's output ${base.x[j]}`);
      return base.x[j]! * ratio(nt.out[j]!, nb.out[j]!);
    });
    // A sector with output but no intermediate inputs in the base keeps that structure (all of
    // its output is value added): RAS cannot put inputs into an all-zero column.
    const noInputs = S.map((_, j) => base.z.every((row) => row[j] === 0));
    const rho = S.map((_, j) => (noInputs[j] ? 1 : ratio(nt.va[j]!, nt.out[j]!)));
    const kept = S.filter((_, j) => noInputs[j] && base.x[j] !== 0);
    if (kept.length) ctx.note(`sector(s) ${kept.join(', ')} have no intermediate inputs in the base table: V = 0 and value added = output for them`);
    let vaT = 0;
    let vaN = 0;
    S.forEach((s, j) => { if (tert.has(s)) vaT += xg[j]! * rho[j]!; else vaN += xg[j]! * rho[j]!; });
    const scale = (implied: number, want: number, what: string): number => {
      if (implied === 0 && want !== 0) throw new StepError('no-sector-to-scale', `province ${p.province}: ${what} VA is ${want / f} but its sectors have no output in the base table`);
      return ratio(want, implied);
    };
    const aT = scale(vaT, ter, 'tertiary');
    const aN = scale(vaN, gdp - ter, 'non-tertiary');
    ctx.note(`output scaled by ${aT.toFixed(4)} (tertiary) and ${aN.toFixed(4)} (other sectors) to match GDP`);
    const x = xg.map((v, j) => v * (tert.has(S[j]!) ? aT : aN));
    const v = x.map((xj, j) => xj * (1 - rho[j]!));
    const va = x.map((xj, j) => xj * rho[j]!);
    let u: number[];
    if ((p.u_method ?? 'national-share') === 'base-structure') {
      const a = coefficients(flatten(base.z, n), base.x, n).a;
      u = S.map((_, i) => x.reduce((s, xj, j) => s + a[i * n + j]! * xj, 0));
    } else {
      u = S.map((_, i) => {
        const ub = base.z[i]!.reduce((s, z) => s + z, 0);
        if (ub === 0) return 0;
        if (x[i] === 0) return ub * (nb.iu[i] === 0 ? 1 : nt.iu[i]! / nb.iu[i]!);
        return x[i]! * ratio(nt.iu[i]!, nt.out[i]!);
      });
    }
    const sumU = u.reduce((s, y) => s + y, 0);
    const sumV = v.reduce((s, y) => s + y, 0);
    if (sumU === 0) throw new StepError('no-intermediate-use', `province ${p.province}: the estimated intermediate use is 0 in every sector`);
    u = u.map((y) => (y * sumV) / sumU);
    ctx.note(`intermediate use rescaled by ${(sumV / sumU).toFixed(4)} so that ΣU = ΣV`);
    return { targets: tableFromColumns({ sector: [...S], x, u, v, va }) };
  },
});
