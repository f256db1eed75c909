"""The pooling family's figures: max and average pooling of seed 000's map, and ceil mode's overhanging windows.

Windows are found by running :func:`convspec.reference.max_pool` on one-hot inputs; the
numbers are the reference's outputs; sizes are cross-checked with :mod:`convspec.spec.pool`.
Example: a 5 x 5 input, 2 x 2 windows, stride 2, ``ceil_mode=True``: 3 x 3 windows, the last
row and column of windows hang one cell past the input and cover only the cells inside it.
"""

from __future__ import annotations

import numpy as np

from convspec import reference
from convspec.spec import pool as spec_pool

from docs_figures import CELL, Figure, Svg, Theme, fmt
from figures_conv import footprints


def _block_fills(theme: Theme, shape, k, s):
    fills = [[theme.bg] * shape[1] for _ in range(shape[0])]
    for bi, r0 in enumerate(range(0, shape[0] - k + 1, s)):
        for bj, c0 in enumerate(range(0, shape[1] - k + 1, s)):
            for r in range(r0, r0 + k):
                for c in range(c0, c0 + k):
                    fills[r][c] = theme.tint(bi * 2 + bj)
    return fills


def pooling(theme: Theme, seed_map: np.ndarray | None = None) -> str:
    if seed_map is None:
        from convspec.conformance.families.pool import examples as examples_pool

        seed_map = examples_pool.SEED_000_MAP
    x = np.asarray(seed_map, dtype=np.float64)
    values, indices = reference.max_pool(x, 2, stride=2, return_indices=True)
    averages = reference.avg_pool(x, 2, stride=2)
    if values.shape[2:] != spec_pool.pool_output_size(spec_pool.check_pool_arguments("max_pool", x.shape, 2, stride=2)):
        raise AssertionError("pooling figure: the reference's output size is not the spec's")
    plane = x[0, 0]
    bold = np.zeros(plane.shape, dtype=bool)
    for flat in indices[0, 0].ravel():
        bold[np.unravel_index(flat, plane.shape)] = True
    fills = _block_fills(theme, plane.shape, 2, 2)
    rows, cols = values.shape[2:]
    out_fills = [[theme.tint(r * 2 + c) for c in range(cols)] for r in range(rows)]
    # x on the left; max_pool top right, avg_pool below it; each arrow ends at its grid's left edge.
    x_right = 20 + plane.shape[1] * CELL
    avg_size = CELL + 12
    max_at = (x_right + 100, 40)
    avg_at = (x_right + 100, 40 + rows * CELL + 40)
    svg = Svg(300, 100, "Max and average pooling, 2x2 windows, stride 2 (seed 000's map)", theme)
    svg.grid(20, 40, [[fmt(v) for v in row] for row in plane], fills=fills, bold=bold)
    svg.text(20, 22, f"x ({plane.shape[0]}×{plane.shape[1]}), first maxima in bold", size=12, anchor="start")
    svg.arrow(x_right + 8, 40 + 1.5 * CELL, max_at[0] - 2, max_at[1] + rows * CELL / 2)
    svg.arrow(x_right + 8, 40 + 2.5 * CELL, avg_at[0] - 2, avg_at[1] + rows * avg_size / 2)
    svg.grid(*max_at, [[fmt(v) for v in row] for row in values[0, 0]], fills=out_fills)
    svg.text(max_at[0], 22, "max_pool", size=12, anchor="start")
    svg.text(max_at[0] + cols * CELL + 14, max_at[1] + rows * CELL / 2, f"indices {indices[0, 0].tolist()}", size=11,
             anchor="start", fill=theme.muted)
    svg.grid(*avg_at, [[fmt(v) for v in row] for row in averages[0, 0]], fills=out_fills, size=avg_size)
    svg.text(avg_at[0], avg_at[1] - 14, "avg_pool", size=12, anchor="start")
    return svg.render()


def ceil_overhang(theme: Theme, n: int = 5, k: int = 2, s: int = 2, x=None) -> str:
    x = np.arange(1.0, n * n + 1).reshape(n, n) if x is None else np.asarray(x, dtype=np.float64)
    floor = reference.max_pool(x[None, None], k, stride=s)[0, 0]
    ceil = reference.max_pool(x[None, None], k, stride=s, ceil_mode=True)[0, 0]
    averages = reference.avg_pool(x[None, None], k, stride=s, ceil_mode=True)[0, 0]
    size = spec_pool.pool_output_size(spec_pool.check_pool_arguments("max_pool", (1, 1, n, n), k, stride=s, ceil_mode=True))
    if ceil.shape != tuple(size):
        raise AssertionError(f"ceil-mode figure: reference {ceil.shape}, spec {size}")
    windows = footprints(lambda a: reference.max_pool(a, k, stride=s, ceil_mode=True), (n, n))
    svg = Svg(300, 100, "Pooling in ceil mode: the last windows hang past the input", theme)
    x0, y0 = 20, 46
    svg.text(x0, 18, f"n = {n}, k = {k}, stride {s}: floor mode {floor.shape[0]}×{floor.shape[1]} windows, "
             f"ceil mode {ceil.shape[0]}×{ceil.shape[1]}", size=13, anchor="start", weight="bold")
    extent = max(max(c for cell in w for c in cell) for w in windows.values())
    span = max(min(r for r, _ in w) for w in windows.values()) + k  # the last window's nominal end
    for r in range(span):
        for c in range(span):
            inside = r < n and c < n
            o = (r // s, c // s)
            fill = theme.tint(o[0] * 3 + o[1]) if inside and (r, c) in windows.get(o, ()) else theme.bg if inside else theme.pad
            svg.rect(x0 + c * CELL, y0 + r * CELL, CELL, CELL, fill=fill, dash="" if inside else "4 3")
            if inside:
                svg.text(x0 + (c + 0.5) * CELL, y0 + (r + 0.5) * CELL, fmt(x[r, c]), size=12, fill=theme.text_on(fill))
    for (orow, ocol), cells in windows.items():
        r0, c0 = min(r for r, _ in cells), min(c for _, c in cells)
        overhang = r0 + k > n or c0 + k > n
        svg.rect(x0 + c0 * CELL + 3, y0 + r0 * CELL + 3, k * CELL - 6, k * CELL - 6, fill="none",
                 stroke=theme.accent(orow * 3 + ocol), width=2.0, dash="5 3" if overhang else "")
    assert extent == n - 1
    ox = x0 + span * CELL + 60
    for i, (title, out) in enumerate((("max_pool, ceil_mode=True", ceil), ("avg_pool, ceil_mode=True", averages))):
        oy = y0 + i * (ceil.shape[0] * CELL + 40)
        fills = [[theme.tint(r * 3 + c) for c in range(out.shape[1])] for r in range(out.shape[0])]
        svg.text(ox, oy - 12, title, size=12, anchor="start")
        svg.grid(ox, oy, [[fmt(v) for v in row] for row in out], fills=fills, font=12)
    svg.arrow(x0 + span * CELL + 8, y0 + ceil.shape[0] * CELL / 2, ox - 2, y0 + ceil.shape[0] * CELL / 2)
    svg.text(x0, y0 + max(span * CELL, 2 * ceil.shape[0] * CELL + 40) + 20, "dashed: past the input; an "
             "overhanging window covers, and averages over, only the cells inside", size=12, anchor="start", fill=theme.muted)
    return svg.render()


FIGURES = [
    Figure("pooling", "pool", "Seed 000's map pooled with 2x2 windows, stride 2; the bold cells are the recorded maxima.",
           pooling),
    Figure("pool_ceil", "pool", "Ceil mode adds the windows that start inside the input but hang past it; "
           "they pool only the cells inside (windows found by the reference on one-hot inputs).", ceil_overhang,
           ops=("max_pool", "avg_pool")),
]
