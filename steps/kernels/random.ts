/**
 * The one seeded generator of agglo's bootstraps and simulations: mulberry32, uniform [0, 1)
 * from a 32-bit state advanced by 0x6D2B79F5 per draw. The same seed gives the same numbers on
 * every machine, and draw m of a seed is reachable in O(1) (state = seed + m·0x6D2B79F5 mod
 * 2³²: `skip`), so a chunk of replications can start anywhere and give the draws of the full
 * run. bench/rng.ts and the tests' seeded helpers use it too.
 */
export function mulberry32(seed: number, skip = 0): () => number {
  let a = (seed + Math.imul(skip >>> 0, 0x6d2b79f5)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
