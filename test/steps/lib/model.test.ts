/**
 * The model contract helpers of steps/lib/model.ts. Expected p-values are scipy 1.17's
 * `2 * stats.t.sf(|t|, df)` and `2 * stats.norm.sf(|z|)`, computed independently of agglo.
 */
import { describe, expect, it } from 'vitest';
import { coefficientRows, isModel, modelInput } from '../../../steps/lib/model.js';
import { StepError } from '../../../engine/step.js';
import { tableFromColumns } from '../../../engine/table.js';
import { makeContext } from '../../support/context.js';

describe('coefficientRows', () => {
  it('divides estimates by standard errors and takes two-sided p from t(df)', () => {
    const rows = coefficientRows(['(Intercept)', 'gdp'], [0.5, -7], [0.25, 2], 3);
    expect(rows.map((r) => [r.term, r.estimate, r.std_error, r.statistic])).toEqual([['(Intercept)', 0.5, 0.25, 2], ['gdp', -7, 2, -3.5]]);
    expect(rows[0]!.p_value).toBeCloseTo(0.13932596855884305, 12); // scipy: 2 * t.sf(2, 3)
    expect(rows[1]!.p_value).toBeCloseTo(0.039481037619282774, 12); // scipy: 2 * t.sf(3.5, 3)
  });

  it('uses the normal without df (or with df = Infinity), as random-effects models do', () => {
    const [a] = coefficientRows(['x'], [1.96], [1]);
    const [b] = coefficientRows(['x'], [1.96], [1], Infinity);
    expect(a!.p_value).toBeCloseTo(0.04999579029644087, 12); // scipy: 2 * norm.sf(1.96)
    expect(b!.p_value).toBe(a!.p_value);
  });

  it('accepts typed arrays and refuses mismatched lengths', () => {
    const [r] = coefficientRows(['x'], Float64Array.of(2), Float64Array.of(1), 10);
    expect(r!.p_value).toBeCloseTo(0.07338803477074037, 12); // scipy: 2 * t.sf(2, 10)
    expect(() => coefficientRows(['x', 'z'], [1], [1])).toThrow(/2 terms, 1 estimates and 1 standard errors/);
  });
});

describe('isModel and modelInput', () => {
  const model = { coefficients: [{ term: 'x', estimate: 1, std_error: 1, statistic: 1, p_value: 0.3 }] };

  it('a model is an object with a coefficients list', () => {
    expect(isModel(model)).toBe(true);
    expect(isModel({ coefficients: {} })).toBe(false);
    expect(isModel([model])).toBe(false);
    expect(isModel(tableFromColumns({ coefficients: [1] }))).toBe(false);
  });

  it('modelInput gives the model, or a not-a-model StepError naming the step and input', () => {
    expect(modelInput(makeContext({}, { fd: model }), 'fd', 'my-step')).toBe(model);
    const err = (() => {
      try {
        modelInput(makeContext({}, { fd: tableFromColumns({ a: [1] }) }), 'fd', 'my-step');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).reason).toBe('not-a-model');
    expect((err as StepError).message).toBe('my-step: input `fd` is not a fitted model (no `coefficients` list); connect it to the `model` output of panel-regression or of an estimator plugin');
    expect(() => modelInput(makeContext({}, {}), 'fd', 'my-step')).toThrow('my-step: input `fd` is missing;');
  });
});
