"""Definitions and argument checks for detection: box_iou, nms, batched_nms.

Seed 004 ("Bounding boxes", "Intersection-over-union", "Non-max suppression"): a box
is ``b = (b_x, b_y, b_W, b_H)``, its centre and size; IoU is the area of the
intersection of two boxes over the area of their union, in ``[0, 1]``; non-max
suppression keeps, per class, the most probable box and discards every other box
whose IoU with it exceeds a threshold, and repeats.

Like :mod:`convspec.spec.pool`, every formula here is sympy: :func:`iou` with
symbols is the closed form. :func:`nms_exact` is the greedy algorithm run in exact
rational arithmetic (``fractions.Fraction``): the definition the reference and the
accelerated implementation are tested against.

Symbols: ``x1, y1, x2, y2`` a box's corners, ``cx, cy, w, h`` its centre and size.

Conventions (RFC 2119 words; dtypes and errors: :mod:`convspec.spec.conventions`)
------------------------------------------------------------------------------------
* Boxes are ``(M, 4)`` floating arrays in one of three formats (``fmt``):
  ``"xyxy"`` (default): ``(x1, y1, x2, y2)``, the low and high corners (torchvision's
  format); ``"cxcywh"``: ``(cx, cy, w, h)``, seed 004's ``(b_x, b_y, b_W, b_H)``;
  ``"xywh"``: ``(x1, y1, w, h)``, the low corner and the size (COCO's format).
  ``cxcywh`` means ``x1 = cx - w/2, x2 = cx + w/2`` (and in ``y``); ``xywh`` means
  ``x2 = x1 + w``.
* Every coordinate **must** be finite; ``xyxy`` boxes **must** have ``x1 <= x2`` and
  ``y1 <= y2``, and ``w, h >= 0`` in the other formats; otherwise a ``ValueError``
  names the argument, the row and the box. (torchvision asserts nothing and returns
  negative areas.)
* ``box_iou(boxes1, boxes2)`` is the ``(M, K)`` matrix of ``IoU(boxes1[m], boxes2[k])``.
  The intersection of two boxes is ``max(0, min(x2, x2') - max(x1, x1'))`` times the
  same in ``y``: boxes that only touch (share an edge or a corner) intersect in area 0
  and have IoU 0. A zero-area box (``w = 0`` or ``h = 0``) has IoU 0 with every box of
  positive area. Two zero-area boxes have union 0; convspec **defines** their IoU as 0
  (even for two identical boxes: 0/0 is not a measurement of overlap), and an
  implementation **must** return 0, not NaN. (torchvision returns NaN there.)
* ``nms(boxes, scores, iou_threshold, *, score_threshold=None)`` is seed 004's greedy
  loop: (2) boxes whose score is below ``score_threshold`` are eliminated (kept if
  ``score >= score_threshold``); (3) the remaining box with the highest score is kept;
  (4) every other remaining box whose IoU with it is **strictly greater** than
  ``iou_threshold`` is discarded (as torchvision's ``nms``); (5) repeat. Equal scores
  are taken in increasing index order (the lower index is the higher-ranked box; a
  stable sort). The result is the int64 indices of the kept boxes in decreasing score
  order (ties: increasing index).
* ``iou_threshold`` is any finite real: ``>= 1`` suppresses nothing (IoU <= 1), and a
  negative threshold suppresses every box after the first (IoU >= 0 > threshold).
  Scores **must** not be NaN.
* The reference decides ``IoU > iou_threshold`` with the IoU rounded from float64
  (exact for ``xyxy`` and ``xywh``/``cxcywh`` inputs whose sums are exact); an
  implementation computing IoU in a narrower type **may** decide differently for a
  pair whose IoU lies within its rounding error of the threshold (the tests keep
  thresholds away from such pairs).
* ``batched_nms(boxes, scores, classes, iou_threshold, ...)`` runs ``nms`` on each class
  separately (boxes of different classes never suppress each other) and returns all
  kept indices, again in decreasing score order, ties by increasing index. ``classes``
  is an ``(M,)`` integer array.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Sequence

from .symbolic import is_symbolic, symbols, sympy

from .conventions import check_number, check_size

x1, y1, x2, y2 = symbols("x1 y1 x2 y2", real=True)
x1b, y1b, x2b, y2b = symbols("x1' y1' x2' y2'", real=True)
cx, cy, w, h = symbols("cx cy w h", real=True)

BOX_FORMATS = ("xyxy", "cxcywh", "xywh")


def to_xyxy(box: Sequence, fmt: str = "xyxy") -> tuple:
    """A box's corners ``(x1, y1, x2, y2)`` from any format.

    >>> to_xyxy((cx, cy, w, h), "cxcywh")
    (cx - w/2, cy - h/2, cx + w/2, cy + h/2)
    >>> to_xyxy((1, 2, 3, 4), "xywh")
    (1, 2, 4, 6)
    """
    if not isinstance(fmt, str) or fmt not in BOX_FORMATS:
        raise ValueError(f"to_xyxy: fmt must be one of {BOX_FORMATS}, got {fmt!r}")
    a, b, c, d = _box("to_xyxy", "box", box, fmt)
    if fmt == "xyxy":
        return (a, b, c, d)
    if fmt == "cxcywh":
        half_w, half_h = _half(c), _half(d)
        return (a - half_w, b - half_h, a + half_w, b + half_h)
    if fmt == "xywh":
        return (a, b, a + c, b + d)
    raise ValueError(f"to_xyxy: fmt must be one of {BOX_FORMATS}, got {fmt!r}")


def _box(op: str, name: str, box: object, fmt: str = "xyxy") -> tuple:
    """Four finite numbers or sympy expressions; numeric ``xyxy`` boxes need ``x1 <= x2``, ``y1 <= y2``
    and the other formats ``w, h >= 0`` (the conventions' valid box)."""
    if not isinstance(box, (tuple, list)) or len(box) != 4:
        raise TypeError(f"{op}: {name} must be a box of 4 numbers ({fmt}), got {box!r}")
    values = tuple(check_number(op, name, v) for v in box)
    if fmt == "xyxy":
        pairs = ((values[0], values[2]), (values[1], values[3]))
    else:
        pairs = ((0, values[2]), (0, values[3]))
    for lo, hi in pairs:
        if is_symbolic(lo) or is_symbolic(hi):
            if (hi - lo).is_negative:
                raise ValueError(f"{op}: {name} = {box!r} is not a valid {fmt!r} box")
        elif hi < lo:
            rule = "x1 <= x2 and y1 <= y2" if fmt == "xyxy" else "w >= 0 and h >= 0"
            raise ValueError(f"{op}: {name} = {tuple(box)!r} is not a valid {fmt!r} box; it must have {rule}")
    return values


def _half(v):
    """``v / 2``, exactly for ints (as a ``Fraction``)."""
    return Fraction(v, 2) if isinstance(v, int) else v / 2


def box_area(box=(x1, y1, x2, y2)):
    """``(x2 - x1)(y2 - y1)``.

    >>> box_area((0, 0, 2, 3))
    6
    """
    a, b, c, d = _box("box_area", "box", box)
    return (c - a) * (d - b)


def _max(a, b):
    return sympy.Max(a, b) if is_symbolic(a) or is_symbolic(b) else max(a, b)


def _min(a, b):
    return sympy.Min(a, b) if is_symbolic(a) or is_symbolic(b) else min(a, b)


def intersection_area(box1=(x1, y1, x2, y2), box2=(x1b, y1b, x2b, y2b)):
    """``max(0, min(x2, x2') - max(x1, x1')) * max(0, min(y2, y2') - max(y1, y1'))``.

    >>> intersection_area((0, 0, 2, 2), (1, 1, 3, 3)), intersection_area((0, 0, 1, 1), (1, 0, 2, 1))
    (1, 0)
    """
    box1, box2 = _box("intersection_area", "box1", box1), _box("intersection_area", "box2", box2)
    width = _max(0, _min(box1[2], box2[2]) - _max(box1[0], box2[0]))
    height = _max(0, _min(box1[3], box2[3]) - _max(box1[1], box2[1]))
    return width * height


def iou(box1=(x1, y1, x2, y2), box2=(x1b, y1b, x2b, y2b)):
    """Intersection over union of two ``xyxy`` boxes; 0 when the union is 0.

    ``I / (A_1 + A_2 - I)`` with ``I`` = :func:`intersection_area`, ``A`` = :func:`box_area`.
    With numbers (ints or ``Fraction``) the result is exact.

    Conditions: ``x1 <= x2``, ``y1 <= y2`` for both boxes.

    >>> iou((0, 0, 2, 2), (1, 1, 3, 3))
    Fraction(1, 7)
    >>> iou((0, 0, 0, 2), (0, 0, 0, 2)), iou((0, 0, 1, 1), (1, 1, 2, 2))
    (Fraction(0, 1), Fraction(0, 1))
    """
    box1, box2 = _box("iou", "box1", box1), _box("iou", "box2", box2)
    inter = intersection_area(box1, box2)
    union = box_area(box1) + box_area(box2) - inter
    if is_symbolic(union):
        return inter / union
    if union == 0:
        return Fraction(0)
    return Fraction(inter) / Fraction(union)


def nms_exact(boxes: Sequence, scores: Sequence, iou_threshold, score_threshold=None, fmt: str = "xyxy") -> list[int]:
    """Seed 004's greedy non-max suppression in exact arithmetic: the kept indices, best first.

    ``boxes`` and ``scores`` are sequences of numbers (floats are taken at their exact
    binary value, ``Fraction(float)``). Steps: drop scores below ``score_threshold``;
    visit the rest by decreasing score (ties: increasing index); keep a box unless a
    kept box has IoU strictly greater than ``iou_threshold`` with it.

    >>> nms_exact([(0, 0, 2, 2), (0, 0, 2, 2.5), (5, 5, 6, 6)], [0.9, 0.8, 0.7], 0.5)
    [0, 2]
    >>> nms_exact([(0, 0, 1, 1), (0, 0, 1, 1)], [0.5, 0.5], 0.5)
    [0]
    """
    _check_nms("nms_exact", boxes, scores, iou_threshold, score_threshold, fmt)
    exact = [to_xyxy(tuple(Fraction(v) for v in box), fmt) for box in boxes]
    ranked = sorted(range(len(exact)), key=lambda i: (-Fraction(scores[i]), i))
    if score_threshold is not None:
        ranked = [i for i in ranked if Fraction(scores[i]) >= Fraction(score_threshold)]
    threshold = Fraction(iou_threshold)
    kept: list[int] = []
    for i in ranked:
        if all(iou(exact[j], exact[i]) <= threshold for j in kept):
            kept.append(i)
    return kept


def _check_nms(op, boxes, scores, iou_threshold, score_threshold, fmt):
    check_fmt(op, fmt)
    if not isinstance(boxes, (tuple, list)) or not isinstance(scores, (tuple, list)):
        raise TypeError(f"{op}: boxes and scores must be sequences (lists or tuples), got {type(boxes).__name__} "
                        f"and {type(scores).__name__}")
    if len(scores) != len(boxes):
        raise ValueError(f"{op}: scores must have one entry per box ({len(boxes)}), got {len(scores)}")
    for row, box in enumerate(boxes):
        _box(op, f"boxes[{row}]", box, fmt)
    for row, score in enumerate(scores):
        check_number(op, f"scores[{row}]", score)
    check_threshold(op, "iou_threshold", iou_threshold)
    if score_threshold is not None:
        check_threshold(op, "score_threshold", score_threshold)


def batched_nms_exact(boxes, scores, classes, iou_threshold, score_threshold=None, fmt="xyxy") -> list[int]:
    """:func:`nms_exact` per class, merged by decreasing score (ties: increasing index).

    >>> batched_nms_exact([(0, 0, 2, 2), (0, 0, 2, 2)], [0.9, 0.8], [0, 1], 0.5)
    [0, 1]
    """
    _check_nms("batched_nms_exact", boxes, scores, iou_threshold, score_threshold, fmt)
    if not isinstance(classes, (tuple, list)) or len(classes) != len(boxes):
        raise ValueError(f"batched_nms_exact: classes must be a sequence with one int per box ({len(boxes)}), got {classes!r}")
    classes = [check_size("batched_nms_exact", "classes", c, minimum=None) for c in classes]
    kept = []
    for c in sorted(set(int(v) for v in classes)):
        members = [i for i in range(len(boxes)) if int(classes[i]) == c]
        local = nms_exact([boxes[i] for i in members], [scores[i] for i in members], iou_threshold, score_threshold, fmt)
        kept.extend(members[i] for i in local)
    return sorted(kept, key=lambda i: (-Fraction(scores[i]), i))


def box_iou_output_shape(m, k) -> tuple[int, int]:
    """``(M, K)``.

    >>> box_iou_output_shape(3, 5)
    (3, 5)
    """
    m, k = check_size("box_iou_output_shape", "m", m, minimum=0), check_size("box_iou_output_shape", "k", k, minimum=0)
    return (m, k)


def check_fmt(op: str, fmt: object) -> str:
    if not isinstance(fmt, str) or fmt not in BOX_FORMATS:
        raise ValueError(f"{op}: fmt must be one of {', '.join(map(repr, BOX_FORMATS))}, got {fmt!r}")
    return fmt


def check_boxes_shape(op: str, name: str, shape: Sequence[int]) -> None:
    if len(shape) != 2 or shape[1] != 4:
        raise ValueError(f"{op}: {name} must have shape (M, 4), got shape {tuple(shape)!r}")


def invalid_box_error(op: str, name: str, row: int, box: Sequence[float], fmt: str) -> ValueError:
    """The shared error for the first invalid box (both implementations find the same row)."""
    values = ", ".join(repr(float(v)) for v in box)
    rule = {
        "xyxy": "finite coordinates with x1 <= x2 and y1 <= y2",
        "cxcywh": "finite values with w >= 0 and h >= 0 and corners cx ± w/2, cy ± h/2 finite in float64",
        "xywh": "finite values with w >= 0 and h >= 0 and corners x + w, y + h finite in float64",
    }[fmt]
    return ValueError(f"{op}: {name}[{row}] = ({values}) is not a valid {fmt!r} box; it must have {rule}")


def box_is_valid(box: Sequence[float], fmt: str) -> bool:
    """Finite, and ``x1 <= x2, y1 <= y2`` (``xyxy``) or ``w, h >= 0`` with corners that are finite
    when computed in float64 (the others: ``cx + w/2`` past float64's range has no IoU to compute).

    >>> box_is_valid((0.0, 0.0, 1.7e308, 1.0), "cxcywh"), box_is_valid((1.7e308, 0.0, 1.7e308, 1.0), "cxcywh")
    (True, False)
    """
    if not all(math.isfinite(float(v)) for v in box):
        return False
    if fmt == "xyxy":
        return box[0] <= box[2] and box[1] <= box[3]
    if not (box[2] >= 0 and box[3] >= 0):
        return False
    a, b, c, d = (float(v) for v in box)
    if fmt == "cxcywh":
        return all(math.isfinite(v) for v in (a - c / 2, b - d / 2, a + c / 2, b + d / 2))
    return math.isfinite(a + c) and math.isfinite(b + d)


def check_threshold(op: str, name: str, value: object) -> float:
    """A finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a real number, got {type(value).__name__} {value!r}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")
    return float(value)


def check_scores_shape(op: str, name: str, shape: Sequence[int], boxes: int) -> None:
    if tuple(shape) != (boxes,):
        raise ValueError(f"{op}: {name} must have shape ({boxes},), one per box, got shape {tuple(shape)!r}")


def nan_score_error(op: str, row: int) -> ValueError:
    return ValueError(f"{op}: scores[{row}] is NaN; every score must be a number")


# NaN and ±inf (vocabulary: :mod:`convspec.spec.non_finite`) ----------------------------------------

NON_FINITE: dict[str, str] = {
    "box_iou": (
        "A NaN or ±inf coordinate in either input **must** be refused with the ``ValueError`` of an "
        "invalid box (it names the argument, the row and the box). Extreme finite coordinates: "
        "IoU is in ``[0, 1]``, so it is always representable, and it **must** be exact up to "
        "rounding wherever the coordinates (and, for ``cxcywh``/``xywh``, the corners computed in "
        "float64) are finite: no area or width may overflow to inf or underflow to 0 on the way "
        "(``box_iou(b, b) = 1`` for ``b = [[0, 0, 2e19, 2e19]]`` in float32, whose area ``4e38`` is "
        "past float32's range; ``[[0, 0, 1e-30, 1e-30]]`` too). Both implementations scale each pair "
        "by a power of two per axis (exact) where a value is outside the range that is safe in the "
        "compute dtype; the accelerated path checks the range once per call and computes directly "
        "otherwise. A ``cxcywh`` or ``xywh`` box whose corners overflow float64 (``cx + w/2`` or "
        "``x + w`` past ``1.8e308``) **must** be refused as an invalid box: it has no corners to compare."
    ),
}
