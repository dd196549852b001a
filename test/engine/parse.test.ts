import { describe, expect, test } from 'vitest';
import { parsePipelineText, pluginSpecifiers } from '../../engine/parse.js';

const text = [
  'plugins: [examples/plugins/a.mjs, 3, my-package]', // line 1
  'stages:',                                           // line 2
  '  fe:',                                             // line 3
  '    step: panel-regression',                        // line 4
  '    params:',                                       // line 5
  '    inputs: { data: panel }',                       // line 6
].join('\n');

describe('parsePipelineText', () => {
  const { parsed, diagnostics } = parsePipelineText(text, '/abs/p.yaml', 'pipelines/p.yaml');
  test('parses without diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(parsed?.displayFile).toBe('pipelines/p.yaml');
  });
  test('locates values and keys with 1-based lines and columns', () => {
    // `panel-regression` starts at column 11 of line 4 and is 16 characters long.
    expect(parsed!.locate(['stages', 'fe', 'step'])).toEqual({ file: 'pipelines/p.yaml', line: 4, col: 11, endLine: 4, endCol: 27 });
    expect(parsed!.locateKey(['stages', 'fe'])).toEqual({ file: 'pipelines/p.yaml', line: 3, col: 3, endLine: 3, endCol: 5 });
    // `    inputs: { data: panel }`: 4 spaces, `inputs:` (5-11), `{` (13), `data:` (15-19), so `panel` is columns 21-25.
    expect(parsed!.locate(['stages', 'fe', 'inputs', 'data'])).toMatchObject({ line: 6, col: 21, endCol: 26 });
  });
  test('an empty value is located at its key', () => {
    expect(parsed!.locate(['stages', 'fe', 'params'])).toMatchObject({ line: 5, col: 5, endCol: 11 });
  });
  test('missing paths are undefined, or the nearest ancestor with locateNearest', () => {
    expect(parsed!.locate(['stages', 'fe', 'nope'])).toBeUndefined();
    expect(parsed!.locateNearest(['stages', 'fe', 'inputs', 'data', 3])).toMatchObject({ line: 6, col: 21 });
    expect(parsed!.locateNearest(['zzz'])).toMatchObject({ line: 1, col: 1 });
  });
  test('pluginSpecifiers lists string entries with their ranges', () => {
    expect(pluginSpecifiers(parsed!).map((p) => [p.specifier, p.range.line, p.range.col])).toEqual([
      ['examples/plugins/a.mjs', 1, 11],
      ['my-package', 1, 38],
    ]);
  });
});

describe('syntax errors', () => {
  test('are diagnostics with a position and no parsed file', () => {
    const r = parsePipelineText('stages:\n  a: { step: x\n  b: 1\n', '/abs/p.yaml', 'p.yaml');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', file: 'p.yaml', line: 3, col: 3 });
    expect(r.diagnostics[0]!.message).not.toContain('\n');
  });
  test('a duplicate key is reported as such', () => {
    const r = parsePipelineText('stages:\n  a: { step: x }\n  a: { step: y }\n', '/abs/p.yaml', 'p.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['duplicate-key', 3, 3]]);
  });
});
