// Entries of data/tidy/dictionary.csv: every column of every tidy and concordance file.
import { REAL_COLUMNS } from './panel.mjs';
import { LABOUR_COLUMNS } from './labour.mjs';

const IO_UNIT = '10,000 yuan (current producer prices)';
const NAT = 'raw/io_national/china_<year>_*.csv via concordance/<from>_to_2007_42.csv';

const ioCols = (status, source) => [
  ['year', 'national table year', 'year', status, source],
  ['sector', '2007-class 42-sector code (concordance/sectors_2007_42.csv)', 'code', status, source],
  ['output', 'total output (= total input, TI row)', IO_UNIT, status, source],
  ['value_added', 'total value added (TVA row)', IO_UNIT, status, source],
  ['intermediate_input', 'total intermediate input of the sector (TII row, column sum of Z)', IO_UNIT, status, source],
  ['intermediate_use', 'total intermediate use of the product, domestic and imported (TIU column, row sum of Z)', IO_UNIT, status, source],
  ['final_use', 'total final use of the product incl. exports, domestic and imported (TFU)', IO_UNIT, status, source],
  ['imports', 'imports of the product (IM column; GO of the Imports rows in 2017+ tables)', IO_UNIT, status, source],
  ['other', 'balancing item (ERR column; 0 in 2017+ tables): output = intermediate_use + final_use - imports + other', IO_UNIT, status, source],
];

const concordanceCols = (from, to = '2007') => [
  ['from_code', `sector code in the ${from} classification`, 'code', 'real', 'mapping decisions in docs/data.md'],
  ['to_code', `${to}-class 42-sector code`, 'code', 'real', 'mapping decisions in docs/data.md'],
  ['weight', 'share of the source sector assigned to to_code (weights of one from_code sum to 1)', 'fraction', 'derived', 'output shares in the detailed 2007 (135) or 2012 (139) national table, see docs/data.md'],
  ['from_name', 'English name of the source sector', 'text', 'real', 'raw/io_national table rows'],
  ['to_name', `English name of the ${to}-class sector`, 'text', 'real', `concordance/sectors_${to}_42.csv`],
];

/** Source classifications mapped onto the 2012 class, and the table ids that reuse them. */
const TO_2012 = ['2007_42', '2007_135', '2010_41', '2012_139', '2012_42', '2015_42', '2017_42', '2018_42', '2020_42'];

/** All dictionary rows: [file, column, description, unit, status, source]. */
export function dictionaryRows(concordanceFroms, aliases = {}) {
  const rows = [];
  const add = (file, cols) => { for (const [c, d, u, s, src] of cols) rows.push([file, c, d, u, s, src]); };
  add('tidy/provinces.csv', [
    ['code', 'three-letter code used by the 2007 provincial input-output workbook', 'code', 'real', 'raw/provinces.csv'],
    ['name_en', 'English name as in the paper', 'text', 'real', 'raw/provinces.csv'],
    ['name_zh', 'Chinese short name as in the panel files', 'text', 'real', 'raw/provinces.csv'],
    ['region', 'East / Central / West / Northeast', 'text', 'real', 'raw/provinces.csv'],
  ]);
  add('tidy/io_provincial_2007.csv', [
    ['province', 'province code', 'code', 'real', 'raw/io_provincial_2007_long.csv prov'],
    ['year', 'benchmark year of the table (2007)', 'year', 'real', 'raw/io_provincial_2007_long.csv (all cells are 2007)'],
    ['row', 'row code: 1-42 sectors, 43 total intermediate input, 44-47 value-added components, 48 total value added, 49 total input', 'code', 'real', 'raw/io_provincial_2007_long.csv row_code'],
    ['col', 'column code: 1-42 sectors, 43 total intermediate use, 44-57 final use, imports, inflows, other, 58 total output', 'code', 'real', 'raw/io_provincial_2007_long.csv col_code'],
    ['value', 'transaction value', IO_UNIT, 'real', 'raw/io_provincial_2007_long.csv value_10k_yuan'],
  ]);
  add('tidy/io_provincial_2012_2017.csv', [
    ['province', 'province code (tidy/provinces.csv); Tibet dropped', 'code', 'real', 'raw/io_provincial_2012_2017/io_provincial_<year>_long.csv province_zh'],
    ['year', 'benchmark year: 2012 (2012-class sectors) or 2017 (2017-class sectors)', 'year', 'real', 'raw/io_provincial_2012_2017/io_provincial_<year>_long.csv year'],
    ['row', 'row code: 1-42 sectors (the raw secNN without prefix or zero padding), VA001-VA004 value-added components, TVA total value added, TI total input', 'code', 'real', 'raw/io_provincial_2012_2017/io_provincial_<year>_long.csv row'],
    ['col', 'column code: 1-42 sectors, FU101/FU102 rural/urban household consumption, FU103 government consumption, FU201 gross fixed capital formation, FU202 inventory change, EX exports, OF outflow, IM imports, IF inflow, ERR other, GO total output', 'code', 'real', 'raw/io_provincial_2012_2017/io_provincial_<year>_long.csv col'],
    ['value', 'transaction value as published', IO_UNIT, 'real', 'raw/io_provincial_2012_2017/io_provincial_<year>_long.csv value'],
  ]);
  add('tidy/io_national_sectors.csv', ioCols('derived', NAT));
  add('tidy/io_national_sectors_annual.csv', [
    ...ioCols('derived', 'tidy/io_national_sectors.csv (interpolated / carried forward as in column source)'),
    ['source', 'exact year | interpolated | carried forward', 'text', 'derived', 'scripts/data/io-national.mjs annualise'],
    ['basis', 'benchmark year(s) used: Y, LO-HI (linear interpolation), or 2020 x GDP ratio', 'text', 'derived', 'scripts/data/io-national.mjs annualise'],
  ]);
  add('tidy/io_national_tables.csv', [
    ['table', 'table id <year>_<sectors>, also the name of its concordance file concordance/<table>_to_2007_42.csv', 'code', 'derived', NAT],
    ['year', 'national table year', 'year', 'derived', NAT],
    ['row', 'row code in the table\'s own classification: product code (no zero padding), TII, VA001-VA004, TVA total value added, TI total input', 'code', 'derived', 'raw/io_national Code column'],
    ['col', 'column code: product code, TIU, FU101-FU202, THC, TC, GCF, EX, TFU, IM imports, ERR, GO total output', 'code', 'derived', 'raw/io_national header'],
    ['value', 'cell value; in 2017+ tables Domestic + Imports rows summed, Imports GO written as IM', IO_UNIT, 'derived', 'raw/io_national cells'],
  ]);
  add('tidy/panel.csv', [...REAL_COLUMNS, ...LABOUR_COLUMNS].map((c) => [c.name, c.description, c.unit, c.status, c.source]));
  add('tidy/flags.csv', [
    ['province', 'province code (tidy/provinces.csv)', 'code', 'derived', 'scripts/data/panel.mjs flagRows'],
    ['year', 'calendar year', 'year', 'derived', 'scripts/data/panel.mjs flagRows'],
    ['variable', 'column of tidy/panel.csv (every column feeding a model variable or the measurement)', 'text', 'derived', 'scripts/data/panel.mjs FLAG_METHODS'],
    ['status', 'real (copied from a raw file) | derived (computed from real cells) | estimated (gap or break filled by a documented method) | missing (empty in panel.csv)', 'text', 'derived', 'scripts/data/panel.mjs, scripts/data/labour.mjs'],
    ['method', 'short description of the source or the estimation method of the cell (docs/data.md)', 'text', 'derived', 'scripts/data/panel.mjs, scripts/data/labour.mjs'],
  ]);
  add('tidy/dictionary.csv', [
    ['file', 'file path relative to data/', 'text', 'derived', 'scripts/data/dictionary.mjs'],
    ['column', 'column name', 'text', 'derived', 'scripts/data/dictionary.mjs'],
    ['description', 'what the column holds', 'text', 'derived', 'scripts/data/dictionary.mjs'],
    ['unit', 'unit of the values', 'text', 'derived', 'scripts/data/dictionary.mjs'],
    ['status', 'real (copied, at most rescaled) | derived (computed from real) | estimated (filled by a documented method); a column whose cells differ lists their kinds joined by + (e.g. real+estimated) and names tidy/flags.csv, which has the status of every cell', 'text', 'derived', 'scripts/data/dictionary.mjs'],
    ['source', 'raw file and column, or the computation', 'text', 'derived', 'scripts/data/dictionary.mjs'],
  ]);
  for (const from of concordanceFroms) {
    add(`concordance/${from}_to_2007_42.csv`, concordanceCols(from));
    for (const id of Object.keys(aliases)) if (aliases[id] === from && id !== from) add(`concordance/${id}_to_2007_42.csv`, concordanceCols(from));
  }
  for (const from of TO_2012) add(`concordance/${from}_to_2012_42.csv`, concordanceCols(from, '2012'));
  add('concordance/2007_42_to_2007_42.csv', concordanceCols('2007_42'));
  add('concordance/sectors_2012_42.csv', [
    ['code', '2012-class 42-sector code (the paper\'s classification; digital core 19, 20, 21, 32, 36)', 'code', 'real', 'raw/io_national/china_2015_42.csv'],
    ['name_en', 'English name', 'text', 'real', 'raw/io_national/china_2015_42.csv Description'],
    ['name_zh', 'Chinese name', 'text', 'real', 'raw/io_national/china_2015_42.csv DescriptionInChinese'],
  ]);
  add('concordance/sectors_2007_42.csv', [
    ['code', '2007-class 42-sector code', 'code', 'real', 'NBS 2007 42-sector classification'],
    ['name_en', 'English name', 'text', 'real', 'provenance notes of the 2007 provincial tables'],
    ['name_zh', 'Chinese name', 'text', 'real', 'NBS 2007 42-sector table'],
  ]);
  return rows;
}
