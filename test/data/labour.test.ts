// Unit tests of scripts/data/labour.mjs on small hand-computed cases.
import { describe, expect, it } from 'vitest';

type Series = Map<string, Map<number, number>>;
type Filled = Map<number, { value: number; from: number | null }>;
type Cell = { value: number; status: string; method: string };
interface Labour {
  median(v: number[]): number | null;
  medianGrowth(s: Series, years: number[]): Map<number, number>;
  detectBreaks(s: Series, years: number[], o?: { threshold?: number }): { province: string; year: number; deviation: number }[];
  spliceBreaks(s: Series, years: number[], o?: { threshold?: number }): {
    series: Series;
    breaks: { province: string; year: number; deviation: number; kind: string; factor?: number }[];
    adjusted: Map<string, Map<number, { kind: string; factor?: number; after?: number[]; between?: number[] }>>;
  };
  ratioFill(values: Map<number, number>, denominator: Map<number, number>, years: number[]): Filled;
  carryNearest(values: Map<number, number>, years: number[]): Filled;
  backcastGrowth(values: Map<number, number>, year: number): number;
  parseNbs(rows: Record<string, string>[], provinces: { code: string; name_zh: string }[]): Map<string, Series>;
  parseBeds(text: string, provinces: { code: string; name_zh: string }[]): Series;
  buildLabour(ctx: Record<string, unknown>): { cells: Map<string, Record<string, Cell>> };
}
// The module is plain JavaScript (no type declarations): load it by URL, typed by the interface above.
const L = (await import(new URL('../../scripts/data/labour.mjs', import.meta.url).href)) as Labour;

const series = (o: Record<string, number[]>, first = 1): Series =>
  new Map(Object.entries(o).map(([k, v]) => [k, new Map(v.map((x, i) => [first + i, x]))]));
const values = (s: Map<number, number> | undefined) => [...(s ?? new Map<number, number>()).values()];
const Y4 = [1, 2, 3, 4];
// Two flat provinces fix the median growth of every year at 0, so c's deviation is its own log growth.
const flat = { a: [100, 100, 100, 100], b: [50, 50, 50, 50] };

describe('scripts/data/labour.mjs', () => {
  it('median and median growth', () => {
    expect(L.median([3, 1, 2])).toBe(2);
    expect(L.median([4, 1, 2, 3])).toBe(2.5);
    // growths ln 1.1, ln 1.2, 0 -> median ln 1.1
    const m = L.medianGrowth(series({ a: [100, 110], b: [100, 120], c: [50, 50] }), [1, 2]);
    expect(m.has(1)).toBe(false);
    expect(m.get(2)).toBeCloseTo(Math.log(1.1), 12);
  });

  it('detects a break only above the threshold', () => {
    expect(L.detectBreaks(series({ ...flat, c: [10, 10, 11, 11] }), Y4)).toEqual([]); // ln 1.1 = 0.095 < 0.15
    const b = L.detectBreaks(series({ ...flat, c: [10, 10, 11, 11] }), Y4, { threshold: 0.05 });
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ province: 'c', year: 3 });
    expect(b[0]?.deviation).toBeCloseTo(Math.log(1.1), 12);
  });

  it('back-casts the years before a level shift to the post-break level', () => {
    // c doubles in year 3: years 1-2 x2 -> 20, 20, 20, 20
    const r = L.spliceBreaks(series({ ...flat, c: [10, 10, 20, 20] }), Y4);
    expect(values(r.series.get('c'))).toEqual([20, 20, 20, 20]);
    expect(values(r.series.get('a'))).toEqual([100, 100, 100, 100]);
    expect(r.breaks).toHaveLength(1);
    expect(r.breaks[0]).toMatchObject({ province: 'c', year: 3, kind: 'level shift' });
    expect(r.breaks[0]?.factor).toBeCloseTo(2, 12);
    expect(r.adjusted.get('c')?.get(1)).toMatchObject({ kind: 'level', after: [3] });
    expect(r.adjusted.get('c')?.has(3)).toBe(false);
  });

  it('multiplies the factors of two level shifts', () => {
    // c: 10, 20, 20, 40 -> breaks in 2 and 4 (x2 each): year 1 x4, years 2-3 x2 -> all 40
    const r = L.spliceBreaks(series({ ...flat, c: [10, 20, 20, 40] }), Y4);
    expect(values(r.series.get('c')).map((x) => Number(x.toFixed(9)))).toEqual([40, 40, 40, 40]);
    expect(r.adjusted.get('c')?.get(1)?.factor).toBeCloseTo(4, 12);
    expect(r.adjusted.get('c')?.get(1)?.after).toEqual([2, 4]);
    expect(r.adjusted.get('c')?.get(3)?.factor).toBeCloseTo(2, 12);
  });

  it('replaces a one-year outlier by the geometric mean of its neighbours', () => {
    // c: 10, 10, 20, 10 -> +ln 2 then -ln 2: year 3 = sqrt(10 x 10) = 10, no level shift
    const r = L.spliceBreaks(series({ ...flat, c: [10, 10, 20, 10] }), Y4);
    expect(values(r.series.get('c'))).toEqual([10, 10, 10, 10]);
    expect(r.breaks.map((b) => b.kind)).toEqual(['outlier', 'outlier return']);
    expect(r.adjusted.get('c')?.get(3)).toEqual({ kind: 'outlier', between: [2, 4] });
    // 10, 10, 40, 20: +ln 4 then -ln 2 do not nearly cancel -> two level shifts, not an outlier
    const s = L.spliceBreaks(series({ ...flat, c: [10, 10, 40, 20] }), Y4);
    expect(s.breaks.map((b) => b.kind)).toEqual(['level shift', 'level shift']);
    expect(values(s.series.get('c')).map((x) => Number(x.toFixed(9)))).toEqual([20, 20, 20, 20]);
  });

  it('fills gaps by the ratio to a related series of the nearest year', () => {
    const f = L.ratioFill(new Map([[2012, 50], [2013, 60]]), new Map([[2011, 90], [2012, 100], [2013, 120], [2014, 110]]), [2011, 2012, 2013, 2014]);
    expect(f.get(2011)).toEqual({ value: 45, from: 2012 }); // 50 / 100 x 90
    expect(f.get(2012)).toEqual({ value: 50, from: null });
    expect(f.get(2014)).toEqual({ value: 55, from: 2013 }); // 60 / 120 x 110
  });

  it('carries the nearest value (the earlier year on a tie) and back-casts with growth', () => {
    const c = L.carryNearest(new Map([[1, 5], [3, 7]]), [0, 1, 2, 3, 4]);
    expect([...c.values()]).toEqual([{ value: 5, from: 1 }, { value: 5, from: null }, { value: 5, from: 1 }, { value: 7, from: null }, { value: 7, from: 3 }]);
    expect(L.backcastGrowth(new Map([[2012, 100], [2013, 110]]), 2011)).toBeCloseTo(10000 / 110, 9); // 100 / 1.1
    expect(() => L.backcastGrowth(new Map([[2012, 100]]), 2011)).toThrow();
  });

  const provinces = [{ code: 'AAA', name_zh: '甲' }, { code: 'BBB', name_zh: '乙' }, { code: 'CCC', name_zh: '丙' }];
  const nbsRow = (city: string, industry: string, v: (number | '')[]) =>
    ({ city, exp: '', industry, list_2012: String(v[0] ?? ''), list_2013: String(v[1] ?? ''), list_2014: String(v[2] ?? ''), unit: '' });

  it('parses the NBS scrape by province code, dropping unknown provinces and checking duplicates', () => {
    const rows = [nbsRow('甲省', 'X', [1, 2, '']), nbsRow('西藏自治区', 'X', [9, 9, 9]), nbsRow('甲省', 'X', [1, 2, ''])];
    const p = L.parseNbs(rows, provinces);
    expect([...(p.get('X')?.keys() ?? [])]).toEqual(['AAA']);
    expect([...(p.get('X')?.get('AAA') ?? [])]).toEqual([[2012, 1], [2013, 2]]);
    expect(() => L.parseNbs([...rows, nbsRow('甲省', 'X', [1, 3, ''])], provinces)).toThrow(/two different rows/);
    const beds = L.parseBeds('year\tprovince\tvalue_total_health_institution_beds\tother\n2011\t甲省\t4000\tx\n2011\t西藏自治区\t1\tx\n', provinces);
    expect([...beds]).toEqual([['AAA', new Map([[2011, 4000]])]]);
  });

  it('builds the panel cells of a three-province example (hand-computed)', () => {
    const U = '城镇单位就业人员', P = '私营企业和个体就业人员', W = '城镇单位就业人员平均工资';
    const sectors = ['公共管理、社会保障和社会组织城镇单位就业人员', '教育业城镇单位就业人员', '卫生和社会工作城镇单位就业人员', '文化、体育和娱乐业城镇单位就业人员'];
    const rows = [
      nbsRow('甲省', U, [100, 100, 100]), nbsRow('乙省', U, [200, 200, 200]), nbsRow('丙省', U, [50, 50, 50]),
      nbsRow('甲省', P, [100, 100, '']), nbsRow('乙省', P, [200, 200, '']), nbsRow('丙省', P, [50, 150, '']), // C: break in 2013
      nbsRow('甲省', W, [1000, 1100, 1210]), nbsRow('乙省', W, [2000, 2000, 2000]), nbsRow('丙省', W, [500, 550, '']),
      ...['甲省', '乙省', '丙省'].flatMap((c) => sectors.map((s, i) => nbsRow(c, s, i === 0 ? [10, 10, 10] : [5, 5, 5]))),
    ];
    const pop = new Map<string, number>();
    for (const [c, n] of [['AAA', 1000], ['BBB', 2000], ['CCC', 500]] as const) for (let y = 2011; y <= 2014; y++) pop.set(`${c}|${y}`, n);
    pop.set('AAA|2014', 1100);
    const beds = new Map<string, number | null>();
    for (const c of ['AAA', 'BBB', 'CCC']) { beds.set(`${c}|2011`, null); for (let y = 2012; y <= 2014; y++) beds.set(`${c}|${y}`, 40); }
    const ctx = {
      provinces, years: [2011, 2012, 2013, 2014], nbsRows: rows, population: pop, beds,
      metrics: { provinces: [{ name: '甲省', metrics: { income: { 2013: 1100 } } }, { name: '丙省', metrics: { income: { 2014: 605 } } }] },
      bedsText: 'year\tprovince\tvalue_total_health_institution_beds\n2011\t甲省\t4000\n2011\t乙省\t9000\n2011\t丙省\t1000\n',
    };
    const { cells } = L.buildLabour(ctx);
    const at = (c: string, y: number, v: string) => cells.get(`${c}|${y}`)?.[v];
    // employment A: 100 + 100 = 200 in 2012-2013; 2014 = 100 (real urban-unit) + 100 / 1000 x 1100 = 210;
    // 2011 = 200 / 1000 x 1000 = 200.
    expect(at('AAA', 2012, 'employment')).toMatchObject({ value: 200, status: 'derived' });
    expect(at('AAA', 2014, 'employment')).toMatchObject({ value: 210, status: 'estimated' });
    expect(at('AAA', 2011, 'employment')).toMatchObject({ value: 200, status: 'estimated' });
    // C: 100 -> 200 while the median grows 0: 2012 back-cast x2 = 200; 2014 = 50 + 150 = 200.
    expect(at('CCC', 2012, 'employment')).toMatchObject({ value: 200, status: 'estimated' });
    expect(at('CCC', 2012, 'employment')?.method).toContain('x2.000');
    expect(at('CCC', 2013, 'employment')).toMatchObject({ value: 200, status: 'derived' });
    expect(at('CCC', 2014, 'employment')).toMatchObject({ value: 200, status: 'estimated' });
    // wages: A 2011 = 1000^2 / 1100 = 909.09 -> 909; C 2014 from the JSON (605); C 2011 = 500^2 / 550 -> 455
    expect(at('AAA', 2011, 'avg_wage')).toMatchObject({ value: 909, status: 'estimated' });
    expect(at('AAA', 2013, 'avg_wage')).toMatchObject({ value: 1100, status: 'real' });
    expect(at('CCC', 2014, 'avg_wage')).toMatchObject({ value: 605, status: 'real' });
    expect(at('CCC', 2011, 'avg_wage')).toMatchObject({ value: 455, status: 'estimated' });
    // shares of urban units: (10 + 5 + 5 + 5) / 100 = 0.25, 10 / 100 = 0.1; 2011 carried from 2012
    expect(at('AAA', 2012, 'public_service_share')).toMatchObject({ value: 0.25, status: 'derived' });
    expect(at('AAA', 2012, 'public_admin_share')).toMatchObject({ value: 0.1, status: 'derived' });
    expect(at('BBB', 2011, 'public_admin_share')).toMatchObject({ value: 0.05, status: 'estimated', method: 'share of 2012 (nearest year)' });
    // beds 2011 = beds / population: 4000 / 1000 = 4 per 10k... per 10,000 persons with population in 10,000s
    expect(at('AAA', 2011, 'hospital_beds_per_10k')).toMatchObject({ value: 4, status: 'derived' });
    expect(at('BBB', 2011, 'hospital_beds_per_10k')).toMatchObject({ value: 4.5, status: 'derived' });
    expect(at('BBB', 2012, 'hospital_beds_per_10k')).toMatchObject({ value: 40, status: 'real' });
    // the JSON must equal the NBS file where both have a value
    const bad = { ...ctx, metrics: { provinces: [{ name: '甲省', metrics: { income: { 2013: 1101 } } }] } };
    expect(() => L.buildLabour(bad)).toThrow(/disagree/);
  });
});
