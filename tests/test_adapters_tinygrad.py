"""The ``tinygrad`` adapter: a few operations over the catalog (derandomized, few examples: tinygrad
compiles a kernel with clang for every new shape, a second or so each), its padding layout, and the
findings of ``convspec check tinygrad`` worked by hand.

tinygrad is the ``tinygrad`` extra (pinned in requirements-dev.txt) and its CPU device needs clang
(``make`` installs it as root). Without either these tests skip, except under CI (``CI`` set), where
a missing library or compiler fails, as the docs' browser test does for Chromium.
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from convspec import reference
from convspec.conformance import catalog
from convspec.conformance.case import Case
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import load_target

EXAMPLES = 4
OPS = ("correlate", "avg_pool")


@pytest.fixture(scope="module")
def target():
    if importlib.util.find_spec("tinygrad") is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI is set but tinygrad is missing (requirements-dev.txt pins it)")
        pytest.skip("tinygrad is not installed (pip install 'convspec[tinygrad]')")
    try:
        return load_target("tinygrad")
    except ValueError as error:  # no clang: the CPU device does not open
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))


@pytest.mark.parametrize("op", OPS)
def test_adapter_agrees_where_it_claims_support(target, op):
    result = run_operation(catalog.get(op), target, examples=EXAMPLES, derandomize=True,
                           divergences=target.known_divergences)
    assert result.status in ("passed", "expected divergence"), (
        f"{target.name}: {op}: {result.status}: "
        + (f"{result.failure.case.describe()}: {result.failure.reason}" if result.failure else "")
    )
    assert result.examples > 0, f"{target.name}: no supported {op} case drawn: {dict(result.unsupported_reasons)}"


def test_flat_padding_is_last_axis_first(target):
    """tinygrad's explicit padding is (lo_W, hi_W, lo_H, hi_H): one pad above the rows and two right of the
    columns give a (1 + 2 + 0) x (3 + 0 + 2) padded plane; a 1x1 kernel of 1 copies it."""
    from convspec.conformance.adapters.tinygrad import flat_pads

    assert flat_pads(((1, 0), (0, 2))) == (0, 2, 1, 0)
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(1, 1, 2, 3)
    w = np.ones((1, 1, 1, 1), np.float32)
    got = target.functions["correlate"](x, w, padding=((1, 0), (0, 2)))
    assert got.tolist() == [[[[0, 0, 0, 0, 0], [1, 2, 3, 0, 0], [4, 5, 6, 0, 0]]]]
    assert got.tolist() == reference.correlate(x, w, padding=((1, 0), (0, 2))).tolist()


def test_conv_transpose_same_is_refused(target):
    x, w = np.ones((1, 1, 3), np.float32), np.ones((1, 1, 2), np.float32)
    case = Case("conv_transpose", {"x": x, "weight": w, "bias": None}, {"padding": "same", "stride": 2}, "integers")
    assert "ints only" in target.unsupported_reason("conv_transpose", case)
    with pytest.raises(ValueError, match="unsupported"):
        target.functions["conv_transpose"](x, w, padding="same", stride=2)


def test_max_unpool_sums_values_sent_to_one_cell(target):
    """A tinygrad 0.14 finding (left failing in the check): max_unpool2d scatters by a one-hot sum, so two
    values sent to cell 1 add up (2 + 3 = 5) where convspec keeps the last one (3) and torch keeps one of them."""
    x = np.array([[[2.0, 3.0]]], dtype=np.float32)
    indices = np.array([[[1, 1]]], dtype=np.int64)
    assert target.functions["max_unpool"](x, indices, 2, output_size=(4,)).tolist() == [[[0.0, 5.0, 0.0, 0.0]]]
    assert reference.max_unpool(x, indices, 2, output_size=(4,)).tolist() == [[[0.0, 3.0, 0.0, 0.0]]]


def test_relu_of_nan_is_zero(target):
    """A tinygrad 0.14 finding (left failing in the check): relu(nan) is 0; convspec (as IEEE max, torch) keeps NaN."""
    x = np.array([np.nan, -1.0, 2.0], dtype=np.float32)
    assert target.functions["relu"](x).tolist() == [0.0, 0.0, 2.0]
    assert np.isnan(reference.relu(x)[0])
