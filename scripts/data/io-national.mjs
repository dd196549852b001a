// National input-output sector totals mapped onto the 2007-class 42-sector list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, num, readCsv, writeCsv } from './csv.mjs';
import { SECTORS_2007_42 } from './sectors.mjs';

/** Vector names written per sector; unit 10,000 yuan, current producer prices. */
export const IO_FIELDS = ['output', 'value_added', 'intermediate_input', 'intermediate_use', 'final_use', 'imports', 'other'];

/**
 * Read one national table (Carol-seven/ionet layout) into per-sector totals keyed by numeric code.
 * Competitive-import tables (2007-2015) have one row per product with an IM column; the 2017+
 * tables split rows into Domestic and Imports origin, so product totals add both rows and
 * imports are the Imports rows' GO.
 */
export function readIoTable(path) {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  const origin = header[3] === 'Origin';
  const col = Object.fromEntries(header.map((h, i) => [h, i]));
  const codes = header.filter((h) => /^\d+$/.test(h));
  const byCode = (code) => body.find((r) => r[0] === code);
  const TII = byCode('TII'), TVA = byCode('TVA'), TI = byCode('TI');
  const sectors = new Map();
  for (const c of codes) {
    const k = Number(c);
    const rows = body.filter((r) => r[0] === c);
    const dom = origin ? rows.find((r) => r[3] === 'Domestic') : rows[0];
    const imp = origin ? rows.find((r) => r[3] === 'Imports') : undefined;
    if (!dom) throw new Error(`${path}: no product row ${c}`);
    const get = (r, name) => (r ? num(r[col[name]]) ?? 0 : 0);
    sectors.set(k, {
      name_en: dom[1], name_zh: dom[2],
      output: num(TI[col[c]]),
      value_added: num(TVA[col[c]]),
      intermediate_input: num(TII[col[c]]),
      intermediate_use: get(dom, 'TIU') + get(imp, 'TIU'),
      final_use: get(dom, 'TFU') + get(imp, 'TFU'),
      imports: origin ? get(imp, 'GO') : get(dom, 'IM'),
      other: origin ? 0 : get(dom, 'ERR'),
    });
  }
  return sectors;
}

const range = (lo, hi, to) => Array.from({ length: hi - lo + 1 }, (_, i) => [lo + i, to, 1]);
const ranges = (spec) => spec.flatMap(([lo, hi, to]) => range(lo, hi, to));
const shareOf = (t, part, whole) => part.reduce((s, c) => s + t.get(c).output, 0) / whole.reduce((s, c) => s + t.get(c).output, 0);
const seq = (lo, hi) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const split = (from, parts) => {
  const out = parts.map(([to, w]) => [from, to, Number(w.toFixed(6))]);
  const last = out[out.length - 1];
  last[2] = Number((1 - out.slice(0, -1).reduce((s, r) => s + r[2], 0)).toFixed(6));
  return out;
};

/** Mapping decisions (documented in docs/data.md); weights of one-to-many splits from detailed tables. */
export function concordanceSpecs(t2007, t2012) {
  const wOther2007 = shareOf(t2007, [90], [90, 91]);
  const wOffice = shareOf(t2012, [69], seq(65, 70));
  const wPost = shareOf(t2012, [111], seq(104, 111));
  const wRd = shareOf(t2012, [122], [122, 123, 124]);
  const wSocSec = shareOf(t2012, [138], [138, 139]);
  const wOther2012 = shareOf(t2012, [93], [93, 94]);
  const identity = (lo, hi) => range(lo, hi, 0).map(([c]) => [c, c, 1]);
  return {
    '2007_135': ranges([[1,5,1],[6,6,2],[7,7,3],[8,9,4],[10,10,5],[11,24,6],[25,29,7],[30,31,8],[32,33,9],
      [34,36,10],[37,38,11],[39,49,12],[50,56,13],[57,62,14],[63,63,15],[64,72,16],[73,76,17],[77,81,18],
      [82,87,19],[88,89,20],[90,90,21],[91,91,22],[92,92,23],[93,93,24],[94,94,25],[95,95,26],[96,103,27],
      [104,104,28],[105,107,29],[108,108,30],[109,110,31],[111,112,32],[113,113,33],[114,116,34],
      [117,117,35],[118,120,36],[121,123,37],[124,125,38],[126,126,39],[127,129,40],[130,134,41],[135,135,42]]),
    '2012_139': ranges([[1,5,1],[6,6,2],[7,7,3],[8,9,4],[10,11,5],[12,25,6],[26,30,7],[31,33,8],[34,35,9],
      [36,38,10],[39,40,11],[41,51,12],[52,58,13],[59,63,14],[64,64,15],[65,68,16],[69,69,20],[70,74,16],
      [75,79,17],[80,85,18],[86,91,19],[92,92,20],[93,93,21],[94,94,22],[95,95,16],[96,96,23],[97,97,24],
      [98,98,25],[99,102,26],[103,103,30],[104,110,27],[111,111,28],[112,113,31],[114,115,29],[116,118,32],
      [119,119,33],[120,121,34],[122,122,35],[123,124,36],[125,127,37],[128,129,38],[130,130,39],
      [131,132,40],[133,137,41],[138,138,40],[139,139,42]]),
    '2010_41': [...identity(1, 20), ...split(21, [[21, wOther2007], [22, 1 - wOther2007]]),
      ...range(22, 41, 0).map(([c]) => [c, c + 1, 1])],
    '2012_42': [...identity(1, 15), ...split(16, [[16, 1 - wOffice], [20, wOffice]]), [17, 16, 1], [18, 17, 1],
      [19, 18, 1], [20, 19, 1], [21, 20, 1], [22, 21, 1], [23, 22, 1], [24, 16, 1], [25, 23, 1], [26, 24, 1],
      [27, 25, 1], [28, 26, 1], [29, 30, 1], ...split(30, [[27, 1 - wPost], [28, wPost]]), [31, 31, 1],
      [32, 29, 1], [33, 32, 1], [34, 33, 1], [35, 34, 1], ...split(36, [[35, wRd], [36, 1 - wRd]]),
      ...identity(37, 41), ...split(42, [[40, wSocSec], [42, 1 - wSocSec]])],
    '2017_42': [...identity(1, 15), ...split(16, [[16, 1 - wOffice], [20, wOffice]]), [17, 16, 1], [18, 17, 1],
      [19, 18, 1], [20, 19, 1], [21, 20, 1], ...split(22, [[21, wOther2012], [22, 1 - wOther2012]]),
      [23, 16, 1], [24, 23, 1], [25, 24, 1], [26, 25, 1], [27, 26, 1], [28, 30, 1],
      ...split(29, [[27, 1 - wPost], [28, wPost]]), [30, 31, 1], [31, 29, 1], ...identity(32, 41),
      ...split(42, [[40, wSocSec], [42, 1 - wSocSec]])],
  };
}

/** Which raw file (and which concordance) gives each national benchmark year. */
export const NATIONAL_TABLES = [
  { year: 2007, file: 'china_2007_135.csv', from: '2007_135', id: '2007_135' },
  { year: 2010, file: 'china_2010_41.csv', from: '2010_41', id: '2010_41' },
  { year: 2012, file: 'china_2012_139.csv', from: '2012_139', id: '2012_139' },
  { year: 2015, file: 'china_2015_42.csv', from: '2012_42', id: '2015_42' },
  { year: 2017, file: 'china_2017_42.csv', from: '2017_42', id: '2017_42' },
  { year: 2018, file: 'china_2018_42.csv', from: '2017_42', id: '2018_42' },
  { year: 2020, file: 'china_2020_42.csv', from: '2017_42', id: '2020_42' },
];

/**
 * One national table as long cells [row, col, value] in its original classification, for
 * data/tidy/io_national_tables.csv (read by pipelines/paper.yaml). Product codes lose their
 * zero padding ("001" -> "1", as in the concordance files); total rows (TII, VA001-VA004, TVA,
 * TI) and columns (TIU, FU..., TFU, IM, ERR, GO) keep the raw labels. In the 2017+ tables the
 * Domestic and Imports rows of a product are summed cell by cell, except GO: the Domestic GO
 * is written as GO (total output) and the Imports GO as IM (imports), the layout of the older
 * competitive-import tables. Published cells are copied as strings; sums are written with full
 * double precision. Empty cells are left out.
 */
export function longTable(path) {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  const origin = header[3] === 'Origin';
  const first = origin ? 4 : 3;
  const cols = header.slice(first);
  const code = (c) => (/^\d+$/.test(c) ? String(Number(c)) : c);
  const cells = [];
  const rowCodes = [...new Set(body.filter((r) => r.length > 1).map((r) => r[0]))];
  for (const rc of rowCodes) {
    const rows = body.filter((r) => r[0] === rc);
    const dom = origin && rows.length > 1 ? rows.find((r) => r[3] === 'Domestic') : rows[0];
    const imp = origin && rows.length > 1 ? rows.find((r) => r[3] === 'Imports') : undefined;
    cols.forEach((c, k) => {
      const i = first + k;
      if (imp && c === 'GO') {
        if (num(dom[i]) !== null) cells.push([code(rc), 'GO', dom[i]]);
        if (num(imp[i]) !== null) cells.push([code(rc), 'IM', imp[i]]);
        return;
      }
      const a = num(dom[i]), b = imp ? num(imp[i]) : null;
      if (a === null && b === null) return;
      cells.push([code(rc), code(c), imp ? String((a ?? 0) + (b ?? 0)) : dom[i].trim()]);
    });
  }
  return cells;
}

/**
 * Write data/concordance/<from>_to_2007_42.csv files, plus a copy named after each table id
 * (`aliases`: id -> from, e.g. 2015_42 -> 2012_42) so pipelines/paper.yaml can read
 * `<table>_to_2007_42.csv` per table; returns their paths.
 */
export function writeConcordances(dataDir, specs, namesByFrom, aliases = {}) {
  const toName = new Map(SECTORS_2007_42.map(([c, en]) => [c, en]));
  const paths = [];
  for (const [from, rows] of Object.entries(specs)) {
    const names = namesByFrom[from];
    const ids = [from, ...Object.keys(aliases).filter((id) => aliases[id] === from && id !== from)];
    for (const id of ids) {
      const path = join(dataDir, 'concordance', `${id}_to_2007_42.csv`);
      writeCsv(path, ['from_code', 'to_code', 'weight', 'from_name', 'to_name'],
        rows.map(([f, t, w]) => [String(f), String(t), w, names.get(f).name_en, toName.get(t)]));
      paths.push(path);
    }
  }
  writeCsv(join(dataDir, 'concordance', 'sectors_2007_42.csv'), ['code', 'name_en', 'name_zh'],
    SECTORS_2007_42.map(([c, en, zh]) => [String(c), en, zh]));
  return paths;
}

/** Apply a concordance CSV to per-sector totals: target = sum over sources of weight x source. */
export function applyConcordance(sectors, concordancePath) {
  const { rows } = readCsv(concordancePath);
  const out = new Map(SECTORS_2007_42.map(([c]) => [c, Object.fromEntries(IO_FIELDS.map((f) => [f, 0]))]));
  const seen = new Map();
  for (const r of rows) {
    const from = Number(r.from_code), to = Number(r.to_code), w = Number(r.weight);
    const src = sectors.get(from);
    if (!src) throw new Error(`${concordancePath}: source code ${from} not in table`);
    seen.set(from, (seen.get(from) ?? 0) + w);
    for (const f of IO_FIELDS) out.get(to)[f] += w * src[f];
  }
  for (const c of sectors.keys()) {
    if (Math.abs((seen.get(c) ?? 0) - 1) > 1e-9) throw new Error(`${concordancePath}: weights of ${c} sum to ${seen.get(c)}`);
  }
  return out;
}

/**
 * Per-year national sector totals for 2011-2023: exact benchmark years; linear interpolation of
 * levels between the two nearest benchmarks; after the last benchmark (2020) the 2020 table
 * scaled by the growth of the 30 provinces' summed GDP (structure carried forward).
 */
export function annualise(byYear, years, gdpSum) {
  const bench = [...byYear.keys()].sort((a, b) => a - b);
  const last = bench[bench.length - 1];
  const rows = [];
  for (const y of years) {
    let source, basis, get;
    if (byYear.has(y)) { source = 'exact year'; basis = String(y); get = (s, f) => byYear.get(y).get(s)[f]; }
    else if (y < last) {
      const lo = Math.max(...bench.filter((b) => b < y)), hi = Math.min(...bench.filter((b) => b > y));
      const t = (y - lo) / (hi - lo);
      source = 'interpolated'; basis = `${lo}-${hi}`;
      get = (s, f) => (1 - t) * byYear.get(lo).get(s)[f] + t * byYear.get(hi).get(s)[f];
    } else {
      const k = gdpSum.get(y) / gdpSum.get(last);
      source = 'carried forward'; basis = `${last} x GDP ${y}/${last}`;
      get = (s, f) => k * byYear.get(last).get(s)[f];
    }
    for (const [s] of SECTORS_2007_42) rows.push([y, String(s), ...IO_FIELDS.map((f) => get(s, f)), source, basis]);
  }
  return rows;
}
