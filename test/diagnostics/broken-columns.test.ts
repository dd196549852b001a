/**
 * Exact-output tests of the columns checked before running (engine/columns.ts), with the
 * real built-in steps over a small project: test/fixtures/broken-columns/ holds data/ (CSV
 * files whose headers the checks read), plugins/, and pipelines/NAME.yaml with NAME.txt
 * beside it, the full text `agglo validate` prints for it on stderr (the diagnostics) and the
 * notes it prints on stdout, each checked by hand line by line against the YAML and the data
 * headers. To regenerate after an intended change to messages, run with UPDATE_DIAGNOSTICS=1
 * and review the diff of the .txt files before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatDiagnostics } from '../../engine/diagnostics-format.js';
import { loadPipeline } from '../../engine/load.js';

const root = fileURLToPath(new URL('../fixtures/broken-columns/', import.meta.url));
const dir = path.join(root, 'pipelines');

/** What `agglo validate pipelines/NAME.yaml` prints (stderr, then the notes of stdout). */
async function printed(name: string): Promise<string> {
  const loaded = await loadPipeline(`pipelines/${name}`, root);
  const notes = (loaded.columnNotes ?? []).map((n) => `note: ${n}\n`).join('');
  return formatDiagnostics(loaded.diagnostics, loaded.sources) + notes;
}

describe('columns named by params are checked before running', () => {
  const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  test('there are fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(10));
  for (const f of fixtures) {
    test(f, async () => {
      const actual = await printed(f);
      const expectedFile = path.join(dir, f.replace(/\.yaml$/, '.txt'));
      if (process.env.UPDATE_DIAGNOSTICS === '1') fs.writeFileSync(expectedFile, actual);
      expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});
