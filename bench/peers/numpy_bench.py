"""numpy/LAPACK peer for `npm run bench`: matmul GFLOP/s and eigh seconds on one thread.

Prints one JSON document. Run with OPENBLAS_NUM_THREADS=1 (the orchestrator sets it).
"""
import json
import sys
import time

import numpy as np


def timeit(fn, min_time=0.5):
    fn()
    times = []
    total = 0.0
    while total < min_time or len(times) < 3:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
    return sorted(times)[len(times) // 2]


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
