"""The ``upsample`` family's catalog records: ``upsample``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.upsample import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="upsample",
        family="upsample",
        reference=reference.upsample,
        strategy=lambda: strategies.upsample_cases(),
        tolerance=tolerances.upsample_tolerance,
        output_shape=tolerances.upsample_output_shape,
        examples=examples.UPSAMPLE_EXAMPLES,
        summary="Upsampling (or downsampling) by nearest, nearest-exact, linear, bilinear, trilinear or bicubic (Keys) interpolation; no learned parameters.",
    ),
)
