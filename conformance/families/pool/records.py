"""The ``pool`` family's catalog records: ``max_pool``, ``avg_pool``, ``global_max_pool``, ``global_avg_pool``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.pool import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="max_pool",
        family="pool",
        reference=reference.max_pool,
        strategy=lambda: strategies.max_pool_cases(),
        tolerance=tolerances.max_pool_tolerance,
        output_shape=tolerances.pool_output_shape,
        examples=examples.MAX_POOL_EXAMPLES,
        summary="Max pooling: the largest input value under each window (padding never wins, NaN propagates), optionally with its flat index.",
    ),
    Operation(
        name="avg_pool",
        family="pool",
        reference=reference.avg_pool,
        strategy=lambda: strategies.avg_pool_cases(),
        tolerance=tolerances.avg_pool_tolerance,
        output_shape=tolerances.pool_output_shape,
        examples=examples.AVG_POOL_EXAMPLES,
        summary="Average pooling: the sum of the input cells under each window over a divisor (count_include_pad, divisor_override).",
    ),
    Operation(
        name="global_max_pool",
        family="pool",
        reference=reference.global_max_pool,
        strategy=lambda: strategies.global_pool_cases("global_max_pool"),
        tolerance=tolerances.global_max_pool_tolerance,
        output_shape=tolerances.global_pool_output_shape,
        examples=examples.GLOBAL_MAX_POOL_EXAMPLES,
        summary="Global max pooling: the maximum over all spatial positions per channel, output (N, C, 1, ..., 1).",
    ),
    Operation(
        name="global_avg_pool",
        family="pool",
        reference=reference.global_avg_pool,
        strategy=lambda: strategies.global_pool_cases("global_avg_pool"),
        tolerance=tolerances.global_avg_pool_tolerance,
        output_shape=tolerances.global_pool_output_shape,
        examples=examples.GLOBAL_AVG_POOL_EXAMPLES,
        summary="Global average pooling: the mean over all spatial positions per channel, output (N, C, 1, ..., 1).",
    ),
)
