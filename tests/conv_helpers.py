"""Helpers shared by the convolution family's tests (tests/test_conv*.py).

The operations and padding forms, running an operation in either implementation,
integer-valued data, the drawn cases and axes, exact comparison.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.catalog import CATALOG
from convspec.conformance.strategies import random_array

from implementations import IMPLEMENTATIONS, run, to_numpy, to_torch  # noqa: F401 (shared by the family tests)

CONV_OPS = ("correlate", "convolve")
PADDING_FORMS = ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full")
MODES = ("valid", "same", "same_lower", "full")
# the catalog's convolution-family operations; the other families have their own test files
CONV_FAMILY = tuple(op for op in CATALOG if op.family == "conv")
CONV_FAMILY_IDS = [op.name for op in CONV_FAMILY]

# per spatial rank: (max kernel, max dilation, max stride, max extra input length, max explicit pad)
# small enough that the reference's Python loops stay in the milliseconds
_LIMITS = {1: (4, 3, 3, 6, 2), 2: (3, 2, 2, 4, 2), 3: (2, 2, 2, 2, 1), 4: (2, 2, 2, 1, 1)}


def describe(op: str, params: dict, **arrays) -> str:
    """``op(x=(shape), weight=(shape), ..., stride=..., padding=...) dtype=...``."""
    shapes = ", ".join(f"{name}={None if a is None else tuple(a.shape)}" for name, a in arrays.items())
    settings = ", ".join(f"{k}={v!r}" for k, v in params.items())
    dtype = next(a.dtype for a in arrays.values() if a is not None)
    return f"{op}({shapes}{', ' if settings else ''}{settings}) dtype={dtype}"


def assert_identical(expected: np.ndarray, actual: np.ndarray, what: str) -> None:
    """Same shape and the same values bit for bit, with the first difference in the message."""
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        index = tuple(int(i) for i in np.argwhere(actual != expected)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def flip_spatial(weight: np.ndarray) -> np.ndarray:
    """The kernel turned by 180 degrees: reversed along every spatial axis (a copy)."""
    return np.ascontiguousarray(weight[(slice(None), slice(None)) + (slice(None, None, -1),) * (weight.ndim - 2)])


def integers(shape, dtype, rng) -> np.ndarray:
    """Integer-valued data in [-4, 4] of a floating dtype."""
    return random_array(shape, dtype, "integers", rng)


def _collapse(values: tuple[int, ...], as_tuple: bool):
    """An int where all axes agree (unless told to keep the tuple), else one int per axis."""
    return values if as_tuple or len(set(values)) > 1 else values[0]


@st.composite
def geometries(draw, spatial_dims=None, forms=PADDING_FORMS, stride_one=False):
    """Kernel, stride, dilation, padding (any form) and an input size that admits a window."""
    if spatial_dims is None:
        spatial_dims = draw(st.sampled_from((1, 2, 2, 3)))
    max_k, max_d, max_s, max_extra, max_pad = _LIMITS[spatial_dims]
    axes = range(spatial_dims)
    kernel = tuple(draw(st.integers(1, max_k)) for _ in axes)
    dilation = tuple(draw(st.integers(1, max_d)) for _ in axes)
    stride = (1,) * spatial_dims if stride_one else tuple(draw(st.integers(1, max_s)) for _ in axes)
    form = draw(st.sampled_from(forms))
    if form == "int":
        p = draw(st.integers(0, max_pad))
        padding, pairs = p, [(p, p)] * spatial_dims
    elif form == "per_axis":
        per_axis = tuple(draw(st.integers(0, max_pad)) for _ in axes)
        padding, pairs = per_axis, [(p, p) for p in per_axis]
        if spatial_dims == 1:  # (p,) is one int per axis; (lo, hi) alone would be refused
            padding = (per_axis[0],)
    elif form == "per_side":
        pairs = [(draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))) for _ in axes]
        padding = tuple(pairs)
    else:
        padding, pairs = form, [(0, 0)] * spatial_dims
    size = []
    for k_, d_, (lo, hi) in zip(kernel, dilation, pairs):
        span = d_ * (k_ - 1) + 1
        needed = 1 if form in ("same", "same_lower", "full") else max(1, span - lo - hi)
        size.append(needed + draw(st.integers(0, max_extra)))
    as_tuple = draw(st.booleans())
    params = {"stride": _collapse(stride, as_tuple), "padding": padding, "dilation": _collapse(dilation, as_tuple)}
    return tuple(size), kernel, params


@st.composite
def conv_cases(draw, op="correlate", spatial_dims=None, forms=PADDING_FORMS, stride_one=False,
               groups=None, in_per_group=None, bias=None, dtypes=("float32", "float64")):
    """A valid correlate/convolve call on integer-valued data (exact comparisons)."""
    size, kernel, params = draw(geometries(spatial_dims, forms, stride_one))
    groups = draw(st.integers(1, 3 if len(size) < 3 else 2)) if groups is None else groups
    c_in = groups * (draw(st.integers(1, 2)) if in_per_group is None else in_per_group)
    c_out = groups * draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans()) if bias is None else bias
    dtype = draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = integers((batch, c_in, *size), dtype, rng)
    weight = integers((c_out, c_in // groups, *kernel), dtype, rng)
    b = integers((c_out,), dtype, rng) if with_bias else None
    return Case(op, {"x": x, "weight": weight, "bias": b}, {**params, "groups": groups}, "integers")


@st.composite
def depthwise_separable_cases(draw, spatial_dims=None, forms=PADDING_FORMS, bias=None, dtypes=("float32", "float64")):
    """A valid depthwise_separable call on integer-valued data."""
    size, kernel, params = draw(geometries(spatial_dims, forms))
    c_in, multiplier, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans()) if bias is None else bias
    dtype = draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inputs = {
        "x": integers((batch, c_in, *size), dtype, rng),
        "depthwise_weight": integers((c_in * multiplier, 1, *kernel), dtype, rng),
        "pointwise_weight": integers((c_out, c_in * multiplier) + (1,) * len(size), dtype, rng),
        "bias": integers((c_out,), dtype, rng) if with_bias else None,
    }
    return Case("depthwise_separable", inputs, params, "integers")


def cases_of(op: str, **kwargs):
    return depthwise_separable_cases(**kwargs) if op == "depthwise_separable" else conv_cases(op, **kwargs)
