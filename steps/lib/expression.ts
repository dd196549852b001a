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
/**
 * Names an expression may not mention (checked before it runs): the above plus parser plumbing
 * and units, and the arbitrary-precision types (`bignumber`, `bigint`, `fraction`, and `num` /
 * `den`, which return bigints): their numbers grow with the arithmetic (`bigint(3)^bigint(1e8)`
 * takes seconds, `isPrime` of a 30-digit bigint never ends), which no element count bounds.
 */
const BLOCKED = new Set([
  ...DISABLED, 'parser', 'chain', 'typed', 'config', 'help', 'replacer', 'unit', 'splitUnit', 'to', 'toBest',
  'bignumber', 'bigint', 'fraction', 'num', 'den',
]);

// ---------------------------------------------------------------------------------------------
// The size (and work) one row's evaluation may create.
//
// A row expression computes one value per row, but mathjs builds matrices from small
// arguments: `zeros(20000, 20000)`, `range(0, 1e8)`, `1:1e9` would allocate gigabytes on the
// main thread, where nothing can stop them. Every mathjs function that can create a result
// much larger than its arguments, or loop far longer than its arguments are large, is wrapped
// in the expression namespace by a guard that computes the cost of the call from its arguments
// BEFORE the real function runs, and charges it to the row's budget. Past MAX_MATRIX_ELEMENTS
// the call is refused with `expression-too-large`.
//
// Checked in mathjs 15.2 (the version this was written against), by reading the sources and
// by calling every function of the namespace with small matrices, vectors, numbers, strings
// and callbacks and comparing the size of the result with the size of the arguments:
// - creators, charged the elements they create: zeros, ones, identity, random and randomInt
//   (size argument), pickRandom (number of picks), range and the `a:b` / `a:b:c` syntax (a
//   RangeNode compiles to a call of the namespace's `range`, the expression transform that
//   includes the end), resize, reshape, matrixFromFunction, matrixFromRows,
//   matrixFromColumns, concat, kron, diag (a vector becomes a square matrix), setCartesian,
//   setPowerset (2^n subsets), nthRoots, subset with a replacement (grows the matrix to the
//   index), fft and ifft (padding to a power of 2, up to 4n), and every element-wise function that broadcasts two collections (an n×1 and a
//   1×m give n×m): add, subtract, dotMultiply, dotDivide, dotPow, mod, gcd, lcm, nthRoot,
//   atan2, compare, equal, unequal, larger, largerEq, smaller, smallerEq, and, or, xor,
//   bitAnd, bitOr, bitXor, leftShift, rightArithShift, rightLogShift, nullish, std and
//   variance of several matrices, map and forEach over several collections (a call with one
//   collection gives a result of its size and is not charged);
// - loops, charged their steps: multiply (r·k·c for a matrix product, an outer product is
//   r·c), the O(n³) matrix algorithms (det, inv, pinv, lup, qr, slu, lusolve, expm, sqrtm,
//   schur, sylvester, lyap, divide by a matrix, pow of a matrix), eigs and norm(A, 2) (n⁴:
//   eigs of a random 50×50 took 4 s), combinations, combinationsWithRep, permutations,
//   catalan, composition (a loop over k: combinations(1e9, 5e8) ran past 30 s),
//   bernoulli (n²/8), stirlingS2 and bellNumbers (a table of n·k), zpk2tf (n²), freqz
//   (points × coefficients), solveODE (its maxIter), setIntersect, setDifference,
//   setIsSubset, setUnion, setSymDifference and quantileSeq with several probabilities
//   (nested loops over both sets), isPrime (trial division, element by element);
// - text, charged its characters: format and print with a precision (format(1, {notation:
//   "fixed", precision: 1e8}) exhausts the heap). Other strings come from the columns or
//   from the expression's text, and no function repeats a string (bin/hex/oct are bounded).
// Found and closed otherwise: method calls on values (`ones(1).resize([1e9])` reaches the
// Matrix's own resize, past every guard) are refused before the expression runs, and the
// arbitrary-precision types are blocked (see BLOCKED); `numeric` converts to numbers only.
// Left as they are: functions whose result is the size of their argument (sqrt(A), A + 1,
// transpose, sort, cumsum, …) and linear passes over it: a chain of them is bounded by the
// expression's length times the budget.
// ---------------------------------------------------------------------------------------------

/**
 * Most matrix elements (or, for the functions whose cost is a loop, steps; for format and
 * print, characters) the guarded functions may create during one row's evaluation of one
 * expression, all calls together: `[zeros(1000, 1000), zeros(1000, 1000)]` is refused too.
 */
export const MAX_MATRIX_ELEMENTS = 1_000_000;

type CostUnit = 'elements' | 'steps' | 'characters';
interface Cost { readonly amount: number; readonly unit: CostUnit }
/** The cost of one call, from its (evaluated) arguments; undefined for a cheap call or arguments mathjs will refuse itself. */
type Guard = (args: readonly unknown[]) => Cost | undefined;

/** A cost; undefined for NaN or a negative amount (arguments mathjs refuses with its own error). */
const cost = (unit: CostUnit) => (amount: number): Cost | undefined => (amount >= 0 ? { amount, unit } : undefined);
const elements = cost('elements');
const steps = cost('steps');
const characters = cost('characters');

interface Budget {
  spent: number;
  readonly what: string;
  readonly source: string;
  /** 0-based row, when the caller gives it. */
  readonly row: number | undefined;
}
/**
 * The budget of the evaluation in progress. Evaluation is synchronous and an expression cannot
 * start another (evaluate, parse and compile are disabled), so one module-level budget that
 * every RowExpression.evaluate() replaces before it runs is enough: nothing of one row's or
 * one expression's count reaches another's.
 */
let budget: Budget = { spent: 0, what: 'expression', source: '', row: undefined };

const formatCount = (n: number): string => (n < 1e15 ? Math.ceil(n).toLocaleString('en') : `more than ${(1e15).toLocaleString('en')}`);

/** Adds a call's cost to the row's budget, or refuses the call. */
function charge(fn: string, c: Cost | undefined): void {
  if (c === undefined) return;
  const b = budget;
  if (b.spent + c.amount <= MAX_MATRIX_ELEMENTS) {
    b.spent += c.amount;
    return;
  }
  const would = c.unit === 'elements' ? `create a matrix of ${formatCount(c.amount)} elements`
    : c.unit === 'steps' ? `take ${formatCount(c.amount)} steps` : `create a text of ${formatCount(c.amount)} characters`;
  const at = b.row === undefined ? '' : ` at row ${b.row + 1}`;
  const after = b.spent > 0 ? ` (after ${formatCount(b.spent)} already used in this row)` : '';
  throw new StepError('expression-too-large', `${b.what}: \`${b.source}\` would ${would} in ${fn}()${at}${after}, more than the limit of ${MAX_MATRIX_ELEMENTS.toLocaleString('en')} per row; row expressions compute one value per row`);
}

const isMatrix = (v: unknown): v is { size(): number[]; valueOf(): unknown } =>
  typeof v === 'object' && v !== null && (v as { isMatrix?: unknown }).isMatrix === true;
const isCollection = (v: unknown): boolean => Array.isArray(v) || isMatrix(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
/** The size of a matrix or nested array (of an array, from its first elements, as mathjs does). */
function shape(v: unknown): number[] {
  if (isMatrix(v)) return v.size();
  const s: number[] = [];
  for (let a = v; Array.isArray(a); a = a[0]) s.push(a.length);
  return s;
}
const product = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);
/** Elements of a collection; 1 for anything else. */
const count = (v: unknown): number => (isCollection(v) ? product(shape(v)) : 1);
/** Elements of all the collections among `args`. */
const countAll = (args: readonly unknown[]): number => args.reduce<number>((s, v) => s + (isCollection(v) ? count(v) : 0), 0);
/** The largest dimension of the collections among `args` (0 if none). */
const maxDim = (args: readonly unknown[]): number => Math.max(0, ...args.filter(isCollection).flatMap(shape));
/** Whether some argument is a 2-d matrix (the O(n³) algorithms cost nothing much on scalars). */
const hasMatrix = (args: readonly unknown[]): boolean => args.some((a) => isCollection(a) && shape(a).length >= 2);
/**
 * A number, numeric string, boolean, BigNumber, bigint or Fraction as a JS number; NaN for
 * anything else. Strings count: mathjs turns "1e9" into a number where it expects one.
 */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && v !== null && ((v as { isBigNumber?: unknown }).isBigNumber === true || (v as { isFraction?: unknown }).isFraction === true)) {
    return Number(v.valueOf());
  }
  return NaN;
}
/**
 * The sizes given as `zeros(2, 3)`, `zeros([2, 3])` or `zeros(matrix([2, 3]), "dense")`
 * (strings are storage formats). Undefined when one is negative, fractional or not a number:
 * mathjs refuses those with its own error before it allocates.
 */
function dims(args: readonly unknown[]): number[] | undefined {
  const out: number[] = [];
  for (const a of args) {
    if (typeof a === 'string') continue;
    const values = isMatrix(a) ? [a.valueOf()].flat(Infinity) : Array.isArray(a) ? a.flat(Infinity) : [a];
    for (const v of values) {
      const n = num(v);
      if (n === Infinity) out.push(n);
      else if (!Number.isInteger(n) || n < 0) return undefined;
      else out.push(n);
    }
  }
  return out;
}
const dimsProduct = (args: readonly unknown[]): number => {
  const d = dims(args);
  return d === undefined ? NaN : product(d);
};
/** Length of range(start, end[, step][, includeEnd]) or range("start:end") / range("start:step:end"), counting the end in. */
function rangeLength(args: readonly unknown[]): number {
  let start: number;
  let end: number;
  let step = 1;
  if (typeof args[0] === 'string') {
    const parts = args[0].split(':').map(Number);
    if (parts.length === 2) [start, end] = parts as [number, number];
    else if (parts.length === 3) [start, step, end] = parts as [number, number, number];
    else return NaN;
  } else {
    start = num(args[0]);
    end = num(args[1]);
    if (args.length > 2 && typeof args[2] !== 'boolean') step = num(args[2]);
  }
  if (Number.isNaN(start) || Number.isNaN(end) || Number.isNaN(step) || step === 0) return NaN;
  // A step within the spacing of floating-point numbers there may never move (1e16 + 1 is
  // 1e16): range(1e16, 1e16 + 10) would loop forever. Twice the spacing, to be safe.
  const far = Math.max(Math.abs(start), Math.abs(end));
  if (far > 0 && Math.abs(step) <= 2 ** (Math.floor(Math.log2(far)) - 51)) return Infinity;
  const n = (end - start) / step;
  return n < 0 ? 0 : Math.floor(n) + 1;
}
/** The size of the result of an element-wise call, when it broadcasts two or more collections. */
const broadcast: Guard = (args) => {
  const shapes = args.filter(isCollection).map(shape);
  if (shapes.length < 2) return undefined;
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) out.push(Math.max(...shapes.map((s) => s[d - (rank - s.length)] ?? 1)));
  return elements(product(out));
};
/** Matrix products left to right: r·k·c steps for an r×k times a k×c. */
const matrixProduct: Guard = (args) => {
  let cur: number[] | undefined;
  let total = 0;
  for (const a of args) {
    if (!isCollection(a)) continue;
    const s = shape(a);
    if (cur === undefined || cur.length === 0) { cur = s; continue; }
    const r = cur.length >= 2 ? cur[0]! : 1;
    const k = cur[cur.length - 1] ?? 1;
    const c = s.length >= 2 ? s[s.length - 1]! : 1;
    total += r * k * c;
    cur = [...(cur.length >= 2 ? [r] : []), ...(s.length >= 2 ? [c] : [])];
  }
  return total > 0 ? steps(total) : undefined;
};
/** A precision given as format(x, 5) or format(x, {precision: 5}); 0 if none. */
const precisionOf = (v: unknown): number => {
  const p = typeof v === 'number' ? v : isPlainObject(v) ? num(v.precision) : 0;
  return Number.isNaN(p) ? 0 : Math.abs(p);
};
/** subset(value, index, replacement): the value grows to hold the index. */
const subsetGrowth: Guard = (args) => {
  const index = args[1] as { isIndex?: unknown; max?: () => unknown[] } | undefined;
  if (args.length < 3 || index?.isIndex !== true || typeof index.max !== 'function') return undefined;
  const s = typeof args[0] === 'string' ? [args[0].length] : isCollection(args[0]) ? shape(args[0]) : undefined;
  if (s === undefined) return undefined;
  let max: number[];
  try { max = index.max().map(num); } catch { return undefined; }
  let total = 1;
  for (let d = 0; d < Math.max(s.length, max.length); d++) total *= Math.max(s[d] ?? 1, (max[d] ?? -1) + 1);
  return elements(total);
};
const cubic: Guard = (args) => (hasMatrix(args) ? steps(maxDim(args) ** 3) : undefined);
const pairwise: Guard = (args) => (isCollection(args[0]) && isCollection(args[1]) ? steps(count(args[0]) * count(args[1])) : undefined);

/** Guarded functions of the expression namespace, with the cost of a call (see the list above). */
const GUARDS: Readonly<Record<string, Guard>> = {
  zeros: (a) => elements(dimsProduct(a)),
  ones: (a) => elements(dimsProduct(a)),
  identity: (a) => {
    const d = dims(a);
    return d === undefined ? undefined : elements(d.length === 1 ? d[0]! ** 2 : product(d));
  },
  random: (a) => (isCollection(a[0]) ? elements(dimsProduct([a[0]])) : undefined),
  randomInt: (a) => (isCollection(a[0]) ? elements(dimsProduct([a[0]])) : undefined),
  pickRandom: (a) => elements(typeof a[1] === 'number' ? a[1] : typeof a[2] === 'number' ? a[2] : isPlainObject(a[1]) && a[1].number !== undefined ? num(a[1].number) : NaN),
  range: (a) => elements(rangeLength(a)),
  resize: (a) => elements(dimsProduct([a[1]])),
  reshape: (a) => elements(count(a[0])),
  matrixFromFunction: (a) => elements(dimsProduct([a[0]])),
  matrixFromRows: (a) => elements(countAll(a)),
  matrixFromColumns: (a) => elements(countAll(a)),
  concat: (a) => elements(countAll(a)),
  kron: (a) => elements(count(a[0]) * count(a[1])),
  diag: (a) => {
    if (!isCollection(a[0])) return undefined;
    const s = shape(a[0]);
    if (s.length !== 1) return elements(Math.min(...s));
    const k = num(a[1]);
    return elements((s[0]! + (Number.isFinite(k) ? Math.abs(k) : 0)) ** 2);
  },
  setCartesian: (a) => elements(2 * count(a[0]) * count(a[1])),
  setPowerset: (a) => {
    const n = count(a[0]);
    return elements(n > 1000 ? Infinity : 2 ** n * (n / 2 + 1));
  },
  nthRoots: (a) => elements(a.length > 1 ? Math.abs(num(a[1])) : 2),
  subset: subsetGrowth,
  ...Object.fromEntries([
    'add', 'subtract', 'dotMultiply', 'dotDivide', 'dotPow', 'mod', 'gcd', 'lcm', 'nthRoot', 'atan2', 'compare',
    'equal', 'unequal', 'larger', 'largerEq', 'smaller', 'smallerEq', 'and', 'or', 'xor', 'bitAnd', 'bitOr', 'bitXor',
    'leftShift', 'rightArithShift', 'rightLogShift', 'nullish', 'std', 'variance', 'map', 'forEach',
  ].map((n) => [n, broadcast])),
  multiply: matrixProduct,
  ...Object.fromEntries(['det', 'inv', 'pinv', 'lup', 'qr', 'slu', 'lusolve', 'expm', 'sqrtm', 'schur', 'sylvester', 'lyap'].map((n) => [n, cubic])),
  divide: (a) => (isCollection(a[1]) && hasMatrix(a) ? steps(maxDim(a) ** 3) : undefined),
  pow: (a) => (hasMatrix([a[0]]) ? steps(maxDim(a) ** 3 * Math.max(1, Math.ceil(Math.log2(Math.abs(num(a[1])) + 1)))) : undefined),
  eigs: (a) => (hasMatrix(a) ? steps(maxDim(a) ** 4) : undefined),
  norm: (a) => (hasMatrix([a[0]]) && num(a[1]) === 2 ? steps(maxDim(a) ** 4) : undefined),
  combinations: (a) => steps(Math.min(num(a[1]), num(a[0]) - num(a[1]))),
  combinationsWithRep: (a) => steps(num(a[1])),
  permutations: (a) => steps(a.length > 1 ? num(a[1]) : num(a[0])),
  catalan: (a) => steps(num(a[0])),
  composition: (a) => steps(num(a[1])),
  bernoulli: (a) => steps(num(a[0]) ** 2 / 8),
  stirlingS2: (a) => steps((num(a[0]) + 1) * (Math.min(num(a[1]), num(a[0])) + 1)),
  bellNumbers: (a) => steps((num(a[0]) + 1) ** 2),
  zpk2tf: (a) => steps(count(a[0]) ** 2 + count(a[1]) ** 2),
  freqz: (a) => steps((typeof a[2] === 'number' ? a[2] : isCollection(a[2]) ? count(a[2]) : 512) * (count(a[0]) + count(a[1]) + 2)),
  solveODE: (a) => {
    const maxIter = isPlainObject(a[3]) && a[3].maxIter !== undefined ? num(a[3].maxIter) : 1e4; // mathjs's default
    return steps((Number.isNaN(maxIter) ? Infinity : maxIter) * (count(a[2]) + 1));
  },
  ...Object.fromEntries(['setIntersect', 'setDifference', 'setIsSubset', 'setUnion', 'setSymDifference'].map((n) => [n, pairwise])),
  quantileSeq: pairwise,
  // A length that is not a power of 2 is padded (Bluestein): arrays up to 4n.
  fft: (a) => (isCollection(a[0]) ? elements(4 * count(a[0])) : undefined),
  ifft: (a) => (isCollection(a[0]) ? elements(4 * count(a[0])) : undefined),
  // Trial division up to √x in steps of 6, for each element: isPrime(9007199254740881) is 1.6e7 steps.
  isPrime: (a) => {
    const values = isMatrix(a[0]) ? [a[0].valueOf()].flat(Infinity) : Array.isArray(a[0]) ? a[0].flat(Infinity) : [a[0]];
    let largest = 0;
    for (const v of values) largest = Math.max(largest, Math.abs(num(v)) || 0);
    return steps(values.length * Math.sqrt(largest) / 6);
  },
  format: (a) => characters(count(a[0]) * precisionOf(a[1])),
  print: (a) => characters(Math.max(1, (typeof a[0] === 'string' ? a[0].match(/\$/g)?.length : 0) ?? 0) * precisionOf(a[2])),
  numeric: (a) => {
    if (typeof a[1] === 'string' && a[1] !== 'number') throw new Error(`numeric() converts to "number" only in expressions, not to "${a[1]}"`);
    return undefined;
  },
};

type MathFn = ((...args: unknown[]) => unknown) & {
  rawArgs?: boolean;
  signatures?: Record<string, (...args: unknown[]) => unknown>;
};
/** The transforms (functions given unevaluated nodes) that apply an element-wise operation to two operands. */
const BINARY_RAW = new Set(['and', 'or', 'bitAnd', 'bitOr', 'nullish']);

/**
 * Replaces the guarded functions in the namespace expressions are compiled against
 * (`expression.mathWithTransform`: what FunctionNode, OperatorNode and RangeNode call, and
 * what a function passed as a callback is). mathjs's own internals keep the originals (they
 * are bound when mathjs builds a function), so its internal work is neither charged nor
 * slowed, and `math.import` is not used: it would rebind the dependencies of functions built
 * later and drop the expression transforms (range's included end, concat's 1-based dimension).
 * Each wrapper is built on first use, as mathjs builds its functions.
 */
function installGuards(math: MathJsInstance): void {
  const m = math as unknown as {
    typed: ((name: string, signatures: Record<string, (...args: unknown[]) => unknown>) => MathFn) & { isTypedFunction(f: unknown): boolean };
    expression: { mathWithTransform: Record<string, unknown> };
    ConstantNode: new (value: unknown) => MathNode;
  };
  const namespace = m.expression.mathWithTransform;
  const compiled = new WeakMap<MathNode, { evaluate(scope: unknown): unknown }>();
  const evaluateNode = (node: MathNode, scope: unknown): unknown => {
    let code = compiled.get(node);
    if (code === undefined) compiled.set(node, (code = node.compile()));
    return code.evaluate(scope);
  };
  const constant = (value: unknown): MathNode => new m.ConstantNode(value);

  const wrap = (name: string, orig: MathFn, guard: Guard): MathFn => {
    const check = (args: readonly unknown[]): void => charge(name, guard(args));
    if (orig.rawArgs === true) {
      // Transforms that evaluate their own arguments (and short-circuits, map and forEach
      // compile their callback): the operands are evaluated here, once, checked, and handed
      // on as constants, so the transform keeps its own semantics.
      const raw = (args: MathNode[], mathArg: unknown, scope: unknown): unknown => {
        if (BINARY_RAW.has(name) && args.length === 2) {
          const left = evaluateNode(args[0]!, scope);
          // Only two collections can broadcast; otherwise the transform may short-circuit.
          if (!isCollection(left)) return orig([constant(left), args[1]], mathArg, scope);
          const right = evaluateNode(args[1]!, scope);
          check([left, right]);
          return orig([constant(left), constant(right)], mathArg, scope);
        }
        if (!BINARY_RAW.has(name) && args.length > 2) {
          // map(A, B, …, callback): the collections broadcast together.
          const values = args.slice(0, -1).map((a) => evaluateNode(a, scope));
          check(values);
          return orig([...values.map(constant), args[args.length - 1]], mathArg, scope);
        }
        return orig(args, mathArg, scope);
      };
      return Object.assign(raw as MathFn, { rawArgs: true });
    }
    if (m.typed.isTypedFunction(orig) && orig.signatures !== undefined) {
      // A typed function with the same signatures, so that dispatch and mathjs's reading of
      // a callback's arity (map([1, 2], ones)) are unchanged. A rest parameter arrives as an
      // array; the guard sees the arguments as written.
      const signatures: Record<string, (...args: unknown[]) => unknown> = {};
      for (const [signature, impl] of Object.entries(orig.signatures)) {
        signatures[signature] = /(^|,)\s*\.\.\./.test(signature)
          ? (...a: unknown[]) => { check([...a.slice(0, -1), ...(a[a.length - 1] as unknown[])]); return impl(...a); }
          : (...a: unknown[]) => { check(a); return impl(...a); };
      }
      return m.typed(name, signatures);
    }
    return (...a: unknown[]) => { check(a); return orig(...a); };
  };

  for (const [name, guard] of Object.entries(GUARDS)) {
    const descriptor = Object.getOwnPropertyDescriptor(namespace, name);
    if (descriptor === undefined) continue;
    let wrapped: unknown;
    let built = false;
    Object.defineProperty(namespace, name, {
      get: () => {
        if (!built) {
          wrapped = wrap(name, (descriptor.get ? descriptor.get.call(namespace) : descriptor.value) as MathFn, guard);
          built = true;
        }
        return wrapped;
      },
      set: (value: unknown) => { wrapped = value; built = true; },
      configurable: true,
      enumerable: true,
    });
  }
}

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
    installGuards(math);
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
   * `row` (0-based), when given, is named in an `expression-too-large` message. Each call has
   * its own budget of MAX_MATRIX_ELEMENTS.
   */
  evaluate(get: (name: string) => Cell, row?: number): unknown;
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
    } else if (n.type === 'FunctionNode' && (n as unknown as { fn: MathNode }).fn.type === 'AccessorNode') {
      // `ones(1).resize([1e9])` would call the Matrix's own method, past the size guards.
      problems.push('method calls (`x.f(…)`) are not allowed; call the function, `f(x, …)`');
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
    evaluate(get, row) {
      budget = { spent: 0, what, source, row };
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

/**
 * The names `source` reads from the row, in first-seen order, found before running
 * (steps/lib/columns.ts): every name that is neither a function being called, nor a numeric
 * constant (`pi`), nor disabled. A function's name not called (`mean > 1000`) is counted as
 * a column too: the row would hold no such column, and a function is never a cell's value.
 * Undefined when the expression does not parse or is too long or deep (the run says why).
 */
export async function expressionNames(source: string): Promise<string[] | undefined> {
  if (source.length > MAX_EXPRESSION_LENGTH) return undefined;
  const { parse, isMathName } = await loadSandbox();
  const names = new Set<string>();
  try {
    parse(source).traverse((n, path, parent) => {
      if (n.type !== 'SymbolNode') return;
      const name = (n as unknown as { name: string }).name;
      const called = path === 'fn' && parent?.type === 'FunctionNode';
      if (called || BLOCKED.has(name)) return;
      // isMathName's names are functions and numeric constants; only a constant is a value.
      if (isMathName(name) && typeof n.evaluate() === 'number') return;
      names.add(name);
    });
  } catch {
    return undefined;
  }
  return [...names];
}
