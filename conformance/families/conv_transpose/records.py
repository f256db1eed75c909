"""The ``conv_transpose`` family's catalog records: ``conv_transpose``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.conv_transpose import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="conv_transpose",
        family="conv_transpose",
        reference=reference.conv_transpose,
        strategy=lambda: strategies.conv_transpose_cases(),
        tolerance=tolerances.conv_transpose_tolerance,
        output_shape=tolerances.conv_transpose_output_shape,
        examples=examples.CONV_TRANSPOSE_EXAMPLES,
        summary="Transposed convolution: each input element adds a weighted copy of the kernel to the output; then crop.",
    ),
)
