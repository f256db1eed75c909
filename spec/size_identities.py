"""Output-size identities, proved with sympy: "same" padding, transposed convolution, pooling.

Part of :mod:`convspec.spec.identities` (which re-exports every name here and holds the
registries); the machinery is :mod:`convspec.spec.proofs`.

How sizes are proved. The closed forms of :mod:`convspec.spec.conv`,
:mod:`convspec.spec.conv_transpose` and :mod:`convspec.spec.pool` are called with
symbols; floors and ceilings of symbolic quotients are split by residue: for a
concrete stride ``s`` the numerator is written ``q*s + r`` with a symbolic integer
``q >= 0`` and each ``r`` in ``0..s-1``, after which sympy takes the integer ``q`` out
of the floor exactly. Each such proof says for which strides it was run (``1..8`` by
default), and covers every input length and every kernel size and dilation: the
closed forms depend on ``(k, d)`` only through the dilated span ``e = d(k-1)+1``, which
is itself proved (the "reduction" comparisons), and ``e`` stays a symbol.

Each proof has a wrong variant (``*_claim``) that is refuted. Example::

    >>> same_padding_keeps_length_at_stride_one().holds
    True
"""

from __future__ import annotations

from functools import cache

import sympy

from . import conv, conv_transpose, pool, unpool
from .proofs import DEFAULT_STRIDES, Comparison, Identity, d, e, equal, h, k, m, member, n, p_hi, p_lo, q, s, t


# ---------------------------------------------------------------------------------------
# 'same' padding
# ---------------------------------------------------------------------------------------


def _span_reductions() -> tuple[Comparison, ...]:
    """The closed forms depend on (k, d) only through e = d(k-1)+1: f(k, d) == f(d(k-1)+1, 1)."""
    span = conv.effective_kernel_size(k, d)
    return (
        equal("reduction: conv_output_length(k, d) = conv_output_length(d(k-1)+1, 1)",
              conv.conv_output_length(n, k, s, p_lo, p_hi, d), conv.conv_output_length(n, span, s, p_lo, p_hi, 1)),
        equal("reduction: same_total_padding(k, d) = same_total_padding(d(k-1)+1, 1)",
              conv.same_total_padding(n, k, s, d), conv.same_total_padding(n, span, s, 1)),
    )


def _residue_cases(stride: int):
    """``(r, n, threshold)``: ``n = q s + r``; "same" pads (total > 0) exactly when the span ``e > threshold``."""
    for r_ in range(stride):
        yield r_, q * stride + r_, (r_ if r_ else stride)


@cache
def same_padding_keeps_length_at_stride_one() -> Identity:
    """Stride 1, odd kernel ``k = 2h + 1``, any ``n`` and dilation ``d``: "same" pads ``d h`` on each side, output ``n``.

    Example: ``n = 32, k = 3, d = 2``: pads 2 and 2, ``floor((32 + 4 - 4 - 1) / 1) + 1 = 32``.
    With ``d = 1`` the padding is seeds 001/004's ``p = (f - 1) / 2``.
    """
    odd = 2 * h + 1
    lo, hi = conv.same_padding(n, odd, 1, d)
    length = conv.conv_output_length(n, odd, 1, lo, hi, d)
    return Identity(
        name="same_padding_keeps_length_at_stride_one",
        statement="'same' at stride 1 with an odd kernel k = 2h + 1 pads d h zeros on each side and keeps the length n",
        conditions="symbolic n >= 1, h >= 0, d >= 1; stride 1",
        method="spec/conv.py's same_padding and conv_output_length on symbols; simplified difference 0",
        comparisons=(
            equal("output length = n", length, n),
            equal("p_lo = d h", lo, d * h),
            equal("p_hi = d h", hi, d * h),
            equal("d = 1: p_lo = (k - 1) / 2 (seeds 001, 004)", lo.subs(d, 1), (odd - 1) / 2),
        ),
    )


@cache
def same_padding_gives_ceil_length(strides: tuple[int, ...] = DEFAULT_STRIDES) -> Identity:
    """"same" (and "same_lower") give ``ceil(n / s)`` outputs, for every ``n``, kernel and dilation.

    Proof for each stride ``s`` in ``strides`` separately: ``n = q s + r``, ``r = 0..s-1``,
    ``q`` symbolic. ``ceil(n/s)`` is ``q + [r > 0]``, and the padding is positive exactly when
    the span ``e > r`` (``r > 0``) or ``e > s`` (``r = 0``). For larger spans ``e = threshold + 1 + t``
    with symbolic ``t >= 0``; the smaller spans are finitely many and each is checked. For
    every stride at once, symbolically: the branch in which the padding is positive.

    Example: ``n = 32, k = 3, s = 2, d = 2``: pads (1, 2), output ``floor(30 / 2) + 1 = 16 = ceil(32 / 2)``.
    """
    comparisons = list(_span_reductions())
    lo, hi = conv.same_padding(n, e, s, 1)
    lower_lo, lower_hi = conv.same_lower_padding(n, e, s, 1)
    comparisons.append(equal("same_lower gives the length of same (only lo + hi enters)",
                             conv.conv_output_length(n, e, s, lower_lo, lower_hi, 1),
                             conv.conv_output_length(n, e, s, lo, hi, 1)))
    total = conv.same_total_padding(n, e, s, 1)
    positive = next(arg for arg in total.args if arg != 0)  # Max(positive branch, 0)
    branch_lo = conv.floor_div(positive, 2)
    comparisons.append(equal("every s, branch total = (ceil(n/s) - 1) s + e - n > 0",
                             conv.conv_output_length(n, e, s, branch_lo, positive - branch_lo, 1), conv.same_output_length(n, s)))
    for stride in strides:
        for r_, length, threshold in _residue_cases(stride):
            spans = [(f"e = {threshold + 1} + t (pads)", threshold + 1 + t)] + [(f"e = {v} (no padding)", v) for v in range(1, threshold + 1)]
            for what, span in spans:
                lo_, hi_ = conv.same_padding(length, span, stride, 1)
                comparisons.append(equal(f"s={stride}, n = {stride}q + {r_}, {what}",
                                         conv.conv_output_length(length, span, stride, lo_, hi_, 1),
                                         conv.same_output_length(length, stride)))
    return Identity(
        name="same_padding_gives_ceil_length",
        statement="with 'same' or 'same_lower' padding the output length is ceil(n / s)",
        conditions=f"every n >= 1, k >= 1, d >= 1 (through the span e = d(k-1)+1), and every stride in {tuple(strides)} "
                   "(each proved separately); for any stride, the branch where the padding is positive",
        method="spec/conv.py's same_padding, conv_output_length, same_output_length on symbols; case split n = q s + r "
               "and on the span; each simplified difference is 0",
        comparisons=tuple(comparisons),
    )


@cache
def same_padding_keeps_length_at_stride_two_claim() -> Identity:
    """Wrong variant: "same keeps the length" at stride 2 (it gives ``ceil(n / 2)``). Example: 5 -> 3."""
    comparisons = []
    for r_, length, threshold in _residue_cases(2):
        lo_, hi_ = conv.same_padding(length, threshold + 1 + t, 2, 1)
        comparisons.append(equal(f"s=2, n = 2q + {r_}", conv.conv_output_length(length, threshold + 1 + t, 2, lo_, hi_, 1), length))
    lo_, hi_ = conv.same_padding(5, 3, 2, 1)
    comparisons.append(equal("n=5, k=3, s=2", conv.conv_output_length(5, 3, 2, lo_, hi_, 1), 5))
    return Identity(
        name="same_padding_keeps_length_at_stride_two_claim",
        statement="(wrong) 'same' padding keeps the input length at stride 2",
        conditions="n = 2q + r, spans that pad",
        method="as same_padding_gives_ceil_length",
        comparisons=tuple(comparisons),
    )


@cache
def same_padding_gives_floor_length_claim() -> Identity:
    """Wrong variant: "same gives floor(n / s)". Refuted for ``s = 2, 3`` whenever ``s`` does not divide ``n``."""
    comparisons = []
    for stride in (2, 3):
        for r_, length, threshold in _residue_cases(stride):
            lo_, hi_ = conv.same_padding(length, threshold + 1 + t, stride, 1)
            comparisons.append(equal(f"s={stride}, n = {stride}q + {r_}",
                                     conv.conv_output_length(length, threshold + 1 + t, stride, lo_, hi_, 1),
                                     conv.floor_div(length, stride)))
    return Identity(
        name="same_padding_gives_floor_length_claim",
        statement="(wrong) 'same' padding gives floor(n / s) outputs",
        conditions="s in {2, 3}, n = q s + r, spans that pad",
        method="as same_padding_gives_ceil_length",
        comparisons=tuple(comparisons),
    )


@cache
def same_padding_is_symmetric_for_even_kernels_claim() -> Identity:
    """Wrong variant: "same pads equally on both sides" for an even kernel ``k = 2h + 2`` (the odd zero goes high)."""
    even = 2 * h + 2
    lo, hi = conv.same_padding(n, even, 1, 1)
    return Identity(
        name="same_padding_is_symmetric_for_even_kernels_claim",
        statement="(wrong) 'same' pads the same number of zeros on both sides for an even kernel at stride 1",
        conditions="symbolic n >= 1, k = 2h + 2, stride 1, dilation 1",
        method="spec/conv.py's same_padding on symbols",
        comparisons=(equal("p_hi = p_lo", hi, lo),),
    )


# ---------------------------------------------------------------------------------------
# Transposed convolution inverts the convolution's output size
# ---------------------------------------------------------------------------------------


@cache
def conv_transpose_restores_conv_input_length(strides: tuple[int, ...] = DEFAULT_STRIDES) -> Identity:
    """``conv_transpose_output_length(conv_output_length(m), a = restoring_output_padding(m)) == m``.

    Same ``k, s, p_lo, p_hi, d`` on both; condition: one window fits,
    ``m + p_lo + p_hi >= d(k-1) + 1``. The padding ``a = v mod s`` (``v = m + p_lo + p_hi - d(k-1) - 1``)
    is ``< s <= max(s, d)``, so allowed. Proved for every stride symbolically from
    ``v mod s = v - s floor(v / s)`` (sympy's definition of Mod), and for each stride in
    ``strides`` by ``v = q s + r``, which also shows ``a = r`` and ``conv_output_length = q + 1``.

    Example: 29 inputs, k = 4, s = 2, padding 1: 14 outputs, ``a = 1``, back to ``13 * 2 - 2 + 4 + 1 = 29``.
    """
    span = conv.effective_kernel_size(k, d)
    forward = conv.conv_output_length(m, k, s, p_lo, p_hi, d)
    a = conv_transpose.restoring_output_padding(m, k, s, p_lo, p_hi, d)
    comparisons = [
        equal("reduction: conv_transpose_output_length(k, d) = (d(k-1)+1, 1)",
              conv_transpose.conv_transpose_output_length(n, k, s, p_lo, p_hi, d, conv_transpose.a),
              conv_transpose.conv_transpose_output_length(n, span, s, p_lo, p_hi, 1, conv_transpose.a)),
        equal("reduction: restoring_output_padding(k, d) = (d(k-1)+1, 1)",
              a, conv_transpose.restoring_output_padding(m, span, s, p_lo, p_hi, 1)),
        equal("every s: back to m (v mod s = v - s floor(v/s))",
              conv_transpose.conv_transpose_output_length(forward, k, s, p_lo, p_hi, d, a), m, rewrite=sympy.floor),
    ]
    for stride in strides:
        for r_ in range(stride):
            length = q * stride + r_ + e - p_lo - p_hi  # v = q s + r
            out = conv.conv_output_length(length, e, stride, p_lo, p_hi, 1)
            a_ = conv_transpose.restoring_output_padding(length, e, stride, p_lo, p_hi, 1)
            label = f"s={stride}, v = {stride}q + {r_}"
            comparisons += [
                equal(f"{label}: conv_output_length = q + 1", out, q + 1),
                equal(f"{label}: output_padding = {r_}", a_, r_),
                equal(f"{label}: back to m", conv_transpose.conv_transpose_output_length(out, e, stride, p_lo, p_hi, 1, a_), length),
            ]
    return Identity(
        name="conv_transpose_restores_conv_input_length",
        statement="a transposed convolution with the convolution's k, s, padding, d and output_padding "
                  "a = (m + p_lo + p_hi - d(k-1) - 1) mod s returns the convolution's input length m",
        conditions=f"m + p_lo + p_hi >= d(k-1) + 1 (one window fits); every k, s, d >= 1, p_lo, p_hi >= 0; "
                   f"the residue split for s in {tuple(strides)}",
        method="spec/conv.py and spec/conv_transpose.py closed forms on symbols: Mod rewritten by its definition "
               "(every s), and v = q s + r (each s)",
        comparisons=tuple(comparisons),
    )


@cache
def conv_input_lengths_are_the_preimages(strides: tuple[int, ...] = DEFAULT_STRIDES) -> Identity:
    """The ``s`` lengths of :func:`conv_transpose.conv_input_lengths` map to ``n``; the lengths next to them do not.

    ``first = (n-1) s + d(k-1) + 1 - p_lo - p_hi``: ``conv_output_length(first + j) = n`` for
    ``0 <= j < s``, ``first - 1`` gives ``n - 1`` and ``first + s`` gives ``n + 1`` (the length is
    non-decreasing in the input length, so no other length gives ``n``); the transposed
    convolution with output_padding ``a`` returns ``first + a``.
    """
    comparisons = []
    for stride in strides:
        first = conv_transpose.conv_input_lengths(n, e, stride, p_lo, p_hi, 1).start
        label = f"s={stride}"
        for j in range(stride):
            comparisons.append(equal(f"{label}: first + {j} -> n", conv.conv_output_length(first + j, e, stride, p_lo, p_hi, 1), n))
            comparisons.append(equal(f"{label}: output_padding {j} -> first + {j}",
                                     conv_transpose.conv_transpose_output_length(n, e, stride, p_lo, p_hi, 1, j), first + j))
        comparisons.append(equal(f"{label}: first - 1 -> n - 1", conv.conv_output_length(first - 1, e, stride, p_lo, p_hi, 1), n - 1))
        comparisons.append(equal(f"{label}: first + s -> n + 1", conv.conv_output_length(first + stride, e, stride, p_lo, p_hi, 1), n + 1))
    return Identity(
        name="conv_input_lengths_are_the_preimages",
        statement="exactly the s lengths first .. first + s - 1 give n outputs; output_padding a picks first + a",
        conditions=f"symbolic n, span e, p_lo, p_hi; each stride in {tuple(strides)}; lengths of at least one window",
        method="spec closed forms on symbols, one comparison per offset; simplified difference 0",
        comparisons=tuple(comparisons),
    )


@cache
def conv_transpose_restores_without_output_padding_claim() -> Identity:
    """Wrong variant: "output_padding 0 always restores the input length". Example: 29 -> 14 -> 28."""
    comparisons = []
    for r_ in range(3):
        length = 3 * q + r_ + e - p_lo - p_hi
        out = conv.conv_output_length(length, e, 3, p_lo, p_hi, 1)
        comparisons.append(equal(f"s=3, v = 3q + {r_}", conv_transpose.conv_transpose_output_length(out, e, 3, p_lo, p_hi, 1, 0), length))
    comparisons.append(equal("m=29, k=4, s=2, p=1", conv_transpose.conv_transpose_output_length(
        conv.conv_output_length(29, 4, 2, 1, 1, 1), 4, 2, 1, 1, 1, 0), 29))
    return Identity(
        name="conv_transpose_restores_without_output_padding_claim",
        statement="(wrong) the transposed convolution with output_padding 0 returns the convolution's input length",
        conditions="s = 3, v = 3q + r; and the example m = 29",
        method="as conv_transpose_restores_conv_input_length with a = 0",
        comparisons=tuple(comparisons),
    )


# ---------------------------------------------------------------------------------------
# Pooling output sizes
# ---------------------------------------------------------------------------------------


@cache
def pool_floor_length_is_conv_length() -> Identity:
    """Floor-mode pooling has the convolution's output length with the same window (and unpooling's inverse).

    Example: seed 002's Keras summary pools 26 to 13 (2x2, stride 2), as a 2-tap stride-2 convolution.
    """
    return Identity(
        name="pool_floor_length_is_conv_length",
        statement="pool_output_length(ceil_mode=False) = conv_output_length with the same n, k, s, padding, d",
        conditions="symbolic n, k, s, d >= 1, p_lo, p_hi >= 0 (one window fits)",
        method="spec/pool.py and spec/conv.py on symbols; simplified difference 0",
        comparisons=(
            equal("pool_output_length = conv_output_length", pool.pool_output_length(n, k, s, p_lo, p_hi, d),
                  conv.conv_output_length(n, k, s, p_lo, p_hi, d)),
            equal("unpool.pooled_length = conv_output_length(d = 1)", unpool.pooled_length(n, k, s, p_lo, p_hi),
                  conv.conv_output_length(n, k, s, p_lo, p_hi, 1)),
        ),
    )


def _ceil_minus_floor(length, span, stride, lo, hi):
    return (pool.pool_output_length(length, span, stride, lo, hi, 1, ceil_mode=True)
            - pool.pool_output_length(length, span, stride, lo, hi, 1))


@cache
def pool_ceil_length_adds_zero_or_one(strides: tuple[int, ...] = DEFAULT_STRIDES) -> Identity:
    """``pool_output_length(ceil_mode=True) - pool_output_length(ceil_mode=False)`` is 0 or 1.

    For each stride: ``v = n + p_lo + p_hi - e = q s + r``. ``r = 0``: the windows tile the
    padded input, no extra window, difference 0. ``r > 0``: one overhanging candidate,
    kept (1) unless it would start in the right padding (0).

    Example: n = 11, k = 2, s = 2: 5 and 6; n = 5, k = 2, s = 2, padding 1: 3 and 3.
    """
    span = conv.effective_kernel_size(k, d)
    comparisons = [equal("reduction: ceil-mode pool_output_length(k, d) = (d(k-1)+1, 1)",
                         pool.pool_output_length(n, k, s, p_lo, p_hi, d, ceil_mode=True),
                         pool.pool_output_length(n, span, s, p_lo, p_hi, 1, ceil_mode=True))]
    for stride in strides:
        for r_ in range(stride):
            length = q * stride + r_ + e - p_lo - p_hi
            comparisons.append(member(f"s={stride}, v = {stride}q + {r_}", _ceil_minus_floor(length, e, stride, p_lo, p_hi), (0, 1)))
    return Identity(
        name="pool_ceil_length_adds_zero_or_one",
        statement="ceil mode has the floor-mode windows and at most one more",
        conditions=f"every n, k, d, p_lo, p_hi with one window fitting; each stride in {tuple(strides)}",
        method="spec/pool.py on symbols, v = q s + r; every branch value of the difference lies in {0, 1}",
        comparisons=tuple(comparisons),
    )


@cache
def pool_ceil_mode_always_adds_a_window_claim() -> Identity:
    """Wrong variant: "ceil mode always has one window more". Refuted: when ``s`` divides ``v`` it has none more."""
    comparisons = []
    for r_ in range(2):
        length = 2 * q + r_ + e - p_lo - p_hi
        comparisons.append(member(f"s=2, v = 2q + {r_}", _ceil_minus_floor(length, e, 2, p_lo, p_hi), (1,)))
    return Identity(
        name="pool_ceil_mode_always_adds_a_window_claim",
        statement="(wrong) ceil-mode pooling always has exactly one window more than floor mode",
        conditions="s = 2, v = 2q + r",
        method="as pool_ceil_length_adds_zero_or_one, against {1}",
        comparisons=tuple(comparisons),
    )
