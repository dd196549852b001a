/**
 * Helpers for the steps' `columns` declarations (engine/step.ts, engine/columns.ts): checking
 * that the columns a param names exist in an input, with "did you mean" from the engine;
 * reading the names an expression uses; and building output column lists the way the table
 * helpers of engine/table.ts build the tables.
 */
import type { ColumnsContext, ParamPath } from '../../engine/step.js';
import { expressionNames } from './expression.js';

/** A column name, the param path that holds it, and whether it is that map entry's key. */
export type NamedColumn = readonly [at: ParamPath, name: string, key?: boolean];

/**
 * The column names param `key` holds, with their paths: a string, a list of strings, or
 * (with `keys`) the keys of a map. Absent or other values give none.
 */
export function paramColumns(params: unknown, key: string, keys = false): NamedColumn[] {
  const v = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[key] : undefined;
  if (typeof v === 'string') return [[[key], v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === 'string' ? [[[key, i], x] as const] : []));
  if (keys && typeof v === 'object' && v !== null) return Object.keys(v).map((k) => [[key, k], k, true] as const);
  return [];
}

/**
 * Reports every name not among input `input`'s columns (an `unknown-column` error at its
 * param). True when all are there or the input's columns are unknown.
 */
export function requireInputColumns(ctx: ColumnsContext<unknown>, input: string, named: readonly NamedColumn[]): boolean {
  const have = ctx.inputs[input];
  if (have === undefined) return true;
  let ok = true;
  for (const [at, name, key] of named) {
    if (have.includes(name)) continue;
    ctx.unknownColumn({ at, name, columns: have, input, ...(key ? { key } : {}) });
    ok = false;
  }
  return ok;
}

/** `columns` with each of `added` replacing the column of its name in place, or appended (engine/table.ts withColumn). */
export function withColumns(columns: readonly string[], added: readonly string[]): string[] {
  const out = [...columns];
  for (const a of added) if (!out.includes(a)) out.push(a);
  return out;
}

/** Operators, literals and numeric constants of mathjs that read no column. */
const NOT_COLUMNS = new Set([
  'and', 'or', 'not', 'xor', 'mod', 'to', 'in', 'true', 'false', 'null', 'undefined', 'NaN', 'Infinity',
  'pi', 'e', 'tau', 'phi', 'E', 'PI', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT1_2', 'SQRT2',
]);

const IDENT_START = /[A-Za-z_$\u00C0-\u02AF\u0370-\u03FF\u2100-\u214F]/;
const IDENT_PART = /[A-Za-z0-9_$\u00C0-\u02AF\u0370-\u03FF\u2100-\u214F]/;

/**
 * A quick lexical look at an expression: the names that are neither called (`log(`),
 * nor after a `.`, nor inside a string. Used only to decide whether the exact check (mathjs,
 * which takes a moment to load) is needed: when every such name is a column or an operator,
 * there is nothing to report.
 */
export function scanNames(source: string): string[] {
  const out: string[] = [];
  let prev = '';
  for (let i = 0; i < source.length;) {
    const c = source[i]!;
    if (c === '"' || (c === "'" && !/[A-Za-z0-9_)\]'$]/.test(prev))) {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
      i++;
      prev = c;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(?:\d*\.?\d+|\d+\.)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      i += m ? m[0].length : 1;
      prev = '0';
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < source.length && IDENT_PART.test(source[j]!)) j++;
      const name = source.slice(i, j);
      let k = j;
      while (k < source.length && /\s/.test(source[k]!)) k++;
      if (prev !== '.' && source[k] !== '(') out.push(name);
      i = j;
      prev = 'a';
    } else {
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out;
}

/**
 * Reports each column the expression at `at` reads that is not in `available` (the columns of
 * `input`, plus any the step made before it). `hintFor` may explain a name better (e.g. a
 * derive column defined only later).
 */
export async function checkExpression(ctx: ColumnsContext<unknown>, at: ParamPath, source: string, input: string, available: readonly string[], hintFor?: (name: string) => string | undefined): Promise<void> {
  const have = new Set(available);
  if (scanNames(source).every((n) => have.has(n) || NOT_COLUMNS.has(n))) return;
  for (const name of (await expressionNames(source)) ?? []) {
    if (have.has(name)) continue;
    const hint = hintFor?.(name);
    ctx.unknownColumn({ at, name, columns: available, input, expression: source, ...(hint !== undefined ? { hint } : {}) });
  }
}
