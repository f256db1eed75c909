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

How sizes are proved. The closed forms of :mod:`convspec.spec.conv`,
:mod:`convspec.spec.conv_transpose` and :mod:`convspec.spec.pool` are called with
symbols; floors and ceilings of symbolic quotients are split by residue: for a
concrete stride ``s`` the numerator is written ``q*s + r`` with a symbolic integer
``q >= 0`` and each ``r`` in ``0..s-1``, after which sympy takes the integer ``q`` out
of the floor exactly. Each such proof says for which strides it was run (``1..8`` by
default), and covers every input length and every kernel size and dilation: the
closed forms depend on ``(k, d)`` only through the dilated span ``e = d(k-1)+1``, which
is itself proved (the "reduction" comparisons), and ``e`` stays a symbol.

Definitions (built here from their summation formulas, not from the reference):

* full convolution ``(x * w)[t] = sum_j x[t - d j] w[j]``, ``0 <= j < k``, terms with
  ``t - d j`` outside ``0..n-1`` left out, ``t = 0 .. n - 1 + d(k-1)``;
* correlation ``y[o] = sum_j x[o s + d j] w[j]`` for every ``o`` whose window lies in ``x``.

Registries: :data:`PROOFS` (must hold), :data:`WRONG_VARIANTS` and :data:`SEED_CLAIMS`
(must be refuted).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import sympy

from . import conv, conv_transpose, pool, unpool
from .conventions import check_size

# symbols of the proofs (the spec's own n, k, s, d, p_lo, p_hi, m, a are reused)
n, k, s, d, p_lo, p_hi = conv.n, conv.k, conv.s, conv.d, conv.p_lo, conv.p_hi
m = conv_transpose.m
q = sympy.Symbol("q", integer=True, nonnegative=True)  # a quotient
t = sympy.Symbol("t", integer=True, nonnegative=True)  # a free offset >= 0
h = sympy.Symbol("h", integer=True, nonnegative=True)  # half an odd kernel: k = 2h + 1
e = sympy.Symbol("e", integer=True, positive=True)  # the dilated span d(k-1)+1
z = sympy.Symbol("z")  # the polynomial variable
DEFAULT_STRIDES = tuple(range(1, 9))


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One step of a proof: ``lhs == rhs`` (or ``lhs in rhs``), with the simplified difference."""

    label: str
    lhs: object
    rhs: object
    difference: object  # simplified lhs - rhs; for a membership, the branch values outside rhs
    holds: bool
    relation: str = "=="

    @property
    def refuted(self) -> bool:
        """Decidedly false: the difference is a non-zero number, polynomial or rational function."""
        return not self.holds and _decidedly_nonzero(self.difference)

    def __str__(self) -> str:
        verdict = "holds" if self.holds else ("REFUTED" if self.refuted else "not shown")
        return f"[{verdict}] {self.label}: {self.lhs} {self.relation} {self.rhs} (difference {self.difference})"


@dataclass(frozen=True)
class Identity:
    """A statement, its conditions, how it is proved, and the comparisons that prove (or refute) it."""

    name: str
    statement: str
    conditions: str
    method: str
    comparisons: tuple[Comparison, ...]

    @property
    def holds(self) -> bool:
        return bool(self.comparisons) and all(c.holds for c in self.comparisons)

    @property
    def failures(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if not c.holds)

    @property
    def refuted(self) -> bool:
        """At least one comparison is decidedly false (a counterexample, not a failure to simplify)."""
        return any(c.refuted for c in self.comparisons)

    def comparison(self, label: str) -> Comparison:
        """The comparison with this label (a KeyError names the labels there are)."""
        for c in self.comparisons:
            if c.label == label:
                return c
        raise KeyError(f"{self.name}: no comparison labelled {label!r}; labels: {[c.label for c in self.comparisons]}")

    def __str__(self) -> str:
        verdict = "HOLDS" if self.holds else ("REFUTED" if self.refuted else "NOT SHOWN")
        lines = [f"{self.name}: {verdict}", f"  statement:  {self.statement}", f"  conditions: {self.conditions}",
                 f"  method:     {self.method}", f"  {len(self.comparisons)} comparison(s), {len(self.failures)} failing"]
        lines += [f"    {c}" for c in (self.failures or self.comparisons)[:8]]
        return "\n".join(lines)


def _simplify(expr):
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(_simplify)
    expanded = sympy.expand(expr)
    return expanded if expanded == 0 else sympy.simplify(expanded)


def _is_zero(expr) -> bool:
    if isinstance(expr, sympy.MatrixBase):
        return all(_is_zero(entry) for entry in expr)
    return expr == 0


def _decidedly_nonzero(expr) -> bool:
    if isinstance(expr, sympy.MatrixBase):
        return any(_decidedly_nonzero(entry) for entry in expr)
    if isinstance(expr, (set, frozenset)):  # a membership's values outside the set
        return any(sympy.sympify(value).is_number for value in expr)
    expr = sympy.sympify(expr)
    if expr.is_number:
        return expr != 0
    if expr.is_rational_function(*expr.free_symbols):
        numerator, _ = sympy.fraction(sympy.cancel(expr))
        return sympy.expand(numerator) != 0
    return False


def _as_sympy(value):
    if isinstance(value, (tuple, list)):
        rows = [list(row) if isinstance(row, (tuple, list)) else [row] for row in value]
        return sympy.Matrix(rows)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(value)


def equal(label: str, lhs, rhs, *, rewrite=None) -> Comparison:
    """``lhs == rhs``: the expanded, simplified difference is 0 (entry by entry for sequences)."""
    left, right = _as_sympy(lhs), _as_sympy(rhs)
    if isinstance(left, sympy.MatrixBase) and left.shape != right.shape:
        return Comparison(label, left, right, sympy.Symbol(f"shapes_{left.shape}_vs_{right.shape}"), False)
    difference = left - right
    if rewrite is not None:
        difference = difference.rewrite(rewrite)
    difference = _simplify(difference)
    return Comparison(label, left, right, difference, _is_zero(difference))


def same(label: str, lhs, rhs) -> Comparison:
    """``lhs`` and ``rhs`` are structurally equal once every index is expanded (for Sums)."""
    left, right = _expand_indices(lhs), _expand_indices(rhs)
    holds = left == right
    return Comparison(label, left, right, sympy.S.Zero if holds else sympy.Add(left, -right, evaluate=False), holds)


def member(label: str, expr, values) -> Comparison:
    """Every branch value of ``expr`` (a Piecewise has several) lies in ``values``."""
    allowed = sympy.FiniteSet(*values)
    branches = _branch_values(sympy.piecewise_fold(_as_sympy(expr)))
    outside = frozenset(v for v in branches if v not in allowed)
    return Comparison(label, _as_sympy(expr), allowed, outside, not outside, relation="in")


def _branch_values(expr) -> frozenset:
    if isinstance(expr, sympy.Piecewise):
        return frozenset().union(*(_branch_values(_simplify(branch.expr)) for branch in expr.args))
    return frozenset({expr})


def _expand_indices(expr):
    return sympy.sympify(expr).replace(
        lambda a: isinstance(a, sympy.Indexed),
        lambda a: a.base[tuple(sympy.expand(i) for i in a.indices)],
    )


# ---------------------------------------------------------------------------------------
# Definitions: sequences, full convolution, correlation, polynomials
# ---------------------------------------------------------------------------------------


def _name(op: str, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{op}: name must be a non-empty str, got {name!r} of type {type(name).__name__}")
    return name


def _int(op: str, name: str, value: object, minimum: int) -> int:
    """A Python int >= minimum (the enumerations below need numbers, not symbols)."""
    if isinstance(value, sympy.Basic):
        raise TypeError(f"{op}: {name} must be an int (it is enumerated), got the sympy expression {value!r}")
    return check_size(op, name, value, minimum=minimum)


def _signal(op: str, name: str, values: object, *, rank: int = 1) -> tuple:
    """A non-empty tuple (or list) of samples; for ``rank=2`` a non-empty rectangular grid of them."""
    if not isinstance(values, (tuple, list)) or not values:
        raise TypeError(f"{op}: {name} must be a non-empty tuple of samples, got {values!r}")
    if rank == 2:
        widths = {len(row) if isinstance(row, (tuple, list)) else -1 for row in values}
        if len(widths) != 1 or widths == {-1} or widths == {0}:
            raise ValueError(f"{op}: {name} must be a non-empty rectangular grid (a tuple of equal-length rows), got {values!r}")
    return tuple(values)


def sequence(name: str, length: int) -> tuple:
    """``(name_0, ..., name_{length-1})``: independent symbols (commutative, no assumptions).

    >>> sequence("x", 3)
    (x_0, x_1, x_2)
    """
    name, length = _name("sequence", name), _int("sequence", "length", length, 0)
    return tuple(sympy.Symbol(f"{name}_{i}") for i in range(length))


def grid(name: str, rows: int, cols: int) -> tuple:
    """A ``rows x cols`` grid of independent symbols ``name_i_j``, as a tuple of rows."""
    name, rows, cols = _name("grid", name), _int("grid", "rows", rows, 0), _int("grid", "cols", cols, 0)
    return tuple(tuple(sympy.Symbol(f"{name}_{i}_{j}") for j in range(cols)) for i in range(rows))


def flip(w: tuple) -> tuple:
    """``w`` reversed; for a grid, turned by 180 degrees (both axes reversed)."""
    return tuple(flip(row) if isinstance(row, tuple) else row for row in reversed(w))


def zero_pad(x: tuple, lo: int, hi: int) -> tuple:
    """``lo`` zeros, then ``x``, then ``hi`` zeros."""
    if not isinstance(x, (tuple, list)):
        raise TypeError(f"zero_pad: x must be a tuple of samples, got {x!r}")
    lo, hi = _int("zero_pad", "lo", lo, 0), _int("zero_pad", "hi", hi, 0)
    return (sympy.S.Zero,) * lo + tuple(x) + (sympy.S.Zero,) * hi


def full_convolution(x: tuple, w: tuple, dilation: int = 1) -> tuple:
    """Signal-processing convolution ``(x * w)[t] = sum_j x[t - d j] w[j]``, every ``t`` some term reaches.

    Terms with ``t - d j`` outside ``0..n-1`` are left out; ``t = 0 .. n - 1 + d(k-1)``.
    With ``d = 1`` this is the coefficient sequence of the polynomial product.

    >>> full_convolution((1, 2, 3), (1, 10))
    (1, 12, 23, 30)
    """
    x, w = _signal("full_convolution", "x", x), _signal("full_convolution", "w", w)
    dilation = _int("full_convolution", "dilation", dilation, 1)
    length, taps = len(x), len(w)
    return tuple(
        sum((x[u - dilation * j] * w[j] for j in range(taps) if 0 <= u - dilation * j < length), sympy.S.Zero)
        for u in range(length + dilation * (taps - 1))
    )


def correlation(x: tuple, w: tuple, stride: int = 1, dilation: int = 1) -> tuple:
    """``y[o] = sum_j x[o s + d j] w[j]`` for ``o = 0, 1, ...`` while the window lies in ``x``.

    The outputs are enumerated (no size formula): a window exists while its last tap
    ``o s + d (k - 1)`` is at most ``n - 1``.

    >>> correlation((1, 2, 3, 4), (1, -1), stride=2)
    (-1, -1)
    """
    x, w = _signal("correlation", "x", x), _signal("correlation", "w", w)
    stride, dilation = _int("correlation", "stride", stride, 1), _int("correlation", "dilation", dilation, 1)
    out, o = [], 0
    while o * stride + dilation * (len(w) - 1) <= len(x) - 1:
        out.append(sum((x[o * stride + dilation * j] * w[j] for j in range(len(w))), sympy.S.Zero))
        o += 1
    return tuple(out)


def full_correlation(x: tuple, w: tuple) -> tuple:
    """Correlation of ``x`` padded with ``k - 1`` zeros on each side (every overlapping window)."""
    x, w = _signal("full_correlation", "x", x), _signal("full_correlation", "w", w)
    return correlation(zero_pad(x, len(w) - 1, len(w) - 1), w)


def full_convolution_2d(x: tuple, w: tuple) -> tuple:
    """``(X * W)[t, u] = sum_{i, j} X[t - i, u - j] W[i, j]``, over every ``(t, u)`` some term reaches."""
    x, w = _signal("full_convolution_2d", "x", x, rank=2), _signal("full_convolution_2d", "w", w, rank=2)
    (n1, n2), (k1, k2) = (len(x), len(x[0])), (len(w), len(w[0]))
    return tuple(
        tuple(
            sum((x[a - i][b - j] * w[i][j] for i in range(k1) for j in range(k2)
                 if 0 <= a - i < n1 and 0 <= b - j < n2), sympy.S.Zero)
            for b in range(n2 + k2 - 1)
        )
        for a in range(n1 + k1 - 1)
    )


def correlation_2d(x: tuple, w: tuple) -> tuple:
    """``Y[a, b] = sum_{i, j} X[a + i, b + j] W[i, j]`` for every window inside ``X`` (stride 1)."""
    x, w = _signal("correlation_2d", "x", x, rank=2), _signal("correlation_2d", "w", w, rank=2)
    (n1, n2), (k1, k2) = (len(x), len(x[0])), (len(w), len(w[0]))
    return tuple(
        tuple(sum((x[a + i][b + j] * w[i][j] for i in range(k1) for j in range(k2)), sympy.S.Zero)
              for b in range(n2 - k2 + 1))
        for a in range(n1 - k1 + 1)
    )


def polynomial(coefficients: tuple, variable=z):
    """``sum_i c_i z^i``. Full convolution of coefficient sequences is polynomial multiplication."""
    if not isinstance(coefficients, (tuple, list)):
        raise TypeError(f"polynomial: coefficients must be a tuple of numbers or expressions, got {coefficients!r}")
    return sum((c * variable**i for i, c in enumerate(coefficients)), sympy.S.Zero)


def coefficients(poly, length: int, variable=z) -> tuple:
    """The coefficients of ``z^0 .. z^{length-1}`` of ``poly`` (expanded)."""
    length = _int("coefficients", "length", length, 0)
    expanded = sympy.expand(poly)
    return tuple(expanded.coeff(variable, i) for i in range(length))


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


# ---------------------------------------------------------------------------------------
# Seed claims against the truth (each refuted; the comparisons that agree are kept)
# ---------------------------------------------------------------------------------------


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
