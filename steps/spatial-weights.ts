/**
 * `spatial-weights`: a spatial weights table (from, to, weight) from an adjacency table
 * (contiguity) or a table of coordinates (inverse great-circle distance), row-standardised
 * by default. Also exports `weightsMatrix`, which reads such a table back as a dense W for
 * morans-i and spatial-panel. Formulas: steps/kernels/spatial.ts, docs/steps/spatial.md.
 */
import { defineStep, StepError } from '../engine/step.js';
import { requireInputColumns } from './lib/columns.js';
import { column, columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Table, type Value } from '../engine/value.js';
import { contiguityMatrix, inverseDistanceMatrix, rowStandardise } from './kernels/spatial.js';

/** Params of spatial-weights (snake_case as in the YAML). */
export interface SpatialWeightsParams {
  kind: 'contiguity' | 'inverse-distance';
  /** contiguity: the columns of a pair. */
  from: string;
  to: string;
  /** inverse-distance: the columns of a point. */
  id: string;
  latitude: string;
  longitude: string;
  power: number;
  cutoff_km?: number;
  row_standardise: boolean;
}

const codeText = (v: Cell): string => String(v);
/** Codes in their fixed output order: sorted by code (code-point order). */
const sortCodes = (codes: Iterable<string>): string[] => [...new Set(codes)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function needTable(v: Value | undefined, what: string): Table {
  if (!isTable(v)) throw new StepError('bad-input', `input \`data\` must be a table (${what})`);
  return v;
}

function needColumns(t: Table, names: [string, string][]): void {
  const have = columnNames(t);
  const missing = names.filter(([, n]) => !have.includes(n));
  if (missing.length) throw new StepError('missing-column', `input \`data\` has no column ${missing.map(([p, n]) => `\`${n}\` (param \`${p}\`)`).join(', ')}; columns are: ${have.join(', ')}`);
}

/** The weights as a table in the fixed order (rows by `from`, then `to`, both in code order); zero weights omitted. */
function weightsTable(codes: string[], w: Float64Array): Table {
  const n = codes.length;
  const from: string[] = [], to: string[] = [], weight: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const v = w[i * n + j]!;
    if (v !== 0) { from.push(codes[i]!); to.push(codes[j]!); weight.push(v); }
  }
  return tableFromColumns({ from, to, weight });
}

function contiguity(t: Table, p: SpatialWeightsParams): { codes: string[]; w: Float64Array } {
  needColumns(t, [['from', p.from], ['to', p.to]]);
  const a = column(t, p.from, 'input `data`');
  const b = column(t, p.to, 'input `data`');
  const pairs: [string, string][] = [];
  const isolated: string[] = [];
  a.forEach((x, r) => {
    if (x === null || x === '') throw new StepError('missing-code', `input \`data\` row ${r + 1}: \`${p.from}\` is empty; every row needs a code`);
    const y = b[r];
    if (y === null || y === undefined || y === '') { isolated.push(codeText(x)); return; } // a code with no neighbour
    if (codeText(x) === codeText(y)) throw new StepError('self-pair', `input \`data\` row ${r + 1} pairs \`${codeText(x)}\` with itself; remove the row (a unit is not its own neighbour)`);
    pairs.push([codeText(x), codeText(y)]);
  });
  const codes = sortCodes([...pairs.flat(), ...isolated]);
  const at = new Map(codes.map((c, i) => [c, i]));
  // Adjacency is symmetric: a pair listed once (unordered) counts both ways.
  const idx = pairs.flatMap(([x, y]) => [[at.get(x)!, at.get(y)!], [at.get(y)!, at.get(x)!]] as [number, number][]);
  return { codes, w: contiguityMatrix(codes.length, idx) };
}

function inverseDistance(t: Table, p: SpatialWeightsParams): { codes: string[]; w: Float64Array } {
  needColumns(t, [['id', p.id], ['latitude', p.latitude], ['longitude', p.longitude]]);
  const ids = column(t, p.id, 'input `data`').map(codeText);
  const lat = numericColumn(t, p.latitude, 'input `data`');
  const lon = numericColumn(t, p.longitude, 'input `data`');
  const seen = new Set<string>();
  ids.forEach((c, r) => {
    if (seen.has(c)) throw new StepError('duplicate-code', `input \`data\` has more than one row for \`${p.id}\` = ${c} (row ${r + 1}); keep one point per unit`);
    seen.add(c);
    if (!(Math.abs(lat[r]!) <= 90) || !(Math.abs(lon[r]!) <= 180)) throw new StepError('bad-coordinate', `input \`data\` row ${r + 1} (${c}): latitude ${lat[r]} / longitude ${lon[r]} is missing or out of range; give decimal degrees`);
  });
  const codes = sortCodes(ids);
  const order = codes.map((c) => ids.indexOf(c));
  const la = Float64Array.from(order, (r) => lat[r]!), lo = Float64Array.from(order, (r) => lon[r]!);
  const w = inverseDistanceMatrix(la, lo, p.power, p.cutoff_km ?? Infinity);
  if (w.some((v) => !Number.isFinite(v))) throw new StepError('coincident-points', 'two units have the same coordinates (distance 0), so their inverse-distance weight is infinite; check the latitude/longitude columns');
  return { codes, w };
}

/**
 * Dense W (row-major n×n) over `codes` (their order) from a weights table with columns
 * from, to, weight. Throws StepError for a missing column, an unknown code or a unit with
 * no neighbour.
 */
export function weightsMatrix(v: Value | undefined, codes: readonly string[], step: string): Float64Array {
  if (!isTable(v)) throw new StepError('bad-input', `${step}: input \`weights\` must be a table (from, to, weight), as made by spatial-weights`);
  const have = columnNames(v);
  const missing = ['from', 'to', 'weight'].filter((c) => !have.includes(c));
  if (missing.length) throw new StepError('missing-column', `${step}: input \`weights\` has no column ${missing.map((c) => `\`${c}\``).join(', ')}; connect the \`weights\` output of spatial-weights (columns are: ${have.join(', ')})`);
  const n = codes.length;
  const at = new Map(codes.map((c, i) => [c, i]));
  const from = column(v, 'from').map(codeText), to = column(v, 'to').map(codeText);
  const wt = numericColumn(v, 'weight', `${step}: input \`weights\``);
  const w = new Float64Array(n * n);
  from.forEach((f, r) => {
    const i = at.get(f), j = at.get(to[r]!);
    if (i === undefined || j === undefined) return; // units of W without data are dropped (a note by the caller)
    if (!Number.isFinite(wt[r]!)) throw new StepError('bad-weight', `${step}: input \`weights\` row ${r + 1} (${f} → ${to[r]}) has no numeric weight`);
    w[i * n + j] = wt[r]!;
  });
  const isolated = codes.filter((_, i) => { for (let j = 0; j < n; j++) if (w[i * n + j] !== 0) return false; return true; });
  if (isolated.length) throw new StepError('no-neighbours', `${step}: ${isolated.map((c) => `\`${c}\``).join(', ')} ${isolated.length === 1 ? 'has' : 'have'} no neighbour in input \`weights\` (or no row in it); add the unit to the adjacency (data/spatial/adjacency.csv links Hainan to Guangdong) or drop it from the data`);
  return w;
}

/** The spatial-weights step. */
export const spatialWeights = defineStep<SpatialWeightsParams>({
  name: 'spatial-weights',
  version: '1.0.0',
  description: 'Spatial weights (from, to, weight) from an adjacency table (contiguity) or unit coordinates (inverse great-circle distance), row-standardised by default.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      kind: { enum: ['contiguity', 'inverse-distance'], default: 'contiguity', description: 'contiguity: w_ij = 1 for the pairs of the input (listed once or both ways); inverse-distance: w_ij = d_ij^(−power), d the great-circle distance in km.' },
      from: { type: 'string', default: 'code', description: 'contiguity: column of the first unit of a pair (data/spatial/adjacency.csv: code).' },
      to: { type: 'string', default: 'neighbour', description: 'contiguity: column of its neighbour; an empty cell makes the unit an isolate.' },
      id: { type: 'string', default: 'code', description: 'inverse-distance: column of the unit code.' },
      latitude: { type: 'string', default: 'latitude', description: 'inverse-distance: latitude column, decimal degrees.' },
      longitude: { type: 'string', default: 'longitude', description: 'inverse-distance: longitude column, decimal degrees.' },
      power: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'inverse-distance: the power of the distance (1 or 2 are usual).' },
      cutoff_km: { type: 'number', exclusiveMinimum: 0, description: 'inverse-distance: pairs farther apart than this many km get weight 0; unset = no cutoff.' },
      row_standardise: { type: 'boolean', default: true, description: 'Divide each row by its sum (spdep style "W"); false keeps binary or raw inverse-distance weights.' },
    },
  },
  inputs: { data: { description: 'contiguity: pairs of unit codes (data/spatial/adjacency.csv); inverse-distance: one row per unit with its coordinates (data/spatial/capitals.csv).' } },
  outputs: { weights: 'Table from, to, weight: the non-zero weights, rows by `from` then `to`, units in code order.' },
  columns(ctx) {
    const p = ctx.params;
    const named = p.kind === 'inverse-distance'
      ? ([[['id'], p.id ?? 'code'], [['latitude'], p.latitude ?? 'latitude'], [['longitude'], p.longitude ?? 'longitude']] as const)
      : ([[['from'], p.from ?? 'code'], [['to'], p.to ?? 'neighbour']] as const);
    requireInputColumns(ctx, 'data', named.map(([at, name]) => [at, name] as const));
    return { weights: ['from', 'to', 'weight'] };
  },
  run(ctx) {
    const p = ctx.params;
    if (p.kind === 'contiguity' && p.cutoff_km !== undefined) throw new StepError('bad-param', 'param `cutoff_km` applies to kind: inverse-distance only; remove it');
    const t = needTable(ctx.inputs.data, p.kind === 'contiguity' ? 'pairs of unit codes' : 'one row per unit with latitude and longitude');
    const { codes, w } = p.kind === 'contiguity' ? contiguity(t, p) : inverseDistance(t, p);
    const n = codes.length;
    if (n < 2) throw new StepError('too-few-units', `input \`data\` names ${n} unit(s); weights need at least 2`);
    const isolated = codes.filter((_, i) => { for (let j = 0; j < n; j++) if (w[i * n + j] !== 0) return false; return true; });
    if (isolated.length) ctx.note(`spatial-weights: ${isolated.join(', ')} ${isolated.length === 1 ? 'has' : 'have'} no neighbour (a zero row in W)`);
    return { weights: weightsTable(codes, p.row_standardise ? rowStandardise(w, n) : w) };
  },
});
