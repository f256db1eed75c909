"""``correlate``/``convolve`` with ``method="fft"``: the same sum, computed by the convolution theorem.

Definition: with ``x_pad`` the zero-padded input (the padding resolved as for the direct sum) and
``w_dil`` the kernel with ``dilation - 1`` zeros between its taps (span ``d (k - 1) + 1`` per axis),
each group ``g`` of a correlation is the ``"valid"`` FFT correlation of its input channels with its
filters, read at every ``stride``-th window start::

    y[b, c, o] = bias[c] + fft_correlate(x_pad[b, group(c)], w_dil[c], mode="valid")[o * stride]

which equals the direct sum of :func:`convspec.reference.conv.correlate` in exact arithmetic (the
FFT's rounding is bounded by :class:`convspec.conformance.tolerance.FFTConvolution`). The spectra
are those of :func:`convspec.reference.fft.fft_convolve` (``numpy.fft`` at the power-of-two length
``L >= n_pad + span - 1``, float64), the bias is added in float64 and the result rounded once.

Non-finite values follow the FFT's rule, not the direct sum's: a NaN or ±inf in the group's input
channels of ``x[b]`` or in ``weight[c]`` makes every output of the row ``y[b, c]`` NaN
(:data:`convspec.spec.fft.NON_FINITE`). ``method="fft"`` refuses ``dtype=object`` arrays (the FFT
has no exact arithmetic).

Example: ``correlate(np.array([[[1., 2, 3]]]), np.array([[[1., 10]]]), method="fft")`` is ``[[[21, 32]]]`` to rounding,
as with ``method="direct"``.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conventions import ConvArguments, dtype_error
from convspec.spec.limits import check_output_size

from . import fft as reference_fft
from .arrays import accumulator
from .windows import count, resolve_padding, span, window_starts, zero_pad


def correlate_fft(x: np.ndarray, weight: np.ndarray, bias, args: ConvArguments, op: str) -> np.ndarray:
    """The correlation of checked arguments through the FFT; returns float64 (the caller rounds once)."""
    if x.dtype == object:
        raise dtype_error(op, "x", "object (method='fft' has no exact arithmetic; use method='direct')")
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    padded_size = [lo + n + hi for n, (lo, hi) in zip(args.input_size, pads)]
    spans = [span(k, d) for k, d in zip(args.kernel_size, args.dilation)]
    starts = [window_starts(n, w, s) for n, w, s in zip(padded_size, spans, args.stride)]
    out_shape = (x.shape[0], args.out_channels, *map(count, starts))
    check_output_size(op, out_shape, x.dtype)  # the same guards as the direct sum, before any work
    if any(lo or hi for lo, hi in pads):
        check_output_size(op, (*x.shape[:2], *padded_size), x.dtype, what="padded input")
    # the FFT computes every window start, not only every stride-th one
    unstrided = (x.shape[0], args.out_channels, *(n - w + 1 for n, w in zip(padded_size, spans)))
    check_output_size(op, unstrided, x.dtype, what="unstrided output")
    out = np.zeros(out_shape, dtype=np.float64)
    if x.shape[0] == 0:
        return out
    x_padded = zero_pad(accumulator(x), pads)
    dilated = np.zeros((*weight.shape[:2], *spans), dtype=np.float64)
    dilated[(slice(None), slice(None), *(slice(None, None, d) for d in args.dilation))] = weight
    flipped = dilated[(slice(None), slice(None), *(slice(None, None, -1),) * len(spans))]  # correlate = convolve(flip)
    in_per_group, out_per_group = args.in_channels // args.groups, args.out_channels // args.groups
    # every stride-th start (a stride past the padded length leaves the first one: numpy's steps are int64)
    strided = (slice(None), slice(None), *(slice(None, None, min(s, n)) for s, n in zip(args.stride, padded_size)))
    for g in range(args.groups):
        inputs = x_padded[:, g * in_per_group:(g + 1) * in_per_group]
        filters = flipped[g * out_per_group:(g + 1) * out_per_group]
        # the "valid" part of the full FFT convolution, with the row NaN rule of reference.fft
        valid = reference_fft._fft_convolve(op, inputs, filters, "valid")
        out[:, g * out_per_group:(g + 1) * out_per_group] = valid[strided]
    if bias is not None:
        out += accumulator(bias).reshape((1, -1) + (1,) * len(spans))
    return out
