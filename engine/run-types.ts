/**
 * The runner's vocabulary: what it reports (StageReport, RunReport, RunEvent), how it is
 * called (RunOptions, EngineContext), and the per-run records of stages and tasks shared by
 * engine/run.ts and its helpers (stage-key.ts, stage-report.ts, pipeline-info.ts).
 */
import type { Executor } from './executor.js';
import type { InputSelector, Producer } from './inputs.js';
import type { Plan, PlannedStage } from './plan.js';
import type { ItemState, StageState } from './state.js';
import type { Store } from './store.js';
import type { ItemKey, Value } from './value.js';

export type StageStatus = 'ran' | 'cached' | 'failed' | 'skipped' | 'would-run';
export type TaskStatus = 'ran' | 'cached' | 'failed' | 'skipped' | 'would-run';

export interface StageReport {
  id: string;
  step: string;
  status: StageStatus;
  reason: string;
  items: { total: number; ran: number; cached: number; failed: number };
  ms: number;
  /** Failures, item by item ("" for a stage without foreach). */
  errors: { item: string; reason: string; message: string; stack?: string }[];
  /** Notes the step emitted on this run (first few per stage). */
  notes: string[];
  /** Items that would run / ran, with their reasons (status and --json). */
  itemReasons?: { item: string; reason: string }[];
  /** The SLURM jobs that ran its tasks (--executor slurm). */
  jobs?: string[];
}

export interface RunReport {
  ok: boolean;
  pipeline: string;
  ms: number;
  stages: StageReport[];
}

export type RunEvent =
  | { type: 'stage-start'; id: string; total: number; cached: number }
  | { type: 'task-done'; id: string; status: TaskStatus }
  | { type: 'stage-done'; report: StageReport }
  | { type: 'warning'; message: string };

export interface RunOptions {
  readonly jobs: number;
  readonly keepGoing: boolean;
  /** Decide and explain, run nothing (agglo status). */
  readonly dryRun: boolean;
  /** Stages to bring up to date (with their upstream); all when empty. */
  readonly targets?: readonly string[];
  readonly onEvent?: (e: RunEvent) => void;
}

export interface EngineContext {
  readonly plan: Plan;
  readonly store: Store;
  readonly executor: Executor;
  readonly root: string;
}

/** One task (a stage's item, or its only task) as the runner tracks it. */
export interface Task {
  readonly item: ItemKey | undefined;
  readonly id: string;
  status?: TaskStatus;
  reason?: string;
  fp?: string;
  outputs?: Record<string, string>;
  state?: ItemState;
  params?: Record<string, unknown>;
  /** How to obtain each input value, for running or repairing this task. */
  loaders?: Record<string, () => Promise<Value>>;
  error?: { reason: string; message: string; stack?: string };
  /** Files the task reads (file inputs, file-path params) with their hash when it was decided. */
  fileChecks?: { path: string; abs: string; hash: string }[];
  notes?: string[];
  /** The SLURM job that ran it. */
  job?: string;
}

/** A stage as the runner tracks it during one run. */
export interface StageRun extends Producer {
  readonly planned: PlannedStage;
  tasks: Task[];
  items: ItemKey[];
  report?: StageReport;
  /** The stage's state at the previous run of this pipeline. */
  prevStage?: StageState;
  selectors?: Map<string, InputSelector>;
  /** Stage-level fingerprint (see stageKey), when the stage qualifies for it. */
  key?: string;
}
