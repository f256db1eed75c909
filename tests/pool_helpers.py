"""Helpers shared by the pooling family's tests (tests/test_pool*.py).

Running an operation in either implementation (numpy in, numpy out), describing and
reproducing a call, exact comparison, small integer-valued arrays, the windowed-case
strategy, the spec's resolved arguments and the catalog's tolerance for a call.
"""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.tolerance import Exact, SumOfProducts
from convspec.spec import pool as spec_pool

from implementations import IMPLEMENTATIONS, to_numpy, to_torch  # noqa: F401 (shared by the family tests)

OPS = ("max_pool", "avg_pool", "global_max_pool", "global_avg_pool")
WINDOWED = ("max_pool", "avg_pool")
GLOBAL = ("global_max_pool", "global_avg_pool")
_NATIVE_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_NATIVE_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
NAN, INF = float("nan"), float("inf")


def run(implementation: str, op: str, x, **params):
    """``convspec.<implementation>.<op>`` on a numpy input; numpy out (a pair for max_pool's values and indices)."""
    if implementation == "reference":
        result = getattr(reference, op)(x, **params)
    else:
        result = getattr(accelerated, op)(to_torch(x), **params)
    return tuple(to_numpy(part) for part in result) if isinstance(result, tuple) else to_numpy(result)


def describe(op: str, x, params: dict) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in params.items())
    return f"{op}(x={tuple(x.shape)} {x.dtype}{', ' if shown else ''}{shown})"


def reproduction(op: str, x: np.ndarray, params: dict, implementation: str = "reference") -> str:
    """Python lines that rebuild the call (``nan``/``inf`` as numpy prints them)."""
    case = Case(op, {"x": x}, params, "floats")
    return f"import numpy as np; from numpy import nan, inf; import convspec.{implementation}\n{case.input_source()}\n" + (
        case.call_source(f"convspec.{implementation}")
    )


def assert_identical(expected, actual, what: str) -> None:
    """Same shape and the same values bit for bit (NaN where NaN), with the first difference in the message."""
    expected, actual = np.asarray(expected), np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    same = actual == expected
    if expected.dtype.kind == "f" and actual.dtype.kind == "f":
        same |= np.isnan(actual) & np.isnan(expected)
    if not same.all():
        index = tuple(int(i) for i in np.argwhere(~same)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def i64(rows) -> np.ndarray:
    return np.array(rows, dtype=np.int64)


def integer_valued(x: np.ndarray) -> np.ndarray:
    """Finite cells rounded to small integers (exact in every dtype); infinities and NaNs kept."""
    with np.errstate(invalid="ignore"):
        rounded = np.round(x.astype(np.float64) * 2).clip(-8, 8)
    return np.where(np.isfinite(x), rounded, x).astype(x.dtype)


def windowed_cases(op: str, **overrides):
    """The catalog strategy of ``op``, with some parameters fixed."""
    strategy = BY_NAME[op].strategy()
    if not overrides:
        return strategy
    return strategy.map(lambda case: Case(case.op, case.inputs, {**case.params, **overrides}, case.data_kind))


def pool_args(op: str, x_shape, params: dict) -> spec_pool.PoolArguments:
    return spec_pool.check_pool_arguments(op, x_shape, **params)


def tolerance_for(op: str, x: np.ndarray, params: dict, dtype: str | None = None):
    """The catalog's tolerance model for this call (the data treated as general floats), in ``dtype``'s roundoff."""
    model = BY_NAME[op].tolerance(Case(op, {"x": x}, params, "floats"))
    if dtype is None or isinstance(model, Exact):
        return model
    return SumOfProducts(model.terms, model.magnitude, dtype, False)


NEGATIVE = -np.arange(9, 0, -1, dtype=np.float32).reshape(1, 1, 3, 3)  # -9 .. -1
