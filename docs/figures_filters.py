"""The filters family's figure: the Sobel kernels and a Gabor kernel as grids, and Sobel on a step edge.

The kernels are :func:`convspec.reference.sobel_kernels` and :func:`convspec.reference.gabor_kernel`;
the magnitude is :func:`convspec.reference.sobel` of a vertical step edge. Example: Sobel on
``[[0, 0, 1, 1], ...]`` (4 x 4) gives a 2 x 2 magnitude map of 4s (``G_x = -4``, ``G_y = 0``,
because convolution turns ``K_x`` by 180 degrees).
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

CELL = 32
GABOR = dict(size=7, alpha=0.25, beta=0.25, omega=0.9)


def _signed_fills(theme: Theme, values: np.ndarray):
    top = float(np.abs(values).max()) or 1.0
    return [[theme.tint(0, abs(v) / top) if v > 0 else theme.tint(3, abs(v) / top) if v < 0 else theme.bg for v in row]
            for row in values]


def kernels(theme: Theme, image=None, gabor=GABOR) -> str:
    kx, ky = reference.sobel_kernels()
    g = reference.gabor_kernel(**gabor)
    image = np.array([[0.0, 0.0, 1.0, 1.0]] * 5) if image is None else np.asarray(image, dtype=np.float64)
    magnitude = reference.sobel(image[None, None])[0, 0]
    svg = Svg(300, 100, "Sobel and Gabor kernels, and Sobel on an edge", theme)
    x0, y0 = 20, 40
    for title, k in (("K_x", kx), ("K_y", ky)):
        svg.text(x0, 20, title, size=13, anchor="start", weight="bold")
        svg.grid(x0, y0, [[fmt(v) for v in row] for row in k], fills=_signed_fills(theme, k), size=CELL, font=12)
        x0 += 3 * CELL + 30
    svg.text(x0, 20, f"gabor_kernel({', '.join(f'{a}={v}' for a, v in gabor.items())})", size=13, anchor="start", weight="bold")
    svg.grid(x0, y0, [[fmt(round(v, 2)) for v in row] for row in g], fills=_signed_fills(theme, g), size=CELL + 6, font=10)
    gy = y0 + g.shape[0] * (CELL + 6) + 50
    svg.text(20, gy - 20, "image (a step edge)", size=13, anchor="start", weight="bold")
    svg.grid(20, gy, [[fmt(v) for v in row] for row in image], fills=_signed_fills(theme, image), size=CELL, font=12)
    mx = 20 + image.shape[1] * CELL + 70
    svg.arrow(20 + image.shape[1] * CELL + 8, gy + image.shape[0] * CELL / 2, mx - 2, gy + magnitude.shape[0] * CELL / 2)
    svg.text(mx, gy - 20, "sobel(image): sqrt(G_x² + G_y²)", size=13, anchor="start", weight="bold")
    svg.grid(mx, gy, [[fmt(v) for v in row] for row in magnitude], fills=_signed_fills(theme, magnitude), size=CELL, font=12)
    svg.text(20, gy + image.shape[0] * CELL + 22, "blue: positive, red: negative, stronger for a larger magnitude",
             size=12, anchor="start", fill=theme.muted)
    return svg.render()


FIGURES = [
    Figure("filters", "filters", "Seed 002's Sobel kernels and a Gabor kernel sampled by the reference, and the "
           "reference's Sobel magnitude of a step edge.", kernels),
]
