"""Reference activations and dense layers: relu, sigmoid, softmax, flatten, dense (numpy).

Rules (NaN, infinities, layouts): :mod:`convspec.spec.activations`. Every value is
computed in float64 (or exactly for ``dtype=object``) and rounded once to the
input dtype.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.activations import check_dense_arguments, check_flatten_arguments, check_softmax_axis
from convspec.spec.limits import check_output_size

from .arrays import accumulator, check_array, check_same_dtype, incomparable_error, refuse_object, zeros


def relu(x):
    """Rectified linear unit, element-wise: ``y = x if x > 0 else 0``; NaN stays NaN.

    Args:
        x: floating array of any shape (or ``dtype=object`` of comparable numbers: ints,
            ``Fraction`` values, sympy numbers; a free symbol has no decidable sign: TypeError).

    Returns:
        An array of ``x``'s shape and dtype.

    Example: ``relu([-2, 0, 3]) = [0, 0, 3]``.
    """
    x = check_array("relu", "x", x)
    out = np.empty(x.shape, dtype=x.dtype)
    for index in np.ndindex(x.shape):
        value = x[index]
        try:
            out[index] = value if (value > 0 or value != value) else 0  # value != value: NaN
        except TypeError as error:  # dtype=object: a sympy symbol has no decidable sign
            raise incomparable_error("relu", "x", error) from None
    return out


def sigmoid(x):
    """Logistic sigmoid, element-wise: ``y = 1 / (1 + exp(-x))``.

    Evaluated as ``1 / (1 + exp(-x))`` for ``x >= 0`` and ``exp(x) / (1 + exp(x))``
    for ``x < 0`` (the same number; neither form overflows), in float64.

    Args:
        x: floating array of any shape (``dtype=object`` is refused with a TypeError: exp has
            no exact rational value, and the reference does not round silently).

    Returns:
        An array of ``x``'s shape and dtype, values in ``[0, 1]``.

    Example: ``sigmoid(0) = 0.5``; ``sigmoid(ln 3) = 3/4``.
    """
    x = check_array("sigmoid", "x", x)
    refuse_object("sigmoid", "x", x, "exp of a rational number is irrational")
    values = x.astype(np.float64)
    out = np.empty(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        v = values[index]
        if v >= 0:
            out[index] = 1.0 / (1.0 + np.exp(-v))
        else:  # also NaN: exp(nan) / (1 + exp(nan)) = nan
            e = np.exp(v)
            out[index] = e / (1.0 + e)
    return out.astype(x.dtype)


def softmax(x, *, axis=-1):
    """Softmax along one axis: ``y_i = exp(x_i - m) / sum_j exp(x_j - m)``, ``m = max_j x_j``.

    Every slice along ``axis`` is normalised on its own (a loop over the other
    axes); subtracting the slice maximum is the numerically stable form of
    ``exp(x_i) / sum_j exp(x_j)`` (the same value: ``convspec.spec.activations.softmax_shift_invariance``).

    Args:
        x: floating array, at least 1-D (``dtype=object`` is refused: exp is not exact).
            An empty ``axis`` gives an empty result.
        axis: the axis to normalise over, ``-ndim <= axis < ndim`` (default the last).

    Returns:
        An array of ``x``'s shape and dtype; every slice sums to 1 (up to rounding).

    Example: ``softmax([0, ln 3]) = [1/4, 3/4]``.
    """
    op = "softmax"
    x = check_array(op, "x", x)
    refuse_object(op, "x", x, "exp of a rational number is irrational")
    axis = check_softmax_axis(op, x.shape, axis)
    if x.shape[axis] == 0:  # no slice element: nothing to normalise, an empty result
        return np.empty(x.shape, dtype=x.dtype)
    values = x.astype(np.float64)
    out = np.empty(x.shape, dtype=np.float64)
    others = [range(size) if a != axis else [slice(None)] for a, size in enumerate(x.shape)]
    with np.errstate(invalid="ignore"):
        for index in product(*others):
            row = values[index]
            m = np.max(row)  # NaN if the slice holds a NaN
            e = np.exp(row - m)  # inf - inf and -inf - -inf are NaN: the slice becomes NaN
            out[index] = e / np.sum(e)
    return out.astype(x.dtype)


def flatten(x):
    """``(N, d_1, ..., d_r) -> (N, d_1 d_2 ... d_r)``: each batch entry's values in row-major order.

    Definition: ``y[b, f] = x[b, i_1, ..., i_r]`` with
    ``f = i_1 d_2 ... d_r + i_2 d_3 ... d_r + ... + i_r`` (``torch.flatten(x, 1)``).

    Args:
        x: floating array ``(N, d_1, ...)``, at least 2-D.

    Returns:
        ``(N, prod(d))`` array of ``x``'s dtype (a copy).

    Example: ``(1, 2, 2, 2)`` with channel 0 ``[[1, 2], [3, 4]]`` and channel 1
    ``[[5, 6], [7, 8]]`` flattens to ``[[1, 2, 3, 4, 5, 6, 7, 8]]``.
    """
    op = "flatten"
    x = check_array(op, "x", x)
    check_flatten_arguments(op, x.shape)
    features = int(np.prod(x.shape[1:]))
    out = np.empty((x.shape[0], features), dtype=x.dtype)
    for b in range(x.shape[0]):
        for position in np.ndindex(x.shape[1:]):
            out[b, np.ravel_multi_index(position, x.shape[1:])] = x[(b, *position)]
    return out


def dense(x, weight, bias=None):
    """A fully connected layer: ``y[b, o] = bias[o] + sum_i x[b, i] * weight[o, i]``.

    Args:
        x: ``(N, n_in)`` floating array (flatten a feature map first).
        weight: ``(n_out, n_in)`` (PyTorch ``F.linear``'s layout).
        bias: ``(n_out,)`` or ``None``.

    Returns:
        ``(N, n_out)`` array of ``x``'s dtype; sums in float64, rounded once.

    Example: ``dense([[1, 2]], [[3, 4], [5, 6]], [10, 20]) = [[21, 37]]``
    (``10 + 1*3 + 2*4``, ``20 + 1*5 + 2*6``).
    """
    op = "dense"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    check_dense_arguments(op, x.shape, weight.shape, None if bias is None else bias.shape)
    check_output_size(op, (x.shape[0], weight.shape[0]), x.dtype)
    xs, ws = accumulator(x), accumulator(weight)
    out = zeros((x.shape[0], weight.shape[0]), like=x)
    for b in range(x.shape[0]):
        for o in range(weight.shape[0]):
            total = accumulator(bias)[o] if bias is not None else 0
            for i in range(x.shape[1]):
                total = total + xs[b, i] * ws[o, i]
            out[b, o] = total
    return out.astype(x.dtype)
