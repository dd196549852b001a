/** The sweep file's own shape, read by engine/sweep-file.ts. */
import { describe, expect, test } from 'vitest';
import { parsePipelineText } from '../../engine/parse.js';
import { checkSweepFile } from '../../engine/sweep-file.js';
import { Reporter } from '../../engine/validate-report.js';

const check = (text: string) => {
  const parsed = parsePipelineText(text, '/p/pipelines/sweeps/s.yaml', 'pipelines/sweeps/s.yaml').parsed!;
  const report = new Reporter();
  return { spec: checkSweepFile(parsed, '/p', report), diagnostics: report.diagnostics };
};

describe('sweep file', () => {
  test('dimensions and choices keep the file\'s order, integer-like names included (the first choice is the baseline)', () => {
    const { spec, diagnostics } = check('sweep: ../paper.yaml\ndimensions:\n  z: { b: {}, "2012": {} }\n  "10": { nearest: {}, "2007": {}, "1999": {} }\ncollect: [{ stage: m }]\n');
    expect(diagnostics).toEqual([]);
    expect(spec!.dimensions.map((d) => d.name)).toEqual(['z', '10']);
    expect(spec!.dimensions.map((d) => d.choices.map((c) => c.name))).toEqual([['b', '2012'], ['nearest', '2007', '1999']]);
  });

  test('collect entries: a model\'s terms, or an output with columns; not both', () => {
    const { spec, diagnostics } = check('sweep: ../paper.yaml\ndimensions: { d: { a: {} } }\ncollect:\n  - { stage: m, terms: [x] }\n  - { stage: c, output: summary, columns: [spearman] }\n  - { stage: t, output: table }\n  - { stage: bad, terms: [x], columns: [y] }\n');
    expect(spec!.collect.map(({ path: _, ...c }) => c)).toEqual([{ stage: 'm', terms: ['x'] }, { stage: 'c', output: 'summary', columns: ['spearman'] }, { stage: 't', output: 'table' }]);
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['7:26 conflicting-keys']);
  });
});
