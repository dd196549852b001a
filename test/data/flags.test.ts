import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, readData } from './read-csv.js';

const flags = readData('tidy/flags.csv');
const panel = readData('tidy/panel.csv').rows;
const provinces = readData('tidy/provinces.csv').rows;
const cell = (p: string, y: number, v: string) => {
  const f = flags.rows.find((r) => r.province === p && r.year === String(y) && r.variable === v);
  const row = panel.find((r) => r.province === p && r.year === String(y));
  if (!f || !row) throw new Error(`no ${v} for ${p} ${y}`);
  return { status: f.status, method: f.method, value: row[v] === '' ? null : Number(row[v]) };
};

/** The panel columns that feed a model variable or the measurement (the brief of issue 8). */
const REQUIRED = ['gdp', 'population', 'tertiary_share', 'tertiary_va', 'urbanization_rate', 'college_students_per_100k',
  'hospital_beds_per_10k', 'rd_spend_industrial', 'employment', 'avg_wage', 'public_service_share',
  'dfi_index', 'software_revenue', 'ecommerce_sales', 'patents_granted', 'tech_market_turnover'];

describe('data/tidy/flags.csv', () => {
  it('has one row per province-year (30 x 2011-2023) of every flagged variable', () => {
    expect(flags.header).toEqual(['province', 'year', 'variable', 'status', 'method']);
    const variables = [...new Set(flags.rows.map((r) => r.variable))];
    for (const v of REQUIRED) expect(variables).toContain(v);
    expect(variables).toContain('public_admin_share');
    for (const v of variables) expect(Object.keys(panel[0] ?? {}), `${v} is a panel column`).toContain(v);
    const keys = new Set(flags.rows.map((r) => `${r.variable}|${r.province}|${r.year}`));
    expect(keys.size).toBe(flags.rows.length);
    expect(flags.rows.length).toBe(variables.length * 390);
    for (const v of variables) for (const p of provinces) for (let y = 2011; y <= 2023; y++) expect(keys.has(`${v}|${p.code}|${y}`), `${v} ${p.code} ${y}`).toBe(true);
  });

  it('says missing exactly where panel.csv is empty, and gives every cell a status and a method', () => {
    for (const f of flags.rows) {
      expect(['real', 'derived', 'estimated', 'missing']).toContain(f.status);
      expect((f.method ?? '').length).toBeGreaterThan(5);
      const row = panel.find((r) => r.province === f.province && r.year === f.year);
      expect(f.status === 'missing', `${f.variable} ${f.province} ${f.year}`).toBe(row?.[f.variable ?? ''] === '');
    }
  });

  it('counts the estimated and missing cells documented in docs/data.md', () => {
    const count = (v: string, s: string) => flags.rows.filter((r) => r.variable === v && r.status === s).length;
    expect(count('employment', 'estimated')).toBe(172); // 2011, 2020-2023 (150) + 22 break cells
    expect(count('avg_wage', 'estimated')).toBe(30); // 2011
    // 2011, 2021-2023 (120) + 21 cells before a province's own denominator break + the 2012
    // cells not among those (24) spliced for the 2013 coverage change common to all provinces.
    expect(count('public_service_share', 'estimated')).toBe(165);
    expect(count('public_admin_share', 'estimated')).toBe(165);
    expect(count('hospital_beds_per_10k', 'derived')).toBe(30); // 2011
    expect(count('hospital_beds_per_10k', 'estimated')).toBe(0);
    expect(count('rd_spend_industrial', 'missing')).toBe(30); // 2011
    expect(count('software_revenue', 'missing')).toBe(32); // 2011; Qinghai 2021, 2023
    expect(count('ecommerce_sales', 'missing')).toBe(60); // 2011, 2012
    for (const v of ['gdp', 'population', 'tertiary_share', 'urbanization_rate', 'dfi_index', 'patents_granted', 'tech_market_turnover']) expect(count(v, 'real'), v).toBe(390);
  });

  it('matches the raw files at spot cells', () => {
    // Beijing 2015 average wage 111,390 yuan (NBS file, 北京市 城镇单位就业人员平均工资 list_2015).
    expect(cell('BEJ', 2015, 'avg_wage')).toMatchObject({ status: 'real', value: 111390 });
    // Beijing 2023 average wage 218,312 yuan (province_metrics_2016_2024.json, 北京市 income 2023).
    expect(cell('BEJ', 2023, 'avg_wage')).toMatchObject({ status: 'real', value: 218312 });
    // Beijing 2011: back-cast 84,742^2 / 93,006 = 77,212 (NBS file 2012 and 2013 wages).
    expect(cell('BEJ', 2011, 'avg_wage')).toMatchObject({ status: 'estimated', value: 77212 });
    // Guangdong 2013 employment 1,967.0 urban-unit + 2,040.6 private/self-employed = 4,007.6 (NBS file list_2013).
    expect(cell('GUD', 2013, 'employment')).toMatchObject({ status: 'derived', value: 4007.6 });
    // Guangdong 2012: 1,304.0 + 1,808.9 = 3,112.9 in the NBS file, before the 2013 coverage break:
    // back-cast to the post-break level, so higher than published and flagged.
    const gd12 = cell('GUD', 2012, 'employment');
    expect(gd12.status).toBe('estimated');
    expect(gd12.method).toContain('2013 break');
    expect(gd12.value).toBeGreaterThan(3112.9);
    // Hunan 2016 employment 568.4 + 735.0 = 1,303.4 (NBS file list_2016); 2015 (579.1 + 1,063.3 =
    // 1,642.4 published) lies before the 2016 break of the private/self-employed series.
    expect(cell('HUN', 2016, 'employment')).toMatchObject({ status: 'derived', value: 1303.4 });
    expect(cell('HUN', 2015, 'employment').status).toBe('estimated');
    expect(cell('HUN', 2015, 'employment').value).toBeLessThan(1642.4);
    // Xinjiang 2017 (320.5 + 334.7 = 655.2 in 2016, 305.2 + 408.7 = 713.9 in 2018, NBS file):
    // a one-year outlier (961.0 published) replaced by sqrt(655.2 x 713.9) = 683.92.
    expect(cell('XIN', 2017, 'employment')).toMatchObject({ status: 'estimated', value: 683.92 });
    // Beijing 2011 employment = (717.4 + 592.3) / 2,078 x 2,024 = 1,275.67 (NBS 2012; panel population 2012, 2011).
    expect(cell('BEJ', 2011, 'employment')).toMatchObject({ status: 'estimated', value: 1275.67 });
    // Beijing 2020 = 739.9 urban-unit 2020 + 1,187.5 / 2,190 x 2,189 = 1,926.86 (NBS 2020, 2019; panel population).
    expect(cell('BEJ', 2020, 'employment')).toMatchObject({ status: 'estimated', value: 1926.86 });
    // Beijing 2015 public services (46.7 + 47.3 + 27.3 + 18.3) / 777.3 = 0.179596 and public
    // administration 46.7 / 777.3 = 0.060080 (NBS file list_2015, urban units).
    expect(cell('BEJ', 2015, 'public_service_share')).toMatchObject({ status: 'derived', value: 0.179596 });
    expect(cell('BEJ', 2015, 'public_admin_share')).toMatchObject({ status: 'derived', value: 0.06008 });
    expect(cell('BEJ', 2023, 'public_admin_share')).toMatchObject({ status: 'estimated', method: 'share of 2020 (nearest year)' });
    // Beijing 2011 beds per 10k = 94,735 total health-institution beds (health_beds_2011_2013.tsv)
    // / 2,024 (panel population 2011) = 46.8058; 2012 = 48.4062 as in the panel file.
    expect(cell('BEJ', 2011, 'hospital_beds_per_10k')).toMatchObject({ status: 'derived', value: 46.8058 });
    expect(cell('BEJ', 2012, 'hospital_beds_per_10k')).toMatchObject({ status: 'real', value: 48.4062 });
    // Gaps of the source: industrial R&D 2011, software revenue of Qinghai 2021.
    expect(cell('BEJ', 2011, 'rd_spend_industrial')).toMatchObject({ status: 'missing', value: null });
    expect(cell('QIH', 2021, 'software_revenue')).toMatchObject({ status: 'missing', value: null });
  });

  it('has the province_metrics average wage for every province 2016-2023 (the JSON equals the NBS file on 2016-2020)', () => {
    const json = JSON.parse(readFileSync(dataPath('raw/province_metrics_2016_2024.json'), 'utf8')) as
      { provinces: { name: string; metrics: { income: Record<string, number> } }[] };
    for (const p of provinces) {
      const src = json.provinces.find((x) => x.name.startsWith(p.name_zh ?? '-'));
      expect(src, p.code).toBeDefined();
      for (let y = 2016; y <= 2023; y++) expect(cell(p.code ?? '', y, 'avg_wage').value, `${p.code} ${y}`).toBe(src?.metrics.income[String(y)]);
    }
  });
});
