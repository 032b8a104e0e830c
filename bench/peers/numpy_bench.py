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
json.dump(out, sys.stdout)
