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
  /** Computes the outputs. May be async. Throw StepError for user-facing failures. */
  run(ctx: StepContext<P>): Record<string, Value> | Promise<Record<string, Value>>;
}

/** Identity helper that gives a step definition its type. */
export function defineStep<P>(def: StepDefinition<P>): StepDefinition<P> {
  return def;
}
