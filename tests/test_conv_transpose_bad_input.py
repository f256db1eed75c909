"""The transposed convolution on bad input: the same error from both implementations; inputs never modified.

(The closed forms: tests/test_conv_transpose.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from convspec import accelerated, reference
from convspec.conformance.families.conv_transpose.strategies import conv_transpose_cases

from conv_transpose_helpers import IMPLEMENTATIONS, OP, assert_identical, run, to_numpy, to_torch


# --------------------------------------------------------------------------------------
# 1. Bad input: the same error from both implementations; inputs never modified
# --------------------------------------------------------------------------------------


def _a(*shape, dtype="float32"):
    return np.ones(shape, dtype=dtype)


X1, W1 = _a(1, 1, 3), _a(1, 1, 2)  # a valid 1-D call: full buffer 4
X2, W2 = _a(1, 2, 3, 3), _a(2, 1, 2, 2)  # a valid 2-D call (C_in 2, C_out 1, or 2 with groups=2)

# rule: (arrays, params, exception, fragments the message must contain besides the operation's name)
RULES = {
    "output_padding equal to the stride": ((X1, W1, None), {"stride": 2, "output_padding": 2}, ValueError,
                                           ["output_padding", "max(stride, dilation)", "stride is 2"]),
    "output_padding at stride 1, dilation 1": ((X1, W1, None), {"output_padding": 1}, ValueError,
                                               ["output_padding", "smaller than max(stride, dilation)"]),
    "output_padding too large on one axis": ((X2, W2, None), {"stride": (2, 3), "output_padding": (1, 3)}, ValueError,
                                             ["output_padding=(1, 3)", "spatial dim 1", "stride is 3"]),
    "output_padding negative": ((X1, W1, None), {"stride": 2, "output_padding": -1}, ValueError, ["output_padding", ">= 0", "-1"]),
    "output_padding a float": ((X1, W1, None), {"stride": 2, "output_padding": 1.0}, TypeError, ["output_padding", "1.0"]),
    "output_padding has too many entries": ((X1, W1, None), {"output_padding": (0, 0)}, ValueError, ["output_padding", "(0, 0)"]),
    "output_padding with 'same'": ((X1, W1, None), {"stride": 2, "padding": "same", "output_padding": 1}, ValueError,
                                   ["output_padding must be 0", "'same'"]),
    "output_padding with 'same_lower'": ((X1, W1, None), {"stride": 2, "padding": "same_lower", "output_padding": 1},
                                         ValueError, ["output_padding must be 0", "'same_lower'"]),
    "padding crops the whole output": ((X1, W1, None), {"padding": 2}, ValueError, ["empty", "spatial dim 0", "= 0"]),
    "per-side padding crops the whole output": ((X1, W1, None), {"padding": ((1, 4),)}, ValueError, ["empty", "= -1"]),
    "'full' leaves nothing": ((_a(1, 1, 1), _a(1, 1, 3), None), {"padding": "full"}, ValueError, ["empty", "'full'"]),
    "weight in the convolution layout (C_out, C_in/groups)": ((X2, _a(1, 2, 2, 2), None), {}, ValueError,
                                                               ["weight.shape[0] must be C_in = 2", "(1, 2, 2, 2)"]),
    "weight.shape[0] differs from C_in with groups": ((X2, _a(1, 1, 2, 2), None), {"groups": 2}, ValueError,
                                                       ["weight.shape[0]", "C_in = 2"]),
    "groups does not divide C_in": ((_a(1, 3, 4), _a(3, 1, 2), None), {"groups": 2}, ValueError, ["groups=2", "C_in=3"]),
    "groups is zero": ((X1, W1, None), {"groups": 0}, ValueError, ["groups", "0"]),
    "groups is a bool": ((X1, W1, None), {"groups": True}, TypeError, ["groups", "True"]),
    "bias of the wrong length": ((X2, W2, _a(1)), {"groups": 2}, ValueError, ["bias", "(2,)", "(1,)", "weight.shape[1] * groups"]),
    "bias of the wrong rank": ((X1, W1, _a(1, 1)), {}, ValueError, ["bias", "(1, 1)"]),
    "x is 2-D": ((_a(3, 4), W1, None), {}, ValueError, ["x", "(3, 4)", "2-D"]),
    "x has an empty spatial axis": ((_a(1, 1, 0), W1, None), {}, ValueError, ["x", "(1, 1, 0)"]),
    "weight rank differs from x": ((X1, W2, None), {}, ValueError, ["weight", "(C_in, C_out/groups, *kernel)", "(2, 1, 2, 2)"]),
    "weight has an empty axis": ((X1, _a(1, 0, 2), None), {}, ValueError, ["weight", "(1, 0, 2)"]),
    "stride is zero": ((X1, W1, None), {"stride": 0}, ValueError, ["stride", "0"]),
    "stride is a float": ((X1, W1, None), {"stride": 2.0}, TypeError, ["stride", "2.0"]),
    "dilation is zero": ((X1, W1, None), {"dilation": 0}, ValueError, ["dilation", "0"]),
    "unknown padding string": ((X1, W1, None), {"padding": "SAME"}, ValueError, ["padding", "'SAME'"]),
    "1-D padding written (lo, hi)": ((X1, W1, None), {"padding": (0, 1)}, ValueError, ["padding", "((0, 1),)"]),
    "padding is negative": ((X1, W1, None), {"padding": -1}, ValueError, ["padding", "-1"]),
    "x has an integer dtype": ((_a(1, 1, 3, dtype="int64"), W1, None), {}, TypeError, ["x", "int64"]),
    "weight dtype differs from x": ((X1, _a(1, 1, 2, dtype="float64"), None), {}, TypeError, ["weight", "float64", "float32"]),
    "bias dtype differs from x": ((X1, W1, _a(1, dtype="float16")), {}, TypeError, ["bias", "float16", "float32"]),
}


def _raised(implementation: str, arrays, params) -> Exception:
    with pytest.raises(Exception) as info:
        run(implementation, OP, *arrays, **params)
    return info.value


@pytest.mark.parametrize("rule", list(RULES))
def test_bad_input_raises_the_same_error_in_reference_and_accelerated(rule):
    arrays, params, error, fragments = RULES[rule]
    what = f"{OP}({', '.join('None' if a is None else f'{a.dtype}{a.shape}' for a in arrays)}, {params}) [{rule}]"
    from_reference, from_accelerated = _raised("reference", arrays, params), _raised("accelerated", arrays, params)
    assert type(from_reference) is error, f"reference {what}: {type(from_reference).__name__}: {from_reference}"
    assert type(from_accelerated) is error, f"accelerated {what}: {type(from_accelerated).__name__}: {from_accelerated}"
    assert str(from_reference) == str(from_accelerated), (
        f"{what}: messages differ\n  reference:   {from_reference}\n  accelerated: {from_accelerated}"
    )
    message = str(from_reference)
    assert message.startswith(f"{OP}: "), f"{what}: the message does not name the operation: {message}"
    for fragment in fragments:
        assert fragment in message, f"{what}: the message does not mention {fragment!r}: {message}"


def test_a_list_instead_of_an_array_is_a_type_error_naming_the_argument():
    for implementation, container in (("reference", "numpy.ndarray"), ("accelerated", "torch.Tensor")):
        message = str(_raised(implementation, (X1, [[[1.0, 1.0]]], None), {}))
        assert message.startswith(f"{OP}: weight must be a {container}, got list"), f"{implementation}: {message}"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=conv_transpose_cases())
def test_inputs_are_never_modified(implementation, case):
    before = case.copies()
    if implementation == "reference":
        arguments = case.arrays()
        result = reference.conv_transpose(*arguments, **case.params)
        assert all(result is not a for a in arguments), case.describe()
        after = arguments
    else:
        tensors = [to_torch(a) for a in case.arrays()]
        accelerated.conv_transpose(*tensors, **case.params)
        after = [to_numpy(t) for t in tensors]
    for name, old, new in zip(case.inputs, before, after):
        if old is not None:
            assert_identical(old, new, f"{implementation} {case.describe()}: input {name!r}")
