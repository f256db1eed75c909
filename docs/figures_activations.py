"""The activations family's figure: relu and sigmoid sampled from the reference, and a softmax as bars.

The curves are polylines through the reference's outputs at 121 points of ``[-6, 6]``;
the bars are :func:`convspec.reference.softmax` of a small vector. Example: ``sigmoid(0) = 0.5``
(the curve crosses the dashed line at the origin) and ``softmax([1, 2, 3, 0])`` is about
``[0.087, 0.237, 0.644, 0.032]``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

SOFTMAX_INPUT = (1.0, 2.0, 3.0, 0.0)


def curves(theme: Theme, lo: float = -6.0, hi: float = 6.0, samples: int = 121, logits=SOFTMAX_INPUT) -> str:
    xs = np.linspace(lo, hi, samples)
    panels = (("relu(x)", reference.relu(xs), (-1.0, hi)), ("sigmoid(x)", reference.sigmoid(xs), (-0.1, 1.1)))
    svg = Svg(300, 100, "relu and sigmoid sampled from the reference; softmax of a vector", theme)
    w, h, gap, x0, y0 = 220, 150, 60, 40, 40
    for i, (title, ys, (ymin, ymax)) in enumerate(panels):
        left = x0 + i * (w + gap)
        px = lambda v: left + (v - lo) / (hi - lo) * w
        py = lambda v: y0 + (ymax - v) / (ymax - ymin) * h
        svg.rect(left, y0, w, h, fill=theme.bg, stroke=theme.muted, width=1)
        svg.line(px(0), y0, px(0), y0 + h, stroke=theme.muted, width=1)
        svg.line(left, py(0), left + w, py(0), stroke=theme.muted, width=1)
        if title.startswith("sigmoid"):
            svg.line(left, py(1), left + w, py(1), stroke=theme.muted, width=1, dash="4 3")
            svg.line(left, py(0.5), left + w, py(0.5), stroke=theme.muted, width=1, dash="4 3")
            svg.text(left - 6, py(1), "1", size=11, anchor="end", fill=theme.muted)
            svg.text(left - 6, py(0.5), "0.5", size=11, anchor="end", fill=theme.muted)
        else:
            svg.text(left - 6, py(hi), fmt(hi), size=11, anchor="end", fill=theme.muted)
        svg.text(left - 6, py(0), "0", size=11, anchor="end", fill=theme.muted)
        svg.text(left, y0 + h + 14, fmt(lo), size=11, fill=theme.muted)
        svg.text(left + w, y0 + h + 14, fmt(hi), size=11, fill=theme.muted)
        svg.polyline([(px(a), py(b)) for a, b in zip(xs, ys)], stroke=theme.accent(i), width=2.5)
        svg.text(left + w / 2, 20, title, size=13, weight="bold", fill=theme.accent(i))
    logits = np.asarray(logits, dtype=np.float64)
    probs = reference.softmax(logits)
    if not np.isclose(probs.sum(), 1.0):
        raise AssertionError(f"softmax figure: the reference's probabilities sum to {probs.sum()}")
    left = x0 + 2 * (w + gap)
    bar = w / len(probs)
    svg.text(left + w / 2, 20, f"softmax([{', '.join(fmt(v) for v in logits)}])", size=13, weight="bold", fill=theme.accent(2))
    svg.line(left, y0 + h, left + w, y0 + h, stroke=theme.muted, width=1)
    for j, p in enumerate(probs):
        top = y0 + h - p * h
        svg.rect(left + j * bar + 6, top, bar - 12, p * h, fill=theme.tint(2), stroke=theme.accent(2))
        svg.text(left + (j + 0.5) * bar, top - 10, fmt(p, 2), size=11)
        svg.text(left + (j + 0.5) * bar, y0 + h + 14, f"x{j}", size=11, fill=theme.muted)
    return svg.render()


FIGURES = [
    Figure("activations", "activations", "relu and sigmoid drawn through 121 outputs of the reference, and the "
           "reference's softmax of a vector as bars (they sum to 1).", curves),
]
