// The params schemas of the measurement steps compile with the engine's ajv settings
// (Ajv2020, useDefaults) and accept / reject the YAML shapes documented in
// docs/steps/measurement.md.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../engine/step.js';
import { digitalValueAdded } from '../../steps/digital-value-added.js';
import { entropyWeight } from '../../steps/entropy-weight.js';
import { locationQuotient } from '../../steps/location-quotient.js';
import { practitioners } from '../../steps/practitioners.js';
import { rank } from '../../steps/rank.js';

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });

function check(step: StepDefinition, params: Record<string, unknown>): { ok: boolean; params: Record<string, unknown> } {
  const copy = structuredClone(params);
  const ok = ajv.compile(step.params)(copy) as boolean;
  return { ok, params: copy };
}

describe('measurement step params schemas', () => {
  it('digital-value-added', () => {
    expect(check(digitalValueAdded, { digital: [19, 20, 21, '32', 36] })).toEqual({ ok: true, params: { digital: [19, 20, 21, '32', 36], coefficients: 'direct', exclude: [] } });
    expect(check(digitalValueAdded, {}).ok).toBe(false);
    expect(check(digitalValueAdded, { digital: [19], coefficients: 'total' }).ok).toBe(false);
  });

  it('practitioners, location-quotient, rank defaults', () => {
    expect(check(practitioners, {}).params).toMatchObject({ idva: 'idva', gdp: 'gdp', employment: 'employment', idva_to_gdp_units: 1e-4 });
    expect(check(practitioners, { idva_to_gdp_units: 0 }).ok).toBe(false);
    expect(check(locationQuotient, {}).params).toMatchObject({ group: 'province', time: 'year', national: 'sample', lq_column: 'lq' });
    expect(check(locationQuotient, { national: 'country' }).ok).toBe(false);
    expect(check(rank, {}).params).toMatchObject({ entity: 'province', value: 'lq', ties: 'min', decreasing: true, missing: 'error' });
    expect(check(rank, { ties: 'random' }).ok).toBe(false);
  });

  it('entropy-weight: list and map forms', () => {
    expect(check(entropyWeight, { indicators: [{ column: 'a' }, { column: 'b', direction: 'negative' }] }).ok).toBe(true);
    const m = check(entropyWeight, { indicators: { a: 'positive', b: 'negative' } });
    expect(m).toEqual({ ok: true, params: { indicators: { a: 'positive', b: 'negative' }, pooled: true, time: 'year', zero: 'ignore', shift: 1e-4, constant: 'error', score_column: 'score' } });
    expect(check(entropyWeight, { indicators: { a: 'up' } }).ok).toBe(false);
    expect(check(entropyWeight, { indicators: [] }).ok).toBe(false);
    expect(check(entropyWeight, { indicators: { a: 'positive' }, zero: 'shift', shift: -1 }).ok).toBe(false);
  });
});
