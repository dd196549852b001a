/**
 * A collected term that a dimension drops from some variants (a control left out one at a
 * time): accepted, and simply not collected from the variants without it; a term no variant
 * has is still an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCsv } from '../../engine/csv.js';
import { tableRows } from '../../engine/table.js';
import { agglo, makeProject } from './support.js';
import { smallPanelCsv } from './seeded.js';

const panelCsv = () => smallPanelCsv(5, 5);

const STUDY = `params:
  x: [a, b]
stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  fe: { step: panel-regression, inputs: { data: panel }, params: { y: y, x: "\${params.x}", entity: region, time: year } }
`;

const sweep = (terms: string) => `sweep: ../study.yaml
dimensions:
  controls:
    all: {}
    no_b: { params: { x: [a] } }
collect:
  - { stage: fe, terms: ${terms} }
`;

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('collected terms and dimensions that drop them', () => {
  test('a term dropped by one choice is collected only where it is a regressor', () => {
    const dir = makeProject({ 'data/panel.csv': panelCsv(), 'pipelines/study.yaml': STUDY, 'pipelines/sweeps/terms.yaml': sweep('[a, b]') });
    dirs.push(dir);
    const r = agglo(dir, 'sweep', 'pipelines/sweeps/terms.yaml');
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(parseCsv(fs.readFileSync(path.join(dir, 'results/terms/specifications.csv'), 'utf8')));
    // 2 terms in the full model + 1 in the model without b (hand count): no empty row for b.
    expect(rows.map((row) => `${row.controls} ${row.term}`)).toEqual(['all a', 'all b', 'no_b a']);
    expect(rows.every((row) => typeof row.estimate === 'number')).toBe(true);
  });

  test('a term no variant has is one located error naming it', () => {
    const dir = makeProject({ 'data/panel.csv': panelCsv(), 'pipelines/study.yaml': STUDY, 'pipelines/sweeps/terms.yaml': sweep('[a, c]') });
    dirs.push(dir);
    const r = agglo(dir, 'validate', 'pipelines/sweeps/terms.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pipelines/sweeps/terms.yaml:7:29 error unknown-term: all 2 variants: `collect`: `c` is not a regressor of stage `fe` in any variant checked (its `x` is `a`, `b`)');
    expect(r.stderr.match(/unknown-term/g)).toHaveLength(1);
  });
});
