"""Writes the report fixtures: a small sweep directory in the shape docs/report.md defines (leaderboard.csv,
folds.csv, summary.json) and a train run whose metrics.csv has the learning-rate column (lr). The curves
are made-up smooth decays, not training results: the tests read the files back and compare what the page
shows with them. Run from this folder: python3 make_fixtures.py"""
import json
import math
import os

CONFIGS = [  # config id, hidden, lr, activation, held-out accuracy mean, its SD, loss mean, its SD, fit seconds
    ("c1", 8, 0.1, "tanh", 0.96, 0.0211, 0.0912, 0.0304, 1.25),
    ("c2", 16, 0.05, "identity", 0.9733, 0.0149, 0.0751, 0.0222, 1.5),
    ("c3", 4, 0.5, "relu", 0.9, 0.0471, 0.2814, 0.0912, 0.75),
]
EPOCHS, FOLDS = 40, 3


def r(x):
    return repr(float(x))


os.makedirs("sweep", exist_ok=True)
ranked = sorted(CONFIGS, key=lambda c: -c[4])
with open("sweep/leaderboard.csv", "w", newline="\n") as f:
    f.write("rank,config,hidden,lr,activation,heldout_accuracy_mean,heldout_accuracy_sd,heldout_loss_mean,"
            "heldout_loss_sd,fit_seconds\n")
    for rank, c in enumerate(ranked, 1):
        f.write(f"{rank},{c[0]},{c[1]},{c[2]},{c[3]},{c[4]},{c[5]},{c[6]},{c[7]},{c[8]}\n")
with open("sweep/folds.csv", "w", newline="\n") as f:
    f.write("config,repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy\n")
    for n, c in enumerate(CONFIGS):
        for fold in range(1, FOLDS + 1):
            for e in range(1, EPOCHS + 1):
                decay = math.exp(-e / (6 + 3 * n + fold))
                train = 0.05 + 1.05 * decay + 0.002 * fold
                held = c[6] + 1.0 * decay + 0.01 * math.sin(e + fold)
                f.write(f"{c[0]},1,{fold},{e},{r(train)},{r(min(1, 0.35 + 0.6 * (1 - decay)))},{r(held)},"
                        f"{r(min(1, 0.3 + (c[4] - 0.3) * (1 - decay)))}\n")
with open("sweep/summary.json", "w") as f:
    json.dump({"command": "sweep", "status": "completed",
               "options": {"epochs": EPOCHS, "seed": 42, "folds": FOLDS, "repeats": 1},
               "data": {"file": "iris.csv (bundled)", "rows": 150, "label": "species"}}, f, indent=2)
    f.write("\n")

os.makedirs("lr-run", exist_ok=True)
with open("lr-run/metrics.csv", "w", newline="\n") as f:
    f.write("epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr\n")
    for e in range(1, 61):
        lr = 0.001 + 0.5 * (0.1 - 0.001) * (1 + math.cos(math.pi * (e - 1) / 60))  # cosine annealing
        f.write(f"{e},{r(0.05 + math.exp(-e / 9))},{r(min(1, 0.4 + e / 80))},{r(0.07 + math.exp(-e / 10))},"
                f"{r(min(1, 0.35 + e / 75))},{r(lr)}\n")
