#!/usr/bin/env node
// Build data/tidy/ and data/concordance/ from data/raw/ (never from outside the repository).
// Usage: node scripts/build-data.mjs      (deterministic: same raw files -> same bytes)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv, writeCsv, num } from './data/csv.mjs';
import { SECTORS_2007_42 } from './data/sectors.mjs';
import { readIoTable, longTable, concordanceSpecs, writeConcordances, applyConcordance, annualise, NATIONAL_TABLES, IO_FIELDS } from './data/io-national.mjs';
import { buildRealPanel, REAL_COLUMNS, flagRows } from './data/panel.mjs';
import { buildLabour, LABOUR_COLUMNS, moments } from './data/labour.mjs';
import { dictionaryRows } from './data/dictionary.mjs';
import { concordanceSpecs2012, writeConcordances2012, provincialTables } from './data/io-2012-class.mjs';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const raw = (p) => join(DATA, 'raw', p);
const tidy = (p) => join(DATA, 'tidy', p);
const YEARS = Array.from({ length: 13 }, (_, i) => 2011 + i);

// 1. provinces
const provinces = readCsv(raw('provinces.csv')).rows;
writeCsv(tidy('provinces.csv'), ['code', 'name_en', 'name_zh', 'region'], provinces.map((p) => [p.code, p.name_en, p.name_zh, p.region]));

// 2. provincial 2007 tables: same cells, renamed columns, values kept as published strings
const io07 = readCsv(raw('io_provincial_2007_long.csv')).rows;
writeCsv(tidy('io_provincial_2007.csv'), ['province', 'year', 'row', 'col', 'value'], io07.map((r) => [r.prov, '2007', r.row_code, r.col_code, r.value_10k_yuan]));

// 2b. provincial 2012 (2012 class) and 2017 (2017 class) tables: province codes, plain sector codes
writeCsv(tidy('io_provincial_2012_2017.csv'), ['province', 'year', 'row', 'col', 'value'],
  provincialTables([2012, 2017].map((y) => raw(`io_provincial_2012_2017/io_provincial_${y}_long.csv`)), provinces));

// 3. panel (real columns, then the labour and health series of scripts/data/labour.mjs) and the cell flags
const panel = buildRealPanel({
  provinces, years: YEARS,
  panelRows: readCsv(raw('provincial_panel_2011_2023.csv')).rows,
  rdRows: readCsv(raw('provincial_rd_2011_2023_long.csv')).rows,
  pkuRows: readCsv(raw('pku_digital_finance_index_2011_2023.csv')).rows,
  epsRows: readCsv(raw('provincial_eps_macro_2011_2023_long.csv')).rows,
});
const table4 = new Map(readCsv(join(DATA, 'paper', 'table4_descriptive.csv')).rows.map((r) => [r.symbol, { mean: num(r.mean), sd: num(r.sd), min: num(r.min), max: num(r.max) }]));
const empRow = readCsv(raw('io_national/china_employment_by_sector_1990_2018.csv')).rows.find((r) => r.Code === 'TOT');
const nationalEmployment = new Map(Object.entries(empRow).filter(([k]) => /^\d{4}$/.test(k)).map(([k, v]) => [Number(k), num(v)]));
const labour = buildLabour({
  provinces, years: YEARS,
  nbsRows: readCsv(raw('nbs_provincial_employment_wages_2012_2021.csv')).rows,
  metrics: JSON.parse(readFileSync(raw('province_metrics_2016_2024.json'), 'utf8')),
  bedsText: readFileSync(raw('health_beds_2011_2013.tsv'), 'utf8'),
  population: new Map(panel.map((r) => [`${r.province}|${r.year}`, r.population])),
  beds: new Map(panel.map((r) => [`${r.province}|${r.year}`, r.hospital_beds_per_10k])),
});
for (const r of panel) for (const [v, c] of Object.entries(labour.cells.get(`${r.province}|${r.year}`))) r[v] = c.value;
const panelCols = [...REAL_COLUMNS, ...LABOUR_COLUMNS].map((c) => c.name);
writeCsv(tidy('panel.csv'), panelCols, panel.map((r) => panelCols.map((c) => (c === 'year' ? String(r[c]) : r[c]))));
const flags = flagRows(panel, labour.cells);
writeCsv(tidy('flags.csv'), ['province', 'year', 'variable', 'status', 'method'], flags);

// 4. national tables -> 2007-class 42 sectors
const tables = new Map(NATIONAL_TABLES.map((t) => [t.year, readIoTable(raw(`io_national/${t.file}`))]));
const specs = concordanceSpecs(tables.get(2007), tables.get(2012));
const namesByFrom = Object.fromEntries(NATIONAL_TABLES.map((t) => [t.from, tables.get(t.year)]));
const aliases = Object.fromEntries(NATIONAL_TABLES.map((t) => [t.id, t.from]));
writeConcordances(DATA, specs, namesByFrom, aliases);
// The provincial 2007 tables are already in the 2007 class (pipelines/examples/base-2007.yaml maps them by identity).
writeCsv(join(DATA, 'concordance', '2007_42_to_2007_42.csv'), ['from_code', 'to_code', 'weight', 'from_name', 'to_name'],
  SECTORS_2007_42.map(([c, en]) => [String(c), String(c), 1, en, en]));
// ... and onto the 2012-class 42 sectors (the paper's classification), for national and provincial tables.
{
  const t2015 = tables.get(2015), t2017 = tables.get(2017);
  const nameOf = (t) => (c) => t.get(c).name_en;
  const sectors07 = new Map(SECTORS_2007_42.map(([c, en]) => [c, en]));
  writeConcordances2012(DATA, concordanceSpecs2012(tables.get(2007), tables.get(2012)), t2015,
    { '2007_42': (c) => sectors07.get(c), '2007_135': nameOf(tables.get(2007)), '2010_41': nameOf(tables.get(2010)),
      '2012_139': nameOf(tables.get(2012)), '2012_42': nameOf(t2015), '2017_42': nameOf(t2017) },
    { ...aliases, '2012_42': '2012_42', '2017_42': '2017_42' });
}
// The benchmark tables in their own classifications, long, for the pipeline's concordance stages.
writeCsv(tidy('io_national_tables.csv'), ['table', 'year', 'row', 'col', 'value'],
  NATIONAL_TABLES.flatMap((t) => longTable(raw(`io_national/${t.file}`)).map(([r, c, v]) => [t.id, String(t.year), r, c, v])));
const byYear = new Map();
for (const t of NATIONAL_TABLES) {
  const mapped = applyConcordance(tables.get(t.year), join(DATA, 'concordance', `${t.from}_to_2007_42.csv`));
  const before = [...tables.get(t.year).values()].reduce((s, v) => s + v.output, 0);
  const after = [...mapped.values()].reduce((s, v) => s + v.output, 0);
  if (Math.abs(after / before - 1) > 1e-9) throw new Error(`${t.year}: output total changed by the concordance`);
  byYear.set(t.year, mapped);
}
const natRows = [];
for (const [y, m] of byYear) for (const [s, v] of m) natRows.push([String(y), String(s), ...IO_FIELDS.map((f) => v[f])]);
writeCsv(tidy('io_national_sectors.csv'), ['year', 'sector', ...IO_FIELDS], natRows);
const gdpSum = new Map(YEARS.map((y) => [y, panel.filter((r) => r.year === y).reduce((s, r) => s + r.gdp, 0)]));
writeCsv(tidy('io_national_sectors_annual.csv'), ['year', 'sector', ...IO_FIELDS, 'source', 'basis'],
  annualise(byYear, YEARS, gdpSum).map((r) => [String(r[0]), ...r.slice(1)]));

// 5. dictionary
writeCsv(tidy('dictionary.csv'), ['file', 'column', 'description', 'unit', 'status', 'source'], dictionaryRows(Object.keys(specs), aliases));

// 6. checks printed for docs/data.md
const gd = panel.find((r) => r.province === 'GUD' && r.year === 2023);
console.log(`Guangdong 2023 GDP: ${gd.gdp} (100 million yuan)`);
const prov07 = new Map();
for (const r of io07) if (r.col_code === '58' && Number(r.row_code) <= 42) prov07.set(Number(r.row_code), (prov07.get(Number(r.row_code)) ?? 0) + Number(r.value_10k_yuan));
const n07 = byYear.get(2007);
console.log('2007 sum of provincial output / national output, by sector:',
  [...n07.keys()].map((s) => `${s}:${(prov07.get(s) / n07.get(s).output).toFixed(2)}`).join(' '));
console.log('national VA total (trillion yuan):', [...byYear].map(([y, m]) => `${y}:${([...m.values()].reduce((s, v) => s + v.value_added, 0) / 1e8).toFixed(2)}`).join(' '));
const fmtBreak = (b) => `${b.province} ${b.year} ${(100 * b.deviation).toFixed(1)}${b.factor ? ` x${b.factor.toFixed(3)}` : ''}`;
console.log('employment breaks (urban-unit + private/self-employed, deviation from the median growth, log points x 100):',
  labour.report.employmentBreaks.map((b) => `${fmtBreak(b)} ${b.kind}`).join('; '));
console.log('  component breaks, urban-unit:', labour.report.urbanUnitBreaks.map(fmtBreak).join('; '));
console.log('  common breaks, urban-unit (all provinces):', labour.report.urbanUnitCommonBreaks.map((b) => `${b.year} ${b.deviation.toFixed(3)} (x${b.factor.toFixed(3)})`).join('; '));
console.log('  component breaks, private/self-employed:', labour.report.privateSelfBreaks.map(fmtBreak).join('; '));
console.log('employment sum over 30 provinces / national employed persons (TOT):', YEARS.filter((y) => nationalEmployment.has(y))
  .map((y) => `${y}:${(panel.filter((r) => r.year === y).reduce((s, r) => s + r.employment, 0) / nationalEmployment.get(y)).toFixed(3)}`).join(' '));
console.log(`average wage: NBS file = province_metrics income on all ${labour.report.wageOverlap} overlapping province-years`);
const bc = moments(labour.report.bedsCheck.map((b) => b.ratio));
console.log(`beds 2013: yearbook total beds / population / panel beds per 10k: n=${bc.n} mean=${bc.mean.toFixed(4)} min=${bc.min.toFixed(4)} max=${bc.max.toFixed(4)}`);
const flagCount = {};
for (const [, , v, st] of flags) flagCount[v] = { ...flagCount[v], [st]: (flagCount[v]?.[st] ?? 0) + 1 };
console.log('flags.csv cells by status:', Object.entries(flagCount).map(([v, c]) => `${v} ${JSON.stringify(c)}`).join('; '));
for (const sym of ['gdp', 'pcw', 'estr', 'pdl', 'rd', 'urban', 'med', 'psl']) {
  const f = { gdp: (r) => Math.log(r.gdp), pcw: (r) => Math.log(r.avg_wage), estr: (r) => r.tertiary_share, pdl: (r) => Math.log(r.college_students_per_100k),
    rd: (r) => (r.rd_spend_industrial === null ? null : r.rd_spend_industrial / r.gdp), urban: (r) => r.urbanization_rate,
    med: (r) => Math.log(r.hospital_beds_per_10k), psl: (r) => r.public_service_share }[sym];
  const m = moments(panel.map(f));
  console.log(`${sym}: n=${m.n} mean=${m.mean.toFixed(4)} sd=${m.sd.toFixed(4)} min=${m.min.toFixed(4)} max=${m.max.toFixed(4)}  (Table 4: ${JSON.stringify(table4.get(sym))})`);
}
const pa = moments(panel.map((r) => r.public_admin_share));
console.log(`public_admin_share: n=${pa.n} mean=${pa.mean.toFixed(4)} sd=${pa.sd.toFixed(4)} min=${pa.min.toFixed(4)} max=${pa.max.toFixed(4)}  (Table 4 psl: ${JSON.stringify(table4.get('psl'))})`);
console.log('missing cells in panel.csv:');
for (const c of panelCols) {
  const miss = panel.filter((r) => r[c] === null || r[c] === undefined);
  if (miss.length) {
    const years = [...new Set(miss.map((r) => r.year))];
    const detail = years.map((y) => { const ps = miss.filter((r) => r.year === y).map((r) => r.province); return ps.length === 30 ? `${y}: all 30` : `${y}: ${ps.join(' ')}`; });
    console.log(`  ${c}: ${miss.length} (${detail.join('; ')})`);
  }
}
