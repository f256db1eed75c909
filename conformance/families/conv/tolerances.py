"""Tolerance models and output shapes of the conv family (the catalog's per-case hooks).

* ``correlate`` / ``convolve``: each output is a sum of ``(C_in / groups) · prod(kernel)`` products plus the
  bias: :class:`~convspec.conformance.tolerance.SumOfProducts` with that many terms and magnitude ``Σ|x·w| + |b|``
  (the reference on absolute values, float64); bit for bit on integer-valued data. With ``method="fft"`` (or
  ``"auto"`` choosing it) the FFT's bound instead: :mod:`.method`.
* ``depthwise_separable``: a chain of two sums, ``prod(kernel)`` depthwise terms inside ``C_in·m`` pointwise
  terms: ``T = prod(kernel) + C_in·m + (bias)``.
"""

from __future__ import annotations

import math

from convspec import reference
from convspec.spec import conv as spec_conv
from convspec.spec.conventions import check_conv_arguments, check_depthwise_separable_arguments

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import magnitudes
from convspec.conformance.operation import magnitude
from convspec.conformance.tolerance import FFTConvolution, SumOfProducts

from .method import conv_fft_tolerance, geometry_params, method_of


def conv_tolerance(case: Case) -> SumOfProducts | FFTConvolution:
    if method_of(case) == "fft":  # method "fft", or "auto" that picks it: the FFT's bound (.method)
        return conv_fft_tolerance(case)
    x, weight, bias = case.arrays()
    terms = weight.shape[1] * math.prod(weight.shape[2:]) + (bias is not None)
    fn = getattr(reference, case.op)
    return SumOfProducts(terms, magnitude(case, fn), case.dtype, case.data_kind == "integers")


def depthwise_separable_tolerance(case: Case) -> SumOfProducts:
    x, depthwise, pointwise, bias = case.arrays()
    # each output is a chain of two sums: prod(kernel) depthwise terms inside C_in*m pointwise terms
    terms = math.prod(depthwise.shape[2:]) + pointwise.shape[1] + (bias is not None)
    return SumOfProducts(terms, magnitude(case, reference.depthwise_separable), case.dtype, case.data_kind == "integers")


def conv_output_shape(case: Case) -> tuple[int, ...]:
    x, weight, bias = case.arrays()
    args = check_conv_arguments(case.op, x.shape, weight.shape, None, **geometry_params(case))
    return spec_conv.conv_output_shape(
        x.shape, weight.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )


def depthwise_separable_output_shape(case: Case) -> tuple[int, ...]:
    x, depthwise, pointwise, bias = case.arrays()
    args = check_depthwise_separable_arguments(case.op, x.shape, depthwise.shape, pointwise.shape, None, **case.params)
    return spec_conv.depthwise_separable_output_shape(
        x.shape, depthwise.shape, pointwise.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )


def gradient_tolerances(case: Case, grad_out):
    """One tolerance per array argument of the VJP (``None`` where there is no gradient).

    * correlate/convolve: ``grad_x`` sums ``(C_out/groups) · prod(k)`` products, ``grad_weight``
      and ``grad_bias`` ``N · prod(out)``.
    * depthwise_separable: a chain of two such sums (``grad_h = Σ pw·g``, then a depthwise
      one); the terms of both stages add: ``m·prod(k) + C_out + N·prod(out) + 2``.

    Integer-valued data make every such sum exact (``SumOfProducts.exact``).
    """
    dtype, integers = case.dtype, case.data_kind == "integers"
    arrays = case.arrays()
    if case.op in ("correlate", "convolve"):
        x, weight, bias = arrays
        groups = case.params.get("groups", 1)
        mags = magnitudes(case, grad_out)
        batch, out_spatial = grad_out.shape[0], math.prod(grad_out.shape[2:])
        x_terms = (weight.shape[0] // groups) * math.prod(weight.shape[2:])
        terms = (x_terms, batch * out_spatial, batch * out_spatial)
        return tuple(
            None if m is None else SumOfProducts(max(t, 1), m, dtype, integers) for t, m in zip(terms, mags)
        )
    if case.op == "depthwise_separable":
        x, depthwise, pointwise, bias = arrays
        multiplier = depthwise.shape[0] // x.shape[1]
        t = multiplier * math.prod(depthwise.shape[2:]) + pointwise.shape[0] + grad_out.shape[0] * math.prod(
            grad_out.shape[2:]) + 2
        return tuple(None if m is None else SumOfProducts(t, m, dtype, integers) for m in magnitudes(case, grad_out))
    raise AssertionError(f"no gradient tolerance model for {case.op!r}")
