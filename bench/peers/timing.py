"""The peers' timer: the median of repeated runs after warm-up, at least min_time seconds in all."""
import time


def timeit(fn, min_time=0.5, warmup=3, min_runs=5):
    for _ in range(warmup):
        fn()
    times = []
    total = 0.0
    while total < min_time or len(times) < min_runs:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
    return sorted(times)[len(times) // 2]
