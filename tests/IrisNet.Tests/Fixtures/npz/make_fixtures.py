#!/usr/bin/env python3
"""Writes the NumPy fixtures of tests/IrisNet.Tests/Interop with numpy itself, so IrisNet's .npy/.npz
reader and writer are tested against the real format (CI runs no Python; the outputs are committed).

    cd tests/IrisNet.Tests/Fixtures/npz
    irisnet export --model model-float64.json --out irisnet-export-float64.npz   # optional, checked below
    irisnet export --model model-float32.json --out irisnet-export-float32.npz
    python3 make_fixtures.py

Written here (Debian bookworm's python3-numpy 1.24.2 made the committed files):
- dtypes.npz (np.savez) and dtypes-compressed.npz (np.savez_compressed, deflated): one array per supported
  dtype, little- and big-endian, C and Fortran order, 0-d, empty and unicode; dtypes.json holds each array's
  descr, shape, order and values (floats in Python's shortest round-trip form, so they parse to the same bits).
- savez.npz and savez.json: arrays of the kinds IrisNet writes; IrisNet must write each member byte for byte
  as np.savez wrote it here.
- export-float64.npz, export-float32.npz: the arrays `irisnet export --format npz` documents for the two
  committed models, built here from model-*.json and saved by np.savez; IrisNet's export must match them
  member by member. If irisnet-export-*.npz are present, np.load reads them and every array must equal
  numpy's own (dtype, shape and bits): what IrisNet writes, numpy reads back exactly.
- torch-sequential.npz, torch-fc.npz, torch-nobias.npz (+ torch.json): PyTorch state dicts of
  nn.Sequential(Linear(4, 5), Tanh(), Linear(5, 3)) as `np.savez(f, **{k: v.numpy() ...})` saves them (float32).
- object.npz: an object array (dtype '|O', pickled): IrisNet must refuse it without unpickling.
- numpy-iris*.npz, numpy-fruit*.npz: docs/examples/my_backprop.py's traces as .npz, the twins of
  ../trace/*.json; numpy-iris-dtypes.npz is numpy-iris.npz stored otherwise (int32 labels, big-endian X,
  a Fortran-ordered initial/A, a big-endian Fortran-ordered step1/dB, big-endian int64 step2/batch), every
  value unchanged, so diff must judge it exactly as it judges numpy-iris.json.
The irisnet_version array is IrisNet's version when the fixtures were made (0.1.0); the tests compare it by value.
"""
import hashlib, io, json, os, subprocess, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
os.chdir(here)


def describe(a):
    a = np.asarray(a)
    if a.dtype.kind == "U":
        values = [str(v) for v in a.ravel(order="C")]
    elif a.dtype.kind == "f":
        values = [float(v) for v in a.ravel(order="C")]
    else:
        values = [int(v) for v in a.ravel(order="C")]
    return {"descr": a.dtype.str, "shape": list(a.shape), "fortran": bool(np.isfortran(a) and a.ndim > 1),
            "values": values}


# 1. Every supported dtype, as np.savez writes it.
rng = np.random.default_rng(29)
m = rng.standard_normal((3, 4)) * 10.0 ** rng.integers(-5, 6, (3, 4))
dtypes = {
    "f8": m,
    "f4": m.astype("<f4"),
    "f8_big": m.astype(">f8"),
    "f4_big": m.astype(">f4"),
    "f8_fortran": np.asfortranarray(m),
    "f4_fortran_big": np.asfortranarray(m.astype(">f4")),
    "f8_3d_fortran": np.asfortranarray(rng.standard_normal((2, 3, 4))),
    "i8": np.array([0, 1, 2, 1, 0, -7, 2**40], dtype="<i8"),
    "i4": np.array([0, 1, 2, -3], dtype="<i4"),
    "i4_big": np.array([0, 1, 2, -3, 2**30], dtype=">i4"),
    "i8_big": np.array([5, -6, 2**50], dtype=">i8"),
    "i2": np.array([-2, 300], dtype="<i2"),
    "u1": np.array([0, 1, 255], dtype="|u1"),
    "u8": np.array([2**64 - 1], dtype="<u8"),
    "scalar_f8": np.float64(0.1),
    "scalar_i8": np.int64(42),
    "scalar_str": "tanh",
    "empty_f8": np.zeros(0),
    "names": np.array(["sepal_length", "länge", "花", "\U0001d707"]),
    "names_big": np.array(["setosa", "versicolor"]).astype(">U10"),
    "special": np.array([0.0, -0.0, 5e-324, 1.7976931348623157e308, -1.5]),
}
np.savez("dtypes.npz", **dtypes)
np.savez_compressed("dtypes-compressed.npz", **dtypes)
json.dump({k: describe(v) for k, v in dtypes.items()}, open("dtypes.json", "w"), indent=1, ensure_ascii=True)

# 2. Arrays of the kinds IrisNet writes: IrisNet's members must be these bytes.
savez = {
    "matrix_f8": np.arange(12.0).reshape(3, 4) / 7,
    "matrix_f4": (np.arange(6.0).reshape(2, 3) / 3).astype(np.float32),
    "vector_f8": np.linspace(-1, 1, 5),
    "long_vector_f8": np.arange(1234.0),
    "indices": np.arange(150, dtype=np.int64),
    "names": np.array(["sepal_length", "sepal_width", "petal_length", "petal_width"]),
    "one_name": np.array(["x"]),
    "empty_name": np.array([""]),
    "scalar_f8": np.float64(1.0648),
    "scalar_str": "irisnet-trace",
    "scalar_i8": np.int64(1),
    "scalar_u8": np.uint64(2**64 - 1),
    "empty": np.zeros(0),
    "matrix_wide": np.zeros((1, 1000)),
    # 15 axes: the header reaches the next 64 bytes only with numpy's spare spaces for growing axis 0.
    "many_axes": np.full((1,) * 15, 2.5),
}
np.savez("savez.npz", **savez)
json.dump({k: describe(v) for k, v in savez.items()}, open("savez.json", "w"), indent=1, ensure_ascii=True)


# 3. The export of each committed model, as documented (NpzWeights.FromModel), saved by numpy.
def export_arrays(model):
    t = np.float32 if model["precision"] == "float32" else np.float64
    arrays = {"A": np.array(model["A"], dtype=t)}
    if model["bias"]:
        arrays["a"] = np.array(model["a"], dtype=t)
    arrays["B"] = np.array(model["B"], dtype=t)
    if model["bias"]:
        arrays["b"] = np.array(model["b"], dtype=t)
    st = model["standardization"]
    arrays["mean"] = np.array(st["mean"], dtype=np.float64)
    arrays["scale"] = np.array(st["scale"], dtype=np.float64)
    arrays["standardize"] = st["kind"]
    arrays["activation"] = model["activation"]
    arrays["features"] = np.array(model["features"])
    arrays["classes"] = np.array(model["classes"])
    arrays["label"] = model["label"]
    arrays["precision"] = model["precision"]
    arrays["irisnet_version"] = "0.1.0"
    return arrays


checked = {"numpy": np.__version__}
for p in ("float64", "float32"):
    model = json.load(open(f"model-{p}.json"))
    arrays = export_arrays(model)
    np.savez(f"export-{p}.npz", **arrays)
    theirs = f"irisnet-export-{p}.npz"
    if os.path.exists(theirs):
        with np.load(theirs) as z:
            assert list(z.files) == list(arrays), (z.files, list(arrays))
            for k, v in arrays.items():
                v = np.asarray(v)
                assert z[k].dtype == v.dtype and z[k].shape == v.shape and z[k].tobytes() == v.tobytes(), k
        checked[theirs] = hashlib.sha256(open(theirs, "rb").read()).hexdigest()
        print(f"{theirs}: numpy reads every array exactly as numpy's own")
    else:
        print(f"{theirs} is absent: write it with irisnet export to check it")
json.dump(checked, open("irisnet-export-checked.json", "w"), indent=1)

# 4. PyTorch state dicts of nn.Sequential(Linear(4, 5), Tanh(), Linear(5, 3)), saved through numpy (float32).
w = {"A": rng.standard_normal((5, 4)).astype(np.float32), "a": rng.standard_normal(5).astype(np.float32),
     "B": rng.standard_normal((3, 5)).astype(np.float32), "b": rng.standard_normal(3).astype(np.float32)}
np.savez("torch-sequential.npz", **{"0.weight": w["A"], "0.bias": w["a"], "2.weight": w["B"], "2.bias": w["b"]})
np.savez("torch-fc.npz", **{"fc1.weight": w["A"], "fc1.bias": w["a"], "fc2.weight": w["B"], "fc2.bias": w["b"]})
np.savez("torch-nobias.npz", **{"0.weight": w["A"], "2.weight": w["B"]})
json.dump({k: describe(v) for k, v in w.items()}, open("torch.json", "w"), indent=1)

# 5. An object array: np.savez pickles it; IrisNet must refuse it.
np.savez("object.npz", names=np.array(["setosa", 1, None], dtype=object))

# 6. The walk-through's traces as .npz (the twins of ../trace/*.json), and one stored in other dtypes.
script = os.path.join(root, "docs", "examples", "my_backprop.py")
iris, fruit = os.path.join(root, "data", "iris.csv"), os.path.join(root, "docs", "examples", "fruit.csv")
for out, extra in (("numpy-iris.npz", ["--data", iris, "--hidden", "4"]),
                   ("numpy-iris-diagonal.npz", ["--data", iris, "--hidden", "4", "--diagonal-softmax"]),
                   ("numpy-fruit.npz", ["--data", fruit, "--hidden", "5", "--momentum", "0.9", "--steps", "3"]),
                   ("numpy-fruit-diagonal.npz", ["--data", fruit, "--hidden", "5", "--momentum", "0.9", "--steps", "3",
                                                 "--diagonal-softmax"])):
    subprocess.run([sys.executable, script, *extra, "--out", out], check=True)
with np.load("numpy-iris.npz") as z:
    t = {k: z[k] for k in z.files}
t["labels"] = t["labels"].astype("<i4")
t["X"] = t["X"].astype(">f8")
t["initial/A"] = np.asfortranarray(t["initial/A"])
t["step1/dB"] = np.asfortranarray(t["step1/dB"].astype(">f8"))
t["step2/batch"] = np.arange(150, dtype=">i8")
np.savez("numpy-iris-dtypes.npz", **t)
print("wrote the fixtures with numpy", np.__version__)
