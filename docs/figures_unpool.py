"""The unpooling family's figure: a 2 x 2 map unpooled three ways, as the reference computes it.

``max_unpool`` puts each value back where the switches (max-pooling's indices) say,
``avg_unpool`` copies it into its whole block, ``first_unpool`` puts it in the block's
first cell. Example (seed 004's pictures): ``x = [[1, 2], [3, 4]]`` with 2 x 2 blocks gives
4 x 4 maps; ``avg_unpool``'s top-left block is ``[[1, 1], [1, 1]]``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import CELL, Figure, Svg, Theme, fmt


def _block_fills(theme: Theme, shape, k):
    return [[theme.tint((r // k) * 2 + c // k) for c in range(shape[1])] for r in range(shape[0])]


def unpooling(theme: Theme, x=None, switches=None, k: int = 2) -> str:
    from convspec.conformance.families.unpool import examples as examples_unpool

    if x is None:
        x = examples_unpool.SEED_MAP
    if switches is None:
        switches = next(e for e in examples_unpool.MAX_UNPOOL_EXAMPLES if e.title.startswith("Seed 004")).inputs["indices"]
    x = np.asarray(x, dtype=np.float64)
    outputs = [
        ("max_unpool (switches)", reference.max_unpool(x, switches, k)),
        ("avg_unpool", reference.avg_unpool(x, k)),
        ("first_unpool", reference.first_unpool(x, k)),
    ]
    rows, cols = x.shape[2:]
    svg = Svg(300, 100, f"Unpooling a {rows}x{cols} map with {k}x{k} blocks", theme)
    in_fills = [[theme.tint(r * 2 + c) for c in range(cols)] for r in range(rows)]
    top = 40
    out_h = rows * k * CELL
    in_y = top + (out_h - rows * CELL) / 2
    svg.grid(20, in_y, [[fmt(v) for v in row] for row in x[0, 0]], fills=in_fills)
    svg.text(20, in_y - 14, f"x ({rows}×{cols})", size=12, anchor="start")
    svg.text(20, in_y + rows * CELL + 16, f"switches {np.asarray(switches)[0, 0].tolist()}", size=11, anchor="start",
             fill=theme.muted)
    x0 = 20 + cols * CELL + 70
    svg.arrow(20 + cols * CELL + 8, top + out_h / 2, x0 - 2, top + out_h / 2)
    for title, y in outputs:
        plane = y[0, 0]
        svg.grid(x0, top, [[fmt(v) for v in row] for row in plane], fills=_block_fills(theme, plane.shape, k), bold=plane != 0)
        svg.text(x0, 22, title, size=12, anchor="start")
        x0 += plane.shape[1] * CELL + 30
    return svg.render()


FIGURES = [
    Figure("unpooling", "unpool", "The three unpoolings of a 2x2 map with 2x2 blocks (seed 004's pictures, computed "
           "by the reference); each colour is one input value's block.", unpooling),
]
