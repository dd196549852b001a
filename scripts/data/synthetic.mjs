// Seeded, calibrated stand-ins for the four series with no public machine-readable source here.
// Every column produced here is flagged `synthetic` in data/tidy/dictionary.csv; the generating
// models are written out in docs/data.md.
import { mulberry32, normalGenerator } from './rng.mjs';
import { calibrateMonotone, moments, zscore } from './calibrate.mjs';

/** Fixed seed; each variable draws from its own stream (SEED + k) so edits to one leave the others intact. */
export const SEED = 20260418;

export const SYNTHETIC_COLUMNS = [
  { name: 'employment', unit: '10,000 persons', status: 'synthetic', source: 'scripts/data/synthetic.mjs (stream SEED+1); scaled to raw/io_national/china_employment_by_sector_1990_2018.csv TOT', description: 'STAND-IN for year-end employed persons: population x employment rate (rate rises with GDP per capita, province effect, noise), each year scaled so the 30 provinces sum to the national employment/population ratio' },
  { name: 'avg_wage', unit: 'yuan per year', status: 'synthetic', source: 'scripts/data/synthetic.mjs (stream SEED+2); calibrated to data/paper/table4_descriptive.csv pcw', description: 'STAND-IN for the average wage of urban-unit employees: latent ln GDP per capita + trend + province effect + noise, mapped monotonically so ln(avg_wage) has Table 4\'s pcw mean, SD, min, max' },
  { name: 'public_service_share', unit: 'fraction', status: 'synthetic', source: 'scripts/data/synthetic.mjs (stream SEED+3); calibrated to data/paper/table4_descriptive.csv psl', description: 'STAND-IN for public-service employment / urban employment: latent falling with GDP per capita and population, higher in the West, mapped monotonically to Table 4\'s psl mean, SD, min, max' },
  { name: 'hospital_beds_per_10k_filled', unit: 'beds per 10,000 residents', status: 'synthetic', source: 'hospital_beds_per_10k (2012-2023, real) + scripts/data/synthetic.mjs backcast for 2011 (stream SEED+4)', description: 'hospital_beds_per_10k with a SYNTHETIC 2011: 2012 value backcast by the province\'s own 2012-2016 log growth plus a common shift chosen so mean ln(beds) over 390 rows equals Table 4\'s med mean' },
];

const byYear = (rows, y) => rows.filter((r) => r.year === y);

/**
 * Add the synthetic columns to the panel rows in place and return a calibration report.
 * @param rows panel rows (province-major, year-minor) with the real columns
 * @param ctx {provinces, table4: Map(symbol -> {mean, sd, min, max}), nationalEmployment: Map(year -> 10k persons), population31: Map(year -> 10k persons)}
 */
export function addSynthetic(rows, ctx) {
  const provIndex = new Map(ctx.provinces.map((p, i) => [p.code, i]));
  const stream = (k) => normalGenerator(mulberry32(SEED + k));
  const lnGdppc = rows.map((r) => Math.log(r.gdp_per_capita));
  const zG = zscore(lnGdppc);
  const zPop = zscore(rows.map((r) => Math.log(r.population)));
  const report = {};

  // Employment: rate = 0.55 + 0.03 z(ln gdppc) + u_i + e_it, then per-year scaling to national totals.
  {
    const n = stream(1);
    const u = ctx.provinces.map(() => 0.03 * n());
    const emp = rows.map((r, i) => r.population * (0.55 + 0.03 * zG[i] + u[provIndex.get(r.province)] + 0.005 * n()));
    const ratio = new Map();
    const known = [...ctx.nationalEmployment.keys()].filter((y) => ctx.population31.has(y)).sort();
    for (const y of known) ratio.set(y, ctx.nationalEmployment.get(y) / ctx.population31.get(y));
    // Years after the employment file (2019+): extend the 2011-2018 least-squares trend of the ratio.
    const xs = known.filter((y) => y >= 2011), ys = xs.map((y) => ratio.get(y));
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const years = [...new Set(rows.map((r) => r.year))];
    report.employmentRatio = {};
    for (const y of years) {
      const rt = ratio.get(y) ?? my + slope * (y - mx);
      const idx = rows.map((r, i) => (r.year === y ? i : -1)).filter((i) => i >= 0);
      const target = rt * idx.reduce((s, i) => s + rows[i].population, 0);
      const k = target / idx.reduce((s, i) => s + emp[i], 0);
      for (const i of idx) rows[i].employment = Number((emp[i] * k).toFixed(2));
      report.employmentRatio[y] = { ratio: rt, basis: ratio.has(y) ? 'national TOT / population (31)' : 'trend 2011-2018' };
    }
  }

  // Average wage: latent = ln gdppc + 0.025 (t - 2011) + u_i + e_it, calibrated to pcw.
  {
    const n = stream(2);
    const u = ctx.provinces.map(() => 0.1 * n());
    const latent = rows.map((r, i) => lnGdppc[i] + 0.025 * (r.year - 2011) + u[provIndex.get(r.province)] + 0.03 * n());
    const ln = calibrateMonotone(latent, ctx.table4.get('pcw'));
    rows.forEach((r, i) => { r.avg_wage = Math.round(Math.exp(ln[i])); });
  }

  // Public-service share: latent = -0.6 z(ln gdppc) - 0.4 z(ln pop) + 0.3 West - 0.02 (t - 2011) + u_i + e_it.
  {
    const n = stream(3);
    const u = ctx.provinces.map(() => 0.5 * n());
    const west = new Map(ctx.provinces.map((p) => [p.code, p.region === 'West' ? 1 : 0]));
    const latent = rows.map((r, i) => -0.6 * zG[i] - 0.4 * zPop[i] + 0.3 * west.get(r.province) - 0.02 * (r.year - 2011)
      + u[provIndex.get(r.province)] + 0.15 * n());
    const v = calibrateMonotone(latent, ctx.table4.get('psl'));
    rows.forEach((r, i) => { r.public_service_share = Number(v[i].toFixed(6)); });
  }

  // Hospital beds 2011: backcast, common shift solved to hit Table 4's med mean over all rows.
  {
    const n = stream(4);
    const get = (c, y) => rows.find((r) => r.province === c && r.year === y).hospital_beds_per_10k;
    const real = rows.filter((r) => r.hospital_beds_per_10k !== null).map((r) => Math.log(r.hospital_beds_per_10k));
    const base = ctx.provinces.map((p) => {
      const b12 = get(p.code, 2012), b16 = get(p.code, 2016);
      return Math.log(b12) - (Math.log(b16) - Math.log(b12)) / 4 + 0.01 * n();
    });
    const need = (ctx.table4.get('med').mean * (real.length + base.length) - real.reduce((s, x) => s + x, 0)) / base.length;
    const shift = base.reduce((s, x) => s + x, 0) / base.length - need;
    report.bedsShift = shift;
    for (const r of rows) {
      r.hospital_beds_per_10k_filled = r.hospital_beds_per_10k ?? Number(Math.exp(base[provIndex.get(r.province)] - shift).toFixed(4));
    }
  }

  report.moments = {
    pcw: moments(rows.map((r) => Math.log(r.avg_wage))),
    psl: moments(rows.map((r) => r.public_service_share)),
    med: moments(rows.map((r) => Math.log(r.hospital_beds_per_10k_filled))),
  };
  report.byYearEmployment = Object.fromEntries([...new Set(rows.map((r) => r.year))].map((y) => [y, byYear(rows, y).reduce((s, r) => s + r.employment, 0)]));
  return report;
}
