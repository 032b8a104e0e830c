"""numpy/LAPACK peer for `npm run bench`: matmul GFLOP/s and eigh seconds on one thread.

Prints one JSON document. Run with OPENBLAS_NUM_THREADS=1 (the orchestrator sets it).
"""
import json
import sys

import numpy as np

from timing import timeit


rng = np.random.default_rng(0)
out = {"numpy": np.__version__, "matmul": {}, "eigh": {}}
for dtype in ("float64", "float32"):
    for n in (256, 512, 1024):
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        t = timeit(lambda: a @ b)
        out["matmul"][f"{dtype}-{n}"] = 2 * n**3 / t / 1e9
for n in (100, 300, 1000):
    a = rng.standard_normal((n, n))
    a = (a + a.T) / 2
    out["eigh"][str(n)] = timeit(lambda: np.linalg.eigh(a), min_time=1.0 if n == 1000 else 0.3)

# The random-matrix experiment's Monte Carlo: is a 7×7 GOE matrix positive definite? numpy's natural
# way is a batch of matrices and batched eigenvalues (np.linalg.eigvalsh over a stack).
def goe_batch(m=200_000, k=7):
    a = rng.standard_normal((m, k, k))
    h = (a + np.swapaxes(a, 1, 2)) / np.sqrt(2)
    return (np.linalg.eigvalsh(h)[:, 0] > 0).sum()


out["goe_samples_per_second"] = 200_000 / timeit(goe_batch, min_time=1.0, warmup=1, min_runs=3)
json.dump(out, sys.stdout)
