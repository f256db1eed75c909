"""The ``detection`` family's docs data: the definitions, framework names and closed forms the pages of ``box_iou`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

import sympy

from convspec.spec import detection
from convspec.conformance.family_docs import NONE, Formula, Mapping


def _intersection_parts():
    width, height = detection.intersection_area().args
    if width.func is not sympy.Max:
        width, height = height, width
    return [(sympy.Symbol("I_w"), width), (sympy.Symbol("I_h"), height)]


def _iou_parts():
    box2 = (detection.x1b, detection.y1b, detection.x2b, detection.y2b)
    return [(sympy.Symbol("I"), detection.intersection_area(), "above"), (sympy.Symbol("A"), detection.box_area(), "above"),
            (sympy.Symbol("A'"), detection.box_area(box2))]


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # detection (spec/detection.py); boxes as corners (x1, y1, x2, y2) after converting the format
    "box_iou": [
        ("the intersection of box m and box k (primed): 0 for boxes that only touch", r"I_{mk} = \max(0, w_{\cap})\, \max(0, h_{\cap})"),
        ("", r"w_{\cap} = \min(x_2, x_2') - \max(x_1, x_1'), \quad h_{\cap} = \min(y_2, y_2') - \max(y_1, y_1')"),
        ("the union", r"U_{mk} = (x_2 - x_1)(y_2 - y_1) + (x_2' - x_1')(y_2' - y_1') - I_{mk}"),
        ("the IoU, and 0 when the union is 0", r"\mathrm{iou}_{mk} = \begin{cases} I_{mk} / U_{mk} & U_{mk} > 0 \\ 0 & U_{mk} = 0 \end{cases}"),
        ("the formats", r"\mathrm{cxcywh}: x_{1,2} = c_x \mp \tfrac{w}{2}, \quad \mathrm{xywh}: x_2 = x_1 + w"),
    ],
    # nms has no catalog record (its output is a list of indices, not an array the tolerance model compares);
    # its page is docs/docs_nms.py's, which shows this definition and runs reference.nms at build time
    "nms": [
        ("the candidates: boxes scoring at least the score threshold, by decreasing score, equal scores by increasing index",
         r"C = (i_1, i_2, \dots), \quad s_{i_1} \ge s_{i_2} \ge \dots, \quad s_{i_a} = s_{i_b},\ a < b \Rightarrow i_a < i_b"),
        ("each candidate in that order is kept unless a box kept before it overlaps it by more than the threshold",
         r"i \in K \iff \mathrm{iou}(j, i) \le \tau \ \text{for every } j \in K \text{ visited before } i"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "box_iou": Mapping(
        rows={
            "operation": ("`torchvision.ops.box_iou` (torchvision, not torch)", "— (no operator)", "`tfa.losses.GIoULoss` (giou); no plain op", "— (write it)"),
            "fmt": ("`torchvision.ops.box_convert(in_fmt=...)` first; `box_iou` takes `xyxy`", NONE, NONE, NONE),
        },
        differences=(
            "torchvision returns NaN (0/0) for two zero-area boxes; convspec returns 0.",
            "torchvision does not check that x1 <= x2; convspec raises a ValueError naming the box.",
            "torchvision's `nms` keeps boxes with IoU <= threshold as convspec's [`nms`](nms.md) (its own page), but its tie order between equal scores is unspecified; convspec takes the lower index first.",
        ),
    ),
    # the nms page (docs/docs_nms.py); the IoU and score rules of TensorFlow 2.21 and onnxruntime 1.32 were
    # checked on a box pair with IoU exactly 0.5 and a score equal to the score threshold
    "nms": Mapping(
        rows={
            "operation": ("`torchvision.ops.nms`, `torchvision.ops.batched_nms` (torchvision, not torch)", "`NonMaxSuppression`",
                          "`tf.image.non_max_suppression`", NONE),
            "boxes": ("`boxes` `(M, 4)` as `(x1, y1, x2, y2)`", "`boxes` `(B, M, 4)`: `(y1, x1, y2, x2)`, or centre and size with `center_point_box=1`",
                      "`boxes` `(M, 4)` as `(y1, x1, y2, x2)`", NONE),
            "scores": ("`scores` `(M,)`", "`scores` `(B, classes, M)`", "`scores` `(M,)`", NONE),
            "iou_threshold": ("`iou_threshold` (required); discards IoU `>` threshold", "input `iou_threshold` (default 0); discards IoU `>` threshold",
                              "`iou_threshold=0.5`; discards IoU `>` threshold", NONE),
            "score_threshold": (NONE, "input `score_threshold`: keeps scores `>` it", "`score_threshold=float('-inf')`: keeps scores `>` it", NONE),
            "fmt": ("`box_convert(in_fmt=...)` first", "`center_point_box=0` or `1`", NONE, NONE),
        },
        differences=(
            "All three discard a box whose IoU with a kept box is strictly greater than the threshold, as convspec does: "
            "a pair with IoU exactly equal to the threshold keeps both.",
            "A score equal to the score threshold: convspec keeps the box (`>=`); TensorFlow and ONNX drop it (they keep scores `>` it).",
            "The output: convspec and torchvision return int64 indices, best first; TensorFlow int32 indices, at most the required "
            "`max_output_size`; ONNX `(batch, class, box)` triples, at most `max_output_boxes_per_class` per class (default 0: none).",
            "Equal scores: convspec visits the lower index first; torchvision, TensorFlow and ONNX do not document their order.",
        ),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Intersection area", "I", detection.intersection_area, parts=_intersection_parts),
        Formula("Area", "A", detection.box_area),
        Formula("IoU (union > 0); A' the second box's area", r"\mathrm{IoU}", detection.iou, parts=_iou_parts),
        Formula("Output shape", r"\mathrm{shape}", detection.box_iou_output_shape, expr=lambda: sympy.Tuple(sympy.Symbol("M"), sympy.Symbol("K"))),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Detection"

SHAPES: dict[str, str] = {"box_iou": "boxes1 `(M, 4)`, boxes2 `(K, 4)` → `(M, K)`"}
