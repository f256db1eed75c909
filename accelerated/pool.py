"""Fast pooling: max_pool, avg_pool, global_max_pool, global_avg_pool (torch).

Same names, signatures and semantics as :mod:`convspec.reference.pool`; takes and
returns ``torch.Tensor`` on whatever device the input lives, for float16, bfloat16,
float32 and float64, with autograd flowing through. Rules: :mod:`convspec.spec.pool`.

Fast path: 1-, 2- and 3-D inputs whose padding is symmetric and at most
``kernel_size // 2`` per axis (what PyTorch accepts) call
``torch.nn.functional.max_pool{1,2,3}d`` / ``avg_pool{1,2,3}d`` directly: PyTorch's
windows, ceil mode, tie and NaN rules and divisors are convspec's there.

Everything else is composed: the input is padded with ``F.pad`` (``-inf`` for max,
zeros for average), plus just enough extra cells at the high end that floor mode
yields ceil mode's last window; then the native pooling runs without padding (more
than three spatial axes: strided windows from ``Tensor.unfold``). The native values
on the padded input are convspec's (a padding cell only wins a window whose input
cells are all ``-inf``, and then the value is ``-inf`` either way). Max-pool indices
are mapped back from the padded to the unpadded plane; a window whose winner is a
padding cell (its first tap is padding, all its input cells ``-inf``) gets its first
input cell, as the native kernel does; with a gradient, the ``-inf`` windows read
that cell from the input, so the gradient reaches the cell the index names (never
the padding). Averages take the window sums (``divisor_override=1``) over the
divisor of
:func:`convspec.spec.pool.avg_pool_window_count`, computed per axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from convspec.spec.limits import padded_shape
from convspec.spec.pool import (
    PoolArguments,
    avg_pool_window_count,
    check_global_pool_arguments,
    check_pool_arguments,
    pool_output_shape,
    pool_output_size,
    pool_padding,
)

from . import _plans
from ._tensors import check_tensor, key_of

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {2: F.avg_pool2d, 3: F.avg_pool3d}
_HALF = (torch.float16, torch.bfloat16)


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling; see :func:`convspec.reference.pool.max_pool` for the definition and rules."""
    op = "max_pool"
    params = (kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    plan = _cached_plan(op, x, params)
    if plan is None:
        check_tensor(op, "x", x)
        args = check_pool_arguments(
            op, x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
            ceil_mode=ceil_mode, return_indices=return_indices,
        )
        plan = _store_plan(op, x, params, _PoolPlan.of(op, args, _MAX.get(args.spatial_dims)))
    plan.outputs.check(x.dtype)
    args = plan.args
    if plan.native is not None:
        return plan.native(x, args.kernel_size, args.stride, plan.native_padding, args.dilation, args.ceil_mode, return_indices)
    return _max_pool_composed(x, args, plan.pads, plan.layout)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
             divisor_override=None):
    """Average pooling; see :func:`convspec.reference.pool.avg_pool` for the definition and divisors.

    torch's avg_pool has no dilation: with ``dilation > 1`` on an axis of more than one tap the windows
    are strided views of the padded input (every ``d``-th cell of each span), summed, over the same
    divisors (counted taps); ``dilation=1`` takes the native kernels as before.
    """
    op = "avg_pool"
    params = (kernel_size, stride, padding, dilation, ceil_mode, count_include_pad, divisor_override)
    plan = _cached_plan(op, x, params)
    if plan is None:
        check_tensor(op, "x", x)
        args = check_pool_arguments(
            op, x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
            count_include_pad=count_include_pad, divisor_override=divisor_override,
        )
        undilated = all(d == 1 or k == 1 for k, d in zip(args.kernel_size, args.dilation))
        # avg_pool3d also refuses an input shorter than the window (even when the padding makes it fit)
        fits = args.spatial_dims < 3 or all(n >= k for n, k in zip(args.input_size, args.kernel_size))
        native = None
        if args.spatial_dims <= 3 and fits and undilated:
            native = F.avg_pool1d if args.spatial_dims == 1 and args.divisor_override is None else _native_avg
        plan = _store_plan(op, x, params, _PoolPlan.of(op, args, native))
    plan.outputs.check(x.dtype)
    args = plan.args
    if plan.native is F.avg_pool1d:
        return F.avg_pool1d(x, args.kernel_size, args.stride, plan.native_padding, args.ceil_mode, args.count_include_pad)
    if plan.native is not None:
        return _native_avg(
            x, args.kernel_size, args.stride, plan.native_padding, args.ceil_mode, args.count_include_pad,
            args.divisor_override,
        )
    return _avg_pool_composed(x, args, plan.pads, plan.layout)


@dataclass(frozen=True)
class _PoolPlan:
    """What one checked max_pool/avg_pool configuration needs (cached, see :mod:`._plans`)."""

    args: PoolArguments
    pads: tuple[tuple[int, int], ...]  # resolved (lo, hi) per axis
    native: object  # the native call when torch computes convspec's rules here, else None (composed)
    native_padding: tuple[int, ...]  # its symmetric padding
    outputs: _plans.Outputs
    layout: _Layout | None  # what the composed path needs (None where the native call takes the configuration)

    @classmethod
    def of(cls, op: str, args: PoolArguments, native) -> _PoolPlan:
        pads = pool_padding(args)
        in_range = _in_torch_range(args, pads)
        native = native if native is not None and _torch_accepts(args, pads) else None
        return cls(
            args=in_range,
            pads=pads,
            native=native,
            native_padding=tuple(lo for lo, _ in pads),
            outputs=_plans.Outputs(op, [(pool_output_shape(args), "output")] + [
                (padded, "padded input")  # guarded as the reference does (see convspec.spec.limits)
                for padded in [padded_shape((args.batch, args.channels, *args.input_size), pads)] if padded is not None
            ]),
            layout=None if native is not None else _Layout.of(op, in_range, pads),
        )


@dataclass(frozen=True)
class _Layout:
    """The composed path's geometry, derived once per configuration from the shapes alone (a call then
    only pads and pools: on a 2x64x56x56 input this saved about 25 us a call, 4% of a per-side average)."""

    out_size: tuple[int, ...]
    sides: tuple[int, ...]  # F.pad's list (last axis first): the padding, plus ceil mode's overhang at the high end
    overhang: bool  # ceil mode's last window reaches past the padded input on some axis
    counts: tuple[tuple[int, ...], ...] | None  # avg_pool's divisor counts per axis, where they are not all prod(kernel)

    @classmethod
    def of(cls, op: str, args: PoolArguments, pads) -> _Layout:
        out_size = pool_output_size(args)
        sides, overhang = [], False
        for n, k, s, d, (lo, hi), o in zip(args.input_size, args.kernel_size, args.stride, args.dilation, pads, out_size):
            needed = (o - 1) * s + d * (k - 1) + 1  # padded length the last window reaches
            sides.append((lo, max(hi, needed - n - lo)))
            overhang = overhang or needed > lo + n + hi
        counts = None
        if op == "avg_pool" and args.divisor_override is None and (overhang or not args.count_include_pad):
            counts = tuple(
                tuple(avg_pool_window_count(i, n, k, s, lo, hi, args.count_include_pad, d) for i in range(o))
                for n, k, s, d, (lo, hi), o in zip(
                    args.input_size, args.kernel_size, args.stride, args.dilation, pads, out_size)
            )
        flat = tuple(side for pair in reversed(sides) for side in pair)  # F.pad lists the last axis first
        return cls(tuple(out_size), flat if any(flat) else (), overhang, counts)


def _in_torch_range(args: PoolArguments, pads) -> PoolArguments:
    """The same windows with the strides and dilations torch's kernels take (int32; 10**12 overflows them).

    A stride longer than the padded input leaves one window on its axis (at least one fits, and ceil
    mode adds none: the next would start past the input), which the padded length as stride leaves
    too; a one-tap axis never uses its dilation, which 1 replaces."""
    stride = tuple(min(s, lo + n + hi) for s, n, (lo, hi) in zip(args.stride, args.input_size, pads))
    dilation = tuple(d if k > 1 else 1 for k, d in zip(args.kernel_size, args.dilation))
    if (stride, dilation) == (args.stride, args.dilation):
        return args
    return replace(args, stride=stride, dilation=dilation)


def _pool_key(op, x, params):
    if not isinstance(x, torch.Tensor):
        return None
    try:
        return (op, key_of(x), _plans.params_key(params))
    except _plans.Uncacheable:
        return None


def _cached_plan(op, x, params):
    key = _pool_key(op, x, params)
    return None if key is None else _plans.get(key)


def _store_plan(op, x, params, plan):
    key = _pool_key(op, x, params)
    return plan if key is None else _plans.store(key, plan)


def global_max_pool(x):
    """Maximum over all spatial axes, kept with length 1; see :func:`convspec.reference.pool.global_max_pool`."""
    op = "global_max_pool"
    dims = _global_plan(op, x)
    if torch.is_grad_enabled() and x.requires_grad:
        # amax's backward shares a tie's gradient among the tied cells; the spec routes it to the one
        # maximum max_pool names (the first, or the last NaN): max_pool over the whole plane does that
        return max_pool(x, tuple(x.shape[2:]))
    return torch.amax(x, dim=dims, keepdim=True)  # the same values; amax propagates NaN


def global_avg_pool(x):
    """Mean over all spatial axes, kept with length 1; see :func:`convspec.reference.pool.global_avg_pool`."""
    return torch.mean(x, dim=_global_plan("global_avg_pool", x), keepdim=True)


def _global_plan(op: str, x) -> tuple[int, ...]:
    """The checks of a global pool, cached per (shape, dtype) like every plan (key as :func:`_pool_key`'s with
    no parameters, built inline: these calls are tens of microseconds); the plan is the spatial axes."""
    plan = _plans.get((op, key_of(x), ())) if isinstance(x, torch.Tensor) else None
    if plan is None:
        check_tensor(op, "x", x)
        check_global_pool_arguments(op, x.shape)
        plan = _store_plan(op, x, (), tuple(range(2, x.dim())))
    return plan


def _torch_accepts(args: PoolArguments, pads) -> bool:
    """Symmetric padding of at most half the (undilated) kernel: PyTorch's native calls compute convspec's rules."""
    return all(lo == hi and 2 * lo <= k for (lo, hi), k in zip(pads, args.kernel_size))


def _native_avg(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """``F.avg_pool{2,3}d`` (1-D through 2-D: ``avg_pool1d`` has no ``divisor_override``)."""
    if len(kernel) == 1:
        out = F.avg_pool2d(
            x.unsqueeze(-2), (1, *kernel), (1, *stride), (0, *padding), ceil_mode, count_include_pad, divisor_override
        )
        return out.squeeze(-2)
    if len(kernel) == 3 and x.dtype in _HALF and x.device.type == "cpu":  # no CPU half kernel for avg_pool3d
        return F.avg_pool3d(x.float(), kernel, stride, padding, ceil_mode, count_include_pad, divisor_override).to(x.dtype)
    return _AVG[len(kernel)](x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _padded(x, layout: _Layout, value: float):
    """``x`` padded by the plan's padding plus, at the high end, the cells ceil mode's last window overhangs."""
    return (F.pad(x, layout.sides, value=value) if layout.sides else x), layout.out_size


def _windows(padded, args: PoolArguments, out_size, dilated: bool):
    """``(N, C, *out, prod(kernel))``: every window's taps in row-major order, as strided views."""
    windows = padded
    for axis, (k, s, d, o) in enumerate(zip(args.kernel_size, args.stride, args.dilation, out_size)):
        span = d * (k - 1) + 1 if dilated else k
        windows = windows.narrow(2 + axis, 0, (o - 1) * s + span).unfold(2 + axis, span, s)
        if dilated and d > 1:
            windows = windows[..., ::d]
    leading = windows.shape[: 2 + len(out_size)]
    return windows.reshape(*leading, math.prod(windows.shape[len(leading):]))  # no -1: batch 0 has no elements


def _max_pool_composed(x, args: PoolArguments, pads, layout: _Layout):
    native = _MAX.get(args.spatial_dims)
    if native is None:
        return _max_pool_any_rank(x, args, pads, layout)
    padded, out_size = _padded(x, layout, float("-inf"))
    # The native values on the padded input are convspec's: a -inf padding cell never beats an input cell
    # (a window is -inf exactly when all its input cells are) and NaN wins either way.
    # Only a window whose first tap is padding can pick a padding cell (see below), so with no padding before
    # the input on any axis the native gradient already reaches the cell the index names: no routing.
    gradient = torch.is_grad_enabled() and x.requires_grad and any(lo for lo, _ in pads)
    if not args.return_indices:
        values = native(padded, args.kernel_size, args.stride, 0, args.dilation)
        return _route_neg_inf_gradient(values, x, args, pads, out_size) if gradient else values
    values, flat = native(padded, args.kernel_size, args.stride, 0, args.dilation, return_indices=True)
    indices = _unpadded_index(flat, padded.shape[2:], args.input_size, pads)
    # Only a window whose first tap is padding can name a padding cell (when all its input cells are -inf:
    # the native kernel keeps the first tap then); such windows start before the input on some axis, so
    # they lie in the first ceil(lo / s) output positions of that axis.  There, a -inf window gets its
    # first input cell (what the native kernel names where the padding is its own).
    first = _first_input_index(args, pads, out_size, x.device)
    for axis, ((lo, _), s, o) in enumerate(zip(pads, args.stride, out_size)):
        border = min(-(-lo // s), o)
        if border:
            slab = indices.narrow(2 + axis, 0, border)
            neg_inf = torch.isneginf(values.narrow(2 + axis, 0, border))
            slab.copy_(torch.where(neg_inf, first.narrow(2 + axis, 0, border), slab))
    if gradient:
        values = _route_neg_inf_gradient(values, x, args, pads, out_size, first)
    return values, indices


def _route_neg_inf_gradient(values, x, args: PoolArguments, pads, out_size, first=None):
    """The same values, but a -inf window reads its first input cell from ``x``: the gradient must reach the cell
    the index names, while the native kernel may have picked the (gradient-less) padding cell before it."""
    if first is None:
        first = _first_input_index(args, pads, out_size, x.device)
    first_values = x.flatten(2).index_select(2, first.flatten()).reshape(*x.shape[:2], *out_size)
    return torch.where(torch.isneginf(values), first_values, values)


def _unpadded_index(flat, padded_sizes, sizes, pads):
    """Flat indices over the padded plane mapped to the unpadded plane, one division per padded axis but the first.

    With ``c'_a`` the padded coordinates and ``q_a = flat // (padded stride of axis a)`` (the prefix
    ``c'_0 .. c'_a`` as one number, ``c'_a = q_a - q_{a-1} * P_a``), the unpadded index
    ``sum_a (c'_a - lo_a) * stride_a`` is
    ``flat - sum_a lo_a * stride_a + sum_a q_a * (n_{a+1} - P_{a+1}) * stride_{a+1}``.
    """
    strides = [math.prod(sizes[a + 1:]) for a in range(len(sizes))]
    padded_strides = [math.prod(padded_sizes[a + 1:]) for a in range(len(sizes))]
    index = flat - sum(lo * stride for (lo, _), stride in zip(pads, strides))
    for a in range(len(sizes) - 1):
        factor = (sizes[a + 1] - padded_sizes[a + 1]) * strides[a + 1]
        if factor:
            index.add_(torch.div(flat, padded_strides[a], rounding_mode="floor"), alpha=factor)
    return index


def _first_input_index(args: PoolArguments, pads, out_size, device):
    """``(1, 1, *out)`` int64: each window's first input cell (row-major), flat over the unpadded plane."""
    index = torch.zeros((1, 1) + (1,) * len(out_size), dtype=torch.int64, device=device)
    for axis, (n, s, d, (lo, _), o) in enumerate(zip(args.input_size, args.stride, args.dilation, pads, out_size)):
        start = _axis_arange(o, axis, len(out_size), device) * s - lo
        index = index * n + start + d * torch.div((-start).clamp(min=0) + d - 1, d, rounding_mode="floor")
    return index


def _max_pool_any_rank(x, args: PoolArguments, pads, layout: _Layout):
    """More than three spatial axes: the winner of each window's strided view of the padded input."""
    with torch.no_grad():  # only the winners' positions come from the padded input
        padded, out_size = _padded(x, layout, float("-inf"))
        winner = _winner(_windows(padded, args, out_size, dilated=True))
        taps = _unravel(winner, args.kernel_size)
        coordinates = [
            _axis_arange(o, axis, len(out_size), x.device) * s + d * tap
            for axis, (o, s, d, tap) in enumerate(zip(out_size, args.stride, args.dilation, taps))
        ]
        indices = _input_index(coordinates, args, pads, out_size)
    # the values are read from x at the indices, so the gradient reaches the cell the index names, also
    # where a window's winner was a padding cell (all its input cells -inf): the padding has no gradient
    values = x.flatten(2).gather(2, indices.flatten(2)).reshape(indices.shape)
    return (values, indices) if args.return_indices else values


def _winner(windows):
    """Position in the last axis of each window's winner: the first maximum; with NaNs, the last NaN."""
    maximum = torch.amax(windows, dim=-1, keepdim=True)
    first_maximum = (windows == maximum).to(torch.int32).argmax(dim=-1)
    nan = windows.isnan()
    last_nan = windows.shape[-1] - 1 - nan.flip(-1).to(torch.int32).argmax(dim=-1)
    return torch.where(nan.any(dim=-1), last_nan, first_maximum)


def _unravel(flat, sizes):
    """Per-axis coordinates of flat row-major positions over ``sizes``."""
    coordinates = []
    for size in reversed(sizes):
        coordinates.append(flat % size)
        flat = torch.div(flat, size, rounding_mode="floor")
    return coordinates[::-1]


def _axis_arange(length: int, axis: int, spatial_dims: int, device):
    """``0 .. length-1`` along output axis ``axis``, shaped to broadcast over ``(N, C, *out)``."""
    shape = [1, 1] + [1] * spatial_dims
    shape[2 + axis] = length
    return torch.arange(length, device=device).reshape(shape)


def _input_index(padded_coordinates, args: PoolArguments, pads, out_size):
    """Flat int64 indices over the unpadded plane; a winner in the padding becomes the window's first input cell."""
    coordinates = [c - lo for c, (lo, _) in zip(padded_coordinates, pads)]
    in_padding = torch.zeros_like(coordinates[0], dtype=torch.bool)
    for c, n in zip(coordinates, args.input_size):
        in_padding |= (c < 0) | (c >= n)
    index = torch.zeros_like(coordinates[0], dtype=torch.int64)
    for axis, (c, n, s, d, (lo, _), o) in enumerate(
        zip(coordinates, args.input_size, args.stride, args.dilation, pads, out_size)
    ):
        start = _axis_arange(o, axis, len(out_size), c.device) * s - lo
        first_input = start + d * torch.div((-start).clamp(min=0) + d - 1, d, rounding_mode="floor")
        index = index * n + torch.where(in_padding, first_input, c)
    return index


def _avg_pool_composed(x, args: PoolArguments, pads, layout: _Layout):
    compute = x.float() if x.dtype in _HALF else x  # sums and divisors in float32 at least, rounded once
    padded, out_size = _padded(compute, layout, 0.0)
    if args.divisor_override is None and args.count_include_pad and not layout.overhang:
        divisor = None  # every window lies inside the padded input: the divisor is prod(kernel)
        sums_divisor = math.prod(args.kernel_size) if args.spatial_dims > 3 else None
    else:
        divisor = args.divisor_override or _divisor(layout.counts, compute)
        sums_divisor = 1
    dilated = any(d > 1 for d in args.dilation)  # _in_torch_range left d > 1 only on axes of several taps
    if dilated:
        out = _windows(padded, args, out_size, dilated=True).sum(dim=-1)
        if sums_divisor is None:
            sums_divisor = math.prod(args.kernel_size)
        out = out / sums_divisor
    elif args.spatial_dims <= 3:
        out = _native_avg(padded, args.kernel_size, args.stride, (0,) * args.spatial_dims, False, True, sums_divisor)
    else:
        out = _windows(padded, args, out_size, dilated=False).sum(dim=-1) / sums_divisor
    if divisor is not None:
        out = out / divisor
    return out.to(x.dtype)


def _divisor(counts_per_axis, like):
    """avg_pool's divisor per output position: a product of one count per axis (the plan's counts)."""
    divisor = None
    spatial_dims = len(counts_per_axis)
    for axis, counts in enumerate(counts_per_axis):
        shape = [1, 1] + [1] * spatial_dims
        shape[2 + axis] = len(counts)
        factor = torch.tensor(counts, dtype=like.dtype, device=like.device).reshape(shape)
        divisor = factor if divisor is None else divisor * factor
    return divisor
