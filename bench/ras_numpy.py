"""RAS benchmark, numpy side: times the same round as steps/kernels/ras.ts (scale rows to U,
scale columns to V, then the row and column sums for both residuals) on an n x n matrix.
Prints one JSON line. Usage: python3 bench/ras_numpy.py [n] [iterations]
Called by bench/ras.bench.ts; never part of the tests."""
import json
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 20

rng = np.random.default_rng(1)
z = rng.uniform(0.5, 1.5, size=(n, n))
target = z * rng.uniform(0.8, 1.2, size=(n, n))
u = target.sum(axis=1)
v = target.sum(axis=0)


def rounds(k):
    rs = z.sum(axis=1)
    for _ in range(k):
        np.multiply(z, (u / rs)[:, None], out=z)
        cs = z.sum(axis=0)
        np.multiply(z, (v / cs)[None, :], out=z)
        rs = z.sum(axis=1)
        max_row = np.abs(u - rs).max()
        max_col = np.abs(v - z.sum(axis=0)).max()
    return max_row, max_col


rounds(1)  # warm-up
t0 = time.perf_counter()
max_row, max_col = rounds(iterations)
elapsed = time.perf_counter() - t0
print(json.dumps({
    "impl": "numpy",
    "numpy_version": np.__version__,
    "n": n,
    "iterations": iterations,
    "ms_per_iter": 1000 * elapsed / iterations,
    "max_row_residual": float(max_row),
    "max_col_residual": float(max_col),
}))
