/**
 * A TypeScript plugin written against `agglo/plugin` as a user imports it (the package's
 * `exports` map and the declarations in dist/): `tsc -p tsconfig.json` in `npm test` compiles
 * it, so a type that stops being exported or loosens breaks the test run. The
 * `@ts-expect-error` lines are mistakes the types must catch: if one compiles, tsc fails
 * with "Unused '@ts-expect-error' directive". Not run; docs/plugins.md's TypeScript example
 * is also compiled and run by test/e2e/plugin-guide.test.ts.
 */
import {
  coefficientRows, defineStep, isModel, numericColumn, olsFit, readPanel, runStep, StepError, studentQuantile, tableFromColumns, tableInput,
  type Cell, type Collection, type Column, type ColumnsContext, type ColumnsResult, type FileRef, type InputSpec, type ItemKey, type Json, type JsonSchema, type Model, type ModelCoefficient,
  type OlsFit, type OutputColumns, type PanelData, type ParamPath, type PanelEffect, type PanelIndex, type RunStepOptions, type RunStepResult, type StepContext, type StepDefinition,
  type Table, type UnknownColumn, type Value,
} from 'agglo/plugin';

interface SlopeParams {
  y: string;
  x: string;
  level?: number;
}

const schema: JsonSchema = {
  type: 'object',
  properties: { y: { type: 'string' }, x: { type: 'string' }, level: { type: 'number', default: 0.95 } },
  required: ['y', 'x'],
};
const input: InputSpec = { description: 'A table.' };

/** OLS of y on a constant and x, with a confidence interval: every kind of export in use. */
export const slope: StepDefinition<SlopeParams> = defineStep<SlopeParams>({
  name: 'slope',
  version: '1.0.0',
  description: 'Slope of y on x with a confidence interval.',
  params: schema,
  inputs: { data: input },
  outputs: { model: 'The model.', table: 'The coefficients.' },
  run(ctx: StepContext<SlopeParams>) {
    const data: Table = tableInput(ctx, 'data', 'slope');
    const y: Float64Array = numericColumn(data, ctx.params.y);
    const x = numericColumn(data, ctx.params.x);
    const fit: OlsFit = olsFit([new Float64Array(y.length).fill(1), x], y);
    if (fit.dropped.length > 0) throw new StepError('collinear', 'slope: x is constant');
    const df = y.length - 2;
    const se = [0, 1].map((j) => Math.sqrt((fit.ssr / df) * fit.xtxInv[j * 2 + j]!));
    const rows: ModelCoefficient[] = coefficientRows(['(Intercept)', ctx.params.x], fit.coef, se, df);
    const q = studentQuantile((1 + (ctx.params.level ?? 0.95)) / 2, df);
    const model: Model = { y: ctx.params.y, model: 'ols', coefficients: rows, nobs: y.length, df_resid: df, ci: rows.map((r) => [r.estimate - q * r.std_error, r.estimate + q * r.std_error]) };
    // @ts-expect-error — params are typed: a misspelt param does not compile.
    void ctx.params.lvl;
    // @ts-expect-error — StepError needs a reason and a message.
    void new StepError('only a message');
    return { model, table: tableFromColumns({ term: rows.map((r) => r.term), estimate: rows.map((r) => r.estimate) }) };
  },
});

/** A `columns` declaration: its ctx is typed from the params; it returns each table output's columns. */
export const declared = defineStep<SlopeParams>({
  ...slope,
  columns(ctx: ColumnsContext<SlopeParams>): ColumnsResult {
    const have = ctx.inputs.data;
    const at: ParamPath = ['y'];
    const problem: UnknownColumn = { at, name: ctx.params.y, columns: have ?? [], input: 'data' };
    if (have && !have.includes(ctx.params.y)) ctx.unknownColumn(problem);
    const table: OutputColumns = ['term', 'estimate'];
    // @ts-expect-error — an output's columns are names, not numbers.
    const wrong: OutputColumns = [1, 2];
    void wrong;
    return { table };
  },
});

// @ts-expect-error — a model needs its coefficients.
export const noCoefficients: Model = { nobs: 3 };
// @ts-expect-error — a coefficient's estimate is a number.
export const textEstimate: ModelCoefficient = { term: 'x', estimate: '1', std_error: 1, statistic: 1, p_value: 1 };
// @ts-expect-error — a model field must be plain data (Json), not undefined.
export const undefinedField: Model = { coefficients: [], extra: undefined };
// @ts-expect-error — a table cell is a number, string, boolean or null.
export const badCell: Cell = undefined;

/** A step without `run` is not a step. */
// @ts-expect-error — run is required.
export const noRun = defineStep({ name: 'x', version: '1', description: '', params: {}, inputs: {}, outputs: {} });

/** Values of every kind are assignable to Value; a model is one. */
export function values(t: Table, c: Collection, f: FileRef, j: Json, col: Column, key: ItemKey, m: Model): Value[] {
  void col;
  void key;
  return [t, c, f, j, m];
}

/** runStep's options and result are typed; a model output can be narrowed with isModel. */
export async function check(options: RunStepOptions): Promise<number> {
  const r: RunStepResult = await runStep(slope, options);
  const m = r.outputs.model;
  return isModel(m) ? m.coefficients.length : 0;
}

/** readPanel gives typed arrays and an index; the effect type lists the effects. */
export function panel(t: Table): [PanelData, PanelIndex, PanelEffect] {
  const p = readPanel(t, { y: 'y', x: ['x'], entity: 'e', time: 't' });
  // @ts-expect-error — not an effect.
  const bad: PanelEffect = 'random';
  void bad;
  return [p, p.index, 'twoways'];
}
