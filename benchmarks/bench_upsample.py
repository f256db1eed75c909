"""How much convspec's upsample costs on top of native torch (``F.interpolate``).

Run ``python benchmarks/bench_upsample.py`` (about a minute or two on 2 CPU cores)
or ``python benchmarks/bench_upsample.py --quick`` (batch 2 instead of 8, fewer
repetitions, under a minute). ``--threads N`` sets ``torch.set_num_threads``;
``--block-ms`` the length of one timed block. Timing, output check and table:
``benchmarks/timing.py`` (alternating blocks, median of per-repetition ratios, as
``bench_conv.py``).

What is measured
----------------
Every row times ``convspec.accelerated.upsample`` against ``F.interpolate`` with
the same arguments, on the same tensors (2-D rows: ``N x 64 x 56 x 56`` to
``112 x 112``; 1-D ``N x 64 x 4096``; 3-D ``N x 16 x 16 x 32 x 32``):

* ``nearest`` and ``nearest_exact`` (torch spells it ``"nearest-exact"``) by an
  integer scale factor, by a ``size``, and by 1.5 (56 -> 84);
* ``linear``, ``bilinear``, ``trilinear`` by 2, with ``align_corners`` False and True;
* an overhead probe (a 1x1x8x8 input: convspec's fixed per-call cost) and a control
  row (the native bilinear call against itself: the noise of the machine).

convspec's nearest modes use the exact rational source indices and fall back to a
gather where torch's float32 index arithmetic would round across a boundary; the
factors here are ones where both agree (the native kernel is used), and every pair's
outputs are compared before timing: a mismatch stops the script.

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


def torch_mode(mode: str) -> str:
    return mode.replace("_", "-")


def by_scale(name: str, x, scale, mode: str, align_corners: bool | None = None) -> Case:
    """``scale_factor=scale``; ``align_corners=None`` leaves it out of both calls (nearest modes)."""
    flag = {} if align_corners is None else {"align_corners": align_corners}
    return Case(
        name,
        f"x {dims(x.shape)}, scale_factor={scale}" + (f", align_corners={align_corners}" if flag else ""),
        native=lambda: F.interpolate(x, scale_factor=scale, mode=torch_mode(mode), **flag),
        accelerated=lambda: accelerated.upsample(x, scale_factor=scale, mode=mode, **flag),
    )


def by_size(name: str, x, size, mode: str) -> Case:
    return Case(
        name,
        f"x {dims(x.shape)}, size={size}",
        native=lambda: F.interpolate(x, size=size, mode=torch_mode(mode)),
        accelerated=lambda: accelerated.upsample(x, size=size, mode=mode),
    )


def nearest_cases(settings: Settings) -> list[Case]:
    x = torch.randn(settings.batch, 64, 56, 56)
    x3 = torch.randn(settings.batch_3d, 16, 16, 32, 32)
    return [
        by_scale("nearest x2", x, 2, "nearest"),
        by_size("nearest size", x, (112, 112), "nearest"),
        by_scale("nearest x1.5", x, 1.5, "nearest"),
        by_scale("nearest_exact x2", x, 2, "nearest_exact"),
        by_scale("nearest_exact x1.5", x, 1.5, "nearest_exact"),
        by_scale("nearest 3-D x2", x3, 2, "nearest"),
    ]


def linear_cases(settings: Settings) -> list[Case]:
    x1 = torch.randn(settings.batch, 64, 4096)
    x2 = torch.randn(settings.batch, 64, 56, 56)
    x3 = torch.randn(settings.batch_3d, 16, 16, 32, 32)
    return [
        by_scale(f"{mode} x2{' align' if align else ''}", x, 2, mode, align)
        for mode, x in (("linear", x1), ("bilinear", x2), ("trilinear", x3))
        for align in (False, True)
    ]


def overhead_probe(settings: Settings) -> Case:
    x = torch.randn(1, 1, 8, 8)
    return Case(
        "overhead probe (tiny)",
        f"x {dims(x.shape)}, nearest x2",
        native=lambda: F.interpolate(x, scale_factor=2, mode="nearest"),
        accelerated=lambda: accelerated.upsample(x, scale_factor=2),
        has_target=False,
    )


def all_cases(settings: Settings) -> list[Case]:
    x = torch.randn(settings.batch, 64, 56, 56)
    return [
        control("native/native", f"x {dims(x.shape)}, bilinear x2",
                lambda: F.interpolate(x, scale_factor=2, mode="bilinear")),
        *nearest_cases(settings),
        *linear_cases(settings),
        overhead_probe(settings),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("upsample", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
