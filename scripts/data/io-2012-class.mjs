// The 2012-class 42-sector list (the classification of the paper's digital core 19, 20, 21, 32,
// 36) and the concordances of every national and provincial table onto it.
import { join } from 'node:path';
import { readCsv, writeCsv } from './csv.mjs';
import { concordanceSpecs } from './io-national.mjs';

const seq = (lo, hi) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const identity = (lo, hi) => seq(lo, hi).map((c) => [c, c, 1]);
const ranges = (spec) => spec.flatMap(([lo, hi, to]) => seq(lo, hi).map((c) => [c, to, 1]));

/** Output share of products `part` in products `whole` of the detailed 2012 (139) table. */
const shareOf = (t2012, part, whole) => part.reduce((s, c) => s + t2012.get(c).output, 0) / whole.reduce((s, c) => s + t2012.get(c).output, 0);

/** One-to-many rows of `from`, weights rounded to 6 decimals, the last one closing the sum to 1. */
function split(from, parts) {
  const out = parts.map(([to, w]) => [from, to, Number(w.toFixed(6))]);
  out[out.length - 1][2] = Number((1 - out.slice(0, -1).reduce((s, r) => s + r[2], 0)).toFixed(6));
  return out;
}

/** a → b then b → c: rows [a, c, w_ab · w_bc], one per (a, c). */
function compose(ab, bc) {
  const next = new Map();
  for (const [b, c, w] of bc) next.set(b, [...(next.get(b) ?? []), [c, w]]);
  const out = new Map();
  for (const [a, b, w1] of ab) {
    for (const [c, w2] of next.get(b) ?? []) {
      const k = `${a}|${c}`;
      const prev = out.get(k);
      out.set(k, prev ? [a, c, prev[2] + w1 * w2] : [a, c, w1 * w2]);
    }
  }
  return [...out.values()].map(([a, c, w]) => [a, c, Number(w.toFixed(6))]);
}

/**
 * Mapping decisions onto the 2012-class 42 sectors (documented in docs/data.md), weights of
 * one-to-many splits = output shares in the detailed 2012 (139-product) national table.
 * Keys are source classifications: 2007_42 (the 2007 provincial and national 42-sector list),
 * 2007_135, 2010_41, 2012_139, 2012_42 (identity), 2017_42.
 */
export function concordanceSpecs2012(t2007, t2012) {
  const s = (part, whole) => shareOf(t2012, part, whole);
  const general = [65, 66, 67, 68, 70], special = seq(71, 74), repair = [95];
  const machinery = [...general, ...special, ...repair];
  const w93 = s([93], [93, 94]);
  // 2007-class 42 → 2012-class 42
  const from2007 = [
    ...identity(1, 15),
    ...split(16, [[16, s(general, machinery)], [17, s(special, machinery)], [24, s(repair, machinery)]]),
    [17, 18, 1], [18, 19, 1], [19, 20, 1],
    ...split(20, [[21, s([92], [92, 69])], [16, s([69], [92, 69])]]),
    [21, 22, 1], [22, 23, 1], [23, 25, 1], [24, 26, 1], [25, 27, 1], [26, 28, 1],
    [27, 30, 1], [28, 30, 1], [29, 32, 1], [30, 29, 1], [31, 31, 1], [32, 33, 1], [33, 34, 1],
    [34, 35, 1], [35, 36, 1], [36, 36, 1], [37, 37, 1], [38, 38, 1], [39, 39, 1],
    ...split(40, [[40, s([131, 132], [131, 132, 138])], [42, s([138], [131, 132, 138])]]),
    [41, 41, 1], [42, 42, 1],
  ];
  const by2007 = (c) => from2007.filter((r) => r[0] === c);
  return {
    '2007_42': from2007,
    '2007_135': compose(concordanceSpecs(t2007, t2012)['2007_135'], from2007),
    // 2010: the 2007 class with 21 (other manufacturing) and 22 (waste) merged into 21.
    '2010_41': [
      ...seq(1, 20).flatMap(by2007),
      ...split(21, [[22, w93], [23, 1 - w93]]),
      ...seq(22, 41).flatMap((c) => by2007(c + 1).map(([, to, w]) => [c, to, w])),
    ],
    '2012_139': ranges([[1, 5, 1], [6, 6, 2], [7, 7, 3], [8, 9, 4], [10, 11, 5], [12, 25, 6], [26, 30, 7],
      [31, 33, 8], [34, 35, 9], [36, 38, 10], [39, 40, 11], [41, 51, 12], [52, 58, 13], [59, 63, 14], [64, 64, 15],
      [65, 70, 16], [71, 74, 17], [75, 79, 18], [80, 85, 19], [86, 91, 20], [92, 92, 21], [93, 93, 22], [94, 94, 23],
      [95, 95, 24], [96, 96, 25], [97, 97, 26], [98, 98, 27], [99, 102, 28], [103, 103, 29], [104, 111, 30],
      [112, 113, 31], [114, 115, 32], [116, 118, 33], [119, 119, 34], [120, 121, 35], [122, 124, 36],
      [125, 127, 37], [128, 129, 38], [130, 130, 39], [131, 132, 40], [133, 137, 41], [138, 139, 42]]),
    '2012_42': identity(1, 42),
    // 2017 class: 22 = other manufacturing + waste, 23 = repair, 24–34 = 2012's 25–35,
    // 35 R&D and 36 technical services = 2012's 36.
    '2017_42': [
      ...identity(1, 21),
      ...split(22, [[22, w93], [23, 1 - w93]]),
      ...seq(23, 34).map((c) => [c, c + 1, 1]),
      [35, 36, 1], [36, 36, 1],
      ...identity(37, 42),
    ],
  };
}

/**
 * Write data/concordance/<id>_to_2012_42.csv for every source classification and every table id
 * that reuses one (`aliases`: id -> classification), and sectors_2012_42.csv.
 * @param names2012 Map code -> {name_en, name_zh} of the 2012-class list (the 2015 national table)
 * @param namesByFrom classification -> Map code -> {name_en}
 */
export function writeConcordances2012(dataDir, specs, names2012, namesByFrom, aliases) {
  for (const [from, rows] of Object.entries(specs)) {
    const names = namesByFrom[from];
    const ids = [from, ...Object.keys(aliases).filter((id) => aliases[id] === from && id !== from)];
    for (const id of ids) {
      writeCsv(join(dataDir, 'concordance', `${id}_to_2012_42.csv`), ['from_code', 'to_code', 'weight', 'from_name', 'to_name'],
        rows.map(([f, t, w]) => [String(f), String(t), w, names(f), names2012.get(t).name_en]));
    }
  }
  writeCsv(join(dataDir, 'concordance', 'sectors_2012_42.csv'), ['code', 'name_en', 'name_zh'],
    [...names2012].map(([c, n]) => [String(c), n.name_en, n.name_zh]));
}

/**
 * The 2012 and 2017 provincial tables, long, with province codes and plain sector codes
 * ("sec07" -> "7"); values copied as published, except conversion noise (0 < |v| < 1e-6) written
 * as 0. Tibet (not in provinces.csv) is dropped.
 * @returns rows [province, year, row, col, value]
 */
export function provincialTables(paths, provinces) {
  const code = new Map(provinces.map((p) => [p.name_zh, p.code]));
  const plain = (c) => (/^sec\d+$/.test(c) ? String(Number(c.slice(3))) : c);
  const out = [];
  for (const path of paths) {
    for (const r of readCsv(path).rows) {
      const prov = code.get(r.province_zh);
      if (!prov) continue;
      // 0 < |v| < 1e-6 (10,000 yuan, below 0.01 yuan) is floating-point noise of the CSV
      // conversion (e.g. Jiangxi 2017 oil and gas output 5.1e-9): written as 0 (docs/data.md).
      const v = Number(r.value);
      out.push([prov, r.year, plain(r.row), plain(r.col), v !== 0 && Math.abs(v) < 1e-6 ? '0' : r.value]);
    }
  }
  const order = new Map(provinces.map((p, i) => [p.code, i]));
  return out.sort((a, b) => order.get(a[0]) - order.get(b[0]) || Number(a[1]) - Number(b[1]));
}
