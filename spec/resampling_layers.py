"""Pooling, unpooling and upsampling layer records: the layers that resample the spatial axes.

:class:`MaxPool`, :class:`AvgPool`, :class:`GlobalMaxPool`, :class:`GlobalAvgPool`,
:class:`MaxUnpool`, :class:`AvgUnpool`, :class:`FirstUnpool` and :class:`Upsample`. Part
of :mod:`convspec.spec.layers` (which re-exports them, and documents what the counts
count): each answers with the closed forms of :mod:`convspec.spec.pool`,
:mod:`convspec.spec.unpool` and :mod:`convspec.spec.upsample`. None has parameters.
Their arguments are checked by :mod:`convspec.spec.layer_args`.

Example::

    >>> MaxPool(2).output_shape((32, 26, 26)), MaxPool(2).parameters((32, 26, 26))
    ((32, 13, 13), 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy

from . import conv as _conv
from . import pool as _pool
from . import unpool as _unpool
from . import upsample as _upsample
from .layer_args import Layer, Resolved, _any_symbolic, _count, _flag, _padding, _per_axis, check_shape, tidy


def _pool_resolve(layer: str, input_shape, kernel_size, stride, padding, dilation, ceil_mode) -> Resolved:
    """Shared by the pools: :func:`convspec.spec.pool.check_pool_arguments` for ints, the same formulas for symbols."""
    shape = check_shape(layer, input_shape, spatial=True)
    channels, sizes, rank = shape[0], shape[1:], len(shape) - 1
    if not _any_symbolic((shape, kernel_size, stride, padding, dilation)):
        args = _pool.check_pool_arguments(
            layer, (1, *shape), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        )
        pads = _pool.pool_padding(args)
        return Resolved(channels, channels, sizes, _pool.pool_output_size(args), args.kernel_size, args.stride,
                        args.dilation, pads)
    kernel = _per_axis(layer, "kernel_size", kernel_size, rank)
    strides = kernel if stride is None else _per_axis(layer, "stride", stride, rank)
    dilations = _per_axis(layer, "dilation", dilation, rank)
    normalised = _padding(layer, padding, rank)
    pads = _conv.resolve_padding(normalised, sizes, kernel, strides, dilations)
    out = tuple(
        _pool.pool_output_length(n, k, s, lo, hi, d, _flag(layer, "ceil_mode", ceil_mode))
        for n, k, s, (lo, hi), d in zip(sizes, kernel, strides, pads, dilations)
    )
    return Resolved(channels, channels, sizes, out, kernel, strides, dilations, pads)


@dataclass(frozen=True)
class MaxPool(Layer):
    """Max pooling: ``convspec.max_pool``. ``stride=None`` means the kernel size.

    Output length: :func:`~convspec.spec.pool.pool_output_length` (floor or ceil mode).
    No parameters; 0 multiply-adds (it compares: :func:`~convspec.spec.pool.max_pool_comparisons`).

    Example: seed 002's ``MaxPooling2D((2, 2))`` takes 26x26x32 to 13x13x32 and 11x11 to 5x5.

    >>> MaxPool(2).output_shape((32, 26, 26)), MaxPool(2).output_shape((64, 11, 11))
    ((32, 13, 13), (64, 5, 5))
    """

    kernel_size: object
    stride: object = None
    padding: object = 0
    dilation: object = 1
    ceil_mode: bool = False
    kind: ClassVar[str] = "MaxPool"

    def _validate(self) -> None:
        _flag(self.kind, "ceil_mode", self.ceil_mode)

    def resolve(self, input_shape):
        return _pool_resolve(self.kind, input_shape, self.kernel_size, self.stride, self.padding, self.dilation,
                             self.ceil_mode)


@dataclass(frozen=True)
class AvgPool(Layer):
    """Average pooling: ``convspec.avg_pool`` (no dilation). ``stride=None`` means the kernel size.

    ``count_include_pad`` and ``divisor_override`` change the values, not the shape.
    No parameters; 0 multiply-adds (additions and one division per output:
    :func:`~convspec.spec.pool.avg_pool_additions`).

    Example: LeNet's first subsampling, 2x2 stride 2, 28x28x6 to 14x14x6 (seed 000).

    >>> AvgPool(2, 2).output_shape((6, 28, 28))
    (6, 14, 14)
    """

    kernel_size: object
    stride: object = None
    padding: object = 0
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int | None = None
    kind: ClassVar[str] = "AvgPool"

    def _validate(self) -> None:
        _flag(self.kind, "ceil_mode", self.ceil_mode)
        _flag(self.kind, "count_include_pad", self.count_include_pad)
        if self.divisor_override is not None:
            _count(self.kind, "divisor_override", self.divisor_override)

    def resolve(self, input_shape):
        return _pool_resolve(self.kind, input_shape, self.kernel_size, self.stride, self.padding, 1, self.ceil_mode)


@dataclass(frozen=True)
class GlobalMaxPool(Layer):
    """The maximum over every spatial axis, axes kept: ``(C, 1, ..., 1)`` (``convspec.global_max_pool``).

    Keras' ``GlobalMaxPooling2D`` drops the axes (``(C,)``) unless ``keepdims=True``; a
    :class:`Flatten` after this layer gives the same ``(C,)``. No parameters, 0 multiply-adds.

    >>> GlobalMaxPool().output_shape((512, 7, 7))
    (512, 1, 1)
    """

    kind: ClassVar[str] = "GlobalMaxPool"

    def resolve(self, input_shape):
        shape = check_shape(self.kind, input_shape, spatial=True)
        out = _pool.global_pool_output_shape((1, *shape))[2:]
        return Resolved(shape[0], shape[0], shape[1:], out, kernel=shape[1:], stride=(1,) * len(out),
                        dilation=(1,) * len(out), pads=((0, 0),) * len(out))


@dataclass(frozen=True)
class GlobalAvgPool(GlobalMaxPool):
    """The mean over every spatial axis, axes kept: ``(C, 1, ..., 1)`` (``convspec.global_avg_pool``).

    >>> GlobalAvgPool().output_shape((64, 3, 3))
    (64, 1, 1)
    """

    kind: ClassVar[str] = "GlobalAvgPool"


def _unpool_resolve(layer: str, input_shape, kernel_size, stride, padding, output_size) -> Resolved:
    """Shared by the unpools: :func:`convspec.spec.unpool.check_unpool_arguments` for ints."""
    shape = check_shape(layer, input_shape, spatial=True)
    channels, sizes, rank = shape[0], shape[1:], len(shape) - 1
    if not _any_symbolic((shape, kernel_size, stride, padding, output_size)):
        args = _unpool.check_unpool_arguments(
            layer, (1, *shape), kernel_size=kernel_size, stride=stride, padding=padding, output_size=output_size,
        )
        return Resolved(channels, channels, sizes, _unpool.unpool_output_size(args), args.kernel_size, args.stride,
                        (1,) * rank, args.padding)
    kernel = _per_axis(layer, "kernel_size", kernel_size, rank)
    strides = kernel if stride is None else _per_axis(layer, "stride", stride, rank)
    if isinstance(padding, str):
        if padding != "valid":
            raise ValueError(f"{layer}: padding must be sizes or 'valid' (the pooling's resolved padding), got {padding!r}")
        padding = 0
    pads = _padding(layer, padding, rank)
    if output_size is not None:
        out = _per_axis(layer, "output_size", output_size, rank)
    else:
        out = tuple(_unpool.unpool_default_length(n, k, s, lo, hi) for n, k, s, (lo, hi) in zip(sizes, kernel, strides, pads))
    return Resolved(channels, channels, sizes, out, kernel, strides, (1,) * rank, pads)


@dataclass(frozen=True)
class MaxUnpool(Layer):
    """Max unpooling with switches: ``convspec.max_unpool``; the pooling's kernel, stride and padding.

    Output length: ``output_size`` if given (it must pool back to the input), else
    :func:`~convspec.spec.unpool.unpool_default_length` ``max((n - 1) s - p_lo - p_hi + k, 1)``.
    No parameters, 0 multiply-adds (copies). The switches (``indices``) come from the
    matching max pool and do not change the shape.

    >>> MaxUnpool(2).output_shape((3, 2, 2))
    (3, 4, 4)
    """

    kernel_size: object
    stride: object = None
    padding: object = 0
    output_size: object = None
    kind: ClassVar[str] = "MaxUnpool"

    def resolve(self, input_shape):
        return _unpool_resolve(self.kind, input_shape, self.kernel_size, self.stride, self.padding, self.output_size)


@dataclass(frozen=True)
class AvgUnpool(Layer):
    """Average unpooling: every value copied into its whole block, overlaps added (``convspec.avg_unpool``).

    convspec's ``avg_unpool`` takes no padding. Output length as :class:`MaxUnpool`.
    No parameters, 0 multiply-adds (copies and additions).

    >>> AvgUnpool(2).output_shape((3, 2, 2)), AvgUnpool(3, 2).output_shape((1, 3))
    ((3, 4, 4), (1, 7))
    """

    kernel_size: object
    stride: object = None
    output_size: object = None
    kind: ClassVar[str] = "AvgUnpool"

    def resolve(self, input_shape):
        return _unpool_resolve(self.kind, input_shape, self.kernel_size, self.stride, 0, self.output_size)


@dataclass(frozen=True)
class FirstUnpool(AvgUnpool):
    """Unpooling into the first cell of every block, zeros elsewhere (``convspec.first_unpool``; seed 004).

    >>> FirstUnpool(2).output_shape((1, 5))
    (1, 10)
    """

    kind: ClassVar[str] = "FirstUnpool"


@dataclass(frozen=True)
class Upsample(Layer):
    """Interpolation: ``convspec.upsample``; exactly one of ``scale_factor`` and ``size``.

    Output length ``size``, or ``floor(n * scale_factor)`` (:func:`~convspec.spec.upsample.output_length`;
    a float scale factor is read as its shortest decimal). No parameters. Multiply-adds:
    :func:`~convspec.spec.upsample.upsample_multiply_adds`, ``C prod(out) 2^D`` for the linear
    modes (one weighted neighbour per corner), 0 for the nearest modes (copies).

    >>> Upsample(scale_factor=2).output_shape((3, 5, 7)), Upsample(size=9, mode="linear").multiply_adds((2, 4))
    ((3, 10, 14), 36)
    """

    scale_factor: object = None
    size: object = None
    mode: str = "nearest"
    align_corners: bool = False
    kind: ClassVar[str] = "Upsample"

    def _validate(self) -> None:
        if (self.scale_factor is None) == (self.size is None):
            raise ValueError(
                f"{self.kind}: give exactly one of scale_factor and size; got scale_factor={self.scale_factor!r}, "
                f"size={self.size!r}"
            )

    def scale_factors(self, rank: int):
        """The exact scale factor per axis (``Fraction``), or ``None`` when ``size`` is given."""
        if self.scale_factor is None:
            return None
        values = self.scale_factor if isinstance(self.scale_factor, tuple) else (self.scale_factor,) * rank
        if len(values) != rank:
            raise ValueError(
                f"{self.kind}: scale_factor has {len(values)} entries {values!r} but the input has {rank} "
                "spatial dim(s); give one number, or one per spatial dim"
            )
        return tuple(_upsample.scale_factor_value(self.kind, v) for v in values)

    def resolve(self, input_shape):
        shape = check_shape(self.kind, input_shape, spatial=True)
        channels, sizes, rank = shape[0], shape[1:], len(shape) - 1
        if not _any_symbolic(shape):
            args = _upsample.check_upsample_arguments(
                self.kind, (1, *shape), scale_factor=self.scale_factor, size=self.size, mode=self.mode,
                align_corners=self.align_corners,
            )
            return Resolved(channels, channels, sizes, args.output_size)
        _upsample.check_mode(self.kind, self.mode, rank, self.align_corners)
        sigmas = self.scale_factors(rank)
        if sigmas is None:
            out = _per_axis(self.kind, "size", self.size, rank)
        else:
            out = tuple(_upsample.output_length(n, sympy.Rational(s.numerator, s.denominator)) for n, s in zip(sizes, sigmas))
        return Resolved(channels, channels, sizes, out)

    def multiply_adds(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_upsample.upsample_multiply_adds(self.mode, r.output_size, r.in_channels, 1))
