"""Named regions of the detection family: ``box_iou``.

The box format left at its default and each format passed, the degenerate geometries
(zero-area boxes, two zero-area boxes whose union is 0, touching, identical and nested
boxes), the coordinates where an inclusive ``+1`` pixel convention shows, empty box
sets, non-square ``(M, K)`` results, and every dtype (float16 areas beyond 65504 too).
See :mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.detection import BOX_FORMATS

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, rng_for

OPS = ("box_iou",)


def box_case(tag: str, boxes1, boxes2, fmt: str | None = None, *, dtype: str = "float32") -> Case:
    """``box_iou(boxes1, boxes2[, fmt=fmt])`` on literal boxes (``fmt=None``: the keyword is not passed)."""
    b1 = np.asarray(boxes1, dtype=np.float64).reshape(-1, 4).astype(dtype)
    b2 = np.asarray(boxes2, dtype=np.float64).reshape(-1, 4).astype(dtype)
    params = {} if fmt is None else {"fmt": fmt}
    return Case("box_iou", {"boxes1": b1, "boxes2": b2}, params, data_kind(b1, b2))


def random_box_case(tag: str, m: int, k: int, fmt: str | None = None, *, dtype: str = "float32",
                    scale: float = 1.0, integers: bool = False) -> Case:
    """``m`` and ``k`` valid boxes of format ``fmt`` (default xyxy): positions in [-4, 6), sizes in (0.5, 5)."""
    rng = rng_for("box_iou", tag)
    boxes = []
    for count in (m, k):
        if integers:
            corner = rng.integers(-4, 6, (count, 2)).astype(np.float64)
            size = rng.integers(1, 5, (count, 2)).astype(np.float64) * (2 if fmt == "cxcywh" else 1)
        else:
            corner, size = rng.uniform(-4, 6, (count, 2)), rng.uniform(0.5, 5, (count, 2))
        corner, size = corner * scale, size * scale
        if (fmt or "xyxy") == "xyxy":
            boxes.append(np.concatenate([corner, corner + size], axis=1))
        else:
            boxes.append(np.concatenate([corner, size], axis=1))
    return box_case(tag, boxes[0], boxes[1], fmt, dtype=dtype)


def _fmt(case: Case) -> str:
    return case.params.get("fmt", "xyxy")


def corners(boxes: np.ndarray, fmt: str) -> np.ndarray:
    """``(M, 4)`` xyxy corners in float64."""
    b = boxes.astype(np.float64).reshape(-1, 4)
    if fmt == "cxcywh":
        return np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], axis=1)
    if fmt == "xywh":
        return np.concatenate([b[:, :2], b[:, :2] + b[:, 2:]], axis=1)
    return b


def _pairs(case: Case):
    """Per pair: the two boxes' areas, the intersection's width and height (signed), and the pair's xyxy corners."""
    fmt = _fmt(case)
    if fmt not in BOX_FORMATS:
        fmt = "xyxy"
    a = corners(case.inputs["boxes1"], fmt)[:, None, :]
    b = corners(case.inputs["boxes2"], fmt)[None, :, :]
    with np.errstate(invalid="ignore", over="ignore"):
        area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
        area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
        extent = np.minimum(a[..., 2:], b[..., 2:]) - np.maximum(a[..., :2], b[..., :2])
    return area_a, area_b, extent, a, b


def _any_pair(predicate):
    def contains(case: Case) -> bool:
        if case.inputs["boxes1"].size == 0 or case.inputs["boxes2"].size == 0:
            return False
        return bool(np.any(predicate(*_pairs(case))))
    return contains


@_any_pair
def _zero_area_vs_positive(area_a, area_b, extent, a, b):
    return ((area_a == 0) & (area_b > 0)) | ((area_a > 0) & (area_b == 0))


@_any_pair
def _zero_union(area_a, area_b, extent, a, b):
    return (area_a == 0) & (area_b == 0)


@_any_pair
def _touching(area_a, area_b, extent, a, b):
    return (area_a > 0) & (area_b > 0) & np.any(extent == 0, axis=-1) & np.all(extent >= 0, axis=-1)


@_any_pair
def _identical(area_a, area_b, extent, a, b):
    return (area_a > 0) & np.all(a == b, axis=-1)


@_any_pair
def _nested(area_a, area_b, extent, a, b):
    a_in_b = np.all(a[..., :2] >= b[..., :2], axis=-1) & np.all(a[..., 2:] <= b[..., 2:], axis=-1)
    b_in_a = np.all(b[..., :2] >= a[..., :2], axis=-1) & np.all(b[..., 2:] <= a[..., 2:], axis=-1)
    return (area_a > 0) & (area_b > 0) & (area_a != area_b) & (a_in_b | b_in_a)


@_any_pair
def _partial_overlap(area_a, area_b, extent, a, b):
    return np.all(extent > 0, axis=-1) & (np.prod(np.clip(extent, 0, None), axis=-1) < np.minimum(area_a, area_b))


@_any_pair
def _small_integer_boxes(area_a, area_b, extent, a, b):  # where x2 - x1 + 1 changes the answer most
    a, b = np.broadcast_arrays(a, b)
    both = np.concatenate([a, b], axis=-1)
    sizes = np.concatenate([a[..., 2:] - a[..., :2], b[..., 2:] - b[..., :2]], axis=-1)
    integer = np.all(np.abs(both) < 2**20, axis=-1) & np.all(both == np.round(both), axis=-1)
    return integer & np.all(sizes <= 2, axis=-1)


@_any_pair
def _disjoint(area_a, area_b, extent, a, b):
    return np.any(extent < 0, axis=-1)


def _negative_coordinates(case: Case) -> bool:
    return any(box.size and float(corners(box, _fmt(case) if _fmt(case) in BOX_FORMATS else "xyxy").min()) < 0
               for box in (case.inputs["boxes1"], case.inputs["boxes2"]))


def _half_integer_corners(case: Case) -> bool:
    if _fmt(case) != "cxcywh":
        return False
    c = np.concatenate([corners(case.inputs["boxes1"], "cxcywh"), corners(case.inputs["boxes2"], "cxcywh")])
    return c.size > 0 and bool(np.any(c != np.round(c)))


def _box_iou() -> list[Region]:
    shapes = lambda case: (case.inputs["boxes1"].shape[0], case.inputs["boxes2"].shape[0])  # noqa: E731
    # two overlapping boxes read as (x1, y1, x2, y2); read as (cx, cy, w, h) they are other boxes, another IoU
    overlap = [[0, 0, 4, 3], [1, 2, 6, 5], [2, 1, 3, 7]]
    others = [[1, 1, 5, 4], [0, 0, 2, 2]]
    return [
        Region("fmt left at its default", "boxes are (x1, y1, x2, y2) when fmt is not passed",
               lambda case: "fmt" not in case.params,
               (box_case("default", overlap, others), random_box_case("default-random", 3, 2, integers=True))),
        Region("fmt='xyxy' passed", "corners (x1, y1, x2, y2)", lambda case: case.params.get("fmt") == "xyxy",
               (box_case("xyxy", overlap, others, "xyxy"),)),
        Region("fmt='cxcywh'", "centre and size: x1 = cx - w/2, x2 = cx + w/2",
               lambda case: case.params.get("fmt") == "cxcywh",
               (box_case("cxcywh", [[2, 2, 4, 2], [3, 3, 2, 6]], [[3, 2, 4, 4], [0, 0, 2, 2]], "cxcywh"),
                random_box_case("cxcywh-random", 3, 3, "cxcywh", integers=True))),
        Region("fmt='xywh'", "low corner and size: x2 = x1 + w (not the corners, not the centre)",
               lambda case: case.params.get("fmt") == "xywh",
               (box_case("xywh", [[0, 0, 4, 3], [1, 2, 5, 3]], [[1, 1, 4, 3], [2, 0, 2, 2]], "xywh"),
                random_box_case("xywh-random", 2, 3, "xywh", integers=True))),
        Region("cxcywh with odd sizes", "corners at half-integers: cx -+ w/2 exactly", _half_integer_corners,
               (box_case("cxcywh-odd", [[2, 2, 3, 1], [1.5, 0.5, 1, 3]], [[2.5, 2, 3, 5], [1, 1, 1, 1]], "cxcywh"),)),
        Region("zero-area box vs a box of positive area", "IoU 0 (no area, no overlap), not NaN",
               _zero_area_vs_positive,
               (box_case("zero-area", [[1, 1, 1, 4], [0, 2, 3, 2], [0, 0, 2, 2]], [[0, 0, 3, 3], [1, 1, 1, 4]]),
                box_case("zero-area-xywh", [[1, 1, 0, 2], [0, 0, 2, 2]], [[0, 0, 3, 3], [1, 1, 2, 0]], "xywh"))),
        Region("two zero-area boxes (union 0)", "0/0 is defined as 0: IoU 0 even for identical degenerate boxes",
               _zero_union,
               (box_case("zero-union", [[1, 1, 1, 4], [2, 2, 2, 2], [0, 0, 2, 2]], [[1, 1, 1, 4], [2, 2, 2, 2]]),
                box_case("zero-union-cxcywh", [[1, 1, 0, 0], [3, 3, 0, 2]], [[1, 1, 0, 0], [3, 3, 2, 0]], "cxcywh"))),
        Region("touching boxes", "boxes sharing an edge or a corner intersect in area 0: IoU 0 (no +1 overlap)",
               _touching,
               (box_case("touching", [[0, 0, 2, 2], [0, 0, 2, 2]], [[2, 0, 4, 2], [2, 2, 3, 3], [0, 2, 2, 5]]),)),
        Region("identical boxes", "IoU 1", _identical,
               (box_case("identical", [[0, 0, 2, 3], [1, 1, 4, 2]], [[1, 1, 4, 2], [0, 0, 2, 3]]),)),
        Region("nested boxes", "IoU is the inner area over the outer area", _nested,
               (box_case("nested", [[0, 0, 4, 4], [1, 1, 2, 3]], [[1, 1, 2, 3], [0, 0, 8, 8]]),)),
        Region("partial overlap", "IoU = I / (A1 + A2 - I), the intersection counted once", _partial_overlap,
               (box_case("partial", [[0, 0, 2, 2], [0, 0, 3, 1]], [[1, 1, 3, 3], [1, 0, 4, 2]]),)),
        Region("small integer boxes", "width is x2 - x1, not the inclusive pixel count x2 - x1 + 1",
               _small_integer_boxes,
               (box_case("plus-one", [[0, 0, 1, 1], [3, 3, 5, 4]], [[1, 1, 2, 2], [4, 3, 5, 5], [0, 0, 1, 1]]),)),
        Region("disjoint boxes", "no overlap: IoU 0 (the intersection clamps at 0, it is not negative)", _disjoint,
               (box_case("disjoint", [[0, 0, 1, 1], [5, 5, 6, 8]], [[3, 3, 4, 4], [-4, 6, -2, 9]]),)),
        Region("negative coordinates", "coordinates anywhere on the plane, not only in an image",
               _negative_coordinates,
               (box_case("negative", [[-3, -2, 1, 1], [-5, -5, -4, -1]], [[-1, -1, 2, 2], [-6, -4, -3, -2]]),)),
        Region("M != K", "the result is (M, K): boxes1 indexes rows, boxes2 columns",
               lambda case: shapes(case)[0] != shapes(case)[1] and min(shapes(case)) > 0,
               (random_box_case("m-ne-k", 4, 2), random_box_case("m-ne-k-xywh", 1, 3, "xywh"))),
        Region("no boxes in boxes1", "(0, K) result", lambda case: shapes(case)[0] == 0,
               (box_case("empty-1", np.zeros((0, 4)), [[0, 0, 1, 1], [1, 1, 3, 3]]),
                box_case("empty-both", np.zeros((0, 4)), np.zeros((0, 4)), "cxcywh"))),
        Region("no boxes in boxes2", "(M, 0) result", lambda case: shapes(case)[1] == 0 and shapes(case)[0] > 0,
               (box_case("empty-2", [[0, 0, 1, 1], [1, 1, 3, 3], [0, 1, 2, 2]], np.zeros((0, 4)), "xywh"),)),
        Region("float32, general data", "float32 accuracy: no float16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats",
               (random_box_case("float32-floats", 3, 4), random_box_case("float32-floats-cxcywh", 2, 3, "cxcywh"))),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (random_box_case("float64", 3, 3, "xywh", dtype="float64"),)),
        Region("float16", "float16 in, float16 out (computed wider)", lambda case: case.dtype == "float16",
               (random_box_case("float16", 3, 2, dtype="float16"),
                box_case("float16-literal", overlap, others, "xyxy", dtype="float16"))),
        Region("float16 areas beyond 65504", "areas and unions of float16 boxes overflow float16: computed wider, "
               "the IoU stays finite",
               lambda case: case.dtype == "float16" and bool(np.any(np.abs(np.concatenate(
                   [_pairs(case)[0].reshape(-1), _pairs(case)[1].reshape(-1)])) > 65504)),
               (box_case("float16-large", [[0, 0, 300, 300], [100, 0, 400, 250]], [[50, 50, 350, 320], [0, 0, 256, 256]],
                         dtype="float16"),)),
    ]


def REGIONS() -> dict[str, list[Region]]:
    return {"box_iou": _box_iou()}
