"""Closed forms for the convolution family: correlate, convolve, depthwise_separable.

Every function here is a formula. Called with sympy symbols it returns the sympy
expression (the default arguments are the symbols below, so ``conv_output_length()``
is the general formula); called with Python ints it evaluates to an ``int``: the
same code is the symbolic statement and the numeric evaluator. The reference
implementation never calls these: it enumerates window positions itself, and the
tests hold the two derivations against each other.

Symbols (one spatial axis): ``n`` input length, ``k`` kernel size, ``s`` stride,
``d`` dilation, ``p_lo``/``p_hi`` padding before/after, ``p`` symmetric padding.
Conventions (layout, padding forms): :mod:`convspec.spec.conventions`.
"""

from __future__ import annotations

import math
from typing import Sequence

from .symbolic import is_symbolic, symbols, sympy

from .conventions import (
    PADDING_MODES,
    Pairs,
    check_flag,
    check_padding_form,
    check_size,
    check_sizes,
    check_span_fits,
)
from .memo import memoised

n, k, s, d = symbols("n k s d", integer=True, positive=True)
p, p_lo, p_hi = symbols("p p_lo p_hi", integer=True, nonnegative=True)
c_in, c_out, groups, multiplier, batch = symbols("C_in C_out g m N", integer=True, positive=True)


def _is_symbolic(*values: object) -> bool:
    return is_symbolic(*values)


@memoised
def _window(op, n, k, s, p_lo, p_hi, d):
    """The checked sizes of one axis's window: n, k, s, d >= 1 and p_lo, p_hi >= 0 (ints or sympy)."""
    return (
        check_size(op, "n", n), check_size(op, "k", k), check_size(op, "s", s),
        check_size(op, "p_lo", p_lo, minimum=0), check_size(op, "p_hi", p_hi, minimum=0), check_size(op, "d", d),
    )


def _divisor(op, a, b):
    a, b = check_size(op, "a", a, minimum=None), check_size(op, "b", b, minimum=None)
    if not is_symbolic(b) and b == 0 or is_symbolic(b) and b.is_zero:
        raise ValueError(f"{op}: b must be nonzero (it divides), got {b!r}")
    return a, b


def _check_groups(op, groups, *channels):
    """groups >= 1 and, where both are numbers, dividing every channel count given as (name, value)."""
    groups = check_size(op, "groups", groups)
    for name, value in channels:
        if not _is_symbolic(groups, value) and value % groups:
            raise ValueError(f"{op}: groups={groups} must divide {name}={value}")
    return groups


def floor_div(a, b):
    """floor(a / b) for ints or sympy expressions."""
    a, b = _divisor("floor_div", a, b)
    return sympy.floor(a / b) if _is_symbolic(a, b) else a // b


def ceil_div(a, b):
    """ceil(a / b) for ints or sympy expressions."""
    a, b = _divisor("ceil_div", a, b)
    return sympy.ceiling(a / b) if _is_symbolic(a, b) else -(-a // b)


def maximum(a, b):
    """max(a, b) for ints or sympy expressions."""
    a, b = check_size("maximum", "a", a, minimum=None), check_size("maximum", "b", b, minimum=None)
    return sympy.Max(a, b) if _is_symbolic(a, b) else max(a, b)


def _per_group(channels, groups):
    """Channels per group: ``channels / groups`` (an exact division by the conventions)."""
    return channels / groups if _is_symbolic(channels, groups) else channels // groups


def effective_kernel_size(k=k, d=d):
    """The span of a dilated kernel: ``d (k - 1) + 1``.

    Conditions: k >= 1, d >= 1. Example: a 3-tap kernel with dilation 2 spans 5.

    >>> effective_kernel_size(3, 2)
    5
    """
    k, d = check_size("effective_kernel_size", "k", k), check_size("effective_kernel_size", "d", d)
    return d * (k - 1) + 1


def conv_output_length(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d):
    """Number of windows along one axis: ``floor((n + p_lo + p_hi - d(k-1) - 1) / s) + 1``.

    Conditions: n + p_lo + p_hi >= d (k - 1) + 1 (at least one window fits),
    s, d, k >= 1, p_lo, p_hi >= 0. With p_lo = p_hi = p, d = 1 this is seed 004's
    ``floor((J + 2P - M) / S) + 1`` and seed 001's ``floor((n + 2p - f) / s) + 1``.

    Example: the seeds' 6x6 image, 3x3 filter, stride 3, no padding:
    ``floor((6 - 3) / 3) + 1 = 2``.

    >>> conv_output_length(6, 3, 3, 0, 0, 1)
    2
    """
    n, k, s, p_lo, p_hi, d = _window("conv_output_length", n, k, s, p_lo, p_hi, d)
    check_span_fits("conv_output_length", n, k, p_lo, p_hi, d)
    return floor_div(n + p_lo + p_hi - effective_kernel_size(k, d), s) + 1


def conv_output_length_condition(n=n, k=k, p_lo=p_lo, p_hi=p_hi, d=d):
    """The condition under which :func:`conv_output_length` holds: one window fits."""
    n, k, _, p_lo, p_hi, d = _window("conv_output_length_condition", n, k, 1, p_lo, p_hi, d)
    return sympy.Ge(n + p_lo + p_hi, effective_kernel_size(k, d))


def same_total_padding(n=n, k=k, s=s, d=d):
    """Total padding of ``"same"``: ``max((ceil(n/s) - 1) s + d(k-1) + 1 - n, 0)``.

    The least padding that lets ``ceil(n/s)`` windows fit. Example: n=5, k=4, s=2:
    ``(3 - 1) * 2 + 4 - 5 = 3`` zeros, split 1 low / 2 high by ``"same"``.

    >>> same_total_padding(5, 4, 2, 1)
    3
    """
    n, k, s, _, _, d = _window("same_total_padding", n, k, s, 0, 0, d)
    return maximum((ceil_div(n, s) - 1) * s + effective_kernel_size(k, d) - n, 0)


def same_padding(n=n, k=k, s=s, d=d):
    """``(lo, hi)`` of ``"same"``: ``lo = floor(total / 2)``, ``hi = total - lo`` (extra zero high).

    >>> same_padding(5, 4, 2, 1)
    (1, 2)
    """
    n, k, s, _, _, d = _window("same_padding", n, k, s, 0, 0, d)
    total = same_total_padding(n, k, s, d)
    lo = floor_div(total, 2)
    return lo, total - lo


def same_lower_padding(n=n, k=k, s=s, d=d):
    """``(lo, hi)`` of ``"same_lower"``: the extra zero of an odd total goes low.

    >>> same_lower_padding(5, 4, 2, 1)
    (2, 1)
    """
    n, k, s, _, _, d = _window("same_lower_padding", n, k, s, 0, 0, d)
    lo, hi = same_padding(n, k, s, d)
    return hi, lo


def full_padding(k=k, d=d):
    """``(lo, hi)`` of ``"full"``: ``d(k-1)`` zeros on each side.

    >>> full_padding(3, 1)
    (2, 2)
    """
    k, d = check_size("full_padding", "k", k), check_size("full_padding", "d", d)
    edge = effective_kernel_size(k, d) - 1
    return edge, edge


def same_output_length(n=n, s=s):
    """Output length of ``"same"`` and ``"same_lower"``: ``ceil(n / s)``.

    >>> same_output_length(5, 2)
    3
    """
    n, s = check_size("same_output_length", "n", n), check_size("same_output_length", "s", s)
    return ceil_div(n, s)


def padding_pair(mode_or_pair, n=n, k=k, s=s, d=d):
    """The ``(lo, hi)`` a padding form resolves to on one axis: a mode string or a ``(lo, hi)`` pair."""
    n, k, s, _, _, d = _window("padding_pair", n, k, s, 0, 0, d)
    if isinstance(mode_or_pair, str) or not isinstance(mode_or_pair, (tuple, list)):
        check_padding_form("padding_pair", mode_or_pair)
    if mode_or_pair == "valid":
        return 0, 0
    if mode_or_pair == "same":
        return same_padding(n, k, s, d)
    if mode_or_pair == "same_lower":
        return same_lower_padding(n, k, s, d)
    if mode_or_pair == "full":
        return full_padding(k, d)
    ((lo, hi),) = check_padding_form("padding_pair", (mode_or_pair,))
    return lo, hi


def _check_axes(op, input_size, kernel_size, stride, dilation):
    """Per-axis sizes of one rank: input, kernel, stride, dilation (each >= 1)."""
    input_size = check_sizes(op, "input_size", input_size)
    rank = len(input_size)
    return (
        input_size,
        check_sizes(op, "kernel_size", kernel_size, length=rank),
        check_sizes(op, "stride", stride, length=rank),
        check_sizes(op, "dilation", dilation, length=rank),
    )


@memoised
def resolve_padding(
    padding: str | Pairs,
    input_size: Sequence[int],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> Pairs:
    """Resolve a normalised padding (mode string or pairs) to one ``(lo, hi)`` per axis.

    >>> resolve_padding("same", (5, 6), (4, 3), (2, 1), (1, 1))
    ((1, 2), (1, 1))
    """
    input_size, kernel_size, stride, dilation = _check_axes("resolve_padding", input_size, kernel_size, stride, dilation)
    padding = check_padding_form("resolve_padding", padding, len(input_size))
    if isinstance(padding, str):
        return tuple(
            padding_pair(padding, n_, k_, s_, d_)
            for n_, k_, s_, d_ in zip(input_size, kernel_size, stride, dilation)
        )
    return tuple(padding)


def conv_output_shape(
    x_shape: Sequence[int],
    weight_shape: Sequence[int],
    *,
    stride: Sequence[int],
    padding: str | Pairs,
    dilation: Sequence[int],
) -> tuple[int, ...]:
    """``(N, C_out, *out)`` of a correlation/convolution with normalised arguments.

    ``x_shape`` ``(N, C_in, *spatial)`` and ``weight_shape`` ``(C_out, C_in/groups, *kernel)`` of one
    rank; one stride and dilation per spatial axis; ``padding`` a mode or one ``(lo, hi)`` per axis;
    at least one window must fit on every axis.

    >>> conv_output_shape((1, 1, 6, 6), (2, 1, 3, 3), stride=(3, 3), padding="valid", dilation=(1, 1))
    (1, 2, 2, 2)
    """
    x_shape, weight_shape = _check_shapes("conv_output_shape", x_shape, weight_shape)
    kernel = tuple(weight_shape[2:])
    _, kernel, stride, dilation = _check_axes("conv_output_shape", x_shape[2:], kernel, stride, dilation)
    pads = resolve_padding(padding, x_shape[2:], kernel, stride, dilation)
    for axis, (n_, k_, (lo, hi), d_) in enumerate(zip(x_shape[2:], kernel, pads, dilation)):
        check_span_fits("conv_output_shape", n_, k_, lo, hi, d_, where=f" along spatial dim {axis}")
    spatial = tuple(
        conv_output_length(n_, k_, s_, lo, hi, d_)
        for n_, k_, s_, (lo, hi), d_ in zip(x_shape[2:], kernel, stride, pads, dilation)
    )
    return (x_shape[0], weight_shape[0], *spatial)


def _check_shapes(op, x_shape, weight_shape, weight_name="weight_shape"):
    """``x_shape`` ``(N, C, *spatial)`` (N >= 0, the rest >= 1) and a weight shape of the same rank (entries >= 1)."""
    x_shape = check_sizes(op, "x_shape", x_shape, minimum=0)
    if len(x_shape) < 3:
        raise ValueError(f"{op}: x_shape must be (N, C, *spatial) with at least one spatial dim, got {x_shape!r}")
    for value in x_shape[1:]:
        check_size(op, "x_shape", value)
    weight_shape = check_sizes(op, weight_name, weight_shape)
    if len(weight_shape) != len(x_shape):
        raise ValueError(
            f"{op}: {weight_name} {weight_shape!r} must have the rank of x_shape {x_shape!r} ({len(x_shape)} entries)"
        )
    return x_shape, weight_shape


def depthwise_separable_output_shape(
    x_shape: Sequence[int],
    depthwise_weight_shape: Sequence[int],
    pointwise_weight_shape: Sequence[int],
    *,
    stride: Sequence[int],
    padding: str | Pairs,
    dilation: Sequence[int],
) -> tuple[int, ...]:
    """``(N, C_out, *out)``: the depthwise stage sets the spatial size, the pointwise the channels."""
    _check_shapes("depthwise_separable_output_shape", x_shape, depthwise_weight_shape, "depthwise_weight_shape")
    pointwise_weight_shape = check_sizes("depthwise_separable_output_shape", "pointwise_weight_shape", pointwise_weight_shape)
    if not pointwise_weight_shape:
        raise ValueError("depthwise_separable_output_shape: pointwise_weight_shape must not be empty")
    depthwise = conv_output_shape(x_shape, depthwise_weight_shape, stride=stride, padding=padding, dilation=dilation)
    return (depthwise[0], pointwise_weight_shape[0], *depthwise[2:])


def conv_parameter_count(c_in=c_in, c_out=c_out, kernel_size=(k, k), groups=1, bias=True):
    """Weights plus biases: ``C_out * (C_in / g) * prod(kernel) + C_out``.

    Conditions: g divides C_in and C_out. Seed 004: ``(M^2 C + 1) C_out``; seed 002's
    Keras summary: a 3x3 convolution from 32 to 64 channels has
    ``64 * 32 * 9 + 64 = 18496`` parameters.

    >>> conv_parameter_count(32, 64, (3, 3))
    18496
    """
    op = "conv_parameter_count"
    c_in, c_out = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out)
    kernel_size, bias = check_sizes(op, "kernel_size", kernel_size), check_flag(op, "bias", bias)
    groups = _check_groups(op, groups, ("c_in", c_in), ("c_out", c_out))
    weights = c_out * _per_group(c_in, groups) * math.prod(kernel_size)
    return weights + (c_out if bias else 0)


def depthwise_separable_parameter_count(c_in=c_in, c_out=c_out, kernel_size=(k, k), multiplier=1, bias=True):
    """Depthwise ``C_in m prod(kernel)`` + pointwise ``C_out C_in m`` + bias ``C_out``.

    Seed 000's example, 12x12x3 input to 256 channels with 5x5 filters:
    ``3*25 + 256*3 + 256 = 1099`` parameters, against ``256*3*25 + 256 = 19456``
    for the normal convolution.

    >>> depthwise_separable_parameter_count(3, 256, (5, 5))
    1099
    """
    op = "depthwise_separable_parameter_count"
    c_in, c_out = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out)
    kernel_size, bias = check_sizes(op, "kernel_size", kernel_size), check_flag(op, "bias", bias)
    multiplier = check_size(op, "multiplier", multiplier)
    middle = c_in * multiplier
    return middle * math.prod(kernel_size) + c_out * middle + (c_out if bias else 0)


def conv_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), output_size=(n, n), groups=1, batch=1):
    """Multiply-adds: ``N * C_out * prod(out) * (C_in / g) * prod(kernel)``.

    Every tap of every window counts, padded positions included (the dense count
    frameworks report). Bias additions are not multiply-adds.

    >>> conv_multiply_adds(1, 1, (3, 3), (4, 4))
    144
    """
    op = "conv_multiply_adds"
    c_in, c_out, batch = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out), check_size(op, "batch", batch)
    kernel_size = check_sizes(op, "kernel_size", kernel_size)
    output_size = check_sizes(op, "output_size", output_size, length=len(kernel_size))
    groups = _check_groups(op, groups, ("c_in", c_in), ("c_out", c_out))
    per_output = _per_group(c_in, groups) * math.prod(kernel_size)
    return batch * c_out * math.prod(output_size) * per_output


def depthwise_separable_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), output_size=(n, n), multiplier=1, batch=1):
    """Depthwise ``N prod(out) C_in m prod(kernel)`` plus pointwise ``N prod(out) C_out C_in m``.

    >>> depthwise_separable_multiply_adds(3, 256, (5, 5), (8, 8))
    53952
    """
    op = "depthwise_separable_multiply_adds"
    c_in, c_out, batch = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out), check_size(op, "batch", batch)
    kernel_size = check_sizes(op, "kernel_size", kernel_size)
    output_size = check_sizes(op, "output_size", output_size, length=len(kernel_size))
    multiplier = check_size(op, "multiplier", multiplier)
    middle = c_in * multiplier
    return batch * math.prod(output_size) * (middle * math.prod(kernel_size) + c_out * middle)


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

_CONV_NON_FINITE = (
    "**x**: a NaN at ``x[b, c, p]`` **must** make NaN exactly the outputs ``y[b, o, q]`` of the "
    "output channels ``o`` of ``c``'s group whose window holds ``p`` as one of its taps on the "
    "input (not the padding), whatever the weight at that tap (``0 · NaN = NaN``); every other "
    "output stays finite. A ±inf there makes those outputs ±inf (the sign of ``inf · w``), NaN "
    "where the tap's weight is 0 or where infinities of opposite signs meet in one sum. "
    "**weight**: a NaN in ``weight[o, c, k]`` **must** make NaN every output of channel ``o`` (every "
    "batch entry) whose window puts tap ``k`` on the input. Where tap ``k`` lands on the padding the "
    "output **may** be NaN (``0 · NaN``: torch multiplies the zero padding, and so does the reference) "
    "or the value without that tap (an implementation **may** drop a tap that only ever sees "
    "padding); outputs of other channels stay finite. A ±inf there makes those outputs ±inf where "
    "tap ``k`` lands on a nonzero input, NaN where it lands on a zero, and on the padding the same "
    "choice (NaN, or the value without the tap). "
    "**bias**: a non-finite ``bias[o]`` is added to every output of channel ``o`` (NaN where "
    "``+inf`` meets ``-inf``). Finite inputs: the sums **may** overflow "
    "(:data:`convspec.spec.non_finite.OVERFLOW`)."
)

NON_FINITE: dict[str, str] = {
    "correlate": _CONV_NON_FINITE,
    "convolve": _CONV_NON_FINITE.replace("whose window holds", "whose (flipped) window holds"),
    "depthwise_separable": (
        "**x**: a NaN at ``x[b, c, p]`` **must** make NaN exactly the outputs ``y[b, o, q]``, for "
        "*every* output channel ``o``, at the positions ``q`` whose depthwise window holds ``p`` on "
        "the input: the pointwise step sums every depthwise channel into every output channel, "
        "zero pointwise weights included. A ±inf there reaches the same outputs as ±inf or NaN "
        "(IEEE: the signs of the two weights on its path, NaN for a zero weight or opposite "
        "infinities). **depthwise_weight**: a NaN in ``depthwise_weight[j, 0, k]`` **must** make NaN "
        "every output (every channel: each sums intermediate channel ``j``) at the positions whose "
        "window puts tap ``k`` on the input; where it lands on the padding the outputs **may** be NaN "
        "(as in ``correlate``). **pointwise_weight**: a NaN in "
        "``pointwise_weight[o, j, ...]`` makes every output of channel ``o`` NaN. ±inf weights reach "
        "the same outputs, ±inf or NaN by IEEE arithmetic. **bias**: as in ``correlate``. Finite "
        "inputs: the sums **may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
}
