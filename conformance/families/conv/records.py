"""The ``conv`` family's catalog records: ``correlate``, ``convolve``, ``depthwise_separable``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.conv import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="correlate",
        family="conv",
        reference=reference.correlate,
        strategy=lambda: strategies.conv_cases("correlate"),
        tolerance=tolerances.conv_tolerance,
        output_shape=tolerances.conv_output_shape,
        examples=examples.CORRELATE_EXAMPLES,
        summary="Cross-correlation, the 'convolution' of deep-learning frameworks: the kernel slides over the input unflipped.",
    ),
    Operation(
        name="convolve",
        family="conv",
        reference=reference.convolve,
        strategy=lambda: strategies.conv_cases("convolve"),
        tolerance=tolerances.conv_tolerance,
        output_shape=tolerances.conv_output_shape,
        examples=examples.CONVOLVE_EXAMPLES,
        summary="True convolution: cross-correlation with the kernel flipped along every spatial axis.",
    ),
    Operation(
        name="depthwise_separable",
        family="conv",
        reference=reference.depthwise_separable,
        strategy=lambda: strategies.depthwise_separable_cases(),
        tolerance=tolerances.depthwise_separable_tolerance,
        output_shape=tolerances.depthwise_separable_output_shape,
        examples=examples.DEPTHWISE_SEPARABLE_EXAMPLES,
        summary="A per-channel (depthwise) correlation followed by a 1x1 (pointwise) correlation.",
    ),
)
