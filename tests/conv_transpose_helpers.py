"""Helpers shared by the transposed convolution's tests (tests/test_conv_transpose*.py).

The operation's name and modules, running it in either implementation, integer-valued
data, exact comparison, per-axis values.
"""

from __future__ import annotations

import importlib

import numpy as np

from convspec import reference
from convspec.conformance.strategies import random_array

from implementations import IMPLEMENTATIONS, run, to_numpy, to_torch  # noqa: F401 (shared by the family tests)

OP = "conv_transpose"
# the module (the package attribute of the same name is the function)
reference_module = importlib.import_module("convspec.reference.conv_transpose")
MODES = ("valid", "same", "same_lower", "full")


# --------------------------------------------------------------------------------------


def assert_identical(expected: np.ndarray, actual: np.ndarray, what: str) -> None:
    """Same shape and the same values bit for bit, with the first difference in the message."""
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        index = tuple(int(i) for i in np.argwhere(actual != expected)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def describe(params: dict, **arrays) -> str:
    shapes = ", ".join(f"{name}={None if a is None else tuple(a.shape)}" for name, a in arrays.items())
    return f"{OP}({shapes}, {', '.join(f'{k}={v!r}' for k, v in params.items())})"


def integers(shape, rng, dtype="float64") -> np.ndarray:
    return random_array(shape, dtype, "integers", rng)


def swap_channels_and_flip(weight: np.ndarray, groups: int) -> np.ndarray:
    """(C_in, C_out/g, *k) -> (C_out, C_in/g, *k), every spatial axis reversed: the correlation weight
    whose correlation over the zero-inserted, padded input is the transposed convolution."""
    c_in, out_per_group, *kernel = weight.shape
    grouped = weight.reshape(groups, c_in // groups, out_per_group, *kernel).swapaxes(1, 2)
    swapped = grouped.reshape(groups * out_per_group, c_in // groups, *kernel)
    return np.ascontiguousarray(swapped[(slice(None), slice(None)) + (slice(None, None, -1),) * len(kernel)])


def zero_insert(x: np.ndarray, stride) -> np.ndarray:
    """``stride - 1`` zeros between neighbouring inputs along every spatial axis."""
    size = tuple((n - 1) * s + 1 for n, s in zip(x.shape[2:], stride))
    out = np.zeros(x.shape[:2] + size, dtype=x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)] = x
    return out


def pad_or_crop(x: np.ndarray, sides) -> np.ndarray:
    """Add ``(lo, hi)`` zeros per spatial axis; a negative side removes that many cells instead."""
    grown = np.pad(x, [(0, 0), (0, 0)] + [(max(lo, 0), max(hi, 0)) for lo, hi in sides])
    keep = tuple(slice(max(-lo, 0), size - max(-hi, 0)) for (lo, hi), size in zip(sides, grown.shape[2:]))
    return grown[(slice(None), slice(None)) + keep]


def per_axis(value, dims: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
