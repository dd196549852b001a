/**
 * Step `digital-value-added`: the scale of industrial digitalization of one province-year
 * from its input-output table (paper eqs 4-6, METHOD-NOTES stage B).
 */
import { dict } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import type { Cell } from '../engine/value.js';
import { isIoTable, type IoTable } from './io-types.js';
import { digitalValueAdded as kernel, type CoefficientKind } from './kernels/digital-value-added.js';

/** Params of `digital-value-added` (snake_case as in the YAML). */
export interface DigitalValueAddedParams {
  /** Digital-core sector codes of the table's classification (e.g. 2012 42-sector: 19, 20, 21, 32, 36). */
  digital: (string | number)[];
  /** `direct` (default): c_j = Σ_{i∈D} a_ij; `complete`: c_j = Σ_{i∈D} ((I − A)^-1 − I)_ij. */
  coefficients?: CoefficientKind;
  /** Sector codes that are neither digital nor traditional (left out of the IDVA sum). */
  exclude?: (string | number)[];
}

const code = { type: ['string', 'integer'] };

function sectorIndices(io: IoTable, codes: (string | number)[], param: string): number[] {
  const out: number[] = [];
  for (const c of codes) {
    const i = io.sectors.indexOf(String(c));
    if (i < 0) {
      throw new StepError('unknown-sector', `param \`${param}\` names sector \`${c}\`, which the input-output table does not have; its sectors are: ${io.sectors.join(', ')}`);
    }
    if (!out.includes(i)) out.push(i); // a code listed twice must not be summed twice
  }
  return out;
}

function checkIoTable(io: IoTable): void {
  const n = io.sectors.length;
  const bad = (what: string): never => {
    throw new StepError('bad-io-table', `input \`io\`${describe(io)}: ${what}; check the stage that built the table`);
  };
  if (io.z.length !== n || io.z.some((r) => r.length !== n)) bad(`z must be ${n}×${n} (one row and column per sector)`);
  if (io.x.length !== n) bad(`x has ${io.x.length} values for ${n} sectors`);
  if (io.va.length !== n) bad(`va has ${io.va.length} values for ${n} sectors`);
  for (let j = 0; j < n; j++) {
    const xj = io.x[j]!;
    if (!Number.isFinite(xj) || xj < 0) bad(`total output of sector \`${io.sectors[j]}\` is ${xj}; it must be a finite number ≥ 0`);
    if (!Number.isFinite(io.va[j]!)) bad(`value added of sector \`${io.sectors[j]}\` is ${io.va[j]}, not a finite number`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(io.z[i]![j]!)) bad(`z[${io.sectors[i]}][${io.sectors[j]}] is ${io.z[i]![j]}, not a finite number`);
    }
  }
}

function describe(io: IoTable): string {
  const m = io.meta;
  if (!m) return '';
  const parts = ['province', 'year'].filter((k) => m[k] !== undefined).map((k) => `${k} ${m[k]}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Industrial-digitalization value added (IDVA) and digital-industry value added of one IO table. */
export const digitalValueAdded = defineStep<DigitalValueAddedParams>({
  name: 'digital-value-added',
  version: '1',
  description:
    'Digital consumption coefficients of traditional sectors and industrial-digitalization value added IDVA = Σ_j c_j·VA_j (paper eqs 4-6), plus the value added of the digital-core sectors.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['digital'],
    properties: {
      digital: { type: 'array', items: code, minItems: 1, description: 'digital-core sector codes (2012 42-sector: 19, 20, 21, 32, 36; 2007: 18, 19, 20, 29, 35, 36; 2017: 19, 20, 21, 31, 35, 36)' },
      coefficients: { enum: ['direct', 'complete'], default: 'direct', description: 'direct: c_j = Σ_{i∈D} z_ij/X_j; complete: c_j = Σ_{i∈D} ((I−A)^-1 − I)_ij' },
      exclude: { type: 'array', items: code, default: [], description: 'sectors left out of the traditional set (neither digital nor traditional)' },
    },
  },
  inputs: { io: { description: 'the IoTable of one province-year (the matching fan-out item)' } },
  outputs: {
    summary: 'one row: the fan-out item keys, digital_va, idva, total_va, digital_share, idva_share',
    contributions: 'one row per sector: sector, role (digital|traditional|excluded), c, x, va, idva (null unless traditional)',
  },
  columns: (ctx) => ({
    summary: [...ctx.dims, 'digital_va', 'idva', 'total_va', 'digital_share', 'idva_share'],
    contributions: ['sector', 'role', 'c', 'x', 'va', 'idva'],
  }),
  run(ctx) {
    const io = ctx.inputs.io;
    if (!isIoTable(io)) throw new StepError('bad-input', 'input `io` must be an input-output table (kind "io-table"); connect it to an io-table, ras or concordance stage');
    checkIoTable(io);
    const p = ctx.params;
    const kind = p.coefficients ?? 'direct';
    const digital = sectorIndices(io, p.digital, 'digital');
    const exclude = sectorIndices(io, p.exclude ?? [], 'exclude');
    const clash = exclude.filter((j) => digital.includes(j));
    if (clash.length) throw new StepError('bad-params', `sector(s) ${clash.map((j) => `\`${io.sectors[j]}\``).join(', ')} are both in \`digital\` and \`exclude\`; list each sector in one of them`);
    const r = kernel(io.z, io.x, io.va, digital, { kind, exclude });
    if (!r) throw new StepError('singular-leontief', `input \`io\`${describe(io)}: I − A is singular, so the complete consumption coefficients do not exist; check for sectors whose inputs exceed their output, or use \`coefficients: direct\``);
    if (r.zeroOutput.length) {
      ctx.note(`sectors with zero total output contribute 0 to idva: ${r.zeroOutput.map((j) => io.sectors[j]).join(', ')}`);
    }
    const keys = dict<Cell[]>();
    for (const [k, v] of Object.entries(ctx.item ?? {})) keys[k] = [v];
    const share = (v: number): number | null => (r.totalVa === 0 ? null : v / r.totalVa);
    const summary = tableFromColumns({
      ...keys,
      digital_va: [r.digitalVa],
      idva: [r.idva],
      total_va: [r.totalVa],
      digital_share: [share(r.digitalVa)],
      idva_share: [share(r.idva)],
    });
    const isDigital = new Set(digital);
    const contributions = tableFromColumns({
      sector: [...io.sectors],
      role: io.sectors.map((_, j) => (isDigital.has(j) ? 'digital' : r.traditional[j] ? 'traditional' : 'excluded')),
      c: Array.from(r.c),
      x: [...io.x],
      va: [...io.va],
      idva: io.sectors.map((_, j) => (r.traditional[j] ? r.idvaBySector[j]! : null)),
    });
    return { summary, contributions };
  },
});
