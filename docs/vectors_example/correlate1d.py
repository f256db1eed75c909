"""A stand-in for an implementation in another language: 1-D cross-correlation with loops.

It uses only the Python standard library (json, math, os, sys), as a C or Rust program
would use its own JSON reader: it reads the JSON form of the conformance vectors of
``correlate`` that are 1-D with a single group, computes them, and writes its outputs
as JSON where ``convspec vectors verify`` looks for them. Other cases (2-D, 3-D, groups)
get no result file, so verify reports them as missing: with ``--allow-missing`` they are
counted apart, neither passed nor failed (without it, missing cases fail).

    convspec vectors export --ops correlate --out vectors/
    python docs/vectors_example/correlate1d.py vectors/ results/
    convspec vectors verify vectors/ --results results/ --allow-missing
"""

import json
import math
import os
import sys


def read_array(path):
    """A JSON array file: {"dtype", "shape", "values"}; values flat, row-major; "nan"/"inf"/"-inf" strings."""
    with open(path) as handle:
        data = json.load(handle)
    values = [float(v) if isinstance(v, str) else v for v in data["values"]]  # float("nan"), float("-inf")
    return data["dtype"], data["shape"], values


def write_array(path, dtype, shape, values):
    def encode(v):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v  # json writes repr(v): the shortest decimal that reads back to the same double

    with open(path, "w") as handle:
        json.dump({"dtype": dtype, "shape": shape, "values": [encode(v) for v in values]}, handle)


def one(value):
    """A stride or dilation: an int, or a list of one int per spatial axis (one axis here)."""
    return value[0] if isinstance(value, list) else value


def resolve_padding(padding, n, k, s, d):
    """(lo, hi) of one axis, by the spec's rule (spec/conventions.py)."""
    span = d * (k - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding in ("same", "same_lower"):
        out = -(-n // s)  # ceil(n / s) windows
        total = max((out - 1) * s + span - n, 0)  # the least padding that fits them
        small, large = total // 2, total - total // 2
        return (small, large) if padding == "same" else (large, small)  # "same": the extra zero high
    if padding == "full":
        return span - 1, span - 1
    if isinstance(padding, int):
        return padding, padding
    (entry,) = padding  # one entry per spatial axis: an int (both sides) or [lo, hi]
    return (entry, entry) if isinstance(entry, int) else (entry[0], entry[1])


def correlate1d(x, x_shape, w, w_shape, bias, stride, padding, dilation):
    batch, channels, n = x_shape
    out_channels, w_channels, k = w_shape
    assert w_channels == channels  # a single group
    lo, hi = resolve_padding(padding, n, k, stride, dilation)
    length = (n + lo + hi - dilation * (k - 1) - 1) // stride + 1
    y = []
    for b in range(batch):
        for o in range(out_channels):
            for t in range(length):
                total = 0.0 if bias is None else bias[o]
                for c in range(channels):
                    for j in range(k):
                        i = t * stride - lo + dilation * j  # the input position of tap j; padding reads zero
                        if 0 <= i < n:
                            total += x[(b * channels + c) * n + i] * w[(o * channels + c) * k + j]
                y.append(total)
    return [batch, out_channels, length], y


def main(vectors, results):
    with open(os.path.join(vectors, "manifest.json")) as handle:
        manifest = json.load(handle)
    done = skipped = 0
    for entry in manifest["cases"]:
        if entry["op"] != "correlate":
            continue
        folder = os.path.join(vectors, entry["path"])
        with open(os.path.join(folder, "case.json")) as handle:
            case = json.load(handle)
        params = case["params"]
        files = {item["name"]: item["file"] for item in case["inputs"]}
        dtype, x_shape, x = read_array(os.path.join(folder, files["x"] + ".json"))
        if len(x_shape) != 3 or params.get("groups", 1) != 1:
            skipped += 1  # not handled: no result file, verify reports the case as missing
            continue
        _, w_shape, w = read_array(os.path.join(folder, files["weight"] + ".json"))
        bias = None if files["bias"] is None else read_array(os.path.join(folder, files["bias"] + ".json"))[2]
        shape, y = correlate1d(
            x, x_shape, w, w_shape, bias,
            one(params.get("stride", 1)), params.get("padding", 0), one(params.get("dilation", 1)),
        )
        out = os.path.join(results, entry["path"])
        os.makedirs(out, exist_ok=True)
        # computed in double; verify rounds the values to the declared dtype when it reads them
        write_array(os.path.join(out, "output_0.json"), dtype, shape, y)
        done += 1
    print(f"correlate1d: wrote {done} results, skipped {skipped} cases (not 1-D single-group)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: correlate1d.py VECTORS_DIR RESULTS_DIR")
    main(sys.argv[1], sys.argv[2])
