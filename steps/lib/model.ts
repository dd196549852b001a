/**
 * The fitted-model contract: the JSON a model stage hands on (panel-regression's `model`
 * output, or a plugin estimator's) and what regression-table, paper-comparison and the
 * report read from it. Only `coefficients` is required; the other fields fill the summary
 * rows of regression-table and the confidence intervals of the report when present.
 * docs/plugins.md ("The model contract") lists who reads which field.
 */
import { StepError, type StepContext } from '../../engine/step.js';
import type { Json } from '../../engine/value.js';
import { normalUpper, studentTwoSided } from '../kernels/distributions.js';

/** One estimated coefficient, as a model lists it (snake_case, as in the YAML and the cache). */
export type ModelCoefficient = {
  /** The regressor's name as the user wrote it; `(Intercept)` for a constant. */
  term: string;
  estimate: number;
  std_error: number;
  /** The test statistic of H0: coefficient = 0, normally estimate / std_error. */
  statistic: number;
  /** Two-sided p-value of `statistic` (regression-table's stars come from it). */
  p_value: number;
};

/**
 * A fitted model. `coefficients` is required; every other field is optional and any further
 * plain-data field may be added (panel-regression adds `vcov_matrix`, `sigma2`, `theta`, …).
 */
export type Model = {
  /** What made it: panel-regression says "panel-model". */
  kind?: string;
  /** The dependent variable (labels: "Regression of idt", the heading "idt (FE)"). */
  y?: string;
  /**
   * The estimator (labels): panel-regression's pooled, within, random or between; a plugin's
   * own name, e.g. "first-difference", is shown as it is.
   */
  model?: string;
  /** The effects of a panel estimator (labels): individual, time or twoways. */
  effect?: string;
  /** How the standard errors were computed (labels): classical, cluster-hc0 or cluster-stata. */
  vcov?: string;
  /** The estimates, in the order the table should show them. */
  coefficients: ModelCoefficient[];
  /**
   * A constant reported apart from the slopes (panel-regression's within model: Stata's
   * `xtreg, fe` constant). A model may instead list a `(Intercept)` term in `coefficients`.
   */
  constant?: Omit<ModelCoefficient, 'term'>;
  /** Observations used: regression-table's N row. */
  nobs?: number;
  /** regression-table's R² row. */
  r2?: number;
  /** regression-table's adjusted R² row. */
  adj_r2?: number;
  /** Residual degrees of freedom: the report's confidence intervals use t(df_resid). */
  df_resid?: number;
  /** The reference distribution of `statistic`: "normal" makes the report use z quantiles. */
  distribution?: 't' | 'normal';
} & { [key: string]: Json };

/** True when `v` has the shape regression-table accepts: an object with a `coefficients` list. */
export function isModel(v: unknown): v is Model {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { coefficients?: unknown }).coefficients);
}

/**
 * The model input `name` of a step, or a `not-a-model` StepError that says what to connect
 * (`step` names the step in the message).
 */
export function modelInput(ctx: StepContext<unknown>, name: string, step: string): Model {
  const v = ctx.inputs[name];
  if (!isModel(v)) {
    throw new StepError('not-a-model', `${step}: input \`${name}\` is ${v === undefined ? 'missing' : 'not a fitted model (no `coefficients` list)'}; connect it to the \`model\` output of panel-regression or of an estimator plugin`);
  }
  return v;
}

/**
 * Coefficient rows from estimates and standard errors: statistic = estimate / std_error and a
 * two-sided p-value from Student's t with `df` degrees of freedom, or from the standard
 * normal when `df` is omitted or Infinity (as R's summary.lm and plm's summary do).
 */
export function coefficientRows(terms: readonly string[], estimates: ArrayLike<number>, stdErrors: ArrayLike<number>, df?: number): ModelCoefficient[] {
  if (estimates.length !== terms.length || stdErrors.length !== terms.length) {
    throw new Error(`coefficientRows: ${terms.length} terms, ${estimates.length} estimates and ${stdErrors.length} standard errors`);
  }
  return terms.map((term, j) => {
    const estimate = estimates[j]!;
    const se = stdErrors[j]!;
    const statistic = estimate / se;
    const p = df === undefined || df === Infinity ? 2 * normalUpper(Math.abs(statistic)) : studentTwoSided(statistic, df);
    return { term, estimate, std_error: se, statistic, p_value: p };
  });
}
