"""The catalog: one small record per operation. Tests, the check runner and the docs iterate over it.

Adding an operation means: ``spec/<family>.py``, ``reference/<family>.py``,
``accelerated/<family>.py``, ``tests/test_<family>.py``, worked examples, and one
entry in :data:`CATALOG`. ``tests/test_catalog.py`` fails if a piece is missing.
"""

from __future__ import annotations

import importlib
import inspect
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import conv as spec_conv
from convspec.spec import unpool as spec_unpool
from convspec.spec import pool as spec_pool
from convspec.spec.conventions import check_conv_arguments, check_depthwise_separable_arguments

from convspec.conformance.families.conv import strategies as strategies_conv
from convspec.conformance.families.conv import examples as examples_conv
from convspec.conformance.families.unpool import examples as examples_unpool
from convspec.conformance.families.unpool import strategies as strategies_unpool
from convspec.conformance.families.pool import examples as examples_pool
from convspec.conformance.families.pool import strategies as strategies_pool
from convspec.conformance.families.conv_transpose import examples as examples_conv_transpose
from convspec.conformance.families.conv_transpose import strategies as strategies_conv_transpose
from convspec.conformance.families.upsample import examples as examples_upsample
from convspec.conformance.families.upsample import strategies as strategies_upsample
from convspec.conformance.families.activations import examples as examples_activations
from convspec.conformance.families.activations import strategies as strategies_activations
from convspec.conformance.families.detection import examples as examples_detection
from convspec.conformance.families.detection import strategies as strategies_detection
from convspec.conformance.families.style import examples as examples_style
from convspec.conformance.families.style import strategies as strategies_style
from convspec.conformance.families.filters import examples as examples_filters
from convspec.conformance.families.filters import strategies as strategies_filters
from convspec.conformance.families.fft import examples as examples_fft
from convspec.conformance.families.fft import strategies as strategies_fft
from .case import Case, WorkedExample
from .tolerance import Exact, SumOfProducts


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

    def __post_init__(self):
        # the closed forms and tolerance models read every keyword: give them the signature's
        # defaults for the keywords a case leaves out (a region checks the defaults by omitting them)
        object.__setattr__(self, "tolerance", _WithDefaults(self.tolerance, self.reference))
        object.__setattr__(self, "output_shape", _WithDefaults(self.output_shape, self.reference))

    def complete(self, case: Case) -> Case:
        """The case with every keyword it leaves out set to the reference signature's default."""
        return with_defaults(case, self.reference)

    @property
    def accelerated(self) -> Callable:
        """The torch implementation (imported on first use: torch is optional)."""
        return getattr(importlib.import_module(f"convspec.accelerated.{self.family}"), self.name)


def with_defaults(case: Case, function: Callable) -> Case:
    """``case`` with the keyword-only parameters it leaves out set to ``function``'s defaults."""
    missing = {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name not in case.params
        and parameter.default is not inspect.Parameter.empty
    }
    if not missing:
        return case
    return Case(case.op, case.inputs, {**case.params, **missing}, case.data_kind)


class _WithDefaults:
    """A function of a case, called with the case's omitted keywords set to their defaults."""

    def __init__(self, function: Callable[[Case], object], reference_function: Callable):
        if isinstance(function, _WithDefaults):
            function = function.__wrapped__
        self.__wrapped__ = function
        self.reference_function = reference_function

    def __call__(self, case: Case):
        return self.__wrapped__(with_defaults(case, self.reference_function))


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


def _unpool_output_shape(case: Case) -> tuple[int, ...]:
    x = case.inputs["x"]
    args = spec_unpool.check_unpool_arguments(case.op, x.shape, **case.params)
    return spec_unpool.unpool_output_shape(args)


def _copy_tolerance(case: Case) -> Exact:
    """max_unpool and first_unpool only move values: bit-for-bit."""
    return Exact(_unpool_output_shape(case))


def _avg_unpool_tolerance(case: Case) -> Exact | SumOfProducts:
    """Copies are exact; where blocks overlap (stride < kernel) each cell is a sum of at most
    prod(ceil(k / s)) copies, i.e. products with weight 1: the sum-of-products bound with that many terms."""
    x = case.inputs["x"]
    args = spec_unpool.check_unpool_arguments(case.op, x.shape, **case.params)
    terms = math.prod(spec_unpool.unpool_overlap(k, s) for k, s in zip(args.kernel_size, args.stride))
    if terms == 1:
        return Exact(spec_unpool.unpool_output_shape(args))
    magnitude = _magnitude(case, reference.avg_unpool)
    return SumOfProducts(terms, magnitude, case.dtype, case.data_kind == "integers")


def _pool_output_shape(case: Case) -> tuple[int, ...]:
    """max_pool/avg_pool: the spec's closed form (for max_pool with indices, the shape of both arrays)."""
    x = case.inputs["x"]
    return spec_pool.pool_output_shape(spec_pool.check_pool_arguments(case.op, x.shape, **case.params))


def _global_pool_output_shape(case: Case) -> tuple[int, ...]:
    return spec_pool.global_pool_output_shape(case.inputs["x"].shape)


def _max_pool_tolerance(case: Case) -> Exact:
    """A maximum selects one input value: bit-for-bit, NaN included (the indices are compared exactly too)."""
    return Exact(_pool_output_shape(case))


def _global_max_pool_tolerance(case: Case) -> Exact:
    return Exact(_global_pool_output_shape(case))


def _avg_pool_tolerance(case: Case) -> SumOfProducts:
    """A sum of the prod(kernel) window cells (prod(kernel) - 1 roundings), then a division that an
    implementation may do as one rounding or as a multiplication by a rounded reciprocal (two):
    prod(kernel) + 1 rounded operations on terms of weight 1/divisor; Σ|terms| is the average of |x|.
    The division rounds even integer-valued data (7/3), so nothing is compared bit for bit."""
    x = case.inputs["x"]
    args = spec_pool.check_pool_arguments(case.op, x.shape, **case.params)
    magnitude = _magnitude(case, reference.avg_pool)
    return SumOfProducts(math.prod(args.kernel_size) + 1, magnitude, case.dtype, False)


def _global_avg_pool_tolerance(case: Case) -> SumOfProducts:
    """As avg_pool's model, with the whole spatial extent as the window."""
    x = case.inputs["x"]
    magnitude = _magnitude(case, reference.global_avg_pool)
    return SumOfProducts(math.prod(x.shape[2:]) + 1, magnitude, case.dtype, False)


CATALOG: tuple[Operation, ...] = (
    Operation(
        name="correlate",
        family="conv",
        reference=reference.correlate,
        strategy=lambda: strategies_conv.conv_cases("correlate"),
        tolerance=_conv_tolerance,
        output_shape=_conv_output_shape,
        examples=examples_conv.CORRELATE_EXAMPLES,
        summary="Cross-correlation, the 'convolution' of deep-learning frameworks: the kernel slides over the input unflipped.",
    ),
    Operation(
        name="convolve",
        family="conv",
        reference=reference.convolve,
        strategy=lambda: strategies_conv.conv_cases("convolve"),
        tolerance=_conv_tolerance,
        output_shape=_conv_output_shape,
        examples=examples_conv.CONVOLVE_EXAMPLES,
        summary="True convolution: cross-correlation with the kernel flipped along every spatial axis.",
    ),
    Operation(
        name="depthwise_separable",
        family="conv",
        reference=reference.depthwise_separable,
        strategy=lambda: strategies_conv.depthwise_separable_cases(),
        tolerance=_depthwise_separable_tolerance,
        output_shape=_depthwise_separable_output_shape,
        examples=examples_conv.DEPTHWISE_SEPARABLE_EXAMPLES,
        summary="A per-channel (depthwise) correlation followed by a 1x1 (pointwise) correlation.",
    ),
    Operation(
        name="conv_transpose",
        family="conv_transpose",
        reference=reference.conv_transpose,
        strategy=lambda: strategies_conv_transpose.conv_transpose_cases(),
        tolerance=strategies_conv_transpose.conv_transpose_tolerance,
        output_shape=strategies_conv_transpose.conv_transpose_output_shape,
        examples=examples_conv_transpose.CONV_TRANSPOSE_EXAMPLES,
        summary="Transposed convolution: each input element adds a weighted copy of the kernel to the output; then crop.",
    ),
    Operation(
        name="max_pool",
        family="pool",
        reference=reference.max_pool,
        strategy=lambda: strategies_pool.max_pool_cases(),
        tolerance=_max_pool_tolerance,
        output_shape=_pool_output_shape,
        examples=examples_pool.MAX_POOL_EXAMPLES,
        summary="Max pooling: the largest input value under each window (padding never wins, NaN propagates), optionally with its flat index.",
    ),
    Operation(
        name="avg_pool",
        family="pool",
        reference=reference.avg_pool,
        strategy=lambda: strategies_pool.avg_pool_cases(),
        tolerance=_avg_pool_tolerance,
        output_shape=_pool_output_shape,
        examples=examples_pool.AVG_POOL_EXAMPLES,
        summary="Average pooling: the sum of the input cells under each window over a divisor (count_include_pad, divisor_override).",
    ),
    Operation(
        name="global_max_pool",
        family="pool",
        reference=reference.global_max_pool,
        strategy=lambda: strategies_pool.global_pool_cases("global_max_pool"),
        tolerance=_global_max_pool_tolerance,
        output_shape=_global_pool_output_shape,
        examples=examples_pool.GLOBAL_MAX_POOL_EXAMPLES,
        summary="Global max pooling: the maximum over all spatial positions per channel, output (N, C, 1, ..., 1).",
    ),
    Operation(
        name="global_avg_pool",
        family="pool",
        reference=reference.global_avg_pool,
        strategy=lambda: strategies_pool.global_pool_cases("global_avg_pool"),
        tolerance=_global_avg_pool_tolerance,
        output_shape=_global_pool_output_shape,
        examples=examples_pool.GLOBAL_AVG_POOL_EXAMPLES,
        summary="Global average pooling: the mean over all spatial positions per channel, output (N, C, 1, ..., 1).",
    ),
    Operation(
        name="max_unpool",
        family="unpool",
        reference=reference.max_unpool,
        strategy=lambda: strategies_unpool.max_unpool_cases(),
        tolerance=_copy_tolerance,
        output_shape=_unpool_output_shape,
        examples=examples_unpool.MAX_UNPOOL_EXAMPLES,
        summary="Max unpooling with switches: each value goes back to the cell max-pooling recorded, zeros elsewhere.",
    ),
    Operation(
        name="avg_unpool",
        family="unpool",
        reference=reference.avg_unpool,
        strategy=lambda: strategies_unpool.block_unpool_cases("avg_unpool"),
        tolerance=_avg_unpool_tolerance,
        output_shape=_unpool_output_shape,
        examples=examples_unpool.AVG_UNPOOL_EXAMPLES,
        summary="Average unpooling: each value is copied into every cell of its block; overlapping copies add up.",
    ),
    Operation(
        name="first_unpool",
        family="unpool",
        reference=reference.first_unpool,
        strategy=lambda: strategies_unpool.block_unpool_cases("first_unpool"),
        tolerance=_copy_tolerance,
        output_shape=_unpool_output_shape,
        examples=examples_unpool.FIRST_UNPOOL_EXAMPLES,
        summary="Max unpooling without switches: each value goes to the first (top-left) cell of its block, zeros elsewhere.",
    ),
    Operation(
        name="upsample",
        family="upsample",
        reference=reference.upsample,
        strategy=lambda: strategies_upsample.upsample_cases(),
        tolerance=strategies_upsample.upsample_tolerance,
        output_shape=strategies_upsample.upsample_output_shape,
        examples=examples_upsample.UPSAMPLE_EXAMPLES,
        summary="Upsampling (or downsampling) by nearest, nearest-exact, linear, bilinear or trilinear interpolation; no learned parameters.",
    ),
    Operation(
        name="relu",
        family="activations",
        reference=reference.relu,
        strategy=lambda: strategies_activations.elementwise_cases("relu"),
        tolerance=strategies_activations.exact_tolerance,
        output_shape=strategies_activations.output_shape,
        examples=examples_activations.RELU_EXAMPLES,
        summary="Rectified linear unit, element-wise max(0, x); NaN propagates.",
    ),
    Operation(
        name="sigmoid",
        family="activations",
        reference=reference.sigmoid,
        strategy=lambda: strategies_activations.elementwise_cases("sigmoid"),
        tolerance=strategies_activations.sigmoid_tolerance,
        output_shape=strategies_activations.output_shape,
        examples=examples_activations.SIGMOID_EXAMPLES,
        summary="Logistic sigmoid 1 / (1 + exp(-x)), element-wise, without overflow for large |x|.",
    ),
    Operation(
        name="softmax",
        family="activations",
        reference=reference.softmax,
        strategy=lambda: strategies_activations.softmax_cases(),
        tolerance=strategies_activations.softmax_tolerance,
        output_shape=strategies_activations.output_shape,
        examples=examples_activations.SOFTMAX_EXAMPLES,
        summary="Softmax along one axis, computed stably with the slice maximum subtracted.",
    ),
    Operation(
        name="flatten",
        family="activations",
        reference=reference.flatten,
        strategy=lambda: strategies_activations.flatten_cases(),
        tolerance=strategies_activations.exact_tolerance,
        output_shape=strategies_activations.output_shape,
        examples=examples_activations.FLATTEN_EXAMPLES,
        summary="(N, d_1, ..., d_r) to (N, d_1 ... d_r) in row-major order, as torch.flatten(x, 1).",
    ),
    Operation(
        name="dense",
        family="activations",
        reference=reference.dense,
        strategy=lambda: strategies_activations.dense_cases(),
        tolerance=strategies_activations.dense_tolerance,
        output_shape=strategies_activations.output_shape,
        examples=examples_activations.DENSE_EXAMPLES,
        summary="A fully connected layer: y = x weight^T + bias, weight (n_out, n_in) as F.linear.",
    ),
    Operation(
        name="box_iou",
        family="detection",
        reference=reference.box_iou,
        strategy=lambda: strategies_detection.box_iou_cases(),
        tolerance=strategies_detection.box_iou_tolerance,
        output_shape=strategies_detection.box_iou_output_shape,
        examples=examples_detection.BOX_IOU_EXAMPLES,
        summary="Pairwise intersection over union of two sets of boxes (xyxy, cxcywh or xywh); 0 for touching boxes and for a zero union.",
    ),
    Operation(
        name="gram_matrix",
        family="style",
        reference=reference.gram_matrix,
        strategy=lambda: strategies_style.gram_cases(),
        tolerance=strategies_style.gram_tolerance,
        output_shape=strategies_style.output_shape,
        examples=examples_style.GRAM_MATRIX_EXAMPLES,
        summary="The style matrix of each image, F_kk' = sum over positions of a_k a_k', optionally normalised (seed 004, Gatys, per element).",
    ),
    Operation(
        name="style_loss",
        family="style",
        reference=reference.style_loss,
        strategy=lambda: strategies_style.pair_cases("style_loss"),
        tolerance=strategies_style.style_tolerance,
        output_shape=strategies_style.output_shape,
        examples=examples_style.STYLE_LOSS_EXAMPLES,
        summary="Per image, the weighted sum over layers of the squared differences of two (normalised) gram matrices.",
    ),
    Operation(
        name="content_loss",
        family="style",
        reference=reference.content_loss,
        strategy=lambda: strategies_style.pair_cases("content_loss"),
        tolerance=strategies_style.content_tolerance,
        output_shape=strategies_style.output_shape,
        examples=examples_style.CONTENT_LOSS_EXAMPLES,
        summary="Per image, the sum of squared differences of two feature maps (seed 004's content error, constant 1).",
    ),
    Operation(
        name="sobel",
        family="filters",
        reference=reference.sobel,
        strategy=lambda: strategies_filters.sobel_cases(),
        tolerance=strategies_filters.sobel_tolerance,
        output_shape=strategies_filters.sobel_output_shape,
        examples=examples_filters.SOBEL_EXAMPLES,
        summary="The Sobel operator on (N, 1, H, W) images: G_x, G_y (seed 002's kernels, by convolution) and sqrt(G_x^2 + G_y^2) as three channels.",
    ),
    Operation(
        name="fft_convolve",
        family="fft",
        reference=reference.fft_convolve,
        strategy=lambda: strategies_fft.fft_cases("fft_convolve"),
        tolerance=strategies_fft.fft_tolerance,
        output_shape=strategies_fft.fft_output_shape,
        examples=examples_fft.FFT_CONVOLVE_EXAMPLES,
        summary="Convolution by the convolution theorem: zero-pad to n + k - 1 or more, multiply the spectra, invert, crop (full, same, valid).",
    ),
    Operation(
        name="fft_correlate",
        family="fft",
        reference=reference.fft_correlate,
        strategy=lambda: strategies_fft.fft_cases("fft_correlate"),
        tolerance=strategies_fft.fft_tolerance,
        output_shape=strategies_fft.fft_output_shape,
        examples=examples_fft.FFT_CORRELATE_EXAMPLES,
        summary="Cross-correlation through the FFT: fft_convolve with the kernel flipped; equal to correlate with padding full, same or 0.",
    ),
)

BY_NAME: dict[str, Operation] = {op.name: op for op in CATALOG}


def get(name: str) -> Operation:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; the catalog has {', '.join(BY_NAME)}") from None
