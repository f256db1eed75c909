"""Tolerance models and output shapes of the unpool family (the catalog's per-case hooks).

``max_unpool`` and ``first_unpool`` only move values: bit for bit. ``avg_unpool`` copies, and where
blocks overlap adds at most ``prod(ceil(k / s))`` copies (:func:`avg_unpool_tolerance`).
"""

from __future__ import annotations

import math

from convspec import reference
from convspec.spec import unpool as spec_unpool

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import magnitudes, per_axis
from convspec.conformance.operation import magnitude
from convspec.conformance.tolerance import Exact, SumOfProducts


def unpool_output_shape(case: Case) -> tuple[int, ...]:
    x = case.inputs["x"]
    args = spec_unpool.check_unpool_arguments(case.op, x.shape, **case.params)
    return spec_unpool.unpool_output_shape(args)


def copy_tolerance(case: Case) -> Exact:
    """max_unpool and first_unpool only move values: bit-for-bit."""
    return Exact(unpool_output_shape(case))


def avg_unpool_tolerance(case: Case) -> Exact | SumOfProducts:
    """Copies are exact; where blocks overlap (stride < kernel) each cell is a sum of at most
    prod(ceil(k / s)) copies, i.e. products with weight 1: the sum-of-products bound with that many terms."""
    x = case.inputs["x"]
    args = spec_unpool.check_unpool_arguments(case.op, x.shape, **case.params)
    terms = math.prod(spec_unpool.unpool_overlap(k, s) for k, s in zip(args.kernel_size, args.stride))
    if terms == 1:
        return Exact(spec_unpool.unpool_output_shape(args))
    return SumOfProducts(terms, magnitude(case, reference.avg_unpool), case.dtype, case.data_kind == "integers")


def gradient_tolerances(case: Case, grad_out):
    """One tolerance per array argument of the VJP: max_unpool and first_unpool gather (exact; the indices
    have no gradient); avg_unpool sums ``prod(k)`` cells (exact for integer-valued data)."""
    name = case.op
    if name in ("max_unpool", "first_unpool"):
        return (Exact(case.inputs["x"].shape),) + ((None,) if name == "max_unpool" else ())
    if name == "avg_unpool":
        rank = case.inputs["x"].ndim - 2
        kernel = per_axis(case.params["kernel_size"], rank)
        return (SumOfProducts(math.prod(kernel), magnitudes(case, grad_out)[0], case.dtype, case.data_kind == "integers"),)
    raise AssertionError(f"no gradient tolerance model for {name!r}")
