"""RAS benchmark, numpy side. Prints one JSON line. Never part of the tests.
Usage: python3 bench/ras_numpy.py [n] [iterations] [repeats]

`ms_per_iter`: the METHOD-NOTES round written the natural numpy way, scaling the matrix:
    r = U / rowsum(Z); Z *= r[:, None]; s = V / colsum(Z); Z *= s; then both residuals.
`factored_ms_per_iter`: the same round in the factored form steps/kernels/ras.ts uses
(Z_k = diag(R) Z_0 diag(S); R = U / (Z_0 @ S), S = V / (R @ Z_0)), with BLAS matrix-vector
products, for comparison. Median over `repeats` timings of `iterations` rounds each."""
import json
import statistics
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 10
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5

rng = np.random.default_rng(1)
z0 = rng.uniform(0.5, 1.5, size=(n, n))
target = z0 * rng.uniform(0.8, 1.2, size=(n, n))
u = target.sum(axis=1)
v = target.sum(axis=0)


def scaled(z, k):
    rs = z.sum(axis=1)
    for _ in range(k):
        np.multiply(z, (u / rs)[:, None], out=z)
        cs = z.sum(axis=0)
        np.multiply(z, (v / cs)[None, :], out=z)
        rs = z.sum(axis=1)
        max_row = np.abs(u - rs).max()
        max_col = np.abs(v - z.sum(axis=0)).max()
    return max_row, max_col


def factored(z, k):
    s = np.ones(n)
    for _ in range(k):
        r = u / (z @ s)
        c = r @ z
        s = v / c
        max_row = np.abs(u - r * (z @ s)).max()
        max_col = np.abs(v - s * c).max()
    return max_row, max_col


def timed(fn):
    times = []
    for _ in range(repeats):
        z = z0.copy()
        fn(z, 1)  # warm-up
        t0 = time.perf_counter()
        res = fn(z, iterations)
        times.append(1000 * (time.perf_counter() - t0) / iterations)
    return statistics.median(times), res


ms, (max_row, max_col) = timed(scaled)
fms, _ = timed(factored)
print(json.dumps({
    "impl": "numpy",
    "numpy_version": np.__version__,
    "n": n,
    "iterations": iterations,
    "repeats": repeats,
    "ms_per_iter": ms,
    "factored_ms_per_iter": fms,
    "max_row_residual": float(max_row),
    "max_col_residual": float(max_col),
}))
