import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPipeline } from '../../engine/load.js';
import { isAlias, parseDocument, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import { rng } from '../../bench/rng.js';
import { MAX_PIPELINE_BYTES, aliasOverLimit, aliasOverLimitCounted, parsePipelineText, pluginSpecifiers, toPlain } from '../../engine/parse.js';

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
    // At the `{` that is never closed (line 2, column 6), not where yaml gave up (line 3).
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', file: 'p.yaml', line: 2, col: 6, message: 'the map opened here with `{` is never closed' });
    expect(r.diagnostics[0]!.message).not.toContain('\n');
  });
  test('an unclosed quote is reported at its opening quote, once', () => {
    const r = parsePipelineText('stages:\n  a: { path: "data/x.csv }\n  b: 1\n', '/abs/p.yaml', 'p.yaml');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 2, col: 14, message: expect.stringContaining('quoted string is never closed') });
  });
  test('an unclosed list is reported at its `[`', () => {
    const r = parsePipelineText('stages:\n  a: { x: [1, 2 }\n  b: 1\n', '/abs/p.yaml', 'p.yaml');
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 2, col: 11, message: 'the list opened here with `[` is never closed' });
  });
  test('text that was not UTF-8 (U+FFFD after decoding) is not-utf8 at that character', () => {
    const r = parsePipelineText('stages:\n  a: { path: data/p\uFFFDl.csv }\n', '/abs/p.yaml', 'p.yaml');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'not-utf8', line: 2, col: 20 })]);
  });
  test('a duplicate key is reported as such', () => {
    const r = parsePipelineText('stages:\n  a: { step: x }\n  a: { step: y }\n', '/abs/p.yaml', 'p.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['duplicate-key', 3, 3]]);
  });
});

describe('aliases (`*name`) are checked, never thrown', () => {
  test('an alias to an anchor that is not defined is a located diagnostic', () => {
    const r = parsePipelineText('params:\n  d: *nope\nstages: {}\n', '/abs/p.yaml', 'p.yaml');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col, d.endCol])).toEqual([['unknown-alias', 2, 6, 11]]);
  });
  test('an alias inside the value it refers to (a value containing itself) is a located diagnostic', () => {
    const r = parsePipelineText('params:\n  a: &x [1, *x]\n', '/abs/p.yaml', 'p.yaml');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['unknown-alias', 2, 13]]);
  });
  test('expansion stops at the yaml package\'s maxAliasCount, at the alias that passes it', () => {
    // One scalar anchor used 1,000 times: the package counts 1 + uses, so the 1,000th use
    // passes its limit of 1,000 (nested aliases, as in alias-bomb.yaml, multiply the count).
    const uses = Array.from({ length: 1000 }, (_, i) => `  u${i}: *y`).join('\n');
    const r = parsePipelineText(`params:\n  y: &y 2011\n${uses}\n`, '/abs/p.yaml', 'p.yaml');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['too-many-aliases', 1002, 9]]);
    expect(r.diagnostics[0]!.message).toContain('limit of 1000 alias expansions');
    expect(r.diagnostics[0]!.message).toContain('maxAliasCount');
  });
  test('an anchor reused within the limit is fine', () => {
    const uses = Array.from({ length: 100 }, (_, i) => `  s${i}: { step: summarize, params: *p }`).join('\n');
    const r = parsePipelineText(`params:\n  common: &p { label: x }\nstages:\n${uses}\n`, '/abs/p.yaml', 'p.yaml');
    expect(r.diagnostics).toEqual([]);
    expect((toPlain(r.parsed!) as { stages: Record<string, unknown> }).stages.s99).toEqual({ step: 'summarize', params: { label: 'x' } });
  });
});

describe('loading a pipeline file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-parse-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  test('a billion-laughs file is a diagnostic, not a crash', async () => {
    const levels = ['  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [p, c] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`  ${c}: &${c} [${Array(9).fill(`*${p}`).join(', ')}]`);
    }
    fs.writeFileSync(path.join(dir, 'laughs.yaml'), `params:\n${levels.join('\n')}\nstages: {}\n`);
    const l = await loadPipeline('laughs.yaml', dir);
    expect(l.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['too-many-aliases', 'laughs.yaml', 6]]);
    expect(l.plan).toBeUndefined();
  });
  test('a pipeline over the size limit is refused, naming the limit', async () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(MAX_PIPELINE_BYTES)}\nstages: {}\n`);
    const [d, ...rest] = (await loadPipeline('big.yaml', dir)).diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'file-too-large', file: 'big.yaml', line: 1, col: 1 });
    expect(d!.message).toBe(`pipeline file \`big.yaml\` is ${(MAX_PIPELINE_BYTES + 14).toLocaleString('en-US')} bytes, more than the limit of 10 MiB for a pipeline file`);
  });
  test('a folder is not a pipeline file', async () => {
    fs.mkdirSync(path.join(dir, 'folder.yaml'));
    const [d] = (await loadPipeline('folder.yaml', dir)).diagnostics;
    expect(d).toMatchObject({ code: 'not-a-file', message: 'pipeline file `folder.yaml` is a folder, not a pipeline file' });
  });
});

describe('alias expansion is counted as the yaml package counts it', () => {
  /** Aliases in document order and the anchored node each refers to. */
  function aliasesOf(text: string): { doc: Document.Parsed; aliases: Alias[]; targets: Map<Alias, YamlNode> } {
    const doc = parseDocument(text, { uniqueKeys: false });
    const anchors = new Map<string, YamlNode>();
    const aliases: Alias[] = [];
    const targets = new Map<Alias, YamlNode>();
    visit(doc, { Node: (_k, n) => { if (isAlias(n)) { aliases.push(n); targets.set(n, anchors.get(n.source)!); } else if (n.anchor) anchors.set(n.anchor, n); } });
    return { doc, aliases, targets };
  }

  test('the one-pass count finds the same alias as the package itself (binary search over real conversions), on 300 seeded documents', () => {
    const rand = rng(20261202);
    const int = (n: number) => Math.floor(rand() * n);
    let flagged = 0;
    for (let trial = 0; trial < 300; trial++) {
      // Anchors a0..aK, each a list of scalars and aliases of earlier anchors, then uses.
      const lines = ['params:'];
      const k = 2 + int(5);
      for (let a = 0; a < k; a++) {
        const items = Array.from({ length: 1 + int(12) }, () => (a > 0 && rand() < 0.6 ? `*a${int(a)}` : String(int(9))));
        lines.push(`  p${a}: &a${a} [${items.join(', ')}]`);
      }
      for (let u = 0, n = int(40); u < n; u++) lines.push(`  u${u}: *a${int(k)}`);
      const { doc, aliases, targets } = aliasesOf(lines.join('\n') + '\n');
      const counted = aliasOverLimitCounted(aliases, targets);
      expect(counted, lines.join('\n')).toBe(aliasOverLimit(doc, aliases.length));
      if (counted !== undefined) flagged++;
    }
    // Both outcomes occur, so the comparison means something.
    expect(flagged).toBeGreaterThan(20);
    expect(flagged).toBeLessThan(280);
  });
});
