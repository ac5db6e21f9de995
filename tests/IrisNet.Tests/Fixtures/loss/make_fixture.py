#!/usr/bin/env python3
"""Writes losses.json: logits s (C = 2..8 classes), the observed class k, and the exact cross-entropy
l = -ln softmax(s)_k = ln(1 + sum_{j != k} exp(s_j - s_k)) of those logits, computed here with Python's
decimal module at 50 significant digits (more where 1 + t needs them), from the exact binary values of
the float64 logits and, separately, of the logits rounded to float32. No code is shared with the C#
library. Run once; the output is committed and read by LossTests.

    python3 make_fixture.py > losses.json

Each exact value is written as a pair of float64 numbers, hi = the nearest float64 and lo = the nearest
float64 to (exact - hi), so a test can measure an error far below one unit in the last place of hi.
"""
import decimal
import json
import math
import random
import struct
from decimal import Decimal

decimal.getcontext().prec = 50
decimal.getcontext().Emin = -9999999
decimal.getcontext().Emax = 9999999


def exact_loss(s, k):
    """ln(1 + t), t = sum_{j != k} exp(s_j - s_k), to about 50 significant digits."""
    sk = Decimal(s[k])
    t = sum((Decimal(v) - sk).exp() for j, v in enumerate(s) if j != k)
    if t == 0:
        return Decimal(0)
    # 1 + t must hold t's leading 50 digits: enough precision for both.
    digits = 60 + max(0, -t.adjusted())
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        value = (1 + t).ln()
    return +value  # rounded back to 50 digits


def pair(value):
    """(hi, lo): hi the float64 nearest value, lo the float64 nearest value - hi."""
    hi = float(value)
    lo = float(value - Decimal(hi)) if math.isfinite(hi) else 0.0
    return hi, lo


def float32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


def case(s, k, what):
    entry = {"what": what, "s": s, "k": k}
    hi, lo = pair(exact_loss(s, k))
    entry["loss"] = [hi, lo]
    s32 = [float32(v) if abs(v) < 3.4e38 else None for v in s]
    if all(v is not None and math.isfinite(v) for v in s32):
        hi32, lo32 = pair(exact_loss(s32, k))
        entry["loss32"] = [hi32, lo32]
    return entry


rng = random.Random(20250101)
cases = []
for C in range(2, 9):
    for trial in range(12):
        # Confident: the observed class ahead of every other by a margin up to 45.
        k = rng.randrange(C)
        base = rng.uniform(-20, 20)
        s = [base - rng.uniform(0.5, 45) for _ in range(C)]
        s[k] = base
        cases.append(case(s, k, "confident"))
        # Unconfident or wrong: logits close together, the observed class anywhere.
        s = [rng.uniform(-3, 3) for _ in range(C)]
        cases.append(case(s, rng.randrange(C), "unconfident"))
        # Another class first by a wide margin.
        s = [rng.uniform(-30, 30) for _ in range(C)]
        k = min(range(C), key=lambda j: s[j])
        cases.append(case(s, k, "wrong"))
    # Ties: all equal; the observed class tied for first; two others tied for first.
    cases.append(case([1.25] * C, C - 1, "all tied"))
    s = [rng.uniform(-5, 0) for _ in range(C)]
    s[0] = s[C - 1] = 2.5
    cases.append(case(s, C - 1, "observed tied for first"))
    cases.append(case(s, 0, "observed first of a tie"))
    if C > 2:
        cases.append(case(s, 1, "behind a tie"))
    # Extreme: +-700, huge spreads, logits near the underflow of exp, large logits with small gaps.
    cases.append(case([700.0] + [-700.0] * (C - 1), 0, "+700 against -700"))
    cases.append(case([-700.0] + [700.0] * (C - 1), 0, "-700 against +700"))
    cases.append(case([0.0] + [-700.0 - j for j in range(C - 1)], 0, "exp(-700) terms"))
    cases.append(case([0.3] + [-707.9 - 0.1 * j for j in range(C - 1)], 0, "near the float64 underflow"))
    cases.append(case([1e6] + [-1e6 + j for j in range(C - 1)], C - 1, "spread 2e6, observed last"))
    cases.append(case([1e15 + 0.25 * j for j in range(C)], C - 1, "1e15 with gaps of 1/4"))
    cases.append(case([1e-300 * (j + 1) for j in range(C)], 0, "tiny logits"))
    cases.append(case([-36.7] * (C - 1) + [0.0], C - 1, "e^-36.7 terms (l near 1e-16)"))
    cases.append(case([10.0 - 30 * j for j in range(C)], 0, "one class ahead by 30, the others further"))

# A confident sample of a trained model: the logits `irisnet explain --sample 1` prints for the model of
# the default `irisnet train` (1000 epochs, seed 42), l about 2.2e-4.
iris = [16.26648473874685, 7.848422690362628, -24.89587385669127]
cases.append(case(iris, 0, "trained Iris model, sample 1"))

print(json.dumps({"cases": cases}, indent=1))
