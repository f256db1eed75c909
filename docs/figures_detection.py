"""The detection family's figure: IoU of two boxes, and one step of greedy non-max suppression.

The IoU printed is :func:`convspec.reference.box_iou`'s, cross-checked with the drawn
intersection and union; which boxes survive is :func:`convspec.reference.nms`'s. Example:
``(0, 0, 4, 4)`` and ``(2, 1, 6, 5)`` share a 2 x 3 rectangle: IoU ``6 / (16 + 16 - 6) = 6/26 = 0.231``.
Boxes are ``(x1, y1, x2, y2)`` in image coordinates (y grows downwards).
"""

from __future__ import annotations

import numpy as np

from convspec import reference

from docs_figures import Figure, Svg, Theme, fmt

UNIT = 30
IOU_BOXES = ((0.0, 0.0, 4.0, 4.0), (2.0, 1.0, 6.0, 5.0))
NMS_BOXES = ((1.0, 1.0, 5.0, 5.0), (1.5, 1.5, 5.5, 5.0), (3.5, 3.0, 7.5, 7.0), (6.0, 0.5, 8.5, 3.0))
NMS_SCORES = (0.9, 0.8, 0.7, 0.6)
NMS_THRESHOLD = 0.5


def _box(svg: Svg, x0, y0, box, color, width=2.0, dash=""):
    x1, y1, x2, y2 = box
    svg.rect(x0 + x1 * UNIT, y0 + y1 * UNIT, (x2 - x1) * UNIT, (y2 - y1) * UNIT, fill="none", stroke=color, width=width, dash=dash)


def _axes(svg: Svg, x0, y0, w, h, theme: Theme):
    for u in range(w + 1):
        svg.line(x0 + u * UNIT, y0, x0 + u * UNIT, y0 + h * UNIT, stroke=theme.pad, width=1)
    for v in range(h + 1):
        svg.line(x0, y0 + v * UNIT, x0 + w * UNIT, y0 + v * UNIT, stroke=theme.pad, width=1)
    svg.text(x0 - 6, y0, "0", size=11, anchor="end", fill=theme.muted)
    svg.text(x0 + w * UNIT, y0 - 10, str(w), size=11, fill=theme.muted)
    svg.text(x0 - 6, y0 + h * UNIT, str(h), size=11, anchor="end", fill=theme.muted)


def iou_and_nms(theme: Theme, boxes=IOU_BOXES, nms_boxes=NMS_BOXES, scores=NMS_SCORES, threshold=NMS_THRESHOLD) -> str:
    a, b = (np.asarray(v, dtype=np.float64) for v in boxes)
    iou = float(reference.box_iou(a[None], b[None])[0, 0])
    ix1, iy1, ix2, iy2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(ix2 - ix1, 0) * max(iy2 - iy1, 0)
    area = lambda q: (q[2] - q[0]) * (q[3] - q[1])
    if not np.isclose(iou, inter / (area(a) + area(b) - inter)):
        raise AssertionError(f"IoU figure: the drawn overlap gives {inter / (area(a) + area(b) - inter)}, the reference {iou}")
    svg = Svg(300, 100, "Intersection over union, and one step of non-max suppression", theme)
    x0, y0 = 30, 56
    svg.text(10, 18, "IoU = intersection / union", size=13, anchor="start", weight="bold")
    _axes(svg, x0, y0, 8, 8, theme)
    if inter > 0:
        svg.rect(x0 + ix1 * UNIT, y0 + iy1 * UNIT, (ix2 - ix1) * UNIT, (iy2 - iy1) * UNIT, fill=theme.tint(4), stroke=theme.tint(4))
    _box(svg, x0, y0, a, theme.accent(0))
    _box(svg, x0, y0, b, theme.accent(1))
    svg.text(x0 + a[0] * UNIT + 4, y0 + a[1] * UNIT + 12, "A", size=13, anchor="start", fill=theme.accent(0), weight="bold")
    svg.text(x0 + b[2] * UNIT - 4, y0 + b[3] * UNIT - 12, "B", size=13, anchor="end", fill=theme.accent(1), weight="bold")
    svg.text(10, y0 + 8 * UNIT + 24, f"A = {tuple(fmt(v) for v in a)}, B = {tuple(fmt(v) for v in b)}".replace("'", ""),
             size=12, anchor="start")
    svg.text(10, y0 + 8 * UNIT + 42, f"{fmt(inter)} / ({fmt(area(a))} + {fmt(area(b))} - {fmt(inter)}) = "
             f"box_iou: {fmt(iou)}", size=12, anchor="start")

    boxes = np.asarray(nms_boxes, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    kept = reference.nms(boxes, scores, threshold).tolist()
    ious = reference.box_iou(boxes, boxes)
    best = int(np.argmax(scores))
    nx = x0 + 8 * UNIT + 90
    svg.text(nx - 20, 18, f"NMS, threshold {fmt(threshold)}: keep the best, drop IoU > {fmt(threshold)}", size=13,
             anchor="start", weight="bold")
    _axes(svg, nx, y0, 9, 8, theme)
    for i, box in enumerate(boxes):
        dropped = i != best and ious[best, i] > threshold
        _box(svg, nx, y0, box, theme.accent(i), width=3.0 if i == best else 2.0, dash="6 4" if dropped else "")
        svg.text(nx + box[0] * UNIT + 4, y0 + box[1] * UNIT + 11, f"{i}", size=12, anchor="start", fill=theme.accent(i),
                 weight="bold")
    line_y = y0 + 8 * UNIT + 24
    for i in range(len(boxes)):
        if i == best:
            words = f"box {i}, score {fmt(scores[i])}: the best, kept"
        else:
            verdict = "dropped by this step" if ious[best, i] > threshold else ("kept" if i in kept else "dropped later")
            words = f"box {i}, score {fmt(scores[i])}: IoU with box {best} = {fmt(ious[best, i])}, {verdict}"
        svg.text(nx - 20, line_y + 18 * i, words, size=12, anchor="start", fill=theme.accent(i))
    svg.text(nx - 20, line_y + 18 * len(boxes), f"nms(...) = {kept}", size=12, anchor="start")
    return svg.render()


FIGURES = [
    Figure("iou_nms", "detection", "Left: the overlap of two boxes and their IoU (the reference's box_iou). Right: one "
           "greedy NMS step; dashed boxes overlap the best box by more than the threshold (the reference's nms).",
           iou_and_nms),
]
