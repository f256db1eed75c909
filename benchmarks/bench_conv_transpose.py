"""Speed of convspec.accelerated.conv_transpose relative to native torch, measured side by side.

For every case the two callables are timed alternately in the same run (ours, theirs,
ours, theirs, ...) and the ratio of the medians is reported: 1.00 means no overhead.
The native side is ``F.conv_transpose{1,2,3}d``; for per-side padding and odd
``"same"`` crops it is the native call plus the slicing a user would write; for four
spatial axes, which torch lacks, it is the most direct composition (an einsum per kernel
tap added into strided views). Before timing, each pair is checked to agree.

    python benchmarks/bench_conv_transpose.py            # about 2-3 minutes on a laptop CPU
    python benchmarks/bench_conv_transpose.py --quick    # under a minute
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import product

import torch
import torch.nn.functional as F

from convspec import accelerated


def _einsum_scatter_4d(x, weight, stride):
    """Four spatial axes the plain way: for each tap, x @ weight[..., tap] added at i * stride + tap."""
    n, c_in, *size = x.shape
    _, c_out, *kernel = weight.shape
    full = [(length - 1) * stride + k + 0 for length, k in zip(size, kernel)]
    out = x.new_zeros((n, c_out, *full))
    for tap in product(*(range(k) for k in kernel)):
        view = tuple(slice(t, t + stride * (length - 1) + 1, stride) for t, length in zip(tap, size))
        out[(slice(None), slice(None)) + view] += torch.einsum("ni...,io->no...", x, weight[(slice(None), slice(None)) + tap])
    return out


def _cases(device: str):
    """(name, ours, theirs): zero-argument callables on fixed random inputs."""
    g = torch.Generator(device="cpu").manual_seed(0)

    def rand(*shape):
        return torch.randn(shape, generator=g).to(device)

    ours = accelerated.conv_transpose
    x1, w1, b1 = rand(16, 64, 256), rand(64, 32, 4), rand(32)
    x2, w2, b2 = rand(8, 64, 28, 28), rand(64, 32, 4, 4), rand(32)
    w2k3 = rand(64, 32, 3, 3)
    x2g, w2g = rand(8, 64, 28, 28), rand(64, 8, 3, 3)
    x3, w3 = rand(2, 16, 8, 16, 16), rand(16, 8, 3, 3, 3)
    x4, w4 = rand(2, 8, 4, 6, 6, 6), rand(8, 8, 2, 2, 2, 2)
    return [
        ("1-D 16x64x256 -> 32, k4 s2 p1",
         lambda: ours(x1, w1, b1, stride=2, padding=1),
         lambda: F.conv_transpose1d(x1, w1, b1, stride=2, padding=1)),
        ("2-D 8x64x28x28 -> 32, k4 s2 p1 (DCGAN)",
         lambda: ours(x2, w2, b2, stride=2, padding=1),
         lambda: F.conv_transpose2d(x2, w2, b2, stride=2, padding=1)),
        ("2-D 8x64x28x28 -> 32, k3 s2 p1 output_padding 1",
         lambda: ours(x2, w2k3, b2, stride=2, padding=1, output_padding=1),
         lambda: F.conv_transpose2d(x2, w2k3, b2, stride=2, padding=1, output_padding=1)),
        ("2-D 8x64x28x28 -> 64, k3 s2 p1 groups 8 dilation 2",
         lambda: ours(x2g, w2g, None, stride=2, padding=1, dilation=2, groups=8),
         lambda: F.conv_transpose2d(x2g, w2g, None, stride=2, padding=1, dilation=2, groups=8)),
        ("3-D 2x16x8x16x16 -> 8, k3 s2 p1 output_padding 1",
         lambda: ours(x3, w3, None, stride=2, padding=1, output_padding=1),
         lambda: F.conv_transpose3d(x3, w3, None, stride=2, padding=1, output_padding=1)),
        ("per-side: 2-D k4 s2 padding ((1, 2), (2, 1)) vs native p1 + slicing",
         lambda: ours(x2, w2, b2, stride=2, padding=((1, 2), (2, 1))),
         lambda: F.conv_transpose2d(x2, w2, b2, stride=2, padding=1)[:, :, :-1, 1:]),
        ("'same': 2-D k3 s2 (crop 0 low, 1 high) vs native + slicing",
         lambda: ours(x2, w2k3, b2, stride=2, padding="same"),
         lambda: F.conv_transpose2d(x2, w2k3, b2, stride=2)[:, :, :-1, :-1]),
        ("4-D 2x8x4x6x6x6 -> 8, k2 s2 vs einsum per tap",
         lambda: ours(x4, w4, None, stride=2),
         lambda: _einsum_scatter_4d(x4, w4, 2)),
    ]


def _time(fn, number: int, device: str) -> float:
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / number


def _calibrate(fn, device: str, target: float) -> int:
    """Calls per measurement so that one measurement takes about ``target`` seconds."""
    once = _time(fn, 1, device)
    return max(1, int(target / max(once, 1e-7)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats (under a minute)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's own choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats, target = (7, 0.05) if args.quick else (21, 0.2)
    print(f"conv_transpose: accelerated / native, median of {repeats} alternating measurements on {args.device} "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")
    print(f"{'case':<68} {'ours ms':>9} {'native ms':>10} {'ratio':>7}")
    with torch.no_grad():
        for name, ours, theirs in _cases(args.device):
            mine, native = ours(), theirs()
            assert mine.shape == native.shape and torch.allclose(mine, native, rtol=1e-4, atol=1e-4), name
            for fn in (ours, theirs):  # warm up
                fn()
            number = _calibrate(theirs, args.device, target)
            ours_times, native_times = [], []
            for _ in range(repeats):
                ours_times.append(_time(ours, number, args.device))
                native_times.append(_time(theirs, number, args.device))
            a, b = statistics.median(ours_times), statistics.median(native_times)
            print(f"{name:<68} {a * 1e3:9.3f} {b * 1e3:10.3f} {a / b:7.2f}")


if __name__ == "__main__":
    main()
