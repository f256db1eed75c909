"""The fft family's figure: linear convolution against circular convolution's wrap-around.

``fft_convolve`` zero-pads both signals to ``n + k - 1`` before the DFTs and returns the
linear (full) convolution; :func:`convspec.reference.circular_convolve` multiplies
length-``n`` DFTs, so the ``k - 1`` values past the end wrap around and add onto the first
ones. Example: ``x = [1, 2, 3, 4]``, ``w = [1, 10, 100]``: linear ``[1, 12, 123, 234, 340, 400]``,
circular ``[1 + 340, 12 + 400, 123, 234] = [341, 412, 123, 234]``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

X = (1.0, 2.0, 3.0, 4.0)
W = (1.0, 10.0, 100.0)


def wrap_around(theme: Theme, x=X, w=W) -> str:
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    n = len(x)
    linear = reference.fft_convolve(x[None, None], w[None, None])[0, 0]
    direct = reference.convolve(x[None, None], w[None, None], padding=len(w) - 1)[0, 0]
    circular = reference.circular_convolve(x[None, None], w[None, None])[0, 0]
    folded = linear[:n].copy()
    folded[: len(linear) - n] += linear[n:]
    if not (np.allclose(linear, direct) and np.allclose(circular, folded)):
        raise AssertionError("fft figure: the wrap-around drawn is not what the reference computes")
    wide = 48
    svg = Svg(300, 100, "Linear and circular convolution: the wrap-around", theme)
    x0, label = 190, 180
    svg.text(20, 20, f"x = [{', '.join(fmt(v) for v in x)}], w = [{', '.join(fmt(v) for v in w)}]", size=13, anchor="start",
             weight="bold")
    y1 = 50
    svg.text(label, y1 + wide / 2, f"fft_convolve (full, {len(linear)})", size=12, anchor="end")
    fills = [[theme.bg if j < n else theme.tint(j - n + 1) for j in range(len(linear))]]
    svg.grid(x0, y1, [[fmt(v) for v in linear]], fills=fills, size=wide, font=12)
    y2 = y1 + wide + 80
    svg.text(label, y2 + wide / 2, f"circular_convolve ({n})", size=12, anchor="end")
    fills = [[theme.tint(j + 1) if j < len(linear) - n else theme.bg for j in range(n)]]
    svg.grid(x0, y2, [[fmt(v) for v in circular]], fills=fills, size=wide, font=12)
    for j in range(n, len(linear)):
        start = (x0 + (j + 0.5) * wide, y1 + wide + 4)
        end = (x0 + (j - n + 0.5) * wide, y2 - 2)
        svg.arrow(*start, *end, stroke=theme.accent(j - n + 1))
    for j in range(n):
        if j < len(linear) - n:
            continue
        svg.line(x0 + (j + 0.5) * wide, y1 + wide + 4, x0 + (j + 0.5) * wide, y2 - 2, stroke=theme.muted, width=1, dash="3 3")
    svg.text(20, y2 + wide + 26, f"the last {len(linear) - n} outputs of the linear convolution wrap around onto the first "
             f"(circular = the product of length-{n} DFTs)", size=12, anchor="start", fill=theme.muted)
    return svg.render()


FIGURES = [
    Figure("fft_wrap", "fft", "Zero-padded (linear) convolution against circular convolution: without padding to "
           "n + k - 1 the tail wraps onto the head (the reference's fft_convolve and circular_convolve).", wrap_around),
]
