import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, moments, readData } from './read-csv.js';

const panel = readData('tidy/panel.csv');
const provinces = readData('tidy/provinces.csv').rows;
const table4 = new Map(readData('paper/table4_descriptive.csv').rows.map((r) => [r.symbol, r]));
const col = (name: string) => panel.rows.map((r) => Number(r[name]));
const t4 = (sym: string) => {
  const r = table4.get(sym);
  if (!r) throw new Error(`Table 4 has no ${sym}`);
  return { mean: Number(r.mean), sd: Number(r.sd), min: Number(r.min), max: Number(r.max) };
};

/** Columns allowed to have empty cells, with the exact count (listed in docs/data.md). */
const ALLOWED_MISSING: Record<string, number> = {
  rd_spend_industrial: 30, // 2011 not in the source
  rd_personnel_industrial: 30, // 2011 not in the source
  software_revenue: 32, // 2011 all; Qinghai 2021 and 2023
  ecommerce_sales: 60, // published from 2013
};

describe('data/tidy/panel.csv', () => {
  it('has 30 provinces x 13 years (2011-2023), one row each, provinces as in provinces.csv', () => {
    expect(panel.rows).toHaveLength(390);
    expect(provinces).toHaveLength(30);
    const codes = new Set(provinces.map((p) => p.code));
    expect(new Set(panel.rows.map((r) => r.province))).toEqual(codes);
    const keys = new Set(panel.rows.map((r) => `${r.province}|${r.year}`));
    expect(keys.size).toBe(390);
    for (const r of panel.rows) expect(Number(r.year)).toBeGreaterThanOrEqual(2011);
    for (const r of panel.rows) expect(Number(r.year)).toBeLessThanOrEqual(2023);
  });

  it('has empty cells only where documented, and no NaN anywhere', () => {
    const docs = readFileSync(dataPath('../docs/data.md'), 'utf8');
    for (const c of panel.header) {
      const empty = panel.rows.filter((r) => r[c] === '').length;
      expect(empty, c).toBe(ALLOWED_MISSING[c] ?? 0);
      if (empty > 0) expect(docs, `docs/data.md lists missing ${c}`).toContain(c);
      for (const r of panel.rows) if (r[c] !== '' && c !== 'province') expect(Number.isFinite(Number(r[c])), `${c} ${r[c]}`).toBe(true);
    }
  });

  it('has plausible real values', () => {
    const gd = panel.rows.find((r) => r.province === 'GUD' && r.year === '2023');
    // Guangdong 2023 GDP 13,567.32 billion yuan: Guangdong 2023 statistical communique (≈ 13.6 trillion).
    expect(Number(gd?.gdp)).toBeCloseTo(135673.2, 1);
    const bj = panel.rows.find((r) => r.province === 'BEJ' && r.year === '2023');
    // Beijing 2023 urbanisation 87.8 % (Beijing statistical communique 2023: 87.8 %).
    expect(Number(bj?.urbanization_rate)).toBeCloseTo(0.878, 2);
    for (const r of panel.rows) {
      for (const c of ['tertiary_share', 'urbanization_rate', 'public_service_share']) {
        expect(Number(r[c])).toBeGreaterThan(0);
        expect(Number(r[c])).toBeLessThan(1);
      }
      expect(Number(r.tertiary_va) + Number(r.non_tertiary_va)).toBeCloseTo(Number(r.gdp), 2);
      // employment = urban-unit + private/self-employed (docs/data.md): between 14 % (Sichuan 2011)
      // and 92 % (Beijing 2018) of the resident population, never more than the population.
      expect(Number(r.employment) / Number(r.population)).toBeGreaterThan(0.1);
      expect(Number(r.employment) / Number(r.population)).toBeLessThan(1);
    }
  });

  it('real model variables are close to the paper\'s Table 4 where the definitions agree', () => {
    // urban: same definition (urban residents / population); Table 4 mean .606 sd .120 min .350 max .896
    const u = moments(col('urbanization_rate'));
    expect(u.mean).toBeCloseTo(t4('urban').mean, 2);
    expect(u.max).toBeCloseTo(t4('urban').max, 3);
    // rd: industrial R&D / GDP over 2012-2023 (2011 missing); Table 4 mean .0111, min .00164
    const rd = moments(panel.rows.filter((r) => r.rd_spend_industrial !== '').map((r) => Number(r.rd_spend_industrial) / Number(r.gdp)));
    expect(Math.abs(rd.mean - t4('rd').mean) / t4('rd').mean).toBeLessThan(0.05);
    // med: max over real years equals Table 4's 4.492
    expect(moments(panel.rows.filter((r) => r.hospital_beds_per_10k !== '').map((r) => Math.log(Number(r.hospital_beds_per_10k)))).max).toBeCloseTo(t4('med').max, 3);
  });

  describe('labour and health series (real, derived or estimated; cell flags in tidy/flags.csv)', () => {
    // These are published series, not calibrated: the tolerances are what the data give. Where
    // they differ from Table 4 the paper probably used a slightly different vintage or 2011 value.
    it('has no synthetic column left', () => {
      expect(panel.header).not.toContain('hospital_beds_per_10k_filled');
      for (const c of ['employment', 'avg_wage', 'public_service_share', 'public_admin_share', 'hospital_beds_per_10k']) expect(panel.header).toContain(c);
    });
    it('pcw = ln avg_wage is within 1 % of Table 4 (mean 11.15, SD .386, min 10.35, max 12.34)', () => {
      const m = moments(col('avg_wage').map(Math.log));
      const t = t4('pcw');
      expect(Math.abs(m.mean - t.mean)).toBeLessThan(0.01);
      expect(Math.abs(m.sd / t.sd - 1)).toBeLessThan(0.01);
      expect(Math.abs(m.min - t.min)).toBeLessThan(0.03); // 10.373: Guangxi 2011, back-cast
      expect(Math.abs(m.max - t.max)).toBeLessThan(0.01);
    });
    it('public_admin_share is of the order of Table 4 psl (.122, .0483, .028, .274); the four-sector share is not', () => {
      // The build's own moments (printed by scripts/build-data.mjs): mean 0.1191, SD 0.0489,
      // min 0.0310 (Shanghai 2020), max 0.2735 (Xinjiang 2019).
      const m = moments(col('public_admin_share'));
      expect([m.mean, m.sd, m.min, m.max].map((x) => Number(x.toFixed(4)))).toEqual([0.1191, 0.0489, 0.031, 0.2735]);
      const t = t4('psl');
      expect(Math.abs(m.mean / t.mean - 1)).toBeLessThan(0.05);
      expect(moments(col('public_service_share')).mean).toBeGreaterThan(2 * t.mean);
    });
    it('med = ln hospital_beds_per_10k: mean within .005 and max equal to Table 4', () => {
      const m = moments(col('hospital_beds_per_10k').map(Math.log));
      expect(Math.abs(m.mean - t4('med').mean)).toBeLessThan(0.005);
      expect(m.max).toBeCloseTo(t4('med').max, 3);
    });
    it('public_admin_share is part of public_service_share', () => {
      for (const r of panel.rows) expect(Number(r.public_admin_share)).toBeLessThan(Number(r.public_service_share));
    });
  });
});
