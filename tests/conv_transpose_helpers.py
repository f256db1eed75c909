"""Helpers shared by the transposed convolution's tests (tests/test_conv_transpose*.py).

The operation's name and modules, running it in either implementation, integer-valued
data, exact comparison, per-axis values.
"""

from __future__ import annotations

import importlib

import numpy as np
import torch

from convspec import accelerated, reference
from convspec.conformance.strategies import random_array

OP = "conv_transpose"
# the module (the package attribute of the same name is the function)
reference_module = importlib.import_module("convspec.reference.conv_transpose")
IMPLEMENTATIONS = ("reference", "accelerated")
MODES = ("valid", "same", "same_lower", "full")


# --------------------------------------------------------------------------------------


def to_torch(value):
    """numpy -> torch (same dtype, fresh memory); anything else unchanged."""
    return torch.from_numpy(value.copy()) if isinstance(value, np.ndarray) else value


def to_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.float().numpy() if value.dtype == torch.bfloat16 else value.numpy()
    return value


def run(implementation: str, op: str, *arrays, **params) -> np.ndarray:
    """Call ``convspec.<implementation>.<op>`` on numpy inputs and return a numpy result."""
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return to_numpy(getattr(accelerated, op)(*(to_torch(a) for a in arrays), **params))


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
