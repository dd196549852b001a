/**
 * Exact-output tests of the printed diagnostics for broken pipelines. Each
 * test/fixtures/broken/NAME.yaml has NAME.txt beside it holding the full text `agglo` prints
 * (checked by hand line by line against the YAML). To regenerate after an intended change to
 * messages, run with UPDATE_DIAGNOSTICS=1 and review the diff of the .txt files before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { formatDiagnostics } from '../../engine/diagnostics-format.js';
import { parsePipelineText } from '../../engine/parse.js';
import { validatePipeline } from '../../engine/validate.js';
import { fakeFiles, fakeRegistry } from '../engine/support/fake-steps.js';

const dir = fileURLToPath(new URL('../fixtures/broken/', import.meta.url));
const root = path.resolve('/project');

/** What the CLI prints for a pipeline file shown as `pipelines/NAME.yaml`. */
function printed(name: string, text: string): string {
  const display = `pipelines/${name}`;
  const { parsed, diagnostics } = parsePipelineText(text, path.join(root, display), display);
  const all: Diagnostic[] = [...diagnostics];
  if (parsed) {
    all.push(...validatePipeline(parsed, fakeRegistry(), [], {
      root,
      fileExists: (p) => Object.hasOwn(fakeFiles, path.relative(root, p)),
      readText: (p) => fakeFiles[path.relative(root, p)]!,
    }).diagnostics);
  }
  return formatDiagnostics(all, new Map([[display, text]]));
}

describe('printed diagnostics of broken pipelines', () => {
  const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  test('there are fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(10));
  for (const f of fixtures) {
    test(f, () => {
      const actual = printed(f, fs.readFileSync(path.join(dir, f), 'utf8'));
      const expectedFile = path.join(dir, f.replace(/\.yaml$/, '.txt'));
      if (process.env.UPDATE_DIAGNOSTICS === '1') fs.writeFileSync(expectedFile, actual);
      expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});
