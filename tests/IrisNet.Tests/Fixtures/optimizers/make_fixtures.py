#!/usr/bin/env python3
"""Loss curves of IrisNet's optimizers and learning-rate schedules, computed with torch.optim.

Made once with torch (Debian's python3-torch, 1.13) and committed as optimizers.json; the tests
(tests/IrisNet.Tests/Training/OptimizerFixtureTests.cs) train the same runs with IrisNet and compare.
CI has no torch and never runs this script. Run it from the repository root:

    /usr/bin/python3 tests/IrisNet.Tests/Fixtures/optimizers/make_fixtures.py

Everything IrisNet draws at random is rebuilt here from docs/derivation.md section 10 (SplitMix64,
the streams, Fisher-Yates, the stratified split, z-score standardization, Glorot-uniform weights,
the mini-batch order), not read from IrisNet, so the fixtures are independent of the C# code. The
network and its gradients are torch's (float64, autograd, F.cross_entropy); each optimizer is
torch.optim's, each schedule torch.optim.lr_scheduler's, stepped once per epoch. Weight decay (L2 or
AdamW's decoupled decay) applies to A and B only, as in IrisNet: two parameter groups.
"""
import csv
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
MASK = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))


class SplitMix64:
    def __init__(self, seed, purpose):
        self.state = (seed ^ (purpose * 0xD1B54A32D192ED03)) & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * (1.0 / (1 << 53))

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = int(self.uniform() * (i + 1))
            items[i], items[j] = items[j], items[i]


INIT, SPLIT, SHUFFLE, VALIDATION = 1, 2, 3, 5


def round_half_away(x):
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def stratified(labels, classes, fraction, seed, purpose):
    """Indices kept and held out, both in their original order (derivation section 10, step 1)."""
    rng = SplitMix64(seed, purpose)
    held = set()
    for c in range(classes):
        members = [n for n, y in enumerate(labels) if y == c]
        take = round_half_away(len(members) * fraction)
        rng.shuffle(members)
        held.update(members[:take])
    kept = [n for n in range(len(labels)) if n not in held]
    return kept, sorted(held)


def load_iris():
    with open(os.path.join(ROOT, "data", "iris.csv"), newline="") as f:
        rows = list(csv.reader(f))[1:]
    names = []
    for r in rows:
        if r[-1] not in names:
            names.append(r[-1])
    X = [[float(v) for v in r[:-1]] for r in rows]
    y = [names.index(r[-1]) for r in rows]
    return X, y, len(names)


def standardize(X_train):
    N, D = len(X_train), len(X_train[0])
    mean, scale = [], []
    for d in range(D):
        s = 0.0
        for n in range(N):
            s += X_train[n][d]
        mu = s / N
        q = 0.0
        for n in range(N):
            q += (X_train[n][d] - mu) ** 2
        sd = math.sqrt(q / N)
        mean.append(mu)
        scale.append(sd if sd != 0 else 1.0)
    return mean, scale


def initial_weights(D, H, C, seed):
    rng = SplitMix64(seed, INIT)
    rA, rB = math.sqrt(6.0 / (D + H)), math.sqrt(6.0 / (H + C))
    A = [[(2 * rng.uniform() - 1) * rA for _ in range(D)] for _ in range(H)]
    B = [[(2 * rng.uniform() - 1) * rB for _ in range(H)] for _ in range(C)]
    return A, B


def make_optimizer(case, weights, biases):
    opt = case.get("optimizer", "sgd")
    lr = case["lr"]
    l2 = case.get("l2", 0.0)
    if opt in ("sgd", "nesterov"):
        groups = [{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
        return torch.optim.SGD(groups, lr=lr, momentum=case.get("momentum", 0.0), nesterov=opt == "nesterov", foreach=False)
    betas = (case.get("beta1", 0.9), case.get("beta2", 0.999))
    eps = case.get("epsilon", 1e-8)
    if opt == "adam":
        groups = [{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
        return torch.optim.Adam(groups, lr=lr, betas=betas, eps=eps, foreach=False)
    wd = case.get("weight_decay", 0.01)
    groups = [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps, foreach=False)


def make_scheduler(case, opt, epochs):
    kind = case.get("lr_schedule", "constant")
    warmup = case.get("warmup_epochs", 0)
    sched = torch.optim.lr_scheduler
    if kind == "plateau":
        return sched.ReduceLROnPlateau(opt, mode="min", factor=case.get("plateau_factor", 0.1),
                                       patience=case.get("plateau_patience", 10), threshold=case.get("plateau_threshold", 1e-4),
                                       threshold_mode="rel", cooldown=case.get("plateau_cooldown", 0), min_lr=case.get("lr_min", 0.0))
    warm = sched.LinearLR(opt, start_factor=case.get("warmup_start_factor", 1.0 / 3), end_factor=1.0, total_iters=warmup) if warmup else None
    if kind == "step":
        main = sched.StepLR(opt, step_size=case["lr_step_size"], gamma=case.get("lr_gamma", 0.1))
    elif kind == "exponential":
        main = sched.ExponentialLR(opt, gamma=case["lr_gamma"])
    elif kind == "cosine":
        main = sched.CosineAnnealingLR(opt, T_max=case.get("lr_t_max", 0) or epochs - warmup, eta_min=case.get("lr_min", 0.0))
    else:
        main = sched.ConstantLR(opt, factor=1.0, total_iters=0)
    return sched.SequentialLR(opt, [warm, main], milestones=[warmup]) if warm else main


def run(case):
    X, y, C = load_iris()
    seed = case.get("seed", 42)
    epochs = case["epochs"]
    kept, test = stratified(y, C, case.get("test_fraction", 0.2), seed, SPLIT)
    train_rows = [X[n] for n in kept]
    train_labels = [y[n] for n in kept]
    val = []
    if case.get("validation_fraction", 0):
        fit_i, val_i = stratified(train_labels, C, case["validation_fraction"], seed, VALIDATION)
        val = [train_rows[i] for i in val_i], [train_labels[i] for i in val_i]
        train_rows, train_labels = [train_rows[i] for i in fit_i], [train_labels[i] for i in fit_i]
    mean, scale = standardize(train_rows)

    def tensor(rows):
        return torch.tensor([[(v - mean[d]) / scale[d] for d, v in enumerate(r)] for r in rows])

    Xt, yt = tensor(train_rows), torch.tensor(train_labels)
    Xv, yv = (tensor(val[0]), torch.tensor(val[1])) if val else (None, None)
    N, D, H = len(train_rows), len(train_rows[0]), case.get("hidden", 16)
    A0, B0 = initial_weights(D, H, C, seed)
    A = torch.tensor(A0, requires_grad=True)
    B = torch.tensor(B0, requires_grad=True)
    a = torch.zeros(H, requires_grad=True)
    b = torch.zeros(C, requires_grad=True)
    f = torch.tanh if case.get("activation") == "tanh" else (lambda z: z)

    def logits(Xs):
        return f(Xs @ A.T + a) @ B.T + b

    opt = make_optimizer(case, [A, B], [a, b])
    scheduler = make_scheduler(case, opt, epochs)
    plateau = case.get("lr_schedule") == "plateau"
    batch = case.get("batch_size", 0) or N
    order = list(range(N))
    shuffle = SplitMix64(seed, SHUFFLE)
    train_loss, val_loss, rates = [], [], []
    for epoch in range(1, epochs + 1):
        if Xv is not None:
            with torch.no_grad():
                v = F.cross_entropy(logits(Xv), yv, reduction="sum").item() / len(yv)
            val_loss.append(v)
            if plateau and epoch > 1:
                scheduler.step(v)  # the validation loss after the previous epoch's updates
        rate = opt.param_groups[0]["lr"]
        assert rate == opt.param_groups[1]["lr"]
        rates.append(rate)
        if batch < N:
            shuffle.shuffle(order)
        total = 0.0
        for start in range(0, N, batch):
            rows = order[start:start + batch] if batch < N else order
            opt.zero_grad()
            s = logits(Xt[rows])
            loss_sum = F.cross_entropy(s, yt[rows], reduction="sum")
            (loss_sum / len(rows)).backward()
            opt.step()
            total += loss_sum.item()
        train_loss.append(total / N)
        if not plateau:
            scheduler.step()
    return {"train_loss": train_loss, "lr": rates, **({"validation_loss": val_loss} if val else {})}


CASES = [
    {"name": "sgd-momentum-l2-minibatch", "lr": 0.1, "momentum": 0.9, "l2": 1e-4, "batch_size": 16},
    {"name": "nesterov-l2-minibatch", "optimizer": "nesterov", "lr": 0.05, "momentum": 0.9, "l2": 1e-4, "batch_size": 16},
    {"name": "nesterov-full-batch", "optimizer": "nesterov", "lr": 0.1, "momentum": 0.5},
    {"name": "adam-full-batch", "optimizer": "adam", "lr": 0.01},
    {"name": "adam-l2-betas-minibatch", "optimizer": "adam", "lr": 0.005, "l2": 1e-3, "beta1": 0.8, "beta2": 0.99,
     "epsilon": 1e-7, "batch_size": 32},
    {"name": "adamw-minibatch", "optimizer": "adamw", "lr": 0.01, "weight_decay": 0.05, "batch_size": 16},
    {"name": "sgd-step", "lr": 0.5, "momentum": 0.5, "lr_schedule": "step", "lr_step_size": 200, "lr_gamma": 0.5},
    {"name": "adam-exponential-minibatch", "optimizer": "adam", "lr": 0.02, "lr_schedule": "exponential", "lr_gamma": 0.997,
     "batch_size": 16},
    {"name": "adamw-cosine-warmup", "optimizer": "adamw", "lr": 0.02, "weight_decay": 0.01, "lr_schedule": "cosine",
     "lr_min": 1e-4, "warmup_epochs": 50, "warmup_start_factor": 0.1},
    {"name": "sgd-plateau-minibatch", "lr": 0.05, "momentum": 0.9, "lr_schedule": "plateau", "validation_fraction": 0.2,
     "plateau_patience": 20, "plateau_factor": 0.5, "plateau_cooldown": 5, "lr_min": 1e-4, "batch_size": 16},
    {"name": "adam-tanh-step-warmup-minibatch", "optimizer": "adam", "lr": 0.01, "activation": "tanh", "lr_schedule": "step",
     "lr_step_size": 100, "lr_gamma": 0.7, "warmup_epochs": 20, "batch_size": 10},
]


def main():
    out = []
    for case in CASES:
        case = {"epochs": 1000, **case}
        curves = run(case)
        print(f"{case['name']}: final train loss {curves['train_loss'][-1]:.6g}, lr {curves['lr'][-1]:.6g}", file=sys.stderr)
        out.append({"case": case, **curves})
    document = {"made_with": f"torch {torch.__version__}", "cases": out}
    with open(os.path.join(HERE, "optimizers.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
