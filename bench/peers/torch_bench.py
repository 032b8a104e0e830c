"""PyTorch peer for `npm run bench`: MLP loss+gradient and a 2-variable function's gradient.

Prints one JSON document. Threads are set by the first argument (default 1).
"""
import json
import sys

import torch

from timing import timeit

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)


g = torch.Generator().manual_seed(0)
out = {"torch": torch.__version__, "threads": threads}

# MLP 784-256-10, batch 1024, float32: loss and gradient.
x = torch.randn(1024, 784, generator=g)
y = torch.randint(0, 10, (1024,), generator=g)
w1 = (torch.randn(784, 256, generator=g) * (2 / 784) ** 0.5).requires_grad_()
b1 = torch.zeros(256, requires_grad=True)
w2 = (torch.randn(256, 10, generator=g) * (2 / 256) ** 0.5).requires_grad_()
b2 = torch.zeros(10, requires_grad=True)
params = [w1, b1, w2, b2]


def mlp_loss():
    return torch.nn.functional.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, y)


def mlp_grad():
    loss = mlp_loss()
    return torch.autograd.grad(loss, params)


out["mlp_grad_seconds"] = timeit(mlp_grad)

# Hessian-vector product of the same loss (double backward) vs its gradient.
vs = [torch.randn(p.shape, generator=g) for p in params]


def mlp_hvp():
    loss = mlp_loss()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((gr * v).sum() for gr, v in zip(grads, vs))
    return torch.autograd.grad(dot, params)


out["mlp_hvp_seconds"] = timeit(mlp_hvp)

# Gradient of Rosenbrock at a point, float64 scalars.
xy = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)


def rosen_grad():
    a, b = xy[0], xy[1]
    f = (1 - a) ** 2 + 100 * (b - a * a) ** 2
    return torch.autograd.grad(f, [xy])


out["tiny_grad_seconds"] = timeit(rosen_grad, min_time=1.0)


# Gradient and Hessian of Himmelblau's function at a point (as `saddle derive` computes them).
def himmelblau(v):
    return (v[0] ** 2 + v[1] - 11) ** 2 + (v[0] + v[1] ** 2 - 7) ** 2


hp = torch.tensor([-0.7, 1.3], dtype=torch.float64)


def himmelblau_grad_hessian():
    v = hp.clone().requires_grad_()
    (g,) = torch.autograd.grad(himmelblau(v), [v])
    return g, torch.autograd.functional.hessian(himmelblau, hp)


out["expr_grad_hessian_seconds"] = timeit(himmelblau_grad_hessian, min_time=1.0)


# Optimiser steps (gradient + update): Adam and SGD with momentum, on Rosenbrock (2 parameters) and
# on a 10^5-parameter quadratic 0.5·Σ dᵢ xᵢ².
def optimizer_steps(make, fn, x0, n=200):
    x = x0.clone().requires_grad_()
    opt = make([x])

    def run():
        for _ in range(n):
            opt.zero_grad()
            fn(x).backward()
            opt.step()
    return timeit(run, min_time=1.0) / n


def rosen_vec(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


d = torch.linspace(0.5, 2.0, 100000, dtype=torch.float64)


def quad(x):
    return 0.5 * (d * x * x).sum()


for name, make in {"adam": lambda p: torch.optim.Adam(p, lr=1e-3), "sgd": lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9)}.items():
    out[f"optim_{name}_rosenbrock_seconds"] = optimizer_steps(make, rosen_vec, torch.tensor([-1.2, 1.0], dtype=torch.float64))
    out[f"optim_{name}_quadratic_seconds"] = optimizer_steps(make, quad, torch.ones(100000, dtype=torch.float64), n=20)

# One MNIST-sized epoch: 8,000 images of 784 float32 pixels, 784-128-10 ReLU MLP, batch 128, Adam 1e-3,
# a fresh shuffle, row gathering, forward, backward and the optimiser step per batch (as saddle's
# trainClassifier does). Timing does not depend on the pixel values, so uniform noise stands in.
xm = torch.rand(8000, 784, generator=g)
ym = torch.randint(0, 10, (8000,), generator=g)
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def mnist_epoch():
    perm = torch.randperm(8000, generator=g)
    for i in range(0, 8000, 128):
        idx = perm[i:i + 128]
        loss = torch.nn.functional.cross_entropy(model(xm[idx]), ym[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


out["mnist_epoch_seconds"] = timeit(mnist_epoch, min_time=2)
json.dump(out, sys.stdout)
