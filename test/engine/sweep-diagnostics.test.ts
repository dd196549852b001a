/**
 * Exact-output tests of the printed diagnostics for broken sweep files. Each
 * test/fixtures/broken-sweeps/NAME.yaml varies base/study.yaml there (a valid pipeline) and has
 * NAME.txt beside it holding the full text `agglo sweep` prints (checked by hand against the
 * YAML). To regenerate after an intended change to messages, run with UPDATE_DIAGNOSTICS=1
 * and review the diff of the .txt files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatDiagnostics } from '../../engine/diagnostics-format.js';
import { loadSweep } from '../../engine/sweep-load.js';

const dir = fileURLToPath(new URL('../fixtures/broken-sweeps/', import.meta.url));

describe('printed diagnostics of broken sweep files', () => {
  const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  test('there are fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(6));
  for (const f of fixtures) {
    test(f, async () => {
      const loaded = await loadSweep(f, dir);
      expect(loaded.variants).toBeUndefined();
      const actual = formatDiagnostics(loaded.diagnostics, loaded.sources);
      const expectedFile = path.join(dir, f.replace(/\.yaml$/, '.txt'));
      if (process.env.UPDATE_DIAGNOSTICS === '1') fs.writeFileSync(expectedFile, actual);
      expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('a valid sweep', () => {
  test('loads every variant, planned under its own file, with the overlays merged', async () => {
    const file = 'valid.sweep.yml';
    const text = `sweep: base/study.yaml
dimensions:
  shift: { none: {}, ten: { params: { shift: 10 } } }
  estimator: { within: {}, random: { stages: { within: { params: { model: random } } } } }
exclude: [{ shift: ten, estimator: random }]
collect: [{ stage: within, terms: [gdp] }]
`;
    fs.writeFileSync(path.join(dir, file), text);
    try {
      const loaded = await loadSweep(file, dir);
      expect(loaded.diagnostics).toEqual([]);
      const vs = loaded.variants!;
      expect(vs.map((v) => v.id)).toEqual(['shift=none,estimator=within', 'shift=none,estimator=random', 'shift=ten,estimator=within']);
      expect(vs.map((v) => v.plan.stages.get('within')!.spec.params.model)).toEqual([undefined, 'random', undefined]);
      expect(vs.map((v) => v.plan.pipeline.params.shift)).toEqual([0, 0, 10]);
      // `${params.shift}` is substituted in the variant's stage params.
      expect((vs[2]!.plan.stages.get('vars')!.spec.params.columns as Record<string, string>).gdp).toBe('log(gdp_raw - 10)');
      expect(new Set(vs.map((v) => v.plan.pipeline.file)).size).toBe(3);
      for (const v of vs) expect(v.plan.pipeline.file.startsWith(path.join(dir, file) + '#variant-')).toBe(true);
    } finally {
      fs.rmSync(path.join(dir, file));
    }
  });
});
