/**
 * data/spatial: the provincial adjacency is symmetric, covers the 30 study provinces with no
 * self-pairs, and every file of data/spatial is listed in data/SOURCES.md with its sha256.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { column } from '../../engine/table.js';
import { dataCsv } from '../steps/spatial-fixtures.js';

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));

describe('data/spatial', () => {
  const provinces = column(dataCsv('tidy/provinces.csv'), 'code').map(String);
  it('adjacency.csv: symmetric ordered pairs over the 30 provinces, no self-pairs, no duplicates', () => {
    const adj = dataCsv('spatial/adjacency.csv');
    const a = column(adj, 'code').map(String), b = column(adj, 'neighbour').map(String);
    const pairs = new Set(a.map((x, i) => `${x}|${b[i]}`));
    expect(pairs.size, 'no duplicate rows').toBe(a.length);
    a.forEach((x, i) => {
      expect(x, `row ${i + 2} is a self-pair`).not.toBe(b[i]);
      expect(pairs.has(`${b[i]}|${x}`), `${x}-${b[i]} has its reverse`).toBe(true);
      expect(provinces).toContain(x);
      expect(provinces).toContain(b[i]);
    });
    expect(new Set(a)).toEqual(new Set(provinces));
    expect(provinces).toHaveLength(30);
    // the one link that is not a land border: Hainan to Guangdong (data/SOURCES.md)
    const links = column(adj, 'link').map(String);
    expect(a.filter((_, i) => links[i] === 'convention').sort()).toEqual(['GUD', 'HAI']);
    expect(a.filter((x) => x === 'HAI')).toHaveLength(1);
  });
  it('capitals.csv: one capital per province, coordinates in China', () => {
    const c = dataCsv('spatial/capitals.csv');
    expect(column(c, 'code').map(String)).toEqual(provinces);
    for (const v of column(c, 'latitude')) expect(v as number).toBeGreaterThan(18), expect(v as number).toBeLessThan(54);
    for (const v of column(c, 'longitude')) expect(v as number).toBeGreaterThan(73), expect(v as number).toBeLessThan(135);
  });
  it('every file of data/spatial is in data/SOURCES.md with its sha256', () => {
    const sources = readFileSync(dataDir + 'SOURCES.md', 'utf8');
    const files = readdirSync(dataDir + 'spatial');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const sha = createHash('sha256').update(readFileSync(`${dataDir}spatial/${f}`)).digest('hex');
      const line = sources.split('\n').find((l) => l.includes(`\`spatial/${f}\``) && /[0-9a-f]{64}/.test(l));
      expect(line, `spatial/${f} has a sha256 line in SOURCES.md`).toBeDefined();
      expect(line, f).toContain(sha);
    }
  });
});
