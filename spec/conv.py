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

import sympy

from .conventions import Pairs

n, k, s, d = sympy.symbols("n k s d", integer=True, positive=True)
p, p_lo, p_hi = sympy.symbols("p p_lo p_hi", integer=True, nonnegative=True)
c_in, c_out, groups, multiplier, batch = sympy.symbols("C_in C_out g m N", integer=True, positive=True)


def _is_symbolic(*values: object) -> bool:
    return any(isinstance(v, sympy.Basic) for v in values)


def floor_div(a, b):
    """floor(a / b) for ints or sympy expressions."""
    return sympy.floor(a / b) if _is_symbolic(a, b) else a // b


def ceil_div(a, b):
    """ceil(a / b) for ints or sympy expressions."""
    return sympy.ceiling(a / b) if _is_symbolic(a, b) else -(-a // b)


def maximum(a, b):
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
    return floor_div(n + p_lo + p_hi - effective_kernel_size(k, d), s) + 1


def conv_output_length_condition(n=n, k=k, p_lo=p_lo, p_hi=p_hi, d=d):
    """The condition under which :func:`conv_output_length` holds: one window fits."""
    return sympy.Ge(n + p_lo + p_hi, effective_kernel_size(k, d))


def same_total_padding(n=n, k=k, s=s, d=d):
    """Total padding of ``"same"``: ``max((ceil(n/s) - 1) s + d(k-1) + 1 - n, 0)``.

    The least padding that lets ``ceil(n/s)`` windows fit. Example: n=5, k=4, s=2:
    ``(3 - 1) * 2 + 4 - 5 = 3`` zeros, split 1 low / 2 high by ``"same"``.

    >>> same_total_padding(5, 4, 2, 1)
    3
    """
    return maximum((ceil_div(n, s) - 1) * s + effective_kernel_size(k, d) - n, 0)


def same_padding(n=n, k=k, s=s, d=d):
    """``(lo, hi)`` of ``"same"``: ``lo = floor(total / 2)``, ``hi = total - lo`` (extra zero high).

    >>> same_padding(5, 4, 2, 1)
    (1, 2)
    """
    total = same_total_padding(n, k, s, d)
    lo = floor_div(total, 2)
    return lo, total - lo


def same_lower_padding(n=n, k=k, s=s, d=d):
    """``(lo, hi)`` of ``"same_lower"``: the extra zero of an odd total goes low.

    >>> same_lower_padding(5, 4, 2, 1)
    (2, 1)
    """
    lo, hi = same_padding(n, k, s, d)
    return hi, lo


def full_padding(k=k, d=d):
    """``(lo, hi)`` of ``"full"``: ``d(k-1)`` zeros on each side.

    >>> full_padding(3, 1)
    (2, 2)
    """
    edge = effective_kernel_size(k, d) - 1
    return edge, edge


def same_output_length(n=n, s=s):
    """Output length of ``"same"`` and ``"same_lower"``: ``ceil(n / s)``.

    >>> same_output_length(5, 2)
    3
    """
    return ceil_div(n, s)


def padding_pair(mode_or_pair, n=n, k=k, s=s, d=d):
    """The ``(lo, hi)`` a padding form resolves to on one axis."""
    if mode_or_pair == "valid":
        return 0, 0
    if mode_or_pair == "same":
        return same_padding(n, k, s, d)
    if mode_or_pair == "same_lower":
        return same_lower_padding(n, k, s, d)
    if mode_or_pair == "full":
        return full_padding(k, d)
    lo, hi = mode_or_pair
    return lo, hi


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
    """``(N, C_out, *out)`` of a correlation/convolution with normalised arguments."""
    kernel = tuple(weight_shape[2:])
    pads = resolve_padding(padding, x_shape[2:], kernel, stride, dilation)
    spatial = tuple(
        conv_output_length(n_, k_, s_, lo, hi, d_)
        for n_, k_, s_, (lo, hi), d_ in zip(x_shape[2:], kernel, stride, pads, dilation)
    )
    return (x_shape[0], weight_shape[0], *spatial)


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
    depthwise = conv_output_shape(x_shape, depthwise_weight_shape, stride=stride, padding=padding, dilation=dilation)
    return (depthwise[0], pointwise_weight_shape[0], *depthwise[2:])


def conv_parameter_count(c_in=c_in, c_out=c_out, kernel_size=(k, k), groups=1, bias=True):
    """Weights plus biases: ``C_out * (C_in / g) * prod(kernel) + C_out``.

    Conditions: g divides C_in and C_out. Seed 004: ``(M^2 C + 1) C_out``; seed 003's
    Keras summary: a 3x3 convolution from 32 to 64 channels has
    ``64 * 32 * 9 + 64 = 18496`` parameters.

    >>> conv_parameter_count(32, 64, (3, 3))
    18496
    """
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
    middle = c_in * multiplier
    return middle * math.prod(kernel_size) + c_out * middle + (c_out if bias else 0)


def conv_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), output_size=(n, n), groups=1, batch=1):
    """Multiply-adds: ``N * C_out * prod(out) * (C_in / g) * prod(kernel)``.

    Every tap of every window counts, padded positions included (the dense count
    frameworks report). Bias additions are not multiply-adds.

    >>> conv_multiply_adds(1, 1, (3, 3), (4, 4))
    144
    """
    per_output = _per_group(c_in, groups) * math.prod(kernel_size)
    return batch * c_out * math.prod(output_size) * per_output


def depthwise_separable_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), output_size=(n, n), multiplier=1, batch=1):
    """Depthwise ``N prod(out) C_in m prod(kernel)`` plus pointwise ``N prod(out) C_out C_in m``.

    >>> depthwise_separable_multiply_adds(3, 256, (5, 5), (8, 8))
    53952
    """
    middle = c_in * multiplier
    return batch * math.prod(output_size) * (middle * math.prod(kernel_size) + c_out * middle)
