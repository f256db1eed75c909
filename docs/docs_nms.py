"""The NMS page: greedy non-max suppression (``convspec.reference.nms``), generated when the site is built.

``nms`` has no catalog record (it returns a list of kept indices, not an array the tolerance model
compares), so it has no generated operation page of its own; this module makes one,
``operations/nms.md``, listed with the detection family in the navigation. It shows the definition of
``conformance/families/detection/docs.py`` (``DEFINITIONS["nms"]``), worked examples run through
``convspec.reference.nms`` when the page is built and checked against ``convspec.spec.detection.nms_exact``
(exact rational arithmetic) and against the step-by-step trace printed with them, where the frameworks
differ (``FRAMEWORK_NAMES["nms"]``), and the reference source.

Example: boxes ``(0, 0, 4, 4)`` and ``(1, 0, 5, 4)`` scored 0.9 and 0.8 overlap with IoU 12/20 = 3/5; with a
threshold of 1/2 the second is suppressed (3/5 > 1/2) and ``nms`` returns ``[0]``.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from convspec import reference
from convspec.spec import detection

import definitions
import docs_frameworks
import docs_math
import framework_names

PAGE = "operations/nms.md"
FAMILY = "detection"


@dataclass(frozen=True)
class Example:
    title: str
    boxes: tuple[tuple[float, float, float, float], ...]
    scores: tuple[float, ...]
    iou_threshold: float
    score_threshold: float | None
    expected: tuple[int, ...]  # the kept indices, best first (checked against the reference and the exact spec)
    note: str


EXAMPLES = (
    Example(
        "A suppressed box suppresses nothing; IoU equal to the threshold keeps both",
        ((0, 0, 4, 4), (1, 0, 5, 4), (2, 0, 6, 4), (10, 10, 12, 12), (10, 10, 12, 14)),
        (0.9, 0.8, 0.7, 0.7, 0.6), 0.5, None, (0, 2, 3, 4),
        "Box 1 overlaps box 0 by 3/5 > 1/2 and is discarded. Box 2 overlaps box 1 by 3/5 as well, but box 1 was "
        "discarded, so only box 0 (1/3) counts: box 2 is kept. Boxes 2 and 3 tie at 0.7: the lower index is visited "
        "first. Box 4 overlaps box 3 by exactly 1/2, which is not more than the threshold: kept.",
    ),
    Example(
        "The score threshold keeps a score equal to it",
        ((0, 0, 2, 2), (0, 0, 2, 2.5), (5, 5, 6, 6), (7, 7, 8, 8)),
        (0.9, 0.8, 0.75, 0.5), 0.5, 0.75, (0, 2),
        "Box 3 scores 0.5 < 0.75 and is dropped before the suppression; box 2 scores exactly 0.75 and stays a candidate "
        "(TensorFlow and ONNX would drop it: they keep scores greater than the threshold). Box 1 overlaps box 0 by "
        "4/5 > 1/2: discarded (seed 004's example).",
    ),
)


def _trace(example: Example) -> list[tuple[int, Fraction, list[tuple[int, Fraction]], bool]]:
    """Each candidate in visiting order: (index, score, [(kept j, exact IoU)], kept?), by the definition."""
    boxes = [tuple(Fraction(v) for v in box) for box in example.boxes]
    scores = [Fraction(s) for s in example.scores]
    order = sorted(range(len(boxes)), key=lambda i: (-scores[i], i))
    if example.score_threshold is not None:
        order = [i for i in order if scores[i] >= Fraction(example.score_threshold)]
    kept: list[int] = []
    steps = []
    for i in order:
        overlaps = [(j, detection.iou(boxes[j], boxes[i])) for j in kept]
        keep = all(value <= Fraction(example.iou_threshold) for _, value in overlaps)
        steps.append((i, scores[i], overlaps, keep))
        if keep:
            kept.append(i)
    return steps


def run(example: Example) -> list[int]:
    """The reference's kept indices; the build stops unless they equal the literal, the exact spec and the trace."""
    boxes = np.array(example.boxes, dtype=np.float64)
    scores = np.array(example.scores, dtype=np.float64)
    got = reference.nms(boxes, scores, example.iou_threshold, score_threshold=example.score_threshold).tolist()
    exact = detection.nms_exact(list(example.boxes), list(example.scores), Fraction(example.iou_threshold),
                                None if example.score_threshold is None else Fraction(example.score_threshold))
    traced = [i for i, _, _, keep in _trace(example) if keep]
    if not (got == exact == traced == list(example.expected)):
        raise AssertionError(f"nms example {example.title!r}: literal {list(example.expected)}, reference {got}, "
                             f"spec.detection.nms_exact {exact}, trace {traced}")
    return got


def _fraction(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _call_text(example: Example) -> str:
    boxes = "np.array([" + ", ".join(f"[{', '.join(repr(float(v)) for v in box)}]" for box in example.boxes) + "])"
    scores = "np.array([" + ", ".join(repr(float(s)) for s in example.scores) + "])"
    extra = "" if example.score_threshold is None else f", score_threshold={example.score_threshold:g}"
    return f"reference.nms({boxes},\n              {scores}, {example.iou_threshold:g}{extra})"


def examples_markdown() -> str:
    out = []
    for number, example in enumerate(EXAMPLES, start=1):
        got = run(example)
        out.append(f"### {number}. {example.title} {{#example-{number}}}\n")
        out.append(f"```python\n{_call_text(example)}\n# -> {got} (run when this page was built)\n```\n")
        rows = ["| visit | box | score | IoU with the boxes kept so far | kept? |", "|---:|---|---:|---|---|"]
        for visit, (i, score, overlaps, keep) in enumerate(_trace(example), start=1):
            box = ", ".join(f"{v:g}" for v in example.boxes[i])
            ious = ", ".join(f"box {j}: {_fraction(v)}" for j, v in overlaps) or "— (none kept yet)"
            rows.append(f"| {visit} | {i}: ({box}) | {float(score):g} | {ious} | {'kept' if keep else 'discarded'} |")
        out.append("\n".join(rows) + "\n")
        out.append(f"{example.note}\n")
    return "\n".join(out)


def framework_markdown() -> str:
    mapping = framework_names.mapping_for("nms", list(inspect.signature(reference.nms).parameters))
    rows = ["| convspec | " + " | ".join(framework_names.FRAMEWORKS) + " |", "|---" * (1 + len(framework_names.FRAMEWORKS)) + "|"]
    for row, cells in mapping.rows.items():
        label = f"*{row}*" if row in framework_names.EXTRA_ROWS else f"`{row}`"
        rows.append(f"| {docs_frameworks.row_label(row, label)} | " + " | ".join(c.replace("|", "&#124;") for c in cells) + " |")
    differences = "\n".join(f"- {d}" for d in mapping.differences)
    return "\n".join(rows) + "\n\n" + docs_frameworks.differences_heading() + "\n\n" + differences + docs_frameworks.other_names_markdown("nms")


def page() -> str:
    aliases = [e.name for e in docs_frameworks.entries() if e.op == "nms"]
    definition = []
    for caption, latex in definitions.definition_for("nms"):
        definition.append(f"*{caption}*\n\n{docs_math.math_token(latex)}\n")
    source = inspect.getsource(reference.nms).rstrip()
    front = "---\ntags:\n" + "".join(f"  - {json.dumps(tag)}\n" for tag in ["Non-max suppression", *aliases]) + "---\n\n"
    return front + "\n".join([
        "# nms\n",
        '<p class="cs-summary">Greedy non-max suppression: visit the boxes by decreasing score, keep a box unless a kept box '
        "overlaps it by more than the IoU threshold; the kept indices, best first.</p>\n",
        f"*In the frameworks:* {', '.join(f'`{a}`' for a in aliases)} (see [Framework names](#framework-names)).\n",
        "`convspec.reference.nms` · `convspec.accelerated.nms` · `convspec.spec.detection.nms_exact` (exact arithmetic) · "
        "family [Detection](index.md). `nms` is not in the catalog (it returns indices, not an array of values), so "
        "`convspec check` does not draw cases for it; `tests/test_detection.py` tests it, and the examples below run "
        "when this page is built.\n",
        "## Definition\n",
        "Here `iou(j, i)` is [`box_iou`](box_iou.md)'s IoU of boxes `j` and `i` (0 for a zero union), `s` the scores and "
        "`τ` the IoU threshold; `K` is the list of kept boxes, which is the result, in visiting order.\n",
        *definition,
        '<details class="cs-docstring" markdown="1"><summary>The reference docstring</summary>\n',
        "```text\n" + inspect.getdoc(reference.nms) + "\n```\n",
        "</details>\n",
        "`convspec.reference.batched_nms` runs the same per class: boxes of different classes never suppress each other.\n",
        "## Backward\n",
        "None: the result is a list of indices, which has no derivative with respect to the boxes or scores.\n",
        "## Framework names\n",
        framework_markdown() + "\n",
        "## Worked examples\n",
        f"{len(EXAMPLES)} examples from `docs/docs_nms.py`, run through `convspec.reference.nms` when this page is built; "
        "the build stops unless the reference, `convspec.spec.detection.nms_exact` (exact fractions) and the visit-by-visit "
        "trace below (IoU computed exactly by `convspec.spec.detection.iou`) all give the literal result.\n",
        examples_markdown(),
        "## Reference implementation\n",
        "From `reference/detection.py` (`convspec.reference.nms`):\n\n```python\n" + source + "\n```\n",
    ])


def nav_entry() -> dict:
    return {"nms": PAGE}


def generated_files() -> dict[str, str]:
    return {PAGE: page()}
