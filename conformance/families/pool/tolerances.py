"""Tolerance models and output shapes of the pool family (the catalog's per-case hooks).

* ``max_pool`` / ``global_max_pool``: a maximum selects one input value: bit for bit
  (:class:`~convspec.conformance.tolerance.Exact`), NaN included.
* ``avg_pool`` / ``global_avg_pool``: a sum of the window's cells, then a division:
  :class:`~convspec.conformance.tolerance.SumOfProducts` with ``prod(kernel) + 1`` terms (see
  :func:`avg_pool_tolerance`); never bit for bit.
"""

from __future__ import annotations

import math

from convspec import reference
from convspec.spec import pool as spec_pool

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import magnitudes, per_axis, windows_per_cell
from convspec.conformance.operation import magnitude
from convspec.conformance.tolerance import Exact, SumOfProducts


def pool_output_shape(case: Case) -> tuple[int, ...]:
    """max_pool/avg_pool: the spec's closed form (for max_pool with indices, the shape of both arrays)."""
    x = case.inputs["x"]
    return spec_pool.pool_output_shape(spec_pool.check_pool_arguments(case.op, x.shape, **case.params))


def global_pool_output_shape(case: Case) -> tuple[int, ...]:
    return spec_pool.global_pool_output_shape(case.inputs["x"].shape)


def max_pool_tolerance(case: Case) -> Exact:
    """A maximum selects one input value: bit-for-bit, NaN included (the indices are compared exactly too)."""
    return Exact(pool_output_shape(case))


def global_max_pool_tolerance(case: Case) -> Exact:
    return Exact(global_pool_output_shape(case))


def avg_pool_tolerance(case: Case) -> SumOfProducts:
    """A sum of the prod(kernel) window cells (prod(kernel) - 1 roundings), then a division that an
    implementation may do as one rounding or as a multiplication by a rounded reciprocal (two):
    prod(kernel) + 1 rounded operations on terms of weight 1/divisor; Σ|terms| is the average of |x|.
    The division rounds even integer-valued data (7/3), so nothing is compared bit for bit."""
    x = case.inputs["x"]
    args = spec_pool.check_pool_arguments(case.op, x.shape, **case.params)
    return SumOfProducts(math.prod(args.kernel_size) + 1, magnitude(case, reference.avg_pool), case.dtype, False)


def global_avg_pool_tolerance(case: Case) -> SumOfProducts:
    """As avg_pool's model, with the whole spatial extent as the window."""
    x = case.inputs["x"]
    return SumOfProducts(math.prod(x.shape[2:]) + 1, magnitude(case, reference.global_avg_pool), case.dtype, False)


def gradient_tolerances(case: Case, grad_out):
    """One tolerance per array argument of the VJP (the input ``x``).

    * max pooling: a cell gets ``grad_out`` of every window it wins, at most
      ``prod(min(k, ceil(span/s)))``; one window at most is exact for any data.
    * avg pooling: the same sums of ``grad_out[o] / divisor(o)``, each share rounded once (or
      twice, via a rounded reciprocal): ``windows per cell + 1`` roundings, never exact
      (``7 / 3``); global average: one division.
    """
    name, dtype, integers = case.op, case.dtype, case.data_kind == "integers"
    if name in ("max_pool", "avg_pool"):
        rank = case.inputs["x"].ndim - 2
        kernel = per_axis(case.params["kernel_size"], rank)
        stride = per_axis(case.params.get("stride") or kernel, rank)
        dilation = per_axis(case.params.get("dilation", 1), rank)
        windows = windows_per_cell(kernel, stride, dilation)
        (bound_magnitude,) = magnitudes(case, grad_out, absolute_data=(name == "avg_pool"))
        if name == "max_pool":
            if windows == 1:
                return (Exact(bound_magnitude.shape),)
            return (SumOfProducts(windows, bound_magnitude, dtype, integers),)
        return (SumOfProducts(windows + 1, bound_magnitude, dtype, False),)
    if name == "global_max_pool":
        return (Exact(case.inputs["x"].shape),)
    if name == "global_avg_pool":
        return (SumOfProducts(2, magnitudes(case, grad_out)[0], dtype, False),)
    raise AssertionError(f"no gradient tolerance model for {name!r}")
