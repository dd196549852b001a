/**
 * `agglo/plugin` (engine/plugin-api.ts) exports what docs/plugins.md documents, no more and
 * no less, and the package's `exports` map leads to it. The types are checked by
 * test/engine/plugin-api.typecheck.ts, which `tsc -p tsconfig.json` compiles in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../../engine/plugin-api.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const guide = fs.readFileSync(path.join(repo, 'docs/plugins.md'), 'utf8');

/** The names in backticks in the first column of the guide's table of exports. */
function documentedNames(): Set<string> {
  const section = guide.split('## What `agglo/plugin` exports')[1]!.split('\n## ')[0]!;
  const names = new Set<string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| export'))) {
    const first = line.split(' | ')[0]!;
    for (const m of first.matchAll(/`([A-Za-z]+)/g)) names.add(m[1]!);
  }
  return names;
}

describe('agglo/plugin', () => {
  it('every value it exports is documented in docs/plugins.md, and every documented function is exported', () => {
    const documented = documentedNames();
    const exported = Object.keys(api).sort();
    expect(exported.filter((n) => !documented.has(n))).toEqual([]);
    // Lower-case names are values (functions); capitalised ones are types, except StepError.
    const values = [...documented].filter((n) => /^[a-z]/.test(n) || n === 'StepError').sort();
    expect(values.filter((n) => !exported.includes(n))).toEqual([]);
    expect(exported.length).toBeGreaterThan(40);
  });

  it('resolves through the package exports map to the compiled module with its declarations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    const entry = pkg.exports['./plugin']!;
    expect(entry).toEqual({ types: './dist/engine/plugin-api.d.ts', default: './dist/engine/plugin-api.js' });
    expect(fs.existsSync(path.join(repo, entry.types)), 'run npm run build').toBe(true);
    // Node's self-reference: code inside this package imports itself by name.
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('agglo/plugin'); console.log(Object.keys(m).sort().join(','))"], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(Object.keys(api).sort().join(','));
  });

  it('the StepError a plugin imports is the engine\'s own class', async () => {
    const { StepError } = await import('../../engine/step.js');
    expect(api.StepError).toBe(StepError);
  });
});
