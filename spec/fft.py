"""The convolution theorem: convolution and correlation through the discrete Fourier transform.

Seed 002: "Fourier transform of a convolution of two signals is the pointwise product of
their Fourier transforms". For the *discrete* transform of length ``L`` that product is
the transform of the **circular** convolution ``(a ⊛ b)[j] = sum_t a[(j - t) mod L] b[t]``
(:func:`convolution_theorem`): positions past the end wrap around to the start. Zero-padding
both signals to ``L >= n + k - 1`` leaves no room for a wrap to land on a non-zero sum, so the
circular convolution of the padded signals *is* the linear ("full") one
(:func:`padded_circular_is_linear`); with ``L = n`` it is not.

Conventions (layout, dtypes, errors: :mod:`convspec.spec.conventions`)
-----------------------------------------------------------------------
* ``fft_convolve(x, weight, *, mode)`` and ``fft_correlate(...)``: ``x`` ``(N, C_in, *spatial)``,
  ``weight`` ``(C_out, C_in, *k)`` as :func:`convspec.reference.correlate` (no groups, stride,
  dilation or bias). Input channels are summed in the frequency domain:
  ``Y[b, c] = sum_q X[b, q] W[c, q]``.
* ``mode`` **must** be one of ``"full"``, ``"same"``, ``"valid"``, and the result **must** equal
  ``convspec.reference.convolve`` / ``correlate`` with ``padding = "full"``, ``"same"``, ``0``
  (:func:`matching_padding`), up to the FFT's rounding. ``"same"`` is convspec's ``"same"``: the
  odd zero of an even kernel goes on the **high** side, so the crop of the full result starts at
  ``ceil((k - 1) / 2) = floor(k / 2)`` (:func:`crop_start`). ``scipy.signal.fftconvolve(mode="same")``
  starts at ``floor((k - 1) / 2)``: for even ``k`` it is one sample earlier than convspec.
  ``"valid"`` needs ``n >= k`` on every axis.
* convspec transforms each axis at the power of two ``L >= n + k - 1`` (:func:`transform_length`):
  any ``L >= n + k - 1`` gives the same numbers in exact arithmetic, and at a power of two
  Percival's radix-2 error bound applies (``convspec.conformance.tolerance.FFTConvolution``).
  Integer-valued data are **not** exact through an FFT.
"""

from __future__ import annotations

import math
import numbers
from typing import Sequence

from .symbolic import is_symbolic, Symbol, sympy

from .conventions import check_input_rank, check_size, check_sizes

MODES = ("full", "same", "valid")

n = Symbol("n", integer=True, positive=True)
k = Symbol("k", integer=True, positive=True)


def fft_output_length(n=n, k=k, mode: str = "full"):
    """``n + k - 1`` (full), ``n`` (same), ``n - k + 1`` (valid).

    >>> fft_output_length(5, 3, "full"), fft_output_length(5, 3, "same"), fft_output_length(5, 3, "valid")
    (7, 5, 3)
    """
    n, k = check_size("fft_output_length", "n", n), check_size("fft_output_length", "k", k)
    mode = check_mode("fft_output_length", mode)
    short = (n - k).is_negative if is_symbolic(n - k) else n < k
    if mode == "valid" and short:
        raise ValueError(f"fft_output_length: mode 'valid' needs n >= k, got n = {n} < k = {k}")
    return {"full": n + k - 1, "same": n, "valid": n - k + 1}[mode]


def crop_start(k=k, mode: str = "full"):
    """Where the ``mode`` output starts inside the full result: ``0``, ``ceil((k - 1)/2)``, ``k - 1``.

    The ``"same"`` start follows from convspec's ``"same"`` padding ``p_lo = floor((k - 1)/2)``:
    full output ``j`` has ``k - 1`` zeros before it, so same output ``o`` is full output
    ``o + (k - 1) - p_lo``. The same start holds for convolution and correlation.

    >>> [crop_start(kk, "same") for kk in (1, 2, 3, 4)]
    [0, 1, 1, 2]
    """
    k, mode = check_size("crop_start", "k", k), check_mode("crop_start", mode)
    if mode == "full":
        return 0
    if mode == "same":
        return (k - 1) - (sympy.floor((k - 1) / sympy.Integer(2)) if is_symbolic(k) else (k - 1) // 2)
    return k - 1


def matching_padding(mode: str):
    """The ``padding`` of ``reference.convolve`` / ``correlate`` that gives the same result.

    >>> [matching_padding(m) for m in MODES]
    ['full', 'same', 0]
    """
    mode = check_mode("matching_padding", mode)
    return {"full": "full", "same": "same", "valid": 0}[mode]


def fft_length(n=n, k=k):
    """The shortest transform that holds the linear convolution without wrap-around: ``n + k - 1``.

    >>> fft_length(5, 3)
    7
    """
    n, k = check_size("fft_length", "n", n), check_size("fft_length", "k", k)
    return n + k - 1


def transform_length(n: int, k: int) -> int:
    """The transform length convspec uses: the least power of two ``>= n + k - 1``.

    >>> transform_length(5, 3), transform_length(5, 4)
    (8, 8)
    """
    n, k = check_size("transform_length", "n", n), check_size("transform_length", "k", k)
    if is_symbolic(n) or is_symbolic(k):
        raise TypeError(f"transform_length: n and k must be ints (a power of two is picked), got n={n!r}, k={k!r}")
    needed = int(fft_length(n, k))
    return 1 << (needed - 1).bit_length()


def _signal(op, name, values):
    """A non-empty tuple or list of samples (numbers or sympy expressions), as a list."""
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{op}: {name} must be a tuple or list of samples, got {values!r} of type {type(values).__name__}")
    if not values:
        raise ValueError(f"{op}: {name} must hold at least one sample, got an empty {type(values).__name__}")
    for v in values:
        if isinstance(v, bool) or not (isinstance(v, numbers.Number) or is_symbolic(v)):
            raise TypeError(f"{op}: {name} must hold numbers or sympy expressions, got {v!r} of type {type(v).__name__}")
    return list(values)


def dft(values: Sequence, length: int | None = None) -> list:
    """``A[f] = sum_t a[t] exp(-2 pi i f t / L)``, the signal zero-padded to ``L`` (exact roots of unity)."""
    values = _signal("dft", "values", values)
    L = len(values) if length is None else check_size("dft", "length", length)
    if is_symbolic(L) or L < len(values):
        raise ValueError(f"dft: length must be an int >= len(values) = {len(values)}, got {length!r}")
    padded = list(values) + [0] * (L - len(values))
    w = sympy.exp(-2 * sympy.pi * sympy.I / L)
    return [sum(padded[t] * w ** (f * t) for t in range(L)) for f in range(L)]


def circular_convolution(a: Sequence, b: Sequence, length: int) -> list:
    """``(a ⊛ b)[j] = sum_t a[(j - t) mod L] b[t]`` of the two signals zero-padded to ``L``."""
    a, b = _signal("circular_convolution", "a", a), _signal("circular_convolution", "b", b)
    length = check_size("circular_convolution", "length", length)
    if is_symbolic(length) or length < max(len(a), len(b)):
        raise ValueError(
            f"circular_convolution: length must be an int >= max(len(a), len(b)) = {max(len(a), len(b))}, got {length!r}"
        )
    a = list(a) + [0] * (length - len(a))
    b = list(b) + [0] * (length - len(b))
    return [sum(a[(j - t) % length] * b[t] for t in range(length)) for j in range(length)]


def linear_convolution(a: Sequence, b: Sequence) -> list:
    """``(a * b)[j] = sum_t a[j - t] b[t]`` over ``0 <= j - t < n``: the full convolution, ``n + k - 1`` long."""
    a, b = _signal("linear_convolution", "a", a), _signal("linear_convolution", "b", b)
    return [
        sum(a[j - t] * b[t] for t in range(len(b)) if 0 <= j - t < len(a)) for j in range(len(a) + len(b) - 1)
    ]


def convolution_theorem(length: int) -> list:
    """``DFT(a ⊛ b) - DFT(a) DFT(b)`` for symbolic ``a``, ``b`` of ``length`` samples: all zeros.

    >>> convolution_theorem(3)
    [0, 0, 0]
    """
    length = check_size("convolution_theorem", "length", length)
    if is_symbolic(length):
        raise TypeError(f"convolution_theorem: length must be an int, got {length!r}")
    a = sympy.symbols(f"a0:{length}")
    b = sympy.symbols(f"b0:{length}")
    left = dft(circular_convolution(a, b, length))
    right = [p * q for p, q in zip(dft(a), dft(b))]
    return [sympy.simplify(sympy.expand(l - r, complex=True)) for l, r in zip(left, right)]


def padded_circular_is_linear(n_: int, k_: int, length: int) -> bool:
    """Whether the circular convolution at ``length`` equals the linear one on its first ``n + k - 1`` samples.

    True for every ``length >= n + k - 1``; false below (the tail wraps onto the start).

    >>> padded_circular_is_linear(3, 2, 4), padded_circular_is_linear(3, 2, 3)
    (True, False)
    """
    for name, value in (("n_", n_), ("k_", k_), ("length", length)):
        if is_symbolic(check_size("padded_circular_is_linear", name, value)):
            raise TypeError(f"padded_circular_is_linear: {name} must be an int, got {value!r}")
    a, b = sympy.symbols(f"a0:{n_}"), sympy.symbols(f"b0:{k_}")
    linear = linear_convolution(a, b)
    circular = circular_convolution(a, b, length)
    width = len(linear)
    circular = (circular + [0] * width)[:width]
    return all(sympy.expand(c - l) == 0 for c, l in zip(circular, linear)) and length >= width


def check_mode(op: str, mode: object) -> str:
    if not isinstance(mode, str):
        raise TypeError(f"{op}: mode must be a str, one of {', '.join(map(repr, MODES))}; got {mode!r} of type {type(mode).__name__}")
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    return mode


def check_fft_arguments(op: str, x_shape: Sequence[int], weight_shape: Sequence[int], mode: object) -> str:
    """``x`` ``(N, C_in, *spatial)``, ``weight`` ``(C_out, C_in, *k)``, ``mode`` a string of :data:`MODES`;
    ``"valid"`` needs ``n >= k`` on every axis. Returns the mode."""
    x_shape, weight_shape = tuple(x_shape), tuple(weight_shape)
    check_input_rank(op, "x", x_shape)
    if len(weight_shape) != len(x_shape) or weight_shape[1] != x_shape[1]:
        raise ValueError(
            f"{op}: weight must have shape (C_out, C_in, *kernel) = (C_out, {x_shape[1]}, "
            f"{len(x_shape) - 2} kernel dim(s)) to match x of shape {x_shape!r}; got shape {weight_shape!r}"
        )
    if any(size < 1 for size in weight_shape):
        raise ValueError(f"{op}: weight has an empty axis in shape {weight_shape!r}; all sizes must be >= 1")
    mode = check_mode(op, mode)
    if mode == "valid":
        for axis, (size, kernel) in enumerate(zip(x_shape[2:], weight_shape[2:])):
            if size < kernel:
                raise ValueError(
                    f"{op}: mode 'valid' needs the input at least as long as the kernel on every axis; "
                    f"spatial dim {axis} has n = {size} < k = {kernel}"
                )
    return mode


def fft_output_shape(x_shape: Sequence[int], weight_shape: Sequence[int], mode: str) -> tuple[int, ...]:
    """``(N, C_out, *L)`` with ``L`` per axis from :func:`fft_output_length`.

    >>> fft_output_shape((2, 3, 5, 6), (4, 3, 2, 3), "valid")
    (2, 4, 4, 4)
    """
    x_shape = check_sizes("fft_output_shape", "x_shape", x_shape, minimum=0)
    weight_shape = check_sizes("fft_output_shape", "weight_shape", weight_shape, minimum=0)
    mode = check_fft_arguments("fft_output_shape", x_shape, weight_shape, mode)
    spatial = tuple(int(fft_output_length(a, b, mode)) for a, b in zip(x_shape[2:], weight_shape[2:]))
    return (x_shape[0], weight_shape[0], *spatial)


def check_circular_arguments(op: str, x_shape: Sequence[int], weight_shape: Sequence[int]) -> None:
    """As :func:`check_fft_arguments`, and the kernel no longer than the input on any axis."""
    check_fft_arguments(op, x_shape, weight_shape, "full")
    for axis, (size, kernel) in enumerate(zip(tuple(x_shape)[2:], tuple(weight_shape)[2:])):
        if size < kernel:
            raise ValueError(
                f"{op}: the kernel must not be longer than the input (the period); "
                f"spatial dim {axis} has n = {size} < k = {kernel}"
            )


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

_SPECTRAL = (
    "A spectrum mixes every sample: a NaN or ±inf anywhere in ``x[b]`` **must** make every output "
    "of batch entry ``b`` NaN (all output channels, every position: ``inf - inf`` in the inverse "
    "transform), and one in ``weight[o]`` every output of channel ``o`` in every batch entry; other "
    "entries and channels stay finite. Unlike ``{direct}``, whose NaN stays where its sum puts it. "
    "Finite inputs: the spectra **may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
)

NON_FINITE: dict[str, str] = {
    "fft_convolve": _SPECTRAL.format(direct="convolve"),
    "fft_correlate": _SPECTRAL.format(direct="correlate"),
    "circular_convolve": (
        "Positional, as a direct sum (not through a spectrum): a NaN at ``x[b, c, p]`` **must** make "
        "NaN exactly the outputs ``y[b, o, q]`` with ``q - p`` (mod ``n``) a tap offset of the "
        "wrapped kernel, for every output channel ``o``, whatever the weight (``0 · NaN``); a ±inf "
        "there ±inf by the sign of the weight, NaN for a zero weight. A NaN in ``weight[o, c, k]`` "
        "makes every output of channel ``o`` NaN. Other outputs stay finite. Finite inputs: the "
        "sums **may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
}


# Direct sum or FFT: the cost model behind correlate/convolve's method="auto" ---------------------

METHODS = ("auto", "direct", "fft")

#: The cost model's constants, in multiply-adds of the direct sum (calibrated by
#: ``benchmarks/bench_fft.py``): one radix-2 butterfly sample of a real transform costs about
#: :data:`FFT_SAMPLE_COST`, and one complex product of two spectra :data:`SPECTRUM_PRODUCT_COST`.
FFT_SAMPLE_COST = 5.0
SPECTRUM_PRODUCT_COST = 4.0


def check_method(op: str, method: object) -> str:
    """``method`` of ``correlate``/``convolve``: one of :data:`METHODS` (``"direct"`` is the default)."""
    if not isinstance(method, str):
        raise TypeError(
            f"{op}: method must be a str, one of {', '.join(map(repr, METHODS))}; got {method!r} of type {type(method).__name__}"
        )
    if method not in METHODS:
        raise ValueError(f"{op}: method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    return method


def conv_costs(batch: int, in_channels: int, out_channels: int, groups: int, padded_size: Sequence[int],
               kernel_span: Sequence[int], out_size: Sequence[int], kernel_size: Sequence[int]) -> tuple[float, float]:
    """``(direct, fft)``: the cost model of one correlation, in multiply-adds of the direct sum.

    * direct: ``N · C_out · (C_in / g) · prod(out) · prod(k)`` multiply-adds (``out`` after the stride);
    * fft: each axis transformed at ``L = transform_length(n_pad, span)`` (``span = d (k - 1) + 1``, the
      dilated kernel), ``P = prod(L)`` samples; ``N · C_in + C_out · C_in / g + N · C_out`` real
      transforms of ``P log2 P`` butterfly samples at :data:`FFT_SAMPLE_COST` each, and
      ``N · C_out · (C_in / g) · P / 2`` spectrum products at :data:`SPECTRUM_PRODUCT_COST` each.
      The FFT computes every unstrided output, so a stride does not shorten it.

    >>> conv_costs(2, 4, 4, 1, (176, 176), (25, 25), (152, 152), (25, 25))  # 2x4x128x128, k = 25, "full"
    (462080000, 171966464.0)
    """
    per_group = in_channels // groups
    direct = batch * out_channels * per_group * math.prod(out_size) * math.prod(kernel_size)
    samples = math.prod(transform_length(n_, k_) for n_, k_ in zip(padded_size, kernel_span))
    transforms = batch * in_channels + out_channels * per_group + batch * out_channels
    fft = (FFT_SAMPLE_COST * transforms * samples * math.log2(max(samples, 2))
           + SPECTRUM_PRODUCT_COST * batch * out_channels * per_group * samples / 2)
    return direct, fft


def choose_method(input_shape: Sequence[int], weight_shape: Sequence[int], stride=1, padding=0, dilation=1,
                  groups=1, dtype: str = "float32") -> str:
    """``"direct"`` or ``"fft"``: what ``method="auto"`` of ``correlate``/``convolve`` computes, a pure function
    of the shapes, the parameters and the dtype's name (the same in every implementation, so a checker
    knows which error bound applies: the direct sum of products, or the FFT's).

    Rule: ``"fft"`` when the dtype is a floating one (``float16``, ``bfloat16``, ``float32``, ``float64``)
    and :func:`conv_costs`'s FFT cost is below the direct one; ``"direct"`` otherwise (ties, an empty batch,
    exact ``object`` arrays). Like ``scipy.signal.choose_conv_method``, the choice never looks at the values:
    integer-valued data are exact under ``"direct"`` only, so pass ``method="direct"`` to keep them exact.

    Calibration (``benchmarks/bench_fft.py --quick`` on an idle machine, 2 CPU threads, torch 2.13: a
    2x4x128x128 input, 4x4xkxk kernel, ``padding="full"``): the direct sum ran at about 33 G multiply-adds/s
    at large kernels (4.4 ms at k = 15, 7.5 ms at k = 19, 12.8 ms at k = 25) and the FFT path in a near-constant
    4.5-5.5 ms (256x256 transforms): a tie at k = 15, the FFT 0.74x at k = 19. The model puts the crossover at
    k = 17 (``choose_method((2, 4, 128, 128), (4, 4, 17, 17), padding="full")`` is ``"fft"``, k = 15
    ``"direct"``); with ``padding="same"`` it picks the FFT at k = 19 (measured 0.62x of the direct sum) and
    the direct sum at k = 3.

    >>> choose_method((2, 4, 128, 128), (4, 4, 31, 31), padding="full"), choose_method((2, 4, 128, 128), (4, 4, 3, 3))
    ('fft', 'direct')
    """
    from .conv import conv_output_length, resolve_padding
    from .conventions import check_conv_arguments

    if dtype not in ("float16", "bfloat16", "float32", "float64"):
        return "direct"
    args = check_conv_arguments(
        "choose_method", tuple(input_shape), tuple(weight_shape), None,
        stride=stride, padding=padding, dilation=dilation, groups=groups,
    )
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    padded = tuple(lo + n_ + hi for n_, (lo, hi) in zip(args.input_size, pads))
    span = tuple(d_ * (k_ - 1) + 1 for k_, d_ in zip(args.kernel_size, args.dilation))
    out = tuple(
        conv_output_length(n_, k_, s_, lo, hi, d_)
        for n_, k_, s_, (lo, hi), d_ in zip(args.input_size, args.kernel_size, args.stride, pads, args.dilation)
    )
    direct, fft = conv_costs(args.batch, args.in_channels, args.out_channels, args.groups, padded, span, out,
                             args.kernel_size)
    return "fft" if fft < direct else "direct"
