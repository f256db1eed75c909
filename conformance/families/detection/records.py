"""The ``detection`` family's catalog records: ``box_iou``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.detection import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="box_iou",
        family="detection",
        reference=reference.box_iou,
        strategy=lambda: strategies.box_iou_cases(),
        tolerance=tolerances.box_iou_tolerance,
        output_shape=tolerances.box_iou_output_shape,
        examples=examples.BOX_IOU_EXAMPLES,
        summary="Pairwise intersection over union of two sets of boxes (xyxy, cxcywh or xywh); 0 for touching boxes and for a zero union.",
    ),
)
