"""The sweep benchmark's peer: a 21x21 filter-normalised slice of the same 784-256-10 MLP on the same 2,000 digits in
PyTorch, one process (loss-landscape's loop without MPI): 441 full-batch loss and accuracy evaluations.

Run by bench/sweep.mjs: /usr/bin/python3 torch_slice.py params.safetensors digits.f32 labels.f32 rows threads
Prints JSON: {"seconds": …, "points": 441}.
"""
import json
import struct
import sys
import time

import numpy as np
import torch


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dtype = {"F32": np.float32, "F64": np.float64}[info["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a : 8 + n + b], dtype=dtype).reshape(info["shape"]).copy())
    return out


params_path, digits, labels, rows, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
state = read_safetensors(params_path)
x = torch.from_numpy(np.fromfile(digits, dtype=np.float32).reshape(rows, 784))
y = torch.from_numpy(np.fromfile(labels, dtype=np.float32)).long()
names = sorted(state)
weights = [state[k] for k in names]


def direction():
    d = [torch.randn_like(w) for w in weights]
    for di, w in zip(d, weights):
        if di.dim() <= 1:
            di.zero_()  # biases stay (--xignore biasbn)
        else:
            for dr, wr in zip(di, w):  # each output row (torch [out, in])
                dr.mul_(wr.norm() / (dr.norm() + 1e-10))
    return d


dx, dy = direction(), direction()
axis = torch.linspace(-1, 1, 21)
net = dict(zip(names, weights))
started = time.perf_counter()
with torch.no_grad():
    for b in axis:
        for a in axis:
            p = {k: w + a * u + b * v for k, w, u, v in zip(names, weights, dx, dy)}
            h = torch.relu(x @ p["0.weight"].T + p["0.bias"])
            z = h @ p["2.weight"].T + p["2.bias"]
            loss = torch.nn.functional.cross_entropy(z, y).item()
            acc = (z.argmax(1) == y).float().mean().item()
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "points": 441}))
