import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath } from './read-csv.js';

const list = (dir: string): string[] =>
  readdirSync(dataPath(dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));

describe('data/SOURCES.md', () => {
  const sources = readFileSync(dataPath('SOURCES.md'), 'utf8');
  it('records the sha256 of every raw and paper file, and the files still match it', () => {
    for (const f of [...list('raw'), ...list('paper')]) {
      const sha = createHash('sha256').update(readFileSync(dataPath(f))).digest('hex');
      const line = sources.split('\n').find((l) => l.includes(`\`${f}\``) && /[0-9a-f]{64}/.test(l));
      expect(line, `${f} has a sha256 line in SOURCES.md`).toBeDefined();
      expect(line, f).toContain(sha);
    }
  });
  it('keeps data/ under 30 MB', () => {
    const total = ['raw', 'paper', 'tidy', 'concordance'].flatMap(list).reduce((s, f) => s + readFileSync(dataPath(f)).length, 0);
    expect(total).toBeLessThan(30 * 1024 * 1024);
  });
});
