"""Closed forms for upsampling: interpolation without learned parameters.

Seed 000 lists, among the alternatives to transposed convolution, "Upsampling layers,
such as bilinear or nearest-neighbor interpolation (without learning any new
parameters)". convspec's ``upsample`` is that operation, with the semantics of
``torch.nn.functional.interpolate`` (checked against torch 2.13) wherever torch's
answer is the exact one; the few places where torch's floating-point arithmetic
gives another answer are stated below as findings.

Every function here is a formula. Called with sympy symbols it returns the sympy
expression (the defaults are the symbols below); called with Python ints and
``fractions.Fraction`` it evaluates exactly (ints for lengths and indices, Fractions
for coordinates). The reference implementation never calls these: it derives the
output length by enumerating output cells and the coordinates from their geometric
definitions, and the tests hold the two derivations against each other.

Symbols (one spatial axis)
--------------------------
``n`` input length, ``o`` output length, ``t`` output index (``0 <= t < o``),
``sigma`` the scale factor (output length per input length), ``r`` the *step*: how
far apart, in input samples, two neighbouring output samples are.

The call
--------
``upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False,
cubic_coefficient=-0.75)``
with ``x`` of shape ``(N, C, *spatial)``. Exactly one of ``scale_factor`` and
``size`` **must** be given (one positive number / int, or one per spatial axis).

* ``size`` given: ``o = size`` and the step is ``r = n / o``.
* ``scale_factor`` given: ``o = floor(n * sigma)`` and the step is ``r = 1 / sigma``,
  **not** ``n / o``. This is torch's behaviour when ``recompute_scale_factor`` is
  left unset (torch passes the scale factor to its kernels, which use
  ``1 / scale_factor``) and ONNX ``Resize``'s with ``scales``; it differs from
  ``n / o`` whenever ``n * sigma`` is not an integer: ``n = 5, sigma = 1.5`` gives
  ``o = 7`` and ``r = 2/3``, not ``5/7``. TensorFlow's ``tf.image.resize`` takes a
  size only, so it always uses ``n / o`` (torch's ``recompute_scale_factor=True``):
  the two disagree on such calls. A scale factor below 1 downsamples; no low-pass
  filter is applied (torch's default ``antialias=False``).
* A float scale factor stands for the decimal number it was written as: the
  shortest decimal that round-trips the float (Python's ``repr``), so ``1.1`` is
  ``11/10`` and ``0.29`` is ``29/100``; ints and ``fractions.Fraction`` are taken
  exactly. Every size and index below is then computed exactly.

Modes and their coordinate mapping (output index ``t`` -> input position)
--------------------------------------------------------------------------
Input sample ``i`` covers the cell ``[i, i + 1)`` in input units, output sample
``t`` covers ``[t r, (t + 1) r)``.

* ``"nearest"``: ``src = min(floor(t r), n - 1)``: the input cell holding the output
  cell's *left edge* (torch ``"nearest"``, OpenCV ``INTER_NEAREST``, ONNX ``Resize``
  with ``coordinate_transformation_mode="asymmetric", nearest_mode="floor"``).
* ``"nearest_exact"``: ``src = min(floor((t + 1/2) r), n - 1)``: the input cell
  holding the output cell's *centre* (torch ``"nearest-exact"`` -- convspec spells it
  with an underscore --, Pillow, scikit-image, TF2 ``tf.image.resize`` "nearest").
* ``"linear"``/``"bilinear"``/``"trilinear"`` (1, 2 and 3 spatial axes, **exactly**):
  per axis a coordinate ``s`` in input-sample units, then the two neighbours
  ``i0 = floor(s)``, ``i1 = min(i0 + 1, n - 1)`` with weights ``1 - lam`` and ``lam``,
  ``lam = s - i0``; the output is the sum over the ``2^D`` corners of the product of
  the per-axis weights times the corner's value (separable multilinear interpolation).

  * ``align_corners=False`` (default, "half pixel"): ``s = max((t + 1/2) r - 1/2, 0)``:
    the output cell's centre, measured from input sample 0's centre, clamped at 0
    (past the last sample, ``i1`` is clamped instead, so the border value repeats).
    An output of length 1 reads ``s = n/2 - 1/2`` (torch); ONNX's
    ``"pytorch_half_pixel"`` reads 0 there instead.
  * ``align_corners=True``: ``s = t (n - 1) / (o - 1)`` (``s = 0`` when ``o = 1``): the
    first and last samples of input and output coincide; the scale factor, if one was
    given, only sets ``o``.

* ``"bicubic"`` (2 spatial axes, **exactly**): Keys' cubic convolution with coefficient
  ``a = cubic_coefficient`` (``-0.75``, torch's; jax and TensorFlow's ``cubic`` use
  ``-0.5``), four samples per axis around the coordinate ``s``, indices clamped to the
  edge; ``s`` is the linear modes' except that the half-pixel ``s`` is **not** clamped at 0.
  The kernel, the taps and a worked example: :mod:`convspec.spec.upsample_cubic`.
  ``cubic_coefficient`` applies to ``"bicubic"`` only (other modes refuse a value other
  than the default). Antialiasing is not defined (the op page says why).

``nearest`` and ``nearest_exact`` work on any number of spatial axes and select
values (the output **must** equal the selected input bit for bit).
``align_corners=True`` is refused with the nearest modes, as torch refuses it.

Findings: where torch's floating point gives another answer
-----------------------------------------------------------
* For float16, bfloat16 and float32 inputs torch computes the nearest source index as
  ``floorf(t * fl32(r))`` in float32. At the exact boundaries where ``t r`` is an
  integer, ``fl32(r)`` may lie just below ``r`` and torch picks the cell before: ``n = 2 -> o = 82`` at ``t = 41`` (exactly
  ``41 * 2/82 = 1``) torch reads ``x[0]``; ``nearest_exact`` with ``n = 4 -> o = 41``
  at ``t = 20`` (exactly ``20.5 * 4/41 = 2``) torch reads ``x[1]``; with
  ``scale_factor=20.5`` on ``n = 3`` at ``t = 41`` (exactly ``41 / 20.5 = 2``) torch
  reads ``x[1]``. For float64 inputs torch's CPU forward computes the index in float64
  (exact at these sizes) but its backward still uses float32, so there the gradient
  is not the adjoint of the forward: ``2 -> 82`` gives the forward 41 copies of each
  sample and the gradient of their sum ``[42, 40]``. convspec's indices are the exact
  rational ones; ``convspec.accelerated`` detects such sizes (forward and backward)
  and gathers with exact integer indices.
* torch computes ``o = floor(fl64(n * sigma))`` in float64, so for decimal scale
  factors whose float is a hair below the decimal, ``n * sigma`` rounds below an exact
  integer: ``100 * 0.29`` is ``28.999999999999996`` and torch returns 28 samples where
  ``floor(100 * 29/100) = 29``; ``25 * 1.16`` gives 28, not 29. (Reading the float's
  exact binary value instead would make ``10 * 0.7`` give 6, where both torch and the
  decimal give 7.)
* torch's linear kernels copy an axis whose output length equals its input length,
  ignoring a scale factor that is not 1: ``[0, 10]`` with ``scale_factor=1.1``
  (``o = floor(2.2) = 2``, step ``10/11``) should read ``s = 0, 19/22`` and give
  ``[0, 95/11 = 8.636...]``; torch returns ``[0, 10]``. (Its nearest kernels do use the
  step there.) This happens for ``1 < scale_factor < 1 + 1/n``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from .symbolic import is_symbolic, Symbol, symbols, sympy

from .conventions import check_flag, check_input_rank, check_number, check_size, check_sizes, int_per_axis
from .upsample_cubic import CUBIC_COEFFICIENT, cubic_coefficient_value, cubic_kernel, cubic_taps  # noqa: F401

MODES = ("nearest", "nearest_exact", "linear", "bilinear", "trilinear", "bicubic")
NEAREST_MODES = ("nearest", "nearest_exact")
LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}  # mode -> the number of spatial axes it takes
CUBIC_MODES = {"bicubic": 2}
INTERPOLATING_MODES = {**LINEAR_MODES, **CUBIC_MODES}  # the modes that weigh neighbours (and take align_corners)

n, o = symbols("n o", integer=True, positive=True)
t = Symbol("t", integer=True, nonnegative=True)
sigma, r = symbols("sigma r", rational=True, positive=True)
channels, batch = symbols("C N", integer=True, positive=True)


def _is_symbolic(*values: object) -> bool:
    return is_symbolic(*values)


def _floor(value):
    return sympy.floor(value) if _is_symbolic(value) else math.floor(value)


def _minimum(a, b):
    return sympy.Min(a, b) if _is_symbolic(a, b) else min(a, b)


def _maximum(a, b):
    return sympy.Max(a, b) if _is_symbolic(a, b) else max(a, b)


def _half(*values):
    return sympy.Rational(1, 2) if _is_symbolic(*values) else Fraction(1, 2)


def _ratio(a, b):
    """``a / b`` exactly: a sympy expression or a Fraction."""
    return a / b if _is_symbolic(a, b) else Fraction(a) / Fraction(b)


def _sigma(op, sigma):
    """A positive scale factor: a sympy expression, or a number read exactly (:func:`scale_factor_value`:
    ints and Fractions as they are, a float as its shortest decimal)."""
    if is_symbolic(sigma):
        return check_number(op, "sigma", sigma, minimum=0, strict=True)
    return scale_factor_value(op, sigma)


def _step(op, name, r):
    """A positive rational step (int, Fraction or sympy); floats are refused (the coordinates are exact)."""
    if not is_symbolic(r) and not isinstance(r, numbers.Rational):
        raise TypeError(
            f"{op}: {name} must be an exact rational (int, fractions.Fraction or sympy), got {r!r} of type "
            f"{type(r).__name__}"
        )
    return check_number(op, name, r, minimum=0, strict=True)


def output_length(n=n, sigma=sigma):
    """Output length for a scale factor: ``o = floor(n * sigma)``.

    Conditions: ``sigma > 0`` rational (a float is read as its shortest decimal) and
    ``n * sigma >= 1`` (at least one output sample). The output cells
    ``[t, t + 1)`` are the unit cells that fit in the stretched input ``[0, n sigma)``.

    Example: 5 samples scaled by 3/2 give ``floor(7.5) = 7``; ``100 * 29/100 = 29``
    (torch's float64 product gives 28, see the module notes).

    >>> output_length(5, Fraction(3, 2)), output_length(100, Fraction(29, 100))
    (7, 29)
    """
    n, sigma = check_size("output_length", "n", n), _sigma("output_length", sigma)
    length = _floor(n * sigma)
    if not _is_symbolic(length) and length < 1:
        raise ValueError(
            f"output_length: n * sigma = {n} * {sigma} = {n * sigma} < 1 leaves no output sample; "
            "the output needs at least one (n * sigma >= 1)"
        )
    return length


def coordinate_step(n=n, o=o, sigma=None):
    """The step ``r`` between neighbouring output samples, in input samples.

    ``r = 1 / sigma`` when a scale factor was given (torch with
    ``recompute_scale_factor`` unset, ONNX ``scales``), ``r = n / o`` when a size was.

    >>> coordinate_step(5, 7, Fraction(3, 2)), coordinate_step(5, 7)
    (Fraction(2, 3), Fraction(5, 7))
    """
    n, o = check_size("coordinate_step", "n", n), check_size("coordinate_step", "o", o)
    if sigma is not None:
        return _ratio(1, _sigma("coordinate_step", sigma))
    return _ratio(n, o)


def _source_args(op, t, n, r):
    return check_size(op, "t", t, minimum=0), check_size(op, "n", n), _step(op, "r", r)


def nearest_source(t=t, n=n, r=r):
    """``"nearest"``: ``src = min(floor(t r), n - 1)``, the cell holding the output cell's left edge.

    Example: downsampling 5 -> 3 (``r = 5/3``): ``t = 0, 1, 2`` read ``0, 1, 3``.

    >>> [nearest_source(t_, 5, Fraction(5, 3)) for t_ in range(3)]
    [0, 1, 3]
    """
    t, n, r = _source_args("nearest_source", t, n, r)
    return _minimum(_floor(t * r), n - 1)


def nearest_exact_source(t=t, n=n, r=r):
    """``"nearest_exact"``: ``src = min(floor((t + 1/2) r), n - 1)``, the cell holding the centre.

    Example: downsampling 5 -> 3: ``t = 0, 1, 2`` read ``0, 2, 4`` (centres 5/6, 5/2, 25/6).

    >>> [nearest_exact_source(t_, 5, Fraction(5, 3)) for t_ in range(3)]
    [0, 2, 4]
    """
    t, n, r = _source_args("nearest_exact_source", t, n, r)
    return _minimum(_floor((t + _half(t, r)) * r), n - 1)


def half_pixel_source(t=t, r=r):
    """Linear modes, ``align_corners=False``: ``s = max((t + 1/2) r - 1/2, 0)``.

    Example: doubling (``r = 1/2``): ``t = 0..5`` give ``0, 1/4, 3/4, 5/4, 7/4, 9/4``
    (``-1/4`` clamped to 0).

    >>> [str(half_pixel_source(t_, Fraction(1, 2))) for t_ in range(6)]
    ['0', '1/4', '3/4', '5/4', '7/4', '9/4']
    """
    t, r = check_size("half_pixel_source", "t", t, minimum=0), _step("half_pixel_source", "r", r)
    half = _half(t, r)
    return _maximum((t + half) * r - half, 0)


def cubic_half_pixel_source(t=t, r=r):
    """``"bicubic"``, ``align_corners=False``: ``s = (t + 1/2) r - 1/2``, **not** clamped at 0 (torch).

    Example: doubling (``r = 1/2``): ``t = 0, 1`` give ``-1/4, 1/4`` (the linear modes read 0 at ``t = 0``).

    >>> [str(cubic_half_pixel_source(t_, Fraction(1, 2))) for t_ in range(2)]
    ['-1/4', '1/4']
    """
    t, r = check_size("cubic_half_pixel_source", "t", t, minimum=0), _step("cubic_half_pixel_source", "r", r)
    half = _half(t, r)
    return (t + half) * r - half


def align_corners_source(t=t, n=n, o=o):
    """Linear modes, ``align_corners=True``: ``s = t (n - 1) / (o - 1)``, and ``s = 0`` when ``o = 1``.

    Example: 3 samples to 5: ``t = 0..4`` give ``0, 1/2, 1, 3/2, 2``.

    >>> [str(align_corners_source(t_, 3, 5)) for t_ in range(5)]
    ['0', '1/2', '1', '3/2', '2']
    """
    op = "align_corners_source"
    t, n, o = check_size(op, "t", t, minimum=0), check_size(op, "n", n), check_size(op, "o", o)
    if not _is_symbolic(t, o) and t >= o:
        raise ValueError(f"{op}: t must index the output, 0 <= t < o = {o}, got {t}")
    if _is_symbolic(t, n, o):
        return sympy.Piecewise((0, sympy.Eq(o, 1)), (t * (n - 1) / (o - 1), True))
    return Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)


def linear_source(t=t, n=n, o=o, r=r, align_corners=False):
    """The linear modes' coordinate: :func:`align_corners_source` or :func:`half_pixel_source`."""
    align_corners = check_flag("linear_source", "align_corners", align_corners)
    return align_corners_source(t, n, o) if align_corners else half_pixel_source(t, r)


def linear_neighbours(s, n=n):
    """``(i0, i1, lam)``: ``i0 = floor(s)``, ``i1 = min(i0 + 1, n - 1)``, ``lam = s - i0``.

    The value at ``s`` is ``(1 - lam) x[i0] + lam x[i1]``. Example: ``s = 9/4`` on
    3 samples is past the last sample's centre: ``i0 = i1 = 2``, the border repeats.

    >>> linear_neighbours(Fraction(9, 4), 3)
    (2, 2, Fraction(1, 4))
    """
    n = check_size("linear_neighbours", "n", n)
    if not is_symbolic(s) and not isinstance(s, numbers.Rational):
        raise TypeError(
            f"linear_neighbours: s must be an exact rational (int, fractions.Fraction or sympy), got {s!r} of type "
            f"{type(s).__name__}"
        )
    s = check_number("linear_neighbours", "s", s, minimum=0)
    i0 = _floor(s)
    return i0, _minimum(i0 + 1, n - 1), s - i0


def upsample_parameter_count():
    """Interpolation learns nothing (seed 000: "without learning any new parameters").

    >>> upsample_parameter_count()
    0
    """
    return 0


def upsample_multiply_adds(mode="bilinear", output_size=(o, o), channels=channels, batch=batch):
    """``N C prod(out) 2^D`` for the linear modes (one weighted neighbour per corner), ``N C prod(out) 4^D``
    for bicubic (16 samples), 0 for nearest.

    Example: bilinear upsampling to 4x4 of one 1-channel image: ``16 * 4 = 64``.

    >>> upsample_multiply_adds("bilinear", (4, 4), 1, 1), upsample_multiply_adds("nearest", (4, 4), 1, 1)
    (64, 0)
    """
    op = "upsample_multiply_adds"
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {_mode_list()}; got {mode!r}")
    output_size = check_sizes(op, "output_size", output_size)
    channels, batch = check_size(op, "channels", channels), check_size(op, "batch", batch)
    if mode in NEAREST_MODES:
        return 0
    if mode in CUBIC_MODES:
        return batch * channels * math.prod(output_size) * 4 ** len(output_size)
    return batch * channels * math.prod(output_size) * 2 ** len(output_size)


@dataclass(frozen=True)
class UpsampleArguments:
    """The checked, normalised arguments of one ``upsample`` call.

    Exactly one of ``size`` and ``scale_factor`` is set, one entry per spatial axis;
    ``scale_factor`` holds exact Fractions.
    """

    mode: str
    align_corners: bool
    input_size: tuple[int, ...]
    size: tuple[int, ...] | None
    scale_factor: tuple[Fraction, ...] | None
    cubic_coefficient: Fraction = Fraction(-3, 4)  # Keys' a, read exactly; used by "bicubic" only

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)

    @property
    def output_size(self) -> tuple[int, ...]:
        """``size``, or ``floor(n * sigma)`` per axis (:func:`output_length`)."""
        if self.size is not None:
            return self.size
        return tuple(output_length(n_, s_) for n_, s_ in zip(self.input_size, self.scale_factor))

    @property
    def steps(self) -> tuple[Fraction, ...]:
        """The step ``r`` per axis (:func:`coordinate_step`)."""
        sigmas = self.scale_factor or (None,) * self.spatial_dims
        return tuple(coordinate_step(n_, o_, s_) for n_, o_, s_ in zip(self.input_size, self.output_size, sigmas))


def upsample_output_shape(x_shape: Sequence[int], args: UpsampleArguments) -> tuple[int, ...]:
    """``(N, C, *out)``."""
    if not isinstance(args, UpsampleArguments):
        raise TypeError(
            f"upsample_output_shape: args must be the UpsampleArguments that check_upsample_arguments returns, "
            f"got {args!r} of type {type(args).__name__}"
        )
    x_shape = check_sizes("upsample_output_shape", "x_shape", x_shape, minimum=0)
    if x_shape[2:] != args.input_size:
        raise ValueError(f"upsample_output_shape: x_shape {x_shape!r} does not have args' spatial size {args.input_size!r}")
    return (x_shape[0], x_shape[1], *args.output_size)


def _mode_list() -> str:
    return ", ".join(map(repr, MODES))


def check_mode(op: str, mode: object, spatial_dims: int, align_corners: object) -> None:
    """The mode exists, fits the input's rank, and ``align_corners`` fits the mode."""
    if not isinstance(mode, str):
        raise TypeError(f"{op}: mode must be a str, one of {_mode_list()}; got {mode!r} of type {type(mode).__name__}")
    if mode not in MODES:
        hint = ""
        if mode.replace("-", "_") in MODES:
            hint = f"; torch spells it {mode!r}, convspec writes {mode.replace('-', '_')!r}"
        elif mode in ("cubic", "area", "lanczos"):
            hint = f"; {mode!r} is a torch mode that convspec's upsample does not define"
        raise ValueError(f"{op}: mode must be one of {_mode_list()}; got {mode!r}{hint}")
    if mode in INTERPOLATING_MODES and INTERPOLATING_MODES[mode] != spatial_dims:
        wanted = INTERPOLATING_MODES[mode]
        fits = {d: m for m, d in LINEAR_MODES.items()}.get(spatial_dims)
        advice = f"use mode={fits!r}" if fits else "only 'nearest' and 'nearest_exact' take any number of axes"
        if mode in CUBIC_MODES:
            advice += "; cubic interpolation is defined for 2-D images only (torch's bicubic)"
        raise ValueError(
            f"{op}: mode={mode!r} interpolates along exactly {wanted} spatial dim(s), but x has "
            f"{spatial_dims}; {advice}"
        )
    align_corners = check_flag(op, "align_corners", align_corners)
    if align_corners and mode in NEAREST_MODES:
        raise ValueError(
            f"{op}: align_corners=True applies only to the linear modes (linear, bilinear, trilinear) and "
            f"bicubic, "
            f"got mode={mode!r}; leave align_corners=False with the nearest modes (torch refuses it too)"
        )


def scale_factor_value(op: str, value: object) -> Fraction:
    """The exact rational a scale factor stands for; refuses bools, non-numbers, non-positive and non-finite values.

    >>> scale_factor_value("upsample", 1.1), scale_factor_value("upsample", 2)
    (Fraction(11, 10), Fraction(2, 1))
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{op}: scale_factor must be a number (int, float or fractions.Fraction) or one per spatial dim, "
            f"got {value!r} of type {type(value).__name__}"
        )
    if isinstance(value, numbers.Rational):
        exact = Fraction(int(value.numerator), int(value.denominator))
    else:
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"{op}: scale_factor must be positive and finite, got {value!r}")
        exact = Fraction(repr(as_float))
    if exact <= 0:
        raise ValueError(f"{op}: scale_factor must be positive and finite, got {value!r}")
    return exact


def check_upsample_arguments(
    op: str,
    x_shape: Sequence[int],
    *,
    scale_factor: object,
    size: object,
    mode: object,
    align_corners: object,
    cubic_coefficient: object = CUBIC_COEFFICIENT,
) -> UpsampleArguments:
    """Check an ``upsample`` call and normalise it (shapes and parameters only).

    Dtype and container checks belong to each implementation, which then calls
    :func:`convspec.spec.conventions.dtype_error` for the shared message.
    """
    x_shape = tuple(x_shape)
    check_input_rank(op, "x", x_shape)
    spatial = len(x_shape) - 2
    check_mode(op, mode, spatial, align_corners)
    align_corners = bool(align_corners)
    coefficient = cubic_coefficient_value(op, cubic_coefficient)
    if mode not in CUBIC_MODES and coefficient != Fraction(-3, 4):
        raise ValueError(
            f"{op}: cubic_coefficient={cubic_coefficient!r} applies only to mode='bicubic', got mode={mode!r}; "
            f"leave it at its default {CUBIC_COEFFICIENT}"
        )
    if (scale_factor is None) == (size is None):
        got = "neither (both are None)" if size is None else f"both (scale_factor={scale_factor!r}, size={size!r})"
        raise ValueError(f"{op}: give exactly one of scale_factor and size; got {got}")
    input_size = x_shape[2:]
    if size is not None:
        sizes = int_per_axis(op, "size", size, spatial, minimum=1)
        return UpsampleArguments(mode, align_corners, input_size, sizes, None, coefficient)
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != spatial:
            raise ValueError(
                f"{op}: scale_factor has {len(scale_factor)} entries {tuple(scale_factor)!r} but the input has "
                f"{spatial} spatial dim(s); give one number, or one number per spatial dim"
            )
        sigmas = tuple(scale_factor_value(op, v) for v in scale_factor)
    else:
        sigmas = (scale_factor_value(op, scale_factor),) * spatial
    for axis, (n_, s_) in enumerate(zip(input_size, sigmas)):
        if math.floor(n_ * s_) < 1:
            raise ValueError(
                f"{op}: scale_factor={scale_factor!r} leaves no output sample along spatial dim {axis}: "
                f"floor({n_} * {s_}) = 0; the output needs at least one sample (use a larger scale_factor, or size)"
            )
    return UpsampleArguments(mode, align_corners, input_size, None, sigmas, coefficient)


# NaN and ±inf (vocabulary: :mod:`convspec.spec.non_finite`) ----------------------------------------

NON_FINITE: dict[str, str] = {
    "upsample": (
        "Nearest modes copy: a non-finite sample **must** appear unchanged at exactly the outputs "
        "whose source it is. Linear modes: a NaN at ``x[b, c, i]`` **must** make NaN exactly the "
        "outputs ``y[b, c, t]`` whose interpolation cell holds ``i``: per axis the two neighbours "
        "``i0 = floor(s)`` and ``i1 = min(i0 + 1, n - 1)`` of the output's coordinate ``s``, **even "
        "where the weight of ``i1`` is 0** (``s`` an integer: ``0 · NaN = NaN``, as torch's kernels "
        "compute), except along an axis whose output length equals its input length with step 1 "
        "(``s = t``; and every such axis under ``align_corners=True``): that axis is copied, its cell "
        "is the one sample ``t``, read twice, with weights 1 and 0 (as torch's kernels read it). A "
        "±inf reaches the same outputs as ±inf, NaN where one of its weights is 0 (so an inf on a "
        "copied axis, or at the last sample ``i0 = i1 = n - 1``, gives NaN: ``inf + 0 · inf``) or "
        "where ``+inf`` and ``-inf`` meet; where that weight is 0 only in exact arithmetic (``s`` an "
        "integer on an axis that is not copied) the output **may** be ±inf instead of NaN: an "
        "implementation that computes ``s`` in floating point gets a tiny non-zero weight there (torch's "
        "float32 ``(t + 0.5) · n / o - 0.5`` is ``1.5e-8``, not 0, at ``n = 2, o = 6, t = 1``). The weights are at most 1 and sum to 1: finite samples "
        "give finite outputs (up to one rounding at the dtype's largest value). "
        "Bicubic: a NaN at ``x[b, c, i, j]`` **must** make NaN exactly the outputs whose 4 x 4 taps (per "
        "axis the indices ``floor(s) - 1 .. floor(s) + 2`` clamped to ``[0, n - 1]``) hold ``(i, j)``, "
        "**even where its weight is 0** (``s`` an integer; there is no copied axis: an unchanged size "
        "still weighs four samples). A ±inf reaches the same outputs as ±inf or NaN: its weight there may "
        "be negative (the sign flips), 0 (NaN; ±inf **may** be given instead, as for the linear modes), "
        "or meet another infinity. Finite samples give finite "
        "outputs up to overflow; the weights may be negative, so an output may lie outside its samples' range."
    ),
}
