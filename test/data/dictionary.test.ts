import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, readData, readHeader } from './read-csv.js';

const dict = readData('tidy/dictionary.csv').rows;
const files = [
  ...readdirSync(dataPath('tidy')).filter((f) => f.endsWith('.csv')).map((f) => `tidy/${f}`),
  ...readdirSync(dataPath('concordance')).filter((f) => f.endsWith('.csv')).map((f) => `concordance/${f}`),
];

describe('data/tidy/dictionary.csv', () => {
  it('describes every column of every tidy and concordance file, and nothing else', () => {
    const documented = new Set(dict.map((d) => `${d.file}#${d.column}`));
    const actual = new Set<string>();
    for (const f of files) for (const c of readHeader(f)) actual.add(`${f}#${c}`);
    expect([...documented].sort()).toEqual([...actual].sort());
    expect(documented.size).toBe(dict.length);
  });

  it('gives every entry a description, unit, source and a known status', () => {
    for (const d of dict) {
      expect(['real', 'derived', 'synthetic'], `${d.file}#${d.column}`).toContain(d.status);
      expect((d.description ?? '').length).toBeGreaterThan(3);
      expect((d.unit ?? '').length).toBeGreaterThan(0);
      expect((d.source ?? '').length).toBeGreaterThan(3);
    }
  });

  it('flags exactly the generated stand-ins as synthetic', () => {
    const synthetic = dict.filter((d) => d.status === 'synthetic').map((d) => `${d.file}#${d.column}`).sort();
    expect(synthetic).toEqual([
      'tidy/panel.csv#avg_wage',
      'tidy/panel.csv#employment',
      'tidy/panel.csv#hospital_beds_per_10k_filled',
      'tidy/panel.csv#public_service_share',
    ]);
    for (const d of dict.filter((x) => x.status === 'synthetic')) expect(d.description).toMatch(/STAND-IN|SYNTHETIC/);
  });
});
