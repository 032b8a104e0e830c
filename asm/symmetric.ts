// WASM SIMD kernel for the symmetric eigenproblem: Householder reduction to tridiagonal form (the
// reduction half of EISPACK tred2) on W = Vᵀ, so that every inner loop — a symmetric
// matrix-vector product, a rank-2 update — walks contiguous memory in f64x2 lanes. The TypeScript
// reference is tridiagonalize in src/linalg/eigh.ts; both compute the same operations in the same
// order up to the pairing of the two SIMD lanes in sums.

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

// The inner loops are functions of their own, not inlined (Binaryen keeps functions with loops):
// V8 runs a WASM function in its baseline compiler until it has been called enough to be
// optimised, so a loop nest inside one long call would never be; these are called n² times.

/** Symmetric matrix-vector step: returns Σ_{k=lo}^{hi-1} w_k d_k and does e_k += w_k f. */
function symvRow(row: usize, d: usize, e: usize, f: f64, lo: i32, hi: i32): f64 {
  const fv = f64x2.splat(f);
  let gv = f64x2.splat(0);
  let k = lo;
  for (; k + 1 < hi; k += 2) {
    const w = v128.load(at(row, k));
    gv = f64x2.add(gv, f64x2.mul(w, v128.load(at(d, k))));
    v128.store(at(e, k), f64x2.add(v128.load(at(e, k)), f64x2.mul(w, fv)));
  }
  let g = f64x2.extract_lane(gv, 0) + f64x2.extract_lane(gv, 1);
  for (; k < hi; k++) {
    const w = load<f64>(at(row, k));
    g += w * load<f64>(at(d, k));
    store<f64>(at(e, k), load<f64>(at(e, k)) + w * f);
  }
  return g;
}

/** Rank-2 update of a row segment: w_k −= f e_k + g d_k. */
function syr2Row(row: usize, d: usize, e: usize, f: f64, g: f64, lo: i32, hi: i32): void {
  const fv = f64x2.splat(f);
  const gv = f64x2.splat(g);
  let k = lo;
  for (; k + 1 < hi; k += 2) {
    const upd = f64x2.add(f64x2.mul(fv, v128.load(at(e, k))), f64x2.mul(gv, v128.load(at(d, k))));
    v128.store(at(row, k), f64x2.sub(v128.load(at(row, k)), upd));
  }
  for (; k < hi; k++) store<f64>(at(row, k), load<f64>(at(row, k)) - (f * load<f64>(at(e, k)) + g * load<f64>(at(d, k))));
}

export function tridiagonalize(W: usize, n: i32, d: usize, e: usize): void {
  for (let j = 0; j < n; j++) store<f64>(at(d, j), load<f64>(at(W, j * n + n - 1)));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(load<f64>(at(d, k)));
    if (scale == 0) {
      store<f64>(at(e, i), load<f64>(at(d, i - 1)));
      for (let j = 0; j < i; j++) {
        store<f64>(at(d, j), load<f64>(at(W, j * n + i - 1)));
        store<f64>(at(W, j * n + i), 0);
        store<f64>(at(W, i * n + j), 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = load<f64>(at(d, k)) / scale;
        store<f64>(at(d, k), v);
        h += v * v;
      }
      let f = load<f64>(at(d, i - 1));
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      store<f64>(at(e, i), scale * g);
      h -= f * g;
      store<f64>(at(d, i - 1), f - g);
      for (let j = 0; j < i; j++) store<f64>(at(e, j), 0);
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        store<f64>(at(W, i * n + j), f);
        const row = at(W, j * n);
        g = load<f64>(at(e, j)) + load<f64>(at(row, j)) * f;
        // Symmetric matrix-vector product over the lower triangle: g += Σ w_k d_k; e_k += w_k f.
        g += symvRow(row, d, e, f, j + 1, i);
        store<f64>(at(e, j), g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const v = load<f64>(at(e, j)) / h;
        store<f64>(at(e, j), v);
        f += v * load<f64>(at(d, j));
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) store<f64>(at(e, j), load<f64>(at(e, j)) - hh * load<f64>(at(d, j)));
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        g = load<f64>(at(e, j));
        const row = at(W, j * n);
        syr2Row(row, d, e, f, g, j, i);
        store<f64>(at(d, j), load<f64>(at(row, i - 1)));
        store<f64>(at(row, i), 0);
      }
    }
    store<f64>(at(d, i), h);
  }
}
