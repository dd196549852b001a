/**
 * The validated, in-memory form of a pipeline file: what validate produces and what plan
 * consumes. Values from `params:` are already resolved (ranges expanded, `${params.x}`
 * substituted); `${item.x}` references inside stage params stay as strings until the
 * planner knows the items.
 */
import type { SourceRange } from './diagnostic.js';

/** Where a stage input comes from. */
export type InputRef =
  | { readonly kind: 'stage'; readonly stage: string; readonly output?: string }
  | { readonly kind: 'file'; readonly path: string };

/** The values of one foreach dimension. */
export type ForeachSource =
  | { readonly kind: 'values'; readonly values: readonly (string | number)[] }
  /** Distinct values of `column` in a CSV file, in first-seen order. */
  | { readonly kind: 'file'; readonly path: string; readonly column: string }
  /** Distinct values of `column` in an upstream stage's table, known only once it ran. */
  | { readonly kind: 'stage'; readonly stage: string; readonly output?: string; readonly column: string };

import type { TaskLimits } from './limits.js';

export interface StageSpec {
  readonly id: string;
  readonly step: string;
  /** Params as written (after `${params.…}` substitution), before schema defaults. */
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, InputRef>;
  /** Dimension name → source; the items are the cartesian product, in declaration order. */
  readonly foreach?: Readonly<Record<string, ForeachSource>>;
  /** Range of the stage's key in the YAML, for diagnostics. */
  readonly range: SourceRange;
  /**
   * Time and memory limits of each task (engine/limits.ts): the stage's own `limits:` over the
   * pipeline's; absent means the defaults. `isolate`: the stage set `limits:` itself, so its
   * tasks run in a worker thread, where the limits are enforced, even when the step is light.
   */
  readonly limits?: TaskLimits & { readonly isolate: boolean };
}

export interface Pipeline {
  /** Absolute path of the pipeline file. */
  readonly file: string;
  /** The file as the user named it (for messages). */
  readonly displayFile: string;
  /** Project root: the folder holding the pipeline file's `pipelines/` folder or the file. */
  readonly root: string;
  readonly params: Record<string, unknown>;
  /** Plugin module specifiers resolved to absolute paths (or bare package names). */
  readonly plugins: readonly string[];
  /** Stages in declaration order. */
  readonly stages: readonly StageSpec[];
  /** Finds the source range of any node by its path, e.g. ['stages', 'fe', 'params', 'y']. */
  locate(path: readonly (string | number)[]): SourceRange | undefined;
}
