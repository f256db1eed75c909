"""Receptive fields of a sequential stack: size, jump and start, per spatial axis.

Definitions (one spatial axis; input cell ``i`` has its centre at coordinate ``i``)
----------------------------------------------------------------------------------
* The receptive field of a unit is the set of input cells whose values can change
  the unit's value (seed 000: "the area of the input that is used by a particular
  neuron"; seed 004: a unit's "patch").
* ``r``, the **size**: the length, in input cells, of the field's hull.
* ``j``, the **jump**: how many input cells apart neighbouring units of a layer are
  (the product of the strides so far: the layer's effective stride).
* ``start``: the centre of unit 0's field, in input coordinates. Unit ``u``'s hull is
  ``[start + u j - (r - 1)/2, start + u j + (r - 1)/2]`` (:meth:`AxisField.interval`).

A layer acts on one axis as a *window* (:class:`Window`): ``span`` (the reach of its
taps in its own input's units, ``d (k - 1) + 1``), ``stride`` and ``offset`` (the
padding before window 0, ``p_lo``). From ``r = 1, j = 1, start = 0`` at the input,
each layer gives (the standard recurrences: Araujo, Norris & Sim, "Computing
receptive fields of convolutional neural networks", Distill 2019;
google-research/receptive_field)::

    r_out     = r_in + (span - 1) j_in                       next_size
    j_out     = j_in * stride                                next_jump
    start_out = start_in + ((span - 1)/2 - offset) j_in      next_start

Summed: ``r_L = 1 + sum_l (span_l - 1) prod_{i<l} stride_i`` (:func:`stack_size`).

What each kind of layer is as a window
--------------------------------------
* ``Conv``, ``DepthwiseConv``, ``DepthwiseSeparable`` (its 1x1 stage adds nothing),
  ``MaxPool`` (with dilation), ``AvgPool``: their window, padding resolved
  (``"same"`` etc. per :mod:`convspec.spec.conventions`). ``ceil_mode`` adds a unit at
  the end and moves none.
* ``GlobalMaxPool``/``GlobalAvgPool``: one window over the whole map, ``span = n``.
* ``Activation``: every unit sees its own input unit: nothing changes.
* ``Flatten`` keeps each unit's field (the jump and start still refer to the spatial
  layout before flattening); ``Dense`` after it sees every unit: a global window over
  the flattened map, with jump 0 (all its units share that one field). Later ``Dense``
  layers keep it.
* Fractional strides -- ``ConvTranspose``, the unpools and nearest ``Upsample`` by an
  integer factor. **Convention**: a transposed convolution with kernel ``k``, stride
  ``s``, dilation ``d``, cropping ``p_lo`` is the window ``span = d (k - 1)/s + 1``,
  ``stride = 1/s``, ``offset = (d (k - 1) - p_lo)/s``. Why: it *is* a stride-1
  correlation over its input with ``s - 1`` zeros inserted between cells and
  ``d (k - 1) - p_lo`` zeros padded low (conv_arithmetic's equivalence); measured in
  the real input's cells, that correlation's taps are ``1/s`` apart. The hull of
  output ``o`` is then exactly the real interval ``[(o + p_lo - d(k-1))/s, (o + p_lo)/s]``
  of the inputs whose scattered copies can land on ``o``, and the recurrences compose
  it with the layers around it unchanged. ``r`` and ``start`` may be fractions; a
  unit's field is contained in the integer points of its hull (exactly those for one
  layer with ``d = 1``; fewer with dilation, and none for the outputs that
  ``k_eff < s`` leaves without input). ``AvgUnpool``/``MaxUnpool`` are the transposed
  convolution with their pooling's ``k, s, p_lo`` (for max unpooling: the block its
  switch may point into, which is where a max pool's indices point); ``FirstUnpool``
  the one with ``k = 1``; nearest upsampling by an integer ``sigma`` the one with
  ``k = s = sigma`` (output ``t`` reads ``floor(t / sigma)`` for both nearest modes).
* Linear upsampling and nearest upsampling by a non-integer factor have **no
  recurrence form**: which input cells an output reads (one or two, clamped at the
  border, the ones with weight 0 not counted) follows ``floor`` of an affine map that no
  fixed window describes. :func:`layer_windows` raises :class:`NoRecurrenceForm`;
  :func:`exact_receptive_field` still gives their exact fields.

Hull and exact field
--------------------
The recurrences give the hull. The exact field of a unit (:func:`exact_receptive_field`,
enumerated backwards tap by tap) is contained in ``hull ∩ [0, n)``, and equals it when

1. the stack is *gap-free* (:func:`is_gap_free`): integer strides, and in every layer
   neighbouring taps' fields touch, ``tap_step * j_in <= r_in`` (a dilated first
   layer, or a stride larger than the next layer's field, leaves holes), and
2. none of the unit's taps, below the last layer, falls on the padding (or past the
   end) of an *intermediate* map (:attr:`ExactField.through_padding`); the input's own
   padding only clips the hull. (A padded intermediate unit would extend the hull
   over input cells that reach the unit through no real path.)

Example: seed 003's three 3x3 convolutions see 7x7 (``1 + 3 * 2``); dilations 1, 2, 4
with 3x3 kernels see 15x15 (``2^4 - 1``, exponential growth, seed 003).

>>> receptive_fields([L.Conv(64, 3)] * 3, (1, 28, 28))[-1][0]
AxisField(size=7, jump=1, start=3)
>>> receptive_fields([L.Conv(1, 3, dilation=2 ** i) for i in range(3)], (1, 32))[-1][0].size
15
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import sympy

from . import layers as L
from . import upsample as _upsample
from .conventions import check_number, check_size
from .layers import tidy

n, k, s = sympy.symbols("n k s", integer=True, positive=True)


class NoRecurrenceForm(ValueError):
    """A layer's receptive field is not a fixed window (see the module notes)."""


# ---------------------------------------------------------------------------------------
# The recurrences and their closed forms
# ---------------------------------------------------------------------------------------


def _exact(op: str, name: str, value, *, minimum=None, strict: bool = False):
    """An exact number (int, ``Fraction``, sympy; not a float or a bool), finite, bounded below when asked."""
    if not isinstance(value, (sympy.Basic, Fraction)) and not hasattr(value, "__index__") or isinstance(value, bool):
        raise TypeError(
            f"{op}: {name} must be an exact number (an int, a fractions.Fraction or a sympy expression), "
            f"got {value!r} of type {type(value).__name__}"
        )
    return check_number(op, name, value, minimum=minimum, strict=strict)


def _q(value):
    """An exact number: sympy (Integer, Rational or expression)."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(value)


def next_size(r, span, j):
    """``r_out = r_in + (span - 1) j_in``: the new taps reach ``span - 1`` input units further.

    >>> next_size(3, 3, 1)
    5
    """
    r, span, j = _exact("next_size", "r", r, minimum=0, strict=True), _exact("next_size", "span", span, minimum=1), \
        _exact("next_size", "j", j, minimum=0)
    return tidy(_q(r) + (_q(span) - 1) * _q(j))


def next_jump(j, stride):
    """``j_out = j_in * stride``.

    >>> next_jump(2, 2)
    4
    """
    j, stride = _exact("next_jump", "j", j, minimum=0), _exact("next_jump", "stride", stride, minimum=0)
    return tidy(_q(j) * _q(stride))


def next_start(start, span, offset, j):
    """``start_out = start_in + ((span - 1)/2 - offset) j_in``: window 0's centre, ``(span - 1)/2``
    taps after its first tap, which sits ``offset`` (padding) before unit 0.

    >>> next_start(0, 3, 1, 1), next_start(0, 2, 0, 1)
    (0, 1/2)
    """
    start, offset = _exact("next_start", "start", start), _exact("next_start", "offset", offset)
    span, j = _exact("next_start", "span", span, minimum=1), _exact("next_start", "j", j, minimum=0)
    return tidy(_q(start) + ((_q(span) - 1) / 2 - _q(offset)) * _q(j))


def _stack(op: str, spans, strides, offsets=None):
    """Per-layer spans (>= 1), strides (>= 0) and offsets, sequences of one length."""
    named = [("spans", spans, 1), ("strides", strides, 0)] + ([] if offsets is None else [("offsets", offsets, None)])
    for name, values, _ in named:
        if not isinstance(values, (tuple, list)):
            raise TypeError(f"{op}: {name} must be a tuple or list (one entry per layer), got {values!r}")
    if len({len(values) for _, values, _ in named}) != 1:
        raise ValueError(f"{op}: " + ", ".join(f"{name} has {len(values)}" for name, values, _ in named)
                         + " entries; give one per layer")
    return tuple(tuple(_exact(op, name, v, minimum=minimum) for v in values) for name, values, minimum in named)


def stack_size(spans: Sequence, strides: Sequence):
    """``1 + sum_l (span_l - 1) prod_{i<l} stride_i``: the recurrence for ``r``, summed.

    >>> stack_size((3, 3, 3), (1, 1, 1)), stack_size((2, 2), (2, 2))
    (7, 4)
    """
    spans, strides = _stack("stack_size", spans, strides)
    total, jump = sympy.Integer(1), sympy.Integer(1)
    for span, stride in zip(spans, strides):
        total += (_q(span) - 1) * jump
        jump *= _q(stride)
    return tidy(total)


def stack_start(spans: Sequence, strides: Sequence, offsets: Sequence):
    """``sum_l ((span_l - 1)/2 - offset_l) prod_{i<l} stride_i``: the recurrence for ``start``, summed.

    >>> stack_start((3, 3), (1, 1), (1, 1)), stack_start((2,), (2,), (0,))
    (0, 1/2)
    """
    spans, strides, offsets = _stack("stack_start", spans, strides, offsets)
    total, jump = sympy.Integer(0), sympy.Integer(1)
    for span, stride, offset in zip(spans, strides, offsets):
        total += ((_q(span) - 1) / 2 - _q(offset)) * jump
        jump *= _q(stride)
    return tidy(total)


def uniform_stack_size(n=n, k=k):
    """``n`` layers ``k x k``, stride 1: ``1 + n (k - 1)``. Seed 001: ``k = 3`` gives ``2n + 1``,
    its homework ``k = 5`` gives ``4n + 1``; seed 003: three 3x3 layers see 7x7.

    >>> uniform_stack_size(3, 3), uniform_stack_size(3, 5)
    (7, 13)
    """
    n, k = check_size("uniform_stack_size", "n", n, minimum=0), check_size("uniform_stack_size", "k", k)
    return 1 + n * (k - 1)


def strided_stack_size(n=n, k=k, s=s):
    """``n`` layers of kernel ``k`` and stride ``s >= 2``: ``1 + (k - 1)(s^n - 1)/(s - 1)``; jump ``s^n``.

    >>> strided_stack_size(2, 2, 2), strided_stack_size(3, 3, 2)
    (4, 15)
    """
    n, k = check_size("strided_stack_size", "n", n, minimum=0), check_size("strided_stack_size", "k", k)
    s = check_size("strided_stack_size", "s", s, minimum=2)
    value = 1 + (k - 1) * (s**n - 1) / (s - 1)
    return value if isinstance(value, sympy.Basic) else int(value)


def dilated_stack_size(n=n, k=k):
    """``n`` stride-1 layers of kernel ``k`` with dilations ``1, 2, 4, ..., 2^(n-1)``:
    ``1 + (k - 1)(2^n - 1)``; for ``k = 3``, ``2^(n+1) - 1`` (exponential in depth, seed 003).

    >>> dilated_stack_size(3, 3), dilated_stack_size(4, 3)
    (15, 31)
    """
    n, k = check_size("dilated_stack_size", "n", n, minimum=0), check_size("dilated_stack_size", "k", k)
    return 1 + (k - 1) * (2**n - 1)


# ---------------------------------------------------------------------------------------
# Layers as windows
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What a layer does along one axis: ``span``, ``stride``, ``offset`` (padding before window 0),
    in units of the layer's input; ``tap`` is the distance between taps (the dilation),
    ``None`` for the fractional-stride layers."""

    span: object
    stride: object
    offset: object
    tap: object = 1


@dataclass(frozen=True)
class AxisField:
    """One axis of a layer's receptive field: ``size`` r, ``jump`` j, ``start`` (see the module notes)."""

    size: object
    jump: object
    start: object

    def interval(self, unit):
        """``(lo, hi)``: unit ``unit``'s hull, ``start + unit j -/+ (size - 1)/2``, in input coordinates.

        >>> AxisField(7, 1, 3).interval(0), AxisField(4, 2, sympy.Rational(3, 2)).interval(1)
        ((0, 6), (2, 5))
        """
        centre = _q(self.start) + _q(unit) * _q(self.jump)
        half = (_q(self.size) - 1) / 2
        return tidy(centre - half), tidy(centre + half)

    def cells(self, unit: int, length: int) -> tuple[int, ...]:
        """The input cells in unit ``unit``'s hull, clipped to an input of ``length`` cells."""
        lo, hi = self.interval(unit)
        first, last = max(int(sympy.ceiling(lo)), 0), min(int(sympy.floor(hi)), length - 1)
        return tuple(range(first, last + 1))


INPUT_FIELD = AxisField(1, 1, 0)


def _transposed(k, stride, d, p_lo) -> Window:
    reach = _q(d) * (_q(k) - 1)
    return Window(tidy(reach / _q(stride) + 1), tidy(1 / _q(stride)), tidy((reach - _q(p_lo)) / _q(stride)), None)


_WINDOWED = (L.Conv, L.DepthwiseConv, L.DepthwiseSeparable, L.MaxPool, L.AvgPool, L.GlobalMaxPool)


def _check_layer(op: str, layer: object, where: str = "layer") -> None:
    if not isinstance(layer, L.Layer):
        raise TypeError(f"{op}: {where} must be a convspec.spec.layers layer, got {layer!r} of type {type(layer).__name__}")


def _check_stack(op: str, layers: object) -> list:
    if not isinstance(layers, (tuple, list)):
        raise TypeError(f"{op}: layers must be a list of convspec.spec.layers layers, got {type(layers).__name__}")
    for index, layer in enumerate(layers):
        _check_layer(op, layer, f"layers[{index}]")
    return list(layers)


def layer_windows(layer: L.Layer, input_shape) -> tuple[Window, ...] | None:
    """One :class:`Window` per spatial axis, or ``None`` for a layer that keeps every unit's field.

    Raises :class:`NoRecurrenceForm` for linear upsampling and nearest upsampling by a
    non-integer factor, ``ValueError`` for layers without spatial axes (``Flatten``,
    ``Dense``: see :func:`receptive_fields`).

    >>> layer_windows(L.MaxPool(2), (1, 4, 4))
    (Window(span=2, stride=2, offset=0, tap=1), Window(span=2, stride=2, offset=0, tap=1))
    >>> layer_windows(L.ConvTranspose(1, 3, stride=2), (1, 4))
    (Window(span=2, stride=1/2, offset=1, tap=None),)
    """
    _check_layer("layer_windows", layer)
    if isinstance(layer, L.Activation):
        layer.resolve(input_shape)
        return None
    if isinstance(layer, (L.Flatten, L.Dense)):
        raise ValueError(f"{layer.kind} has no spatial axes: it is no window; receptive_fields handles it")
    r = layer.resolve(input_shape)
    if isinstance(layer, _WINDOWED):
        return tuple(
            Window(tidy(_q(d) * (_q(k_) - 1) + 1), st, lo, d)
            for k_, st, d, (lo, _) in zip(r.kernel, r.stride, r.dilation, r.pads)
        )
    if isinstance(layer, L.ConvTranspose):
        return tuple(_transposed(k_, st, d, lo) for k_, st, d, (lo, _) in zip(r.kernel, r.stride, r.dilation, r.pads))
    if isinstance(layer, L.FirstUnpool):
        return tuple(_transposed(1, st, 1, 0) for st in r.stride)
    if isinstance(layer, (L.MaxUnpool, L.AvgUnpool)):
        return tuple(_transposed(k_, st, 1, lo) for k_, st, (lo, _) in zip(r.kernel, r.stride, r.pads))
    if isinstance(layer, L.Upsample):
        return tuple(_transposed(sigma, sigma, 1, 0) for sigma in _integer_scale(layer, r))
    raise TypeError(f"layer_windows: no receptive-field rule for {type(layer).__name__}")


def _integer_scale(layer: L.Upsample, r: L.Resolved) -> tuple[int, ...]:
    sigmas = layer.scale_factors(len(r.input_size))
    if sigmas is None and not L._any_symbolic((r.input_size, r.output_size)):
        sigmas = tuple(Fraction(o, n_) for n_, o in zip(r.input_size, r.output_size))
    if layer.mode not in _upsample.NEAREST_MODES or sigmas is None or any(v.denominator != 1 for v in sigmas):
        raise NoRecurrenceForm(
            f"Upsample(mode={layer.mode!r}, scale_factor={layer.scale_factor!r}, size={layer.size!r}) has no "
            "receptive field in the recurrence form: only nearest upsampling by an integer factor is a fixed "
            "window (a transposed convolution with k = s = factor); linear modes read one or two cells, "
            "clamped at the border, chosen by floor of an affine map. Use exact_receptive_field for its fields."
        )
    return tuple(int(v) for v in sigmas)


def apply_window(field: AxisField, window: Window) -> AxisField:
    """The three recurrences for one axis.

    >>> apply_window(INPUT_FIELD, Window(3, 1, 1))
    AxisField(size=3, jump=1, start=0)
    """
    if not isinstance(field, AxisField) or not isinstance(window, Window):
        raise TypeError(f"apply_window: field must be an AxisField and window a Window, got {field!r} and {window!r}")
    return AxisField(
        next_size(field.size, window.span, field.jump),
        next_jump(field.jump, window.stride),
        next_start(field.start, window.span, window.offset, field.jump),
    )


def receptive_fields(layers: Sequence[L.Layer], input_shape, *, strict: bool = True) -> list:
    """Each layer's receptive field, one :class:`AxisField` per spatial axis of the input.

    Symbolic input sizes are allowed (the fields of ``"same"`` padding and global pools
    then depend on them). A flat input has no spatial axes: its fields are ``()``.
    A layer without a recurrence form raises :class:`NoRecurrenceForm`; with
    ``strict=False`` its entry and every later one are ``None`` instead.

    >>> stack = [L.Conv(32, 3), L.MaxPool(2), L.Conv(64, 3), L.MaxPool(2)]
    >>> [field[0].size for field in receptive_fields(stack, (1, 28, 28))]
    [3, 4, 8, 10]
    """
    layers = _check_stack("receptive_fields", layers)
    shape = tuple(input_shape)
    fields = (INPUT_FIELD,) * (len(shape) - 1)
    flattened = None  # (fields, spatial sizes) where a Flatten dropped the spatial axes
    result = []
    for layer in layers:
        if fields is None:
            pass
        elif isinstance(layer, L.Flatten):
            if flattened is None and len(shape) > 1:
                flattened = (fields, shape[1:])
        elif isinstance(layer, L.Dense):
            if flattened is not None:
                before, sizes = flattened
                # one window over the whole flattened map; stride 0: every unit has that same field
                fields = tuple(apply_window(f, Window(size, 0, 0)) for f, size in zip(before, sizes))
                flattened = (fields, (1,) * len(sizes))  # a later Dense sees one position
        else:
            try:
                windows = layer_windows(layer, shape)
            except NoRecurrenceForm:
                if strict:
                    raise
                fields = windows = None
            if windows is not None:
                fields = tuple(apply_window(f, w) for f, w in zip(fields, windows))
        shape = layer.output_shape(shape)
        result.append(fields)
    return result


def is_gap_free(layers: Sequence[L.Layer], input_shape) -> bool:
    """Condition 1 of the module notes: integer strides and ``tap * j_in <= r_in`` in every layer, every axis.

    A dilated first layer has gaps (its taps are ``d`` cells apart and each sees one cell);
    so has kernel 1 with stride 2 followed by kernel 2 (the second layer's taps are 2 cells
    apart, each seeing one). A fractional-stride layer makes the answer ``False`` (not claimed).

    >>> is_gap_free([L.Conv(1, 3), L.Conv(1, 3, dilation=2)], (1, 20))
    True
    >>> is_gap_free([L.Conv(1, 3, dilation=2)], (1, 20)), is_gap_free([L.Conv(1, 1, stride=2), L.Conv(1, 2)], (1, 20))
    (False, False)
    """
    layers = _check_stack("is_gap_free", layers)
    shape = tuple(input_shape)
    fields = (INPUT_FIELD,) * (len(shape) - 1)
    for layer in layers:
        if isinstance(layer, (L.Flatten, L.Dense)):
            raise ValueError(f"is_gap_free: {layer.kind} has no spatial axes; give the spatial part of the stack")
        windows = layer_windows(layer, shape)
        if windows is not None:
            for field, window in zip(fields, windows):
                if window.tap is None:
                    return False
                if not bool(_q(window.tap) * _q(field.jump) <= _q(field.size)):
                    return False
            fields = tuple(apply_window(f, w) for f, w in zip(fields, windows))
        shape = layer.output_shape(shape)
    return True


# ---------------------------------------------------------------------------------------
# Exact fields, by enumeration
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExactField:
    """The exact receptive field of one unit: the input cells per axis (a product set), and whether
    some tap below the last layer fell outside an intermediate map (condition 2)."""

    cells: tuple[tuple[int, ...], ...]
    through_padding: bool


def _sources(layer: L.Layer, r: L.Resolved, axis: int, o: int) -> list[int]:
    """Positions of the layer's input that output ``o`` reads along ``axis`` (possibly outside the input)."""
    n_in = r.input_size[axis]
    if isinstance(layer, L.Activation):
        return [o]
    if isinstance(layer, _WINDOWED):
        k_, st, d, lo = r.kernel[axis], r.stride[axis], r.dilation[axis], r.pads[axis][0]
        return [o * st - lo + t * d for t in range(k_)]
    if isinstance(layer, L.ConvTranspose):
        k_, st, d, lo = r.kernel[axis], r.stride[axis], r.dilation[axis], r.pads[axis][0]
        return [i for i in range(n_in) if any(i * st + t * d == o + lo for t in range(k_))]
    if isinstance(layer, L.FirstUnpool):
        return [i for i in range(n_in) if i * r.stride[axis] == o]
    if isinstance(layer, (L.MaxUnpool, L.AvgUnpool)):
        k_, st, lo = r.kernel[axis], r.stride[axis], r.pads[axis][0]
        return [i for i in range(n_in) if 0 <= o + lo - i * st < k_]
    if isinstance(layer, L.Upsample):
        return _upsample_sources(layer, r, axis, o)
    raise TypeError(f"exact_receptive_field: no rule for {type(layer).__name__}")


def _upsample_sources(layer: L.Upsample, r: L.Resolved, axis: int, t: int) -> list[int]:
    args = _upsample.check_upsample_arguments(
        layer.kind, (1, r.in_channels, *r.input_size), scale_factor=layer.scale_factor, size=layer.size,
        mode=layer.mode, align_corners=layer.align_corners,
    )
    n_in, o_len, step = args.input_size[axis], args.output_size[axis], args.steps[axis]
    if layer.mode == "nearest":
        return [_upsample.nearest_source(t, n_in, step)]
    if layer.mode == "nearest_exact":
        return [_upsample.nearest_exact_source(t, n_in, step)]
    i0, i1, lam = _upsample.linear_neighbours(_upsample.linear_source(t, n_in, o_len, step, layer.align_corners), n_in)
    return sorted({i for i, weight in ((i0, 1 - lam), (i1, lam)) if weight != 0})


def exact_receptive_field(layers: Sequence[L.Layer], input_shape, unit: Sequence[int]) -> ExactField:
    """The input cells that reach output ``unit`` of the last layer, enumerated backwards tap by tap.

    Numbers only; every layer must keep the spatial axes (no ``Flatten``/``Dense``).
    For max unpooling it is the block (the cells any switch of a max pool may name).

    Example: a 3-tap layer with dilation 2 reads cells 0, 2, 4 (hull 0..4, size 5):

    >>> exact_receptive_field([L.Conv(1, 3, dilation=2)], (1, 9), (0,))
    ExactField(cells=((0, 2, 4),), through_padding=False)
    """
    layers = _check_stack("exact_receptive_field", layers)
    if not isinstance(unit, (tuple, list)):
        raise TypeError(f"exact_receptive_field: unit must be a tuple of ints (one per spatial dim), got {unit!r}")
    unit = tuple(check_size("exact_receptive_field", "unit", u, minimum=0) for u in unit)
    shape_list = [tuple(input_shape)]
    for layer in layers:
        if isinstance(layer, (L.Flatten, L.Dense)):
            raise ValueError(
                f"exact_receptive_field: {layer.kind} has no spatial axes; a unit after it sees every cell that "
                "reaches the map it flattens"
            )
        shape_list.append(layer.output_shape(shape_list[-1]))
    out_sizes = shape_list[-1][1:]
    unit = tuple(unit)
    if len(unit) != len(out_sizes) or any(not 0 <= u < size for u, size in zip(unit, out_sizes)):
        raise ValueError(f"exact_receptive_field: unit must index the output's spatial size {out_sizes!r}, got {unit!r}")
    current = [{u} for u in unit]
    through_padding = False
    for index in range(len(layers) - 1, -1, -1):
        layer, r = layers[index], layers[index].resolve(shape_list[index])
        for axis in range(len(current)):
            n_in, found = r.input_size[axis], set()
            for o in current[axis]:
                for i in _sources(layer, r, axis, o):
                    if 0 <= i < n_in:
                        found.add(i)
                    elif index > 0:
                        through_padding = True
            current[axis] = found
    return ExactField(tuple(tuple(sorted(c)) for c in current), through_padding)
