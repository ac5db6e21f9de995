#!/usr/bin/env python3
"""Writes update-steps.json: several gradient-descent steps of a tiny two-layer network with
momentum and L2 weight decay, computed here from docs/derivation.md in plain Python (no code shared
with the C# library). Run once; the output is committed and read by UpdateStepTests.

    python3 make_fixture.py > update-steps.json
"""
import json
import math

X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.8], [0.1, -0.3]]   # N = 4 samples, D = 2 (sample-major)
labels = [0, 2, 1, 2]                                         # C = 3 classes
A0 = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.25]]                  # H = 3 rows of D
a0 = [0.05, -0.1, 0.2]
B0 = [[0.2, -0.3, 0.5], [-0.4, 0.1, 0.3], [0.6, 0.2, -0.1]]   # C = 3 rows of H
b0 = [0.1, 0.0, -0.2]
ETA, MU, LAMBDA, STEPS = 0.5, 0.9, 0.1, 4


def f(kind, z):
    return math.tanh(z) if kind == "tanh" else z


def fprime(kind, z):
    return 1 - math.tanh(z) ** 2 if kind == "tanh" else 1.0


def loss_and_gradient(kind, A, a, B, b):
    N, H, C, D = len(X), len(A), len(B), len(X[0])
    dA = [[0.0] * D for _ in range(H)]
    dB = [[0.0] * H for _ in range(C)]
    da, db = [0.0] * H, [0.0] * C
    total = 0.0
    for x, label in zip(X, labels):
        z = [a[i] + sum(A[i][d] * x[d] for d in range(D)) for i in range(H)]
        h = [f(kind, v) for v in z]
        s = [b[j] + sum(B[j][i] * h[i] for i in range(H)) for j in range(C)]
        e = [math.exp(v) for v in s]
        p = [v / sum(e) for v in e]
        y = [1.0 if k == label else 0.0 for k in range(C)]
        total += -math.log(p[label])
        ds = [(p[k] - y[k]) / N for k in range(C)]
        for j in range(C):
            db[j] += ds[j]
            for i in range(H):
                dB[j][i] += ds[j] * h[i]
        for i in range(H):
            dz = sum(ds[j] * B[j][i] for j in range(C)) * fprime(kind, z[i])
            da[i] += dz
            for d in range(D):
                dA[i][d] += dz * x[d]
    return total / N, dA, da, dB, db


def run(kind):
    A = [r[:] for r in A0]; a = a0[:]; B = [r[:] for r in B0]; b = b0[:]
    vA = [[0.0] * len(r) for r in A]; va = [0.0] * len(a)
    vB = [[0.0] * len(r) for r in B]; vb = [0.0] * len(b)
    steps = []
    for _ in range(STEPS):
        L, dA, da, dB, db = loss_and_gradient(kind, A, a, B, b)
        # Eq. 15: L2 on the weights only. Eq. 16: v <- mu v + g, theta <- theta - eta v.
        for W, V, G in ((A, vA, dA), (B, vB, dB)):
            for r in range(len(W)):
                for c in range(len(W[r])):
                    V[r][c] = MU * V[r][c] + (G[r][c] + LAMBDA * W[r][c])
                    W[r][c] -= ETA * V[r][c]
        for w, v, g in ((a, va, da), (b, vb, db)):
            for i in range(len(w)):
                v[i] = MU * v[i] + g[i]
                w[i] -= ETA * v[i]
        steps.append({"loss_before": L, "A": [r[:] for r in A], "a": a[:], "B": [r[:] for r in B], "b": b[:]})
    return {"activation": kind, "steps": steps}


print(json.dumps({
    "eta": ETA, "mu": MU, "lambda": LAMBDA, "X": X, "labels": labels,
    "A": A0, "a": a0, "B": B0, "b": b0,
    "runs": [run("identity"), run("tanh")],
}, indent=1))
