// Seeded pseudo-random numbers so every synthetic column is reproducible bit for bit.

/** mulberry32: a small 32-bit generator (public domain, Tommy Ettinger). Returns u in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box-Muller from a uniform generator. */
export function normalGenerator(uniform) {
  return function normal() {
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
