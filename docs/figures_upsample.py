"""The upsampling family's figure: where each output sample reads its input, per coordinate mode.

Found by running :func:`convspec.reference.upsample` on a ramp ``x = [0, 1, ..., n-1]``:
linear interpolation of a ramp returns the (clamped) source coordinate itself, and a
nearest mode returns the index it copies. Example: 4 -> 6 samples, ``align_corners=False``
reads output 0 at ``(0 + 0.5) * 4/6 - 0.5 = -1/6``, clamped to 0; ``align_corners=True``
reads output ``o`` at ``o * 3/5``; ``nearest`` reads ``floor(o * 4/6)`` = 0, 0, 1, 2, 2, 3 and
``nearest_exact`` ``floor((o + 0.5) * 4/6)`` = 0, 1, 1, 2, 3, 3.
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

MODES = (("linear", False), ("linear", True), ("nearest", False), ("nearest_exact", False))


def source_coordinates(n: int, size: int, mode: str, align_corners: bool) -> np.ndarray:
    """The input coordinate (in input cells, cell centres at 0, 1, ...) output sample ``o`` reads, by the reference."""
    ramp = np.arange(float(n))[None, None]
    kwargs = {"align_corners": align_corners} if mode == "linear" else {}
    return reference.upsample(ramp, size=size, mode=mode, **kwargs)[0, 0]


def coordinate_modes(theme: Theme, n: int = 4, size: int = 6) -> str:
    cell_in, cell_out = 84, 84 * n / size
    svg = Svg(300, 100, f"Upsampling {n} samples to {size}: where each output reads, per coordinate mode", theme)
    y = 24
    x0 = 30
    for i, (mode, corners) in enumerate(MODES):
        coords = source_coordinates(n, size, mode, corners)
        title = f"mode='{mode}'" + (f", align_corners={corners}" if mode == "linear" else "")
        svg.text(x0, y, title, size=13, anchor="start", weight="bold")
        yi, yo = y + 16, y + 16 + 30 + 46
        for c in range(n):
            svg.rect(x0 + c * cell_in, yi, cell_in, 30, fill=theme.tint(2))
            svg.text(x0 + (c + 0.5) * cell_in, yi + 15, f"x{c}", size=12, fill=theme.text_on(theme.tint(2)))
        for o, src in enumerate(coords):
            color = theme.accent(i)
            svg.rect(x0 + o * cell_out, yo, cell_out, 30)
            svg.text(x0 + (o + 0.5) * cell_out, yo + 15, fmt(src, 3), size=11)
            # the arrow ends on the input row at the coordinate read (cell centre c at (c + 0.5) cells)
            svg.arrow(x0 + (o + 0.5) * cell_out, yo - 2, x0 + (src + 0.5) * cell_in, yi + 30 + 2, stroke=color)
        y = yo + 30 + 40
    svg.text(x0, y - 20, "upper row: the input cells; lower row: the output samples, each labelled", size=12,
             anchor="start", fill=theme.muted)
    svg.text(x0, y - 4, "with the coordinate it reads (the reference upsampling the ramp 0, 1, 2, ...)", size=12,
             anchor="start", fill=theme.muted)
    return svg.render()


FIGURES = [
    Figure("upsample_modes", "upsample", "Where each of 6 output samples reads a 4-sample input: linear with "
           "align_corners False and True, nearest and nearest_exact (the reference upsampling a ramp).", coordinate_modes),
]
