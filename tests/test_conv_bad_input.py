"""The convolution family on bad input: the reference and the accelerated implementation raise the same
error, and no implementation modifies its inputs. (The closed forms: tests/test_conv.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated, reference

from conv_helpers import (
    CONV_FAMILY_IDS,
    CONV_OPS,
    IMPLEMENTATIONS,
    PADDING_FORMS,
    assert_identical,
    cases_of,
    run,
    to_numpy,
    to_torch,
)


# --------------------------------------------------------------------------------------
# 1. Bad input: the same error from both implementations; inputs never modified
# --------------------------------------------------------------------------------------


def _a(*shape, dtype="float32"):
    return np.ones(shape, dtype=dtype)


X1, W1 = _a(1, 1, 5), _a(1, 1, 2)  # a valid 1-D call
X2, W2 = _a(1, 1, 4, 4), _a(1, 1, 2, 2)  # a valid 2-D call
DS_X, DS_DW, DS_PW = _a(1, 2, 5), _a(2, 1, 2), _a(1, 2, 1)  # a valid depthwise_separable call (C_in 2, m 1, C_out 1)

# rule: (arrays, params, exception, fragments the message must contain besides the operation's name)
CONV_RULES = {
    "x is 2-D": ((_a(3, 4), W1, None), {}, ValueError, ["x", "(3, 4)", "2-D"]),
    "x has an empty channel axis": ((_a(1, 0, 5), W1, None), {}, ValueError, ["x", "(1, 0, 5)"]),
    "weight rank differs from x": ((X1, W2, None), {}, ValueError, ["weight", "(1, 1, 2, 2)", "(1, 1, 5)"]),
    "weight has an empty axis": ((X1, _a(1, 1, 0), None), {}, ValueError, ["weight", "(1, 1, 0)"]),
    "weight channels differ from x": ((_a(1, 2, 5), _a(1, 3, 2), None), {}, ValueError, ["weight", "(1, 3, 2)", "C_in/groups = 2/1 = 2"]),
    "groups does not divide C_in": ((_a(1, 3, 5), _a(2, 1, 2), None), {"groups": 2}, ValueError, ["groups=2", "C_in=3"]),
    "groups does not divide C_out": ((_a(1, 2, 5), _a(3, 1, 2), None), {"groups": 2}, ValueError, ["groups=2", "C_out=3"]),
    "groups is zero": ((X1, W1, None), {"groups": 0}, ValueError, ["groups", "0"]),
    "groups is a bool": ((X1, W1, None), {"groups": True}, TypeError, ["groups", "True"]),
    "stride is zero": ((X1, W1, None), {"stride": 0}, ValueError, ["stride", "0"]),
    "stride is negative on one axis": ((X2, W2, None), {"stride": (1, -2)}, ValueError, ["stride", "(1, -2)"]),
    "stride has too many entries": ((X2, W2, None), {"stride": (1, 1, 1)}, ValueError, ["stride", "(1, 1, 1)"]),
    "stride is a bool": ((X1, W1, None), {"stride": True}, TypeError, ["stride", "True"]),
    "stride is a float": ((X1, W1, None), {"stride": 2.0}, TypeError, ["stride", "2.0", "float"]),
    "stride has a float entry": ((X2, W2, None), {"stride": (1, 1.5)}, TypeError, ["stride", "1.5"]),
    "dilation is zero": ((X1, W1, None), {"dilation": 0}, ValueError, ["dilation", "0"]),
    "dilation is a bool": ((X1, W1, None), {"dilation": False}, TypeError, ["dilation", "False"]),
    "dilation is a float": ((X1, W1, None), {"dilation": 1.0}, TypeError, ["dilation", "1.0"]),
    "kernel larger than the input": ((_a(1, 1, 3), _a(1, 1, 5), None), {}, ValueError, ["kernel", "size 5", "3 + 0 + 0 = 3", "spans 5"]),
    "dilated kernel larger than the input": ((X1, _a(1, 1, 3), None), {"dilation": 3}, ValueError, ["kernel", "dilation 3", "spans 7"]),
    "kernel larger than the padded input": ((_a(1, 1, 2, 4), _a(1, 1, 4, 2), None), {"padding": ((0, 1), 0)}, ValueError, ["kernel", "2 + 0 + 1 = 3", "spans 4"]),
    "unknown padding string": ((X1, W1, None), {"padding": "SAME"}, ValueError, ["padding", "'SAME'"]),
    "padding tuple of the wrong length": ((X2, W2, None), {"padding": (1, 1, 1)}, ValueError, ["padding", "(1, 1, 1)"]),
    "1-D padding written (lo, hi)": ((X1, W1, None), {"padding": (1, 2)}, ValueError, ["padding", "(1, 2)", "((1, 2),)"]),
    "padding entry of three": ((X2, W2, None), {"padding": ((1, 2, 3), 0)}, ValueError, ["padding", "(1, 2, 3)"]),
    "padding is a float": ((X1, W1, None), {"padding": 1.0}, TypeError, ["padding", "1.0"]),
    "padding is negative": ((X1, W1, None), {"padding": -1}, ValueError, ["padding", "-1"]),
    "padding is negative on one side": ((X1, W1, None), {"padding": ((0, -1),)}, ValueError, ["padding", "((0, -1),)"]),
    "bias of the wrong length": ((X1, W1, _a(2)), {}, ValueError, ["bias", "(2,)", "(1,)"]),
    "bias of the wrong rank": ((X1, W1, _a(1, 1)), {}, ValueError, ["bias", "(1, 1)"]),
    "x has an integer dtype": ((_a(1, 1, 5, dtype="int64"), W1, None), {}, TypeError, ["x", "int64"]),
    "weight has an integer dtype": ((X1, _a(1, 1, 2, dtype="int32"), None), {}, TypeError, ["weight", "int32"]),
    "x is bool": ((_a(1, 1, 5, dtype="bool"), W1, None), {}, TypeError, ["x", "bool"]),
    "weight dtype differs from x": ((X1, _a(1, 1, 2, dtype="float64"), None), {}, TypeError, ["weight", "float64", "float32"]),
    "bias dtype differs from x": ((X1, W1, _a(1, dtype="float16")), {}, TypeError, ["bias", "float16", "float32"]),
}

DS_RULES = {
    "x is 2-D": ((_a(2, 5), DS_DW, DS_PW, None), {}, ValueError, ["x", "(2, 5)"]),
    "depthwise rows not a multiple of C_in": ((DS_X, _a(3, 1, 2), _a(1, 3, 1), None), {}, ValueError, ["depthwise_weight", "(3, 1, 2)", "C_in=2"]),
    "depthwise_weight.shape[1] is not 1": ((DS_X, _a(2, 2, 2), DS_PW, None), {}, ValueError, ["depthwise_weight", "(2, 2, 2)"]),
    "depthwise rank differs from x": ((DS_X, _a(2, 1, 2, 2), DS_PW, None), {}, ValueError, ["depthwise_weight", "(2, 1, 2, 2)"]),
    "pointwise has the wrong channel count": ((DS_X, DS_DW, _a(1, 3, 1), None), {}, ValueError, ["pointwise_weight", "(1, 3, 1)", "(C_out, 2, 1)"]),
    "pointwise kernel is not 1": ((DS_X, DS_DW, _a(1, 2, 2), None), {}, ValueError, ["pointwise_weight", "(1, 2, 2)"]),
    "pointwise rank differs from x": ((DS_X, DS_DW, _a(1, 2), None), {}, ValueError, ["pointwise_weight", "(1, 2)"]),
    "pointwise has no output channels": ((DS_X, DS_DW, _a(0, 2, 1), None), {}, ValueError, ["pointwise_weight", "(0, 2, 1)"]),
    "bias of the wrong length": ((DS_X, DS_DW, DS_PW, _a(3)), {}, ValueError, ["bias", "(3,)", "(1,)"]),
    "stride is zero": ((DS_X, DS_DW, DS_PW, None), {"stride": 0}, ValueError, ["stride", "0"]),
    "stride is a bool": ((DS_X, DS_DW, DS_PW, None), {"stride": True}, TypeError, ["stride", "True"]),
    "dilation is a float": ((DS_X, DS_DW, DS_PW, None), {"dilation": 2.0}, TypeError, ["dilation", "2.0"]),
    "unknown padding string": ((DS_X, DS_DW, DS_PW, None), {"padding": "causal"}, ValueError, ["padding", "'causal'"]),
    "1-D padding written (lo, hi)": ((DS_X, DS_DW, DS_PW, None), {"padding": (0, 1)}, ValueError, ["padding", "((0, 1),)"]),
    "padding is negative": ((DS_X, DS_DW, DS_PW, None), {"padding": -2}, ValueError, ["padding", "-2"]),
    "kernel larger than the input": ((DS_X, _a(2, 1, 6), DS_PW, None), {}, ValueError, ["kernel", "size 6"]),
    "x has an integer dtype": ((_a(1, 2, 5, dtype="int64"), DS_DW, DS_PW, None), {}, TypeError, ["x", "int64"]),
    "pointwise dtype differs from x": ((DS_X, DS_DW, _a(1, 2, 1, dtype="float64"), None), {}, TypeError, ["pointwise_weight", "float64"]),
    "bias dtype differs from x": ((DS_X, DS_DW, DS_PW, _a(1, dtype="float16")), {}, TypeError, ["bias", "float16"]),
}

BAD_CALLS = [(op, rule, *spec) for op in CONV_OPS for rule, spec in CONV_RULES.items()] + [
    ("depthwise_separable", rule, *spec) for rule, spec in DS_RULES.items()
]


def _raised(implementation: str, op: str, arrays, params) -> Exception:
    with pytest.raises(Exception) as info:
        run(implementation, op, *arrays, **params)
    return info.value


@pytest.mark.parametrize(
    "op, rule, arrays, params, error, fragments", BAD_CALLS, ids=[f"{op}-{rule}" for op, rule, *_ in BAD_CALLS]
)
def test_bad_input_raises_the_same_error_in_reference_and_accelerated(op, rule, arrays, params, error, fragments):
    what = f"{op}({', '.join('None' if a is None else f'{a.dtype}{a.shape}' for a in arrays)}, {params}) [{rule}]"
    from_reference = _raised("reference", op, arrays, params)
    from_accelerated = _raised("accelerated", op, arrays, params)
    assert type(from_reference) is error, f"reference {what}: {type(from_reference).__name__}: {from_reference}"
    assert type(from_accelerated) is error, f"accelerated {what}: {type(from_accelerated).__name__}: {from_accelerated}"
    assert str(from_reference) == str(from_accelerated), (
        f"{what}: messages differ\n  reference:   {from_reference}\n  accelerated: {from_accelerated}"
    )
    message = str(from_reference)
    assert message.startswith(f"{op}: "), f"{what}: the message does not name the operation: {message}"
    for fragment in fragments:
        assert fragment in message, f"{what}: the message does not mention {fragment!r}: {message}"


CONTAINER_CALLS = [
    ("correlate", "x", ([[[1.0, 2.0, 3.0]]], W1, None)),
    ("convolve", "x", ([[[1.0, 2.0, 3.0]]], W1, None)),
    ("correlate", "weight", (X1, [[[1.0]]], None)),
    ("convolve", "bias", (X1, W1, [1.0])),
    ("depthwise_separable", "x", ([[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]], DS_DW, DS_PW, None)),
    ("depthwise_separable", "pointwise_weight", (DS_X, DS_DW, [[[1.0], [1.0]]], None)),
]


@pytest.mark.parametrize("op, name, arrays", CONTAINER_CALLS, ids=[f"{op}-{name}-list" for op, name, _ in CONTAINER_CALLS])
def test_a_list_instead_of_an_array_is_a_type_error_naming_the_argument(op, name, arrays):
    """The one message that differs by design: numpy.ndarray for the reference, torch.Tensor for accelerated."""
    for implementation, container in (("reference", "numpy.ndarray"), ("accelerated", "torch.Tensor")):
        error = _raised(implementation, op, arrays, {})
        message = str(error)
        what = f"{implementation} {op} with {name} a list"
        assert type(error) is TypeError, f"{what}: {type(error).__name__}: {message}"
        assert message.startswith(f"{op}: {name} must be a {container}, got list"), f"{what}: {message}"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("form", PADDING_FORMS)
@pytest.mark.parametrize("op", CONV_FAMILY_IDS)
@given(data=st.data())
def test_inputs_are_never_modified(op, form, implementation, data):
    case = data.draw(cases_of(op, forms=(form,), dtypes=("float16", "float32", "float64")))
    before = case.copies()
    if implementation == "reference":
        arguments = case.arrays()
        reference_result = getattr(reference, op)(*arguments, **case.params)
        assert all(reference_result is not a for a in arguments), f"reference {case.describe()} returned an input"
        after = arguments
    else:
        tensors = [to_torch(a) for a in case.arrays()]
        getattr(accelerated, op)(*tensors, **case.params)
        after = [to_numpy(t) for t in tensors]
    for name, old, new in zip(case.inputs, before, after):
        if old is not None:
            assert_identical(old, new, f"{implementation} {case.describe()}: input {name!r}")
