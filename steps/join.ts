/**
 * join: merges two tables on key columns (dplyr inner_join / left_join / full_join).
 * Rows keep the order of `left`, each followed by its matches in `right` order; a full join
 * then appends the unmatched `right` rows. Missing keys never match (as in SQL).
 * When a key is numbers on one side and text on the other, both are compared as text
 * (so 1 matches "1" but not "01") and a note says so.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, nrow } from '../engine/table.js';
import type { Cell, Column, Table } from '../engine/value.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { requireInputColumns } from './lib/columns.js';

/** Params of {@link join}. */
export interface JoinParams {
  by: string[] | Record<string, string>;
  how?: 'inner' | 'left' | 'full';
  suffix?: string | [string, string];
  multiple?: 'error' | 'all';
}

type KeyType = 'number' | 'string' | 'boolean' | 'mixed' | 'none';

function keyType(values: Cell[]): KeyType {
  let t: KeyType = 'none';
  for (const v of values) {
    if (v === null) continue;
    const vt = typeof v as 'number' | 'string' | 'boolean';
    if (t === 'none') t = vt;
    else if (t !== vt) return 'mixed';
  }
  return t;
}

/** Composite key of row `i`, or undefined if a key cell is missing. */
function rowKey(cols: Cell[][], asText: boolean[], i: number): string | undefined {
  const parts: Cell[] = [];
  for (let k = 0; k < cols.length; k++) {
    const v = cols[k]![i] ?? null;
    if (v === null) return undefined;
    parts.push(asText[k] ? String(v) : v);
  }
  return JSON.stringify(parts);
}

function describeKey(names: string[], cols: Cell[][], i: number): string {
  return names.map((n, k) => `${n} = ${JSON.stringify(cols[k]![i] ?? null)}`).join(', ');
}

/** Joins `left` and `right` on key columns. */
export const join = defineStep<JoinParams>({
  name: 'join',
  version: '1',
  description: 'Joins two tables on key columns: inner (matching rows only), left (every left row), or full (every row of both).',
  params: {
    type: 'object',
    properties: {
      by: {
        description: 'Key columns: a list of names present in both tables, or a map {left_name: right_name}.',
        oneOf: [
          { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
          { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 },
        ],
      },
      how: { type: 'string', enum: ['inner', 'left', 'full'], default: 'left', description: 'Which rows to keep.' },
      suffix: {
        description: 'Appended to non-key columns present in both tables: one string (added to the right column only) or [left_suffix, right_suffix].',
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
        ],
        default: ['_x', '_y'],
      },
      multiple: {
        type: 'string',
        enum: ['error', 'all'],
        default: 'error',
        description: 'A left row matching several right rows is an error (`error`) or yields one row per match (`all`).',
      },
    },
    required: ['by'],
    additionalProperties: false,
  },
  inputs: { left: { description: 'Left table.' }, right: { description: 'Right table.' } },
  outputs: { table: 'The joined table: key columns (left names), then left columns, then right columns.' },
  columns(ctx) {
    const { by, suffix = ['_x', '_y'] } = ctx.params;
    const entries = Array.isArray(by) ? by.map((b, i) => ({ at: ['by', i], l: b, r: b, key: false })) : Object.entries(by).map(([l, r]) => ({ at: ['by', l], l, r, key: true }));
    const okLeft = requireInputColumns(ctx, 'left', entries.map((e) => [e.at, e.l, e.key] as const));
    const okRight = requireInputColumns(ctx, 'right', entries.map((e) => [e.at, e.r] as const));
    const left = ctx.inputs.left;
    const right = ctx.inputs.right;
    if (!left || !right || !okLeft || !okRight) return {};
    // As assemble() below builds it.
    const [sx, sy] = typeof suffix === 'string' ? ['', suffix] : suffix;
    const lk = entries.map((e) => e.l);
    const rk = entries.map((e) => e.r);
    const rightOther = right.filter((c) => !rk.includes(c));
    const clash = new Set(rightOther.filter((c) => left.includes(c)));
    return { table: [...left.map((c) => (lk.includes(c) || !clash.has(c) ? c : c + sx)), ...rightOther.map((c) => (clash.has(c) ? c + sy : c))] };
  },
  run(ctx) {
    const left = tableInput(ctx, 'left', 'join');
    const right = tableInput(ctx, 'right', 'join');
    const { by, how = 'left', suffix = ['_x', '_y'], multiple = 'error' } = ctx.params;
    const pairs: [string, string][] = Array.isArray(by) ? by.map((b) => [b, b]) : Object.entries(by);
    const lk = pairs.map((p) => p[0]);
    const rk = pairs.map((p) => p[1]);
    requireColumns(left, lk, 'join: input `left` (param `by`)');
    requireColumns(right, rk, 'join: input `right` (param `by`)');
    const lcols = lk.map((n) => column(left, n));
    const rcols = rk.map((n) => column(right, n));

    const asText = pairs.map(([ln, rn], k) => {
      const lt = keyType(lcols[k]!);
      const rt = keyType(rcols[k]!);
      if (lt === rt || lt === 'none' || rt === 'none') return false;
      ctx.note(`join: key \`${ln}\` is ${lt === 'mixed' ? 'mixed numbers and text' : lt} in \`left\` but ${rt === 'mixed' ? 'mixed numbers and text' : rt} in \`right\` (\`${rn}\`); compared as text, so 1 matches "1" but not "01" (use read-csv \`strings\` to keep codes as text)`);
      return true;
    });

    const index = new Map<string, number[]>();
    let rightNull = 0;
    for (let j = 0; j < nrow(right); j++) {
      const key = rowKey(rcols, asText, j);
      if (key === undefined) { rightNull++; continue; }
      const list = index.get(key);
      if (list) list.push(j); else index.set(key, [j]);
    }

    const li: number[] = [];
    const ri: number[] = [];
    const matched = new Uint8Array(nrow(right));
    let leftNull = 0;
    let unmatched = 0;
    for (let i = 0; i < nrow(left); i++) {
      const key = rowKey(lcols, asText, i);
      if (key === undefined) leftNull++;
      const hits = key === undefined ? undefined : index.get(key);
      if (!hits) {
        unmatched++;
        if (how !== 'inner') { li.push(i); ri.push(-1); }
        continue;
      }
      if (hits.length > 1 && multiple === 'error') {
        throw new StepError('duplicate-key', `join: left row ${i + 1} (${describeKey(lk, lcols, i)}) matches ${hits.length} rows of \`right\` (rows ${hits.slice(0, 5).map((h) => h + 1).join(', ')}${hits.length > 5 ? ', …' : ''}); make the right keys unique or set \`multiple: all\``);
      }
      for (const j of hits) { li.push(i); ri.push(j); matched[j] = 1; }
    }
    if (how === 'full') for (let j = 0; j < nrow(right); j++) if (!matched[j]) { li.push(-1); ri.push(j); }

    if (leftNull + rightNull > 0) ctx.note(`join: ${leftNull} left and ${rightNull} right rows have a missing key and match nothing`);
    if (unmatched > 0 && how !== 'full') ctx.note(`join (${how}): ${unmatched} of ${nrow(left)} left rows have no match in \`right\`${how === 'inner' ? ' and were dropped' : ''}`);

    return { table: assemble(left, right, lk, rk, li, ri, suffix) };
  },
});

function assemble(left: Table, right: Table, lk: string[], rk: string[], li: number[], ri: number[], suffix: string | [string, string]): Table {
  const [sx, sy] = typeof suffix === 'string' ? ['', suffix] : suffix;
  const leftNames = new Set(left.columns.map((c) => c.name));
  const rightOther = right.columns.filter((c) => !rk.includes(c.name));
  const clash = new Set(rightOther.map((c) => c.name).filter((n) => leftNames.has(n)));
  const pick = (vals: Cell[], idx: number[]) => idx.map((k) => (k < 0 ? null : (vals[k] ?? null)));
  const out: Column[] = left.columns.map((c) => {
    const k = lk.indexOf(c.name);
    if (k >= 0) {
      // Key columns: the right key fills rows that exist only on the right (full join).
      const rvals = column(right, rk[k]!);
      return { name: c.name, values: li.map((i, r) => (i >= 0 ? (c.values[i] ?? null) : (rvals[ri[r]!] ?? null))) };
    }
    return { name: clash.has(c.name) ? c.name + sx : c.name, values: pick(c.values, li) };
  });
  for (const c of rightOther) out.push({ name: clash.has(c.name) ? c.name + sy : c.name, values: pick(c.values, ri) });
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw new StepError('duplicate-column', `join: the result would have two columns named \`${c.name}\`; choose a different \`suffix\` or rename with select first`);
    seen.add(c.name);
  }
  return { kind: 'table', columns: out };
}
