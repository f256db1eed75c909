"""How far an implementation may be from the reference, derived from rounding-error bounds.

An output of the convolution family is a sum of ``n`` products (plus a bias). In
floating point with unit roundoff ``u`` the computed sum ``ŷ`` of any summation
order satisfies (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1)::

    |ŷ - y| <= γ_n · Σ|x·w|,      γ_n = n·u / (1 - n·u)

so the allowed difference between a target (dtype with roundoff ``u``) and the
reference (float64 sums, then one rounding to the output dtype) per output element is::

    bound = (γ_n(u) + γ_n(u_float64) + u) · Σ|x·w| + n · η

where ``η`` is the dtype's smallest subnormal (products that underflow to zero lose
at most that much each). ``Σ|x·w|`` is the same operation applied to the absolute
values of the inputs, computed by the reference.

Integer-valued inputs make every product and partial sum an integer; while
``Σ|x·w|`` stays below ``2^precision`` all of them are exact in the dtype, so any
summation order gives the exact answer and the comparison is bit-for-bit.
There is no other tolerance: no magic ``atol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNIT_ROUNDOFF = {"float16": 2.0**-11, "bfloat16": 2.0**-8, "float32": 2.0**-24, "float64": 2.0**-53}
PRECISION_BITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
SMALLEST_SUBNORMAL = {"float16": 2.0**-24, "bfloat16": 2.0**-133, "float32": 2.0**-149, "float64": 2.0**-1074}


def gamma(n: int, u: float) -> float:
    """γ_n = n u / (1 - n u), the relative error bound of a sum of n products."""
    if n * u >= 1:
        raise ValueError(f"gamma: n*u = {n}*{u} >= 1; the bound does not apply")
    return n * u / (1 - n * u)


@dataclass(frozen=True)
class SumOfProducts:
    """The tolerance model of an operation whose outputs are sums of ``terms`` products.

    ``magnitude`` is Σ|x·w| (plus |bias|) per output element, in float64.
    """

    terms: int
    magnitude: np.ndarray
    dtype: str
    integer_valued: bool

    @property
    def exact(self) -> bool:
        """True when every product and partial sum is exactly representable: compare bit-for-bit."""
        return self.integer_valued and float(np.max(self.magnitude, initial=0.0)) < 2.0 ** PRECISION_BITS[self.dtype]

    def bound(self) -> np.ndarray:
        """Per-element allowed |target - reference| (zeros when :attr:`exact`)."""
        if self.exact:
            return np.zeros_like(self.magnitude)
        u = UNIT_ROUNDOFF[self.dtype]
        relative = gamma(self.terms, u) + gamma(self.terms, UNIT_ROUNDOFF["float64"]) + u
        return relative * self.magnitude + self.terms * SMALLEST_SUBNORMAL[self.dtype]


@dataclass(frozen=True)
class Exact:
    """The tolerance model of an operation that only selects or copies values (max, unpool, nearest):
    no rounding happens, so the result must equal the reference bit for bit, NaN included."""

    shape: tuple[int, ...]
    exact: bool = True

    def bound(self) -> np.ndarray:
        return np.zeros(self.shape)


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one target output with the reference."""

    passed: bool
    exact: bool  # compared bit-for-bit
    worst_ratio: float  # max |diff| / bound over elements (0 when equal; inf if exact and differs)
    first_bad_index: tuple[int, ...] | None
    expected_value: float | None
    actual_value: float | None
    allowed: float | None

    def describe(self) -> str:
        if self.passed:
            return f"all elements within tolerance (worst {self.worst_ratio:.3g} of the bound)"
        if self.first_bad_index is None:
            return "output differs"
        return (
            f"first differing element at index {self.first_bad_index}: expected {self.expected_value!r}, "
            f"got {self.actual_value!r}, allowed difference {self.allowed!r}"
        )


def compare(expected: np.ndarray, actual: np.ndarray, tolerance: SumOfProducts | Exact) -> Comparison:
    """Compare element-wise in float64; NaN or inf where the reference is finite fails."""
    expected64 = np.asarray(expected, dtype=np.float64)
    actual64 = np.asarray(actual, dtype=np.float64)
    bound = tolerance.bound()
    with np.errstate(invalid="ignore"):
        diff = np.abs(actual64 - expected64)
    same_nonfinite = (expected64 == actual64) | (np.isnan(expected64) & np.isnan(actual64))
    bad = ~same_nonfinite & ~(diff <= bound)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bound > 0, diff / np.where(bound > 0, bound, 1), np.where(diff == 0, 0.0, np.inf))
    ratios = np.where(same_nonfinite, 0.0, ratios)
    ratios = np.where(np.isnan(ratios), np.inf, ratios)
    worst = float(np.max(ratios, initial=0.0))
    if not bad.any():
        return Comparison(True, tolerance.exact, worst, None, None, None, None)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return Comparison(
        False, tolerance.exact, worst, index, float(expected64[index]), float(actual64[index]), float(bound[index])
    )
