/**
 * scripts/start.mjs (`npm start`): it compiles agglo only when a source is newer than its
 * compiled output, and labels the summary with the years of the pipeline's params.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface Start {
  buildIsStale(dir: string): boolean;
  yearSpan(years: unknown): string | undefined;
}
const S = (await import(new URL('../../scripts/start.mjs', import.meta.url).href)) as Start;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A checkout with two sources, compiled (outputs written after the sources) unless told not to. */
function checkout(compiled = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-start-'));
  dirs.push(dir);
  const at = (rel: string, text: string, time: Date) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    fs.utimesSync(path.join(dir, rel), time, time);
  };
  const written = new Date('2024-01-01T00:00:00Z');
  const built = new Date('2024-01-02T00:00:00Z');
  at('tsconfig.json', '{}', written);
  at('tsconfig.build.json', '{}', written);
  at('engine/cli.ts', 'export {};', written);
  at('engine/types.d.ts', 'export {};', written);
  at('steps/lib/x.ts', 'export {};', written);
  if (compiled) {
    at('dist/engine/cli.js', 'export {};', built);
    at('dist/steps/lib/x.js', 'export {};', built);
  }
  return dir;
}

const touch = (dir: string, rel: string) => {
  const later = new Date('2024-01-03T00:00:00Z');
  fs.utimesSync(path.join(dir, rel), later, later);
};

describe('npm start builds only when the sources changed', () => {
  it('does not build when every source is older than its compiled output (.d.ts files are not compiled)', () => {
    expect(S.buildIsStale(checkout())).toBe(false);
  });

  it('builds when dist/ is missing or lacks a source\'s output', () => {
    expect(S.buildIsStale(checkout(false))).toBe(true);
    const dir = checkout();
    fs.writeFileSync(path.join(dir, 'steps/new-step.ts'), 'export {};');
    expect(S.buildIsStale(dir)).toBe(true);
  });

  it('builds when a source or a tsconfig was saved after the build', () => {
    for (const rel of ['engine/cli.ts', 'steps/lib/x.ts', 'tsconfig.json', 'tsconfig.build.json']) {
      const dir = checkout();
      touch(dir, rel);
      expect(S.buildIsStale(dir), rel).toBe(true);
    }
  });
});

describe('the summary names the study\'s years from the params', () => {
  it('a range of years as first–last, other lists as they are', () => {
    expect(S.yearSpan([2011, 2012, 2013])).toBe('2011–2013');
    expect(S.yearSpan([2015, 2013, 2014])).toBe('2013–2015');
    expect(S.yearSpan([2012, 2017])).toBe('2012, 2017');
    expect(S.yearSpan([2020])).toBe('2020');
    expect(S.yearSpan(2020)).toBe('2020');
    expect(S.yearSpan(undefined)).toBeUndefined();
    expect(S.yearSpan(['a'])).toBeUndefined();
  });
});
