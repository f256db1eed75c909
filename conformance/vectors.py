"""Conformance vectors: the catalog's cases as files, for implementations outside Python.

:func:`export` writes, per operation, cases drawn from the catalog strategy (seeded, so
the same arguments give byte-identical files), every literal worked example of the
catalog (the symbolic ones left out) and a few explicit edge cases. Each case is a
directory ``OP/CASE_ID/`` holding:

* ``case.json``: the operation, the parameters (in the spec's conventions, as JSON),
  the names of the input and output files, the tolerance model;
* one array per input (``x``, ``weight``, ...), per expected output (``output_0``,
  ``output_1``, ...) and per output's bound (``bound_0``, ...: the allowed
  ``|actual - expected|`` of every element; 0 means bit-for-bit), each twice: as
  ``NAME.npy`` and as ``NAME.json`` (``{"dtype", "shape", "values"}``, values flat in
  row-major order, floats written so that they parse back exactly, non-finite values
  as the strings ``"nan"``, ``"inf"``, ``"-inf"``).

``manifest.json`` at the top lists every case with the sha256 of each of its files,
the convspec version, the profile and the seed.

:func:`verify` reads an outside program's results (``RESULTS/OP/CASE_ID/output_K.npy``
or ``.json``, the expected outputs' names) and compares each with the stored bound.
The format is documented for readers in other languages in ``docs/vectors.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

from .case import Case
from .catalog import CATALOG, Operation
from .runner import PROFILES
from .tolerance import Derived, compare

FORMAT = "convspec-vectors"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CASE_FILE = "case.json"
SOURCES = ("drawn", "example", "edge")


class VectorsError(ValueError):
    """A usage error: a missing or damaged vectors directory, a bad option."""


# --------------------------------------------------------------------------- JSON encoding


def array_to_json(array: np.ndarray) -> dict:
    """``{"dtype", "shape", "values"}``: flat row-major values; floats by ``repr`` of their float64 value
    (the shortest decimal that parses back to the same float64, hence to the same float16/32 after
    rounding), non-finite floats as ``"nan"``, ``"inf"``, ``"-inf"``; integers and booleans as JSON
    integers and booleans."""
    array = np.asarray(array)
    flat = array.reshape(-1)
    if array.dtype.kind == "f":
        values = [_float_json(v) for v in flat.astype(np.float64).tolist()]
    elif array.dtype.kind in "iub":
        values = flat.tolist()
    else:
        raise TypeError(f"cannot write an array of dtype {array.dtype} as a conformance vector")
    return {"dtype": str(array.dtype), "shape": [int(n) for n in array.shape], "values": values}


def _float_json(value: float):
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value  # json writes float.__repr__: round-trips exactly, -0.0 included


_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "+inf": math.inf}
_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")


def array_from_json(data: Any) -> np.ndarray:
    """The inverse of :func:`array_to_json`; raises ``ValueError`` on a malformed object.

    Float values are parsed as float64 and then rounded to ``dtype`` (round to nearest even).
    """
    if not isinstance(data, dict) or not {"dtype", "shape", "values"} <= set(data):
        raise ValueError('an array must be a JSON object with "dtype", "shape" and "values"')
    dtype, shape, values = data["dtype"], data["shape"], data["values"]
    if dtype not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r} (one of {', '.join(_DTYPES)})")
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f'"shape" must be a list of non-negative integers, got {shape!r}')
    if not isinstance(values, list):
        raise ValueError('"values" must be a flat list')
    if len(values) != math.prod(shape):
        raise ValueError(f'"values" has {len(values)} elements, the shape {shape} needs {math.prod(shape)}')
    if np.dtype(dtype).kind == "f":
        parsed = []
        for v in values:
            if isinstance(v, str):
                if v.lower() not in _NONFINITE:
                    raise ValueError(f'a float value must be a number or "nan", "inf", "-inf", got {v!r}')
                parsed.append(_NONFINITE[v.lower()])
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                parsed.append(float(v))
            else:
                raise ValueError(f"a float value must be a number or a string, got {v!r}")
        flat = np.array(parsed, dtype=np.float64).astype(dtype)
    elif dtype == "bool":
        if not all(isinstance(v, bool) for v in values):
            raise ValueError("a bool array's values must be true or false")
        flat = np.array(values, dtype=bool)
    else:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError(f"a {dtype} array's values must be integers")
        flat = np.array(values, dtype=np.int64).astype(dtype)
    return flat.reshape(shape)


def params_to_json(value):
    """Parameters as JSON: tuples as lists, a Fraction as ``{"fraction": [numerator, denominator]}``."""
    if isinstance(value, (tuple, list)):
        return [params_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): params_to_json(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"a parameter cannot be {value!r}")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot write parameter value {value!r} as JSON")


def params_from_json(value):
    """The inverse of :func:`params_to_json`: lists back to tuples (the spec's conventions)."""
    if isinstance(value, list):
        return tuple(params_from_json(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"fraction"}:
            numerator, denominator = value["fraction"]
            return Fraction(numerator, denominator)
        return {k: params_from_json(v) for k, v in value.items()}
    return value


def _dumps(data, compact: bool = False) -> bytes:
    if compact:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    else:
        text = json.dumps(data, indent=1, allow_nan=False)
    return (text + "\n").encode()


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the cases


@dataclass
class Vector:
    """One exported case: the call, where it comes from, the expected outputs and their bounds."""

    case: Case
    source: str  # drawn | example | edge
    index: int
    title: str = ""
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.source}-{self.index:03d}"


def draw_cases(operation: Operation, count: int, random_seed: int) -> list[Case]:
    """``count`` cases from the catalog strategy, generated by hypothesis with ``random_seed``
    (generation only: no shrinking, no database, so the same seed gives the same cases),
    duplicates removed."""
    drawn: list[Case] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=False,
        print_blob=False,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.strategy())
    def collect(case: Case) -> None:
        drawn.append(case)

    hypothesis_seed(random_seed)(collect)()
    unique, seen = [], set()
    for case in drawn:
        key = _case_key(case)
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique


def _case_key(case: Case) -> str:
    digest = hashlib.sha256(repr(sorted(case.params.items())).encode())
    for name, array in case.inputs.items():
        digest.update(name.encode())
        if array is None:
            digest.update(b"None")
        else:
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _data_kind(inputs: dict[str, np.ndarray | None]) -> str:
    """"integers" when every floating input holds only integer values (the exact comparison applies)."""
    for array in inputs.values():
        if array is None or array.dtype.kind != "f":
            continue
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)):
            return "floats"
    return "integers"


def example_vectors(operation: Operation) -> list[Vector]:
    """The catalog's literal worked examples (the symbolic, object-dtype ones left out)."""
    vectors = []
    for index, example in enumerate(operation.examples):
        if example.symbolic:
            continue
        inputs = {k: None if v is None else np.asarray(v) for k, v in example.inputs.items()}
        case = Case(operation.name, inputs, dict(example.params), _data_kind(inputs))
        vectors.append(Vector(case, "example", index, example.title, example.note))
    return vectors


def _f(values, dtype="float32"):
    return np.array(values, dtype=dtype)


nan, inf = math.nan, math.inf


def _edge_cases() -> dict[str, list[tuple[str, Case]]]:
    """Explicit edge cases per operation: the configurations where ports go wrong."""
    C = Case
    edges: dict[str, list[tuple[str, Case]]] = {
        "correlate": [
            ("'same', even kernel, 2-D: the extra zero goes high on both axes",
             C("correlate", {"x": _f(np.arange(20).reshape(1, 1, 4, 5)), "weight": _f([[[[1, 2], [3, 4]]]]), "bias": None},
               {"padding": "same"}, "integers")),
            ("'same', stride 3, dilation 2, 1-D",
             C("correlate", {"x": _f(np.arange(1, 11).reshape(1, 1, 10)), "weight": _f([[[1, -2, 3]]]), "bias": _f([0.5])},
               {"stride": 3, "padding": "same", "dilation": 2}, "floats")),
            ("per-side padding ((0, 3),) with stride 2: all the zeros on the high side",
             C("correlate", {"x": _f([[[1, 2, 3, 4, 5]]]), "weight": _f([[[1, 10, 100]]]), "bias": None},
               {"stride": 2, "padding": ((0, 3),)}, "integers")),
            ("'full' with dilation 2 and stride 2",
             C("correlate", {"x": _f([[[1, 2, 3, 4]]]), "weight": _f([[[1, 10]]]), "bias": None},
               {"stride": 2, "padding": "full", "dilation": 2}, "integers")),
            ("a 75-term sum of general float32 data (full mantissas: float32 accuracy is needed)",
             C("correlate", {"x": _f(np.sin(np.arange(3 * 12)).reshape(1, 3, 12)), "weight": _f(np.cos(np.arange(2 * 3 * 5)).reshape(2, 3, 5)),
                             "bias": _f([0.5, -0.5])},
               {"padding": 2}, "floats")),
            ("per-side padding in 2-D, mixed with stride (2, 1), float64",
             C("correlate", {"x": np.arange(12, dtype=np.float64).reshape(1, 1, 3, 4) / 7,
                             "weight": np.array([[[[1.5, -0.25], [2.0, 1 / 3]]]]), "bias": None},
               {"stride": (2, 1), "padding": ((1, 0), (0, 2))}, "floats")),
        ],
        "depthwise_separable": [
            ("'full', 1-D, channel multiplier 2",
             C("depthwise_separable", {"x": _f([[[1, 2, 3], [4, 5, 6]]]), "depthwise_weight": _f([[[1, 2]], [[3, 4]], [[-1, 1]], [[2, 0]]]),
                                       "pointwise_weight": _f([[[1], [2], [3], [4]]]), "bias": None},
               {"padding": "full"}, "integers")),
            ("2-D per-side padding, general float32 data",
             C("depthwise_separable", {"x": _f(np.sin(np.arange(24)).reshape(1, 2, 3, 4)),
                                       "depthwise_weight": _f(np.cos(np.arange(8)).reshape(2, 1, 2, 2)),
                                       "pointwise_weight": _f([[[[0.75]], [[-1.25]]]]), "bias": _f([0.1])},
               {"padding": ((0, 1), (2, 0))}, "floats")),
        ],
        "convolve": [
            ("2-D per-axis padding (0, 2), general float32 data (full mantissas: float32 accuracy is needed)",
             C("convolve", {"x": _f(np.sin(np.arange(30)).reshape(1, 2, 3, 5)), "weight": _f(np.cos(np.arange(12)).reshape(1, 2, 2, 3)),
                            "bias": None},
               {"padding": (0, 2)}, "floats")),
            ("'same', even kernel, 2-D, unsymmetric kernel: the flip and the high extra zero",
             C("convolve", {"x": _f(np.arange(9).reshape(1, 1, 3, 3)), "weight": _f([[[[1, 2], [3, 4]]]]), "bias": None},
               {"padding": "same"}, "integers")),
            ("'full', stride 2, 1-D",
             C("convolve", {"x": _f([[[1, 2, 3, 4, 5]]]), "weight": _f([[[1, 10, 100]]]), "bias": None},
               {"stride": 2, "padding": "full"}, "integers")),
        ],
        "conv_transpose": [
            ("output_padding 2 at stride 3",
             C("conv_transpose", {"x": _f([[[1, 2]]]), "weight": _f([[[1, 10]]]), "bias": _f([1])},
               {"stride": 3, "output_padding": 2}, "integers")),
            ("2-D output_padding (1, 0) with per-side padding",
             C("conv_transpose", {"x": _f(np.arange(1, 5).reshape(1, 1, 2, 2)), "weight": _f([[[[1, 2], [3, 4]]]]), "bias": None},
               {"stride": 2, "padding": ((1, 0), (0, 1)), "output_padding": (1, 0)}, "integers")),
        ],
        "max_pool": [
            ("NaN propagates: every window holding a NaN gives NaN (with indices)",
             C("max_pool", {"x": _f([[[1, nan, 3, 4, nan, nan, -1, 2]]])},
               {"kernel_size": 2, "stride": 2, "return_indices": True}, "floats")),
            ("ties pick the first maximum (with indices)",
             C("max_pool", {"x": _f([[[2, 2, 1, 1, 3, 3]]])},
               {"kernel_size": 2, "stride": 2, "return_indices": True}, "integers")),
            ("ceil mode keeps the last, overhanging window (with indices)",
             C("max_pool", {"x": _f([[[1, 2, 3, 4, 5]]])},
               {"kernel_size": 2, "stride": 2, "ceil_mode": True, "return_indices": True}, "integers")),
            ("-inf never loses to the padding (with indices)",
             C("max_pool", {"x": _f([[[-inf, -inf, -inf]]])},
               {"kernel_size": 2, "stride": 1, "padding": 1, "return_indices": True}, "integers")),
            ("2-D ceil mode, per-side padding, dilation; indices flat over the unpadded plane",
             C("max_pool", {"x": _f(((np.arange(20) * 7) % 11).reshape(1, 1, 4, 5))},
               {"kernel_size": 2, "stride": 2, "padding": ((1, 0), (0, 1)), "dilation": (1, 2),
                "ceil_mode": True, "return_indices": True}, "integers")),
        ],
        "avg_pool": [
            ("ceil mode with divisor_override",
             C("avg_pool", {"x": _f([[[1, 2, 3, 4, 5]]])},
               {"kernel_size": 2, "stride": 2, "ceil_mode": True, "divisor_override": 3}, "integers")),
            ("ceil mode, padding 1, count_include_pad: the overhang past the padding never counts",
             C("avg_pool", {"x": _f([[[1, 2, 3, 4, 5, 6, 7]]])},
               {"kernel_size": 3, "stride": 3, "padding": 1, "ceil_mode": True}, "integers")),
        ],
        "global_max_pool": [
            ("NaN propagates, -inf and inf",
             C("global_max_pool", {"x": _f([[[1, nan, 2], [-inf, -inf, -inf], [inf, 1, 2]]])}, {}, "floats")),
        ],
        "max_unpool": [
            ("2-D, every switch on the same cell: the last pooled position wins",
             C("max_unpool", {"x": _f([[[[1, 2], [3, 4]]]]), "indices": np.zeros((1, 1, 2, 2), dtype=np.int64)},
               {"kernel_size": 2}, "integers")),
        ],
        "relu": [
            ("NaN, infinities and signed zeros",
             C("relu", {"x": _f([[nan, inf, -inf, -0.0, 0.0, -1.5, 2.5]])}, {}, "floats")),
        ],
        "sigmoid": [
            ("NaN, infinities, and values past exp's overflow",
             C("sigmoid", {"x": np.array([[nan, inf, -inf, 800.0, -800.0, 0.0]])}, {}, "floats")),
        ],
        "softmax": [
            ("a -inf logit gives 0",
             C("softmax", {"x": _f([[-inf, 0.0, 1.0]])}, {"axis": -1}, "floats")),
        ],
    }
    from .strategies_upsample import ROUNDING_BOUNDARIES

    boundaries = []
    for mode, n, params in ROUNDING_BOUNDARIES:
        x = _f(np.arange(1, n + 1).reshape(1, 1, n))
        boundaries.append((f"{mode}, {n} -> {params}: an exact index boundary float32 arithmetic rounds across",
                           C("upsample", {"x": x}, {**params, "mode": mode}, "integers")))
    edges["upsample"] = boundaries
    return edges


def edge_vectors(operation: Operation) -> list[Vector]:
    return [Vector(case, "edge", i, title) for i, (title, case) in enumerate(_edge_cases().get(operation.name, []))]


def _tolerance_name(model) -> str:
    return type(model).__name__


def expected_outputs(operation: Operation, case: Case) -> tuple[list[np.ndarray], list[np.ndarray], dict]:
    """(outputs, bounds, tolerance description) of one case, from the reference and the catalog's model."""
    result = operation.reference(*case.arrays(), **case.params)
    outputs = list(result) if isinstance(result, tuple) else [result]
    model = operation.tolerance(case)
    first = np.broadcast_to(np.asarray(model.bound(), dtype=np.float64), outputs[0].shape)
    # further outputs (max_pool's indices) are integers compared exactly
    bounds = [np.ascontiguousarray(first)] + [np.zeros(o.shape) for o in outputs[1:]]
    description = {"model": _tolerance_name(model), "exact": bool(not first.any())}
    for attribute in ("terms", "passes", "in_channels"):
        if hasattr(model, attribute):
            description[attribute] = int(getattr(model, attribute))
    return outputs, bounds, description


# --------------------------------------------------------------------------- export


@dataclass
class ExportSummary:
    directory: Path
    cases: int
    files: int
    bytes: int
    per_operation: dict[str, int] = field(default_factory=dict)


def resolve_examples(profile: str | None, examples: int | None) -> int:
    if profile is not None and profile not in PROFILES:
        raise VectorsError(f"--profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    count = examples if examples is not None else PROFILES[profile or "ci"][0]
    if count < 0:
        raise VectorsError(f"--examples must be >= 0, got {count}")
    return count


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import hypothesis

    try:
        convspec_version = version("convspec")
    except PackageNotFoundError:
        convspec_version = "unknown"
    return {"convspec": convspec_version, "numpy": np.__version__, "hypothesis": hypothesis.__version__}


def export(
    out: str | os.PathLike,
    operations: Iterable[Operation] = CATALOG,
    *,
    profile: str | None = "ci",
    examples: int | None = None,
    random_seed: int = 0,
    progress: Callable[[str, int], None] | None = None,
) -> ExportSummary:
    """Write the vectors of ``operations`` under ``out`` (emptied first if it holds an earlier export).

    ``examples`` drawn cases per operation (default: the profile's count, 60 for ``ci``), plus
    the worked examples and edge cases. Returns what was written.
    """
    count = resolve_examples(profile, examples)
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise VectorsError(f"--out {out}: not a directory")
        if any(out.iterdir()):
            if not (out / MANIFEST).is_file():
                raise VectorsError(f"--out {out}: not empty and not an earlier export (no {MANIFEST}); refusing to overwrite")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    operations = list(operations)
    entries, total_files, total_bytes, per_operation = [], 0, 0, {}
    for operation in operations:
        vectors = [Vector(case, "drawn", i) for i, case in enumerate(draw_cases(operation, count, random_seed))] if count else []
        vectors += example_vectors(operation) + edge_vectors(operation)
        per_operation[operation.name] = len(vectors)
        if progress is not None:
            progress(operation.name, len(vectors))
        for vector in vectors:
            files = _case_files(operation, vector)
            directory = out / operation.name / vector.id
            directory.mkdir(parents=True)
            hashes = {}
            for name, data in files.items():
                (directory / name).write_bytes(data)
                hashes[name] = sha256(data)
                total_bytes += len(data)
            total_files += len(files)
            case_meta = json.loads(files[CASE_FILE])
            entries.append({
                "op": operation.name,
                "id": vector.id,
                "path": f"{operation.name}/{vector.id}",
                "source": vector.source,
                "title": vector.title,
                "outputs": [o["name"] for o in case_meta["outputs"]],
                "files": hashes,
            })
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "convspec_version": _versions()["convspec"],
        "versions": _versions(),
        "profile": profile,
        "seed": random_seed,
        "examples_per_operation": count,
        "operations": [op.name for op in operations],
        "cases": entries,
    }
    data = _dumps(manifest)
    (out / MANIFEST).write_bytes(data)
    return ExportSummary(out, len(entries), total_files + 1, total_bytes + len(data), per_operation)


def _case_files(operation: Operation, vector: Vector) -> dict[str, bytes]:
    case = vector.case
    outputs, bounds, tolerance = expected_outputs(operation, case)
    files: dict[str, bytes] = {}
    inputs = []
    for name, array in case.inputs.items():
        if name.startswith(("output_", "bound_")) or name == "case":
            raise AssertionError(f"input name {name!r} collides with the file names")
        if array is None:
            inputs.append({"name": name, "file": None})
            continue
        files[f"{name}.npy"] = _npy_bytes(array)
        files[f"{name}.json"] = _dumps(array_to_json(array), compact=True)
        inputs.append({"name": name, "file": name, "dtype": str(array.dtype), "shape": list(array.shape)})
    output_entries = []
    for k, (output, bound) in enumerate(zip(outputs, bounds)):
        name, bound_name = f"output_{k}", f"bound_{k}"
        files[f"{name}.npy"] = _npy_bytes(output)
        files[f"{name}.json"] = _dumps(array_to_json(output), compact=True)
        files[f"{bound_name}.npy"] = _npy_bytes(bound)
        files[f"{bound_name}.json"] = _dumps(array_to_json(bound), compact=True)
        output_entries.append({
            "name": name, "bound": bound_name, "dtype": str(output.dtype), "shape": list(output.shape),
            "exact": bool(not bound.any()),
        })
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "op": operation.name,
        "id": vector.id,
        "source": vector.source,
        "title": vector.title,
        "note": vector.note,
        "call": case.describe(),
        "params": params_to_json(case.params),
        "dtype": case.dtype,
        "data_kind": case.data_kind,
        "inputs": inputs,
        "outputs": output_entries,
        "tolerance": tolerance,
    }
    files = {CASE_FILE: _dumps(meta), **files}
    return files


# --------------------------------------------------------------------------- reading an export


def read_manifest(directory: str | os.PathLike, *, check_hashes: bool = True, ops: Iterable[str] | None = None) -> dict:
    """The manifest of an export; with ``check_hashes`` every file's sha256 is checked too (of the
    cases of ``ops`` only, when given)."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise VectorsError(f"{directory}: no {MANIFEST} (not a convspec vectors export)")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise VectorsError(f"{path}: not valid JSON ({error})") from None
    if manifest.get("format") != FORMAT:
        raise VectorsError(f"{path}: not a {FORMAT} manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise VectorsError(f"{path}: format version {manifest.get('format_version')}, this convspec reads {FORMAT_VERSION}")
    if check_hashes:
        damaged, selected = [], None if ops is None else set(ops)
        for entry in manifest["cases"]:
            if selected is not None and entry["op"] not in selected:
                continue
            for name, digest in entry["files"].items():
                file = directory / entry["path"] / name
                if not file.is_file() or sha256(file.read_bytes()) != digest:
                    damaged.append(f"{entry['path']}/{name}")
        if damaged:
            shown = ", ".join(damaged[:5]) + (f" and {len(damaged) - 5} more" if len(damaged) > 5 else "")
            raise VectorsError(f"{directory}: {len(damaged)} file(s) missing or changed since the export: {shown}")
    return manifest


def read_case(directory: str | os.PathLike, entry: dict) -> tuple[dict, Case, list[np.ndarray], list[np.ndarray]]:
    """(case.json, the Case with its inputs from the .npy files, expected outputs, bounds)."""
    folder = Path(directory) / entry["path"]
    meta = json.loads((folder / CASE_FILE).read_text())
    inputs = {
        item["name"]: None if item["file"] is None else np.load(folder / f"{item['file']}.npy", allow_pickle=False)
        for item in meta["inputs"]
    }
    case = Case(meta["op"], inputs, params_from_json(meta["params"]), meta["data_kind"])
    expected = [np.load(folder / f"{o['name']}.npy", allow_pickle=False) for o in meta["outputs"]]
    bounds = [np.load(folder / f"{o['bound']}.npy", allow_pickle=False) for o in meta["outputs"]]
    return meta, case, expected, bounds


def write_results(
    vectors: str | os.PathLike, target, results: str | os.PathLike, *, fmt: str = "npy",
    transform: Callable[[str, list[np.ndarray]], list[np.ndarray]] | None = None, ops: Iterable[str] | None = None,
) -> int:
    """Run a :class:`~convspec.conformance.targets.Target` on every case it provides and write its
    outputs as an outside program would (``RESULTS/OP/CASE_ID/output_K.npy`` or ``.json``).
    A call that raises writes nothing (the case is then reported missing). ``ops`` limits the operations;
    ``transform(op, outputs)`` may alter the outputs first (to plant a bug in a test). Returns the cases written."""
    if fmt not in ("npy", "json"):
        raise ValueError(f"fmt must be 'npy' or 'json', got {fmt!r}")
    manifest = read_manifest(vectors, check_hashes=False)
    written, selected = 0, None if ops is None else set(ops)
    for entry in manifest["cases"]:
        if not target.provides(entry["op"]) or (selected is not None and entry["op"] not in selected):
            continue
        meta, case, _, _ = read_case(vectors, entry)
        try:
            result = target.functions[entry["op"]](*case.copies(), **case.params)
        except Exception:
            continue
        parts = [np.asarray(p) for p in (result if isinstance(result, tuple) else (result,))]
        if transform is not None:
            parts = transform(entry["op"], parts)
        folder = Path(results) / entry["path"]
        folder.mkdir(parents=True, exist_ok=True)
        for k, part in enumerate(parts):
            if fmt == "npy":
                (folder / f"output_{k}.npy").write_bytes(_npy_bytes(part))
            else:
                (folder / f"output_{k}.json").write_bytes(_dumps(array_to_json(part), compact=True))
        written += 1
    return written


# --------------------------------------------------------------------------- verify


@dataclass
class CaseResult:
    op: str
    id: str
    status: str  # passed | failed | missing
    title: str = ""
    params: dict = field(default_factory=dict)  # as JSON
    call: str = ""
    reason: str = ""
    output: str | None = None  # the output file that failed
    index: tuple[int, ...] | None = None
    expected: float | int | str | None = None
    actual: float | int | str | None = None
    allowed: float | None = None
    worst_ratio: float = 0.0


@dataclass
class OperationSummary:
    op: str
    cases: int = 0
    passed: int = 0
    failed: int = 0
    missing: int = 0

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.passed:
            return "passed" if not self.missing else "passed (some missing)"
        return "missing"


@dataclass
class VerifyReport:
    vectors: str
    results: str
    manifest: dict
    cases: list[CaseResult] = field(default_factory=list)

    def operations(self) -> list[OperationSummary]:
        summaries: dict[str, OperationSummary] = {op: OperationSummary(op) for op in self.manifest["operations"]}
        for result in self.cases:
            summary = summaries.setdefault(result.op, OperationSummary(result.op))
            summary.cases += 1
            setattr(summary, result.status, getattr(summary, result.status) + 1)
        return list(summaries.values())

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.cases)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    def summary_line(self) -> str:
        return (f"{len(self.cases)} cases: {self.count('passed')} passed, {self.count('failed')} failed, "
                f"{self.count('missing')} missing")


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return _float_json(float(value))
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def load_result(folder: Path, name: str) -> tuple[np.ndarray | None, str | None]:
    """The result array ``name`` (``.npy`` preferred over ``.json``), or (None, None) when there is none;
    raises ``ValueError`` with a reason when the file cannot be read."""
    npy, js = folder / f"{name}.npy", folder / f"{name}.json"
    if npy.is_file():
        try:
            return np.load(npy, allow_pickle=False), npy.name
        except Exception as error:  # not a .npy file, a pickled object array, ...
            raise ValueError(f"{npy.name}: cannot be read as .npy ({error})") from None
    if js.is_file():
        try:
            data = json.loads(js.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{js.name}: not valid JSON ({error})") from None
        try:
            return array_from_json(data), js.name
        except ValueError as error:
            raise ValueError(f"{js.name}: {error}") from None
    return None, None


def verify_case(vectors: Path, results: Path, entry: dict) -> CaseResult:
    folder = vectors / entry["path"]
    meta = json.loads((folder / CASE_FILE).read_text())
    result = CaseResult(entry["op"], entry["id"], "passed", entry.get("title", ""), meta["params"], meta["call"])
    out_folder = results / entry["path"]
    found = []
    for output in meta["outputs"]:
        try:
            actual, file = load_result(out_folder, output["name"])
        except ValueError as error:
            return _fail(result, str(error), output["name"])
        found.append((output, actual, file))
    if all(actual is None for _, actual, _ in found):
        result.status = "missing"
        return result
    for output, actual, file in found:
        name = output["name"]
        if actual is None:
            return _fail(result, f"{name}: no result file ({name}.npy or {name}.json)", name)
        expected = np.load(folder / f"{name}.npy", allow_pickle=False)
        bound = np.load(folder / f"{output['bound']}.npy", allow_pickle=False)
        if actual.shape != expected.shape:
            return _fail(result, f"{file}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}", name)
        if actual.dtype != expected.dtype:
            return _fail(result, f"{file}: dtype {actual.dtype}, expected {expected.dtype}", name)
        with np.errstate(over="ignore", invalid="ignore"):
            comparison = compare(expected, actual, Derived(bound, exact=not bound.any()))
        result.worst_ratio = max(result.worst_ratio, comparison.worst_ratio)
        if not comparison.passed:
            result = _fail(result, f"{file}: {comparison.describe()}", name)
            result.index = comparison.first_bad_index
            result.expected = _typed(expected, comparison.expected_value)
            result.actual = _typed(expected, comparison.actual_value)
            result.allowed = comparison.allowed
            result.worst_ratio = comparison.worst_ratio
            return result
    return result


def _typed(like: np.ndarray, value):
    if value is None:
        return None
    if like.dtype.kind in "iub" and math.isfinite(value):
        return int(value)
    return float(value)


def _fail(result: CaseResult, reason: str, output: str | None) -> CaseResult:
    result.status, result.reason, result.output = "failed", reason, output
    return result


def verify(vectors: str | os.PathLike, results: str | os.PathLike, *, ops: Iterable[str] | None = None) -> VerifyReport:
    """Compare the results under ``results`` with the export under ``vectors`` (the cases of ``ops``, or all)."""
    vectors, results = Path(vectors), Path(results)
    ops = None if ops is None else list(ops)
    manifest = read_manifest(vectors, ops=ops)
    if not results.is_dir():
        raise VectorsError(f"--results {results}: no such directory")
    selected = None if ops is None else set(ops)
    if selected is not None:  # (the hashes were checked before; an unknown name matched no case)
        unknown = selected - set(manifest["operations"])
        if unknown:
            raise VectorsError(f"--ops: {', '.join(sorted(unknown))} not in the export ({', '.join(manifest['operations'])})")
        manifest = {**manifest, "operations": [op for op in manifest["operations"] if op in selected]}
    report = VerifyReport(str(vectors), str(results), manifest)
    for entry in manifest["cases"]:
        if selected is None or entry["op"] in selected:
            report.cases.append(verify_case(vectors, results, entry))
    return report


# --------------------------------------------------------------------------- verify reports


def print_verify_report(report: VerifyReport, console=None, *, max_failures: int = 20) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    manifest = report.manifest
    console.print(
        f"Verifying [bold]{report.results}[/] against the vectors in [bold]{report.vectors}[/] "
        f"(convspec {manifest.get('convspec_version')}, profile {manifest.get('profile')}, seed {manifest.get('seed')})",
        highlight=False,
    )
    table = Table(title="convspec vectors verify", title_justify="left")
    for column, justify in (("operation", "left"), ("cases", "right"), ("passed", "right"), ("failed", "right"),
                            ("missing", "right"), ("result", "left")):
        table.add_column(column, justify=justify, no_wrap=column == "operation")
    style = {"passed": "bold green", "failed": "bold red", "missing": "dim", "passed (some missing)": "green"}
    for summary in report.operations():
        table.add_row(summary.op, str(summary.cases), str(summary.passed), str(summary.failed), str(summary.missing),
                      f"[{style[summary.status]}]{summary.status.upper()}[/]")
    console.print(table)
    console.print("[dim]missing: cases with no result file (neither passed nor failed). "
                  "Each output is compared element by element with the bound stored with the case "
                  "(0: bit for bit; NaN matches NaN).[/]")
    failures = [r for r in report.cases if r.status == "failed"]
    for failure in failures[:max_failures]:
        console.print(f"[bold red]FAILED[/] {failure.op}/{failure.id}"
                      + (f" ({failure.title})" if failure.title else ""), highlight=False)
        console.print(f"  {failure.call}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"  params: {json.dumps(failure.params)}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"  {failure.reason}", highlight=False, markup=False, soft_wrap=True)
    if len(failures) > max_failures:
        console.print(f"... and {len(failures) - max_failures} more failures (all of them in --report FILE.json)")
    console.print(f"[{'bold red' if report.failed else 'bold green'}]{report.summary_line()}[/]")


def verify_json(report: VerifyReport) -> dict:
    manifest = report.manifest
    operations = []
    for summary in report.operations():
        cases = [r for r in report.cases if r.op == summary.op]
        operations.append({
            "op": summary.op, "status": summary.status, "cases": summary.cases, "passed": summary.passed,
            "failed": summary.failed, "missing": summary.missing,
            "failures": [_failure_json(r) for r in cases if r.status == "failed"],
            "missing_cases": [r.id for r in cases if r.status == "missing"],
        })
    return {
        "vectors": report.vectors,
        "results": report.results,
        "convspec_version": manifest.get("convspec_version"),
        "profile": manifest.get("profile"),
        "seed": manifest.get("seed"),
        "summary": {"cases": len(report.cases), "passed": report.count("passed"), "failed": report.count("failed"),
                    "missing": report.count("missing"), "line": report.summary_line()},
        "failed": report.failed,
        "operations": operations,
    }


def _failure_json(result: CaseResult) -> dict:
    return {
        "case": result.id, "title": result.title, "call": result.call, "params": result.params,
        "output": result.output, "reason": result.reason,
        "index": None if result.index is None else list(result.index),
        "expected": _json_value(result.expected), "actual": _json_value(result.actual),
        "allowed": _json_value(result.allowed),
        "worst_ratio": _json_value(result.worst_ratio),
    }


def write_verify_json(report: VerifyReport, path) -> None:
    Path(path).write_text(json.dumps(verify_json(report), indent=2, allow_nan=False) + "\n")


def verify_junit(report: VerifyReport):
    """JUnit XML: one ``<testsuite>`` per operation, one ``<testcase>`` per case; missing cases are ``<skipped>``."""
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", name="convspec vectors verify", tests=str(len(report.cases)),
                        failures=str(report.count("failed")), skipped=str(report.count("missing")))
    for summary in report.operations():
        suite = ET.SubElement(suites, "testsuite", name=f"convspec vectors {summary.op}", tests=str(summary.cases),
                              failures=str(summary.failed), errors="0", skipped=str(summary.missing))
        properties = ET.SubElement(suite, "properties")
        for name in ("convspec_version", "profile", "seed"):
            ET.SubElement(properties, "property", name=name, value=str(report.manifest.get(name)))
        for result in (r for r in report.cases if r.op == summary.op):
            testcase = ET.SubElement(suite, "testcase", classname=f"convspec.vectors.{summary.op}", name=result.id)
            if result.status == "failed":
                element = ET.SubElement(testcase, "failure", message=result.reason, type="convspec.VectorMismatch")
                element.text = f"{result.call}\nparams: {json.dumps(result.params)}\n{result.reason}\n"
            elif result.status == "missing":
                ET.SubElement(testcase, "skipped", message="no result file")
    ET.indent(suites)
    return ET.ElementTree(suites)


def write_verify_junit(report: VerifyReport, path) -> None:
    verify_junit(report).write(path, encoding="utf-8", xml_declaration=True)
