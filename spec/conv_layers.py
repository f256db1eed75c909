"""Convolution layer records: Conv, DepthwiseConv, DepthwiseSeparable and ConvTranspose.

Part of :mod:`convspec.spec.layers` (which re-exports them, and documents what the
counts count): each record holds one layer's hyperparameters and answers, for the
shape ``(C, *spatial)`` of one sample, with the closed forms of
:mod:`convspec.spec.conv` and :mod:`convspec.spec.conv_transpose`. Its arguments are
checked by :mod:`convspec.spec.layer_args`.

Example (seed 002's MNIST convnet, first layer)::

    >>> Conv(32, 3).output_shape((1, 28, 28)), Conv(32, 3).parameters((1, 28, 28))
    ((32, 26, 26), 320)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from . import conv as _conv
from . import conv_transpose as _tconv
from .layer_args import (
    Layer,
    Resolved,
    Size,
    _check_c_in,
    _check_divides,
    _check_fits,
    _count,
    _flag,
    _padding,
    _per_axis,
    _symbolic,
    check_shape,
    tidy,
)


def _check_grouped_channels(layer) -> None:
    """Conv and ConvTranspose: positive c_out and groups, a bool bias, c_in (if given) positive, groups | c_out."""
    _count(layer.kind, "c_out", layer.c_out)
    _count(layer.kind, "groups", layer.groups)
    _flag(layer.kind, "bias", layer.bias)
    if layer.c_in is not None:
        _count(layer.kind, "c_in", layer.c_in)
    _check_divides(layer.kind, layer.groups, layer.c_out, "output")


def _grouped_window(layer, input_shape):
    """Conv and ConvTranspose on ``input_shape``: (c_in, spatial sizes, rank, kernel, stride, dilation), checked."""
    shape = check_shape(layer.kind, input_shape, spatial=True)
    c_in, sizes, rank = shape[0], shape[1:], len(shape) - 1
    _check_c_in(layer.kind, layer.c_in, c_in)
    _check_divides(layer.kind, layer.groups, c_in, "input")
    kernel = _per_axis(layer.kind, "kernel_size", layer.kernel_size, rank)
    stride = _per_axis(layer.kind, "stride", layer.stride, rank)
    dilation = _per_axis(layer.kind, "dilation", layer.dilation, rank)
    return c_in, sizes, rank, kernel, stride, dilation


@dataclass(frozen=True)
class Conv(Layer):
    """A correlation layer (what frameworks call convolution): ``convspec.correlate``.

    Weights ``(c_out, C_in / groups, *kernel)``, bias ``(c_out,)`` (conventions).
    ``padding`` takes every form of :mod:`convspec.spec.conventions` (``int``, per axis,
    ``(lo, hi)`` per axis, ``"valid"``, ``"same"``, ``"same_lower"``, ``"full"``).
    ``c_in``, if given, is checked against the input's channels (torch declares it).

    * output length: :func:`~convspec.spec.conv.conv_output_length` of the resolved padding,
      ``ceil(n / s)`` (:func:`~convspec.spec.conv.same_output_length`) for the same modes;
    * parameters: :func:`~convspec.spec.conv.conv_parameter_count`;
    * multiply-adds: :func:`~convspec.spec.conv.conv_multiply_adds` (``C_out prod(out) C_in/g prod(k)``).

    ``convolve`` (kernel flipped) has the same shape and counts.

    Example: seed 003's ``Convolution2D(5, 3)`` on a 10x10x1 input: ``5 (9 + 1) = 50``.

    >>> Conv(5, 3).output_shape((1, 10, 10)), Conv(5, 3).parameters((1, 10, 10))
    ((5, 8, 8), 50)
    """

    c_out: Size
    kernel_size: object
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    groups: Size = 1
    bias: bool = True
    c_in: Size | None = None
    kind: ClassVar[str] = "Conv"

    def _validate(self) -> None:
        _check_grouped_channels(self)

    def resolve(self, input_shape) -> Resolved:
        c_in, sizes, rank, kernel, stride, dilation = _grouped_window(self, input_shape)
        padding = _padding(self.kind, self.padding, rank)
        _check_fits(self.kind, sizes, kernel, padding, dilation)
        pads = _conv.resolve_padding(padding, sizes, kernel, stride, dilation)
        if padding in ("same", "same_lower"):
            out = tuple(_conv.same_output_length(n, s) for n, s in zip(sizes, stride))
        else:
            out = tuple(
                _conv.conv_output_length(n, k, s, lo, hi, d)
                for n, k, s, (lo, hi), d in zip(sizes, kernel, stride, pads, dilation)
            )
        return Resolved(c_in, self.c_out, sizes, out, kernel, stride, dilation, pads)

    def weights(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.conv_parameter_count(r.in_channels, self.c_out, r.kernel, self.groups, bias=False))

    def biases(self, input_shape):
        self.resolve(input_shape)
        return self.c_out if self.bias else 0

    def parameters(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.conv_parameter_count(r.in_channels, self.c_out, r.kernel, self.groups, bias=self.bias))

    def multiply_adds(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.conv_multiply_adds(r.in_channels, self.c_out, r.kernel, r.output_size, self.groups))


@dataclass(frozen=True)
class DepthwiseConv(Layer):
    """A depthwise correlation: :class:`Conv` with ``groups = C_in`` and ``c_out = C_in * depth_multiplier``.

    Each input channel gets its own ``depth_multiplier`` filters (Keras ``DepthwiseConv2D``,
    torch ``Conv2d(C, C * m, k, groups=C)``). Weights ``(C_in m, 1, *kernel)``, bias ``(C_in m,)``.

    Example: seed 000's 12x12x3 input, 5x5 filters: ``3 * 25`` weights, ``8 * 8 * 3 * 25 = 4800``
    multiply-adds.

    >>> DepthwiseConv(5, bias=False).parameters((3, 12, 12)), DepthwiseConv(5).multiply_adds((3, 12, 12))
    (75, 4800)
    """

    kernel_size: object
    depth_multiplier: Size = 1
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    bias: bool = True
    kind: ClassVar[str] = "DepthwiseConv"

    def _validate(self) -> None:
        _count(self.kind, "depth_multiplier", self.depth_multiplier)
        _flag(self.kind, "bias", self.bias)

    def as_conv(self, input_shape) -> Conv:
        """The :class:`Conv` this layer is for an input with ``input_shape[0]`` channels."""
        c_in = check_shape(self.kind, input_shape, spatial=True)[0]
        return Conv(
            c_in * self.depth_multiplier, self.kernel_size, self.stride, self.padding, self.dilation,
            groups=c_in, bias=self.bias,
        )

    def resolve(self, input_shape):
        return self.as_conv(input_shape).resolve(input_shape)

    def weights(self, input_shape):
        return self.as_conv(input_shape).weights(input_shape)

    def biases(self, input_shape):
        return self.as_conv(input_shape).biases(input_shape)

    def multiply_adds(self, input_shape):
        return self.as_conv(input_shape).multiply_adds(input_shape)


@dataclass(frozen=True)
class DepthwiseSeparable(Layer):
    """A depthwise correlation then a 1x1 one: ``convspec.depthwise_separable``.

    Depthwise weights ``(C_in m, 1, *kernel)`` (stride, padding and dilation apply here),
    pointwise weights ``(c_out, C_in m, 1, ..., 1)``, one bias ``(c_out,)`` after the
    pointwise stage (Keras ``SeparableConv2D``).

    * parameters: :func:`~convspec.spec.conv.depthwise_separable_parameter_count`;
    * multiply-adds: :func:`~convspec.spec.conv.depthwise_separable_multiply_adds`.

    Example: seed 000's 12x12x3 input to 256 channels, 5x5 filters: ``75 + 768 + 256 = 1099``
    parameters and ``4800 + 49152 = 53952`` multiply-adds, against 19456 and 1228800 for :class:`Conv`.

    >>> layer = DepthwiseSeparable(256, 5)
    >>> layer.output_shape((3, 12, 12)), layer.parameters((3, 12, 12)), layer.multiply_adds((3, 12, 12))
    ((256, 8, 8), 1099, 53952)
    """

    c_out: Size
    kernel_size: object
    depth_multiplier: Size = 1
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    bias: bool = True
    kind: ClassVar[str] = "DepthwiseSeparable"

    def _validate(self) -> None:
        _count(self.kind, "c_out", self.c_out)
        _count(self.kind, "depth_multiplier", self.depth_multiplier)
        _flag(self.kind, "bias", self.bias)

    def resolve(self, input_shape):
        depthwise = DepthwiseConv(self.kernel_size, self.depth_multiplier, self.stride, self.padding, self.dilation)
        r = depthwise.resolve(input_shape)
        return Resolved(r.in_channels, self.c_out, r.input_size, r.output_size, r.kernel, r.stride, r.dilation, r.pads)

    def weights(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.depthwise_separable_parameter_count(
            r.in_channels, self.c_out, r.kernel, self.depth_multiplier, bias=False))

    def biases(self, input_shape):
        self.resolve(input_shape)
        return self.c_out if self.bias else 0

    def parameters(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.depthwise_separable_parameter_count(
            r.in_channels, self.c_out, r.kernel, self.depth_multiplier, bias=self.bias))

    def multiply_adds(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_conv.depthwise_separable_multiply_adds(
            r.in_channels, self.c_out, r.kernel, r.output_size, self.depth_multiplier))


@dataclass(frozen=True)
class ConvTranspose(Layer):
    """A transposed convolution: ``convspec.conv_transpose``.

    Weights ``(C_in, c_out / groups, *kernel)``, bias ``(c_out,)``. ``padding`` is the
    forward convolution's (every conventions form, read as in
    :mod:`convspec.spec.conv_transpose`); ``output_padding`` appends cells high,
    ``0 <= a < max(stride, dilation)`` and 0 with the same modes.

    * output length: :func:`~convspec.spec.conv_transpose.conv_transpose_output_length`;
    * parameters: :func:`~convspec.spec.conv_transpose.conv_transpose_parameter_count`;
    * multiply-adds: :func:`~convspec.spec.conv_transpose.conv_transpose_multiply_adds`,
      the real products ``C_in prod(in) C_out/g prod(k)`` (not "output x kernel").

    Example: the DCGAN block, 64 -> 32 channels, 4x4, stride 2, padding 1 on 28x28:

    >>> layer = ConvTranspose(32, 4, stride=2, padding=1)
    >>> layer.output_shape((64, 28, 28)), layer.parameters((64, 28, 28))
    ((32, 56, 56), 32800)
    """

    c_out: Size
    kernel_size: object
    stride: object = 1
    padding: object = 0
    output_padding: object = 0
    dilation: object = 1
    groups: Size = 1
    bias: bool = True
    c_in: Size | None = None
    kind: ClassVar[str] = "ConvTranspose"

    def _validate(self) -> None:
        _check_grouped_channels(self)

    def resolve(self, input_shape) -> Resolved:
        c_in, sizes, rank, kernel, stride, dilation = _grouped_window(self, input_shape)
        output_padding = _per_axis(self.kind, "output_padding", self.output_padding, rank, minimum=0)
        padding = _padding(self.kind, self.padding, rank)
        for axis, (a, s, d) in enumerate(zip(output_padding, stride, dilation)):
            if not _symbolic(a, s, d) and a >= max(s, d):
                raise ValueError(
                    f"{self.kind}: output_padding must be smaller than max(stride, dilation) on every spatial dim; "
                    f"got output_padding={self.output_padding!r}, {a} on spatial dim {axis} where stride is {s} "
                    f"and dilation is {d}"
                )
        if padding in ("same", "same_lower") and any(a != 0 for a in output_padding):
            raise ValueError(
                f"{self.kind}: output_padding must be 0 with padding={padding!r}, got {self.output_padding!r}"
            )
        crops = _tconv.resolve_crop(padding, sizes, kernel, stride, dilation)
        out = tuple(
            _tconv.full_length(n, k, s, d) - lo - hi + a + extra
            for n, k, s, (lo, hi, extra), d, a in zip(sizes, kernel, stride, crops, dilation, output_padding)
        )
        for axis, length in enumerate(out):
            if not _symbolic(length) and length < 1:
                raise ValueError(
                    f"{self.kind}: the output would be empty along spatial dim {axis} (length {length}): "
                    f"padding={self.padding!r} crops more than the transposed convolution produces"
                )
        return Resolved(
            c_in, self.c_out, sizes, out, kernel, stride, dilation,
            pads=tuple((lo, hi) for lo, hi, _ in crops), extra=tuple(e for _, _, e in crops),
        )

    def weights(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_tconv.conv_transpose_parameter_count(r.in_channels, self.c_out, r.kernel, self.groups, bias=False))

    def biases(self, input_shape):
        self.resolve(input_shape)
        return self.c_out if self.bias else 0

    def parameters(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_tconv.conv_transpose_parameter_count(r.in_channels, self.c_out, r.kernel, self.groups, bias=self.bias))

    def multiply_adds(self, input_shape):
        r = self.resolve(input_shape)
        return tidy(_tconv.conv_transpose_multiply_adds(r.in_channels, self.c_out, r.kernel, r.input_size, self.groups))
