"""Fast unpooling (torch): max_unpool, avg_unpool, first_unpool.

Same names, signatures and semantics as :mod:`convspec.reference.unpool`; takes and
returns ``torch.Tensor`` on whatever device the input lives, for float16, bfloat16,
float32 and float64, with autograd flowing through ``x``.
Conventions: :mod:`convspec.spec.conventions`; sizes: :mod:`convspec.spec.unpool`.

* ``max_unpool``: a deterministic scatter that follows the spec's "last write wins"
  rule on every device. PyTorch's native ``max_unpool`` is not used: with duplicate
  indices its CUDA kernel keeps an arbitrary one, its CPU kernel races between
  threads too (measured with torch 2.13, a batch of 1 and two threads: 30 calls in 200
  kept an earlier write), and its backward hands the gradient to every
  duplicate instead of to the one value that is in the output. Without a gradient on
  the CPU, one ``scatter_`` along the flattened plane is the rule itself: torch's CPU
  scatter kernel takes one (batch, channel) plane per iteration, never splitting a
  plane between threads, and writes its positions in order, so the last pooled
  position naming a cell is the one that stays (``tests/test_unpool_properties.py``
  holds it to that, many planes on several threads). Elsewhere a plain ``scatter_``
  is used when a check shows the duplicates cannot matter (a bitwise read-back
  without gradient, a write count with one); otherwise one ``scatter_reduce`` over
  the pooled positions picks the winners (see :func:`_max_unpool`).
* ``avg_unpool``: non-overlapping tiles (stride == kernel) are one broadcast copy
  (``expand`` + ``reshape``; ``F.interpolate(mode="nearest")`` where that is provably
  the same, see :func:`_nearest_is_exact`); overlapping blocks are one depthwise
  ``F.conv_transpose{1,2,3}d`` with a ones kernel (:func:`_overlapping_sum`); other
  strides, and more than three spatial axes, one strided view per kernel tap.
* ``first_unpool``: one strided assignment into a zero tensor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import torch
import torch.nn.functional as F

from convspec.spec.unpool import (
    UnpoolArguments,
    check_unpool_arguments,
    index_range_error,
    indices_dtype_error,
    unpool_output_size,
)

from . import _plans
from ._tensors import check_same_device, check_storage, check_tensor, key_of
from ._tensors import dtype_name as _dtype_name

_INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)
_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_SAME_SIZE_INT = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}  # by itemsize: a float's bits


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    """Max unpooling with switches; see :func:`convspec.reference.unpool.max_unpool` for the definition."""
    op = "max_unpool"
    params = (kernel_size, stride, padding, output_size)
    key = _key(op, x, indices, params)
    plan = None if key is None else _plans.get(key)
    if plan is None:
        check_tensor(op, "x", x)
        if not isinstance(indices, torch.Tensor):
            raise TypeError(
                f"{op}: indices must be a torch.Tensor, got {type(indices).__name__}; "
                "wrap it with torch.as_tensor(indices, dtype=torch.int64)"
            )
        if indices.dtype not in _INTEGER_DTYPES:
            raise indices_dtype_error(op, _dtype_name(indices.dtype))
        check_storage(op, "indices", indices)
        check_same_device(op, "indices", indices, "x", x)
        args = check_unpool_arguments(
            op, x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
            output_size=output_size, indices_shape=indices.shape,
        )
        plan = _store(key, _UnpoolPlan.of(op, args))
    plan.outputs.check(x.dtype)
    if indices.device.type != "cpu":
        # per call (values): before any kernel sees an index, since a CUDA kernel would assert
        _check_index_range(op, indices, plan.size)
        return _max_unpool(x, indices.long(), plan.size)
    # On the CPU the first scatter/gather refuses an index outside the plane itself (a RuntimeError, no harm
    # done), so the range check costs no pass of its own: on any error, the check runs and raises the spec's
    # message for a bad index; an error it does not explain is raised as it was.
    try:
        return _max_unpool(x, indices.long(), plan.size)
    except RuntimeError as error:
        failure = error
    _check_index_range(op, indices, plan.size)  # outside the except clause: the ValueError comes unchained
    raise failure


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    """Average unpooling (copy into every cell of the block; overlaps add); see
    :func:`convspec.reference.unpool.avg_unpool` for the definition."""
    op = "avg_unpool"
    params = (kernel_size, stride, output_size)
    key = _key(op, x, None, params)
    plan = None if key is None else _plans.get(key)
    if plan is None:
        check_tensor(op, "x", x)
        args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
        plan = _store(key, _UnpoolPlan.of(op, args))
    plan.outputs.check(x.dtype)
    args, size = plan.args, plan.size
    if args.stride == args.kernel_size:
        if _nearest_is_exact(x, args.kernel_size):
            return _pad_to(F.interpolate(x, scale_factor=args.kernel_size, mode="nearest"), size)
        return _pad_to(_tile(x, args.kernel_size), size)
    overlap = any(s < k for s, k in zip(args.stride, args.kernel_size))
    if overlap and _conv_transpose_fits(x, args):
        return _overlapping_sum(x, args, size)
    y = x.new_zeros(x.shape[:2] + size)
    for tap in product(*(range(k) for k in args.kernel_size)):
        view = y[_strided_view(tap, args)]
        if overlap:
            view += x
        else:
            view.copy_(x)
    return y


def first_unpool(x, kernel_size, *, stride=None, output_size=None):
    """Unpooling into the first (top-left) cell of every block; see
    :func:`convspec.reference.unpool.first_unpool` for the definition."""
    op = "first_unpool"
    params = (kernel_size, stride, output_size)
    key = _key(op, x, None, params)
    plan = None if key is None else _plans.get(key)
    if plan is None:
        check_tensor(op, "x", x)
        args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
        plan = _store(key, _UnpoolPlan.of(op, args))
    plan.outputs.check(x.dtype)
    y = x.new_zeros(x.shape[:2] + plan.size)
    y[_strided_view((0,) * plan.args.spatial_dims, plan.args)] = x
    return y


@dataclass(frozen=True)
class _UnpoolPlan:
    """A checked unpooling configuration (cached, see :mod:`._plans`): the arguments and the output size."""

    args: UnpoolArguments
    size: tuple[int, ...]
    outputs: _plans.Outputs

    @classmethod
    def of(cls, op: str, args: UnpoolArguments) -> _UnpoolPlan:
        size = unpool_output_size(args)
        return cls(args, size, _plans.Outputs(op, [((args.batch, args.channels) + size, "output")]))


def _key(op, x, indices, params):
    """The cache key (x, and ``indices`` unless ``None``, must be tensors), or ``None``."""
    if not isinstance(x, torch.Tensor) or (indices is not None and not isinstance(indices, torch.Tensor)):
        return None
    try:
        if indices is None:
            return (op, key_of(x), _plans.params_key(params))
        return (op, key_of(x), key_of(indices), _plans.params_key(params))
    except _plans.Uncacheable:
        return None


def _store(key, plan):
    return plan if key is None else _plans.store(key, plan)


def _check_index_range(op: str, indices: torch.Tensor, size: tuple[int, ...]) -> None:
    if not indices.numel():
        return
    plane = math.prod(size)
    low, high = torch.aminmax(indices)
    if low.item() < 0 or high.item() >= plane:  # one device sync; CUDA kernels must not see a bad index
        outside = (indices < 0) | (indices >= plane)
        first = tuple(int(i) for i in torch.nonzero(outside)[0])
        raise index_range_error(op, int(indices[first]), first, size)


def _max_unpool(x, indices, size):
    """Deterministic "last write wins", any rank and device, autograd-correct.

    A plain ``scatter_`` into zeros is all the work when no two pooled positions of a
    plane name the same cell; with duplicates torch does not promise which write survives
    (its CUDA kernel races), and its backward would hand the gradient to every duplicate, so:

    * no gradient, CPU: the scatter alone. torch's CPU kernel walks each plane's positions in order, one
      plane per iteration (planes are what its threads share out), so the last write wins: the rule.
    * no gradient, another device (CUDA: writes to one cell race): scatter, then read every position's
      cell back and compare the bits.
      They all match exactly when every cell's writers carry the same bits (always
      so for indices from ``max_pool``, even overlapping: a repeated index repeats
      its input cell's value), and then any order of the writes gives the result of
      the last one. Otherwise :func:`_max_unpool_last_wins`.
    * gradient: the gradient must reach only the last duplicate even where values
      agree, so count the writers per cell (one ``scatter_add_``); with none
      repeated the plain scatter is exact, else :func:`_max_unpool_last_wins`.
    """
    n, c = x.shape[:2]
    if not x.numel():  # an empty batch: nothing to place (and reshape(-1) would be ambiguous)
        # derived from x (not new_zeros), so that autograd reaches x: its (empty) gradient, not an error
        return x.sum(dim=tuple(range(2, x.dim())), keepdim=True).expand(n, c, *size).clone()
    plane = math.prod(size)
    flat_x = x.reshape(n, c, -1)
    flat_indices = indices.reshape(n, c, -1)
    if not (torch.is_grad_enabled() and x.requires_grad):
        y = x.new_zeros((n, c, plane)).scatter_(2, flat_indices, flat_x)
        if x.device.type == "cpu":  # written in position order, plane by plane: the last write won
            return y.reshape(n, c, *size)
        bits = _SAME_SIZE_INT[x.element_size()]  # compare bits: NaN payloads, -0.0 and +0.0 count as different
        # equal bits <=> their integer difference is 0 (exact, wrapping); subtract-and-count was about 40% faster
        # than torch.equal when this path also ran on the CPU (torch 2.13, 2 threads: 106 vs 182 us for 2x64x4096
        # int32); not measured on CUDA, where it runs now
        if not torch.count_nonzero(y.gather(2, flat_indices).view(bits).sub_(flat_x.view(bits))):
            return y.reshape(n, c, *size)
        return _max_unpool_last_wins(flat_x, flat_indices, plane).reshape(n, c, *size)
    count = flat_x.shape[-1]
    # a cell gets at most `count` writes, so the counter's dtype cannot overflow
    counter_dtype = torch.int16 if count < 2**15 else torch.int32 if count < 2**31 else torch.int64
    writes = torch.zeros((n, c, plane), dtype=counter_dtype, device=x.device)
    one = torch.ones((), dtype=counter_dtype, device=x.device)
    writes.scatter_add_(2, flat_indices, one.expand(flat_indices.shape))
    if writes.amax().item() <= 1:  # one device sync
        return x.new_zeros((n, c, plane)).scatter_(2, flat_indices, flat_x).reshape(n, c, *size)
    return _max_unpool_last_wins(flat_x, flat_indices, plane).reshape(n, c, *size)


def _max_unpool_last_wins(flat_x, flat_indices, plane):
    """``(N, C, plane)``: the last pooled position (row-major) naming a cell wins it, whatever the duplicates.

    1. ``winner[cell]``: the last pooled position whose index is ``cell``
       (``scatter_reduce`` with ``amax``: a maximum does not depend on the order).
    2. A pooled position keeps its index only if it is its cell's winner; the others
       are sent to one spare cell past the plane, which is dropped.
    3. One ``scatter_`` into zeros: every real cell now has at most one writer, so the
       result is deterministic and the gradient reaches only the winners.
    """
    n, c, count = flat_x.shape
    device = flat_x.device
    position_dtype = torch.int32 if count < 2**31 else torch.int64
    positions = torch.arange(count, dtype=position_dtype, device=device).expand_as(flat_indices)
    winner = torch.full((n, c, plane), -1, dtype=position_dtype, device=device)
    winner.scatter_reduce_(2, flat_indices, positions, reduce="amax")
    wins = winner.gather(2, flat_indices) == positions
    target = torch.where(wins, flat_indices, plane)
    y = flat_x.new_zeros((n, c, plane + 1)).scatter_(2, target, flat_x)
    return y[..., :plane]


def _tile(x, kernel):
    """Every value copied into a ``kernel`` block: nearest-neighbour up-sampling by ``kernel``."""
    n, c, *spatial = x.shape
    interleaved = x.reshape(n, c, *(d for m in spatial for d in (m, 1)))
    blocks = interleaved.expand(n, c, *(d for m, k in zip(spatial, kernel) for d in (m, k)))
    return blocks.reshape(n, c, *(m * k for m, k in zip(spatial, kernel)))


def _conv_transpose_fits(x, args: UnpoolArguments) -> bool:
    """Whether :func:`_overlapping_sum` may stand in for the loop over the taps.

    1-3 spatial axes (the native transposed convolutions), a non-empty contiguous
    input (the loop's result is contiguous; ``groups`` must be positive), and not
    bfloat16 on CPU: there (torch 2.13, oneDNN) the grouped transposed convolution
    lets a NaN of one channel reach cells of another (a 1x2x3x3 input, kernel
    (2, 3), stride (1, 3), is enough).
    """
    return (
        args.spatial_dims in _CONV_TRANSPOSE
        and x.numel() > 0
        and x.is_contiguous()
        and not (x.dtype == torch.bfloat16 and x.device.type == "cpu")
    )


def _overlapping_sum(x, args: UnpoolArguments, size):
    """Overlapping blocks: one depthwise transposed convolution with a ones kernel.

    It is the same sum of copies as the loop over the taps, in one kernel instead of
    ``prod(kernel)`` passes over the output; only the order of the additions may
    differ, which the tolerance allows (each term is a product with weight 1, so
    integer-valued data stays exact). A longer ``output_size`` is the transposed
    convolution's ``output_padding`` (at most ``stride - 1``: the spec's valid lengths),
    whose cells get no copy and stay zero.
    """
    channels = x.shape[1]
    ones = x.new_ones((channels, 1, *args.kernel_size))
    default = [(m - 1) * s + k for m, s, k in zip(args.input_size, args.stride, args.kernel_size)]
    extra = [length - d for length, d in zip(size, default)]
    return _CONV_TRANSPOSE[args.spatial_dims](x, ones, stride=args.stride, output_padding=extra, groups=channels)


def _nearest_is_exact(x, kernel) -> bool:
    """Whether ``F.interpolate(mode="nearest")`` by ``kernel`` is :func:`_tile`, bit for bit, and may stand in.

    Its kernels are about twice as fast as the broadcast copy, but they find the
    source cell as ``floor(i * (1/k))`` in float32: exact for factors 1 and 2 (CPU
    shifts; on CUDA ``i * 0.5`` is exact while ``i < 2**24``), not guaranteed for
    other factors. Only 1-3 spatial axes, and a contiguous input (a channels-last one
    would give a channels-last result, the broadcast copy a contiguous one). Not with
    a gradient: its backward sums a block's gradients in another order than the
    broadcast's, so float32 gradients would change in the last bit.
    """
    return (
        1 <= len(kernel) <= 3
        and x.is_contiguous()
        and all(k in (1, 2) for k in kernel)
        and all(m * k < 2**24 for m, k in zip(x.shape[2:], kernel))
        and not (torch.is_grad_enabled() and x.requires_grad)
    )


def _pad_to(y, size):
    """Zeros after the last block up to ``size`` (a larger valid ``output_size``)."""
    extra = [length - have for length, have in zip(size, y.shape[2:])]
    if not any(extra):
        return y
    return F.pad(y, [side for e in reversed(extra) for side in (0, e)])


def _strided_view(tap, args: UnpoolArguments):
    """The index of the cells at offset ``tap`` inside every block: ``o * stride + tap`` per axis."""
    return (slice(None), slice(None)) + tuple(
        slice(t, t + s * (m - 1) + 1, s) for t, s, m in zip(tap, args.stride, args.input_size)
    )
