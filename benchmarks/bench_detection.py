"""How much convspec's box_iou costs on top of the torch code it stands for.

Run ``python benchmarks/bench_detection.py`` (under a minute on 2 CPU cores) or ``--quick``.
``--threads N`` sets ``torch.set_num_threads``; ``--block-ms`` the length of one timed block.
Timing, output check and table: ``benchmarks/timing.py``.

What is measured
----------------
torch itself has no box IoU (torchvision's ``box_iou`` is not a dependency); ``box_iou`` is timed
against the textbook composition torchvision's is (areas, the intersection's corners by
``maximum``/``minimum``, ``clamp(min=0)``, ``inter / union``), on 1000 x 1000 and 200 x 5000 pairs of
``xyxy`` boxes with coordinates in [0, 512). convspec adds what the composition lacks: the argument
checks, a range test on the corners (outside it each pair is rescaled exactly, not measured here)
and 0 for a zero union instead of NaN; ``cxcywh`` adds the conversion to corners (against the
composition with the same conversion). A control row times the composition against itself.

Before timing, each pair's outputs are compared; a mismatch stops the script.

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows over it are
listed at the end). Read every ratio against the control row's distance from 1.00.
"""

from __future__ import annotations

import torch

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark


def boxes(count: int) -> torch.Tensor:
    low = torch.rand(count, 2) * 448
    return torch.cat([low, low + 1 + torch.rand(count, 2) * 63], dim=1)


def iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    size = (torch.minimum(a[:, None, 2:], b[None, :, 2:]) - torch.maximum(a[:, None, :2], b[None, :, :2])).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def to_cxcywh(b: torch.Tensor) -> torch.Tensor:
    return torch.cat([(b[:, :2] + b[:, 2:]) / 2, b[:, 2:] - b[:, :2]], dim=1)


def from_cxcywh(b: torch.Tensor) -> torch.Tensor:
    return torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], dim=1)


def all_cases(settings: Settings) -> list[Case]:
    a, b = boxes(1000), boxes(1000)
    few, many = boxes(200), boxes(5000)
    ca, cb = to_cxcywh(a), to_cxcywh(b)
    return [
        control("native/native", f"{dims(a.shape)} x {dims(b.shape)}", lambda: iou(a, b)),
        Case("box_iou xyxy", f"{dims(a.shape)} x {dims(b.shape)}", native=lambda: iou(a, b),
             accelerated=lambda: accelerated.box_iou(a, b)),
        Case("box_iou xyxy", f"{dims(few.shape)} x {dims(many.shape)}", native=lambda: iou(few, many),
             accelerated=lambda: accelerated.box_iou(few, many)),
        Case("box_iou cxcywh", f"{dims(ca.shape)} x {dims(cb.shape)}",
             native=lambda: iou(from_cxcywh(ca), from_cxcywh(cb)),
             accelerated=lambda: accelerated.box_iou(ca, cb, fmt="cxcywh")),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("detection", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
