"""The ``unpool`` family's catalog records: ``max_unpool``, ``avg_unpool``, ``first_unpool``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.unpool import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="max_unpool",
        family="unpool",
        reference=reference.max_unpool,
        strategy=lambda: strategies.max_unpool_cases(),
        tolerance=tolerances.copy_tolerance,
        output_shape=tolerances.unpool_output_shape,
        examples=examples.MAX_UNPOOL_EXAMPLES,
        summary="Max unpooling with switches: each value goes back to the cell max-pooling recorded, zeros elsewhere.",
    ),
    Operation(
        name="avg_unpool",
        family="unpool",
        reference=reference.avg_unpool,
        strategy=lambda: strategies.block_unpool_cases("avg_unpool"),
        tolerance=tolerances.avg_unpool_tolerance,
        output_shape=tolerances.unpool_output_shape,
        examples=examples.AVG_UNPOOL_EXAMPLES,
        summary="Average unpooling: each value is copied into every cell of its block; overlapping copies add up.",
    ),
    Operation(
        name="first_unpool",
        family="unpool",
        reference=reference.first_unpool,
        strategy=lambda: strategies.block_unpool_cases("first_unpool"),
        tolerance=tolerances.copy_tolerance,
        output_shape=tolerances.unpool_output_shape,
        examples=examples.FIRST_UNPOOL_EXAMPLES,
        summary="Max unpooling without switches: each value goes to the first (top-left) cell of its block, zeros elsewhere.",
    ),
)
