"""The transposed convolution's figures: as zero insertion then correlation, and as a scatter of kernel copies.

Both pictures are checked against :func:`convspec.reference.conv_transpose` when the docs
are built. Example: ``x = [[1, 2], [3, 4]]``, stride 2, a 3 x 3 kernel ``w``: insert one zero
between the inputs (3 x 3), pad by ``k - 1 = 2`` (7 x 7) and correlate with ``w`` turned by
180 degrees; the 5 x 5 result is ``conv_transpose(x, w, stride=2)``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference
from convspec.spec import conv_transpose as spec_ct

from docs_figures import CELL, Figure, Svg, Theme, fmt
from figures_conv import footprints

SMALL = 28


def zero_insertion_numbers(x: np.ndarray, w: np.ndarray, s: int) -> dict:
    """The stretched-and-padded input, the flipped kernel and the reference's output, cross-checked."""
    n, k = x.shape[0], w.shape[0]
    stretched = np.zeros(((n - 1) * s + 1,) * 2)
    stretched[::s, ::s] = x
    padded = np.pad(stretched, k - 1)
    flipped = w[::-1, ::-1].copy()
    y = reference.conv_transpose(x[None, None], w[None, None], stride=s)[0, 0]
    by_correlation = reference.correlate(padded[None, None], flipped[None, None])[0, 0]
    if not np.array_equal(y, by_correlation):
        raise AssertionError("zero-insertion figure: correlating the stretched input is not the reference's conv_transpose")
    length = spec_ct.conv_transpose_output_length(n, k, s, 0, 0, 1, 0)
    if y.shape != (length, length):
        raise AssertionError(f"zero-insertion figure: reference {y.shape}, spec {length}")
    window = footprints(lambda a: reference.correlate(a, np.ones((1, 1, k, k))), padded.shape)[(1, 1)]
    return dict(padded=padded, flipped=flipped, y=y, window=window, origin=k - 1)


def zero_insertion(theme: Theme, x=((1.0, 2.0), (3.0, 4.0)), w=None, s: int = 2) -> str:
    x = np.asarray(x, dtype=np.float64)
    w = np.arange(1.0, 10.0).reshape(3, 3) if w is None else np.asarray(w, dtype=np.float64)
    data = zero_insertion_numbers(x, w, s)
    padded, y, window, origin = data["padded"], data["y"], data["window"], data["origin"]
    svg = Svg(300, 100, "Transposed convolution as zero insertion, padding and correlation", theme)
    x0, y0 = 20, 46
    size = padded.shape[0]
    svg.text(x0, 18, f"x with {s - 1} zero(s) inserted, padded by k - 1 = {origin}", size=13, anchor="start", weight="bold")
    for r in range(size):
        for c in range(size):
            is_input = (r - origin) % s == 0 and (c - origin) % s == 0 and origin <= r < size - origin and origin <= c < size - origin
            fill = theme.tint(0) if (r, c) in window else theme.tint(2) if is_input else theme.bg
            svg.rect(x0 + c * SMALL, y0 + r * SMALL, SMALL, SMALL, fill=fill, width=1.0, dash="" if is_input else "3 2")
            svg.text(x0 + (c + 0.5) * SMALL, y0 + (r + 0.5) * SMALL, fmt(padded[r, c]), size=11,
                     fill=theme.text_on(fill) if is_input else theme.muted_on(fill), weight="bold" if is_input else "normal")
    kx = x0 + size * SMALL + 30
    svg.text(kx, 36, "w turned 180°", size=12, anchor="start")
    svg.grid(kx, y0, [[fmt(v) for v in row] for row in data["flipped"]], size=SMALL, font=11,
             fills=[[theme.tint(0)] * 3 for _ in range(3)])
    ox = kx + 3 * SMALL + 60
    fills = [[theme.tint(0) if (r, c) == (1, 1) else theme.bg for c in range(y.shape[1])] for r in range(y.shape[0])]
    svg.arrow(kx + 3 * SMALL + 8, y0 + 1.5 * SMALL, ox - 2, y0 + 1.5 * SMALL)
    svg.grid(ox, y0, [[fmt(v) for v in row] for row in y], fills=fills, size=SMALL + 6, font=11)
    svg.text(ox, 36, f"conv_transpose(x, w, stride={s}): {y.shape[0]} × {y.shape[1]}", size=12, anchor="start")
    svg.text(x0, y0 + size * SMALL + 20, "green: the inputs; blue: the window of the output cell y[1, 1] (blue)", size=12,
             anchor="start", fill=theme.muted)
    return svg.render()


def scatter(theme: Theme, x=(1.0, 2.0, 3.0), w=(1.0, 10.0, 100.0), s: int = 2, lo: int = 1, hi: int = 1) -> str:
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    n, k = len(x), len(w)
    full = spec_ct.full_length(n, k, s, 1)
    # the reference on one-hot inputs: the copy that input i scatters
    copies = []
    for i in range(n):
        one = np.zeros(n)
        one[i] = x[i]
        copies.append(reference.conv_transpose(one[None, None], w[None, None], stride=s)[0, 0])
    buffer = reference.conv_transpose(x[None, None], w[None, None], stride=s)[0, 0]
    ref_out = reference.conv_transpose(x[None, None], w[None, None], stride=s, padding=((lo, hi),))[0, 0]
    length = spec_ct.conv_transpose_output_length(n, k, s, lo, hi, 1, 0)
    if not (len(buffer) == full and np.array_equal(np.sum(copies, axis=0), buffer)
            and np.array_equal(ref_out, buffer[lo : full - hi]) and len(ref_out) == length):
        raise AssertionError("conv_transpose figure: the drawn scatter disagrees with the reference or the spec")
    x0 = 150
    svg = Svg(300, 100, "Transposed convolution: scatter, sum, crop", theme)
    y = 20
    svg.text(20, y + CELL / 2, f"x = [{', '.join(fmt(v) for v in x)}], w = [{', '.join(fmt(v) for v in w)}], "
             f"stride {s}, padding ({lo}, {hi})", size=13, anchor="start")
    y += CELL + 10
    for i, copy in enumerate(copies):
        svg.text(x0 - 10, y + CELL / 2, f"x{i}·w at {i * s}", size=12, anchor="end", fill=theme.accent(i))
        for j in np.nonzero(copy)[0]:
            fill = theme.tint(i)
            svg.rect(x0 + j * CELL, y, CELL, CELL, fill=fill)
            svg.text(x0 + (j + 0.5) * CELL, y + CELL / 2, fmt(copy[j]), size=12, fill=theme.text_on(fill))
        y += CELL + 14
    svg.line(x0, y - 7, x0 + full * CELL, y - 7, width=1)
    svg.text(x0 - 10, y + CELL / 2, f"sum, {full} cells", size=12, anchor="end")
    svg.grid(x0, y, [[fmt(v) for v in buffer]], size=CELL, font=12)
    y += CELL + 14
    svg.text(x0 - 10, y + CELL / 2, f"crop {lo} + {hi}: L = {length}", size=12, anchor="end")
    for j in range(full):
        kept = lo <= j < full - hi
        fill = theme.bg if kept else theme.pad
        svg.rect(x0 + j * CELL, y, CELL, CELL, fill=fill, dash="" if kept else "4 3", width=2 if kept else 1)
        svg.text(x0 + (j + 0.5) * CELL, y + CELL / 2, fmt(buffer[j]), size=12, fill=theme.ink if kept else theme.muted_on(fill))
    return svg.render()


FIGURES = [
    Figure("conv_transpose_zeros", "conv_transpose", "Stride 2 as zero insertion: stretch x with zeros, pad by k - 1, "
           "correlate with the kernel turned 180°; the result is the reference's conv_transpose.", zero_insertion),
    Figure("conv_transpose_scatter", "conv_transpose", "The same operation as a scatter: each input adds a weighted "
           "copy of the kernel at i·s (the reference on one-hot inputs); the copies are summed, then padding crops the ends.",
           scatter),
]
