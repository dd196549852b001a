/**
 * `agglo/plugin`: everything a step plugin may import, and the promise that it stays put.
 * A plugin imports from here (`import { defineStep, StepError } from 'agglo/plugin'`), never
 * from dist/ paths, which may move between versions. docs/plugins.md documents each export
 * with the data contracts it works on; a change to anything exported here is a change to
 * that document.
 */

// ── Defining a step ─────────────────────────────────────────────────────────────────────
/**
 * `defineStep(def)` returns `def` typed as a `StepDefinition<P>` (it checks nothing at run
 * time); `StepError(reason, message)` is the error to throw for input the user can fix;
 * `StepContext` is `ctx`, `InputSpec` an entry of `inputs`, `JsonSchema` the `params` schema.
 */
export { defineStep, StepError } from './step.js';
export type { InputSpec, JsonSchema, StepContext, StepDefinition } from './step.js';
/**
 * The optional `columns(ctx)` member of a step, checked before anything runs: its context
 * (`ctx.inputs` gives each input's column names, `ctx.unknownColumn` reports a param naming a
 * column that is not there) and what it returns (each table output's column names).
 */
export type { ColumnsContext, ColumnsResult, OutputColumns, ParamPath, UnknownColumn } from './step.js';

// ── The values that flow between stages ─────────────────────────────────────────────────
/** `Value` is anything a stage produces: a `Table`, a `Collection`, a `FileRef` or `Json`. */
export type { Cell, Collection, Column, FileRef, ItemKey, Json, Table, Value } from './value.js';
/** Type guards for the `kind`-tagged values. */
export { isCollection, isFileRef, isTable } from './value.js';

// ── Reading and building tables ─────────────────────────────────────────────────────────
/**
 * Building: `tableFromColumns`, `tableFromRows`, `withColumn`, `filterRows`, `takeRows`,
 * `bindRows`. Reading: `column`, `numericColumn` (a `not-numeric` StepError names the row),
 * `tableRows`, `nrow`, `columnNames`, `hasColumn`. Missing columns are `missing-column`
 * StepErrors that list the columns there are.
 */
export {
  bindRows, column, columnNames, filterRows, hasColumn, nrow, numericColumn, tableFromColumns, tableFromRows, tableRows, takeRows, withColumn,
} from './table.js';
/** `tableInput(ctx, name, step)`: input `name` as a Table or a `not-a-table` StepError; `requireColumns` checks several names at once. */
export { requireColumns, tableInput } from '../steps/lib/table-input.js';

// ── Fitted models (what regression-table, paper-comparison and the report read) ──────────
/** The model contract: `Model`, `ModelCoefficient`, and helpers to build and read models. */
export { coefficientRows, isModel, modelInput } from '../steps/lib/model.js';
export type { Model, ModelCoefficient } from '../steps/lib/model.js';

// ── Numerical kernels (pure: typed arrays in, plain results out) ─────────────────────────
/**
 * Least squares: `olsFit(columns, y, tol?)` with R's collinearity rule, `crossprod` (X′X),
 * `dot`, and the cluster-robust pieces `clusterMeat` and `sandwich`.
 */
export { clusterMeat, crossprod, dot, olsFit, sandwich } from '../steps/kernels/ols.js';
export type { OlsFit } from '../steps/kernels/ols.js';
/**
 * Panel data: `readPanel(table, {y, x, entity, time})` reads complete rows into typed arrays
 * and an integer-coded `PanelIndex` (StepErrors for missing columns, text cells and repeated
 * entity-period pairs); `panelIndex` builds one from codes; `withinTransformer` (one-way and
 * two-way within, exact on unbalanced panels), `demean`, `groupMeans`, `groupCounts`,
 * `quasiDemean` and `swamyAroraTheta` are the transformations of panel-regression.
 */
export { readPanel } from '../steps/panel-regression.js';
export type { PanelData } from '../steps/panel-regression.js';
export { demean, groupCounts, groupMeans, panelIndex, quasiDemean, swamyAroraTheta, withinTransformer } from '../steps/kernels/panel.js';
export type { PanelEffect, PanelIndex } from '../steps/kernels/panel.js';
/**
 * Distributions: upper tails `normalUpper`, `studentUpper`, `fUpper`, `chiSquaredUpper`,
 * `normalCdf`, the two-sided `studentTwoSided`, and the quantiles `normalQuantile` and
 * `studentQuantile` (R's qnorm and qt). Accurate to 1e-10 relative against R down to 1e-300.
 */
export { chiSquaredUpper, fUpper, normalCdf, normalUpper, studentTwoSided, studentUpper } from '../steps/kernels/distributions.js';
export { normalQuantile, studentQuantile } from '../steps/kernels/quantiles.js';

// ── Testing a plugin ─────────────────────────────────────────────────────────────────────
/** `runStep(def, {params, inputs})`: runs a step as a pipeline stage would, without a pipeline. */
export { runStep } from './plugin-testing.js';
export type { RunStepOptions, RunStepResult } from './plugin-testing.js';
