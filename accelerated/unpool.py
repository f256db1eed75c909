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
  duplicate instead of to the one value that is in the output. The extra work is
  one ``scatter_reduce`` over the pooled positions (see :func:`_max_unpool`).
* ``avg_unpool``: non-overlapping tiles (stride == kernel) are one broadcast copy
  (``expand`` + ``reshape``); other strides add one strided view per kernel tap.
* ``first_unpool``: one strided assignment into a zero tensor.
"""

from __future__ import annotations

import math
from itertools import product

import torch
import torch.nn.functional as F

from convspec.spec.conventions import dtype_error
from convspec.spec.unpool import (
    UnpoolArguments,
    check_unpool_arguments,
    index_range_error,
    indices_dtype_error,
    unpool_output_size,
)

_INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    """Max unpooling with switches; see :func:`convspec.reference.unpool.max_unpool` for the definition."""
    op = "max_unpool"
    _check_x(op, x)
    if not isinstance(indices, torch.Tensor):
        raise TypeError(
            f"{op}: indices must be a torch.Tensor, got {type(indices).__name__}; "
            "wrap it with torch.as_tensor(indices, dtype=torch.int64)"
        )
    if indices.dtype not in _INTEGER_DTYPES:
        raise indices_dtype_error(op, _dtype_name(indices.dtype))
    args = check_unpool_arguments(
        op, x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
        output_size=output_size, indices_shape=indices.shape,
    )
    size = unpool_output_size(args)
    _check_index_range(op, indices, size)  # before any kernel sees an index: CUDA would assert
    return _max_unpool(x, indices.long(), size)


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    """Average unpooling (copy into every cell of the block; overlaps add); see
    :func:`convspec.reference.unpool.avg_unpool` for the definition."""
    op = "avg_unpool"
    _check_x(op, x)
    args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    size = unpool_output_size(args)
    if args.stride == args.kernel_size:
        return _pad_to(_tile(x, args.kernel_size), size)
    y = x.new_zeros(x.shape[:2] + size)
    overlap = any(s < k for s, k in zip(args.stride, args.kernel_size))
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
    _check_x(op, x)
    args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    y = x.new_zeros(x.shape[:2] + unpool_output_size(args))
    y[_strided_view((0,) * args.spatial_dims, args)] = x
    return y


def _check_x(op: str, x) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{op}: x must be a torch.Tensor, got {type(x).__name__}; wrap it with torch.as_tensor(x)")
    if not x.dtype.is_floating_point:
        raise dtype_error(op, "x", _dtype_name(x.dtype))


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


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

    1. ``winner[cell]``: the last pooled position (row-major) whose index is ``cell``
       (``scatter_reduce`` with ``amax``: a maximum does not depend on the order).
    2. A pooled position keeps its index only if it is its cell's winner; the others
       are sent to one spare cell past the plane, which is dropped.
    3. One ``scatter`` into zeros: every real cell now has at most one writer, so the
       result is deterministic and the gradient reaches only the winners.
    """
    n, c = x.shape[:2]
    if not x.numel():  # an empty batch: nothing to place (and reshape(-1) would be ambiguous)
        return x.new_zeros((n, c, *size))
    plane = math.prod(size)
    flat_x = x.reshape(n, c, -1)
    flat_indices = indices.reshape(n, c, -1)
    count = flat_x.shape[-1]
    position_dtype = torch.int32 if count < 2**31 else torch.int64
    positions = torch.arange(count, dtype=position_dtype, device=x.device).expand_as(flat_indices)
    winner = torch.full((n, c, plane), -1, dtype=position_dtype, device=x.device)
    winner.scatter_reduce_(2, flat_indices, positions, reduce="amax")
    wins = winner.gather(2, flat_indices) == positions
    target = torch.where(wins, flat_indices, plane)
    y = x.new_zeros((n, c, plane + 1)).scatter(2, target, flat_x)
    return y[..., :plane].reshape(n, c, *size)


def _tile(x, kernel):
    """Every value copied into a ``kernel`` block: nearest-neighbour up-sampling by ``kernel``."""
    n, c, *spatial = x.shape
    interleaved = x.reshape(n, c, *(d for m in spatial for d in (m, 1)))
    blocks = interleaved.expand(n, c, *(d for m, k in zip(spatial, kernel) for d in (m, k)))
    return blocks.reshape(n, c, *(m * k for m, k in zip(spatial, kernel)))


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
