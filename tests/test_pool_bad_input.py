"""The pooling family on bad input: the same error from both implementations; inputs never modified.

(The closed forms and literal rules: tests/test_pool.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from convspec import accelerated, reference
from convspec.conformance.catalog import BY_NAME

from pool_helpers import IMPLEMENTATIONS, OPS, WINDOWED, assert_identical, describe, run


# --------------------------------------------------------------------------------------
# 1. Bad input: the same error from both implementations; inputs never modified
# --------------------------------------------------------------------------------------


def _a(*shape, dtype="float32"):
    return np.ones(shape, dtype=dtype)


X = _a(1, 1, 3, 3)

# rule: (op, x, params, exception, fragments the message must contain besides the operation's name)
RULES = {
    "kernel larger than the input": ("max_pool", X, {"kernel_size": 4}, ValueError,
                                     ["does not fit", "spatial dim 0", "3 + 0 + 0 = 3", "spans 4"]),
    "kernel larger than the padded input": ("avg_pool", _a(1, 1, 2), {"kernel_size": 5, "padding": 1}, ValueError,
                                            ["does not fit", "2 + 1 + 1 = 4", "spans 5"]),
    "dilated kernel larger than the padded input": ("max_pool", X, {"kernel_size": 2, "dilation": (1, 3)}, ValueError,
                                                    ["spatial dim 1", "dilation 3", "spans 4"]),
    "a first window of padding only": ("max_pool", X, {"kernel_size": 2, "padding": 2}, ValueError,
                                       ["padding=2", "2 cell(s) before spatial dim 0", "d*(k-1) = 1*(2-1) = 1", "only padding"]),
    "a first window of padding only (per side)": ("avg_pool", X, {"kernel_size": 3, "padding": ((0, 0), (3, 0))}, ValueError,
                                                  ["before spatial dim 1", "= 2", "every window must hold at least one input cell"]),
    "a last window of padding only": ("max_pool", _a(1, 1, 3), {"kernel_size": 2, "stride": 1, "padding": ((0, 2),)}, ValueError,
                                      ["2 cell(s) after spatial dim 0", "would start at 3", "length 3", "only padding"]),
    "a last window of padding only, ceil mode": ("avg_pool", _a(1, 1, 1), {"kernel_size": 1, "padding": ((0, 1),), "ceil_mode": True},
                                                 ValueError, ["after spatial dim 0", "would start at 1", "length 1"]),
    "dilation gaps jump over the input": ("max_pool", _a(1, 1, 2), {"kernel_size": 2, "dilation": 3, "padding": 1}, ValueError,
                                          ["dilation 3", "length 2", "starting at -1", "[-1, 2]", "none in 0..1"]),
    "kernel_size zero": ("max_pool", X, {"kernel_size": 0}, ValueError, ["kernel_size must be positive", "0"]),
    "kernel_size negative on one axis": ("avg_pool", X, {"kernel_size": (2, -1)}, ValueError, ["kernel_size", "(2, -1)"]),
    "kernel_size of the wrong length": ("max_pool", X, {"kernel_size": (2, 2, 2)}, ValueError, ["kernel_size", "(2, 2, 2)", "2 spatial dim(s)"]),
    "kernel_size a float": ("avg_pool", X, {"kernel_size": 2.0}, TypeError, ["kernel_size", "2.0"]),
    "kernel_size a bool": ("max_pool", X, {"kernel_size": True}, TypeError, ["kernel_size", "bool", "True"]),
    "stride zero": ("max_pool", X, {"kernel_size": 2, "stride": 0}, ValueError, ["stride must be positive", "0"]),
    "stride negative": ("avg_pool", X, {"kernel_size": 2, "stride": (1, -1)}, ValueError, ["stride", "(1, -1)"]),
    "dilation zero": ("max_pool", X, {"kernel_size": 2, "dilation": 0}, ValueError, ["dilation must be positive", "0"]),
    "dilation negative": ("max_pool", X, {"kernel_size": 2, "dilation": (-2, 1)}, ValueError, ["dilation", "(-2, 1)"]),
    "unknown padding string": ("max_pool", X, {"kernel_size": 2, "padding": "SAME"}, ValueError, ["padding", "'SAME'", "'same_lower'"]),
    "padding negative": ("avg_pool", X, {"kernel_size": 2, "padding": -1}, ValueError, ["padding must be >= 0", "-1"]),
    "padding with too many entries": ("max_pool", X, {"kernel_size": 2, "padding": (0, 0, 0)}, ValueError, ["padding", "(0, 0, 0)"]),
    "1-D padding written (lo, hi)": ("max_pool", _a(1, 1, 4), {"kernel_size": 2, "padding": (0, 1)}, ValueError, ["padding", "((0, 1),)"]),
    "x is 2-D": ("max_pool", _a(3, 3), {"kernel_size": 2}, ValueError, ["x must have shape (N, C, *spatial)", "(3, 3)", "2-D"]),
    "x has an empty axis": ("avg_pool", _a(1, 0, 3), {"kernel_size": 2}, ValueError, ["x", "(1, 0, 3)"]),
    "x has an integer dtype": ("max_pool", _a(1, 1, 3, dtype="int64"), {"kernel_size": 2}, TypeError, ["x", "floating-point", "int64"]),
    "x is bool": ("avg_pool", _a(1, 1, 3, dtype="bool"), {"kernel_size": 2}, TypeError, ["x", "bool"]),
    "divisor_override zero": ("avg_pool", X, {"kernel_size": 2, "divisor_override": 0}, ValueError, ["divisor_override must be positive", "0"]),
    "divisor_override negative": ("avg_pool", X, {"kernel_size": 2, "divisor_override": -2}, ValueError, ["divisor_override", "-2"]),
    "divisor_override a float": ("avg_pool", X, {"kernel_size": 2, "divisor_override": 2.0}, TypeError, ["divisor_override", "2.0"]),
    "divisor_override per axis": ("avg_pool", X, {"kernel_size": 2, "divisor_override": (2, 2)}, TypeError, ["divisor_override", "one int", "(2, 2)"]),
    "ceil_mode an int": ("max_pool", X, {"kernel_size": 2, "ceil_mode": 1}, TypeError, ["ceil_mode must be a bool", "1"]),
    "count_include_pad a string": ("avg_pool", X, {"kernel_size": 2, "count_include_pad": "yes"}, TypeError, ["count_include_pad", "'yes'"]),
    "return_indices None": ("max_pool", X, {"kernel_size": 2, "return_indices": None}, TypeError, ["return_indices", "None"]),
    "global: x is 1-D": ("global_max_pool", _a(3), {}, ValueError, ["x must have shape (N, C, *spatial)", "(3,)"]),
    "global: x is 2-D": ("global_avg_pool", _a(2, 3), {}, ValueError, ["x", "(2, 3)", "2-D"]),
    "global: an empty spatial axis": ("global_avg_pool", _a(1, 1, 0), {}, ValueError, ["x", "empty axis 2", "(1, 1, 0)"]),
    "global: an integer dtype": ("global_max_pool", _a(1, 1, 2, dtype="int32"), {}, TypeError, ["x", "int32"]),
    "global: a uint8 dtype": ("global_avg_pool", _a(1, 1, 2, dtype="uint8"), {}, TypeError, ["x", "uint8"]),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_bad_input_raises_the_same_error_in_reference_and_accelerated(rule):
    op, x, params, error, fragments = RULES[rule]
    what = f"{describe(op, x, params)} [{rule}]"
    raised = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(Exception) as info:
            run(implementation, op, x, **params)
        assert type(info.value) is error, f"{implementation} {what}: {type(info.value).__name__}: {info.value}"
        raised.append(str(info.value))
    assert raised[0] == raised[1], f"{what}: messages differ\n  reference:   {raised[0]}\n  accelerated: {raised[1]}"
    assert raised[0].startswith(f"{op}: "), f"{what}: the message does not name the operation: {raised[0]}"
    for fragment in fragments:
        assert fragment in raised[0], f"{what}: the message does not mention {fragment!r}: {raised[0]}"


@pytest.mark.parametrize("op", OPS)
def test_a_list_instead_of_an_array_is_a_type_error_naming_the_argument(op):
    args = (2,) if op in WINDOWED else ()
    for module, container in ((reference, "numpy.ndarray"), (accelerated, "torch.Tensor")):
        with pytest.raises(TypeError) as info:
            getattr(module, op)([[[1.0, 2.0, 3.0]]], *args)
        assert str(info.value).startswith(f"{op}: x must be a {container}, got list"), f"{module.__name__}: {info.value}"


@pytest.mark.parametrize("op", OPS)
def test_inputs_are_never_modified_even_with_autograd(op):
    @given(BY_NAME[op].strategy())
    @settings(max_examples=20)
    def check(case):
        (before,) = case.copies()
        (x,) = case.arrays()
        result = getattr(reference, op)(x, **case.params)
        for part in result if isinstance(result, tuple) else (result,):
            assert not np.shares_memory(part, x), f"reference {case.describe()}: the result shares x's memory"
        assert_identical(before, x, f"reference {case.describe()}: input x")
        tensor = torch.from_numpy(before.copy()).requires_grad_(True)
        out = getattr(accelerated, op)(tensor, **case.params)
        values = out[0] if isinstance(out, tuple) else out
        assert values.untyped_storage().data_ptr() != tensor.untyped_storage().data_ptr(), case.describe()
        values.sum().backward()
        assert_identical(before, tensor.detach().numpy(), f"accelerated {case.describe()}: input x")

    check()
