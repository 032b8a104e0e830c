"""PyTorch peer of bench/memory.mjs: peak RSS of one epoch of a 784-1024-1024-10 ReLU MLP (1.86M parameters,
float32) on 8,000 rows of 784 numbers, batch 128, Adam, one thread, then the loss and accuracy over the training
rows and 256 test rows (as saddle's trainClassifier reports them every epoch). Prints one JSON document."""
import json
import resource
import sys
import time

import torch

torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
x = torch.rand(8000, 784, generator=g)
y = torch.randint(0, 10, (8000,), generator=g)
model = torch.nn.Sequential(
    torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 10)
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
perm = torch.randperm(8000, generator=g)
for i in range(0, 8000, 128):
    idx = perm[i:i + 128]
    loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    for rows in (x, x[:256]):
        logits = model(rows)
        labels = y[: rows.shape[0]]
        torch.nn.functional.cross_entropy(logits, labels).item()
        (logits.argmax(1) == labels).float().mean().item()
json.dump(
    {
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_training_mb": before,
        "seconds": time.perf_counter() - started,
        "torch": torch.__version__,
    },
    sys.stdout,
)
