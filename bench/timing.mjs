// The benchmarks' timer (Node and the browser alike): the median of repeated runs after warm-up,
// at least `minMs` milliseconds and `minRuns` runs in all. Returns milliseconds.
export function medianMs(fn, minMs = 500, minRuns = 5, warmup = 2) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  let total = 0;
  while (total < minMs || times.length < minRuns) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
