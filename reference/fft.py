"""Reference convolution and correlation through the FFT (numpy.fft), and the circular convolution.

The convolution theorem, the modes and the transform length: :mod:`convspec.spec.fft`.
The FFT here is ``numpy.fft`` (the one library transform the reference uses: the
point of these operations is the theorem, not the transform). Everything is computed
in float64 / complex128 and rounded once to the input dtype.

Non-finite values (``fft_convolve``, ``fft_correlate``): the transform mixes every sample
of a plane into every frequency, so a NaN or an infinity anywhere in ``x[b]`` (any input
channel) or in ``weight[c]`` reaches every output of the row ``y[b, c]``. convspec makes
that a rule rather than an accident of the float arithmetic (which gives NaN, or in small
cases +-inf): every output of such a row **must** be NaN; the other rows are unaffected.
The direct sum (:func:`convspec.reference.conv.convolve`) would give NaN only under the
windows that hold the value: the two differ there, by design.
``circular_convolve`` is a direct sum with wrap-around, so its NaN and infinities land
exactly where the definition puts them: ``[1, nan, 3, 4, 5, 6]`` with ``[2]`` is
``[2, nan, 6, 8, 10, 12]``.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec import fft as spec
from convspec.spec.conventions import dtype_error
from convspec.spec.limits import check_output_size

from .arrays import check_array, check_same_dtype


def _check(op: str, x, weight):
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if x.dtype == object:
        raise dtype_error(op, "x", "object (the FFT has no exact arithmetic)")
    check_same_dtype(op, x, weight=weight)
    return x, weight


def _fft_convolve(op: str, x: np.ndarray, weight: np.ndarray, mode: str) -> np.ndarray:
    """Zero-pad each axis to L >= n + k - 1, multiply the spectra summing over C_in, invert, crop.

    Then the non-finite rule (module docstring): a row ``(b, c)`` whose inputs ``x[b]`` or
    ``weight[c]`` hold a NaN or an infinity is NaN throughout.
    """
    axes = tuple(range(1, x.ndim - 1))  # spatial axes of one (C, *spatial) plane stack
    sizes, kernel = x.shape[2:], weight.shape[2:]
    lengths = tuple(spec.transform_length(n, k) for n, k in zip(sizes, kernel))
    batch, out_channels, in_channels = x.shape[0], weight.shape[0], x.shape[1]
    starts = [int(spec.crop_start(k_, mode)) for k_ in kernel]
    stops = [start + int(spec.fft_output_length(n_, k_, mode)) for start, n_, k_ in zip(starts, sizes, kernel)]
    out_size = tuple(b - a for a, b in zip(starts, stops))
    check_output_size(op, (batch, out_channels, *out_size), x.dtype)  # before any transform
    with np.errstate(invalid="ignore", over="ignore"):  # non-finite inputs: the rule below decides those rows
        X = np.fft.rfftn(x.astype(np.float64), s=lengths, axes=tuple(a + 1 for a in axes))  # (N, C_in, *freq)
        W = np.fft.rfftn(weight.astype(np.float64), s=lengths, axes=tuple(a + 1 for a in axes))  # (C_out, C_in, *freq)
        Y = np.zeros((batch, out_channels) + X.shape[2:], dtype=np.complex128)
        for b in range(batch):
            for c in range(out_channels):
                for q in range(in_channels):
                    Y[b, c] += X[b, q] * W[c, q]  # the convolution theorem: a product per frequency
        full = np.fft.irfftn(Y, s=lengths, axes=tuple(a + 1 for a in axes))  # circular at L = linear
    out = full[(slice(None), slice(None), *(slice(a, b) for a, b in zip(starts, stops)))]
    for b in range(batch):
        for c in range(out_channels):
            if not (np.isfinite(x[b]).all() and np.isfinite(weight[c]).all()):
                out[b, c] = np.nan  # every frequency of the row saw the non-finite sample
    return out


def fft_convolve(x, weight, *, mode="full"):
    """Convolution by the convolution theorem: ``y = crop(IDFT(sum_q DFT(x_q) DFT(w_q)))``.

    Definition, per batch entry ``b`` and output channel ``c``, each spatial axis of
    length ``n`` with a kernel of length ``k``:

    1. zero-pad ``x[b, q]`` and ``w[c, q]`` to ``L`` samples per axis, ``L >= n + k - 1``
       (convspec: the least power of two, :func:`convspec.spec.fft.transform_length`);
    2. ``Y[f] = sum_q X_q[f] W_{c,q}[f]`` (the DFTs, per frequency ``f``);
    3. ``y_full = IDFT(Y)``: the circular convolution of the padded signals, which with
       ``L >= n + k - 1`` is the linear full convolution (nothing wraps);
    4. crop ``mode``'s part: from :func:`convspec.spec.fft.crop_start` (``0``,
       ``ceil((k-1)/2)``, ``k - 1``), :func:`convspec.spec.fft.fft_output_length` samples.

    Without step 1's padding (``L = n``) the product gives the circular convolution
    :func:`circular_convolve`, whose first ``k - 1`` samples carry the wrapped tail.

    Args:
        x: ``(N, C_in, *spatial)`` floating array.
        weight: ``(C_out, C_in, *k)``, same dtype.
        mode: ``"full"`` (``n + k - 1``), ``"same"`` (``n``, convspec's ``"same"``), ``"valid"`` (``n - k + 1``).

    Returns:
        ``(N, C_out, *out)`` array of ``x``'s dtype, equal to
        ``reference.convolve(x, weight, padding=spec.fft.matching_padding(mode))`` up to rounding,
        except for non-finite inputs: a NaN or an infinity in ``x[b]`` or ``weight[c]`` makes
        every output of the row ``y[b, c]`` NaN (module docstring), where the direct sum
        would be NaN only under the windows holding it.

    Example: ``fft_convolve([[[1, 2, 3]]], [[[1, 10]]])`` is ``[[[1, 12, 23, 30]]]`` (to rounding).
    """
    op = "fft_convolve"
    x, weight = _check(op, x, weight)
    mode = spec.check_fft_arguments(op, x.shape, weight.shape, mode)
    return _fft_convolve(op, x, weight, mode).astype(x.dtype)


def fft_correlate(x, weight, *, mode="full"):
    """Correlation by the convolution theorem: :func:`fft_convolve` with the kernel flipped on every spatial axis.

    ``correlate(x, w) = convolve(x, flip(w))``; the modes crop the same way, so the result
    equals ``reference.correlate(x, weight, padding=spec.fft.matching_padding(mode))`` up to rounding.

    Example: ``fft_correlate([[[1, 2, 3]]], [[[1, 10]]], mode="valid")`` is ``[[[21, 32]]]``.
    """
    op = "fft_correlate"
    x, weight = _check(op, x, weight)
    mode = spec.check_fft_arguments(op, x.shape, weight.shape, mode)
    flipped = weight[(slice(None), slice(None), *(slice(None, None, -1),) * (weight.ndim - 2))]
    return _fft_convolve(op, x, flipped, mode).astype(x.dtype)


def circular_convolve(x, weight):
    """Circular (periodic) convolution, the product of length-``n`` DFTs (no zero-padding).

    Definition: ``y[b, c, j] = sum_q sum_t x[b, q, (j - t) mod n] w[c, q, t]`` per axis,
    ``0 <= j < n``; the kernel must not be longer than the input. Computed as that sum
    (not by the FFT), so a NaN or an infinity reaches only the outputs whose sum holds it
    (``inf * 0`` is NaN): ``[1, nan, 3, 4, 5, 6]`` with ``[2]`` is ``[2, nan, 6, 8, 10, 12]``.

    Example: ``circular_convolve([[[1, 2, 3]]], [[[1, 10]]])`` is ``[[[31, 12, 23]]]``:
    the full convolution ``[1, 12, 23, 30]`` with its last sample wrapped onto the first.
    """
    op = "circular_convolve"
    x, weight = _check(op, x, weight)
    spec.check_circular_arguments(op, x.shape, weight.shape)
    xs, ws = x.astype(np.float64), weight.astype(np.float64)
    sizes, kernel = x.shape[2:], weight.shape[2:]
    check_output_size(op, (x.shape[0], weight.shape[0], *sizes), x.dtype)
    out = np.zeros((x.shape[0], weight.shape[0], *sizes), dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 is NaN, as the sum says
        _circular_sums(xs, ws, out)
    return out.astype(x.dtype)


def _circular_sums(xs: np.ndarray, ws: np.ndarray, out: np.ndarray) -> None:
    sizes, kernel = xs.shape[2:], ws.shape[2:]
    for b, c in product(range(xs.shape[0]), range(ws.shape[0])):
        for j in product(*(range(s) for s in sizes)):
            total = 0.0
            for q in range(xs.shape[1]):
                for t in product(*(range(s) for s in kernel)):
                    source = tuple((jj - tt) % s for jj, tt, s in zip(j, t, sizes))
                    total += xs[(b, q, *source)] * ws[(c, q, *t)]
            out[(b, c, *j)] = total
