// Real labour and health series for data/tidy/panel.csv: employment, average wage, public-service
// employment shares and 2011 hospital beds, from three raw files, with every cell flagged
// real | derived | estimated (data/tidy/flags.csv). Pure functions of their inputs; no randomness.
// Definitions, breaks and estimation methods are documented in docs/data.md ("Labour and health").
import { num } from './csv.mjs';
import { provinceMatcher } from './panel.mjs';

export const NBS = 'raw/nbs_provincial_employment_wages_2012_2021.csv';
export const METRICS = 'raw/province_metrics_2016_2024.json';
export const BEDS = 'raw/health_beds_2011_2013.tsv';

/** Indicator names (column `industry`) of the NBS file used here. */
export const IND = {
  urbanUnit: '城镇单位就业人员',
  privateSelf: '私营企业和个体就业人员',
  wage: '城镇单位就业人员平均工资',
  publicAdmin: '公共管理、社会保障和社会组织城镇单位就业人员',
  education: '教育业城镇单位就业人员',
  health: '卫生和社会工作城镇单位就业人员',
  culture: '文化、体育和娱乐业城镇单位就业人员',
};
const PUBLIC_SERVICE = [IND.publicAdmin, IND.education, IND.health, IND.culture];

/** Default threshold of the break test: |province growth - median growth| in log points. */
export const BREAK_THRESHOLD = 0.15;
/**
 * A year whose median growth over all provinces differs from the median of the other years'
 * median growths by more than this (log points) is a break common to all provinces (e.g. the
 * 2013 NBS coverage change of urban-unit employment: median +0.115 against -0.03..+0.025).
 */
export const COMMON_BREAK_THRESHOLD = 0.05;

/** Dictionary entries of the columns this module fills (statuses: see docs/data.md, flags in tidy/flags.csv). */
export const LABOUR_COLUMNS = [
  { name: 'employment', unit: '10,000 persons', status: 'derived+estimated', source: `${NBS} 城镇单位就业人员 + 私营企业和个体就业人员; breaks, 2011, 2020-2023 estimated (cell by cell in tidy/flags.csv)`, description: 'year-end employed persons, approximated by urban-unit (non-private units) employment + employment in private enterprises and of self-employed individuals (urban and rural); 2012-2019 from NBS, level breaks back-cast to the latest level, 2020 = real urban-unit + private/self-employed at its 2019 ratio to population, 2011 and 2021-2023 at the ratio to population of the nearest year' },
  { name: 'avg_wage', unit: 'yuan per year', status: 'real+estimated', source: `${NBS} 城镇单位就业人员平均工资 (2012-2020) and ${METRICS} income (2016-2023, identical on 2016-2020); 2011 estimated (tidy/flags.csv)`, description: 'average wage of employed persons in urban non-private units (the paper\'s pcw before the log); 2011 back-cast from 2012 with the province\'s 2012-2013 wage growth' },
  { name: 'public_service_share', unit: 'fraction', status: 'derived+estimated', source: `${NBS} urban-unit employment in public administration, education, health and social work, culture/sports/entertainment / all urban-unit employment; pre-break years, 2011, 2021-2023 estimated (tidy/flags.csv)`, description: 'public-service employment share of urban-unit employment (four sectors); 2012-2020 computed with the urban-unit total spliced at its coverage breaks, 2011 = 2012 share, 2021-2023 = 2020 share' },
  { name: 'public_admin_share', unit: 'fraction', status: 'derived+estimated', source: `${NBS} 公共管理、社会保障和社会组织城镇单位就业人员 / 城镇单位就业人员; pre-break years, 2011, 2021-2023 estimated (tidy/flags.csv)`, description: 'public administration, social security and social organisations / all urban-unit employment (one sector; its moments match the paper\'s Table 4 psl, see docs/data.md); urban-unit total spliced at its coverage breaks, 2011 = 2012 share, 2021-2023 = 2020 share' },
];

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parse the NBS provincial scrape (rows of readCsv): Map(indicator -> Map(code -> Map(year -> value))).
 * Year columns are list_YYYY (values left-aligned: the 2012-2019 series leave list_2020 empty).
 * Provinces outside provinces.csv (Tibet) are dropped; duplicate rows of one indicator and
 * province must agree, else it throws.
 */
export function parseNbs(rows, provinces) {
  const code = provinceMatcher(provinces);
  const out = new Map();
  if (!rows.length) return out;
  const years = Object.keys(rows[0]).filter((k) => /^list_\d{4}$/.test(k)).map((k) => Number(k.slice(5)));
  for (const r of rows) {
    const c = code(r.city);
    if (!c) continue;
    const byYear = new Map();
    for (const y of years) { const v = num(r[`list_${y}`]); if (v !== null) byYear.set(y, v); }
    if (!out.has(r.industry)) out.set(r.industry, new Map());
    const ind = out.get(r.industry);
    const prev = ind.get(c);
    if (prev) {
      const same = prev.size === byYear.size && [...prev].every(([y, v]) => byYear.get(y) === v);
      if (!same) throw new Error(`${NBS}: two different rows for ${r.city} ${r.industry}`);
    } else ind.set(c, byYear);
  }
  return out;
}

/** Parse a measure of province_metrics JSON: Map(code -> Map(year -> value)). */
export function parseMetrics(json, provinces, measure) {
  const code = provinceMatcher(provinces);
  const out = new Map();
  for (const p of json.provinces) {
    const c = code(p.name);
    if (!c) continue;
    const m = p.metrics?.[measure] ?? {};
    out.set(c, new Map(Object.entries(m).filter(([, v]) => typeof v === 'number').map(([y, v]) => [Number(y), v])));
  }
  return out;
}

/** Parse the health-beds TSV: Map(code -> Map(year -> total beds of health institutions)). */
export function parseBeds(text, provinces) {
  const code = provinceMatcher(provinces);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split('\t');
  const iy = header.indexOf('year'), ip = header.indexOf('province'), iv = header.indexOf('value_total_health_institution_beds');
  if (iy < 0 || ip < 0 || iv < 0) throw new Error(`${BEDS}: unexpected header`);
  const out = new Map();
  for (const l of lines.slice(1)) {
    const f = l.split('\t');
    const c = code(f[ip]);
    if (!c) continue;
    if (!out.has(c)) out.set(c, new Map());
    out.get(c).set(Number(f[iy]), num(f[iv]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Series tools (series = Map(code -> Map(year -> value)))

export function median(values) {
  const a = [...values].sort((x, y) => x - y);
  const n = a.length;
  if (!n) return null;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/** Median over provinces of the log growth year-1 -> year, for every year with at least one pair. */
export function medianGrowth(series, years) {
  const out = new Map();
  for (const y of years) {
    const d = [];
    for (const s of series.values()) if (s.has(y) && s.has(y - 1)) d.push(Math.log(s.get(y) / s.get(y - 1)));
    if (d.length) out.set(y, median(d));
  }
  return out;
}

/**
 * Year-on-year breaks: cells whose log growth deviates from the median growth of all provinces
 * in that year by more than `threshold` (log points). Returns [{province, year, deviation}]
 * ordered by province (series order) and year.
 */
export function detectBreaks(series, years, { threshold = BREAK_THRESHOLD } = {}) {
  const m = medianGrowth(series, years);
  const out = [];
  for (const [c, s] of series) {
    for (const y of years) {
      if (!s.has(y) || !s.has(y - 1) || !m.has(y)) continue;
      const e = Math.log(s.get(y) / s.get(y - 1)) - m.get(y);
      if (Math.abs(e) > threshold) out.push({ province: c, year: y, deviation: e });
    }
  }
  return out;
}

/**
 * Remove the breaks of a series, keeping the latest level:
 * - one-year outlier: breaks in year t and t+1 of opposite sign that nearly cancel
 *   (|e_t + e_t+1| < half the smaller) -> x_t = sqrt(x_t-1 * x_t+1);
 * - level shift in year t (any other break): every year before t is multiplied by
 *   exp(e_t), so the growth into t equals the median growth of that year (back-cast to the
 *   post-break level).
 * Median growth is computed once, from the unadjusted series. Returns
 * {series (new maps), breaks: [{province, year, deviation, kind, factor?}],
 *  adjusted: Map(code -> Map(year -> {kind: 'outlier', between: [t-1, t+1]} | {kind: 'level', factor, after: [break years]}))}.
 */
export function spliceBreaks(series, years, { threshold = BREAK_THRESHOLD } = {}) {
  const m = medianGrowth(series, years);
  const found = detectBreaks(series, years, { threshold });
  const out = new Map([...series].map(([c, s]) => [c, new Map(s)]));
  const adjusted = new Map();
  const breaks = [];
  for (const c of series.keys()) {
    const mine = found.filter((b) => b.province === c);
    const s = out.get(c);
    const adj = new Map();
    const outlierYears = [];
    for (let i = 0; i + 1 < mine.length; i++) {
      const a = mine[i], b = mine[i + 1];
      if (b.year === a.year + 1 && Math.sign(a.deviation) !== Math.sign(b.deviation)
        && Math.abs(a.deviation + b.deviation) < 0.5 * Math.min(Math.abs(a.deviation), Math.abs(b.deviation))) {
        outlierYears.push(a.year);
        breaks.push({ province: c, year: a.year, deviation: a.deviation, kind: 'outlier' });
        breaks.push({ province: c, year: b.year, deviation: b.deviation, kind: 'outlier return' });
        i++;
      }
    }
    for (const y of outlierYears) {
      s.set(y, Math.sqrt(s.get(y - 1) * s.get(y + 1)));
      adj.set(y, { kind: 'outlier', between: [y - 1, y + 1] });
    }
    // Level shifts on the series without its outliers; factors multiply, so their order does not matter.
    const shifts = [];
    for (const y of years) {
      if (!s.has(y) || !s.has(y - 1) || !m.has(y)) continue;
      const e = Math.log(s.get(y) / s.get(y - 1)) - m.get(y);
      if (Math.abs(e) > threshold) shifts.push({ year: y, deviation: e });
    }
    for (const { year, deviation } of shifts) {
      const f = Math.exp(deviation);
      for (const y of years) {
        if (y >= year || !s.has(y)) continue;
        s.set(y, s.get(y) * f);
        const a = adj.get(y);
        if (a && a.kind === 'level') { a.factor *= f; a.after.push(year); } else adj.set(y, { kind: 'level', factor: f, after: [year] });
      }
      breaks.push({ province: c, year, deviation, kind: 'level shift', factor: f });
    }
    if (adj.size) adjusted.set(c, adj);
  }
  const order = [...series.keys()];
  breaks.sort((a, b) => order.indexOf(a.province) - order.indexOf(b.province) || a.year - b.year);
  return { series: out, breaks, adjusted };
}

/**
 * Breaks common to all provinces, which detectBreaks (deviation from the year's median) cannot
 * see: a year whose median growth deviates from the median of the other years' medians by
 * more than `threshold`. Every province's earlier years are multiplied by exp(deviation)
 * (back-cast to the post-break level, as for a province's own level shift). Returns
 * {series (new maps), breaks: [{year, deviation, factor}], adjusted: Map(year -> {factor, after})}.
 */
export function spliceCommonBreaks(series, years, { threshold = COMMON_BREAK_THRESHOLD } = {}) {
  const m = medianGrowth(series, years);
  const out = new Map([...series].map(([c, s]) => [c, new Map(s)]));
  const breaks = [];
  const adjusted = new Map();
  for (const [y, g] of m) {
    const others = median([...m].filter(([z]) => z !== y).map(([, v]) => v));
    if (others === null || Math.abs(g - others) <= threshold) continue;
    const factor = Math.exp(g - others);
    breaks.push({ year: y, deviation: g - others, factor });
    for (const s of out.values()) for (const z of s.keys()) if (z < y) s.set(z, s.get(z) * factor);
    for (const z of years) {
      if (z >= y) continue;
      const a = adjusted.get(z);
      if (a) { a.factor *= factor; a.after.push(y); } else adjusted.set(z, { factor, after: [y] });
    }
  }
  return { series: out, breaks, adjusted };
}

/**
 * Fill the years without a value by the ratio value/denominator of the nearest year with a
 * value (ties: the earlier year), times the denominator of the year. Returns
 * Map(year -> {value, from}) where from = null for the given values.
 */
export function ratioFill(values, denominator, years) {
  const have = years.filter((y) => values.has(y));
  const out = new Map();
  for (const y of years) {
    if (values.has(y)) { out.set(y, { value: values.get(y), from: null }); continue; }
    const n = nearest(have, y);
    out.set(y, { value: (values.get(n) / denominator.get(n)) * denominator.get(y), from: n });
  }
  return out;
}

/** Carry the value of the nearest year with a value (ties: the earlier year). Map(year -> {value, from}). */
export function carryNearest(values, years) {
  const have = years.filter((y) => values.has(y));
  const out = new Map();
  for (const y of years) {
    if (values.has(y)) out.set(y, { value: values.get(y), from: null });
    else { const n = nearest(have, y); out.set(y, { value: values.get(n), from: n }); }
  }
  return out;
}

/** Back-cast one year before the first value with the growth of the first two years: x0^2 / x1. */
export function backcastGrowth(values, year) {
  const a = values.get(year + 1), b = values.get(year + 2);
  if (a === undefined || b === undefined) throw new Error(`backcastGrowth: need ${year + 1} and ${year + 2}`);
  return (a * a) / b;
}

function nearest(have, y) {
  if (!have.length) throw new Error('no year with a value');
  let best = have[0];
  for (const h of have) if (Math.abs(h - y) < Math.abs(best - y)) best = h;
  return best;
}

const round = (v, d) => Number(v.toFixed(d));

// ---------------------------------------------------------------------------------------------
// The panel columns

/**
 * Compute the labour and health columns for every province-year.
 * @param ctx {provinces, years, nbsRows (readCsv rows), metrics (parsed JSON), bedsText (TSV text),
 *   population: Map('CODE|year' -> 10,000 persons), beds: Map('CODE|year' -> real beds per 10k or null)}
 * @returns {cells: Map('CODE|year' -> {variable: {value, status, method}}), report}
 */
export function buildLabour({ provinces, years, nbsRows, metrics, bedsText, population, beds, threshold = BREAK_THRESHOLD }) {
  const nbs = parseNbs(nbsRows, provinces);
  const need = (ind) => {
    const s = nbs.get(ind);
    if (!s || s.size !== provinces.length) throw new Error(`${NBS}: ${ind} not found for all ${provinces.length} provinces`);
    return s;
  };
  const U = need(IND.urbanUnit), P = need(IND.privateSelf), W = need(IND.wage);
  const income = parseMetrics(metrics, provinces, 'income');
  const bedsTotal = parseBeds(bedsText, provinces);
  const pop = (c) => new Map(years.map((y) => [y, population.get(`${c}|${y}`)]));
  const cells = new Map(provinces.flatMap((p) => years.map((y) => [`${p.code}|${y}`, {}])));
  const set = (c, y, v, value, status, method) => { cells.get(`${c}|${y}`)[v] = { value, status, method }; };
  const report = {};

  // Employment: S = urban-unit + private/self-employed on the years where both are real.
  const S = new Map(provinces.map((p) => {
    const u = U.get(p.code), q = P.get(p.code);
    return [p.code, new Map([...q.keys()].filter((y) => u.has(y)).map((y) => [y, u.get(y) + q.get(y)]))];
  }));
  const realYears = [...new Set([...S.values()].flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  const spliced = spliceBreaks(S, realYears, { threshold });
  report.employmentBreaks = spliced.breaks;
  report.privateSelfBreaks = detectBreaks(P, realYears, { threshold });
  const lastS = realYears[realYears.length - 1];
  for (const p of provinces) {
    const c = p.code, s = spliced.series.get(c), adj = spliced.adjusted.get(c) ?? new Map(), po = pop(c);
    const u = U.get(c), q = P.get(c);
    const known = new Map(s);
    const methods = new Map();
    for (const y of s.keys()) {
      const a = adj.get(y);
      if (!a) methods.set(y, ['derived', 'NBS urban-unit + private/self-employed']);
      else if (a.kind === 'outlier') methods.set(y, ['estimated', `NBS urban-unit + private/self-employed: one-year outlier replaced by the geometric mean of ${a.between.join(' and ')}`]);
      else methods.set(y, ['estimated', `NBS urban-unit + private/self-employed back-cast x${a.factor.toFixed(3)} to the level after the ${[...a.after].sort((x, z) => x - z).join(' and ')} break${a.after.length > 1 ? 's' : ''}`]);
    }
    // Years after the private/self-employed series with a real urban-unit value: real urban-unit
    // + private/self-employed at its ratio to population in the last year of that series.
    for (const y of years) {
      if (y > lastS && u.has(y)) {
        known.set(y, u.get(y) + (q.get(lastS) / po.get(lastS)) * po.get(y));
        methods.set(y, ['estimated', `NBS urban-unit ${y} + private/self-employed at its ${lastS} ratio to population`]);
      }
    }
    for (const [y, { value, from }] of ratioFill(known, po, years)) {
      const [status, method] = from === null ? methods.get(y) : ['estimated', `ratio to population of ${from} (nearest year) x population`];
      set(c, y, 'employment', round(value, 2), status, method);
    }
  }

  // Average wage: NBS file 2012-2020, JSON 2016+ (must agree on the overlap); 2011 back-cast.
  const wageDiff = [];
  for (const p of provinces) {
    const w = W.get(p.code), inc = income.get(p.code) ?? new Map();
    for (const y of years) if (w.has(y) && inc.has(y) && w.get(y) !== inc.get(y)) wageDiff.push(`${p.code} ${y}: ${w.get(y)} vs ${inc.get(y)}`);
  }
  if (wageDiff.length) throw new Error(`${NBS} and ${METRICS} disagree: ${wageDiff.join('; ')}`);
  for (const p of provinces) {
    const c = p.code, w = W.get(c), inc = income.get(c) ?? new Map();
    const merged = new Map();
    for (const y of years) {
      if (w.has(y)) merged.set(y, [w.get(y), w.has(y) && inc.has(y) ? 'NBS provincial database (= province_metrics income)' : 'NBS provincial database']);
      else if (inc.has(y)) merged.set(y, [inc.get(y), 'NBS via province_metrics income']);
    }
    for (const y of years) {
      if (merged.has(y)) set(c, y, 'avg_wage', merged.get(y)[0], 'real', merged.get(y)[1]);
      else if (merged.has(y + 1) && merged.has(y + 2)) {
        const v = backcastGrowth(new Map([...merged].map(([k, [x]]) => [k, x])), y);
        set(c, y, 'avg_wage', Math.round(v), 'estimated', `${y + 1} wage back-cast with its ${y + 1}-${y + 2} growth`);
      } else throw new Error(`avg_wage ${c} ${y}: no value and no back-cast`);
    }
  }
  report.wageOverlap = provinces.reduce((n, p) => n + years.filter((y) => W.get(p.code).has(y) && income.get(p.code)?.has(y)).length, 0);

  // Public-service shares of urban-unit employment: real sector employment / urban-unit
  // employment with the coverage breaks of the latter spliced (the same rule as above), computed
  // where the sectors are real, the nearest year's share elsewhere.
  const sectors = PUBLIC_SERVICE.map(need);
  const uYears = [...new Set([...U.values()].flatMap((x) => [...x.keys()]))].sort((a, b) => a - b);
  const uOwn = spliceBreaks(U, uYears, { threshold });
  report.urbanUnitBreaks = uOwn.breaks;
  // Then the breaks all provinces share (the sector counts do not share them: public
  // administration grew 1.8 % in 2013 while all urban units grew 11.5 %).
  const uSpliced = spliceCommonBreaks(uOwn.series, uYears);
  report.urbanUnitCommonBreaks = uSpliced.breaks;
  for (const p of provinces) {
    const c = p.code, u = uSpliced.series.get(c), adj = mergeAdjustments(uOwn.adjusted.get(c) ?? new Map(), uSpliced.adjusted);
    const four = new Map(), one = new Map();
    for (const y of u.keys()) {
      if (sectors.every((x) => x.get(c).has(y))) four.set(y, sectors.reduce((t, x) => t + x.get(c).get(y), 0) / u.get(y));
      if (sectors[0].get(c).has(y)) one.set(y, sectors[0].get(c).get(y) / u.get(y));
    }
    for (const [name, values, what] of [['public_service_share', four, 'public administration + education + health + culture'], ['public_admin_share', one, 'public administration']]) {
      for (const [y, { value, from }] of carryNearest(values, years)) {
        const a = adj.get(y);
        if (from !== null) set(c, y, name, round(value, 6), 'estimated', `share of ${from} (nearest year)`);
        else if (!a) set(c, y, name, round(value, 6), 'derived', `NBS urban-unit ${what} / all urban units`);
        else set(c, y, name, round(value, 6), 'estimated', `NBS urban-unit ${what} / all urban units (denominator back-cast x${a.factor.toFixed(3)} to the level after the ${[...a.after].sort((x, z) => x - z).join(' and ')} break${a.common ? ', incl. the coverage change common to all provinces' : ''})`);
      }
    }
  }

  // Hospital beds per 10k: real column where present; else total health-institution beds / population.
  const check = [];
  for (const p of provinces) {
    const c = p.code, t = bedsTotal.get(p.code) ?? new Map();
    for (const y of years) {
      const real = beds.get(`${c}|${y}`);
      if (real !== null && real !== undefined) {
        set(c, y, 'hospital_beds_per_10k', real, 'real', 'panel file 医疗床位数_每万人');
        if (t.has(y)) check.push({ province: c, year: y, ratio: t.get(y) / population.get(`${c}|${y}`) / real });
      } else if (t.has(y)) {
        set(c, y, 'hospital_beds_per_10k', round(t.get(y) / population.get(`${c}|${y}`), 4), 'derived', `Health Statistical Yearbook beds ${y} / population`);
      } else throw new Error(`hospital_beds_per_10k ${c} ${y}: no value`);
    }
  }
  report.bedsCheck = check;
  return { cells, report };
}

/** Sample moments (n - 1 SD) of the non-null values. */
export function moments(values) {
  const v = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

/** A province's own level adjustments combined with the common ones, by year. */
function mergeAdjustments(own, common) {
  const out = new Map();
  for (const [y, a] of own) if (a.kind === 'level') out.set(y, { factor: a.factor, after: [...a.after], common: false });
  for (const [y, a] of common) {
    const b = out.get(y);
    if (b) { b.factor *= a.factor; b.after.push(...a.after); b.common = true; } else out.set(y, { factor: a.factor, after: [...a.after], common: true });
  }
  for (const [y, a] of own) if (a.kind !== 'level' && !out.has(y)) out.set(y, a);
  return out;
}
