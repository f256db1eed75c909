"""The catalog's two per-case hooks for ``conv_transpose``: its tolerance model and the spec's output shape."""

from __future__ import annotations

import math

import numpy as np

from convspec import reference
from convspec.spec import conv_transpose as spec_conv_transpose
from convspec.spec.conv_transpose import check_conv_transpose_arguments

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import magnitudes
from convspec.conformance.tolerance import SumOfProducts


def conv_transpose_tolerance(case: Case) -> SumOfProducts:
    """Sums of at most ``(C_in / groups) * prod(kernel)`` products (plus the bias) per output cell.

    A cell receives one product per (input channel of its group, tap landing on it); with
    a stride fewer taps land on a cell, so ``prod(kernel)`` taps is an upper bound and
    γ_n grows with n. Σ|x·w| is the reference on absolute values, in float64.
    """
    x, weight, bias = case.arrays()
    groups = case.params.get("groups", 1)
    terms = (x.shape[1] // groups) * math.prod(weight.shape[2:]) + (bias is not None)
    absolute = [None if a is None else np.abs(a.astype(np.float64)) for a in case.arrays()]
    magnitude = reference.conv_transpose(*absolute, **case.params)
    return SumOfProducts(terms, magnitude, case.dtype, case.data_kind == "integers")


def conv_transpose_output_shape(case: Case) -> tuple[int, ...]:
    """The spec's closed form :func:`convspec.spec.conv_transpose.conv_transpose_output_shape`."""
    x, weight, _ = case.arrays()
    args = check_conv_transpose_arguments(case.op, x.shape, weight.shape, None, **case.params)
    return spec_conv_transpose.conv_transpose_output_shape(
        x.shape, weight.shape, stride=args.stride, padding=args.padding, output_padding=args.output_padding,
        dilation=args.dilation, groups=args.groups,
    )


def gradient_tolerances(case: Case, grad_out):
    """One tolerance per array argument of the VJP: ``grad_x`` sums ``(C_out/groups) · prod(k)`` products,
    ``grad_weight`` ``N · prod(in)`` and ``grad_bias`` ``N · prod(out)``; exact for integer-valued data."""
    if case.op != "conv_transpose":
        raise AssertionError(f"no gradient tolerance model for {case.op!r}")
    dtype, integers = case.dtype, case.data_kind == "integers"
    x, weight, bias = case.arrays()
    mags = magnitudes(case, grad_out)
    batch, out_spatial = grad_out.shape[0], math.prod(grad_out.shape[2:])
    x_terms = (weight.shape[1]) * math.prod(weight.shape[2:])
    terms = (x_terms, batch * math.prod(x.shape[2:]), batch * out_spatial)
    return tuple(
        None if m is None else SumOfProducts(max(t, 1), m, dtype, integers) for t, m in zip(terms, mags)
    )
