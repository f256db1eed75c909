"""Identities of the convolution family, proved with sympy; and the seeds' wrong claims, refuted.

Each public function builds one statement and returns an :class:`Identity`: the
statement in words, its conditions, how it is proved, and the sympy comparisons that
make up the proof. A comparison *holds* when the simplified difference of its two
sides is 0 (or, for Sums, when the two sides are structurally equal after
re-indexing; or, for a membership, when every branch value lies in the set). An
identity holds when every comparison does. The machinery can fail: each proof has a
deliberately wrong variant (``*_claim``) that does not hold, and whose difference is
decidedly non-zero (a non-zero number, or a polynomial or rational function that is
not identically zero), see :attr:`Identity.refuted`.

Where the statements are:

* here, the convolution algebra: convolution is correlation with the flipped kernel
  (1-D, 2-D, and for symbolic sizes), full convolution is commutative and associative
  (polynomial multiplication), with their wrong variants;
* :mod:`convspec.spec.size_identities`: output sizes ("same" padding, transposed
  convolution inverting the convolution's size, pooling's floor and ceil modes);
* :mod:`convspec.spec.seed_claims`: what the lecture slides assert, against the truth;
* :mod:`convspec.spec.proofs`: the machinery (:class:`Comparison`, :class:`Identity`,
  :func:`equal`, :func:`same`, :func:`member`) and the definitions the statements use
  (full convolution ``(x * w)[t] = sum_j x[t - d j] w[j]``, correlation
  ``y[o] = sum_j x[o s + d j] w[j]``, built from their summation formulas, not from the
  reference).

Every public name of those modules is importable from here as well
(``identities.seed_000_lenet_sizes_claim``, ``identities.equal``, ...).

Registries: :data:`PROOFS` (must hold), :data:`WRONG_VARIANTS` and :data:`SEED_CLAIMS`
(must be refuted).

Example::

    >>> convolution_is_correlation_with_flipped_kernel_1d(3, 2).holds
    True
"""

from __future__ import annotations

from functools import cache

import sympy

from .proofs import (  # noqa: F401  (the machinery, the definitions and the symbols, re-exported)
    DEFAULT_STRIDES,
    Comparison,
    Identity,
    coefficients,
    correlation,
    correlation_2d,
    d,
    e,
    equal,
    flip,
    full_convolution,
    full_convolution_2d,
    full_correlation,
    grid,
    h,
    k,
    m,
    member,
    n,
    p_hi,
    p_lo,
    polynomial,
    q,
    s,
    same,
    sequence,
    t,
    z,
    zero_pad,
)
from .seed_claims import (  # noqa: F401  (the seeds' claims, re-exported)
    SEVEN_TAP_WEIGHTS,
    TRACK,
    TRACK_WEIGHTS,
    seed_000_lenet_sizes_claim,
    seed_000_pooling_size_formula_claim,
    seed_000_transposed_size_relation_claim,
    seed_001_convolution_bounds_claim,
    seed_001_parameter_count_claim,
    seed_001_track_example_claim,
    seed_002_parameter_arithmetic_claim,
    seed_004_correlation_called_convolution_claim,
)
from .size_identities import (  # noqa: F401  (the size identities, re-exported)
    conv_input_lengths_are_the_preimages,
    conv_transpose_restores_conv_input_length,
    conv_transpose_restores_without_output_padding_claim,
    pool_ceil_length_adds_zero_or_one,
    pool_ceil_mode_always_adds_a_window_claim,
    pool_floor_length_is_conv_length,
    same_padding_gives_ceil_length,
    same_padding_gives_floor_length_claim,
    same_padding_is_symmetric_for_even_kernels_claim,
    same_padding_keeps_length_at_stride_one,
    same_padding_keeps_length_at_stride_two_claim,
)


def _sizes_1d(max_n: int, max_k: int):
    return [(n_, k_) for n_ in range(1, max_n + 1) for k_ in range(1, min(n_, max_k) + 1)]


# ---------------------------------------------------------------------------------------
# Convolution is correlation with the flipped kernel
# ---------------------------------------------------------------------------------------


@cache
def convolution_is_correlation_with_flipped_kernel_1d(max_n: int = 6, max_k: int = 4) -> Identity:
    """``correlate(x, flip(w), s, d)[o] == (x * w)[o s + d(k-1)]``; with full padding, the whole ``x * w``.

    On symbolic sequences ``x_0..x_{n-1}``, ``w_0..w_{k-1}`` for every ``1 <= k <= n <= max_n``,
    ``k <= max_k``, strides 1 and 2, dilations 1 and 2 (where a window fits). Example:
    ``n = 2, k = 2``: ``x_0 w_1' + x_1 w_0'`` with ``w' = (w_1, w_0)`` is ``x_0 w_1 + x_1 w_0 = (x * w)[1]``.
    """
    comparisons = []
    for n_, k_ in _sizes_1d(max_n, max_k):
        x, w = sequence("x", n_), sequence("w", k_)
        for s_ in (1, 2):
            for d_ in (1, 2):
                if d_ * (k_ - 1) + 1 > n_:
                    continue
                lhs = correlation(x, flip(w), s_, d_)
                full = full_convolution(x, w, d_)
                rhs = tuple(full[o * s_ + d_ * (k_ - 1)] for o in range(len(lhs)))
                comparisons.append(equal(f"n={n_}, k={k_}, s={s_}, d={d_}", lhs, rhs))
        span = k_ - 1
        comparisons.append(equal(f"n={n_}, k={k_}, full padding",
                                 correlation(zero_pad(x, span, span), flip(w)), full_convolution(x, w)))
    return Identity(
        name="convolution_is_correlation_with_flipped_kernel_1d",
        statement="correlation with the reversed kernel = the signal-processing convolution sum_j x[t - d j] w[j], "
                  "read at t = o s + d (k - 1) (valid windows); with k - 1 zeros each side, the whole full convolution",
        conditions=f"symbolic sequences, every 1 <= k <= n <= {max_n}, k <= {max_k}, s in {{1, 2}}, d in {{1, 2}}",
        method="both sides built from their sums; the expanded difference is 0, entry by entry",
        comparisons=tuple(comparisons),
    )


@cache
def convolution_is_correlation_with_flipped_kernel_2d(max_n: int = 4, max_k: int = 3) -> Identity:
    """``correlate_2d(X, rot180(W)) == (X * W)[a + k1 - 1, b + k2 - 1]`` on symbolic grids.

    Every ``n1, n2 <= max_n`` and ``k1 <= n1``, ``k2 <= n2``, ``k <= max_k``, stride 1.
    """
    comparisons = []
    for n1, k1 in _sizes_1d(max_n, max_k):
        for n2, k2 in _sizes_1d(max_n, max_k):
            x, w = grid("X", n1, n2), grid("W", k1, k2)
            lhs = correlation_2d(x, flip(w))
            full = full_convolution_2d(x, w)
            rhs = tuple(tuple(full[a + k1 - 1][b + k2 - 1] for b in range(n2 - k2 + 1)) for a in range(n1 - k1 + 1))
            comparisons.append(equal(f"{n1}x{n2} input, {k1}x{k2} kernel", lhs, rhs))
    return Identity(
        name="convolution_is_correlation_with_flipped_kernel_2d",
        statement="2-D correlation with the kernel turned by 180 degrees = the 2-D convolution "
                  "sum_{i,j} X[t - i, u - j] W[i, j] at the valid positions",
        conditions=f"symbolic grids, every n1, n2 <= {max_n}, kernel k1 <= n1, k2 <= n2, k <= {max_k}, stride 1",
        method="both sides built from their double sums; the expanded difference is 0, entry by entry",
        comparisons=tuple(comparisons),
    )


@cache
def convolution_is_correlation_with_flipped_kernel_general() -> Identity:
    """For symbolic ``n, k, s, d``: the sums are equal after re-indexing ``j -> k - 1 - j``.

    Three forms: (1) 1-D with stride and dilation; (2) seed 001's centred 2-D forms
    ``Z = sum_{u,v=-c}^{c} K[u,v] A[i+u, j+v]`` (correlation) and ``sum K[u,v] A[i-u, j-v]``
    (convolution), related by ``K'[u, v] = K[-u, -v]``; (3) seed 001's centred 1-D
    convolution with corrected bounds, ``S_i = sum_{a=-h}^{h} I[i-a] K[h+a]``, which is the
    correlation with the flipped kernel at window start ``i - h``.
    """
    x, w, A, K = sympy.IndexedBase("x"), sympy.IndexedBase("w"), sympy.IndexedBase("A"), sympy.IndexedBase("K")
    j, o, i, jj, u, v, a_ = sympy.symbols("j o i jj u v a", integer=True)
    c = sympy.Symbol("c", integer=True, nonnegative=True)
    correlate_flipped = sympy.Sum(x[o * s + j * d] * w[k - 1 - j], (j, 0, k - 1))
    convolution_at = sympy.Sum(x[(o * s + d * (k - 1)) - d * j] * w[j], (j, 0, k - 1))
    centred_correlation = sympy.Sum(K[-u, -v] * A[i + u, jj + v], (u, -c, c), (v, -c, c))
    centred_convolution = sympy.Sum(K[u, v] * A[i - u, jj - v], (u, -c, c), (v, -c, c))
    seed_centred = sympy.Sum(x[i - a_] * w[h + a_], (a_, -h, h))
    window_flipped = sympy.Sum(x[(i - h) + j] * w[2 * h - j], (j, 0, 2 * h))
    return Identity(
        name="convolution_is_correlation_with_flipped_kernel_general",
        statement="sum_j x[o s + d j] w[k-1-j] = sum_j x[t - d j] w[j] at t = o s + d (k - 1), for all n, k, s, d; "
                  "and the centred forms of seed 001 in 1-D and 2-D",
        conditions="symbolic k, s, d >= 1, symbolic positions; c, h >= 0 the half-widths of odd kernels",
        method="change of summation index (sympy Sum.change_index), then structural equality with indices expanded",
        comparisons=(
            same("1-D, stride s, dilation d: j -> k - 1 - j", correlate_flipped.change_index(j, k - 1 - j), convolution_at),
            same("2-D centred (seed 001): u -> -u, v -> -v",
                 centred_correlation.change_index(u, -u).change_index(v, -v), centred_convolution),
            same("1-D centred (seed 001, bounds -h..h): j = h - a", seed_centred.change_index(a_, h - a_, j), window_flipped),
        ),
    )


@cache
def convolution_is_unflipped_correlation_claim(max_n: int = 4, max_k: int = 3) -> Identity:
    """Wrong variant: "convolution is correlation with the kernel as it is" (seed 004's reading). Refuted for k >= 2.

    Example: ``n = k = 2``: ``x_0 w_0 + x_1 w_1`` against ``x_0 w_1 + x_1 w_0``.
    """
    comparisons = []
    for n_, k_ in _sizes_1d(max_n, max_k):
        if k_ < 2:
            continue
        x, w = sequence("x", n_), sequence("w", k_)
        full = full_convolution(x, w)
        comparisons.append(equal(f"n={n_}, k={k_}", correlation(x, w), full[k_ - 1:n_]))
    return Identity(
        name="convolution_is_unflipped_correlation_claim",
        statement="(wrong) correlation with the unflipped kernel = convolution",
        conditions=f"symbolic sequences, 2 <= k <= n <= {max_n}, k <= {max_k}",
        method="as convolution_is_correlation_with_flipped_kernel_1d, without the flip",
        comparisons=tuple(comparisons),
    )


# ---------------------------------------------------------------------------------------
# Commutativity and associativity of full convolution (polynomial multiplication)
# ---------------------------------------------------------------------------------------


@cache
def full_convolution_is_commutative(max_n: int = 6, max_k: int = 4) -> Identity:
    """``x * w == w * x``, and ``(x * w)[t]`` is the coefficient of ``z^t`` in ``P_x(z) P_w(z)``.

    ``P_x(z) = sum_i x_i z^i``. Example: ``(x_0 + x_1 z)(w_0 + w_1 z)`` has middle
    coefficient ``x_0 w_1 + x_1 w_0 = (x * w)[1]``.
    """
    comparisons = []
    for n_, k_ in _sizes_1d(max_n, max_k):
        x, w = sequence("x", n_), sequence("w", k_)
        xw = full_convolution(x, w)
        comparisons.append(equal(f"n={n_}, k={k_}: index sums x * w = w * x", xw, full_convolution(w, x)))
        comparisons.append(equal(f"n={n_}, k={k_}: x * w = coefficients of P_x P_w",
                                 xw, coefficients(polynomial(x) * polynomial(w), n_ + k_ - 1)))
        comparisons.append(equal(f"n={n_}, k={k_}: P_x P_w = P_w P_x as polynomials",
                                 polynomial(x) * polynomial(w), polynomial(w) * polynomial(x)))
    return Identity(
        name="full_convolution_is_commutative",
        statement="full convolution is commutative: x * w = w * x; it is polynomial multiplication of the "
                  "coefficient sequences",
        conditions=f"symbolic sequences of lengths 1 <= k <= n <= {max_n}, k <= {max_k} (and swapped)",
        method="explicit index sums on both sides, and the polynomial product's coefficients; expanded difference 0",
        comparisons=tuple(comparisons),
    )


@cache
def full_convolution_is_associative(lengths: tuple[int, int, int] = (4, 3, 3)) -> Identity:
    """``(x * w) * v == x * (w * v)``; both are the coefficients of ``P_x P_w P_v``."""
    comparisons = []
    for a_ in range(1, lengths[0] + 1):
        for b in range(1, lengths[1] + 1):
            for c in range(1, lengths[2] + 1):
                x, w, v = sequence("x", a_), sequence("w", b), sequence("v", c)
                left = full_convolution(full_convolution(x, w), v)
                comparisons.append(equal(f"{a_},{b},{c}: (x*w)*v = x*(w*v)", left, full_convolution(x, full_convolution(w, v))))
                product = polynomial(x) * polynomial(w) * polynomial(v)
                comparisons.append(equal(f"{a_},{b},{c}: = coefficients of P_x P_w P_v", left, coefficients(product, a_ + b + c - 2)))
    return Identity(
        name="full_convolution_is_associative",
        statement="full convolution is associative: (x * w) * v = x * (w * v) (seed 001: '(A * B) * C = A * (B * C)')",
        conditions=f"symbolic sequences of every length up to {lengths}",
        method="explicit index sums on both sides, and the coefficients of the product of three polynomials",
        comparisons=tuple(comparisons),
    )


@cache
def correlation_is_commutative_claim(max_n: int = 4, max_k: int = 3) -> Identity:
    """Wrong variant: full correlation is not commutative (it commutes only up to reversal).

    Example: ``x = (x_0, x_1)``, ``w = (w_0)``: ``(x_0 w_0, x_1 w_0)`` against ``(w_0 x_1, w_0 x_0)``.
    """
    comparisons = []
    for n_, k_ in _sizes_1d(max_n, max_k):
        if n_ + k_ < 3:
            continue
        x, w = sequence("x", n_), sequence("w", k_)
        comparisons.append(equal(f"n={n_}, k={k_}", full_correlation(x, w), full_correlation(w, x)))
    return Identity(
        name="correlation_is_commutative_claim",
        statement="(wrong) full correlation is commutative, as full convolution is",
        conditions=f"symbolic sequences, 1 <= k <= n <= {max_n}, k <= {max_k}, n + k >= 3",
        method="explicit index sums of both sides",
        comparisons=tuple(comparisons),
    )


@cache
def correlation_is_associative_claim() -> Identity:
    """Wrong variant: "convolution" as deep learning computes it (correlation) is not associative.

    Seed 001 credits associativity to convolution "as in signal processing" and says DL
    does not care; this is the refutation for correlation. Example: lengths 2, 2, 2.
    """
    comparisons = []
    for a_, b, c in ((1, 2, 2), (2, 2, 2), (3, 2, 2), (2, 3, 2)):
        x, w, v = sequence("x", a_), sequence("w", b), sequence("v", c)
        comparisons.append(equal(f"{a_},{b},{c}", full_correlation(full_correlation(x, w), v),
                                 full_correlation(x, full_correlation(w, v))))
    return Identity(
        name="correlation_is_associative_claim",
        statement="(wrong) full correlation is associative, as full convolution is",
        conditions="symbolic sequences of lengths (1,2,2), (2,2,2), (3,2,2), (2,3,2)",
        method="explicit index sums of both sides",
        comparisons=tuple(comparisons),
    )


PROOFS = (
    convolution_is_correlation_with_flipped_kernel_1d,
    convolution_is_correlation_with_flipped_kernel_2d,
    convolution_is_correlation_with_flipped_kernel_general,
    full_convolution_is_commutative,
    full_convolution_is_associative,
    same_padding_keeps_length_at_stride_one,
    same_padding_gives_ceil_length,
    conv_transpose_restores_conv_input_length,
    conv_input_lengths_are_the_preimages,
    pool_floor_length_is_conv_length,
    pool_ceil_length_adds_zero_or_one,
)
WRONG_VARIANTS = (
    convolution_is_unflipped_correlation_claim,
    correlation_is_commutative_claim,
    correlation_is_associative_claim,
    same_padding_keeps_length_at_stride_two_claim,
    same_padding_gives_floor_length_claim,
    same_padding_is_symmetric_for_even_kernels_claim,
    conv_transpose_restores_without_output_padding_claim,
    pool_ceil_mode_always_adds_a_window_claim,
)
SEED_CLAIMS = (
    seed_000_pooling_size_formula_claim,
    seed_000_transposed_size_relation_claim,
    seed_000_lenet_sizes_claim,
    seed_001_convolution_bounds_claim,
    seed_001_parameter_count_claim,
    seed_001_track_example_claim,
    seed_002_parameter_arithmetic_claim,
    seed_004_correlation_called_convolution_claim,
)
