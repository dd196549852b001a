/**
 * RAS benchmark (not a test): time per RAS round of steps/kernels/ras.ts on an n × n
 * matrix (default 2,000 × 2,000) against numpy running the same round (bench/ras_numpy.py).
 * Prints one JSON line: {"bench":"ras", n, iterations, repeats, ts_ms_per_iter,
 * numpy_ms_per_iter, ratio (TS / numpy, target ≤ 1.5), numpy_factored_ms_per_iter,
 * ratio_factored, ...}; times are medians over `repeats` runs of `iterations` rounds.
 * numpy's main figure scales the matrix as METHOD-NOTES writes the round; the "factored"
 * figure runs the same round in the R/S form the TS kernel uses, with BLAS (see ras_numpy.py).
 * Run from the repo root after compiling, e.g.
 *   npx tsc -p tsconfig.json --outDir .bench-out && node .bench-out/bench/ras.bench.js [n] [iterations] [repeats]
 * The Python interpreter is $AGGLO_PYTHON or `python3` (needs numpy); without it the numpy
 * fields are null.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ras } from '../steps/kernels/ras.js';
import { rng } from './rng.js';

const n = Number(process.argv[2] ?? 2000);
const iterations = Number(process.argv[3] ?? 10);
const repeats = Number(process.argv[4] ?? 5);


function tsTiming(): { msPerIter: number; maxRow: number; maxCol: number } {
  const rand = rng(1);
  const z = new Float64Array(n * n);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = 0.5 + rand();
      z[i * n + j] = x;
      const t = x * (0.8 + 0.4 * rand());
      u[i]! += t;
      v[j]! += t;
    }
  }
  // No tolerance: run exactly the requested rounds. One warm-up round lets V8 optimise.
  const times: number[] = [];
  let res = ras(z.slice(), n, n, u, v, { maxIterations: 1 });
  for (let k = 0; k < repeats; k++) {
    const work = z.slice();
    ras(work, n, n, u, v, { maxIterations: 1 });
    const t0 = process.hrtime.bigint();
    res = ras(work, n, n, u, v, { maxIterations: iterations });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / iterations);
  }
  times.sort((a, b) => a - b);
  // Each timed call includes the kernel's set-up row step and its final write of Z.
  return { msPerIter: times[Math.floor(times.length / 2)]!, maxRow: res.maxRowResidual, maxCol: res.maxColResidual };
}

type NumpyResult = { ms_per_iter: number; factored_ms_per_iter: number; numpy_version: string };

function numpyTiming(): NumpyResult | { error: string } {
  const script = ['bench/ras_numpy.py', path.join(path.dirname(new URL(import.meta.url).pathname), 'ras_numpy.py')].find((p) => existsSync(p));
  if (!script) return { error: 'bench/ras_numpy.py not found (run from the repo root)' };
  const py = process.env.AGGLO_PYTHON ?? 'python3';
  const r = spawnSync(py, [script, String(n), String(iterations), String(repeats)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: `${py} failed: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NumpyResult;
}

const ts = tsTiming();
const np = numpyTiming();
const npMs = 'ms_per_iter' in np ? np.ms_per_iter : null;
const npFactored = 'factored_ms_per_iter' in np ? np.factored_ms_per_iter : null;
console.log(JSON.stringify({
  bench: 'ras',
  n,
  iterations,
  repeats,
  ts_ms_per_iter: ts.msPerIter,
  numpy_ms_per_iter: npMs,
  ratio: npMs ? ts.msPerIter / npMs : null,
  target_ratio: 1.5,
  numpy_factored_ms_per_iter: npFactored,
  ratio_factored: npFactored ? ts.msPerIter / npFactored : null,
  node_version: process.version,
  numpy_version: 'numpy_version' in np ? np.numpy_version : null,
  ...('error' in np ? { numpy_error: np.error } : {}),
  ts_max_row_residual: ts.maxRow,
  ts_max_col_residual: ts.maxCol,
}));
