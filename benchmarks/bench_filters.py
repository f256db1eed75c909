"""How much convspec's Sobel filter costs on top of the torch code it stands for.

Run ``python benchmarks/bench_filters.py`` (under a minute on 2 CPU cores) or ``--quick``.
``--threads N`` sets ``torch.set_num_threads``; ``--block-ms`` the length of one timed block.
Timing, output check and table: ``benchmarks/timing.py``.

What is measured
----------------
torch has no Sobel operator; ``sobel`` is timed against the composition it means: one
``F.conv2d`` with the two flipped 3x3 kernels stacked as output channels (convolution, as
seed 002), ``torch.hypot`` of the two gradients, and the three channels concatenated, on
``N x 1 x 512 x 512`` images, ``padding="valid"`` and ``"same"``. A control row times the
composition against itself (the noise of the machine); an overhead probe (an 8x8 image:
convspec's fixed per-call cost, its argument checks) has no target.

Before timing, each pair's outputs are compared; a mismatch stops the script.

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows over it are
listed at the end). Read every ratio against the control row's distance from 1.00.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark

KX = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
# convolution flips the kernel; F.conv2d correlates, so it gets the flipped kernels
WEIGHT = torch.stack([KX, KX.T]).flip(-1, -2)[:, None]


def composition(x: torch.Tensor, padding: int) -> torch.Tensor:
    gradients = F.conv2d(x, WEIGHT, padding=padding)
    return torch.cat([gradients, torch.hypot(gradients[:, 0:1], gradients[:, 1:2])], dim=1)


def all_cases(settings: Settings) -> list[Case]:
    x = torch.randn(settings.batch, 1, 512, 512)
    tiny = torch.randn(1, 1, 8, 8)
    return [
        control("native/native", f"x {dims(x.shape)}, conv2d + hypot", lambda: composition(x, 0)),
        Case("sobel valid", f"x {dims(x.shape)}", native=lambda: composition(x, 0),
             accelerated=lambda: accelerated.sobel(x)),
        Case("sobel same", f"x {dims(x.shape)}", native=lambda: composition(x, 1),
             accelerated=lambda: accelerated.sobel(x, padding="same")),
        Case("overhead probe (tiny)", f"x {dims(tiny.shape)}", native=lambda: composition(tiny, 0),
             accelerated=lambda: accelerated.sobel(tiny), has_target=False),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("filters", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
