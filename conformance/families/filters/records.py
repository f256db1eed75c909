"""The ``filters`` family's catalog records: ``sobel``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.filters import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="sobel",
        family="filters",
        reference=reference.sobel,
        strategy=lambda: strategies.sobel_cases(),
        tolerance=tolerances.sobel_tolerance,
        output_shape=tolerances.sobel_output_shape,
        examples=examples.SOBEL_EXAMPLES,
        summary="The Sobel operator on (N, 1, H, W) images: G_x, G_y (seed 002's kernels, by convolution) and sqrt(G_x^2 + G_y^2) as three channels.",
    ),
)
