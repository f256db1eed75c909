"""Helpers shared by upsample's tests (tests/test_upsample*.py).

The catalog operation and the modes, the implementation modules, running upsample in
either implementation, exact comparison, drawn axes and the exact scale factor.
"""

from __future__ import annotations

import importlib
from fractions import Fraction

import numpy as np
import torch

import convspec.spec.upsample as spec_upsample
from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.strategies import random_array
from convspec.conformance.families.upsample.tolerances import upsample_tolerance
from convspec.conformance.tolerance import compare

# the modules (``convspec.reference.upsample`` as an attribute is the function, exported by the package)
reference_upsample = importlib.import_module("convspec.reference.upsample")
accelerated_upsample = importlib.import_module("convspec.accelerated.upsample")

OP = BY_NAME["upsample"]
IMPLEMENTATIONS = ("reference", "accelerated")
LINEAR = tuple(spec_upsample.LINEAR_MODES)
INTERPOLATING = tuple(spec_upsample.INTERPOLATING_MODES)  # the linear modes and bicubic (they take align_corners)
NEAREST = spec_upsample.NEAREST_MODES


def to_numpy(value) -> np.ndarray:
    value = value.detach().cpu()
    return value.float().numpy() if value.dtype == torch.bfloat16 else value.numpy()


def run(implementation: str, x: np.ndarray, **params) -> np.ndarray:
    """``convspec.<implementation>.upsample`` on a numpy input, numpy result."""
    if implementation == "reference":
        return reference.upsample(x, **params)
    return to_numpy(accelerated.upsample(torch.from_numpy(x.copy()), **params))


def describe(x: np.ndarray, params: dict) -> str:
    settings = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"upsample(x={tuple(x.shape)}, {settings}) dtype={x.dtype}"


def assert_identical(expected: np.ndarray, actual: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    if not same.all():
        index = tuple(int(i) for i in np.argwhere(~same)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def assert_within_model(expected: np.ndarray, actual: np.ndarray, case: Case, what: str) -> None:
    comparison = compare(expected, actual, upsample_tolerance(case))
    assert comparison.passed, f"{what}: {comparison.describe()}"


def integers(shape, dtype, rng) -> np.ndarray:
    return random_array(shape, dtype, "integers", rng)


def exact_array(values: np.ndarray) -> np.ndarray:
    """The same values as an object array of Fractions (exact reference arithmetic)."""
    out = np.empty(values.shape, dtype=object)
    for index in np.ndindex(values.shape):
        out[index] = Fraction(float(values[index]))
    return out


def scale_value(factor) -> Fraction:
    return spec_upsample.scale_factor_value("upsample", factor)
