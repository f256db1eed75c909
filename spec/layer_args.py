"""The arguments of a layer record: checked, normalised, and resolved for one input shape.

The layer records (:mod:`convspec.spec.layers`, :mod:`convspec.spec.conv_layers`,
:mod:`convspec.spec.resampling_layers`) take their hyperparameters as ints or sympy
integer expressions. The helpers here check them with :mod:`convspec.spec.conventions`'
rules when they are numbers and extend those rules to symbols (a sympy size is accepted
unless it is known to be too small); :class:`Resolved` is what a layer's arguments come
to on one input shape, one entry per spatial axis; :class:`Layer` is the base class of
the records, whose counts read it. Bad arguments raise ``ValueError``/``TypeError``
naming the layer, the argument, the value and the rule.

A shape is ``(C, *spatial)`` without the batch axis, or ``(features,)`` after a flatten.

Example::

    >>> check_shape("Conv", (1, 28, 28), spatial=True)
    (1, 28, 28)
    >>> _per_axis("Conv", "stride", 2, 2), _padding("Conv", 1, 2)
    ((2, 2), ((1, 1), (1, 1)))
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar, Union

import sympy

from .conventions import check_flag, check_size, check_windows_fit, int_per_axis, normalize_padding
from .symbolic import is_symbolic

Size = Union[int, sympy.Expr]
Shape = tuple  # tuple[Size, ...]


# ---------------------------------------------------------------------------------------
# Checking and normalising arguments
# ---------------------------------------------------------------------------------------


def _symbolic(*values: object) -> bool:
    return is_symbolic(*values)  # a spec symbol not made yet counts (convspec.spec.symbolic)


def _any_symbolic(value: object) -> bool:
    if isinstance(value, (tuple, list)):
        return any(_any_symbolic(v) for v in value)
    return is_symbolic(value)


def tidy(value):
    """A sympy number as a Python ``int`` when it is an integer; anything else unchanged."""
    if is_symbolic(value) and value.is_Integer:
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
