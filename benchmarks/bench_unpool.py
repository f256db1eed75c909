"""How much convspec's unpooling family costs on top of native torch.

Run ``python benchmarks/bench_unpool.py`` (about a minute or two on 2 CPU cores) or
``python benchmarks/bench_unpool.py --quick`` (batch 2 instead of 8, fewer
repetitions, under a minute). ``--threads N`` sets ``torch.set_num_threads``;
``--block-ms`` the length of one timed block. Timing, output check and table:
``benchmarks/timing.py`` (alternating blocks, median of per-repetition ratios, as
``bench_conv.py``).

What is measured
----------------
Every row times ``convspec.accelerated`` against the native torch call (or the
most direct composition) that means the same, on the same tensors. The 2-D input is
a max pool of ``N x 64 x 112 x 112`` (``N x 64 x 56 x 56``, back to 112 x 112):

* ``max_unpool`` against ``F.max_unpool{1,2,3}d``, on the values and indices of
  ``F.max_pool{1,2,3}d(..., return_indices=True)``: 2x2 stride 2, and the
  overlapping 3x3 stride 2 padding 1 (where indices can repeat). convspec does not
  call the native kernel (its threads race on duplicate indices): on the CPU, without
  a gradient, it is one ``scatter_`` into zeros, whose kernel writes each plane's
  positions in order, so "last write wins" costs nothing more; on CUDA it adds a
  bitwise read-back (see ``accelerated/unpool.py``).
* ``avg_unpool`` (every value copied into its block; overlaps add), which torch
  lacks, against compositions: with stride == kernel, ``F.interpolate(mode="nearest")``
  by the kernel and ``repeat_interleave`` along each axis; overlapping (3x3 stride
  2), ``F.conv_transpose2d`` with a ones kernel, one group per channel.
* ``first_unpool`` (every value into its block's first cell), against zeros plus
  one strided assignment ``y[..., ::k, ::k] = x``.
* an overhead probe (a pooled 1x1x4x4 input: convspec's fixed per-call cost,
  argument checks and the index range check) and a control row (the native
  ``F.max_unpool2d`` against itself: the noise of the machine).

Before timing, each pair's outputs are compared; a mismatch stops the script.

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows
over it are listed at the end). Read every ratio against the control row's
distance from 1.00; the overhead probe has no target.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark


def image(settings: Settings) -> torch.Tensor:
    return torch.randn(settings.batch, 64, 112, 112)


def max_unpool_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    p, i = F.max_pool2d(x, 2, 2, return_indices=True)
    po, io = F.max_pool2d(x, 3, 2, 1, return_indices=True)
    size = tuple(x.shape[2:])
    x1 = torch.randn(settings.batch, 64, 8192)
    p1, i1 = F.max_pool1d(x1, 2, 2, return_indices=True)
    x3 = torch.randn(settings.batch_3d, 32, 16, 64, 64)
    p3, i3 = F.max_pool3d(x3, 2, 2, return_indices=True)
    return [
        Case("max_unpool 2x2 s2", f"x {dims(p.shape)} -> {dims(size)}",
             native=lambda: F.max_unpool2d(p, i, 2),
             accelerated=lambda: accelerated.max_unpool(p, i, 2)),
        Case("max_unpool 3x3 s2 p1", f"x {dims(po.shape)} -> {dims(size)} (output_size)",
             native=lambda: F.max_unpool2d(po, io, 3, 2, 1, output_size=size),
             accelerated=lambda: accelerated.max_unpool(po, io, 3, stride=2, padding=1, output_size=size)),
        Case("max_unpool 1-D k2 s2", f"x {dims(p1.shape)}",
             native=lambda: F.max_unpool1d(p1, i1, 2),
             accelerated=lambda: accelerated.max_unpool(p1, i1, 2)),
        Case("max_unpool 3-D 2x2x2 s2", f"x {dims(p3.shape)}",
             native=lambda: F.max_unpool3d(p3, i3, 2),
             accelerated=lambda: accelerated.max_unpool(p3, i3, 2)),
    ]


def avg_unpool_cases(settings: Settings) -> list[Case]:
    p = F.max_pool2d(image(settings), 2, 2)
    channels = p.shape[1]
    ones = torch.ones(channels, 1, 3, 3)
    shape = f"x {dims(p.shape)}"
    return [
        Case("avg_unpool 2x2 s2", f"{shape} vs F.interpolate nearest x2",
             native=lambda: F.interpolate(p, scale_factor=2, mode="nearest"),
             accelerated=lambda: accelerated.avg_unpool(p, 2)),
        Case("avg_unpool 2x2 s2", f"{shape} vs repeat_interleave(2) per axis",
             native=lambda: p.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3),
             accelerated=lambda: accelerated.avg_unpool(p, 2)),
        Case("avg_unpool 3x3 s2 (overlapping)", f"{shape} vs F.conv_transpose2d ones, groups {channels}",
             native=lambda: F.conv_transpose2d(p, ones, stride=2, groups=channels),
             accelerated=lambda: accelerated.avg_unpool(p, 3, stride=2)),
    ]


def zeros_then_strided(p, kernel: int):
    n, c, *spatial = p.shape
    y = p.new_zeros((n, c, *(m * kernel for m in spatial)))
    y[(slice(None), slice(None)) + (slice(None, None, kernel),) * len(spatial)] = p
    return y


def first_unpool_cases(settings: Settings) -> list[Case]:
    p = F.max_pool2d(image(settings), 2, 2)
    p3 = F.max_pool3d(torch.randn(settings.batch_3d, 32, 16, 64, 64), 2, 2)
    return [
        Case("first_unpool 2x2 s2", f"x {dims(p.shape)} vs zeros, y[..., ::2, ::2] = x",
             native=lambda: zeros_then_strided(p, 2),
             accelerated=lambda: accelerated.first_unpool(p, 2)),
        Case("first_unpool 3-D 2x2x2 s2", f"x {dims(p3.shape)} vs zeros, y[..., ::2, ::2, ::2] = x",
             native=lambda: zeros_then_strided(p3, 2),
             accelerated=lambda: accelerated.first_unpool(p3, 2)),
    ]


def overhead_probe(settings: Settings) -> Case:
    p, i = F.max_pool2d(torch.randn(1, 1, 8, 8), 2, 2, return_indices=True)
    return Case("overhead probe (tiny)", f"x {dims(p.shape)}, max_unpool 2x2 s2",
                native=lambda: F.max_unpool2d(p, i, 2),
                accelerated=lambda: accelerated.max_unpool(p, i, 2),
                has_target=False)


def all_cases(settings: Settings) -> list[Case]:
    p, i = F.max_pool2d(image(settings), 2, 2, return_indices=True)
    return [
        control("native/native", f"x {dims(p.shape)}, F.max_unpool2d 2x2 s2", lambda: F.max_unpool2d(p, i, 2)),
        *max_unpool_cases(settings),
        *avg_unpool_cases(settings),
        *first_unpool_cases(settings),
        overhead_probe(settings),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("unpooling", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
