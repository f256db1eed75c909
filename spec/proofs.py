"""The machinery of the symbolic proofs, and the definitions they are stated with.

Used by :mod:`convspec.spec.identities` (the convolution algebra and the registries),
:mod:`convspec.spec.size_identities` (output sizes) and :mod:`convspec.spec.seed_claims`
(the seeds' claims); every public name here is importable from
:mod:`convspec.spec.identities` too.

A :class:`Comparison` is one step of a proof. It *holds* when the simplified difference
of its two sides is 0 (or, for Sums, when the two sides are structurally equal after
re-indexing; or, for a membership, when every branch value lies in the set); it is
*refuted* when that difference is decidedly non-zero (a non-zero number, or a polynomial
or rational function that is not identically zero), and merely *not shown* otherwise
(a floor sympy could not simplify is not a counterexample). An :class:`Identity` is a
statement, its conditions, how it is proved, and its comparisons; it holds when every
comparison does. Build comparisons with :func:`equal`, :func:`same` and :func:`member`.

Definitions (built here from their summation formulas, not from the reference):

* full convolution ``(x * w)[t] = sum_j x[t - d j] w[j]``, ``0 <= j < k``, terms with
  ``t - d j`` outside ``0..n-1`` left out, ``t = 0 .. n - 1 + d(k-1)``;
* correlation ``y[o] = sum_j x[o s + d j] w[j]`` for every ``o`` whose window lies in ``x``.

Example::

    >>> full_convolution((1, 2, 3), (1, 10))
    (1, 12, 23, 30)
    >>> equal("commutes", polynomial((1, 2)) * polynomial((3, 4)), polynomial((3, 4)) * polynomial((1, 2))).holds
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from . import conv, conv_transpose
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
