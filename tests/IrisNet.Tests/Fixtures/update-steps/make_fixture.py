#!/usr/bin/env python3
"""Writes update-steps.json: several gradient-descent steps of a tiny two-layer network with
momentum and L2 weight decay, computed here from docs/derivation.md in plain Python (no code shared
with the C# library): for each step the loss before it, the gradient g with its L2 term (Eq. 15),
the velocity v and the change -eta v (Eq. 16), and the weights after it. Four runs: the identity and
tanh with biases, momentum and L2; ReLU without biases; the identity without momentum (plain
gradient descent). Run once; the output is committed and read by UpdateStepTests and TraceTests.

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
    return math.tanh(z) if kind == "tanh" else max(0.0, z) if kind == "relu" else z


def fprime(kind, z):
    return 1 - math.tanh(z) ** 2 if kind == "tanh" else (1.0 if z > 0 else 0.0) if kind == "relu" else 1.0


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


def run(kind, bias=True, mu=MU, lam=LAMBDA):
    A = [r[:] for r in A0]; B = [r[:] for r in B0]
    a = a0[:] if bias else [0.0] * len(a0)
    b = b0[:] if bias else [0.0] * len(b0)
    vA = [[0.0] * len(r) for r in A]; va = [0.0] * len(a)
    vB = [[0.0] * len(r) for r in B]; vb = [0.0] * len(b)
    steps = []
    for _ in range(STEPS):
        L, dA, da, dB, db = loss_and_gradient(kind, A, a, B, b)
        g, delta = {}, {}
        # Eq. 15: L2 on the weights only. Eq. 16: v <- mu v + g, theta <- theta - eta v.
        for name, W, V, G in (("A", A, vA, dA), ("B", B, vB, dB)):
            g[name] = [[G[r][c] + lam * W[r][c] for c in range(len(W[r]))] for r in range(len(W))]
            for r in range(len(W)):
                for c in range(len(W[r])):
                    V[r][c] = mu * V[r][c] + g[name][r][c]
                    W[r][c] -= ETA * V[r][c]
            delta[name] = [[-ETA * v for v in row] for row in V]
        if bias:
            for name, w, v, gr in (("a", a, va, da), ("b", b, vb, db)):
                g[name] = gr[:]
                for i in range(len(w)):
                    v[i] = mu * v[i] + gr[i]
                    w[i] -= ETA * v[i]
                delta[name] = [-ETA * x for x in v]
        step = {"loss_before": L, "A": [r[:] for r in A], "B": [r[:] for r in B],
                "g": g, "v": {"A": [r[:] for r in vA], "B": [r[:] for r in vB]}, "delta": delta}
        if bias:
            step["a"], step["b"] = a[:], b[:]
            step["v"]["a"], step["v"]["b"] = va[:], vb[:]
        steps.append(step)
    return {"activation": kind, "bias": bias, "eta": ETA, "mu": mu, "lambda": lam, "steps": steps}


print(json.dumps({
    "eta": ETA, "mu": MU, "lambda": LAMBDA, "X": X, "labels": labels,
    "A": A0, "a": a0, "B": B0, "b": b0,
    "runs": [run("identity"), run("tanh"), run("relu", bias=False), run("identity", mu=0.0)],
}, indent=1))
