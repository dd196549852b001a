/**
 * The contract between the engine and a step plugin. A built-in step is one file in
 * steps/ exporting one `StepDefinition`; a user plugin module exports them the same way
 * (`export default` a definition or an array of them, or named exports).
 */
import type { ItemKey, Json, Value } from './value.js';

/** A JSON Schema object (draft 2020-12 subset understood by ajv). */
export type JsonSchema = { [key: string]: Json | JsonSchema };

/** What a step receives when it runs. */
export interface StepContext<P = Record<string, unknown>> {
  /** Params after `${…}` interpolation, validated, with schema defaults applied. */
  readonly params: P;
  /**
   * Resolved inputs by name: upstream stage results (a Table, a Collection, JSON) or,
   * for a file path, a FileRef. Params declared with `format: "file-path"` are also
   * resolved against the project root and hashed; `ctx.resolvePath` gives their path.
   */
  readonly inputs: Record<string, Value>;
  /** The fan-out item this task computes, if the stage has `foreach`. */
  readonly item: ItemKey | undefined;
  /** Absolute project root (the folder of the pipeline file). */
  readonly root: string;
  /** Resolves a project-relative path (as written in the YAML) to an absolute path. */
  resolvePath(relative: string): string;
  /**
   * Declares a file this task writes under results/ (relative to the project root).
   * The engine stores its content in the cache and restores it on a cache hit.
   */
  writeFile(relative: string, content: string | Uint8Array): void;
  /** A note shown in the run output and kept in the run record (e.g. "dropped 3 rows with NA"). */
  note(message: string): void;
}

/**
 * A step failure that is the user's doing (bad data, infeasible problem): printed as a
 * clean message, never with a stack trace. `throw new StepError(...)` from `run`.
 */
export class StepError extends Error {
  /** kebab-case machine-readable reason, e.g. "missing-column", "ras-infeasible". */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'StepError';
    this.reason = reason;
  }
}

/** An input port of a step. */
export interface InputSpec {
  readonly description: string;
  /** Optional inputs may be omitted in the YAML. */
  readonly optional?: boolean;
}

/** A step plugin. */
export interface StepDefinition<P = any> {
  /** Registered name used as `step:` in the YAML (kebab-case). */
  readonly name: string;
  /** Bump whenever the step's results could change for the same inputs; part of the fingerprint. */
  readonly version: string;
  readonly description: string;
  /** JSON Schema of `params`: validation, defaults, docs (`agglo steps NAME`). */
  readonly params: JsonSchema;
  /** Named inputs. */
  readonly inputs: Record<string, InputSpec>;
  /** Named outputs; the first one is what a bare `stage` reference means. */
  readonly outputs: Record<string, string>;
  /**
   * CPU-heavy steps run in a worker thread when the executor has workers. A function
   * decides per task from its params and inputs (e.g. only large matrices are worth the
   * cost of copying them to a worker).
   */
  readonly heavy?: boolean | ((params: P, inputs: Record<string, Value>) => boolean);
  /**
   * The step reports on the pipeline itself (e.g. `report`): it runs after every other
   * stage that does not depend on it and receives `ctx.inputs.pipeline`, a PipelineInfo
   * (engine/pipeline-info.ts). Its fingerprint covers every stage's fingerprint, so it
   * reruns when any result changes, and only then.
   */
  readonly observesPipeline?: boolean;
  /**
   * The step's output columns as a function of its input columns and params, so that every
   * column a param names is checked before anything runs (engine/columns.ts; `agglo validate`,
   * `status` and `run`). Report each param naming a column an input lacks with
   * `ctx.unknownColumn` (steps/lib/columns.ts has helpers). Return, per output, its column
   * names when the step succeeds; `{unknown: why}` when they come from the data (read only
   * when the step runs); undefined, or leave the output out, when it is not a table or when it
   * depends on an input whose columns are unknown (the engine then traces that input's
   * unknown to where it began). Without this member, or with `false`, the columns after the
   * stage are not checked, and `agglo validate` says so once. A declaration must never report
   * a column that the run would find: when in doubt, say unknown.
   */
  readonly columns?: ((ctx: ColumnsContext<P>) => ColumnsResult | Promise<ColumnsResult>) | false;
  /** Computes the outputs. May be async. Throw StepError for user-facing failures. */
  run(ctx: StepContext<P>): Record<string, Value> | Promise<Record<string, Value>>;
}

/** Where a param sits under the stage's `params:`, e.g. `['x', 2]` (third regressor) or `['columns', 'lgdp']`. */
export type ParamPath = readonly (string | number)[];

/** A param naming a column that is not there (see {@link ColumnsContext.unknownColumn}). */
export interface UnknownColumn {
  /** The param holding the name (or the expression reading it). */
  readonly at: ParamPath;
  /** The name is the key of the map entry at `at` (e.g. `rename: {old: new}`), not its value. */
  readonly key?: boolean;
  /** The column name. */
  readonly name: string;
  /** The columns it was looked for among (for "did you mean" and the list in the hint). */
  readonly columns: readonly string[];
  /** The input it was looked for in; omit together with `file` for the step's own columns. */
  readonly input?: string;
  /** Or the file (project-relative path, as in the YAML) whose header lacks it. */
  readonly file?: string;
  /** Or what the columns are when they are neither an input's nor a file's, e.g. "the selected columns". */
  readonly among?: string;
  /** The expression that reads the column (derive, filter), quoted in the message. */
  readonly expression?: string;
  /** Replaces the hint ("did you mean …?" or the list of `columns`) when the step knows better. */
  readonly hint?: string;
}

/**
 * What a step's `columns` declaration receives. Called once per stage before anything runs
 * (once per item value where a param uses `${item.x}` and the items are written in the YAML).
 */
export interface ColumnsContext<P = Record<string, unknown>> {
  /** Params as validated, with schema defaults applied. */
  readonly params: P;
  /**
   * The column names of each connected input, in order, or undefined when they are known only
   * at run time or the input is not a table (absent optional inputs are not keys). A file input
   * (`inputs: {d: data/x.csv}`) gives its header when the path ends in `.csv`.
   */
  readonly inputs: Readonly<Record<string, readonly string[] | undefined>>;
  /** The stage's foreach dimension names, in declaration order ([] without foreach). */
  readonly dims: readonly string[];
  /**
   * The column names in the header line of a CSV file (a project-relative path as written in
   * the YAML), read with a bound and memoised; undefined when it cannot be read (the run says why).
   */
  csvHeader(path: string): readonly string[] | undefined;
  /** Reports a param naming a column that is not there: an `unknown-column` error at the param, with "did you mean". */
  unknownColumn(problem: UnknownColumn): void;
}

/** What a step knows of one output before running: its columns, why they are unknown, or undefined (not a table, or an unknown input). */
export type OutputColumns = readonly string[] | { readonly unknown: string } | undefined;

/** Output name → {@link OutputColumns}; outputs left out are not tables. */
export type ColumnsResult = Readonly<Record<string, OutputColumns>>;

/** Identity helper that gives a step definition its type. */
export function defineStep<P>(def: StepDefinition<P>): StepDefinition<P> {
  return def;
}
