"""The seeds' claims (what the lecture slides assert), checked symbolically and refuted.

Each function states one claim of a seed (the slides numbered 000 to 004) and compares
it with the truth: the closed forms of :mod:`convspec.spec.conv`,
:mod:`~convspec.spec.conv_transpose` and :mod:`~convspec.spec.pool`, or the summation
definitions of :mod:`convspec.spec.proofs`. Each returns an :class:`Identity` that is
refuted (a comparison is decidedly false); the comparisons that agree are kept, so a
claim's right parts are on record too. The errata page lists them, proved again when
the site is built; :data:`convspec.spec.identities.SEED_CLAIMS` registers them, and
:mod:`convspec.spec.identities` re-exports every name here.

Example (seed 002's annotation ``18496 = (3x3x3x2+1)x64``)::

    >>> claim = seed_002_parameter_arithmetic_claim()
    >>> claim.refuted, claim.failures[0].difference
    (True, -14976)
"""

from __future__ import annotations

from functools import cache

import sympy

from . import conv, conv_transpose, pool
from .proofs import Identity, correlation, correlation_2d, equal, full_convolution_2d, h, q


@cache
def seed_000_pooling_size_formula_claim(strides: tuple[int, ...] = (1, 2, 3, 4)) -> Identity:
    """Seed 000, first pooling slide: ``W_out = (W_in - F + 2P + 1) / S``. Wrong.

    The right size is ``floor((W - F + 2P) / S) + 1`` (its next slide, ``(W - F)/S + 1``,
    without the floor). On the seed's own 4x4 example with F = 2, S = 2, P = 0 the claim
    gives ``3/2``, not 2. Against the exact ``(W - F + 2P)/S + 1`` the difference is
    ``(1 - S)/S``; against the floor form, with ``W - F + 2P = q S + r``, it is
    ``(r + 1 - S)/S``: the claim is right only when ``r = S - 1`` (so always at S = 1).
    """
    W, F, S, P = sympy.symbols("W F S P", integer=True, positive=True)
    claim = lambda w_, f_, s_, p_: sympy.Rational(1, 1) * (w_ - f_ + 2 * p_ + 1) / s_  # noqa: E731
    comparisons = [
        equal("seed's example 4x4, F=2, S=2, P=0", claim(4, 2, 2, 0), pool.pool_output_length(4, 2, 2, 0, 0, 1)),
        equal("general, against (W - F + 2P)/S + 1", claim(W, F, S, P), (W - F + 2 * P) / S + 1),
    ]
    for stride in strides:
        for r_ in range(stride):
            width = q * stride + r_ + F - 2 * P
            comparisons.append(equal(f"S={stride}, W - F + 2P = {stride}q + {r_}", claim(width, F, stride, P),
                                     pool.pool_output_length(width, F, stride, P, P, 1)))
    return Identity(
        name="seed_000_pooling_size_formula_claim",
        statement="seed 000: pooling output W_out = (W_in - F + 2P + 1) / S",
        conditions="F, S >= 1, P >= 0, W + 2P >= F",
        method="the claim against spec/pool.py's pool_output_length, on the example and per residue",
        comparisons=tuple(comparisons),
    )


@cache
def seed_000_transposed_size_relation_claim() -> Identity:
    """Seed 000, transposed-convolution 1-D slide: ``(n - f + 1) / S = 2`` with ``n = 5, f = 3, S = 2``. Wrong.

    ``(5 - 3 + 1)/2 = 3/2``. The stride-2 convolution of 5 inputs with a 3-tap filter has
    ``floor((5 - 3)/2) + 1 = 2`` outputs, and so has that of 6 inputs; the transposed
    convolution of 2 inputs gives ``(2 - 1) 2 + 3 = 5`` (the slide's ``ax, ay, az + bx, by, bz``).
    The slide's stride-1 arithmetic ``4 - 3 + 1 = 2`` is right.
    """
    return Identity(
        name="seed_000_transposed_size_relation_claim",
        statement="seed 000: (n - f + 1) / S = 2 for n = 5, f = 3, S = 2",
        conditions="the slide's numbers",
        method="the claim against spec/conv.py and spec/conv_transpose.py closed forms",
        comparisons=(
            equal("(5 - 3 + 1)/2 = conv_output_length(5, 3, s=2)", sympy.Rational(5 - 3 + 1, 2), conv.conv_output_length(5, 3, 2, 0, 0, 1)),
            equal("the input lengths of 2 outputs are 5 and 6", tuple(conv_transpose.conv_input_lengths(2, 3, 2, 0, 0, 1)), (5, 6)),
            equal("transposed: 2 inputs, 3 taps, stride 2 -> 5", conv_transpose.full_length(2, 3, 2, 1), 5),
            equal("stride 1: 4 - 3 + 1 = conv_output_length(4, 3, 1)", 4 - 3 + 1, conv.conv_output_length(4, 3, 1, 0, 0, 1)),
        ),
    )


@cache
def seed_000_lenet_sizes_claim() -> Identity:
    """Seed 000, LeNet slide: ``(14 - 5)/2 + 1`` and ``10 x 10 x 8``; and its code's ``padding='same'``. Wrong.

    The second convolution has stride 1 (the slide's ``s = 1``, the code's ``strides=(1, 1)``):
    ``(14 - 5)/1 + 1 = 10``, not ``(14 - 5)/2 + 1 = 5.5``; it has 16 filters, so
    ``10 x 10 x 16``, not ``x 8``. The slide's diagram is the classic valid LeNet
    ``32 -> 28 -> 14 -> 10 -> 5``, but its Keras code gives the first convolution
    ``padding='same'``, which keeps 32 (``32 -> 16 -> 12 -> 6``). The pooling steps
    ``(28 - 2)/2 + 1 = 14`` and ``(10 - 2)/2 + 1 = 5`` are right.
    """
    ones = dict(stride=(1, 1), dilation=(1, 1))
    conv2 = conv.conv_output_shape((1, 6, 14, 14), (16, 6, 5, 5), padding=((0, 0), (0, 0)), **ones)
    conv1_same = conv.conv_output_shape((1, 1, 32, 32), (6, 1, 5, 5), padding="same", **ones)
    conv1_valid = conv.conv_output_shape((1, 1, 32, 32), (6, 1, 5, 5), padding="valid", **ones)
    return Identity(
        name="seed_000_lenet_sizes_claim",
        statement="seed 000 (LeNet): the 5x5, 16-filter, stride-1 convolution of 14 x 14 x 6 gives (14 - 5)/2 + 1 and "
                  "'10 x 10 x 8'; the code's first Conv2D(6, 5x5, padding='same') gives the diagram's 28 x 28",
        conditions="the slide's numbers; stride 1 convolutions, 2x2 stride-2 pools",
        method="the slide's arithmetic against spec/conv.py's conv_output_shape and spec/pool.py",
        comparisons=(
            equal("pool 1: (28 - 2)/2 + 1", sympy.Rational(28 - 2, 2) + 1, pool.pool_output_length(28, 2, 2, 0, 0, 1)),
            equal("conv 2: (14 - 5)/2 + 1 = output length", sympy.Rational(14 - 5, 2) + 1, conv2[2]),
            equal("conv 2: depth 8 = output channels", 8, conv2[1]),
            equal("pool 2: (10 - 2)/2 + 1", sympy.Rational(10 - 2, 2) + 1, pool.pool_output_length(10, 2, 2, 0, 0, 1)),
            equal("conv 1 valid: 32 -> 28", conv1_valid[2], 28),
            equal("conv 1 as coded, padding='same': 32 -> 28", conv1_same[2], 28),
        ),
    )


@cache
def seed_001_convolution_bounds_claim() -> Identity:
    """Seed 001: ``S_ij = sum_{a=floor(-m/2)}^{floor(m/2)} sum_b I_{i-a, j-b} K_{m/2+a, n/2+b}``. Wrong bounds.

    For an odd kernel ``m = 2h + 1``, ``floor(-m/2) = -h - 1``: the sum has ``m + 1`` terms,
    and the kernel index ``m/2 + a`` is not an integer (it starts at ``-1/2``). With the
    bounds ``-floor(m/2) .. floor(m/2)`` and the index ``floor(m/2) + a`` it is the centred
    convolution (proved in :func:`convolution_is_correlation_with_flipped_kernel_general`).
    """
    odd = 2 * h + 1
    half = sympy.floor(odd / sympy.Integer(2))
    return Identity(
        name="seed_001_convolution_bounds_claim",
        statement="seed 001: the convolution sum runs over a = floor(-m/2) .. floor(m/2) with kernel index m/2 + a",
        conditions="odd kernel size m = 2h + 1, h >= 0 (the seed: 'kernel is odd matrix')",
        method="term count and first index of the seed's sum against the kernel's m taps 0 .. m - 1",
        comparisons=(
            equal("number of terms = m", half - sympy.floor(-odd / sympy.Integer(2)) + 1, odd),
            equal("first kernel index m/2 + floor(-m/2) = 0", odd / sympy.Integer(2) + sympy.floor(-odd / sympy.Integer(2)), 0),
            equal("last kernel index m/2 + floor(m/2) = m - 1", odd / sympy.Integer(2) + half, odd - 1),
            equal("corrected: terms of -floor(m/2) .. floor(m/2) = m", 2 * half + 1, odd),
            equal("corrected: kernel index floor(m/2) + a runs 0 .. m - 1", (half - half, half + half), (0, odd - 1)),
        ),
    )


@cache
def seed_001_parameter_count_claim() -> Identity:
    """Seed 001: "Number of Parameters in layer l: K_{l-1} * f * f * K_l". Short by the K_l biases.

    Its own later slides count them: ``K_1 (3 L^2 + 1)`` and ``K_3 (K_2 L_3^2 + 1)``, which agree with the spec.
    """
    k_prev, k_l, f, L1, K1, K2, L3, K3 = sympy.symbols("K_lm1 K_l f L K_1 K_2 L_3 K_3", integer=True, positive=True)
    return Identity(
        name="seed_001_parameter_count_claim",
        statement="seed 001: a convolution layer has K_{l-1} f^2 K_l parameters",
        conditions="symbolic channel counts and kernel size; biases, as in every framework's default",
        method="against spec/conv.py's conv_parameter_count; simplified difference",
        comparisons=(
            equal("K_{l-1} f^2 K_l = conv_parameter_count", k_prev * f * f * k_l, conv.conv_parameter_count(k_prev, k_l, (f, f))),
            equal("K_{l-1} f^2 K_l = conv_parameter_count(bias=False)", k_prev * f * f * k_l,
                  conv.conv_parameter_count(k_prev, k_l, (f, f), bias=False)),
            equal("seed's K_1 (3 L^2 + 1)", K1 * (3 * L1**2 + 1), conv.conv_parameter_count(3, K1, (L1, L1))),
            equal("seed's K_3 (K_2 L_3^2 + 1)", K3 * (K2 * L3**2 + 1), conv.conv_parameter_count(K2, K3, (L3, L3))),
        ),
    )


TRACK = tuple(sympy.Rational(v) for v in ("1.00", "1.10", "1.20", "1.40", "1.70", "1.80", "1.90", "2.10", "2.20", "2.40", "2.50"))
TRACK_WEIGHTS = tuple(sympy.Rational(v) for v in ("0.01", "0.02", "0.03", "0.04", "0.4", "0.5"))
SEVEN_TAP_WEIGHTS = tuple(sympy.Rational(v) for v in ("0.01", "0.01", "0.02", "0.02", "0.04", "0.4", "0.5"))


@cache
def seed_001_track_example_claim() -> Identity:
    """Seed 001's 1-D example: ``S = x_5 w_0 + x_4 w_1 + ... + x_0 w_5``, printed as 1.80, 1.96, 2.11. Wrong numbers.

    With the slide's own x and w (exact decimals) its formula ``s_t = sum_{a=0}^{5} x_{t-a} w_a``
    gives 1.082, 1.192, 1.341 for t = 5, 6, 7. Nor does the 7-tap weighting
    ``0.01, 0.01, 0.02, 0.02, 0.04, 0.4, 0.5`` (0.5 on the newest sample; the slide's
    likely source) give them: it gives 1.811, 1.967, 2.112, which match 1.96 and 2.11
    when cut to two decimals but not 1.80.
    """
    printed = (sympy.Rational("1.80"), sympy.Rational("1.96"), sympy.Rational("2.11"))
    formula = tuple(sum(TRACK[u - a_] * TRACK_WEIGHTS[a_] for a_ in range(6)) for u in (5, 6, 7))
    seven = correlation(TRACK, SEVEN_TAP_WEIGHTS)[:3]
    return Identity(
        name="seed_001_track_example_claim",
        statement="seed 001: s_5, s_6, s_7 = 1.80, 1.96, 2.11 for s_t = sum_a x_{t-a} w_a on the printed x, w",
        conditions="the slide's x (11 samples) and w (6 taps) as exact decimals",
        method="exact rational arithmetic of the slide's formula",
        comparisons=(
            equal("printed = the formula on the printed rows", printed, formula),
            equal("printed = the 7-tap weighting, cut to 2 decimals", printed, tuple(sympy.floor(100 * v) / 100 for v in seven)),
        ),
    )


@cache
def seed_002_parameter_arithmetic_claim() -> Identity:
    """Seed 002's Keras summary annotates ``18496 = (3x3x3x2+1)x64``. The arithmetic gives 3520.

    The count is ``(3 * 3 * 32 + 1) * 64 = 18496``: 32 input channels, not ``3 * 2``.
    """
    return Identity(
        name="seed_002_parameter_arithmetic_claim",
        statement="seed 002: 18496 = (3x3x3x2+1)x64 for Conv2D(64, (3, 3)) after 32 channels",
        conditions="the slide's numbers",
        method="integer arithmetic against spec/conv.py's conv_parameter_count",
        comparisons=(
            equal("(3*3*3*2 + 1)*64 = conv_parameter_count(32, 64, 3x3)", (3 * 3 * 3 * 2 + 1) * 64, conv.conv_parameter_count(32, 64, (3, 3))),
            equal("Keras's 18496 = conv_parameter_count(32, 64, 3x3)", 18496, conv.conv_parameter_count(32, 64, (3, 3))),
            equal("(3*3*32 + 1)*64 = 18496", (3 * 3 * 32 + 1) * 64, 18496),
        ),
    )


@cache
def seed_004_correlation_called_convolution_claim() -> Identity:
    """Seed 004: ``C(j, k) = sum_l sum_m I(j + l, k + m) K(l, m)`` "is an example of a convolution". It is a correlation.

    On the seed's 3x3 image ``a..i`` and 2x2 filter ``j k / l m`` the formula and the printed
    table agree with the correlation and differ from the convolution (which flips the
    filter); they coincide only for a filter symmetric under a half turn.
    """
    a_, b, c, dd, ee, f, g, hh, i, j, kk, ll, mm = sympy.symbols("a b c d e f g h i j k l m")
    image, kernel = ((a_, b, c), (dd, ee, f), (g, hh, i)), ((j, kk), (ll, mm))
    seed_formula = lambda img, ker: tuple(tuple(  # noqa: E731
        sum(img[r + l_][col + m_] * ker[l_][m_] for l_ in range(2) for m_ in range(2)) for col in range(2)) for r in range(2))
    table = ((a_ * j + b * kk + dd * ll + ee * mm, b * j + c * kk + ee * ll + f * mm),
             (dd * j + ee * kk + g * ll + hh * mm, ee * j + f * kk + hh * ll + i * mm))
    valid = lambda full: tuple(tuple(full[r][col] for col in (1, 2)) for r in (1, 2))  # noqa: E731
    symmetric = ((j, kk), (kk, j))
    return Identity(
        name="seed_004_correlation_called_convolution_claim",
        statement="seed 004: C(j,k) = sum_l sum_m I(j+l, k+m) K(l,m) is the convolution C = I * K",
        conditions="the seed's symbolic 3x3 image and 2x2 filter",
        method="the seed's sum, its printed table, correlation_2d and full_convolution_2d, expanded",
        comparisons=(
            equal("seed's formula = seed's table", seed_formula(image, kernel), table),
            equal("seed's formula = correlation", seed_formula(image, kernel), correlation_2d(image, kernel)),
            equal("seed's formula = convolution", seed_formula(image, kernel), valid(full_convolution_2d(image, kernel))),
            equal("half-turn-symmetric filter: formula = convolution", seed_formula(image, symmetric),
                  valid(full_convolution_2d(image, symmetric))),
        ),
    )
