/**
 * `runStep`: runs one step definition the way a pipeline would, for a plugin's own tests,
 * without a pipeline file, a cache or the CLI. What makes it faithful: params are checked
 * against the step's schema with its defaults filled in (as `agglo validate` and the planner
 * do), inputs are the frozen plain data the cache hands out, outputs come back as the next
 * stage would receive them, and failures are sorted into user errors and crashes by the
 * same code as a real run (engine/run-step.ts).
 */
import { decodeValue, deepFreeze, encodeValue } from './canonical.js';
import { applyParamsSchema, checkStepSchema } from './params-schema.js';
import { runStepInProcess } from './run-step.js';
import { StepError, type StepDefinition } from './step.js';
import type { ItemKey, Value } from './value.js';

/** What to run a step on. */
export interface RunStepOptions {
  /** Params as a pipeline file would give them (before defaults); `{}` when omitted. */
  readonly params?: Record<string, unknown>;
  /** Inputs by name, as upstream stages would produce them. */
  readonly inputs?: Record<string, Value>;
  /** The fan-out item, for a step that reads `ctx.item`. */
  readonly item?: ItemKey;
  /** The project root `ctx.root` and `ctx.resolvePath` use; the current directory when omitted. */
  readonly root?: string;
}

/** What a step produced. */
export interface RunStepResult {
  /** Each output as the next stage receives it: plain data read back from its stored form, frozen. */
  readonly outputs: Record<string, Value>;
  /** The notes the step gave with `ctx.note`, in order. */
  readonly notes: string[];
  /** The files the step wrote with `ctx.writeFile` (paths under results/); nothing is written to disk. */
  readonly files: { path: string; content: string | Uint8Array }[];
}

/** A value as it comes back from the cache: plain JSON data (typed arrays become arrays). */
function stored(v: unknown, what: string): Value {
  const text = encodeValue(v);
  if (text === undefined) throw new Error(`${what} is undefined`);
  return decodeValue(text) as Value;
}

/**
 * Runs `def` on `options` as a pipeline stage would and resolves to its outputs, notes and
 * files. Rejects with a `StepError` when the step reports a user error (so a test can check
 * `reason`), and with an `Error` for a crash of the step (its stack kept), for params its
 * schema rejects, for inputs the step does not declare or lacks, and for an output that is
 * missing or is not plain data — each of which a real run would refuse too.
 */
export async function runStep<P>(def: StepDefinition<P>, options: RunStepOptions = {}): Promise<RunStepResult> {
  const schemaProblem = checkStepSchema(def);
  if (schemaProblem) throw new Error(schemaProblem);
  const checked = applyParamsSchema(def, options.params ?? {});
  if (checked.errors.length > 0) {
    throw new Error(`the params do not match the schema of step \`${def.name}\`: ${checked.errors.map((e) => `${e.path || 'params'}: ${e.message}`).join('; ')}`);
  }
  const given = options.inputs ?? {};
  const undeclared = Object.keys(given).filter((n) => !Object.hasOwn(def.inputs, n) && !Object.hasOwn(def.inputs, '*'));
  if (undeclared.length > 0) throw new Error(`step \`${def.name}\` has no input ${undeclared.map((n) => `\`${n}\``).join(', ')}; its inputs are: ${Object.keys(def.inputs).join(', ') || '(none)'}`);
  const missing = Object.entries(def.inputs).filter(([n, spec]) => n !== '*' && !spec.optional && !Object.hasOwn(given, n)).map(([n]) => n);
  if (missing.length > 0) throw new Error(`step \`${def.name}\` needs input ${missing.map((n) => `\`${n}\``).join(', ')}`);
  const inputs: Record<string, Value> = {};
  for (const [name, v] of Object.entries(given)) inputs[name] = deepFreeze(stored(v, `input \`${name}\``));

  const outcome = await runStepInProcess(def, {
    stage: def.name, item: options.item, step: def.name, source: 'runStep', heavy: false,
    params: checked.params, inputs, root: options.root ?? process.cwd(),
  });
  if (!outcome.ok) {
    if (!outcome.internal) throw new StepError(outcome.reason, outcome.message);
    const crash = new Error(outcome.message);
    if (outcome.stack) crash.stack = `${outcome.message}\n${outcome.stack.split('\n').slice(1).join('\n')}`;
    throw crash;
  }
  const outputs: Record<string, Value> = {};
  for (const [name, v] of Object.entries(outcome.outputs)) {
    try {
      outputs[name] = deepFreeze(stored(v, `output \`${name}\``));
    } catch (e) {
      throw new Error(`step \`${def.name}\` returned an output that cannot be stored: ${(e as Error).message} (results must be plain data: tables, numbers, strings, booleans, null, arrays and objects)`);
    }
  }
  return { outputs, notes: outcome.notes, files: outcome.files };
}
