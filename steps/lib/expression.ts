/**
 * The sandbox for the row expressions of `derive` and `filter` (mathjs syntax:
 * `log(gdp_raw)`, `rd_spend / gdp_raw`, `year >= 2011 and province != "BEJ"`).
 *
 * Hardening follows the mathjs "Security" page: a private mathjs instance whose `import`,
 * `createUnit`, `evaluate`, `parse`, `compile`, `simplify`, `derivative`, `resolve`,
 * `reviver`, … are replaced by functions that throw. On top of that every expression is
 * checked before it runs: a name must be a column of the row or a mathjs function or
 * numeric constant (so units like `cm`, classes, and the disabled functions are rejected
 * with a message), and assignments (`a = 1`, `f(x) = …`) are refused. The scope holds only
 * the row's referenced columns.
 *
 * `predictable: true` makes sqrt(-1), log(-1) give NaN rather than a complex number; `==`
 * and `!=` compare two strings as text (plain mathjs would try to turn them into numbers).
 */
import { createRequire } from 'node:module';
import type { MathJsInstance, MathNode } from 'mathjs';
import { StepError } from '../../engine/step.js';
import type { Cell } from '../../engine/value.js';

/** Replaced in the instance by throwing functions: they parse or alter the parser (mathjs "Security" page). */
const DISABLED = [
  'import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'simplifyConstant',
  'simplifyCore', 'derivative', 'resolve', 'reviver', 'rationalize', 'leafCount', 'symbolicEqual',
];
/** Names an expression may not mention (checked before it runs): the above plus parser plumbing and units. */
const BLOCKED = new Set([...DISABLED, 'parser', 'chain', 'typed', 'config', 'help', 'replacer', 'unit', 'splitUnit', 'to', 'toBest']);

interface Sandbox {
  readonly parse: (source: string) => MathNode;
  /** Whether `name` is a mathjs function or numeric constant an expression may use. */
  readonly isMathName: (name: string) => boolean;
  /** A new SymbolNode (to rename column references). */
  readonly symbol: (name: string) => MathNode;
}

let sandbox: Promise<Sandbox> | undefined;

/** The hardened mathjs instance, created on first use (loading mathjs takes a moment). */
function loadSandbox(): Promise<Sandbox> {
  // The single-file bundle loads ~4× faster than the ESM build's thousands of modules
  // (0.5 s vs 2.2 s of CPU here), which every `agglo run` that derives would pay.
  sandbox ??= Promise.resolve(createRequire(import.meta.url)('mathjs/lib/browser/math.js') as typeof import('mathjs')).then(({ create, all }) => {
    // mathjs types `all` as optional; it is always present.
    const math: MathJsInstance = create(all!);
    // Set after creation: the single-file bundle's create() ignores its config argument.
    math.config({ predictable: true });
    const parse = math.parse;
    const mathEqual = math.equal as (a: unknown, b: unknown) => unknown;
    const mathUnequal = math.unequal as (a: unknown, b: unknown) => unknown;
    const disabled = (name: string) => () => {
      throw new Error(`function ${name} is disabled in expressions`);
    };
    math.import(
      {
        equal: (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'string' ? a === b : mathEqual(a, b)),
        unequal: (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'string' ? a !== b : mathUnequal(a, b)),
        ...Object.fromEntries(DISABLED.filter((n) => n in math).map((n) => [n, disabled(n)])),
      },
      { override: true },
    );
    const namespace = math as unknown as Record<string, unknown>;
    const isMathName = (name: string): boolean => {
      if (BLOCKED.has(name) || !Object.prototype.hasOwnProperty.call(namespace, name)) return false;
      const v = namespace[name];
      if (typeof v === 'number') return true; // pi, e, tau, phi, LN2, …
      // Classes (Unit, Matrix, SymbolNode, …) start with a capital letter; functions do not.
      return typeof v === 'function' && /^[a-z]/.test(name);
    };
    const SymbolNode = math.SymbolNode as unknown as new (name: string) => MathNode;
    return { parse: (source: string) => parse(source), isMathName, symbol: (name: string) => new SymbolNode(name) };
  });
  return sandbox;
}

/** A checked, compiled expression. */
export interface RowExpression {
  /** The expression as written. */
  readonly source: string;
  /** Column names the expression reads. */
  readonly columns: readonly string[];
  /**
   * Evaluates on one row (`get(name)` returns the row's cell). Returns null if a column it
   * reads is null; otherwise the raw mathjs result (number, boolean, string, or other).
   */
  evaluate(get: (name: string) => Cell): unknown;
}

/**
 * Parses and checks `source`. `what` names it in messages (e.g. "derive column `gdp`");
 * `available` are the column names the row has.
 */
/** V8's stack overflow (mathjs's own DimensionError is a RangeError too, and stays as it is). */
const stackExhausted = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(e.message);

/** Longest expression text accepted (an expression is a formula, not a data file). */
export const MAX_EXPRESSION_LENGTH = 10_000;

export async function compileRowExpression(source: string, available: readonly string[], what: string): Promise<RowExpression> {
  const { parse, isMathName, symbol } = await loadSandbox();
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new StepError('expression-too-long', `${what}: the expression is ${source.length.toLocaleString('en')} characters long, more than ${MAX_EXPRESSION_LENGTH.toLocaleString('en')}; compute it in steps (several derive columns)`);
  }
  let node: MathNode;
  try {
    node = parse(source);
  } catch (e) {
    // A deeply nested expression exhausts the parser's recursion before any other limit.
    if (stackExhausted(e)) throw new StepError('expression-too-deep', `${what}: the expression is nested too deeply to parse; compute it in steps (several derive columns)`);
    throw new StepError('bad-expression', `${what}: cannot parse \`${source}\`: ${(e as Error).message}`);
  }
  const cols = new Set(available);
  const used = new Set<string>();
  const problems: string[] = [];
  const tooDeep = (): StepError => new StepError('expression-too-deep', `${what}: the expression is nested too deeply (or has too many terms) to evaluate; compute it in steps (several derive columns)`);
  // mathjs walks, compiles and evaluates a formula recursively: a long chain (a + a + … with
  // thousands of terms) exhausts the stack at any of these phases.
  const guard = <T>(f: () => T): T => {
    try { return f(); } catch (e) { if (stackExhausted(e)) throw tooDeep(); throw e; }
  };
  guard(() => node.traverse((n, path, parent) => {
    if (n.type === 'AssignmentNode' || n.type === 'FunctionAssignmentNode') {
      problems.push('assignments (`=`) are not allowed; write a comparison with `==`');
    } else if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      // `max(a, b)` calls the function even when the table has a column named `max`.
      const called = path === 'fn' && parent?.type === 'FunctionNode';
      if (called && isMathName(name)) return;
      if (cols.has(name)) {
        if (called) problems.push(`\`${name}\` is a column, not a function`);
        else used.add(name);
      } else if (BLOCKED.has(name)) problems.push(`\`${name}\` is disabled in expressions`);
      else if (!isMathName(name)) {
        problems.push(`unknown name \`${name}\`; the row's columns are: ${available.join(', ') || '(none)'}`);
      }
    }
  }));
  if (problems.length > 0) {
    throw new StepError('bad-expression', `${what}: \`${source}\`: ${[...new Set(problems)].join('; ')}`);
  }
  // Column references become private names `__col0`, … in the scope, so a column called
  // like a function (`max`, `sum`) never hides that function.
  const names = [...used];
  const alias = new Map(names.map((name, k) => [name, `__col${k}`]));
  const renamed = guard(() => node.transform((n, path, parent) => {
    if (n.type !== 'SymbolNode' || (path === 'fn' && parent?.type === 'FunctionNode')) return n;
    const a = alias.get((n as unknown as { name: string }).name);
    return a === undefined ? n : symbol(a);
  }));
  const code = guard(() => renamed.compile());
  return {
    source,
    columns: names,
    evaluate(get) {
      const scope: Record<string, Cell> = {};
      for (const name of names) {
        const v = get(name);
        if (v === null || v === undefined) return null;
        scope[alias.get(name)!] = v;
      }
      return guard(() => code.evaluate(scope));
    },
  };
}

/**
 * Normalises a mathjs result into a cell. Non-finite numbers become `undefined` (the caller
 * turns them into null and counts them); a result that is not a number, boolean or string
 * (a matrix, unit, complex number, function) is a StepError.
 */
export function toCell(result: unknown, what: string, source: string, row: number): Cell | undefined {
  if (result === null || typeof result === 'string' || typeof result === 'boolean') return result;
  if (typeof result === 'number') return Number.isFinite(result) ? result : undefined;
  const kind = (result as { constructor?: { name?: string } })?.constructor?.name ?? typeof result;
  throw new StepError('bad-expression-result', `${what}: \`${source}\` gave a ${kind} at row ${row + 1}, not a number, boolean or text; expressions must produce one value per row`);
}
