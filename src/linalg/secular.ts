// The rank-one update D + ρ z zᵀ of a diagonal matrix (Golub 1973; Bunch, Nielsen & Sorensen 1978): with
// d strictly ascending, ρ > 0 and ‖z‖ ≤ 1, its eigenvalues are the roots of the secular equation
//   f(λ) = 1/ρ + Σⱼ zⱼ² / (dⱼ − λ) = 0,
// one in each (dᵢ, dᵢ₊₁) and the last in (d_{k−1}, d_{k−1} + ρ]. As LAPACK's dlaed4 (Li 1993, "Solving
// secular equations stably and efficiently"), each root is sought as an offset τ from the nearer pole of its
// interval, so that every dⱼ − λ = (dⱼ − d_origin) − τ is known to full relative accuracy: the eigenvectors
// are built from exactly these differences (loewnerVectors), recomputed from (origin, τ) rather than stored.
// This is the reference of the WASM kernel secularUpdate (asm/symmetric.ts): sums are taken in two
// interleaved lanes, as its f64x2 loops do, so the two agree bit for bit.
const U = 2 ** -53; // unit roundoff

/**
 * The root in (lo, hi) of qa·x² − qb·x + qc = 0, or NaN when neither root is there. The two roots are taken
 * as q/(2qa) and 2qc/q with q = qb ± √(qb² − 4qa·qc) signed as qb, so neither suffers cancellation; a
 * slightly negative discriminant is rounding and taken by its magnitude, as dlaed4 does.
 */
function rootInside(qa: number, qb: number, qc: number, lo: number, hi: number): number {
  const disc = Math.sqrt(Math.abs(qb * qb - 4 * qa * qc));
  const q = qb >= 0 ? qb + disc : qb - disc;
  const x1 = q !== 0 ? (2 * qc) / q : NaN;
  const x2 = qa !== 0 ? q / (2 * qa) : NaN;
  const in1 = x1 > lo && x1 < hi;
  const in2 = x2 > lo && x2 < hi;
  if (in1 && in2) return Math.abs(x1) <= Math.abs(x2) ? x1 : x2;
  return in1 ? x1 : in2 ? x2 : NaN;
}

/** ψ, ψ′, φ, φ′ and Σ|partial sums| of the last evaluate() call (one buffer, no allocation per call). */
const sums = new Float64Array(5);

/**
 * The terms zⱼ²/δⱼ of f at λ = d₀ + τ, δⱼ = (dⱼ − d₀) − τ: those with j < left into ψ (from the far end),
 * those with j ≥ right into φ (from the far end), with their slopes and Σ|partial sums|, which bounds the
 * rounding error of the sums (dlaed4's erretm). The origin's term, between them, is the caller's. Terms
 * alternate between two lanes (j even, j odd from the start of the pair), as in the WASM kernel.
 */
function evaluate(d: Float64Array, z: Float64Array, k: number, d0: number, tau: number, left: number, right: number) {
  let p0 = 0, p1 = 0, q0 = 0, q1 = 0, a0 = 0, a1 = 0; // prettier-ignore
  let j = 0;
  for (; j + 1 < left; j += 2) {
    const t0 = z[j] / (d[j] - d0 - tau);
    const t1 = z[j + 1] / (d[j + 1] - d0 - tau);
    p0 += z[j] * t0;
    p1 += z[j + 1] * t1;
    q0 += t0 * t0;
    q1 += t1 * t1;
    a0 += Math.abs(p0);
    a1 += Math.abs(p1);
  }
  let psi = p0 + p1;
  let dpsi = q0 + q1;
  let partial = a0 + a1;
  if (j < left) {
    const t = z[j] / (d[j] - d0 - tau);
    psi += z[j] * t;
    dpsi += t * t;
    partial += Math.abs(psi);
  }
  p0 = p1 = q0 = q1 = a0 = a1 = 0;
  for (j = k - 2; j >= right; j -= 2) {
    const t0 = z[j] / (d[j] - d0 - tau);
    const t1 = z[j + 1] / (d[j + 1] - d0 - tau);
    p0 += z[j] * t0;
    p1 += z[j + 1] * t1;
    q0 += t0 * t0;
    q1 += t1 * t1;
    a0 += Math.abs(p0);
    a1 += Math.abs(p1);
  }
  let phi = p0 + p1;
  let dphi = q0 + q1;
  partial += a0 + a1;
  if (j + 1 === right) {
    const t = z[right] / (d[right] - d0 - tau);
    phi += z[right] * t;
    dphi += t * t;
    partial += Math.abs(phi);
  }
  sums[0] = psi;
  sums[1] = dpsi;
  sums[2] = phi;
  sums[3] = dphi;
  sums[4] = partial;
}

/**
 * The i-th root (0-based, ascending) of the secular equation of (d, z, ρ) of order k, as d[origins[i]] + taus[i].
 *
 * a < b are the poles next to the root (the last root lies right of both). The start is the root of the
 * two-pole model c + z_a²/(d_a − λ) + z_b²/(d_b − λ) whose constant c matches f at the interval's middle;
 * the sign of f there also says which pole is nearer (f increases between poles) and gives the bracket.
 * Each step is Li's "middle way": the poles left of the root (ψ) and right of it (φ) are each replaced by
 * the rational c + s/(d − λ) with pole d_a resp. d_b that matches their value and slope at the current λ;
 * that model's root is the next iterate. It converges quadratically from either side; a step that heads
 * the wrong way or leaves the bracket is replaced by Newton's or by bisection, so it always ends.
 */
export function secularRoot(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  i: number,
  origins: Int32Array,
  taus: Float64Array,
): number {
  if (k === 1) {
    origins[0] = 0;
    taus[0] = rho * z[0] * z[0];
    return d[0] + taus[0];
  }
  const last = i === k - 1;
  const a = last ? k - 2 : i;
  const b = a + 1;
  const width = last ? rho : d[b] - d[a];
  const half = width / 2;
  // f at the middle, and c there without the two nearest poles; the bracket [lo, hi] is relative to origin.
  const base = d[last ? b : a];
  evaluate(d, z, k, base, half, a, b + 1);
  const c = 1 / rho + sums[0] + sums[2];
  const f = c + (z[a] * z[a]) / (d[a] - base - half) + (z[b] * z[b]) / (d[b] - base - half);
  const origin = last || f <= 0 ? b : a;
  let lo = last ? (f > 0 ? 0 : half) : f > 0 ? 0 : -half;
  let hi = last ? (f > 0 ? half : width) : f > 0 ? half : 0;
  const d0 = d[origin];
  // The model's root: c τ² − (c(pa + pb) + za² + zb²) τ + (c·pa·pb + za²·pb + zb²·pa) = 0, pa or pb being 0.
  const pa = d[a] - d0;
  const pb = d[b] - d0;
  const za2 = z[a] * z[a];
  const zb2 = z[b] * z[b];
  let tau = rootInside(c, c * (pa + pb) + za2 + zb2, c * pa * pb + za2 * pb + zb2 * pa, lo, hi);
  if (Number.isNaN(tau)) tau = (lo + hi) / 2;
  // The terms of f left of the root but the origin's are j < left, right of it j ≥ right; the origin's apart.
  const left = origin === a ? a : b;
  const right = origin === b ? b + 1 : b;
  const zo = z[origin];
  for (let iteration = 0; ; iteration++) {
    evaluate(d, z, k, d0, tau, left, right);
    let dpsi = sums[1];
    let dphi = sums[3];
    const to = zo / -tau;
    const own = zo * to;
    if (origin === a) dpsi += to * to;
    else dphi += to * to;
    const f = 1 / rho + sums[0] + sums[2] + own;
    const bound = 8 * (sums[2] - sums[0]) + sums[4] + 2 / rho + 3 * Math.abs(own) + Math.abs(tau) * (dpsi + dphi);
    if (Math.abs(f) <= U * bound || iteration === 100 || hi - lo <= 4 * U * Math.abs(tau)) break;
    if (f < 0) lo = Math.max(lo, tau);
    else hi = Math.min(hi, tau);
    const da = pa - tau;
    const db = pb - tau;
    let eta = rootInside(
      f - da * dpsi - db * dphi,
      (da + db) * f - da * db * (dpsi + dphi),
      da * db * f,
      lo - tau,
      hi - tau,
    );
    if (Number.isNaN(eta) || eta * f >= 0) eta = -f / (dpsi + dphi);
    if (!(tau + eta > lo && tau + eta < hi)) eta = ((f < 0 ? hi : lo) - tau) / 2;
    tau += eta;
  }
  origins[i] = origin;
  taus[i] = tau;
  return d0 + tau;
}

/**
 * Eigenvectors of D + ρ z zᵀ from its roots λⱼ = d[origins[j]] + taus[j], by Löwner's formula (Gu & Eisenstat
 * 1995; LAPACK dlaed3): the ẑ for which the computed roots are the exact eigenvalues,
 * ẑᵢ² = −Πⱼ (dᵢ − λⱼ) / Π_{j≠i} (dᵢ − dⱼ) (up to the factor ρ, which normalisation removes), then
 * uⱼ ∝ (dᵢ − λⱼ)⁻¹ ẑᵢ. The vectors are orthogonal to working accuracy however close the roots, which z itself
 * would not give. Every dᵢ − λⱼ is (dᵢ − d[origins[j]]) − taus[j]. Component i of vector j goes to
 * out[row[i]·k + j], so the caller chooses the order of the rows.
 */
export function loewnerVectors(
  d: Float64Array,
  z: Float64Array,
  k: number,
  origins: Int32Array,
  taus: Float64Array,
  out: Float64Array,
  row: Int32Array,
): void {
  const zhat = new Float64Array(k);
  for (let i = 0; i < k; i++) zhat[i] = d[i] - d[origins[i]] - taus[i];
  for (let j = 0; j < k; j++) {
    const oj = d[origins[j]];
    const tj = taus[j];
    const dj = d[j];
    for (let i = 0; i < k; i++) if (i !== j) zhat[i] *= (d[i] - oj - tj) / (d[i] - dj);
  }
  for (let i = 0; i < k; i++) zhat[i] = (z[i] > 0 ? 1 : z[i] < 0 ? -1 : 0) * Math.sqrt(Math.max(-zhat[i], 0));
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const oj = d[origins[j]];
    const tj = taus[j];
    let s0 = 0;
    let s1 = 0;
    let i = 0;
    for (; i + 1 < k; i += 2) {
      const u0 = zhat[i] / (d[i] - oj - tj);
      const u1 = zhat[i + 1] / (d[i + 1] - oj - tj);
      s0 += u0 * u0;
      s1 += u1 * u1;
    }
    let ss = s0 + s1;
    if (i < k) {
      const u = zhat[i] / (d[i] - oj - tj);
      ss += u * u;
    }
    scale[j] = 1 / Math.sqrt(ss);
  }
  const oj = Float64Array.from(origins, (o) => d[o]);
  for (let i = 0; i < k; i++) {
    const at = row[i] * k;
    const di = d[i];
    const zi = zhat[i];
    for (let j = 0; j < k; j++) out[at + j] = (zi / (di - oj[j] - taus[j])) * scale[j];
  }
}

/**
 * All eigenpairs of D + ρ z zᵀ: returns the roots (ascending) and writes component i of eigenvector j to
 * U[row[i]·k + j] (the reference of the WASM kernel mergeUpdate's first half).
 */
export function rankOneUpdate(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  row: Int32Array,
  U: Float64Array,
) {
  const lambda = new Float64Array(k);
  const origins = new Int32Array(k);
  const taus = new Float64Array(k);
  for (let j = 0; j < k; j++) lambda[j] = secularRoot(d, z, rho, k, j, origins, taus);
  loewnerVectors(d, z, k, origins, taus, U, row);
  return lambda;
}
