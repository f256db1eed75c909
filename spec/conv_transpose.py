"""Closed forms and argument rules of the transposed convolution, ``conv_transpose``.

Like :mod:`convspec.spec.conv`, every function here is a formula: called with sympy
symbols it returns the expression (the defaults are the symbols below), called with
Python ints it evaluates to an ``int``. The reference never calls these; it
enumerates where the kernel copies land, and the tests hold the two against each other.

Definition (one spatial axis, one channel; seed 000: "Output contains copies of the
filter weighted by the input, summing at where it overlaps in the output")::

    full[i*s + d*t] += x[i] * w[t]          for every input i in [0, n), tap t in [0, k)
    y = (full followed by a zero cells)[p_lo : len - p_hi]

The scatter buffer ``full`` has :func:`full_length` ``(n - 1) s + d (k - 1) + 1``
cells; ``output_padding`` ``a`` appends ``a`` zero cells at the **high** end (a bias,
if any, is then added to every output cell, those included); ``padding`` crops
``p_lo`` cells from the start and ``p_hi`` from the end. ``padding`` is the padding of
the convolution this operation is the adjoint (transpose) of: the transposed
convolution crops exactly what that convolution pads.

Symbols (one spatial axis): ``n`` input length, ``k`` kernel size, ``s`` stride,
``d`` dilation, ``p_lo``/``p_hi`` cropping ("padding"), ``a`` output padding,
``m`` the length of a convolution's input. Conventions: :mod:`convspec.spec.conventions`
(transposed weights are ``(C_in, C_out / groups, *kernel)``, torch's layout).

Padding forms (all of :mod:`convspec.spec.conventions`, read as "the forward
convolution's padding"):

* ``int`` / one int per axis / ``(lo, hi)`` per axis: crop that much (torch,
  ONNX ``pads``); torch itself only takes equal sides;
* ``"valid"``: no crop, output ``(n - 1) s + d (k - 1) + 1 + a`` (torch ``padding=0``;
  Keras ``"valid"`` differs when ``d (k - 1) + 1 < s``: it then also appends
  ``s - d (k - 1) - 1`` zero cells, i.e. it picks the largest restoring length);
* ``"full"``: crop ``d (k - 1)`` on each side (the adjoint of a ``"full"`` convolution);
* ``"same"``: the output length is ``n * s`` (TF/Keras ``Conv*DTranspose(padding="same")``,
  ONNX ``auto_pad=SAME_UPPER``). The surplus ``T = d (k - 1) + 1 - s`` of the full
  buffer over ``n s`` is cropped ``floor(T / 2)`` from the start and the rest from the
  end: the odd cell is cropped **high**, exactly where the ``"same"`` convolution of an
  ``n s``-long input puts its odd padding zero, so this is that convolution's adjoint.
  When ``T < 0`` (kernel span shorter than the stride) nothing is cropped and ``-T``
  zero cells are appended at the high end, where the adjoint convolution's unread
  inputs are (ONNX's equations give negative pads there and leave the side open;
  TensorFlow appends high, as here);
* ``"same_lower"``: as ``"same"`` with the odd cropped cell **low** (ONNX ``SAME_LOWER``;
  the adjoint of the ``"same_lower"`` convolution).

``output_padding`` must be ``0 <= a < max(s, d)`` on every axis (torch's rule: the
appended cells only make sense to pick among the input lengths a strided convolution
cannot tell apart, see :func:`conv_input_lengths`), and must be 0 with ``"same"`` /
``"same_lower"``, which fix the output length themselves. The output must not be empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .symbolic import Symbol, sympy

from .conv import (
    _check_axes,
    _check_groups,
    _check_shapes,
    _is_symbolic,
    _per_group,
    _window,
    batch,
    c_in,
    c_out,
    conv_output_length,
    d,
    effective_kernel_size,
    floor_div,
    k,
    maximum,
    n,
    p_hi,
    p_lo,
    s,
)
from .conventions import (
    Pairs,
    check_flag,
    check_padding_form,
    check_size,
    check_sizes,
    check_span_fits,
    check_weight_and_groups,
    int_per_axis,
    normalize_padding,
)

a = Symbol("a", integer=True, nonnegative=True)  # output padding
m = Symbol("m", integer=True, positive=True)  # a convolution's input length
r = Symbol("r", integer=True, nonnegative=True)  # an offset 0 <= r < s


def full_length(n=n, k=k, s=s, d=d):
    """Length of the scatter buffer: ``(n - 1) s + d (k - 1) + 1``.

    The last input ``i = n - 1`` puts its last tap ``t = k - 1`` at ``(n - 1) s + d (k - 1)``.
    Seed 000's 1-D example: 2 inputs, a 3-tap filter, stride 2: ``1 * 2 + 2 + 1 = 5``
    (``ax, ay, az + bx, by, bz``); stride 1 gives 4.

    >>> full_length(2, 3, 2, 1)
    5
    """
    n, k, s, _, _, d = _window("full_length", n, k, s, 0, 0, d)
    return (n - 1) * s + effective_kernel_size(k, d)


def conv_transpose_output_length(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d, a=a):
    """Output length: ``(n - 1) s - p_lo - p_hi + d (k - 1) + 1 + a``.

    Conditions: n, k, s, d >= 1; p_lo, p_hi >= 0; 0 <= a < max(s, d); the result is >= 1.
    With ``p_lo = p_hi = p`` this is torch's ``(n - 1) s - 2p + d (k - 1) + a + 1``.

    Example: 28 inputs, kernel 4, stride 2, padding 1 (the DCGAN up-sampling block):
    ``27 * 2 - 2 + 3 + 1 = 56``, twice the input.

    >>> conv_transpose_output_length(28, 4, 2, 1, 1, 1, 0)
    56
    """
    op = "conv_transpose_output_length"
    n, k, s, p_lo, p_hi, d = _window(op, n, k, s, p_lo, p_hi, d)
    a = _output_padding(op, a, s, d)
    length = full_length(n, k, s, d) - p_lo - p_hi + a
    if not _is_symbolic(length) and length < 1 or _is_symbolic(length) and (length - 1).is_negative:
        raise ValueError(
            f"{op}: the output would be empty: (n - 1) s + d (k - 1) + 1 + a - p_lo - p_hi = ({n} - 1)·{s} + "
            f"{d}·({k} - 1) + 1 + {a} - {p_lo} - {p_hi} = {length}; the padding (p_lo={p_lo}, p_hi={p_hi}) "
            "crops more than the transposed convolution produces, the output must have at least one cell"
        )
    return length


def _output_padding(op, a, s, d):
    """``0 <= a < max(s, d)`` (checked where all three are numbers)."""
    a = check_size(op, "a", a, minimum=0)
    if not _is_symbolic(a, s, d) and a >= max(s, d):
        raise ValueError(f"{op}: a (output_padding) must be smaller than max(s, d) = max({s}, {d}), got {a}")
    return a


def conv_transpose_output_length_condition(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d, a=a):
    """The conditions of :func:`conv_transpose_output_length`: a non-empty output, ``a < max(s, d)``."""
    n, k, s, p_lo, p_hi, d = _window("conv_transpose_output_length_condition", n, k, s, p_lo, p_hi, d)
    a = check_size("conv_transpose_output_length_condition", "a", a, minimum=0)
    return sympy.And(
        sympy.Ge(full_length(n, k, s, d) - p_lo - p_hi + a, 1),
        sympy.Lt(a, sympy.Max(s, d)),
    )


def same_output_length(n=n, s=s):
    """Output length of ``"same"`` and ``"same_lower"``: ``n s`` (TF, ONNX ``SAME_*``).

    >>> same_output_length(3, 2)
    6
    """
    n, s = check_size("same_output_length", "n", n), check_size("same_output_length", "s", s)
    return n * s


def same_crop(n=n, k=k, s=s, d=d):
    """``(lo, hi, extra)`` of ``"same"``: crop ``lo`` and ``hi``, then append ``extra`` zero cells high.

    ``T = d (k - 1) + 1 - s`` (the full buffer minus ``n s``): ``lo = floor(max(T, 0) / 2)``,
    ``hi = max(T, 0) - lo`` (the odd cell is cropped high), ``extra = max(-T, 0)``.
    Examples: k = 3, s = 2: T = 1, crop (0, 1); k = 4, s = 2, as in the DCGAN block,
    T = 2, crop (1, 1) = torch's ``padding=1``; k = 1, s = 2: T = -1, append one zero.

    >>> same_crop(3, 3, 2, 1), same_crop(3, 4, 2, 1), same_crop(3, 1, 2, 1)
    ((0, 1, 0), (1, 1, 0), (0, 0, 1))
    """
    n, k, s, _, _, d = _window("same_crop", n, k, s, 0, 0, d)
    surplus = effective_kernel_size(k, d) - s
    total = maximum(surplus, 0)
    lo = floor_div(total, 2)
    return lo, total - lo, maximum(-surplus, 0)


def same_lower_crop(n=n, k=k, s=s, d=d):
    """``(lo, hi, extra)`` of ``"same_lower"``: as :func:`same_crop` with the odd cell cropped low.

    >>> same_lower_crop(3, 3, 2, 1)
    (1, 0, 0)
    """
    n, k, s, _, _, d = _window("same_lower_crop", n, k, s, 0, 0, d)
    lo, hi, extra = same_crop(n, k, s, d)
    return hi, lo, extra


def full_crop(k=k, d=d):
    """``(lo, hi)`` of ``"full"``: ``d (k - 1)`` on each side (the adjoint of a ``"full"`` convolution).

    >>> full_crop(3, 1)
    (2, 2)
    """
    k, d = check_size("full_crop", "k", k), check_size("full_crop", "d", d)
    edge = effective_kernel_size(k, d) - 1
    return edge, edge


def crop_for(mode_or_pair, n=n, k=k, s=s, d=d):
    """``(lo, hi, extra)`` that a normalised padding form means on one axis (``extra`` appended high)."""
    n, k, s, _, _, d = _window("crop_for", n, k, s, 0, 0, d)
    if isinstance(mode_or_pair, str) or not isinstance(mode_or_pair, (tuple, list)):
        check_padding_form("crop_for", mode_or_pair)
    else:
        ((lo, hi),) = check_padding_form("crop_for", (mode_or_pair,))
        return lo, hi, 0
    if mode_or_pair == "valid":
        return 0, 0, 0
    if mode_or_pair == "same":
        return same_crop(n, k, s, d)
    if mode_or_pair == "same_lower":
        return same_lower_crop(n, k, s, d)
    if mode_or_pair == "full":
        return (*full_crop(k, d), 0)
    lo, hi = mode_or_pair
    return lo, hi, 0


def resolve_crop(padding: str | Pairs, input_size, kernel_size, stride, dilation) -> tuple[tuple[int, int, int], ...]:
    """One ``(lo, hi, extra)`` per spatial axis for a normalised padding.

    >>> resolve_crop("same", (3, 5), (3, 4), (2, 2), (1, 1))
    ((0, 1, 0), (1, 1, 0))
    """
    input_size, kernel_size, stride, dilation = _check_axes("resolve_crop", input_size, kernel_size, stride, dilation)
    padding = check_padding_form("resolve_crop", padding, len(input_size))
    if isinstance(padding, str):
        return tuple(crop_for(padding, *axis) for axis in zip(input_size, kernel_size, stride, dilation))
    return tuple((lo, hi, 0) for lo, hi in padding)


def conv_input_lengths(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d):
    """The input lengths ``m`` that a convolution maps to ``n`` outputs: ``first, ..., first + s - 1``.

    ``first = (n - 1) s + d (k - 1) + 1 - p_lo - p_hi``: the windows start at
    ``0, s, ..., (n - 1) s`` in the padded input, so the last one must fit and the next one
    must not; the ``s - 1`` lengths after ``first`` add cells the convolution never reads.
    Lengths below 1 are left out. A transposed convolution with the same parameters returns
    ``first + a`` (:func:`conv_transpose_output_length`): ``output_padding a = 0, ..., s - 1``
    picks the member of this set, :func:`restoring_output_padding` says which.

    Example: seed 000's "n = 5, S = 2" with a 3-tap filter: a stride-2 convolution maps
    both 5 and 6 inputs to 2 outputs.

    >>> conv_input_lengths(2, 3, 2, 0, 0, 1)
    range(5, 7)
    >>> conv_input_lengths()
    Range(d*(k - 1) - p_hi - p_lo + s*(n - 1) + 1, d*(k - 1) - p_hi - p_lo + s*(n - 1) + s + 1, 1)
    """
    n, k, s, p_lo, p_hi, d = _window("conv_input_lengths", n, k, s, p_lo, p_hi, d)
    first = full_length(n, k, s, d) - p_lo - p_hi
    if _is_symbolic(n, k, s, p_lo, p_hi, d):
        return sympy.Range(first, first + s)
    return range(max(first, 1), first + s)


def restoring_output_padding(m=m, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d):
    """The ``output_padding`` that makes a transposed convolution return a convolution's input length ``m``.

    ``a = (m + p_lo + p_hi - d (k - 1) - 1) mod s``: the cells of the padded input
    after the last window's start that the next stride step would need. Condition:
    one window fits, ``m + p_lo + p_hi >= d (k - 1) + 1``. Always ``< s``, hence allowed.

    Example: 28x28 through a 4x4, stride-2, padding-1 convolution gives 14x14; back with
    output_padding ``(28 + 2 - 4) mod 2 = 0``; a 29-long input also gives 14 and needs 1.

    >>> restoring_output_padding(28, 4, 2, 1, 1, 1), restoring_output_padding(29, 4, 2, 1, 1, 1)
    (0, 1)
    """
    m, k, s, p_lo, p_hi, d = _window("restoring_output_padding", m, k, s, p_lo, p_hi, d)
    check_span_fits("restoring_output_padding", m, k, p_lo, p_hi, d)
    value = m + p_lo + p_hi - effective_kernel_size(k, d)
    return sympy.Mod(value, s) if _is_symbolic(m, k, s, p_lo, p_hi, d) else value % s


def conv_transpose_output_shape(
    x_shape: Sequence[int],
    weight_shape: Sequence[int],
    *,
    stride: Sequence[int],
    padding: str | Pairs,
    output_padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> tuple[int, ...]:
    """``(N, C_out, *out)`` with ``C_out = weight.shape[1] * groups``, for normalised arguments.

    >>> conv_transpose_output_shape((8, 64, 28, 28), (64, 32, 4, 4), stride=(2, 2),
    ...     padding=((1, 1), (1, 1)), output_padding=(0, 0), dilation=(1, 1), groups=1)
    (8, 32, 56, 56)
    """
    op = "conv_transpose_output_shape"
    x_shape, weight_shape = _check_shapes(op, x_shape, weight_shape)
    kernel = tuple(weight_shape[2:])
    _, kernel, stride, dilation = _check_axes(op, x_shape[2:], kernel, stride, dilation)
    output_padding = check_sizes(op, "output_padding", output_padding, minimum=0, length=len(kernel))
    groups = _check_groups(op, groups, ("C_in", x_shape[1]))
    if not _is_symbolic(x_shape[1], weight_shape[0]) and x_shape[1] != weight_shape[0]:
        raise ValueError(f"{op}: weight_shape[0] must be C_in = x_shape[1] = {x_shape[1]}, got {weight_shape!r}")
    if padding in ("same", "same_lower") and any(a_ != 0 for a_ in output_padding):
        raise ValueError(f"{op}: output_padding must be 0 with padding={padding!r}, got {output_padding!r}")
    crops = resolve_crop(padding, x_shape[2:], kernel, stride, dilation)
    spatial = tuple(
        conv_transpose_output_length(n_, k_, s_, lo, hi, d_, a_ + extra)
        for n_, k_, s_, (lo, hi, extra), d_, a_ in zip(x_shape[2:], kernel, stride, crops, dilation, output_padding)
    )
    return (x_shape[0], weight_shape[1] * groups, *spatial)


def conv_transpose_parameter_count(c_in=c_in, c_out=c_out, kernel_size=(k, k), groups=1, bias=True):
    """Weights plus biases: ``C_in * (C_out / g) * prod(kernel) + C_out``.

    The same number as the convolution it transposes (same weight tensor, bias on the
    other side). Example: ``ConvTranspose2d(64, 32, 4)``: ``64 * 32 * 16 + 32 = 32800``.

    >>> conv_transpose_parameter_count(64, 32, (4, 4))
    32800
    """
    op = "conv_transpose_parameter_count"
    c_in, c_out = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out)
    kernel_size, bias = check_sizes(op, "kernel_size", kernel_size), check_flag(op, "bias", bias)
    groups = _check_groups(op, groups, ("c_in", c_in), ("c_out", c_out))
    weights = c_in * _per_group(c_out, groups) * math.prod(kernel_size)
    return weights + (c_out if bias else 0)


def conv_transpose_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), input_size=(n, n), groups=1, batch=1):
    """Real multiplications: ``N * C_in * prod(input) * (C_out / g) * prod(kernel)``.

    Counting convention: every input element is multiplied by every tap of its group's
    kernels (the scatter), once; products that land in cropped cells (``padding``) still
    count, as a direct implementation computes them; multiplications by inserted zeros do
    not exist and do not count; bias additions are not multiply-adds. This is
    ``torch.utils.flop_counter``'s count (it reports twice this as FLOPs). A count of
    "output size x kernel", as for a convolution, is :func:`zero_insertion_multiply_adds`,
    about ``prod(stride)`` times too many.

    Example: 8x64x28x28 to 32 channels, 4x4 kernel, stride 2, padding 1:
    ``8 * 64 * 784 * 32 * 16 = 205520896``.

    >>> conv_transpose_multiply_adds(64, 32, (4, 4), (28, 28), 1, 8)
    205520896
    """
    op = "conv_transpose_multiply_adds"
    c_in, c_out, batch = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out), check_size(op, "batch", batch)
    kernel_size = check_sizes(op, "kernel_size", kernel_size)
    input_size = check_sizes(op, "input_size", input_size, length=len(kernel_size))
    groups = _check_groups(op, groups, ("c_in", c_in), ("c_out", c_out))
    return batch * c_in * math.prod(input_size) * _per_group(c_out, groups) * math.prod(kernel_size)


def zero_insertion_multiply_adds(c_in=c_in, c_out=c_out, kernel_size=(k, k), output_size=(n, n), groups=1, batch=1):
    """Multiplications of the zero-insertion view: ``N * C_out * prod(output) * (C_in / g) * prod(kernel)``.

    Computing a transposed convolution as a stride-1 correlation over the zero-inserted,
    padded input performs this many products, most of them with inserted zeros; it is
    what a convolution-style "output x kernel" summary reports. Not the cost of the
    operation (:func:`conv_transpose_multiply_adds` is). The DCGAN block above:
    ``8 * 32 * 56 * 56 * 64 * 16 = 822083584``, 4 = 2 * 2 times the real count.

    >>> zero_insertion_multiply_adds(64, 32, (4, 4), (56, 56), 1, 8)
    822083584
    """
    op = "zero_insertion_multiply_adds"
    c_in, c_out, batch = check_size(op, "c_in", c_in), check_size(op, "c_out", c_out), check_size(op, "batch", batch)
    kernel_size = check_sizes(op, "kernel_size", kernel_size)
    output_size = check_sizes(op, "output_size", output_size, length=len(kernel_size))
    groups = _check_groups(op, groups, ("c_in", c_in), ("c_out", c_out))
    return batch * c_out * math.prod(output_size) * _per_group(c_in, groups) * math.prod(kernel_size)


# ---------------------------------------------------------------------------------------
# Argument checks (shared by the reference and the accelerated implementation)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvTransposeArguments:
    """The checked, normalised arguments of one ``conv_transpose`` call."""

    batch: int
    in_channels: int
    out_channels: int
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: str | Pairs
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)


def check_conv_transpose_arguments(
    op: str,
    x_shape: Sequence[int],
    weight_shape: Sequence[int],
    bias_shape: Sequence[int] | None,
    *,
    stride: object,
    padding: object,
    output_padding: object,
    dilation: object,
    groups: object,
) -> ConvTransposeArguments:
    """Check the arguments of a transposed convolution and normalise them.

    Shapes only (dtype and container checks belong to each implementation). Rules:
    ``x`` is ``(N, C_in, *spatial)``; ``weight`` is ``(C_in, C_out / groups, *kernel)``
    with ``weight.shape[0] == C_in``; ``groups`` divides ``C_in``; ``bias`` is
    ``(C_out,)`` with ``C_out = weight.shape[1] * groups``; ``0 <= output_padding <
    max(stride, dilation)`` per axis and 0 with ``"same"``/``"same_lower"``; the output is
    not empty along any axis.
    """
    x_shape, weight_shape = tuple(x_shape), tuple(weight_shape)
    spatial, groups = check_weight_and_groups(op, x_shape, weight_shape, groups, "weight", "(C_in, C_out/groups, *kernel)")
    in_channels = x_shape[1]
    if weight_shape[0] != in_channels:
        raise ValueError(
            f"{op}: weight.shape[0] must be C_in = {in_channels} (a transposed convolution's weight is "
            f"(C_in, C_out/groups, *kernel)), got weight shape {weight_shape!r} for x shape {x_shape!r}"
        )
    if in_channels % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide the input channels C_in={in_channels} (x shape {x_shape!r})"
        )
    out_channels = weight_shape[1] * groups
    if bias_shape is not None and tuple(bias_shape) != (out_channels,):
        raise ValueError(
            f"{op}: bias must have shape (C_out,) = ({out_channels},) (C_out = weight.shape[1] * groups = "
            f"{weight_shape[1]} * {groups}), got {tuple(bias_shape)!r}"
        )
    stride_t = int_per_axis(op, "stride", stride, spatial, minimum=1)
    dilation_t = int_per_axis(op, "dilation", dilation, spatial, minimum=1)
    output_padding_t = int_per_axis(op, "output_padding", output_padding, spatial, minimum=0)
    padding_n = normalize_padding(op, padding, spatial)
    kernel, input_size = weight_shape[2:], x_shape[2:]
    for axis, (a_, s_, d_) in enumerate(zip(output_padding_t, stride_t, dilation_t)):
        if a_ >= max(s_, d_):
            raise ValueError(
                f"{op}: output_padding must be smaller than max(stride, dilation) on every spatial dim; "
                f"got output_padding={output_padding!r}, which is {a_} on spatial dim {axis} where stride is "
                f"{s_} and dilation is {d_}"
            )
    if padding_n in ("same", "same_lower") and any(output_padding_t):
        raise ValueError(
            f"{op}: output_padding must be 0 with padding={padding_n!r} (the output length is input * stride), "
            f"got output_padding={output_padding!r}"
        )
    crops = resolve_crop(padding_n, input_size, kernel, stride_t, dilation_t)
    for axis, (n_, k_, s_, d_, a_, (lo, hi, extra)) in enumerate(
        zip(input_size, kernel, stride_t, dilation_t, output_padding_t, crops)
    ):
        length = full_length(n_, k_, s_, d_) - lo - hi + a_ + extra
        if length < 1:
            raise ValueError(
                f"{op}: the output would be empty along spatial dim {axis}: (n - 1) * stride + dilation * "
                f"(k - 1) + 1 + output_padding - lo - hi = ({n_} - 1) * {s_} + {d_} * ({k_} - 1) + 1 + {a_} "
                f"- {lo} - {hi} = {length}; padding={padding!r} crops more than the output has"
            )
    return ConvTransposeArguments(
        batch=x_shape[0],
        in_channels=in_channels,
        out_channels=out_channels,
        input_size=input_size,
        kernel_size=kernel,
        stride=stride_t,
        padding=padding_n,
        output_padding=output_padding_t,
        dilation=dilation_t,
        groups=groups,
    )


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

NON_FINITE: dict[str, str] = {
    "conv_transpose": (
        "**x**: a NaN at ``x[b, c, p]`` **must** make NaN exactly the outputs ``y[b, o, q]`` of the "
        "output channels ``o`` of ``c``'s group at the positions ``q = p·stride + k·dilation - "
        "padding_lo`` (per axis, every tap ``k``, inside the cropped output) that it is scattered "
        "to, whatever the weight (``0 · NaN = NaN``); every other output stays finite (the output "
        "positions between the scattered copies too). A ±inf there reaches the same outputs as "
        "±inf (the sign of ``inf · w``), NaN for a zero weight or where opposite infinities meet. "
        "**weight**: a NaN in ``weight[c, o', k]`` makes NaN the outputs of channel ``o`` (``o'`` "
        "within ``c``'s group) at ``q = p·stride + k·dilation - padding_lo`` for *every* input "
        "position ``p``, in every batch entry; other positions of channel ``o`` stay finite. "
        "**bias**: a non-finite ``bias[o]`` is added to every output of channel ``o``. No NaN "
        "crosses from one group to another (torch 2.13's CPU bfloat16 grouped transposed "
        "convolution leaks one across channels; the accelerated implementation **must** not). "
        "Finite inputs: the sums **may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
}
