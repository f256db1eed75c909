"""How much convspec's style-transfer operations cost on top of the torch code they stand for.

Run ``python benchmarks/bench_style.py`` (under a minute on 2 CPU cores) or ``--quick``.
``--threads N`` sets ``torch.set_num_threads``; ``--block-ms`` the length of one timed block.
Timing, output check and table: ``benchmarks/timing.py``.

What is measured
----------------
torch has no gram matrix or style loss of its own; each row times ``convspec.accelerated``
against the direct composition a PyTorch style-transfer script writes, on VGG-sized features
``N x 128 x 112 x 112`` (and ``N x 512 x 28 x 28``):

* ``gram_matrix`` (``normalization="gatys"``: divided by ``2 C M``) against ``F @ F^T / (2 C M)``
  with ``F`` the features reshaped to ``(N, C, M)``;
* ``style_loss`` (one layer, Gatys) against the squared difference of two such grams, summed per image;
* ``content_loss`` against ``((g - c) ** 2).flatten(1).sum(1)``.

A control row times the gram composition against itself (the noise of the machine). Before
timing, each pair's outputs are compared (relative 1e-4: sums of ~10^4 float32 products).

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows over it are
listed at the end). Read every ratio against the control row's distance from 1.00.
"""

from __future__ import annotations

import torch

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark


def gram(features: torch.Tensor) -> torch.Tensor:
    n, c = features.shape[:2]
    flat = features.reshape(n, c, -1)
    return flat @ flat.transpose(1, 2) / (2 * c * flat.shape[2])


def all_cases(settings: Settings) -> list[Case]:
    early = torch.randn(settings.batch, 128, 112, 112)
    late = torch.randn(settings.batch, 512, 28, 28)
    style = torch.randn(1, 128, 112, 112)
    content = torch.randn(settings.batch, 512, 28, 28)
    return [
        control("native/native", f"x {dims(early.shape)}, gram", lambda: gram(early)),
        Case("gram_matrix (gatys)", f"x {dims(early.shape)}",
             native=lambda: gram(early), accelerated=lambda: accelerated.gram_matrix(early, normalization="gatys"),
             tolerance=1e-4),
        Case("gram_matrix (gatys)", f"x {dims(late.shape)}",
             native=lambda: gram(late), accelerated=lambda: accelerated.gram_matrix(late, normalization="gatys"),
             tolerance=1e-4),
        Case("style_loss (gatys)", f"x {dims(early.shape)}, style {dims(style.shape)}",
             native=lambda: (gram(early) - gram(style)).square().sum(dim=(1, 2)),
             accelerated=lambda: accelerated.style_loss(early, style), tolerance=1e-4),
        Case("content_loss", f"x {dims(late.shape)}",
             native=lambda: (late - content).square().flatten(1).sum(dim=1),
             accelerated=lambda: accelerated.content_loss(late, content), tolerance=1e-4),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("style", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
