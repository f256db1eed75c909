"""How much convspec's conv_transpose costs on top of native torch.

Run ``python benchmarks/bench_conv_transpose.py`` (about 1-2 minutes on 2 CPU cores)
or ``python benchmarks/bench_conv_transpose.py --quick`` (fewer repetitions, under a
minute). ``--threads N`` sets ``torch.set_num_threads``; ``--block-ms`` the length of
one timed block. Timing, output check and table: ``benchmarks/timing.py`` (the same
method as ``bench_conv.py``: alternating blocks, median of per-repetition ratios).

What is measured
----------------
Every row times ``convspec.accelerated.conv_transpose`` against the native call
that means the same, on the same tensors (fixed shapes; ``--quick`` only shortens
the timing):

* ``F.conv_transpose{1,2,3}d`` with stride, padding, ``output_padding``, groups and
  dilation;
* per-side padding and an odd ``"same"`` crop: the native call plus the slicing a
  user would write;
* four spatial axes, which torch lacks: the most direct composition, an einsum per
  kernel tap added into strided views;
* an overhead probe (a 1x1x8x8 input: convspec's fixed per-call cost) and a control
  row (the 2-D native call against itself: the noise of the machine).

Before timing, each pair's outputs are compared (``rtol = atol = 1e-4``: the two
sides sum 64 channels x 16 taps in different orders); a mismatch stops the script.

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows
over it are listed at the end). Read every ratio against the control row's
distance from 1.00.
"""

from __future__ import annotations

from itertools import product

import torch
import torch.nn.functional as F

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark

TOLERANCE = 1e-4


def einsum_scatter_4d(x, weight, stride):
    """Four spatial axes the plain way: for each tap, x @ weight[..., tap] added at i * stride + tap."""
    n, c_in, *size = x.shape
    _, c_out, *kernel = weight.shape
    full = [(length - 1) * stride + k for length, k in zip(size, kernel)]
    out = x.new_zeros((n, c_out, *full))
    for tap in product(*(range(k) for k in kernel)):
        view = tuple(slice(t, t + stride * (length - 1) + 1, stride) for t, length in zip(tap, size))
        out[(slice(None), slice(None)) + view] += torch.einsum("ni...,io->no...", x, weight[(slice(None), slice(None)) + tap])
    return out


def shape_of(x, w, rest: str) -> str:
    return f"x {dims(x.shape)}, w {dims(w.shape)}, {rest}"


def case(name: str, x, w, rest: str, native, ours) -> Case:
    return Case(name, shape_of(x, w, rest), native=native, accelerated=ours, tolerance=TOLERANCE)


def all_cases(settings: Settings) -> list[Case]:
    ours = accelerated.conv_transpose
    x1, w1, b1 = torch.randn(16, 64, 256), torch.randn(64, 32, 4), torch.randn(32)
    x2, w2, b2 = torch.randn(8, 64, 28, 28), torch.randn(64, 32, 4, 4), torch.randn(32)
    w2k3 = torch.randn(64, 32, 3, 3)
    x2g, w2g = torch.randn(8, 64, 28, 28), torch.randn(64, 8, 3, 3)
    x3, w3 = torch.randn(2, 16, 8, 16, 16), torch.randn(16, 8, 3, 3, 3)
    x4, w4 = torch.randn(2, 8, 4, 6, 6, 6), torch.randn(8, 8, 2, 2, 2, 2)
    tiny_x, tiny_w = torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3)
    return [
        control("native/native", shape_of(x2, w2, "s2 p1"), lambda: F.conv_transpose2d(x2, w2, b2, stride=2, padding=1)),
        case("1-D", x1, w1, "s2 p1",
             lambda: F.conv_transpose1d(x1, w1, b1, stride=2, padding=1),
             lambda: ours(x1, w1, b1, stride=2, padding=1)),
        case("2-D (DCGAN)", x2, w2, "s2 p1",
             lambda: F.conv_transpose2d(x2, w2, b2, stride=2, padding=1),
             lambda: ours(x2, w2, b2, stride=2, padding=1)),
        case("2-D output_padding", x2, w2k3, "s2 p1 output_padding 1",
             lambda: F.conv_transpose2d(x2, w2k3, b2, stride=2, padding=1, output_padding=1),
             lambda: ours(x2, w2k3, b2, stride=2, padding=1, output_padding=1)),
        case("2-D groups, dilation", x2g, w2g, "s2 p1 groups 8 dilation 2",
             lambda: F.conv_transpose2d(x2g, w2g, None, stride=2, padding=1, dilation=2, groups=8),
             lambda: ours(x2g, w2g, None, stride=2, padding=1, dilation=2, groups=8)),
        case("3-D output_padding", x3, w3, "s2 p1 output_padding 1",
             lambda: F.conv_transpose3d(x3, w3, None, stride=2, padding=1, output_padding=1),
             lambda: ours(x3, w3, None, stride=2, padding=1, output_padding=1)),
        case("per-side padding", x2, w2, "s2 ((1, 2), (2, 1)) vs p1 + slicing",
             lambda: F.conv_transpose2d(x2, w2, b2, stride=2, padding=1)[:, :, :-1, 1:],
             lambda: ours(x2, w2, b2, stride=2, padding=((1, 2), (2, 1)))),
        case("'same', stride 2", x2, w2k3, "s2, crop (0, 1) vs native + slicing",
             lambda: F.conv_transpose2d(x2, w2k3, b2, stride=2)[:, :, :-1, :-1],
             lambda: ours(x2, w2k3, b2, stride=2, padding="same")),
        case("4-D", x4, w4, "s2 vs einsum per tap",
             lambda: einsum_scatter_4d(x4, w4, 2),
             lambda: ours(x4, w4, None, stride=2)),
        Case("overhead probe (tiny)", shape_of(tiny_x, tiny_w, "s2"),
             native=lambda: F.conv_transpose2d(tiny_x, tiny_w, stride=2),
             accelerated=lambda: ours(tiny_x, tiny_w, stride=2),
             has_target=False),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("conv_transpose", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
