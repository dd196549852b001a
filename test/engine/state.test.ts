import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { stateFile, stateName, VARIANT_MARK } from '../../engine/state.js';
import { variantFile } from '../../engine/sweep-load.js';

describe('pipeline states of sweep variants', () => {
  const root = path.resolve('/project');
  const sweep = path.join(root, 'pipelines/sweeps/robust.yaml');

  test('a variant has its own state name, its state belongs to the sweep file', () => {
    const a = variantFile(sweep, 'years=2011..2023,estimator=within');
    const b = variantFile(sweep, 'years=2013..2023,estimator=within');
    expect(a).toMatch(new RegExp(`^${sweep.replace(/[.\\/]/g, '\\$&')}${VARIANT_MARK}[0-9a-f]{12}$`));
    expect(stateName(root, a)).not.toBe(stateName(root, b));
    expect(stateName(root, a)).not.toBe(stateName(root, sweep));
    expect(stateFile(path.relative(root, a))).toBe('pipelines/sweeps/robust.yaml');
  });

  test('an ordinary pipeline file is its own state file, also with a # in its name', () => {
    expect(stateFile('pipelines/paper.yaml')).toBe('pipelines/paper.yaml');
    expect(stateFile('pipelines/a#variant-b.yaml')).toBe('pipelines/a#variant-b.yaml');
  });
});
