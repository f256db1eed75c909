"""Closed forms and argument checks for the pooling family: max_pool, avg_pool, global_max_pool, global_avg_pool.

A pooling window slides over the input exactly as a correlation kernel does
(:mod:`convspec.spec.conv`): window ``o`` along one axis starts at input position
``o*s - p_lo`` (negative positions are padding) and has ``k`` taps ``d`` apart.
Instead of a weighted sum, a window yields the maximum or the average of the input
cells under its taps. Pooling has no parameters (seed 000: "does not contain
parameters; it's a fixed function"; seed 002's Keras summary lists 0 for every
``MaxPooling2D``).

Every function here is a formula: called with sympy symbols it returns the sympy
expression (the defaults are the symbols below), called with Python ints it
evaluates to an ``int``. The reference never calls the size formulas: it
enumerates the windows itself, and the tests hold the two derivations against
each other.

Symbols (one spatial axis): ``n`` input length, ``k`` kernel (window) size, ``s``
stride, ``d`` dilation (max_pool, and avg_pool as ONNX ``AveragePool`` ``dilations``), ``p_lo``/``p_hi``
padding before/after, ``o`` an output position.

Conventions (RFC 2119 words; layout and padding forms: :mod:`convspec.spec.conventions`)
-----------------------------------------------------------------------------------------
* ``stride=None`` (the default) **must** mean ``stride = kernel_size``
  (non-overlapping windows: torch, Keras, ONNX).
* ``padding`` takes every form of the conventions. The modes are defined exactly as
  there, with the window's (dilated) span in the place of the kernel's:
  ``"valid"`` (none), ``"same"`` (output ``ceil(n/s)``, odd leftover high: Keras/TF
  ``padding="same"``, ONNX ``SAME_UPPER``), ``"same_lower"`` (ONNX ``SAME_LOWER``),
  ``"full"`` (``d(k-1)`` on both sides: every window that overlaps the input).
* Padded cells hold no value: for max_pool they act as ``-inf`` and **never win**
  (an index always names an input cell); for avg_pool they add nothing to the sum
  and ``count_include_pad`` says whether they count in the divisor.
* ``ceil_mode=True``: after the windows that fit in the padded input, one more
  window is added when the padded input has cells left over at the end **and**
  that window starts inside the input or the left padding (PyTorch's rule); it
  overhangs the end of the padded input. Closed form: :func:`pool_output_length`.
* Every window **must** hold at least one input cell (a maximum over padding only
  is undefined, and with ``count_include_pad=False`` its average would be 0/0).
  convspec checks exactly that and nothing stricter: :func:`check_pool_arguments`.
  PyTorch instead requires ``padding <= kernel_size // 2`` (undilated kernel); every
  call PyTorch accepts and computes meaningfully convspec accepts too, and convspec
  also accepts larger padding up to the dilated reach ``d(k-1)`` ("full").
  PyTorch (2.13) accepts some dilated calls whose windows fall between input cells
  (n=2, k=2, d=3, padding=1) and returns -inf with index 2, outside the input;
  convspec refuses them. PyTorch in ceil mode also accepts inputs shorter than the
  window (one overhanging window); convspec requires the padded input to hold the
  (dilated) window, as for convolution.
* max_pool ties: the index **must** name the *first* maximal input cell in
  row-major scan order of the window's taps. NaN **must** propagate: a window
  holding a NaN gives NaN, and its index **must** name the *last* NaN in scan order.
  Both are what PyTorch's CPU and CUDA kernels compute (they scan the taps in order
  and replace the current winner when ``value > winner or isnan(value)``).
* max_pool indices are int64, flat per ``(n, c)`` plane over the *unpadded* input
  (``i_0 * n_1 * n_2 ... + i_1 * n_2 ... + ...``), as ``torch.nn.functional.max_pool*d``
  and ``max_unpool*d`` use them.
* avg_pool divisor of the window at output position ``o`` (one factor per axis;
  :func:`avg_pool_window_count`): ``divisor_override`` when given (any positive
  int up to ``2**63 - 1``, PyTorch's int64, whatever the window holds; a larger one
  is refused, as PyTorch refuses it); else with ``count_include_pad=True`` the number
  of the window's cells that lie inside the *padded* input ``[-p_lo, n + p_hi)``,
  and with ``count_include_pad=False`` the number inside the input ``[0, n)``.
  The part of a ceil-mode window beyond the padded input counts in neither. With
  symmetric padding this is exactly PyTorch's ``avg_pool{1,2,3}d``; with per-side
  padding it is the same rule with ``p_lo`` and ``p_hi`` in place of ``p``. With
  ``dilation > 1`` (ONNX ``AveragePool`` ``dilations``; PyTorch's avg_pool has none)
  the window's cells are its ``k`` taps ``d`` apart, as max_pool's, and the divisor
  counts taps, never the cells between them: ``n = 5, k = 2, d = 2`` averages
  ``x[0], x[2]`` and ``x[2], x[4]`` (stride 2), each over 2.
* global pools reduce over every spatial axis and keep them: the output is
  ``(N, C, 1, ..., 1)`` (PyTorch ``adaptive_*_pool(x, 1)``, Keras ``keepdims=True``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .symbolic import is_symbolic, symbols, sympy

from .conv import _window, ceil_div, conv_output_length, effective_kernel_size, resolve_padding
from .conventions import (
    Pairs,
    check_flag,
    check_input_rank,
    check_size,
    check_sizes,
    check_span_fits,
    check_windows_fit,
    int_per_axis,
    normalize_padding,
)

n, k, s, d, o = symbols("n k s d o", integer=True, positive=True)
p_lo, p_hi = symbols("p_lo p_hi", integer=True, nonnegative=True)
c, batch = symbols("C N", integer=True, positive=True)


def _is_symbolic(*values: object) -> bool:
    return is_symbolic(*values)


def _minimum(a, b):
    return sympy.Min(a, b) if _is_symbolic(a, b) else min(a, b)


def _maximum(a, b):
    return sympy.Max(a, b) if _is_symbolic(a, b) else max(a, b)


def pool_output_length(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d, ceil_mode=False):
    """Number of pooling windows along one axis.

    Floor mode: ``floor((n + p_lo + p_hi - d(k-1) - 1) / s) + 1``, the windows that
    fit in the padded input: exactly :func:`convspec.spec.conv.conv_output_length`
    with the same window.

    Ceil mode: ``c + 1`` with ``c = ceil((n + p_lo + p_hi - d(k-1) - 1) / s)``, minus one
    when that last window would start at or past the end of the input, i.e. in the
    right padding: ``c * s >= n + p_lo`` (start ``c*s - p_lo`` in input coordinates),
    and it is the extra, overhanging window (``c * s > n + p_lo + p_hi - d(k-1) - 1``,
    i.e. ``s`` does not divide the leftover): a window that fits in the padded input is
    never dropped, so ceil mode never has fewer windows than floor mode. (PyTorch's
    symmetric ``padding <= k // 2`` cannot put a fitting window in the right padding, so
    there the two readings agree; per-side padding ``p_hi > d(k-1)`` can, and such a call
    is refused by :func:`check_pool_arguments` in both modes.)

    Conditions: n + p_lo + p_hi >= d(k-1) + 1, and every window holds an input cell
    (:func:`check_pool_arguments`).

    Examples: seed 002's Keras summary pools 11 to 5 (2x2, stride 2); ceil mode
    gives 6, the last window holding only the 11th cell. Seed 000's 4x4 input pools
    to 2x2 either way. n = 6, k = 3, s = 2, padding 1: ceil mode adds a 4th window
    starting at input position 5 (``c = ceil(5/2) = 3``, ``3*2 = 6 < 7``). n = 5, k = 2,
    s = 2, padding 1: the 4th candidate (``c = ceil(5/2) = 3``) would start at input
    position ``3*2 - 1 = 5``, in the right padding (``6 >= 5 + 1``), and is dropped.

    >>> pool_output_length(11, 2, 2, 0, 0, 1), pool_output_length(11, 2, 2, 0, 0, 1, ceil_mode=True)
    (5, 6)
    >>> pool_output_length(6, 3, 2, 1, 1, 1, ceil_mode=True), pool_output_length(5, 2, 2, 1, 1, 1, ceil_mode=True)
    (4, 3)
    >>> pool_output_length(1, 1, 1, 0, 1, 1), pool_output_length(1, 1, 1, 0, 1, 1, ceil_mode=True)
    (2, 2)
    """
    op = "pool_output_length"
    n, k, s, p_lo, p_hi, d = _window(op, n, k, s, p_lo, p_hi, d)
    ceil_mode = check_flag(op, "ceil_mode", ceil_mode)
    check_span_fits(op, n, k, p_lo, p_hi, d)
    if not ceil_mode:
        return conv_output_length(n, k, s, p_lo, p_hi, d)
    leftover = n + p_lo + p_hi - effective_kernel_size(k, d)
    last = ceil_div(leftover, s)  # index of the last candidate window
    if _is_symbolic(n, k, s, p_lo, p_hi, d):
        return sympy.Piecewise((last, sympy.And(last * s >= n + p_lo, last * s > leftover)), (last + 1, True))
    return last + 1 - (last * s >= n + p_lo and last * s > leftover)


def pool_window_start(o=o, s=s, p_lo=p_lo):
    """Input position of window ``o``'s first tap: ``o*s - p_lo`` (negative: in the left padding).

    >>> pool_window_start(0, 2, 1), pool_window_start(3, 2, 1)
    (-1, 5)
    """
    o = check_size("pool_window_start", "o", o, minimum=0)
    s, p_lo = check_size("pool_window_start", "s", s), check_size("pool_window_start", "p_lo", p_lo, minimum=0)
    return o * s - p_lo


def pool_last_window_start(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d, ceil_mode=False):
    """Input position where the last window starts: ``(L - 1) s - p_lo``, L = :func:`pool_output_length`.

    The windows hold an input cell on the right only if this is ``< n``.

    >>> pool_last_window_start(11, 2, 2, 0, 0, 1, ceil_mode=True)
    10
    """
    n, k, s, p_lo, p_hi, d = _window("pool_last_window_start", n, k, s, p_lo, p_hi, d)
    check_span_fits("pool_last_window_start", n, k, p_lo, p_hi, d)
    return pool_window_start(pool_output_length(n, k, s, p_lo, p_hi, d, ceil_mode) - 1, s, p_lo)


def pool_padding_limit(k=k, d=d):
    """The most padding one side may have: ``d (k - 1)``, the reach of a dilated window ("full" padding).

    With more, the first (or last) window would hold padding only. Example: a 3-tap
    window may have 2 cells of padding on a side (PyTorch allows ``3 // 2 = 1``).

    >>> pool_padding_limit(3, 1), pool_padding_limit(2, 3)
    (2, 3)
    """
    k, d = check_size("pool_padding_limit", "k", k), check_size("pool_padding_limit", "d", d)
    return d * (k - 1)


def pool_padding_condition(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, d=d, ceil_mode=False):
    """Every window holds at least one input cell, for ``n >= d`` (always so without dilation).

    ``p_lo <= d(k-1)`` (the first window reaches the input) and the last window
    starts inside the input (:func:`pool_last_window_start` ``< n``). For ``n >= d``
    every window in between reaches the input too. For ``n < d`` (dilation gaps
    wider than the input) a window starting in the left padding at ``a < 0`` also
    needs ``a mod d < n``: its taps hit positions ``a mod d + j d`` only; this part
    is checked window by window in :func:`check_pool_arguments`.

    >>> bool(pool_padding_condition(5, 3, 2, 2, 2, 1))
    True
    >>> bool(pool_padding_condition(5, 3, 2, 3, 0, 1))
    False
    """
    op = "pool_padding_condition"
    n, k, s, p_lo, p_hi, d = _window(op, n, k, s, p_lo, p_hi, d)
    check_span_fits(op, n, k, p_lo, p_hi, d)
    return sympy.And(
        sympy.Le(p_lo, pool_padding_limit(k, d)),
        sympy.Lt(pool_last_window_start(n, k, s, p_lo, p_hi, d, ceil_mode), n),
    )


def avg_pool_window_count(o=o, n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi, count_include_pad=True, d=1):
    """avg_pool's divisor along one axis for window ``o`` (the divisor is the product over axes).

    Dilated (``d > 1``): the taps ``a + j d``, ``j = 0 .. k - 1``, that lie in the padded
    input, ``min(k, ceil((n + p_hi - a) / d))``, or in the input,
    ``min(k, ceil((n - a) / d)) - max(0, ceil(-a / d))``: n = 5, k = 2, d = 2, padding 1,
    stride 1, window 0 (taps -1, 1): 2 with the padding counted, 1 without.

    The window covers positions ``a .. a + k - 1`` with ``a = o*s - p_lo``. With
    ``count_include_pad=True`` it counts those inside the padded input
    ``[-p_lo, n + p_hi)``: ``min(a + k, n + p_hi) - a`` (a window never starts before
    ``-p_lo``); with ``False`` those inside the input: ``min(a + k, n) - max(a, 0)``.
    Only a ceil-mode window can overhang ``n + p_hi``; that part never counts.

    Example: n = 6, k = 3, s = 2, padding 1, ceil mode: the 4th window (o = 3) starts
    at 5 and covers 5, 6, 7: position 5 is input, 6 right padding, 7 beyond. It counts
    2 with count_include_pad (PyTorch: 1/2 for an input of ones), 1 without.

    >>> avg_pool_window_count(3, 6, 3, 2, 1, 1, True), avg_pool_window_count(3, 6, 3, 2, 1, 1, False)
    (2, 1)
    >>> avg_pool_window_count(0, 3, 3, 1, 2, 0, True), avg_pool_window_count(0, 3, 3, 1, 2, 0, False)
    (3, 1)
    >>> avg_pool_window_count(0, 5, 2, 1, 1, 1, True, 2), avg_pool_window_count(0, 5, 2, 1, 1, 1, False, 2)
    (2, 1)
    """
    op = "avg_pool_window_count"
    o = check_size(op, "o", o, minimum=0)
    n, k, s, p_lo, p_hi, d = _window(op, n, k, s, p_lo, p_hi, d)
    count_include_pad = check_flag(op, "count_include_pad", count_include_pad)
    start = pool_window_start(o, s, p_lo)
    if d != 1:
        if count_include_pad:
            return _minimum(k, ceil_div(n + p_hi - start, d))
        return _minimum(k, ceil_div(n - start, d)) - _maximum(0, ceil_div(-start, d))
    if count_include_pad:
        return _minimum(start + k, n + p_hi) - start
    return _minimum(start + k, n) - _maximum(start, 0)


def pool_parameter_count():
    """Pooling layers have no parameters: 0 (seed 000; seed 002's ``MaxPooling2D ... 0``).

    >>> pool_parameter_count()
    0
    """
    return 0


def _counts(op, kernel_size, output_size, channels, batch):
    output_size = check_sizes(op, "output_size", output_size)
    if kernel_size is not None:
        kernel_size = check_sizes(op, "kernel_size", kernel_size, length=len(output_size))
    return kernel_size, output_size, check_size(op, "channels", channels), check_size(op, "batch", batch)


def max_pool_comparisons(kernel_size=(k, k), output_size=(n, n), channels=c, batch=batch):
    """Comparisons of a dense max pool: ``N C prod(out) (prod(kernel) - 1)``.

    Every tap of every window counts, padded ones included (as multiply-add counts
    of convolution count padded taps). Seed 000's 4x4 example, 2x2 windows, stride 2:
    4 windows of 3 comparisons.

    >>> max_pool_comparisons((2, 2), (2, 2), 1, 1)
    12
    """
    kernel_size, output_size, channels, batch = _counts("max_pool_comparisons", kernel_size, output_size, channels, batch)
    return batch * channels * math.prod(output_size) * (math.prod(kernel_size) - 1)


def avg_pool_additions(kernel_size=(k, k), output_size=(n, n), channels=c, batch=batch):
    """Additions of a dense average pool: ``N C prod(out) (prod(kernel) - 1)``; plus one division per output.

    >>> avg_pool_additions((2, 2), (2, 2), 1, 1), avg_pool_divisions((2, 2), 1, 1)
    (12, 4)
    """
    kernel_size, output_size, channels, batch = _counts("avg_pool_additions", kernel_size, output_size, channels, batch)
    return batch * channels * math.prod(output_size) * (math.prod(kernel_size) - 1)


def avg_pool_divisions(output_size=(n, n), channels=c, batch=batch):
    """One division per output value: ``N C prod(out)``.

    >>> avg_pool_divisions((14, 14), 6, 1)
    1176
    """
    _, output_size, channels, batch = _counts("avg_pool_divisions", None, output_size, channels, batch)
    return batch * channels * math.prod(output_size)


def global_pool_output_shape(x_shape: Sequence[int]) -> tuple[int, ...]:
    """``(N, C, 1, ..., 1)``: one value per channel, the spatial axes kept with length 1.

    >>> global_pool_output_shape((2, 3, 7, 5))
    (2, 3, 1, 1)
    """
    x_shape = check_sizes("global_pool_output_shape", "x_shape", x_shape, minimum=0)
    check_input_rank("global_pool_output_shape", "x_shape", x_shape)
    return (x_shape[0], x_shape[1]) + (1,) * (len(x_shape) - 2)


@dataclass(frozen=True)
class PoolArguments:
    """The checked, normalised arguments of one max_pool/avg_pool call."""

    batch: int
    channels: int
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: str | Pairs  # as normalised by the conventions (a mode string is not resolved here)
    dilation: tuple[int, ...]
    ceil_mode: bool
    count_include_pad: bool
    divisor_override: int | None
    return_indices: bool

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)


def _check_args(op: str, args: object) -> None:
    if not isinstance(args, PoolArguments):
        raise TypeError(
            f"{op}: args must be the PoolArguments that check_pool_arguments returns, got {args!r} of type "
            f"{type(args).__name__}"
        )


def pool_padding(args: PoolArguments) -> Pairs:
    """The ``(lo, hi)`` per axis that ``args.padding`` resolves to (modes use the dilated window)."""
    _check_args("pool_padding", args)
    return resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)


def pool_output_size(args: PoolArguments) -> tuple[int, ...]:
    """The spatial output size, one :func:`pool_output_length` per axis."""
    _check_args("pool_output_size", args)
    return tuple(
        pool_output_length(n_, k_, s_, lo, hi, d_, args.ceil_mode)
        for n_, k_, s_, (lo, hi), d_ in zip(args.input_size, args.kernel_size, args.stride, pool_padding(args), args.dilation)
    )


def pool_output_shape(args: PoolArguments) -> tuple[int, ...]:
    """``(N, C, *out)`` of max_pool/avg_pool (max_pool's indices have the same shape)."""
    _check_args("pool_output_shape", args)
    return (args.batch, args.channels, *pool_output_size(args))


def check_pool_arguments(
    op: str,
    x_shape: Sequence[int],
    kernel_size: object,
    *,
    stride: object = None,
    padding: object = 0,
    dilation: object = 1,
    ceil_mode: object = False,
    count_include_pad: object = True,
    divisor_override: object = None,
    return_indices: object = False,
) -> PoolArguments:
    """Check the arguments of a max_pool/avg_pool call and normalise them.

    Shapes only (dtype and container checks belong to each implementation). In order:
    ``x`` is ``(N, C, *spatial)``; ``kernel_size``, ``stride`` (``None``: the kernel
    size) and ``dilation`` are positive ints, one or one per axis; ``padding`` is a
    conventions padding form; the flags are bools; ``divisor_override`` is ``None`` or
    a positive int; the (dilated) window fits in the padded input; every window holds
    at least one input cell (see :func:`pool_padding_condition`).
    """
    x_shape = tuple(x_shape)
    check_input_rank(op, "x", x_shape)
    spatial = len(x_shape) - 2
    kernel = int_per_axis(op, "kernel_size", kernel_size, spatial, minimum=1)
    strides = kernel if stride is None else int_per_axis(op, "stride", stride, spatial, minimum=1)
    dilations = int_per_axis(op, "dilation", dilation, spatial, minimum=1)
    padding_n = normalize_padding(op, padding, spatial)
    flags = {
        name: check_flag(op, name, value)
        for name, value in (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad), ("return_indices", return_indices))
    }
    if divisor_override is not None:
        if isinstance(divisor_override, (tuple, list)):
            raise TypeError(f"{op}: divisor_override must be None or one int, got {divisor_override!r}")
        (divisor_override,) = int_per_axis(op, "divisor_override", divisor_override, 1, minimum=1)
        if divisor_override > 2**63 - 1:
            raise ValueError(
                f"{op}: divisor_override must be at most 2**63 - 1 (an int64, as PyTorch's), got {divisor_override!r}"
            )
    input_size = x_shape[2:]
    check_windows_fit(op, input_size, kernel, padding_n, dilations)
    args = PoolArguments(
        batch=x_shape[0],
        channels=x_shape[1],
        input_size=input_size,
        kernel_size=kernel,
        stride=strides,
        padding=padding_n,
        dilation=dilations,
        ceil_mode=flags["ceil_mode"],
        count_include_pad=flags["count_include_pad"],
        divisor_override=divisor_override,
        return_indices=flags["return_indices"],
    )
    _check_every_window_holds_input(op, args, padding)
    return args


def _check_every_window_holds_input(op: str, args: PoolArguments, padding: object) -> None:
    pads = pool_padding(args)
    for axis, (n_, k_, s_, (lo, hi), d_) in enumerate(zip(args.input_size, args.kernel_size, args.stride, pads, args.dilation)):
        limit = pool_padding_limit(k_, d_)
        where = f"padding={padding!r} puts {{}} cell(s) {{}} spatial dim {axis}"
        rule = "every window must hold at least one input cell"
        if lo > limit:
            raise ValueError(
                f"{op}: {where.format(lo, 'before')}, more than the window's reach d*(k-1) = {d_}*({k_}-1) = {limit}: "
                f"the first window would hold only padding; {rule} (at most d*(k-1) on each side, what 'full' pads)"
            )
        last = pool_last_window_start(n_, k_, s_, lo, hi, d_, args.ceil_mode)
        if last >= n_:
            raise ValueError(
                f"{op}: {where.format(hi, 'after')}: the last window would start at {last}, past the input's end "
                f"(length {n_}), and hold only padding; {rule}"
            )
        if n_ < d_:  # dilation gaps wider than the input: a window in the left padding may jump over it
            for start in range(-lo, min(0, last + 1), s_):  # the windows that start in the left padding
                if start % d_ >= n_:  # its first tap at or after 0 is at start mod d
                    taps = [start + d_ * j for j in range(k_)]
                    raise ValueError(
                        f"{op}: with dilation {d_} wider than the input (length {n_}) along spatial dim {axis}, "
                        f"the window starting at {start} (padding={padding!r}) has taps {taps}, none in 0..{n_ - 1}; "
                        f"{rule}"
                    )


def check_global_pool_arguments(op: str, x_shape: Sequence[int]) -> None:
    """``x`` is ``(N, C, *spatial)`` with at least one spatial axis and no empty axis."""
    check_input_rank(op, "x", tuple(x_shape))



# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

NON_FINITE: dict[str, str] = {
    "max_pool": (
        "A NaN at ``x[b, c, p]`` **must** make NaN exactly the outputs ``y[b, c, o]`` whose window "
        "holds ``p`` (an input cell, not padding), and their index **must** name the window's last "
        "NaN in scan order. A ``+inf`` wins its windows: ``+inf``, index of the first ``+inf`` unless "
        "a NaN is there. A ``-inf`` never wins unless every input cell of the window is ``-inf`` "
        "(then ``-inf``, index of the first cell); padding never wins. No arithmetic: values are copied."
    ),
    "avg_pool": (
        "A NaN at ``x[b, c, p]`` **must** make NaN exactly the outputs ``y[b, c, o]`` whose window "
        "holds ``p`` on the input (padding cells add nothing); every other output stays finite. A "
        "±inf there makes those outputs ±inf, NaN where ``+inf`` and ``-inf`` share a window; the "
        "divisor (``count_include_pad``, ``divisor_override``) never changes which outputs are "
        "reached. Finite inputs: the window sums **may** overflow "
        "(:data:`convspec.spec.non_finite.OVERFLOW`, ``Σ|x|`` over the window)."
    ),
    "global_max_pool": (
        "Per ``(b, c)`` plane, no arithmetic: the output **must** be NaN if the plane holds a NaN, else "
        "``+inf`` if it holds one, else its maximum (``-inf`` only for a plane of ``-inf``). Other "
        "planes are not affected."
    ),
    "global_avg_pool": (
        "Per ``(b, c)`` plane: the output **must** be NaN if the plane holds a NaN or both ``+inf`` and "
        "``-inf``, else ±inf if it holds that infinity; other planes are not affected. Finite inputs: the plane's sum "
        "**may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`, ``Σ|x|`` over the plane): "
        "a float32 plane of ``3e38`` averages to ``3e38`` in the reference and to ``inf`` in the "
        "accelerated path, which sums in float32 (a float64 sum or a pre-scaled ``x / n`` would "
        "cost it 2 to 4 times the time)."
    ),
}
