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
LARGEST_FINITE = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38, "float64": 1.7976931348623157e308}
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

    def may_overflow(self) -> np.ndarray:
        """Where the overflow rule (:data:`convspec.spec.non_finite.OVERFLOW`) lets either side be ±inf
        or NaN: ``Σ|x·w|`` over half the largest finite value of the accumulation dtype (float32 for float16 and
        bfloat16 inputs, the dtype itself otherwise; below that, sums stay finite).
        A NaN magnitude (a NaN input) is not an overflow: the NaN rules hold there."""
        accumulation = "float32" if self.dtype in ("float16", "bfloat16") else self.dtype  # the rule's "at least"
        with np.errstate(invalid="ignore"):
            return np.asarray(self.magnitude, dtype=np.float64) > LARGEST_FINITE[accumulation] / 2

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
    hint: str = ""  # a likely cause, where the values suggest one

    def describe(self) -> str:
        if self.passed:
            return f"all elements within tolerance (worst {self.worst_ratio:.3g} of the bound)"
        if self.first_bad_index is None:
            return "output differs"
        return (
            f"first differing element at index {self.first_bad_index}: expected {self.expected_value!r}, "
            f"got {self.actual_value!r}, allowed difference {self.allowed!r}{self.hint}"
        )


#: said of a failure where the reference's value is subnormal and the target's is 0
FLUSHED = ("; the expected value is subnormal and the target's is 0: does the target flush subnormals to zero "
           "(flush-to-zero/denormals-are-zero, torch.set_flush_denormal(True))?")


def _hint(expected: np.ndarray, expected_value: float, actual_value: float) -> str:
    """:data:`FLUSHED` where ``expected_value`` is a subnormal number of ``expected``'s dtype and the target's is 0."""
    if not np.issubdtype(expected.dtype, np.floating):
        return ""
    return FLUSHED if actual_value == 0 and 0 < abs(expected_value) < np.finfo(expected.dtype).tiny else ""


def compare(expected: np.ndarray, actual: np.ndarray, tolerance: SumOfProducts | Exact) -> Comparison:
    """Compare element-wise in float64; NaN or inf where the reference is finite fails."""
    expected64 = np.asarray(expected, dtype=np.float64)
    actual64 = np.asarray(actual, dtype=np.float64)
    bound = tolerance.bound()
    with np.errstate(invalid="ignore"):
        diff = np.abs(actual64 - expected64)
    same_nonfinite = (expected64 == actual64) | (np.isnan(expected64) & np.isnan(actual64))
    if hasattr(tolerance, "may_overflow"):  # a sum past the dtype's range: ±inf or NaN on either side passes
        same_nonfinite |= tolerance.may_overflow() & ~(np.isfinite(expected64) & np.isfinite(actual64))
    bad = ~same_nonfinite & ~(diff <= bound)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bound > 0, diff / np.where(bound > 0, bound, 1), np.where(diff == 0, 0.0, np.inf))
    ratios = np.where(same_nonfinite, 0.0, ratios)
    ratios = np.where(np.isnan(ratios), np.inf, ratios)
    worst = float(np.max(ratios, initial=0.0))
    if not bad.any():
        return Comparison(True, tolerance.exact, worst, None, None, None, None)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    want, got = float(expected64[index]), float(actual64[index])
    return Comparison(False, tolerance.exact, worst, index, want, got, float(bound[index]),
                      _hint(np.asarray(expected), want, got))


@dataclass(frozen=True)
class Interpolation:
    """The tolerance model of linear interpolation (upsample's linear/bilinear/trilinear modes).

    An output is ``y = Σ_c w_c x_c`` over the ``2^D`` corners of the cell around its
    source coordinates ``s = (s_1..s_D)``, with ``w_c = Π_a w_a`` and per axis
    ``w_a ∈ {1 - λ_a, λ_a}``, ``λ_a = s_a - floor(s_a)``. The weights are fractions, so
    integer data does not make the result exact; and unlike a convolution's weights
    they are *computed* by the implementation, from coordinates of magnitude up to n.

    Derivation. Let a target with unit roundoff ``u`` compute coordinates ``ŝ_a``, then
    weights, then the sum. Split ``|ŷ - y| <= |ŷ - y(ŝ)| + |y(ŝ) - y(s)|``:

    1. Coordinates. ``s = (t + 1/2) r - 1/2`` costs a rounding of the step ``r``
       (``fl(n/o)`` or ``fl(1/scale)``), of the product and of the subtraction:
       ``|ŝ - s| <= (2u + u²)(|s| + 1/2) + u |s| <= 5u (s + 1)`` (``s >= 0`` after the
       clamp; ``align_corners``'s ``t (n-1)/(o-1)`` costs two roundings, less). Along
       axis ``a`` the interpolant is continuous and piecewise linear in ``s_a``, with
       slope ``Σ_{other corners} Π_{b≠a} w_b (x_{..i+1..} - x_{..i..})``; the other
       axes' weights are non-negative and sum to 1, so ``|slope| <= 2M`` with ``M`` the
       largest ``|x|`` the moving cell can reach: the corners widened by ``ceil(δ_a)``
       samples per axis. Moving one axis at a time, ``|y(ŝ) - y(s)| <= 2M Σ_a δ_a``.
       This holds across integer boundaries too, where ``floor(ŝ) != floor(s)`` and
       the target reads a different pair of neighbours.
    2. Weights. ``λ̂ = ŝ - floor(ŝ)`` is exact (Sterbenz), ``1 - λ̂`` is off by at most
       ``u``; per axis the two weights' errors add up to ``<= 2u``, and the other axes'
       weights sum to 1, so this moves ``y`` by at most ``2u M`` per axis: one more
       ``u`` in ``δ_a = 6u (s_a + 1)``. A target that computes ``x0 + λ (x1 - x0)``
       instead errs by ``u λ |x1 - x0| <= 2u M`` per axis, also inside.
    3. Evaluation. ``D - 1`` products of weights, one product with ``x`` and
       ``2^D - 1`` additions: at most ``T = 2^D + D`` roundings on any path, so the
       sum is within ``γ_T(u) Σ_c |w_c x_c|`` (Higham §3.1).

    With the reference's own float64 error and both final roundings to the dtype::

        bound = (γ_T(u) + γ_T(u_float64) + u) · Σ|w·x| + 2 M Σ_a δ_a + T η,
        δ_a = 6u (s_a + 1)

    where ``Σ|w·x|`` is the reference applied to ``|x|``, ``s_a`` the exact coordinate and
    ``η`` the smallest subnormal. ``u`` is the data dtype's: torch computes float16 and
    bfloat16 coordinates in float32, well inside. There is no other tolerance.
    """

    terms: int
    magnitude: np.ndarray  # Σ_c |w_c x_c| per output element, float64
    neighbourhood: np.ndarray  # M per output element: max |x| over the widened corners
    coordinate_error: np.ndarray  # Σ_a δ_a per output element (broadcastable), from coordinate_slack
    dtype: str
    exact: bool = False

    @staticmethod
    def coordinate_slack(coordinate: float, dtype: str) -> float:
        """``δ = 6u (|s| + 1)``: how far a coordinate (and its weights) computed in ``dtype`` may be off."""
        return 6 * UNIT_ROUNDOFF[dtype] * (abs(float(coordinate)) + 1)

    def bound(self) -> np.ndarray:
        u = UNIT_ROUNDOFF[self.dtype]
        relative = gamma(self.terms, u) + gamma(self.terms, UNIT_ROUNDOFF["float64"]) + u
        return (
            relative * self.magnitude
            + 2 * self.neighbourhood * self.coordinate_error
            + self.terms * SMALLEST_SUBNORMAL[self.dtype]
        )


@dataclass(frozen=True)
class Derived:
    """A per-element bound derived by the function that builds it (its docstring gives the derivation).

    For outputs that are a function of sums of products, e.g. the Sobel magnitude
    ``sqrt(G_x^2 + G_y^2)`` of two sums (``strategies_filters.sobel_tolerance``).
    """

    allowed: np.ndarray
    exact: bool = False

    def bound(self) -> np.ndarray:
        return self.allowed


def percival_factor(u: float, passes: int) -> float:
    """``(1 + u)^{3m} (1 + sqrt(5) u)^{3m+1} (1 + beta)^{3m} - 1`` with ``beta = 2u``: Percival's
    relative error factor of an FFT convolution whose transforms have ``m`` radix-2 passes."""
    m = passes
    beta = 2 * u
    return (1 + u) ** (3 * m) * (1 + 5**0.5 * u) ** (3 * m + 1) * (1 + beta) ** (3 * m) - 1


@dataclass(frozen=True)
class FFTConvolution:
    """The tolerance model of a convolution computed through the FFT (``fft_convolve``, ``fft_correlate``).

    An FFT's rounding is not the rounding of a sum of products in some order: every
    output mixes *all* inputs through ``log2 L`` butterfly passes, so the error of one
    output scales with the norms of the whole signals, not with its own ``Σ|x·w|``.

    The bound (Percival, "Rapid multiplication modulo the sum and difference of highly
    composite numbers", Math. Comp. 72 (2003), 387-395, Theorem 2.1): the cyclic
    convolution ``z = x ⊛ y`` of two vectors of length ``L = 2^m`` computed as
    ``IFFT(FFT(x) · FFT(y))`` in floating point with unit roundoff ``u`` and twiddle
    factors accurate to ``beta`` satisfies::

        ||ẑ - z||_∞ <= ||x||_2 ||y||_2 · ((1 + u)^{3m} (1 + sqrt(5) u)^{3m+1} (1 + beta)^{3m} - 1)

    (three transforms of ``m`` passes, each pass one complex multiplication by a twiddle
    and one addition; one pointwise product). Applied here:

    * ``m = sum over axes of log2 L_a`` (a D-dimensional transform is a 1-D transform per
      axis; the passes add up), plus one pass for the real-to-complex packing of
      ``rfftn``/``irfftn``; ``L_a`` is a power of two by construction
      (:func:`convspec.spec.fft.transform_length`). Radix-4 passes are two radix-2 passes
      with a trivial twiddle (±i) between them. ``beta = 2u`` (library twiddles are
      correctly rounded or computed in higher precision).
    * Channels: ``y[b, c] = Σ_q x[b, q] ⊛ w[c, q]`` is summed in the frequency domain;
      the ``C_in - 1`` complex additions add ``γ_{C_in}`` on top of each pair's factor, and
      the pairs' bounds add up: ``S[b, c] = Σ_q ||x[b, q]||_2 ||w[c, q]||_2``.
    * The target transforms in ``u_c`` (its dtype's roundoff; float32's for float16 and
      bfloat16, which torch.fft transforms in float32), the reference in float64; each
      result is then rounded once to the dtype (``u |y|`` each, plus ``η`` for results
      that land in the subnormals)::

          bound[b, c, ...] = ((1 + γ_{C_in}(u_c))(1 + P(u_c, m)) - 1 + (1 + γ_{C_in}(u_64))(1 + P(u_64, m)) - 1) · S[b, c]
                             + 2 u (|y| + ...) + η

      with ``P`` :func:`percival_factor`.

    Integer-valued data are **not** exact: the transform of integers is irrational. There
    is no other tolerance.
    """

    passes: int
    in_channels: int
    norms: np.ndarray  # S[b, c], broadcastable to the output, float64
    magnitude: np.ndarray  # |y| per output element, float64 (the exact-ish result)
    dtype: str
    exact: bool = False

    def compute_roundoff(self) -> float:
        return UNIT_ROUNDOFF["float64" if self.dtype == "float64" else "float32"]

    def relative(self) -> float:
        total = 0.0
        for u in (self.compute_roundoff(), UNIT_ROUNDOFF["float64"]):
            total += (1 + gamma(self.in_channels, u)) * (1 + percival_factor(u, self.passes)) - 1
        return total

    def bound(self) -> np.ndarray:
        u = UNIT_ROUNDOFF[self.dtype]
        spread = self.relative() * self.norms
        return np.broadcast_to(spread + 2 * u * (self.magnitude + spread), self.magnitude.shape) + SMALLEST_SUBNORMAL[self.dtype]
