"""Closed forms and argument checks for the unpooling family: max_unpool, avg_unpool, first_unpool.

Unpooling goes back from a pooled map to the resolution before pooling (seed 004,
"Up-sampling"). Pooled position ``o`` of one axis owns the block (the pooling
window) of output cells ``o*s - p_lo ... o*s - p_lo + k - 1``; the three
operations differ in what they write into it:

* ``max_unpool`` (switches): the value goes to the one cell max-pooling recorded,
  ``indices``, flat per ``(n, c)`` plane over the unpadded output; zeros elsewhere.
* ``avg_unpool``: the value is copied into every cell of its block; where blocks
  overlap (stride < kernel) the copies add up.
* ``first_unpool`` (no switches): the value goes to the first (top-left) cell of
  its block; zeros elsewhere.

Every function here is a formula: called with sympy symbols it returns the
expression (the defaults are the symbols below), called with ints it returns an
int (or a ``range``). The reference never calls the size formulas: it enumerates
window positions and the tests hold the two derivations against each other.

Symbols (one spatial axis): ``n`` the length of the pooled map (unpooling's
input), ``k`` kernel size, ``s`` stride, ``p_lo``/``p_hi`` the padding the pooling
used before/after, ``L`` a candidate output length.

Which output lengths are possible
---------------------------------
Pooling is many-to-one in the length: every ``L`` with
``conv_output_length(L, k, s, p_lo, p_hi) == n`` pools to ``n``. Writing
``D = (n - 1) s - p_lo - p_hi + k`` (torch's default unpooling size), the pooled
length of ``L`` is ``floor((L + p_lo + p_hi - k) / s) + 1``, which equals ``n``
exactly when ``(n - 1) s <= L + p_lo + p_hi - k < n s``, i.e. ``D <= L < D + s``.
So the valid output lengths are the ``s`` consecutive integers
``max(D, 1) <= L < D + s``; the default is the smallest, ``max(D, 1)``.
``output_size`` must pick one of them (PyTorch accepts ``D - s < L < D + s``, which
includes ``s - 1`` lengths that pool to ``n - 1``, not ``n``; convspec refuses those).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .symbolic import is_symbolic, symbols, sympy

from .conv import _window, ceil_div, conv_output_length, maximum
from .conventions import Pairs, _as_int, check_input_rank, check_size, int_per_axis, normalize_padding
from .memo import memoised

n, k, s, L = symbols("n k s L", integer=True, positive=True)
p_lo, p_hi = symbols("p_lo p_hi", integer=True, nonnegative=True)


def _is_symbolic(*values: object) -> bool:
    return is_symbolic(*values)


@memoised
def _unpool_window(op, n, k, s, p_lo, p_hi):
    n, k, s, p_lo, p_hi, _ = _window(op, n, k, s, p_lo, p_hi, 1)
    return n, k, s, p_lo, p_hi


def _check_some_length(op, n, k, s, p_lo, p_hi):
    """Some output length pools to ``n`` (:func:`unpool_valid_lengths_condition`), where decidable."""
    room = (n - 1) * s - p_lo - p_hi + k + s - 2
    if (room.is_negative if _is_symbolic(room) else room < 0):
        raise ValueError(
            f"{op}: no output length pools to n={n} with k={k}, s={s} and padding (p_lo, p_hi) = ({p_lo}, {p_hi}); "
            f"the padding must satisfy p_lo + p_hi <= n*s + k - 2 = {n * s + k - 2}"
        )


def unpool_formula_length(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi):
    """``D = (n - 1) s - p_lo - p_hi + k``: the shortest input that pools to ``n`` (when >= 1).

    This is PyTorch's ``MaxUnpool`` default and the size a transposed convolution
    with the same window produces. Example: 3 pooled values, kernel 3, stride 2,
    padding 1 on both sides: ``2 * 2 - 2 + 3 = 5``.

    >>> unpool_formula_length(3, 3, 2, 1, 1)
    5
    """
    n, k, s, p_lo, p_hi = _unpool_window("unpool_formula_length", n, k, s, p_lo, p_hi)
    return (n - 1) * s - p_lo - p_hi + k


def unpool_default_length(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi):
    """The default output length: the smallest valid one, ``max(D, 1)``.

    ``D`` (:func:`unpool_formula_length`) is below 1 only when the padding is so
    large that whole windows lie in it. Example: the seeds' 2x2 pooled map with
    2x2 blocks comes back as 4x4: ``(2 - 1) * 2 + 2 = 4``.

    >>> unpool_default_length(2, 2, 2, 0, 0)
    4
    """
    n, k, s, p_lo, p_hi = _unpool_window("unpool_default_length", n, k, s, p_lo, p_hi)
    _check_some_length("unpool_default_length", n, k, s, p_lo, p_hi)
    return maximum(unpool_formula_length(n, k, s, p_lo, p_hi), 1)


def unpool_valid_lengths(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi):
    """Every output length that pools back to ``n``: ``max(D, 1) <= L < D + s``.

    Returns a ``range`` for ints and a ``sympy.Range`` for symbols. Condition for it
    to be non-empty: ``D + s >= 2`` (see :func:`unpool_valid_lengths_condition`).
    Proof: ``floor((L + p_lo + p_hi - k) / s) + 1 = n`` iff
    ``(n - 1) s <= L - D + (n - 1) s < n s`` iff ``0 <= L - D < s``.

    Example: 3 pooled values, kernel 2, stride 2 came from an input of length 6 or 7
    (a 7th cell is dropped by floor-mode pooling).

    >>> unpool_valid_lengths(3, 2, 2, 0, 0)
    range(6, 8)
    >>> unpool_valid_lengths()
    Range(Max(1, k - p_hi - p_lo + s*(n - 1)), k - p_hi - p_lo + s*(n - 1) + s, 1)
    """
    n, k, s, p_lo, p_hi = _unpool_window("unpool_valid_lengths", n, k, s, p_lo, p_hi)
    formula = unpool_formula_length(n, k, s, p_lo, p_hi)
    if _is_symbolic(n, k, s, p_lo, p_hi):
        return sympy.Range(sympy.Max(formula, 1), formula + s)
    return range(max(formula, 1), formula + s)


def unpool_valid_lengths_condition(n=n, k=k, s=s, p_lo=p_lo, p_hi=p_hi):
    """Some length >= 1 pools to ``n``: ``D + s >= 2``, i.e. ``n s + k >= p_lo + p_hi + 2``.

    It fails only for padding that lets pooling make more than ``n`` windows out of a
    single input cell (e.g. ``n = 1, k = 2, s = 1, p = 1``: one cell padded to three
    makes two windows).

    >>> bool(unpool_valid_lengths_condition(1, 2, 1, 1, 1))
    False
    """
    n, k, s, p_lo, p_hi = _unpool_window("unpool_valid_lengths_condition", n, k, s, p_lo, p_hi)
    return sympy.Ge(unpool_formula_length(n, k, s, p_lo, p_hi) + s, 2)


def pooled_length(L=L, k=k, s=s, p_lo=p_lo, p_hi=p_hi):
    """The length pooling makes of ``L`` (floor mode): the convolution output length, dilation 1.

    A pooling window is a kernel window without weights, so this is
    :func:`convspec.spec.conv.conv_output_length` with ``d = 1``. Every valid output
    length of unpooling pools back to unpooling's input length.

    >>> [pooled_length(length, 2, 2, 0, 0) for length in (5, 6, 7, 8)]
    [2, 3, 3, 4]
    """
    L, k, s, p_lo, p_hi = _unpool_window("pooled_length", L, k, s, p_lo, p_hi)
    return conv_output_length(L, k, s, p_lo, p_hi, 1)


def unpool_overlap(k=k, s=s):
    """How many blocks cover one output cell at most, along one axis: ``ceil(k / s)``.

    1 when ``s >= k`` (blocks do not overlap; with ``s > k`` some cells lie in no
    block). ``avg_unpool`` sums at most ``prod(ceil(k_i / s_i))`` copies per cell.

    >>> unpool_overlap(3, 2)
    2
    """
    k, s = check_size("unpool_overlap", "k", k), check_size("unpool_overlap", "s", s)
    return ceil_div(k, s)


def unpool_parameter_count():
    """Unpooling learns nothing: 0 parameters (seed 004 contrasts it with the learned up-sampling
    of a transposed convolution).

    >>> unpool_parameter_count()
    0
    """
    return 0


@dataclass(frozen=True)
class UnpoolArguments:
    """The checked, normalised arguments of one unpooling call.

    ``output_size`` is the spatial size the caller asked for (already checked to be
    valid), or ``None`` for the default; resolve it with :func:`unpool_output_size`.
    """

    batch: int
    channels: int
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: Pairs
    output_size: tuple[int, ...] | None

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)


def _check_args(op: str, args: object) -> None:
    if not isinstance(args, UnpoolArguments):
        raise TypeError(
            f"{op}: args must be the UnpoolArguments that check_unpool_arguments returns, got {args!r} of type "
            f"{type(args).__name__}"
        )


def unpool_output_size(args: UnpoolArguments) -> tuple[int, ...]:
    """The spatial output size: the requested one, or the default on every axis."""
    _check_args("unpool_output_size", args)
    if args.output_size is not None:
        return args.output_size
    return tuple(
        unpool_default_length(n_, k_, s_, lo, hi)
        for n_, k_, s_, (lo, hi) in zip(args.input_size, args.kernel_size, args.stride, args.padding)
    )


def unpool_output_shape(args: UnpoolArguments) -> tuple[int, ...]:
    """``(N, C, *output_size)``: unpooling keeps batch and channels.

    >>> args = check_unpool_arguments("avg_unpool", (1, 3, 2, 2), kernel_size=2)
    >>> unpool_output_shape(args)
    (1, 3, 4, 4)
    """
    _check_args("unpool_output_shape", args)
    return (args.batch, args.channels, *unpool_output_size(args))


def _count(lengths: range) -> int:
    """How many lengths (``len()`` raises OverflowError past ``sys.maxsize``, as a huge stride gives)."""
    return max(lengths.stop - lengths.start, 0) if isinstance(lengths, range) else len(lengths)


def _describe_lengths(lengths: range) -> str:
    """The valid lengths for a message: every one when there are few, the ends of the run otherwise."""
    count = _count(lengths)
    first, last = lengths.start, lengths.start + count - 1
    if count == 1:
        return f"only {first}"
    listed = ", ".join(map(str, lengths)) if count <= 10 else f"{first}, {first + 1}, ..., {last}: {count:,} lengths"
    return f"{first} <= length <= {last} ({listed})"


@memoised
def check_unpool_arguments(
    op: str,
    x_shape: Sequence[int],
    *,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    output_size: object = None,
    indices_shape: Sequence[int] | None = None,
) -> UnpoolArguments:
    """Check the arguments of an unpooling call and normalise them.

    * ``x``: ``(N, C, *spatial)``; ``indices`` (``max_unpool`` only) has exactly x's shape.
    * ``kernel_size``: a positive int or one per spatial axis.
    * ``stride``: ``None`` (the kernel size, as pooling's default) or positive int(s).
    * ``padding``: the padding the pooling used: an int, one int per axis, one
      ``(lo, hi)`` pair per axis, or ``"valid"``. ``"same"``, ``"same_lower"`` and
      ``"full"`` are refused: they resolve from the length of the pooling's input,
      which is what unpooling is trying to recover; pass the ``(lo, hi)`` they resolved to.
    * ``output_size``: ``None`` (the default length on every axis), the spatial size
      (one int per spatial axis), or the full shape ``(N, C, *spatial)`` whose ``N``
      and ``C`` must equal x's. Each length must be valid (:func:`unpool_valid_lengths`).

    Shapes only: dtype and container checks belong to each implementation.
    """
    x_shape = tuple(x_shape)
    check_input_rank(op, "x", x_shape)
    spatial = len(x_shape) - 2
    if indices_shape is not None and tuple(indices_shape) != x_shape:
        raise ValueError(
            f"{op}: indices must have x's shape {x_shape!r} (one recorded position per pooled value), "
            f"got shape {tuple(indices_shape)!r}"
        )
    kernel = int_per_axis(op, "kernel_size", kernel_size, spatial, minimum=1)
    strides = kernel if stride is None else int_per_axis(op, "stride", stride, spatial, minimum=1)
    if isinstance(padding, str) and padding != "valid":
        raise ValueError(
            f"{op}: padding must be an int, a tuple, or 'valid'; got {padding!r}: the padding modes "
            "'same', 'same_lower' and 'full' depend on the length of the pooling's input, which "
            "unpooling cannot know; pass the (lo, hi) pairs the pooling resolved them to"
        )
    pads = normalize_padding(op, padding, spatial)
    if pads == "valid":
        pads = ((0, 0),) * spatial
    input_size = x_shape[2:]
    for axis, (n_, k_, s_, (lo, hi)) in enumerate(zip(input_size, kernel, strides, pads)):
        if not _count(unpool_valid_lengths(n_, k_, s_, lo, hi)):
            raise ValueError(
                f"{op}: no output length pools to x's length {n_} along spatial dim {axis} with kernel "
                f"{k_}, stride {s_} and padding ({lo}, {hi}): even one cell padded by {lo} + {hi} makes "
                f"more windows; the padding must satisfy p_lo + p_hi <= n*s + k - 2 = {n_ * s_ + k_ - 2}"
            )
    requested = None
    if output_size is not None:
        requested = _check_output_size(op, output_size, x_shape, kernel, strides, pads)
    return UnpoolArguments(
        batch=x_shape[0],
        channels=x_shape[1],
        input_size=input_size,
        kernel_size=kernel,
        stride=strides,
        padding=pads,
        output_size=requested,
    )


def _check_output_size(op, output_size, x_shape, kernel, strides, pads) -> tuple[int, ...]:
    spatial = len(x_shape) - 2
    if not isinstance(output_size, (tuple, list)):
        raise TypeError(
            f"{op}: output_size must be a tuple of ints (the spatial size, or the full shape "
            f"(N, C, *spatial)), got {output_size!r} of type {type(output_size).__name__}"
            + (f"; for a 1-D input write ({output_size!r},)" if spatial == 1 else "")
        )
    values = tuple(_as_int(op, "output_size", v) for v in output_size)
    if len(values) == spatial + 2:
        if values[:2] != x_shape[:2]:
            raise ValueError(
                f"{op}: output_size {values!r} is a full shape (N, C, *spatial) but its (N, C) = "
                f"{values[:2]!r} differ from x's {x_shape[:2]!r}; unpooling keeps batch and channels"
            )
        values = values[2:]
    elif len(values) != spatial:
        raise ValueError(
            f"{op}: output_size has {len(values)} entries {values!r} but x has {spatial} spatial dim(s); "
            f"give the spatial size ({spatial} ints) or the full shape ({spatial + 2} ints)"
        )
    for axis, (length, n_, k_, s_, (lo, hi)) in enumerate(zip(values, x_shape[2:], kernel, strides, pads)):
        valid = unpool_valid_lengths(n_, k_, s_, lo, hi)
        if length not in valid:
            pooled = pooled_length(length, k_, s_, lo, hi) if length + lo + hi >= k_ else 0
            raise ValueError(
                f"{op}: output_size {tuple(output_size)!r} is not a valid size: along spatial dim {axis} "
                f"a length of {length} pools (kernel {k_}, stride {s_}, padding ({lo}, {hi})) to "
                f"{pooled} values, not to x's {n_}; the valid lengths are {_describe_lengths(valid)}"
            )
    return values


def indices_dtype_error(op: str, dtype_name: str) -> TypeError:
    """The shared error for ``indices`` that are not integers."""
    return TypeError(
        f"{op}: indices must have an integer dtype (int64, as max_pool returns them), got {dtype_name}; "
        "convert it first, e.g. indices.astype('int64') / indices.long()"
    )


def index_range_error(op: str, value: int, position: Sequence[int], output_size: Sequence[int]) -> ValueError:
    """The shared error for a recorded position outside the output plane.

    ``position`` is the first offending element of ``indices`` in row-major order.
    """
    plane = math.prod(output_size)
    return ValueError(
        f"{op}: indices must lie in [0, {plane}) (flat positions in an output plane of size "
        f"{tuple(output_size)!r}), got {value} at indices{list(position)!r}"
    )


# NaN and ±inf (vocabulary: :mod:`convspec.spec.non_finite`) ----------------------------------------

NON_FINITE: dict[str, str] = {
    "max_unpool": (
        "No arithmetic: a non-finite ``x[b, c, p]`` (NaN, ±inf) **must** appear unchanged at the one "
        "output cell ``indices[b, c, p]`` names, unless a pooled position later in row-major order "
        "names the same cell (the last one wins); every other cell keeps its value (0 or another "
        "``x``). ``indices`` are integers: they hold no NaN."
    ),
    "avg_unpool": (
        "A non-finite ``x[b, c, p]`` **must** reach exactly the cells of its block (every cell of "
        "pooled position ``p``'s window inside the output): a NaN makes them NaN; a ±inf makes them "
        "±inf, NaN where overlapping blocks (stride < kernel) add ``+inf`` and ``-inf``. Other cells "
        "stay finite."
    ),
    "first_unpool": (
        "No arithmetic: a non-finite ``x[b, c, p]`` (NaN, ±inf) **must** appear unchanged at the first cell of "
        "its block and nowhere else; every other cell keeps its value."
    ),
}
