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

Where the code is
-----------------
The layer records are in :mod:`convspec.spec.conv_layers` (:class:`Conv`,
:class:`DepthwiseConv`, :class:`DepthwiseSeparable`, :class:`ConvTranspose`),
:mod:`convspec.spec.resampling_layers` (the pools, unpools and :class:`Upsample`) and
here (:class:`Flatten`, :class:`Dense`, :class:`Activation`); the checks and
normalisation of their arguments, the :class:`Layer` base class and the
:class:`Resolved` form are in :mod:`convspec.spec.layer_args`. Every one is importable
from here.

Example (seed 002's MNIST convnet, first layer)::

    >>> Conv(32, 3).output_shape((1, 28, 28))
    (32, 26, 26)
    >>> Conv(32, 3).parameters((1, 28, 28)), Conv(32, 3).multiply_adds((1, 28, 28))
    (320, 194688)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Sequence

import sympy

from .conv_layers import Conv, ConvTranspose, DepthwiseConv, DepthwiseSeparable
from .layer_args import (  # noqa: F401  (check_shape, tidy, Resolved, Layer, Size, Shape, _any_symbolic: re-exported)
    Layer,
    Resolved,
    Shape,
    Size,
    _any_symbolic,
    _count,
    _flag,
    _symbolic,
    check_shape,
    tidy,
)
from .resampling_layers import (
    AvgPool,
    AvgUnpool,
    FirstUnpool,
    GlobalAvgPool,
    GlobalMaxPool,
    MaxPool,
    MaxUnpool,
    Upsample,
)


def size_symbol(name: str) -> sympy.Symbol:
    """A symbolic size: a positive integer symbol. ``size_symbol("n")`` is seed 001's ``n``."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"size_symbol: name must be a non-empty str such as 'n', got {name!r} of type {type(name).__name__}")
    return sympy.Symbol(name, integer=True, positive=True)


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
