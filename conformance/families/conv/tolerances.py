"""Tolerance models and output shapes of the conv family (the catalog's per-case hooks).

* ``correlate`` / ``convolve``: each output is a sum of ``(C_in / groups) · prod(kernel)`` products plus the
  bias: :class:`~convspec.conformance.tolerance.SumOfProducts` with that many terms and magnitude ``Σ|x·w| + |b|``
  (the reference on absolute values, float64); bit for bit on integer-valued data.
* ``depthwise_separable``: a chain of two sums, ``prod(kernel)`` depthwise terms inside ``C_in·m`` pointwise
  terms: ``T = prod(kernel) + C_in·m + (bias)``.
"""

from __future__ import annotations

import math

from convspec import reference
from convspec.spec import conv as spec_conv
from convspec.spec.conventions import check_conv_arguments, check_depthwise_separable_arguments

from convspec.conformance.case import Case
from convspec.conformance.operation import magnitude
from convspec.conformance.tolerance import SumOfProducts


def conv_tolerance(case: Case) -> SumOfProducts:
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
    args = check_conv_arguments(case.op, x.shape, weight.shape, None, **case.params)
    return spec_conv.conv_output_shape(
        x.shape, weight.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )


def depthwise_separable_output_shape(case: Case) -> tuple[int, ...]:
    x, depthwise, pointwise, bias = case.arrays()
    args = check_depthwise_separable_arguments(case.op, x.shape, depthwise.shape, pointwise.shape, None, **case.params)
    return spec_conv.depthwise_separable_output_shape(
        x.shape, depthwise.shape, pointwise.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )
