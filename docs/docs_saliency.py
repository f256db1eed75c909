"""The Grad-CAM page's figure: the tiny network's maps, computed by convspec.reference.saliency at build time.

Placeholder ``<!-- convspec:grad-cam-example -->`` (docs/grad-cam.md): an inline SVG of the
input image and the two class maps, and a table of the logits and channel weights.
"""

from __future__ import annotations

import html

import numpy as np

from convspec.reference import saliency
from convspec.spec.saliency import CLASSES

from docs_figures import Svg

CELL = 26


def example_image() -> np.ndarray:
    """A vertical bar on the left (column 2, rows 1-6) and a horizontal bar at the bottom (row 6, columns 4-7)."""
    x = np.zeros((1, 1, 8, 8), dtype=np.float32)
    x[0, 0, 1:7, 2] = 1
    x[0, 0, 6, 4:8] = 1
    return x


def _grey(value: float, top: float) -> str:
    level = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
    shade = int(round(255 - 200 * level))
    return f"#{shade:02x}{shade:02x}ff" if level else "#ffffff"


def _panel(svg: Svg, x0: float, y0: float, values: np.ndarray, title: str, size: int) -> None:
    top = float(values.max(initial=0.0))
    svg.text(x0 + values.shape[1] * size / 2, y0 - 14, title, size=13, weight="bold")
    fills = [[_grey(float(v), top) for v in row] for row in values]
    labels = [["" if v == 0 else f"{v:g}" for v in row] for row in values]
    svg.grid(x0, y0, labels, fills=fills, size=size, font=12 if size >= 40 else 10)  # grid picks dark or white text per cell


def grad_cam_figure() -> str:
    x = example_image()
    maps = [saliency.grad_cam(x, c)[0] for c in range(2)]
    svg = Svg(3 * 8 * CELL // 1 + 120, 8 * CELL + 50, "Grad-CAM maps of the tiny network")
    _panel(svg, 10, 36, x[0, 0], "input (8 x 8)", CELL)
    for i, (name, cam) in enumerate(zip(CLASSES, maps)):
        _panel(svg, 10 + (i + 1) * (8 * CELL + 50), 36, cam, f"Grad-CAM '{name}' (4 x 4)", 2 * CELL)
    return svg.render()


def grad_cam_example() -> str:
    """The SVG and a table of the numbers behind it."""
    x = example_image()
    logits = saliency.forward(x)[0]
    rows = []
    for c, name in enumerate(CLASSES):
        rows.append(f"| {html.escape(name)} | {logits[c]:g} |")
    table = "| class | logit |\n|---|---|\n" + "\n".join(rows)
    cam = saliency.grad_cam(x, 0)[0]
    cells = "\n".join("| " + " | ".join(f"{v:g}" for v in row) + " |" for row in cam)
    header = "| " + " | ".join(f"col {j}" for j in range(cam.shape[1])) + " |\n|" + "---|" * cam.shape[1]
    return (
        '<div class="convspec-figure">\n' + grad_cam_figure() + "</div>\n\n"
        + table + "\n\nThe 'vertical' map in numbers (dyadic rationals: exact in float32):\n\n"
        + header + "\n" + cells + "\n"
    )
