#!/usr/bin/env python3
"""Predicts with a model exported by `irisnet export --format npz`, in numpy alone:

    irisnet export --model runs/<run>/model.json --out model.npz
    python3 predict_with_numpy.py model.npz 5.1,3.5,1.4,0.2 6.3,2.5,4.9,1.5

prints, for each row of raw features, the predicted class and every class probability, the numbers
`irisnet predict` prints. The network is docs/derivation.md's (1)-(4): s = B f(A x' + a) + b, softmax.
"""
import sys
import numpy as np

m = np.load(sys.argv[1])
f = {"identity": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[str(m["activation"])]
a = m["a"] if "a" in m.files else 0                       # a model trained with --bias false has no a, b
b = m["b"] if "b" in m.files else 0
x = np.array([[float(v) for v in row.split(",")] for row in sys.argv[2:]])
x = ((x - m["mean"]) / m["scale"]).astype(m["A"].dtype)   # x' = (x - mu) / sigma in float64, then the model's precision
s = f(x @ m["A"].T + a) @ m["B"].T + b                    # s = B f(A x' + a) + b
p = np.exp(s - s.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)                         # softmax
print("row  class       " + "  ".join(f"p({c})" for c in m["classes"]))
for n, row in enumerate(p, 1):
    cells = [f"{v:.6f}".rjust(len(c) + 3) for v, c in zip(row, m["classes"])]
    print(f"{n:<4} {m['classes'][row.argmax()]:<11} " + "  ".join(cells))
