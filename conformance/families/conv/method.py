"""Which error bound a ``correlate``/``convolve`` case gets: the direct sum's, or the FFT's (``method``).

``method="direct"`` (the default) is a sum of products:
:class:`~convspec.conformance.tolerance.SumOfProducts`. ``method="fft"`` is computed by the convolution
theorem, and ``method="auto"`` by whichever :func:`convspec.spec.fft.choose_method` picks from the shapes,
parameters and dtype; an FFT result gets :class:`~convspec.conformance.tolerance.FFTConvolution`, built as
``fft_convolve``'s (:mod:`convspec.conformance.families.fft`), per group:

* the transforms: each axis at ``L = transform_length(n_pad, span)`` (the padded input, the dilated kernel),
  ``passes = Σ log2 L + 1``;
* ``S[b, c] = Σ_{q in group(c)} ||x[b, q]||_2 ||w[c, q]||_2`` (zero padding and the zeros between dilated taps
  change no norm; a stride only picks outputs), over ``C_in / groups`` channels;
* a bias is one more term of the sum: ``S + |bias[c]|`` over ``C_in / groups + 1`` terms (its addition rounds
  by at most ``u (S + |bias|)``, inside ``γ``'s extra term);
* ``|y|``: the reference's FFT result in float64.
"""

from __future__ import annotations

import math

import numpy as np

from convspec import reference
from convspec.spec import fft as spec_fft
from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import check_conv_arguments

from convspec.conformance.case import Case
from convspec.conformance.tolerance import FFTConvolution

_GEOMETRY = ("stride", "padding", "dilation", "groups")


def method_of(case: Case) -> str:
    """``"direct"`` or ``"fft"``: what the case's ``method`` (default ``"direct"``) computes."""
    method = case.params.get("method", "direct")
    if method != "auto":
        return method
    x, weight, _ = case.arrays()
    return spec_fft.choose_method(x.shape, weight.shape, **geometry_params(case), dtype=case.dtype)


def geometry_params(case: Case) -> dict:
    """The case's keywords other than ``method`` (the ones the shape checks take)."""
    return {key: value for key, value in case.params.items() if key in _GEOMETRY}


def conv_fft_tolerance(case: Case) -> FFTConvolution:
    """Percival's bound for a correlation or convolution computed through the FFT (module docstring)."""
    x, weight, bias = (None if a is None else a.astype(np.float64) for a in case.arrays())
    args = check_conv_arguments(case.op, x.shape, weight.shape, None, **{
        "stride": 1, "padding": 0, "dilation": 1, "groups": 1, **geometry_params(case)})
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    lengths = [
        spec_fft.transform_length(lo + n + hi, d * (k - 1) + 1)
        for n, (lo, hi), k, d in zip(args.input_size, pads, args.kernel_size, args.dilation)
    ]
    passes = sum(int(math.log2(L)) for L in lengths) + 1
    groups, rank = args.groups, len(lengths)
    per_in, per_out = args.in_channels // groups, args.out_channels // groups
    x_norms = np.sqrt(np.sum(x**2, axis=tuple(range(2, x.ndim))))  # (N, C_in)
    w_norms = np.sqrt(np.sum(weight**2, axis=tuple(range(2, weight.ndim))))  # (C_out, C_in / groups)
    norms = np.zeros((x.shape[0], args.out_channels))
    for g in range(groups):
        outs = slice(g * per_out, (g + 1) * per_out)
        norms[:, outs] = x_norms[:, g * per_in:(g + 1) * per_in] @ w_norms[outs].T
    terms = per_in
    if bias is not None:
        norms = norms + np.abs(bias)[None, :]
        terms += 1
    exact = getattr(reference, case.op)(x, weight, bias, **{**geometry_params(case), "method": "fft"})
    return FFTConvolution(passes, terms, norms.reshape(*norms.shape, *(1,) * rank), np.abs(exact), case.dtype)
