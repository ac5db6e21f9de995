#!/usr/bin/env python3
"""A hand-written numpy version of IrisNet's network that records its steps for `irisnet diff`:
as NumPy arrays in one .npz (one np.savez at the end), or in the JSON trace format (docs/trace-format.md).

    python3 my_backprop.py --data ../../data/iris.csv --out mine.npz
    python3 my_backprop.py --data ../../data/iris.csv --diagonal-softmax --out wrong.npz
    irisnet diff mine.npz
    python3 my_backprop.py --data ../../data/iris.csv --out mine.json      # the same trace as JSON

Sample-major like most code: X is N x D (row n = sample n), A is H x D, B is C x H.
--diagonal-softmax keeps only the diagonal of the softmax Jacobian, a common mistake.
"""
import argparse, csv, json
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--hidden", type=int, default=8)
p.add_argument("--activation", choices=["identity", "tanh", "relu"], default="tanh")
p.add_argument("--lr", type=float, default=0.1)
p.add_argument("--momentum", type=float, default=0.0)
p.add_argument("--steps", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--diagonal-softmax", action="store_true")
p.add_argument("--out", required=True)
args = p.parse_args()

with open(args.data, newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], [r for r in rows[1:] if r]
raw = np.array([[float(v) for v in r[:-1]] for r in rows])
classes = sorted({r[-1] for r in rows})
labels = np.array([classes.index(r[-1]) for r in rows])
X = (raw - raw.mean(axis=0)) / raw.std(axis=0)           # z-score, population standard deviation
N, D, C, H = X.shape[0], X.shape[1], len(classes), args.hidden
Y = np.eye(C)[labels]                                     # one-hot, N x C

rng = np.random.default_rng(args.seed)
A = rng.uniform(-1, 1, (H, D)) * np.sqrt(6 / (D + H)); a = np.zeros(H)
B = rng.uniform(-1, 1, (C, H)) * np.sqrt(6 / (H + C)); b = np.zeros(C)
initial = {"A": A.copy(), "a": a.copy(), "B": B.copy(), "b": b.copy()}
f = {"identity": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[args.activation]
df = {"identity": lambda z, h: np.ones_like(z), "tanh": lambda z, h: 1 - h * h, "relu": lambda z, h: (z > 0) * 1.0}[args.activation]
v = {k: np.zeros_like(w) for k, w in initial.items()}

steps = []                                                # each step: quantity name -> array
for step in range(1, args.steps + 1):
    Z = X @ A.T + a                                       # (1)
    Hh = f(Z)                                             # (2)
    S = Hh @ B.T + b                                      # (3)
    E = np.exp(S - S.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)                  # (4)
    L = -np.mean(np.sum(Y * np.log(P), axis=1))           # (5)
    if args.diagonal_softmax:
        dS = -Y * (1 - P) / N                             # WRONG: only dp_r/ds_r = p_r (1 - p_r)
    else:
        dS = (P - Y) / N                                  # (7)
    dB = dS.T @ Hh; db = dS.sum(axis=0)                   # (8), (12)
    dH = dS @ B                                           # (9)
    dZ = dH * df(Z, Hh)                                   # (10)
    dA = dZ.T @ X; da = dZ.sum(axis=0)                    # (11), (12)
    q = {"X": X, "Y": Y, "Z": Z, "H": Hh, "S": S, "Yhat": P, "L": L, "dS": dS, "dB": dB, "db": db,
         "dH": dH, "dZ": dZ, "dA": dA, "da": da}
    for name, w, g in (("A", A, dA), ("a", a, da), ("B", B, dB), ("b", b, db)):
        v[name] = args.momentum * v[name] + g             # (16)
        w -= args.lr * v[name]
        q["v" + name] = v[name].copy()
        q[name + "_after"] = w.copy()
    steps.append(q)

if args.out.endswith(".npz"):
    # Every quantity under its name, step k's as "step{k}/name" (docs/trace-format.md).
    np.savez(args.out, activation=args.activation, lr=args.lr, momentum=args.momentum, X=X, labels=labels,
             features=header[:-1], classes=classes, **{"initial/" + k: w for k, w in initial.items()},
             **{f"step{k}/{name}": value for k, q in enumerate(steps, 1) for name, value in q.items()})
else:
    equation = {"X": 1, "Y": 5, "Z": 1, "H": 2, "S": 3, "Yhat": 4, "L": 5, "dS": 7, "dB": 8, "db": 12, "dH": 9,
                "dZ": 10, "dA": 11, "da": 12, "A": 1, "a": 1, "B": 3, "b": 3}

    def entry(name, value):
        value = np.asarray(value, dtype=float)
        return {"equation": equation.get(name, 16), "shape": list(value.shape), "value": value.tolist()}

    trace = {"format": "irisnet-trace", "version": 1, "layout": "sample-major",
             "network": {"activation": args.activation, "bias": True, "D": D, "H": H, "C": C},
             "options": {"lr": args.lr, "momentum": args.momentum, "l2": 0, "batch_size": 0, "steps": args.steps},
             "data": {"source": args.data.split("/")[-1], "features": header[:-1], "classes": classes,
                      "X": X.tolist(), "labels": labels.tolist()},
             "initial": {k: entry(k, w) for k, w in initial.items()},
             "steps": [{"step": k, **{name: entry(name, value) for name, value in q.items()}}
                       for k, q in enumerate(steps, 1)]}
    with open(args.out, "w") as out:
        json.dump(trace, out)
print(f"wrote {args.out}: {args.steps} step(s), N = {N}, L at step 1 = {steps[0]['L']:.6f}")
