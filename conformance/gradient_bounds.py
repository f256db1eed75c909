"""What the families' gradient tolerance models share (``gradient_tolerances`` in each differentiable
family's ``conformance/families/<family>/tolerances.py``; :func:`convspec.conformance.gradients.gradient_tolerances`
dispatches to them by family).

Every gradient element is a sum of products; :func:`magnitudes` is ``Σ|terms|`` of each, the reference VJP
of the absolute values (float64). :class:`Bound` carries a bound the model computed itself (``compare``
needs only ``exact`` and ``bound()``). Example: for ``relu`` nothing is summed (``Exact``); for ``dense``
``grad_x[b, i] = Σ_o g[b, o] w[o, i]`` sums ``n_out`` products, bounded by
``SumOfProducts(n_out, magnitudes(case, grad_out)[0], dtype, integers)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from convspec import reference
from convspec.reference.windows import span

from .case import Case
from .tolerance import UNIT_ROUNDOFF, gamma

U64 = UNIT_ROUNDOFF["float64"]


def reference_vjp(name: str) -> Callable:
    """``convspec.reference.<name>_vjp``."""
    return getattr(reference, f"{name}_vjp")


@dataclass(frozen=True)
class Bound:
    """A per-element bound computed by the test (``compare`` needs only ``exact`` and ``bound()``)."""

    values: np.ndarray
    exact: bool = False

    def bound(self) -> np.ndarray:
        return self.values


def _absolute_inputs(case: Case, absolute_data: bool) -> list:
    """The inputs for a magnitude computation: ``|a|`` (float64) when ``absolute_data``, else as they are."""
    def convert(a):
        if a is None or a.dtype.kind != "f":  # integer inputs (max_unpool's indices) as they are
            return a
        # max pooling: the winners must stay those of the real data
        return np.abs(a.astype(np.float64)) if absolute_data else a.astype(np.float64)

    return [convert(a) for a in case.arrays()]


def magnitudes(case: Case, grad_out: np.ndarray, absolute_data: bool = True) -> tuple:
    """Σ|terms| of every gradient element: the reference VJP of ``|grad_out|`` (and of ``|inputs|``)."""
    g = np.abs(grad_out.astype(np.float64))
    return reference_vjp(case.op)(g, *_absolute_inputs(case, absolute_data), **case.params)


def windows_per_cell(kernel, stride, dilation=None) -> int:
    """The most windows one input cell lies in: per axis ``min(k, ceil(span / s))``."""
    dilation = dilation or (1,) * len(kernel)
    return math.prod(min(k, -(-span(k, d) // s)) for k, s, d in zip(kernel, stride, dilation))


def per_axis(value, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def forward_relative(case: Case) -> tuple[float, int]:
    """The forward's catalog bound as ``(relative, floor_terms)``: ``|ŷ - y| <= relative |y| + floor_terms η``."""
    from convspec.conformance import catalog

    tolerance = catalog.get(case.op).tolerance(case)
    u = UNIT_ROUNDOFF[case.dtype]
    return gamma(tolerance.terms, u) + gamma(tolerance.terms, U64) + u, tolerance.terms
