"""Fast activations and dense layers: relu, sigmoid, softmax, flatten, dense (torch).

Same names, signatures and semantics as :mod:`convspec.reference.activations`;
takes and returns ``torch.Tensor`` on the input's device, float16, bfloat16,
float32 and float64, autograd flowing through. Rules: :mod:`convspec.spec.activations`.
Each is the native torch call (``torch.relu``, ``torch.sigmoid``, ``torch.softmax``,
``torch.flatten(x, 1)``, ``F.linear``) after convspec's argument checks; sigmoid takes
``exp(x)`` below -40, where ``torch.sigmoid``'s ``1 / (1 + exp(-x))`` overflows to 0.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec.spec.activations import check_dense_arguments, check_flatten_arguments, check_softmax_axis
from convspec.spec.conventions import dtype_mismatch_error

from . import _plans
from ._tensors import SPEC_DTYPES, check_same_device, key_of
from ._tensors import check_tensor as _check_tensor
from ._tensors import dtype_name as _name

# bound once: softmax's and flatten's inline checks take a few tens of nanoseconds, where an attribute read counts
_Tensor, _STRIDED, _softmax, _flatten = torch.Tensor, torch.strided, torch.softmax, torch.flatten

#: below it sigmoid(x) is exp(x) to within float64 rounding (exp(-40) = 4.2e-18 < 2^-57)
_EXP_TAIL = -40.0


def relu(x):
    """``max(0, x)`` element-wise, NaN propagating; see :func:`convspec.reference.activations.relu`."""
    _check_tensor("relu", "x", x)
    return torch.relu(x)


def sigmoid(x):
    """``1 / (1 + exp(-x))`` element-wise; see :func:`convspec.reference.activations.sigmoid`."""
    _check_tensor("sigmoid", "x", x)
    # torch.sigmoid is 1 / (1 + exp(-x)): exp(-x) overflows below -88.7 (float32, bfloat16) or -709.8
    # (float64) and the result becomes 0 where sigmoid(x) is still a positive (subnormal) number.
    # Below _EXP_TAIL, sigmoid(x) = exp(x) / (1 + exp(x)) is exp(x) to within a rounding (exp(x) < 2^-57);
    # the minimum keeps exp finite in the branch torch.where discards (no inf * 0 = NaN in its gradient).
    # One read-only pass finds whether any element is that far out (or NaN, which amin propagates); the
    # common case is then torch.sigmoid alone instead of four passes. float16 needs no pass: torch computes it
    # in float32, where exp(-x) overflows only below -88.7, and there sigmoid(x) < 2^-127 is 0 in float16 anyway
    # (the same bits as with the pass for every float16 value: tests/test_activations.py).
    if x.dtype is torch.float16 or x.numel() == 0 or bool(torch.amin(x) >= _EXP_TAIL):
        return torch.sigmoid(x)
    tail = torch.exp(torch.clamp(x, max=_EXP_TAIL))
    return torch.where(x < _EXP_TAIL, tail, torch.sigmoid(x))


def softmax(x, *, axis=-1):
    """Stable softmax along ``axis``; see :func:`convspec.reference.activations.softmax`."""
    # The common call, checked inline: on an 8 x 1000 input torch.softmax takes 6 us, and calling the checks
    # below would add 0.7 us to it. The condition implies every one of them (an int that is not a bool, a dense
    # tensor with values, of a spec dtype, at least one axis, the axis in range), so nothing they refuse gets through; anything else
    # goes on to them, which name the rule broken.
    if (type(axis) is int and isinstance(x, _Tensor) and x.dtype in SPEC_DTYPES and x.layout is _STRIDED and not x.is_meta
            and -(n := x.ndim) <= axis < n):
        return _softmax(x, axis)
    op = "softmax"
    _check_tensor(op, "x", x)
    axis = check_softmax_axis(op, tuple(x.shape), axis)
    return torch.softmax(x, dim=axis)


def flatten(x):
    """``(N, d_1, ...) -> (N, prod(d))`` row-major; see :func:`convspec.reference.activations.flatten`."""
    # the common call, checked inline as softmax's (a 2-D x goes on below: it is copied, not returned as itself)
    if isinstance(x, _Tensor) and x.dtype in SPEC_DTYPES and x.layout is _STRIDED and not x.is_meta and x.ndim > 2:
        return _flatten(x, 1)
    op = "flatten"
    _check_tensor(op, "x", x)
    check_flatten_arguments(op, tuple(x.shape))
    return torch.flatten(x, 1).clone() if x.dim() == 2 else torch.flatten(x, 1)


def dense(x, weight, bias=None):
    """``x @ weight.T + bias``; see :func:`convspec.reference.activations.dense`."""
    op = "dense"
    key = None
    if isinstance(x, torch.Tensor) and isinstance(weight, torch.Tensor) and (bias is None or isinstance(bias, torch.Tensor)):
        key = (op, key_of(x), key_of(weight), key_of(bias))
    outputs = None if key is None else _plans.get(key)
    if outputs is None:  # the checks, once per configuration (see convspec.accelerated._plans)
        _check_tensor(op, "x", x)
        _check_tensor(op, "weight", weight)
        if bias is not None:
            _check_tensor(op, "bias", bias)
        for name, other in (("weight", weight), ("bias", bias)):
            if other is not None and other.dtype != x.dtype:
                raise dtype_mismatch_error(op, name, _name(other.dtype), _name(x.dtype))
            if other is not None:
                check_same_device(op, name, other, "x", x)
        check_dense_arguments(op, tuple(x.shape), tuple(weight.shape), None if bias is None else tuple(bias.shape))
        outputs = _plans.Outputs(op, [((x.shape[0], weight.shape[0]), "output")])
        if key is not None:
            _plans.store(key, outputs)
    outputs.check(x.dtype)
    return F.linear(x, weight, bias)


