// The curvature operator v ↦ M v of a loss over a FIXED set of examples, for M the Hessian, the
// generalised Gauss–Newton matrix Jᵀ H_z J or the empirical Fisher (1/N) Σᵢ gᵢ gᵢᵀ, restricted to a
// block of parameters. Products are exact (jvp∘grad for the Hessian; jvp, an output-space product
// and a vjp for the others), never finite differences. Batches are weighted by their size, so a
// short last batch counts as it should: hessian-eigenthings averages batches unweighted (a short last
// batch is over-weighted) and loss-landscape sums them (λ grows with the number of batches).
import { SaddleError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { allocate } from '../core/dtype.js';
import { cast, fromData, grad, hvp, jvp, mul, sum, treeMap, vjp, type Tensor, type Tree } from '../core/index.js';
import type { Dataset } from '../models/index.js';
import { permutation, Rng } from '../random/index.js';
import { blockView, type Block, type BlockView, type Selection } from './blocks.js';
import type { Batch, CurvatureLoss } from './losses.js';

export type CurvatureKind = 'hessian' | 'ggn' | 'fisher';
export const CURVATURE_KINDS: readonly CurvatureKind[] = ['hessian', 'ggn', 'fisher'];

/** The examples: rows of x, with y holding one target (or a row of targets) per example. */
export type Examples = Pick<Dataset, 'x' | 'y'>;

export interface CurvatureOptions<P extends Tree> {
  loss: CurvatureLoss<P>;
  params: P;
  data: Examples;
  /** Rows per batch (default 1000); the last batch may be shorter and is weighted by its size. */
  batchSize?: number;
  kind?: CurvatureKind;
  select?: Selection;
  /** Compute in this dtype (default the parameters'): float32 for networks, float64 for checks. */
  dtype?: DType;
  /** Use a seeded random subset of this many examples (default all, in their order). */
  examples?: number;
  /** Seed for the subset. */
  seed?: number;
}

export interface CurvatureOperator<P extends Tree = Tree> {
  readonly kind: CurvatureKind;
  readonly dtype: DType;
  /** Dimension of the operator: the number of selected parameters. */
  readonly size: number;
  readonly blocks: readonly Block[];
  readonly examples: number;
  readonly batchSize: number;
  readonly batches: number;
  readonly lossName: string;
  readonly lossNormalization: string;
  /** M v, accumulated in float64 over the batches. */
  apply(v: Float64Array): Float64Array;
  /** The loss over the examples (batch-weighted). */
  value(): number;
  /** ∇L over the examples, restricted to the selection. */
  gradient(): Float64Array;
  /** Products M v taken so far. */
  readonly products: number;
  /** The selected parameters, flattened. */
  readonly point: Float64Array;
  /** A flat vector as a parameter tree (zeros outside the selection), e.g. to save an eigenvector. */
  toTree(v: Float64Array): P;
  /** The operator of the same loss and parameters on other examples (e.g. one disjoint batch). */
  restrict(rows: readonly number[]): CurvatureOperator<P>;
}

function castTree<P extends Tree>(tree: P, dtype: DType): P {
  return treeMap((t) => cast(t, dtype), tree);
}

export function curvatureOperator<P extends Tree>(options: CurvatureOptions<P>): CurvatureOperator<P> {
  const { loss } = options;
  const kind = options.kind ?? 'hessian';
  if (!CURVATURE_KINDS.includes(kind))
    throw new SaddleError(`curvature: unknown kind '${kind}'; use ${CURVATURE_KINDS.join(', ')}`);
  if (kind !== 'hessian' && (!loss.outputs || !loss.outputLoss)) {
    throw new SaddleError(
      `curvature: the ${kind === 'ggn' ? 'Gauss–Newton matrix' : 'empirical Fisher'} needs a loss split into ` +
        `outputs and a loss of the outputs; '${loss.name}' has none (use kind 'hessian', or give outputs and ` +
        `outputLoss to customLoss)`,
    );
  }
  const n = options.data.x.shape[0];
  if (options.data.y.shape[0] !== n)
    throw new SaddleError(`curvature: x has ${n} rows but y has ${options.data.y.shape[0]}`);
  let rows: number[];
  if (options.examples === undefined) rows = Array.from({ length: n }, (_, i) => i);
  else {
    const m = options.examples;
    if (!Number.isInteger(m) || m < 1 || m > n)
      throw new SaddleError(`curvature: examples must be an integer from 1 to the ${n} available, got ${m}`);
    if (options.seed === undefined) throw new SaddleError('curvature: a random subset of examples needs a seed');
    rows = permutation(new Rng(options.seed), n).slice(0, m);
  }
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new SaddleError(`curvature: batchSize must be a positive integer, got ${batchSize}`);
  const dtype = options.dtype ?? blockView(options.params).dtype;
  const params = castTree(options.params, dtype);
  const data = { x: cast(options.data.x, dtype), y: cast(options.data.y, dtype) };
  return makeOperator(loss, params, data, rows, batchSize, kind, blockView(params, options.select ?? 'all'));
}

function makeOperator<P extends Tree>(
  loss: CurvatureLoss<P>,
  params: P,
  data: Examples,
  rows: readonly number[],
  batchSize: number,
  kind: CurvatureKind,
  view: BlockView<P>,
): CurvatureOperator<P> {
  const N = rows.length;
  const batches: Batch[] = [];
  for (let start = 0, index = 0; start < N; start += batchSize, index++) {
    const picked = rows.slice(start, start + batchSize);
    batches.push({ x: takeRows(data.x, picked), y: takeRows(data.y, picked), index, total: N });
  }
  const base = view.selected(params);
  const f = (b: Batch) => (leaves: Tensor[]) => loss.value(view.merge(leaves), b);
  const out = (b: Batch) => (leaves: Tensor[]) => loss.outputs!(view.merge(leaves), b);
  let products = 0;

  const product = (b: Batch, v: Tensor[]): Tensor[] => {
    if (kind === 'hessian') return hvp(f(b), base, v);
    // J v by forward mode, the output-space matrix times it, then Jᵀ by reverse mode.
    const [z, Jv] = jvp(out(b), [base], [v]);
    const ell = (zz: Tensor) => loss.outputLoss!(zz, b);
    let w: Tensor;
    if (kind === 'ggn') w = hvp(ell, z, Jv);
    else {
      // Rows of B·∇_z(mean ℓ) are the per-example gradients gᵢ = ∇_z ℓ(zᵢ); (1/B) Σᵢ gᵢ (gᵢ·J v).
      const rowsB = z.shape[0];
      const g = mul(rowsB, grad(ell)(z));
      const axes = Array.from({ length: z.rank - 1 }, (_, i) => i + 1);
      const s = axes.length ? sum(mul(g, Jv), axes, { keepdims: true }) : mul(g, Jv);
      w = mul(1 / rowsB, mul(g, s));
    }
    const [, pullback] = vjp(out(b), base);
    return pullback(w)[0];
  };

  const op: CurvatureOperator<P> = {
    kind,
    dtype: view.dtype,
    size: view.size,
    blocks: view.blocks,
    examples: N,
    batchSize,
    batches: batches.length,
    lossName: loss.name,
    lossNormalization: loss.normalization,
    point: view.point,
    get products() {
      return products;
    },
    apply(v) {
      if (v.length !== view.size)
        throw new SaddleError(`curvature: the vector has ${v.length} entries; the operator acts on ${view.size}`);
      const parts = view.split(v);
      const acc = new Float64Array(view.size);
      for (const b of batches) view.accumulate(acc, product(b, parts), b.x.shape[0] / N);
      products++;
      for (let i = 0; i < acc.length; i++) {
        if (!Number.isFinite(acc[i]))
          throw new SaddleError(
            `curvature: the ${kind} product is not finite (${acc[i]}) at parameter ${describe(view.blocks, i)}; ` +
              `the loss may have overflowed at these parameters`,
          );
      }
      return acc;
    },
    value() {
      let s = 0;
      for (const b of batches) s += (b.x.shape[0] / N) * f(b)(base).item();
      return s;
    },
    gradient() {
      const acc = new Float64Array(view.size);
      for (const b of batches) view.accumulate(acc, grad(f(b))(base), b.x.shape[0] / N);
      return acc;
    },
    toTree: (v) => view.toTree(v),
    restrict: (sub) =>
      makeOperator(
        loss,
        params,
        data,
        sub.map((i) => rows[i]),
        batchSize,
        kind,
        view,
      ),
  };
  return op;
}

function describe(blocks: readonly Block[], i: number): string {
  const b = blocks.find((x) => i >= x.offset && i < x.offset + x.size)!;
  return `${b.name}[${i - b.offset}]`;
}

/** Rows of a tensor whose first axis is the example (any trailing shape). */
function takeRows(t: Tensor, rows: readonly number[]): Tensor {
  const width = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data;
  const out = allocate(t.dtype, rows.length * width);
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return fromData(out, [rows.length, ...t.shape.slice(1)]);
}
