"""The catalog: one small record per operation. Tests, the check runner and the docs iterate over it.

Adding an operation means: ``spec/<family>.py``, ``reference/<family>.py``,
``accelerated/<family>.py``, ``tests/test_<family>.py``, worked examples, and one
entry in :data:`CATALOG`. ``tests/test_catalog.py`` fails if a piece is missing.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import conv as spec_conv
from convspec.spec.conventions import check_conv_arguments, check_depthwise_separable_arguments

from . import examples_conv, strategies
from .case import Case, WorkedExample
from .tolerance import SumOfProducts


@dataclass(frozen=True)
class Operation:
    """Everything convspec knows about one operation, by reference rather than by copy."""

    name: str
    family: str  # the basename shared by spec/, reference/, accelerated/ and tests/
    reference: Callable
    strategy: Callable[[], st.SearchStrategy[Case]]
    tolerance: Callable[[Case], SumOfProducts]
    output_shape: Callable[[Case], tuple[int, ...]]  # the spec's closed form
    examples: tuple[WorkedExample, ...]
    summary: str

    @property
    def accelerated(self) -> Callable:
        """The torch implementation (imported on first use: torch is optional)."""
        return getattr(importlib.import_module(f"convspec.accelerated.{self.family}"), self.name)


def _magnitude(case: Case, fn: Callable) -> np.ndarray:
    """Σ|x·w| (+|bias|) per output: the same operation on absolute values, in float64."""
    absolute = [None if a is None else np.abs(a.astype(np.float64)) for a in case.arrays()]
    return fn(*absolute, **case.params)


def _conv_tolerance(case: Case) -> SumOfProducts:
    x, weight, bias = case.arrays()
    terms = weight.shape[1] * math.prod(weight.shape[2:]) + (bias is not None)
    fn = getattr(reference, case.op)
    return SumOfProducts(terms, _magnitude(case, fn), case.dtype, case.data_kind == "integers")


def _depthwise_separable_tolerance(case: Case) -> SumOfProducts:
    x, depthwise, pointwise, bias = case.arrays()
    # each output is a chain of two sums: prod(kernel) depthwise terms inside C_in*m pointwise terms
    terms = math.prod(depthwise.shape[2:]) + pointwise.shape[1] + (bias is not None)
    magnitude = _magnitude(case, reference.depthwise_separable)
    return SumOfProducts(terms, magnitude, case.dtype, case.data_kind == "integers")


def _conv_output_shape(case: Case) -> tuple[int, ...]:
    x, weight, bias = case.arrays()
    args = check_conv_arguments(case.op, x.shape, weight.shape, None, **case.params)
    return spec_conv.conv_output_shape(
        x.shape, weight.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )


def _depthwise_separable_output_shape(case: Case) -> tuple[int, ...]:
    x, depthwise, pointwise, bias = case.arrays()
    args = check_depthwise_separable_arguments(case.op, x.shape, depthwise.shape, pointwise.shape, None, **case.params)
    return spec_conv.depthwise_separable_output_shape(
        x.shape, depthwise.shape, pointwise.shape, stride=args.stride, padding=args.padding, dilation=args.dilation
    )


CATALOG: tuple[Operation, ...] = (
    Operation(
        name="correlate",
        family="conv",
        reference=reference.correlate,
        strategy=lambda: strategies.conv_cases("correlate"),
        tolerance=_conv_tolerance,
        output_shape=_conv_output_shape,
        examples=examples_conv.CORRELATE_EXAMPLES,
        summary="Cross-correlation, the 'convolution' of deep-learning frameworks: the kernel slides over the input unflipped.",
    ),
    Operation(
        name="convolve",
        family="conv",
        reference=reference.convolve,
        strategy=lambda: strategies.conv_cases("convolve"),
        tolerance=_conv_tolerance,
        output_shape=_conv_output_shape,
        examples=examples_conv.CONVOLVE_EXAMPLES,
        summary="True convolution: cross-correlation with the kernel flipped along every spatial axis.",
    ),
    Operation(
        name="depthwise_separable",
        family="conv",
        reference=reference.depthwise_separable,
        strategy=lambda: strategies.depthwise_separable_cases(),
        tolerance=_depthwise_separable_tolerance,
        output_shape=_depthwise_separable_output_shape,
        examples=examples_conv.DEPTHWISE_SEPARABLE_EXAMPLES,
        summary="A per-channel (depthwise) correlation followed by a 1x1 (pointwise) correlation.",
    ),
)

BY_NAME: dict[str, Operation] = {op.name: op for op in CATALOG}


def get(name: str) -> Operation:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; the catalog has {', '.join(BY_NAME)}") from None
