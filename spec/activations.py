"""Closed forms and argument checks for activations and dense layers: relu, sigmoid, softmax, flatten, dense.

These are the operations that turn a stack of convolutions into a classifier
(seed 002's Keras LeNet: ``Conv2D(..., activation='relu')``, ``MaxPooling2D``,
``Flatten()``, ``Dense(64, activation='relu')``, ``Dense(10, activation='softmax')``).
Every function here is a formula: called with sympy symbols it returns the sympy
expression, called with numbers it evaluates.

Symbols: ``x`` an input value, ``n`` the length of the softmax axis, ``n_in`` /
``n_out`` a dense layer's input and output features, ``N`` the batch.

Conventions (RFC 2119 words; dtypes and errors: :mod:`convspec.spec.conventions`)
------------------------------------------------------------------------------------
* relu, sigmoid and softmax take any shape (0-D included) and keep it; flatten and
  dense work on a batch: axis 0 is ``N`` and is never mixed.
* ``relu(x) = max(0, x)``; NaN **must** propagate (``relu(nan) = nan``, as
  ``torch.relu``); the sign of a zero result is left open (**may** be ``-0.0``).
* ``sigmoid(x) = 1 / (1 + exp(-x))``; it **must** not overflow for large ``|x|``
  (``sigmoid(-1000) = 0``, ``sigmoid(1000) = 1``); NaN propagates.
* ``softmax(x, axis=-1)`` normalises along one axis:
  ``y_i = exp(x_i - m) / sum_j exp(x_j - m)`` with ``m = max_j x_j``: subtracting the
  maximum changes nothing (:func:`softmax_shift_invariance`) but keeps every
  ``exp`` at most 1, so no finite input overflows. A NaN in a slice makes the whole
  slice NaN; a slice holding ``+inf`` or only ``-inf`` gives NaN (as ``torch.softmax``);
  a ``-inf`` among finite values gives 0 there.
* ``flatten(x)``: ``(N, d_1, ..., d_r) -> (N, d_1 d_2 ... d_r)`` in row-major (C) order,
  as ``torch.flatten(x, 1)`` on ``(N, C, H, W)``. (Keras ``Flatten`` on a channels-last
  ``(N, H, W, C)`` tensor orders the features differently: ``(h, w, c)``, not ``(c, h, w)``.)
* ``dense(x, weight, bias=None)``: ``y[b, o] = bias[o] + sum_i x[b, i] weight[o, i]``,
  ``x`` is ``(N, n_in)``, ``weight`` ``(n_out, n_in)`` (PyTorch ``F.linear``'s layout;
  Keras' kernel is the transpose, ``(n_in, n_out)``), ``bias`` ``(n_out,)``.
"""

from __future__ import annotations

import math
import operator
from typing import Sequence

from .symbolic import is_symbolic, Symbol, symbols, sympy

from .conventions import check_flag, check_number, check_size, check_sizes

x = Symbol("x", real=True)
n = Symbol("n", integer=True, positive=True)
n_in, n_out = symbols("n_in n_out", integer=True, positive=True)
batch = Symbol("N", integer=True, positive=True)


def relu(x=x):
    """``max(0, x)``.

    >>> relu(-2), relu(3)
    (0, 3)
    """
    x = check_number("relu", "x", x, finite=False)
    return sympy.Max(0, x)


def sigmoid(x=x):
    """``1 / (1 + exp(-x))``.

    >>> sigmoid(0)
    1/2
    """
    x = check_number("sigmoid", "x", x, finite=False)
    return 1 / (1 + sympy.exp(-x))


def sigmoid_derivative(x=x):
    """``sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))`` (proved in ``tests/test_activations.py``).

    >>> sigmoid_derivative(0)
    1/4
    """
    x = check_number("sigmoid_derivative", "x", x, finite=False)
    return sigmoid(x) * (1 - sigmoid(x))


def _slice(op, values):
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{op}: values must be a tuple or list (one slice), got {values!r} of type {type(values).__name__}")
    if not values:
        raise ValueError(f"{op}: values must hold at least one value, got an empty {type(values).__name__}")
    return [check_number(op, "values", v, finite=False) for v in values]


def softmax(values: Sequence, i: int):
    """``exp(x_i) / sum_j exp(x_j)`` for the values of one slice.

    >>> softmax([0, 0], 0)
    1/2
    """
    values = _slice("softmax", values)
    i = check_size("softmax", "i", i, minimum=None)
    if is_symbolic(i) or not -len(values) <= i < len(values):
        raise ValueError(f"softmax: i must index the {len(values)} values, -{len(values)} <= i < {len(values)}, got {i!r}")
    return sympy.exp(values[i]) / sum(sympy.exp(v) for v in values)


def softmax_shift_invariance(values: Sequence, shift=Symbol("c", real=True)):
    """``softmax(x - c) - softmax(x)`` simplified, per entry: all zeros, so subtracting the maximum is free.

    >>> softmax_shift_invariance(sympy.symbols("a b"))
    [0, 0]
    """
    values = _slice("softmax_shift_invariance", list(values) if isinstance(values, tuple) else values)
    shift = check_number("softmax_shift_invariance", "shift", shift)
    return [sympy.simplify(softmax([v - shift for v in values], i) - softmax(values, i)) for i in range(len(values))]


def flatten_output_shape(shape: Sequence[int]) -> tuple[int, int]:
    """``(N, d_1 ... d_r)``.

    >>> flatten_output_shape((2, 16, 5, 5))
    (2, 400)
    """
    shape = check_sizes("flatten_output_shape", "shape", shape, minimum=0)
    check_flatten_arguments("flatten_output_shape", shape)
    return (shape[0], math.prod(shape[1:]))


def dense_output_shape(x_shape: Sequence[int], weight_shape: Sequence[int]) -> tuple[int, int]:
    """``(N, n_out)``.

    >>> dense_output_shape((2, 400), (120, 400))
    (2, 120)
    """
    x_shape = check_sizes("dense_output_shape", "x_shape", x_shape, minimum=0)
    weight_shape = check_sizes("dense_output_shape", "weight_shape", weight_shape, minimum=0)
    check_dense_arguments("dense_output_shape", x_shape, weight_shape, None)
    return (x_shape[0], weight_shape[0])


def dense_parameter_count(n_in=n_in, n_out=n_out, bias=True):
    """``n_in n_out + n_out``: seed 002's ``Dense(64)`` after ``Flatten`` of ``3x3x64`` has ``576*64 + 64 = 36928``.

    >>> dense_parameter_count(576, 64), dense_parameter_count(64, 10)
    (36928, 650)
    """
    op = "dense_parameter_count"
    n_in, n_out, bias = check_size(op, "n_in", n_in), check_size(op, "n_out", n_out), check_flag(op, "bias", bias)
    return n_in * n_out + (n_out if bias else 0)


def dense_multiply_adds(n_in=n_in, n_out=n_out, batch=batch):
    """``N n_in n_out``.

    >>> dense_multiply_adds(400, 120, 1)
    48000
    """
    op = "dense_multiply_adds"
    n_in, n_out, batch = check_size(op, "n_in", n_in), check_size(op, "n_out", n_out), check_size(op, "batch", batch)
    return batch * n_in * n_out


def activation_parameter_count():
    """Activations and flatten have no parameters: 0.

    >>> activation_parameter_count()
    0
    """
    return 0


def check_softmax_axis(op: str, shape: Sequence[int], axis: object) -> int:
    """``axis`` must be an int in ``[-ndim, ndim)``; returns it as a non-negative axis."""
    if isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an int, got the bool {axis!r}")
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__} {axis!r}") from None
    ndim = len(shape)
    if ndim == 0:
        raise ValueError(f"{op}: x must have at least one axis to normalise over, got a 0-D array")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis must lie in [-{ndim}, {ndim}) for x of shape {tuple(shape)!r}, got {axis}")
    return axis % ndim


def check_flatten_arguments(op: str, shape: Sequence[int]) -> None:
    """``x`` must be at least 2-D: ``(N, d_1, ...)``."""
    if len(shape) < 2:
        raise ValueError(f"{op}: x must have shape (N, d_1, ...) with at least 2 axes, got shape {tuple(shape)!r}")


def check_dense_arguments(op: str, x_shape, weight_shape, bias_shape) -> None:
    """``x`` ``(N, n_in)``, ``weight`` ``(n_out, n_in)``, ``bias`` ``(n_out,)`` or ``None``."""
    if len(x_shape) != 2:
        raise ValueError(f"{op}: x must have shape (N, n_in), got shape {tuple(x_shape)!r}; flatten it first")
    if len(weight_shape) != 2:
        raise ValueError(f"{op}: weight must have shape (n_out, n_in), got shape {tuple(weight_shape)!r}")
    if weight_shape[1] != x_shape[1]:
        raise ValueError(
            f"{op}: weight has shape {tuple(weight_shape)!r} but x has {x_shape[1]} features; "
            f"weight must be (n_out, {x_shape[1]})"
        )
    if bias_shape is not None and tuple(bias_shape) != (weight_shape[0],):
        raise ValueError(f"{op}: bias must have shape ({weight_shape[0]},), got shape {tuple(bias_shape)!r}")


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

NON_FINITE: dict[str, str] = {
    "relu": (
        "Elementwise, no arithmetic, and it **must** hold: ``relu(nan) = nan``, ``relu(+inf) = +inf``, ``relu(-inf) = 0``; "
        "every other element is unaffected."
    ),
    "sigmoid": (
        "Elementwise, and it **must** hold: ``sigmoid(nan) = nan``, ``sigmoid(+inf) = 1``, ``sigmoid(-inf) = 0`` (never "
        "NaN from ``exp`` overflowing); every other element is unaffected."
    ),
    "softmax": (
        "Per slice along ``axis``: a NaN or a ``+inf``, or a slice of only ``-inf``, **must** make "
        "the whole slice NaN (``exp(inf - inf)``, as ``torch.softmax``); a ``-inf`` among finite "
        "values gives exactly 0 there and leaves the others as without it. Other slices are not "
        "affected. No finite input overflows (the maximum is subtracted first)."
    ),
    "flatten": "No arithmetic: NaN and ±inf **must** be copied to their flattened position.",
    "dense": (
        "A NaN at ``x[b, i]`` **must** make the whole row ``y[b, :]`` NaN (``0 · NaN`` included); a "
        "NaN at ``weight[o, i]`` the whole column ``y[:, o]``; a NaN ``bias[o]`` the column too. A "
        "±inf reaches the same outputs as ±inf (the sign of ``inf · w``), NaN for a zero factor or "
        "where opposite infinities meet. Other outputs stay finite. Finite inputs: the sums **may** "
        "overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
}
