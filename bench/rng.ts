/** Deterministic uniform [0, 1) numbers (mulberry32, steps/kernels/random.ts), so benchmark runs are comparable. */
import { mulberry32 } from '../steps/kernels/random.js';

export const rng = (seed: number): (() => number) => mulberry32(seed);
