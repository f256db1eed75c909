"""The ``style`` family's catalog records: ``gram_matrix``, ``style_loss``, ``content_loss``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.style import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="gram_matrix",
        family="style",
        reference=reference.gram_matrix,
        strategy=lambda: strategies.gram_cases(),
        tolerance=tolerances.gram_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.GRAM_MATRIX_EXAMPLES,
        summary="The style matrix of each image, F_kk' = sum over positions of a_k a_k', optionally normalised (seed 004, Gatys, per element).",
    ),
    Operation(
        name="style_loss",
        family="style",
        reference=reference.style_loss,
        strategy=lambda: strategies.pair_cases("style_loss"),
        tolerance=tolerances.style_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.STYLE_LOSS_EXAMPLES,
        summary="Per image, the weighted sum over layers of the squared differences of two (normalised) gram matrices.",
    ),
    Operation(
        name="content_loss",
        family="style",
        reference=reference.content_loss,
        strategy=lambda: strategies.pair_cases("content_loss"),
        tolerance=tolerances.content_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.CONTENT_LOSS_EXAMPLES,
        summary="Per image, the sum of squared differences of two feature maps (seed 004's content error, constant 1).",
    ),
)
