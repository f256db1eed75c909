"""Layers of a sequential stack: output shape, parameter count and multiply-add count.

Each class is a small frozen record of one layer's hyperparameters, for every kind of
layer convspec implements. Given the shape of one sample, it answers with the closed
forms of :mod:`convspec.spec.conv`, :mod:`~convspec.spec.conv_transpose`,
:mod:`~convspec.spec.pool`, :mod:`~convspec.spec.unpool` and :mod:`~convspec.spec.upsample`
(nothing is re-derived here)::

    layer.output_shape(shape)    # the next layer's input shape
    layer.weights(shape)         # weight entries
    layer.biases(shape)          # bias entries
    layer.parameters(shape)      # weights + biases
    layer.multiply_adds(shape)   # per sample

Shapes
------
A shape is ``(C, *spatial)``: channels, then the spatial axes, **without the batch
axis** (as Keras' ``model.summary()`` leaves it out), channels first (convspec's and
torch's layout; Keras prints channels last). After :class:`Flatten` a shape is
``(features,)``. Every size is an ``int`` or a sympy expression: with symbols in the
input shape the answers are sympy expressions, with ints they are ints (the same code
is the formula and the evaluator). Use :func:`size_symbol` for a symbolic size.

Hyperparameters (``c_out``, ``kernel_size``, strides, dilations, padding sizes, ``units``)
are ints, or sympy integer expressions where a formula allows it; padding modes and
flags are as in :mod:`convspec.spec.conventions`. A per-axis argument is one value or
one value per spatial axis. Rules that need numbers (divisibility by ``groups``, a
window fitting its input) are checked when the numbers are ints and assumed otherwise.

What the counts count
---------------------
* parameters: the entries of the weight and bias arrays the operation takes
  (``convspec.reference``'s signatures); pooling, unpooling, upsampling, flattening and
  activations have none;
* multiply-adds: products of an input value and a weight (or interpolation weight),
  per sample, every kernel tap of every window, padded taps included (the dense count
  frameworks report; :func:`convspec.spec.conv.conv_multiply_adds`). A transposed
  convolution counts its real products, input x kernel
  (:func:`convspec.spec.conv_transpose.conv_transpose_multiply_adds`). Comparisons
  (max pooling), additions and divisions (average pooling, average unpooling),
  copies (unpooling, nearest upsampling), bias additions and activation
  functions are not multiply-adds and count 0.

Example (seed 002's MNIST convnet, first layer)::

    >>> Conv(32, 3).output_shape((1, 28, 28))
    (32, 26, 26)
    >>> Conv(32, 3).parameters((1, 28, 28)), Conv(32, 3).multiply_adds((1, 28, 28))
    (320, 194688)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import ClassVar, Sequence, Union

import sympy

from . import conv as _conv
from . import conv_transpose as _tconv
from . import pool as _pool
from . import unpool as _unpool
from . import upsample as _upsample
from .conventions import check_flag, check_size, check_windows_fit, int_per_axis, normalize_padding

Size = Union[int, sympy.Expr]
Shape = tuple  # tuple[Size, ...]


def size_symbol(name: str) -> sympy.Symbol:
    """A symbolic size: a positive integer symbol. ``size_symbol("n")`` is seed 001's ``n``."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"size_symbol: name must be a non-empty str such as 'n', got {name!r} of type {type(name).__name__}")
    return sympy.Symbol(name, integer=True, positive=True)


# ---------------------------------------------------------------------------------------
# Checking and normalising arguments
# ---------------------------------------------------------------------------------------


def _symbolic(*values: object) -> bool:
    return any(isinstance(v, sympy.Basic) for v in values)


def _any_symbolic(value: object) -> bool:
    if isinstance(value, (tuple, list)):
        return any(_any_symbolic(v) for v in value)
    return isinstance(value, sympy.Basic)


def tidy(value):
    """A sympy number as a Python ``int`` when it is an integer; anything else unchanged."""
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return int(value)
    return value


def _count(layer: str, name: str, value: object, minimum: int = 1):
    """An int >= ``minimum`` or a sympy integer expression not known to be smaller (conventions' ``check_size``)."""
    return tidy(check_size(layer, name, value, minimum=minimum))


def _per_axis(layer: str, name: str, value: object, rank: int, minimum: int = 1) -> tuple:
    """One value per spatial axis (conventions' ``int_per_axis``, extended to sympy sizes)."""
    if not _any_symbolic(value):
        return int_per_axis(layer, name, value, rank, minimum=minimum)
    if isinstance(value, (tuple, list)):
        if len(value) != rank:
            raise ValueError(
                f"{layer}: {name} has {len(value)} entries {tuple(value)!r} but the input has {rank} "
                "spatial dim(s); give one value, or one per spatial dim"
            )
        return tuple(_count(layer, name, v, minimum) for v in value)
    return (_count(layer, name, value, minimum),) * rank


def _padding(layer: str, padding: object, rank: int):
    """A mode string or one ``(lo, hi)`` per axis (conventions' ``normalize_padding``, extended to sympy)."""
    if not _any_symbolic(padding):
        return normalize_padding(layer, padding, rank)
    if isinstance(padding, (tuple, list)):
        if len(padding) != rank:
            raise ValueError(
                f"{layer}: padding has {len(padding)} entries {tuple(padding)!r} but the input has {rank} "
                "spatial dim(s); give one size or one (lo, hi) pair per spatial dim"
            )
        pairs = []
        for entry in padding:
            if isinstance(entry, (tuple, list)):
                if len(entry) != 2:
                    raise ValueError(f"{layer}: padding entry {tuple(entry)!r} must be a size or a (lo, hi) pair")
                pairs.append((_count(layer, "padding", entry[0], 0), _count(layer, "padding", entry[1], 0)))
            else:
                p = _count(layer, "padding", entry, 0)
                pairs.append((p, p))
        return tuple(pairs)
    p = _count(layer, "padding", padding, 0)
    return ((p, p),) * rank


def _flag(layer: str, name: str, value: object) -> bool:
    """A bool flag (conventions' ``check_flag``: numpy bools count)."""
    return check_flag(layer, name, value)


def _frozen(value):
    """Lists (e.g. from JSON) as tuples, so that layers stay hashable."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def check_shape(layer: str, shape: object, *, spatial: bool) -> tuple:
    """``shape`` as a tuple of sizes: ``(C, *spatial)`` with at least one spatial axis, or ``(features,)``."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(
            f"{layer}: the input shape must be a tuple of sizes (C, *spatial) without the batch axis, "
            f"got {shape!r} of type {type(shape).__name__}"
        )
    sizes = tuple(_count(layer, "input shape entry", v) for v in shape)
    if spatial and len(sizes) < 2:
        raise ValueError(
            f"{layer}: the input shape must be (C, *spatial) with at least one spatial axis (no batch axis), "
            f"got {sizes!r}" + ("; put this layer before Flatten" if len(sizes) == 1 else "")
        )
    if not sizes:
        raise ValueError(f"{layer}: the input shape must not be empty")
    return sizes


def _check_divides(layer: str, groups, channels, which: str) -> None:
    if not _symbolic(groups, channels) and channels % groups:
        raise ValueError(f"{layer}: groups={groups} must divide the {which} channels {channels}")


def _check_fits(layer: str, sizes, kernel, pads, dilation) -> None:
    if not _any_symbolic((sizes, kernel, pads, dilation)):
        check_windows_fit(layer, sizes, kernel, pads, dilation)


def _check_c_in(layer: str, declared, actual) -> None:
    if declared is not None and not _symbolic(declared, actual) and declared != actual:
        raise ValueError(
            f"{layer}: the layer was declared with c_in={declared} but its input has {actual} channels"
        )


@dataclass(frozen=True)
class Resolved:
    """A layer's arguments resolved for one input shape (one entry per spatial axis).

    ``pads`` are the ``(lo, hi)`` a padding form resolves to (for a transposed
    convolution: the cropping; ``extra`` then holds the zero cells appended high).
    """

    in_channels: Size
    out_channels: Size
    input_size: tuple
    output_size: tuple
    kernel: tuple = ()
    stride: tuple = ()
    dilation: tuple = ()
    pads: tuple = ()
    extra: tuple = ()


# ---------------------------------------------------------------------------------------
# The layers
# ---------------------------------------------------------------------------------------


class Layer:
    """Base class: the counts of a layer without parameters or multiply-adds.

    Subclasses define :meth:`resolve` (arguments for one input shape) and override the
    counts they have. ``kind`` is the display name used by :mod:`convspec.spec.summary`.
    """

    kind: ClassVar[str] = "Layer"
    spatial: ClassVar[bool] = True  # whether the input must have spatial axes

    def resolve(self, input_shape) -> Resolved:
        raise NotImplementedError

    def output_shape(self, input_shape) -> tuple:
        resolved = self.resolve(input_shape)
        return (tidy(resolved.out_channels), *map(tidy, resolved.output_size))

    def weights(self, input_shape) -> Size:
        self.resolve(input_shape)
        return 0

    def biases(self, input_shape) -> Size:
        self.resolve(input_shape)
        return 0

    def parameters(self, input_shape) -> Size:
        """Weights plus biases."""
        return tidy(self.weights(input_shape) + self.biases(input_shape))

    def multiply_adds(self, input_shape) -> Size:
        self.resolve(input_shape)
        return 0

    def __post_init__(self) -> None:
        for field in fields(self):
            object.__setattr__(self, field.name, _frozen(getattr(self, field.name)))
        self._validate()

    def _validate(self) -> None:
        """Checks that need no input shape (rank-dependent ones wait for :meth:`resolve`)."""


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


@dataclass(frozen=True)
class Flatten(Layer):
    """``(C, *spatial) -> (C * prod(spatial),)``, channels-first order (torch ``nn.Flatten``).

    Keras flattens channels-last tensors, so its feature *order* differs; the length does not.

    >>> Flatten().output_shape((64, 3, 3))
    (576,)
    """

    kind: ClassVar[str] = "Flatten"
    spatial: ClassVar[bool] = False

    def resolve(self, input_shape):
        shape = check_shape(self.kind, input_shape, spatial=False)
        features = sympy.Mul(*shape) if _symbolic(*shape) else math.prod(shape)
        return Resolved(features, features, (), ())


@dataclass(frozen=True)
class Dense(Layer):
    """A fully connected layer on a flat input ``(features,)``: ``y = W x + b``.

    Weights ``(units, features)``, bias ``(units,)``; multiply-adds ``features * units``.
    convspec's Dense acts on a flattened vector: put a :class:`Flatten` before it.

    Example: seed 002's ``Dense(64)`` after ``Flatten`` of 3x3x64: ``576 * 64 + 64 = 36928``.

    >>> Dense(64).parameters((576,)), Dense(64).multiply_adds((576,))
    (36928, 36864)
    """

    units: Size
    bias: bool = True
    in_features: Size | None = None
    kind: ClassVar[str] = "Dense"
    spatial: ClassVar[bool] = False

    def _validate(self) -> None:
        _count(self.kind, "units", self.units)
        _flag(self.kind, "bias", self.bias)
        if self.in_features is not None:
            _count(self.kind, "in_features", self.in_features)

    def resolve(self, input_shape):
        shape = check_shape(self.kind, input_shape, spatial=False)
        if len(shape) != 1:
            raise ValueError(
                f"{self.kind}: the input must be flat, (features,), got shape {shape!r}; put a Flatten before Dense"
            )
        if self.in_features is not None and not _symbolic(self.in_features, shape[0]) and self.in_features != shape[0]:
            raise ValueError(
                f"{self.kind}: the layer was declared with in_features={self.in_features} but its input has "
                f"{shape[0]} features"
            )
        return Resolved(shape[0], self.units, (), ())

    def output_shape(self, input_shape):
        self.resolve(input_shape)
        return (self.units,)

    def weights(self, input_shape):
        return tidy(self.resolve(input_shape).in_channels * self.units)

    def biases(self, input_shape):
        self.resolve(input_shape)
        return self.units if self.bias else 0

    def multiply_adds(self, input_shape):
        return tidy(self.resolve(input_shape).in_channels * self.units)


@dataclass(frozen=True)
class Activation(Layer):
    """An element-wise function (``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"softmax"``, ...): shape kept,
    no parameters, 0 multiply-adds (function evaluations are not counted).

    >>> Activation("relu").output_shape((8, 8, 5)), Activation("sigmoid").parameters((8, 8, 5))
    ((8, 8, 5), 0)
    """

    name: str = "relu"
    kind: ClassVar[str] = "Activation"
    spatial: ClassVar[bool] = False

    def _validate(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"{self.kind}: name must be a non-empty str such as 'relu', got {self.name!r}")

    def resolve(self, input_shape):
        shape = check_shape(self.kind, input_shape, spatial=False)
        return Resolved(shape[0], shape[0], shape[1:], shape[1:])


LAYER_TYPES: dict[str, type[Layer]] = {
    "conv": Conv,
    "depthwise_conv": DepthwiseConv,
    "depthwise_separable": DepthwiseSeparable,
    "conv_transpose": ConvTranspose,
    "max_pool": MaxPool,
    "avg_pool": AvgPool,
    "global_max_pool": GlobalMaxPool,
    "global_avg_pool": GlobalAvgPool,
    "max_unpool": MaxUnpool,
    "avg_unpool": AvgUnpool,
    "first_unpool": FirstUnpool,
    "upsample": Upsample,
    "flatten": Flatten,
    "dense": Dense,
    "activation": Activation,
}
"""The layer kinds by the ``type`` name a layer file uses (:func:`convspec.spec.summary.layers_from_file`)."""


def _check_layers(op: str, layers: object) -> None:
    if not isinstance(layers, (tuple, list)):
        raise TypeError(f"{op}: layers must be a list of convspec.spec.layers layers, got {type(layers).__name__}")
    for index, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"{op}: layers[{index}] must be a convspec.spec.layers layer, got {layer!r}")


def shapes(layers: Sequence[Layer], input_shape) -> list[tuple]:
    """The shape after each layer, in order (the input shape not included).

    >>> shapes([Conv(32, 3), MaxPool(2), Flatten()], (1, 28, 28))
    [(32, 26, 26), (32, 13, 13), (5408,)]
    """
    _check_layers("shapes", layers)
    result, shape = [], tuple(input_shape)
    for layer in layers:
        shape = layer.output_shape(shape)
        result.append(shape)
    return result
