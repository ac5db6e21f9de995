#!/usr/bin/env python3
"""Single optimizer steps on a tiny network, computed with torch.optim, for the reference's Adam,
AdamW and Nesterov members (src/IrisNet/Reference/Adam.cs, Nesterov.cs).

Made once with torch (Debian's python3-torch, 1.13) and committed as steps.json; the test
tests/IrisNet.Tests/Reference/TorchStepTests.cs runs the reference on the same network and data and
compares every step's weights and optimizer state. CI has no torch and never runs this script:

    /usr/bin/python3 tests/IrisNet.Tests/Fixtures/optimizer-steps/make_steps.py

The network is IrisNet's two-layer one, h = tanh(A x + a), s = B h + b, with D = 2 inputs, H = 3 hidden
units and C = 2 classes, on N = 4 rows; the loss is the mean cross-entropy (F.cross_entropy, mean), the
gradients torch's autograd. Weight decay (L2 for Adam and SGD, the decoupled decay for AdamW) applies to
A and B only: two parameter groups, the biases' without decay.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))

X = [[0.5, -1.25], [1.5, 0.25], [-0.75, 0.5], [0.1, 2.0]]
LABELS = [0, 1, 1, 0]
A0 = [[0.4, -0.3], [0.25, 0.6], [-0.5, 0.15]]
a0 = [0.05, -0.1, 0.2]
B0 = [[0.3, -0.45, 0.6], [-0.2, 0.35, 0.1]]
b0 = [0.01, -0.02]
STEPS = 4

CASES = [
    {"name": "adam", "optimizer": "adam", "lr": 0.05, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6, "l2": 0.0},
    {"name": "adam-l2", "optimizer": "adam", "lr": 0.05, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8,
     "l2": 0.01},
    {"name": "adamw", "optimizer": "adamw", "lr": 0.05, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8,
     "weight_decay": 0.1},
    {"name": "nesterov", "optimizer": "nesterov", "lr": 0.1, "momentum": 0.9, "l2": 0.01},
]


def tensors(p):
    return {"A": p[0].tolist(), "a": p[1].tolist(), "B": p[2].tolist(), "b": p[3].tolist()}


def run(case):
    A = torch.tensor(A0, requires_grad=True)
    a = torch.tensor(a0, requires_grad=True)
    B = torch.tensor(B0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(LABELS)
    lr = case["lr"]
    kind = case["optimizer"]
    if kind == "nesterov":
        groups = [{"params": [A, B], "weight_decay": case["l2"]}, {"params": [a, b], "weight_decay": 0.0}]
        opt = torch.optim.SGD(groups, lr=lr, momentum=case["momentum"], nesterov=True, foreach=False)
    else:
        decay = case.get("weight_decay", 0.0) if kind == "adamw" else case["l2"]
        groups = [{"params": [A, B], "weight_decay": decay}, {"params": [a, b], "weight_decay": 0.0}]
        make = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
        opt = make(groups, lr=lr, betas=(case["beta1"], case["beta2"]), eps=case["epsilon"], foreach=False)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(torch.tanh(Xt @ A.T + a) @ B.T + b, yt)
        loss.backward()
        opt.step()
        params = [A, a, B, b]
        step = {"loss": loss.item(), "weights": tensors([p.detach() for p in params])}
        if kind == "nesterov":
            step["v"] = tensors([opt.state[p]["momentum_buffer"] for p in params])
        else:
            step["m"] = tensors([opt.state[p]["exp_avg"] for p in params])
            step["r"] = tensors([opt.state[p]["exp_avg_sq"] for p in params])
        steps.append(step)
    return dict(case, steps=steps)


def main():
    out = {
        "made_with": "torch " + torch.__version__ + ", make_steps.py",
        "X": X, "labels": LABELS, "classes": 2, "activation": "tanh",
        "initial": {"A": A0, "a": a0, "B": B0, "b": b0},
        "cases": [run(c) for c in CASES],
    }
    with open(os.path.join(HERE, "steps.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
