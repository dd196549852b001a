// The real (and derived-from-real) columns of data/tidy/panel.csv.
import { num } from './csv.mjs';

const PANEL = 'raw/provincial_panel_2011_2023.csv';
const RD = 'raw/provincial_rd_2011_2023_long.csv';
const PKU = 'raw/pku_digital_finance_index_2011_2023.csv';

/**
 * Column specs: name, unit, status (real | derived, or a '+' list when cells differ: see
 * tidy/flags.csv), source, description and a
 * getter over the joined raw records {pan, rd, pku} of one province-year (or the row so far).
 * "real" = copied from a raw file, at most rescaled by a power of ten; "derived" = computed
 * from real columns.
 */
export const REAL_COLUMNS = [
  { name: 'province', unit: 'code', status: 'real', source: 'raw/provinces.csv', description: 'three-letter province code (provinces.csv)' },
  { name: 'year', unit: 'year', status: 'real', source: PANEL, description: 'calendar year' },
  { name: 'gdp', unit: '100 million yuan', status: 'real', source: `${PANEL} GDP（亿元）; identical to raw/provincial_eps_macro_2011_2023_long.csv`, description: 'gross regional product, current prices, as first published in each year\'s statistical yearbook (not back-revised)', get: (r) => num(r.pan['GDP（亿元）']) },
  { name: 'gdp_per_capita', unit: 'yuan', status: 'real', source: `${PANEL} 人均地区生产总值（元）`, description: 'GDP per capita as published (its population denominator may differ from the population column)', get: (r) => num(r.pan['人均地区生产总值（元）']) },
  { name: 'population', unit: '10,000 persons', status: 'real', source: `${PANEL} 总人口（万人）`, description: 'year-end resident population (2011-2019 as revised after the 2020 census)', get: (r) => num(r.pan['总人口（万人）']) },
  { name: 'tertiary_share', unit: 'fraction of GDP', status: 'real', source: `${PANEL} 产业高级化率（%） / 100`, description: 'tertiary-industry value added / GDP, first-published yearbook figures (the paper\'s estr)', get: (r) => round(num(r.pan['产业高级化率（%）']) / 100, 8) },
  { name: 'tertiary_va', unit: '100 million yuan', status: 'derived', source: 'tertiary_share x gdp', description: 'tertiary-industry value added', get: (r, row) => round(row.tertiary_share * row.gdp, 4) },
  { name: 'non_tertiary_va', unit: '100 million yuan', status: 'derived', source: 'gdp - tertiary_va', description: 'primary + secondary value added (secondary alone has no reliable source here, see docs/data.md)', get: (r, row) => round(row.gdp - row.tertiary_va, 4) },
  { name: 'urbanization_rate', unit: 'fraction', status: 'real', source: `${PANEL} 城镇化率（%） / 100; identical to the EPS 城镇人口所占比重`, description: 'urban residents / resident population (the paper\'s urban)', get: (r) => round(num(r.pan['城镇化率（%）']) / 100, 6) },
  { name: 'college_students', unit: 'persons', status: 'real', source: `${PANEL} 在校学生数（人）`, description: 'in-school students of regular higher-education institutions (undergraduate and junior college)', get: (r) => num(r.pan['在校学生数（人）']) },
  { name: 'college_students_per_100k', unit: 'per 100,000 residents', status: 'derived', source: 'college_students / (population x 10,000) x 100,000', description: 'college students per 100k residents (the paper\'s pdl before the log)', get: (r, row) => round((row.college_students / row.population) * 10, 4) },
  { name: 'hospital_beds_per_10k', unit: 'beds per 10,000 residents', status: 'real+derived', source: `${PANEL} 医疗床位数_每万人（张/万人） (2012-2023); 2011 = raw/health_beds_2011_2013.tsv total health-institution beds / population (tidy/flags.csv)`, description: 'beds of medical and health institutions per 10k residents (the paper\'s med before the log); 2011 computed from the China Health Statistical Yearbook 2012 bed count', get: (r) => num(r.pan['医疗床位数_每万人（张/万人）']) },
  { name: 'rd_spend_industrial', unit: '100 million yuan', status: 'real', source: `${PANEL} R&D经费（万元） / 10,000`, description: 'R&D expenditure of industrial enterprises above designated size (the paper\'s rd numerator); 2011 missing in the source', get: (r) => scale(num(r.pan['R&D经费（万元）']), 1e-4) },
  { name: 'rd_personnel_industrial', unit: 'full-time-equivalent person-years', status: 'real', source: `${PANEL} R&D人员全时当量（人年）`, description: 'R&D personnel of industrial enterprises above designated size; 2011 missing', get: (r) => num(r.pan['R&D人员全时当量（人年）']) },
  { name: 'rd_spend_total', unit: '100 million yuan', status: 'real', source: `${RD} RD经费`, description: 'total R&D expenditure of all performers (NBS R&D bulletin); broader than the paper\'s industrial definition', get: (r) => r.rd.spend },
  { name: 'rd_intensity_total', unit: 'fraction of GDP', status: 'real', source: `${RD} RD强度 / 100`, description: 'total R&D / GDP as published in the bulletin (its GDP vintage may differ from gdp)', get: (r) => round(r.rd.intensity / 100, 6) },
  { name: 'dfi_index', unit: 'index', status: 'real', source: `${PKU} index_aggregate`, description: 'Peking University Digital Financial Inclusion Index, aggregate (Guo et al. 2020)', get: (r) => num(r.pku.index_aggregate) },
  { name: 'dfi_coverage_breadth', unit: 'index', status: 'real', source: `${PKU} coverage_breadth`, description: 'PKU index sub-index: coverage breadth', get: (r) => num(r.pku.coverage_breadth) },
  { name: 'dfi_usage_depth', unit: 'index', status: 'real', source: `${PKU} usage_depth`, description: 'PKU index sub-index: usage depth', get: (r) => num(r.pku.usage_depth) },
  { name: 'dfi_digitization_level', unit: 'index', status: 'real', source: `${PKU} digitization_level`, description: 'PKU index sub-index: digitization level', get: (r) => num(r.pku.digitization_level) },
  { name: 'telecom_volume', unit: '100 million yuan', status: 'real', source: `${PANEL} 电信业务总量（亿元）`, description: 'telecommunication business volume; the constant-price base changes between years (e.g. Beijing 2015->2016, 2020->2021 drops): not a consistent price series', get: (r) => num(r.pan['电信业务总量（亿元）']) },
  { name: 'software_revenue', unit: '100 million yuan', status: 'real', source: `${PANEL} 软件产品收入（亿元）`, description: 'software product revenue; 2011 missing in the source', get: (r) => num(r.pan['软件产品收入（亿元）']) },
  { name: 'ecommerce_sales', unit: '100 million yuan', status: 'real', source: `${PANEL} 电子商务销售额（亿元）`, description: 'e-commerce sales of enterprises; published from 2013', get: (r) => num(r.pan['电子商务销售额（亿元）']) },
  { name: 'patents_granted', unit: 'count', status: 'real', source: `${PANEL} 专利申请授权数（件）`, description: 'patent applications granted', get: (r) => num(r.pan['专利申请授权数（件）']) },
  { name: 'tech_market_turnover', unit: '100 million yuan', status: 'real', source: `${PANEL} 技术市场成交额（万元） / 10,000`, description: 'technology-market contract turnover', get: (r) => scale(num(r.pan['技术市场成交额（万元）']), 1e-4) },
];

function round(v, digits) {
  if (v === null || !Number.isFinite(v)) return null;
  return Number(v.toFixed(digits));
}
function scale(v, k) {
  return v === null ? null : Number((v * k).toPrecision(12));
}

/**
 * The panel columns whose every cell is listed in tidy/flags.csv (those feeding a model
 * variable or the measurement), with the method of their real / derived cells. The cells of
 * the columns of scripts/data/labour.mjs carry their own status and method.
 */
export const FLAG_METHODS = {
  gdp: 'yearbook first-published GDP (panel file = EPS)',
  population: 'yearbook year-end resident population (panel file)',
  tertiary_share: 'yearbook tertiary share of GDP (panel file)',
  tertiary_va: 'tertiary_share x gdp',
  urbanization_rate: 'yearbook urbanisation rate (panel file)',
  college_students_per_100k: 'college students (panel file) / population',
  hospital_beds_per_10k: null,
  rd_spend_industrial: 'industrial R&D spending (panel file)',
  employment: null,
  avg_wage: null,
  public_service_share: null,
  public_admin_share: null,
  dfi_index: 'PKU digital financial inclusion index',
  software_revenue: 'software product revenue (panel file)',
  ecommerce_sales: 'e-commerce sales (panel file)',
  patents_granted: 'patents granted (panel file)',
  tech_market_turnover: 'technology-market turnover (panel file)',
};
export const MISSING_METHOD = 'empty in the source; the pipeline\'s impute step fills it';

/**
 * Rows of tidy/flags.csv: [province, year, variable, status, method] for every variable of
 * FLAG_METHODS (in that order) and every panel row (in panel order). status: real | derived |
 * estimated | missing (empty in panel.csv).
 * @param rows panel rows; @param cells Map('CODE|year' -> {variable: {status, method}}) from buildLabour
 */
export function flagRows(rows, cells) {
  const specs = new Map(REAL_COLUMNS.map((c) => [c.name, c]));
  const out = [];
  for (const v of Object.keys(FLAG_METHODS)) {
    for (const r of rows) {
      const own = cells.get(`${r.province}|${r.year}`)?.[v];
      let status, method;
      if (r[v] === null || r[v] === undefined) [status, method] = ['missing', MISSING_METHOD];
      else if (own) [status, method] = [own.status, own.method];
      else if (specs.get(v) && FLAG_METHODS[v]) [status, method] = [specs.get(v).status, FLAG_METHODS[v]];
      else throw new Error(`flags: no status for ${v} ${r.province} ${r.year}`);
      out.push([r.province, String(r.year), v, status, method]);
    }
  }
  return out;
}

/** Map a raw province name (short or full official form) to the code of provinces.csv. */
export function provinceMatcher(provinces) {
  return (name) => {
    const hits = provinces.filter((p) => name.startsWith(p.name_zh));
    if (hits.length === 1) return hits[0].code;
    return null;
  };
}

/** Build the real/derived part of the panel: one object per province-year in provinces.csv order. */
export function buildRealPanel({ provinces, years, panelRows, rdRows, pkuRows, epsRows }) {
  const code = provinceMatcher(provinces);
  const key = (c, y) => `${c}|${y}`;
  const pan = new Map(), rd = new Map(), pku = new Map(), eps = new Map();
  for (const r of panelRows) { const c = code(r['省份']); if (c) pan.set(key(c, r['年份']), r); }
  for (const r of rdRows) {
    const c = code(r.province); if (!c) continue;
    const k = key(c, r.year);
    const e = rd.get(k) ?? {};
    if (r.chn_block4 === 'RD经费') e.spend = num(r.value); else if (r.chn_block4 === 'RD强度') e.intensity = num(r.value);
    rd.set(k, e);
  }
  for (const r of pkuRows) { const c = code(r.prov_name); if (c) pku.set(key(c, r.year), r); }
  for (const r of epsRows) { const c = code(r.province); if (c) eps.set(`${key(c, r.year)}|${r.variable}`, num(r.value)); }
  const rows = [];
  for (const p of provinces) {
    for (const y of years) {
      const k = key(p.code, y);
      const src = { pan: pan.get(k), rd: rd.get(k), pku: pku.get(k) };
      if (!src.pan || !src.rd || !src.pku) throw new Error(`no raw record for ${k}`);
      const row = { province: p.code, year: y };
      for (const c of REAL_COLUMNS) if (c.get) row[c.name] = c.get(src, row);
      const epsGdp = eps.get(`${k}|地区生产总值（当年价）（亿元）`);
      if (epsGdp !== row.gdp) throw new Error(`GDP of ${k}: panel ${row.gdp} vs EPS ${epsGdp}`);
      rows.push(row);
    }
  }
  return rows;
}
