"""How much convspec's pooling family costs on top of native torch.

Run ``python benchmarks/bench_pool.py`` (about a minute or two on 2 CPU cores) or
``python benchmarks/bench_pool.py --quick`` (batch 2 instead of 8, fewer
repetitions, under a minute). ``--threads N`` sets ``torch.set_num_threads``;
``--block-ms`` the length of one timed block. Timing, output check and table:
``benchmarks/timing.py`` (alternating blocks, median of per-repetition ratios, as
``bench_conv.py``).

What is measured
----------------
Every row times ``convspec.accelerated`` against the native torch call that means
the same, on the same tensors (2-D rows on ``N x 64 x 56 x 56``, the size of a
ResNet stem's output):

* ``max_pool`` against ``F.max_pool{1,2,3}d``: 3x3 stride 2 padding 1 (ResNet),
  2x2 stride 2 (VGG), ``ceil_mode``, ``return_indices``, dilation 2;
* ``avg_pool`` against ``F.avg_pool{1,2,3}d``: the same windows, ``ceil_mode``
  with ``count_include_pad=False``;
* ``global_max_pool`` / ``global_avg_pool`` against ``F.adaptive_max_pool2d(x, 1)``
  / ``F.adaptive_avg_pool2d(x, 1)``;
* what torch lacks natively, against the most direct composition a user would
  write, ``F.pad`` then the native pool without padding: per-side padding
  ``((1, 2), (1, 2))`` for both pools (with ``return_indices``, the composition
  maps the indices back to the unpadded plane), ``padding="same"`` with stride 2
  (the TensorFlow SAME pads, ``timing.tf_same_pads``). (convspec's ``avg_pool``
  has no dilation, as torch's has none, so there is no dilated average row.)
* an overhead probe (a 1x1x8x8 input: convspec's fixed per-call cost, argument
  checks and padding resolution) and a control row (the native 3x3 max pool
  against itself: the noise of the machine at this moment).

Before timing, each pair's outputs (values, and indices where returned) are
compared; a mismatch stops the script.

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
from timing import Case, Settings, control, dims, run_benchmark, tf_same_pads

NEG_INF = float("-inf")
PER_SIDE = ((1, 2), (1, 2))  # (lo, hi) for H, then W


def image(settings: Settings) -> torch.Tensor:
    return torch.randn(settings.batch, 64, 56, 56)


def f_pad(per_side) -> list[int]:
    """``((lo, hi), ...)`` per axis, first axis first, as ``F.pad`` wants it: last axis first."""
    return [side for pair in reversed(per_side) for side in pair]


def padded_max_pool_with_indices(x, per_side, kernel: int, stride: int):
    """``F.pad`` with -inf, native max pool, then the indices mapped back to the unpadded plane."""
    (top, _), (left, right) = per_side
    values, flat = F.max_pool2d(F.pad(x, f_pad(per_side), value=NEG_INF), kernel, stride, return_indices=True)
    width = x.shape[-1] + left + right
    row, column = flat // width - top, flat % width - left
    return values, row * x.shape[-1] + column


# ---------------------------------------------------------------------------
# Native in torch


def max_pool_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    shape = f"x {dims(x.shape)}"
    return [
        Case("max_pool 3x3 s2 p1", shape,
             native=lambda: F.max_pool2d(x, 3, 2, 1),
             accelerated=lambda: accelerated.max_pool(x, 3, stride=2, padding=1)),
        Case("max_pool 2x2 s2", shape,
             native=lambda: F.max_pool2d(x, 2, 2),
             accelerated=lambda: accelerated.max_pool(x, 2)),
        Case("max_pool 3x3 s2 ceil_mode", shape,
             native=lambda: F.max_pool2d(x, 3, 2, ceil_mode=True),
             accelerated=lambda: accelerated.max_pool(x, 3, stride=2, ceil_mode=True)),
        Case("max_pool 2x2 s2 return_indices", shape,
             native=lambda: F.max_pool2d(x, 2, 2, return_indices=True),
             accelerated=lambda: accelerated.max_pool(x, 2, return_indices=True)),
        Case("max_pool 3x3 s2 p1 dilation 2", shape,
             native=lambda: F.max_pool2d(x, 3, 2, 1, dilation=2),
             accelerated=lambda: accelerated.max_pool(x, 3, stride=2, padding=1, dilation=2)),
    ]


def avg_pool_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    shape = f"x {dims(x.shape)}"
    return [
        Case("avg_pool 3x3 s2 p1", shape,
             native=lambda: F.avg_pool2d(x, 3, 2, 1),
             accelerated=lambda: accelerated.avg_pool(x, 3, stride=2, padding=1)),
        Case("avg_pool 2x2 s2", shape,
             native=lambda: F.avg_pool2d(x, 2, 2),
             accelerated=lambda: accelerated.avg_pool(x, 2)),
        Case("avg_pool 3x3 s2 p1 ceil, excl. pad", f"{shape}, count_include_pad=False",
             native=lambda: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
             accelerated=lambda: accelerated.avg_pool(x, 3, stride=2, padding=1, ceil_mode=True,
                                                      count_include_pad=False)),
    ]


def other_ranks_cases(settings: Settings) -> list[Case]:
    x1 = torch.randn(settings.batch, 64, 4096)
    x3 = torch.randn(settings.batch_3d, 32, 16, 56, 56)
    return [
        Case("max_pool 1-D k3 s2 p1", f"x {dims(x1.shape)}",
             native=lambda: F.max_pool1d(x1, 3, 2, 1),
             accelerated=lambda: accelerated.max_pool(x1, 3, stride=2, padding=1)),
        Case("avg_pool 1-D k3 s2 p1", f"x {dims(x1.shape)}",
             native=lambda: F.avg_pool1d(x1, 3, 2, 1),
             accelerated=lambda: accelerated.avg_pool(x1, 3, stride=2, padding=1)),
        Case("max_pool 3-D 2x2x2 s2", f"x {dims(x3.shape)}",
             native=lambda: F.max_pool3d(x3, 2, 2),
             accelerated=lambda: accelerated.max_pool(x3, 2)),
        Case("avg_pool 3-D 2x2x2 s2", f"x {dims(x3.shape)}",
             native=lambda: F.avg_pool3d(x3, 2, 2),
             accelerated=lambda: accelerated.avg_pool(x3, 2)),
    ]


def global_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    shape = f"x {dims(x.shape)}"
    return [
        Case("global_max_pool", f"{shape} vs F.adaptive_max_pool2d(x, 1)",
             native=lambda: F.adaptive_max_pool2d(x, 1),
             accelerated=lambda: accelerated.global_max_pool(x)),
        Case("global_avg_pool", f"{shape} vs F.adaptive_avg_pool2d(x, 1)",
             native=lambda: F.adaptive_avg_pool2d(x, 1),
             accelerated=lambda: accelerated.global_avg_pool(x)),
    ]


# ---------------------------------------------------------------------------
# Not native in torch: F.pad, then the native pool


def composed_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    per_side = f_pad(PER_SIDE)
    same = tf_same_pads(x.shape[2:], (3, 3), (2, 2))
    shape = f"x {dims(x.shape)}"
    return [
        Case("max_pool 4x4 s2 per-side", f"{shape}, F.pad {per_side} -inf",
             native=lambda: F.max_pool2d(F.pad(x, per_side, value=NEG_INF), 4, 2),
             accelerated=lambda: accelerated.max_pool(x, 4, stride=2, padding=PER_SIDE)),
        Case("max_pool 4x4 s2 per-side indices", f"{shape}, F.pad {per_side} -inf, index remap",
             native=lambda: padded_max_pool_with_indices(x, PER_SIDE, 4, 2),
             accelerated=lambda: accelerated.max_pool(x, 4, stride=2, padding=PER_SIDE, return_indices=True)),
        Case("avg_pool 4x4 s2 per-side", f"{shape}, F.pad {per_side}",
             native=lambda: F.avg_pool2d(F.pad(x, per_side), 4, 2),
             accelerated=lambda: accelerated.avg_pool(x, 4, stride=2, padding=PER_SIDE)),
        Case("max_pool 3x3 s2 'same'", f"{shape}, F.pad {same} -inf",
             native=lambda: F.max_pool2d(F.pad(x, same, value=NEG_INF), 3, 2),
             accelerated=lambda: accelerated.max_pool(x, 3, stride=2, padding="same")),
        Case("avg_pool 3x3 s2 'same'", f"{shape}, F.pad {same}",
             native=lambda: F.avg_pool2d(F.pad(x, same), 3, 2),
             accelerated=lambda: accelerated.avg_pool(x, 3, stride=2, padding="same")),
    ]


def overhead_probe(settings: Settings) -> Case:
    x = torch.randn(1, 1, 8, 8)
    return Case("overhead probe (tiny)", f"x {dims(x.shape)}, max_pool 2x2 s2",
                native=lambda: F.max_pool2d(x, 2, 2),
                accelerated=lambda: accelerated.max_pool(x, 2),
                has_target=False)


def all_cases(settings: Settings) -> list[Case]:
    x = image(settings)
    return [
        control("native/native", f"x {dims(x.shape)}, F.max_pool2d 3x3 s2 p1", lambda: F.max_pool2d(x, 3, 2, 1)),
        *max_pool_cases(settings),
        *avg_pool_cases(settings),
        *other_ranks_cases(settings),
        *global_cases(settings),
        *composed_cases(settings),
        overhead_probe(settings),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("pooling", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
