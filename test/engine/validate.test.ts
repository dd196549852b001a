import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parsePipelineText } from '../../engine/parse.js';
import { validatePipeline } from '../../engine/validate.js';
import { fakeFiles, fakeRegistry } from './support/fake-steps.js';

const root = path.resolve('/project');
function validate(text: string) {
  const { parsed, diagnostics } = parsePipelineText(text, path.join(root, 'pipelines/p.yaml'), 'pipelines/p.yaml');
  expect(diagnostics).toEqual([]);
  return validatePipeline(parsed!, fakeRegistry(), ['/plugins/x.mjs'], {
    root,
    fileExists: (p) => Object.hasOwn(fakeFiles, path.relative(root, p)),
    readText: (p) => fakeFiles[path.relative(root, p)]!,
  });
}
const codes = (text: string) => validate(text).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);

const good = `
params:
  years: 2011..2013
  provinces: [BEJ, TJN]
  panel_file: data/panel.csv
stages:
  panel: { step: read-csv, params: { path: "\${params.panel_file}" } }
  ras:
    step: ras
    foreach: { province: "\${params.provinces}", year: "\${params.years}" }
    inputs: { base: data/io2007.csv, totals: panel.table }
    params: { tolerance: 0.001, year: "\${item.year}" }
  fe:
    step: panel-regression
    foreach: { p: { stage: panel, column: province }, f: { file: data/panel.csv, column: province } }
    inputs: { data: panel }
    params: { y: idt, x: [gdp], model: within, entity: "\${item.p}" }
`;

describe('a valid pipeline', () => {
  const r = validate(good);
  test('has no diagnostics', () => expect(r.diagnostics).toEqual([]));
  test('resolves params, ranges and references but keeps item references', () => {
    const p = r.pipeline!;
    expect(p.params).toEqual({ years: [2011, 2012, 2013], provinces: ['BEJ', 'TJN'], panel_file: 'data/panel.csv' });
    expect(p.plugins).toEqual(['/plugins/x.mjs']);
    expect(p.root).toBe(root);
    expect(p.stages.map((s) => s.id)).toEqual(['panel', 'ras', 'fe']);
    const [panel, ras, fe] = p.stages;
    expect(panel!.params).toEqual({ path: 'data/panel.csv' });
    expect(ras!.params).toEqual({ tolerance: 0.001, year: '${item.year}' });
    expect(ras!.inputs).toEqual({ base: { kind: 'file', path: 'data/io2007.csv' }, totals: { kind: 'stage', stage: 'panel', output: 'table' } });
    expect(ras!.foreach).toEqual({ province: { kind: 'values', values: ['BEJ', 'TJN'] }, year: { kind: 'values', values: [2011, 2012, 2013] } });
    expect(fe!.foreach).toEqual({ p: { kind: 'stage', stage: 'panel', column: 'province' }, f: { kind: 'file', path: 'data/panel.csv', column: 'province' } });
    // Params as written: schema defaults are applied per item by the planner, not here.
    expect(fe!.params).not.toHaveProperty('entity', 'province');
    expect(fe!.range).toMatchObject({ line: 13, col: 3 });
    expect(p.locate(['stages', 'fe', 'step'])).toMatchObject({ line: 14, col: 11 });
  });
});

describe('problems', () => {
  test('stage keys keep their written order even when numeric-looking', () => {
    const r = validate('stages:\n  b: { step: read-csv, params: { path: data/panel.csv } }\n  a1: { step: summarize, inputs: { data: b } }\n');
    expect(r.pipeline!.stages.map((s) => s.id)).toEqual(['b', 'a1']);
  });
  test('are all collected in one pass', () => {
    const text = [
      'stage: {}',                                                           // 1 unknown-key
      'stages:',
      '  panel: { step: read-csv, params: { path: data/nope.csv } }',        // 3 missing-file
      '  fe: { step: panel-regresion, inputs: { data: panel } }',            // 4 unknown-step
      '  s: { step: summarize, inputs: { dat: panel } }',                     // 5 unknown-input + missing-input
      '  t: { step: summarize, inputs: { data: pnael } }',                    // 6 unknown-stage
    ].join('\n');
    expect(codes(text)).toEqual(['unknown-key@1:1', 'missing-file@3:44', 'unknown-step@4:15', 'missing-input@5:25', 'unknown-input@5:35', 'unknown-stage@6:41']);
    expect(validate(text).pipeline).toBeUndefined();
  });
  test('param checks: unknown, missing, wrong type, bad enum value', () => {
    const text = 'stages:\n  d: { step: read-csv, params: { path: data/panel.csv } }\n  fe:\n    step: panel-regression\n    inputs: { data: d }\n    params: { y: 1, modle: within, model: withn }\n';
    const r = validate(text);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col, d.hint])).toEqual([
      ['missing-param', 6, 5, 'add `x: ...` under `params:`'],
      ['wrong-type', 6, 18, 'dependent variable column'],
      ['unknown-param', 6, 21, 'did you mean `model`?'],
      ['bad-value', 6, 43, 'did you mean `within`?'],
    ]);
  });
  test('a missing required param with no params key points at the stage', () => {
    expect(codes('stages:\n  d: { step: read-csv }\n')).toEqual(['missing-param@2:3']);
  });
  test('foreach problems', () => {
    const text = 'params: { none: [] }\nstages:\n  s:\n    step: ras\n    inputs: { base: data/io2007.csv, totals: data/totals.csv }\n    foreach: { a: "${params.none}", b: "${params.nope}", c: 2011..20x1, d: { file: data/empty.csv, column: year } }\n    params: { year: "${item.e}" }\n';
    // Columns are 1-based; a quoted scalar's range starts at its opening quote.
    expect(codes(text)).toEqual(['empty-foreach@6:19', 'unknown-reference@6:40', 'bad-range@6:61', 'empty-foreach@6:108', 'unknown-reference@7:21']);
  });
  test('an input cannot vary by item', () => {
    const text = 'stages:\n  s: { step: summarize, foreach: { y: [1] }, inputs: { data: "out/${item.y}.csv" } }\n';
    expect(codes(text)).toEqual(['bad-reference@2:62']);
  });
  test('a cycle names every stage in order, with related places', () => {
    const text = 'stages:\n  a: { step: summarize, inputs: { data: c } }\n  b: { step: summarize, inputs: { data: a } }\n  c: { step: summarize, inputs: { data: b } }\n';
    const [d, ...rest] = validate(text).diagnostics;
    expect(rest).toEqual([]);
    expect(d!.code).toBe('cycle');
    expect(d!.message).toBe('stages `a`, `c`, `b` form a cycle: `a` needs `c`, `c` needs `b`, `b` needs `a`');
    expect(d!.related!.map((r) => [r.line, r.message])).toEqual([[4, '`c` needs `b` here'], [3, '`b` needs `a` here']]);
  });
  test('an item reference gets the first item value when type-checking params', () => {
    const text = 'stages:\n  s:\n    step: ras\n    inputs: { base: data/io2007.csv, totals: data/totals.csv }\n    foreach: { p: [BEJ] }\n    params: { year: "${item.p}" }\n';
    const [d] = validate(text).diagnostics;
    expect(d!.message).toBe('param `year` of stage `s` must be an integer, not a string (from `${item.p}` with the first item)');
  });
  test('params that refer to each other in a loop are a cycle naming each, with related places', () => {
    const text = 'params:\n  a: "${params.b}"\n  b: x-${params.c}\n  c: "${params.a}"\n  d: "${params.d.e}"\nstages: {}\n';
    const r = validate(text);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col, d.message])).toEqual([
      ['cycle', 2, 6, 'params `a`, `b`, `c` refer to each other in a loop: `a` uses `b`, `b` uses `c`, `c` uses `a`'],
      ['cycle', 5, 6, 'param `d` refers to itself'],
    ]);
    expect(r.diagnostics[0]!.related!.map((x) => [x.line, x.message])).toEqual([[3, '`b` uses `c` here'], [4, '`c` uses `a` here']]);
  });
  test('chains of params resolve whatever their length and order', () => {
    // Each param uses the next one, declared after it.
    const chain = Array.from({ length: 12 }, (_, i) => `  p${i}: "${i === 11 ? 'data/panel.csv' : `\${params.p${i + 1}}`}"`).join('\n');
    const r = validate(`params:\n${chain}\nstages:\n  s: { step: read-csv, params: { path: "\${params.p0}" } }\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.pipeline!.params.p0).toBe('data/panel.csv');
  });
  test('the product of a stage\'s foreach dimensions is bounded before anything is expanded', () => {
    // 1,001 distinct provinces in a CSV × 1,000 years: each dimension is fine, the product is not.
    const csv = `province\n${Array.from({ length: 1001 }, (_, i) => `P${i}`).join('\n')}\n`;
    const { parsed } = parsePipelineText('stages:\n  s:\n    step: summarize\n    foreach: { p: { file: data/p.csv, column: province }, y: 1..1000, u: { stage: s0, column: x } }\n    inputs: { data: s0 }\n  s0: { step: read-csv, params: { path: data/p.csv } }\n', path.join(root, 'p.yaml'), 'p.yaml');
    const r = validatePipeline(parsed!, fakeRegistry(), [], { root, fileExists: () => true, readText: () => csv });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col, d.message])).toEqual([
      ['too-many-items', 4, 5, 'stage `s` fans out to 1,001,000 items (`p` 1,001 × `y` 1,000), before counting `u`, more than the limit of 1,000,000 items per stage'],
    ]);
  });
  test('a non-map file stops after the structure check', () => {
    const { parsed } = parsePipelineText('- a\n- b\n', '/x.yaml', 'x.yaml');
    const r = validatePipeline(parsed!, fakeRegistry(), [], { root, fileExists: () => true });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['wrong-type']);
  });
});
