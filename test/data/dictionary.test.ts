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
      // real | derived | estimated, or several joined by + in that order (a column whose cells differ)
      expect(['real', 'derived', 'estimated', 'real+derived', 'real+estimated', 'derived+estimated', 'real+derived+estimated'], `${d.file}#${d.column}`).toContain(d.status);
      expect((d.description ?? '').length).toBeGreaterThan(3);
      expect((d.unit ?? '').length).toBeGreaterThan(0);
      expect((d.source ?? '').length).toBeGreaterThan(3);
    }
  });

  it('has no synthetic column; every mixed or estimated column names tidy/flags.csv', () => {
    expect(dict.filter((d) => d.status === 'synthetic')).toEqual([]);
    for (const d of dict.filter((x) => (x.status ?? '').includes('+') || (x.status ?? '').includes('estimated'))) {
      expect(d.source, `${d.file}#${d.column}`).toContain('tidy/flags.csv');
    }
  });

  it('gives every flagged panel column the statuses its cells have in tidy/flags.csv', () => {
    const order = ['real', 'derived', 'estimated'];
    const seen = new Map<string, Set<string>>();
    for (const f of readData('tidy/flags.csv').rows) {
      if (f.status === 'missing') continue; // empty cells carry no status in the dictionary
      const v = f.variable ?? '';
      if (!seen.has(v)) seen.set(v, new Set());
      seen.get(v)?.add(f.status ?? '');
    }
    expect(seen.size).toBeGreaterThan(10);
    for (const [v, st] of seen) {
      const d = dict.find((x) => x.file === 'tidy/panel.csv' && x.column === v);
      expect(d?.status, v).toBe(order.filter((o) => st.has(o)).join('+'));
    }
  });
});
