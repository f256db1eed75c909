"""The style family's figure: the Gram matrix of a tiny feature map.

Each channel is flattened to a row of ``F`` (channels x positions) and ``G = F Fᵀ``: entry
``G[k, k']`` is the dot product of channels ``k`` and ``k'`` over every position. The numbers
are :func:`convspec.reference.gram_matrix`'s. Example: channels ``[[1, 0], [0, 1]]`` and
``[[1, 1], [0, 0]]`` give ``G[0, 1] = 1·1 + 0·1 + 0·0 + 1·0 = 1``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

CELL = 32
FEATURES = (((1.0, 0.0), (0.0, 1.0)), ((1.0, 1.0), (0.0, 0.0)), ((2.0, 0.0), (1.0, 1.0)))


def gram(theme: Theme, features=FEATURES) -> str:
    a = np.asarray(features, dtype=np.float64)
    g = reference.gram_matrix(a[None])[0]
    flat = a.reshape(a.shape[0], -1)
    if not np.allclose(g, flat @ flat.T):
        raise AssertionError("Gram figure: the reference's gram_matrix is not F Fᵀ of the drawn rows")
    k = a.shape[0]
    svg = Svg(300, 100, "The Gram matrix of a tiny feature map", theme)
    x0, y0 = 20, 40
    for c in range(k):
        fill = theme.tint(c)
        svg.text(x0, 20, f"channel {c}", size=12, anchor="start", fill=theme.accent(c), weight="bold")
        svg.grid(x0, y0, [[fmt(v) for v in row] for row in a[c]], fills=[[fill] * a.shape[2]] * a.shape[1], size=CELL)
        x0 += a.shape[2] * CELL + 24
    fy = y0 + a.shape[1] * CELL + 50
    svg.text(20, fy - 16, f"F: each channel flattened ({k} × {flat.shape[1]})", size=12, anchor="start")
    svg.grid(20, fy, [[fmt(v) for v in row] for row in flat], fills=[[theme.tint(c)] * flat.shape[1] for c in range(k)],
             size=CELL)
    gx = 20 + flat.shape[1] * CELL + 70
    svg.arrow(20 + flat.shape[1] * CELL + 8, fy + k * CELL / 2, gx - 2, fy + k * CELL / 2)
    svg.text(gx, fy - 16, "gram_matrix: G = F Fᵀ", size=12, anchor="start")
    fills = [[theme.tint(4) if (r, c) == (0, 1) else theme.bg for c in range(k)] for r in range(k)]
    svg.grid(gx, fy, [[fmt(v) for v in row] for row in g], fills=fills, size=CELL, bold=[[(r, c) == (0, 1) for c in range(k)]
                                                                                         for r in range(k)])
    terms = " + ".join(f"{fmt(p)}·{fmt(q)}" for p, q in zip(flat[0], flat[1]))
    svg.text(20, fy + k * CELL + 24, f"G[0, 1] = channel 0 · channel 1 = {terms} = {fmt(g[0, 1])}", size=12, anchor="start")
    return svg.render()


FIGURES = [
    Figure("gram", "style", "A 3-channel 2 × 2 map, its channels flattened into the rows of F, and the reference's "
           "gram_matrix G = F Fᵀ: one dot product per pair of channels.", gram),
]
