"""The ``activations`` family's catalog records: ``relu``, ``sigmoid``, ``softmax``, ``flatten``, ``dense``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.activations import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="relu",
        family="activations",
        reference=reference.relu,
        strategy=lambda: strategies.elementwise_cases("relu"),
        tolerance=tolerances.exact_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.RELU_EXAMPLES,
        summary="Rectified linear unit, element-wise max(0, x); NaN propagates.",
    ),
    Operation(
        name="sigmoid",
        family="activations",
        reference=reference.sigmoid,
        strategy=lambda: strategies.elementwise_cases("sigmoid"),
        tolerance=tolerances.sigmoid_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.SIGMOID_EXAMPLES,
        summary="Logistic sigmoid 1 / (1 + exp(-x)), element-wise, without overflow for large |x|.",
    ),
    Operation(
        name="softmax",
        family="activations",
        reference=reference.softmax,
        strategy=lambda: strategies.softmax_cases(),
        tolerance=tolerances.softmax_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.SOFTMAX_EXAMPLES,
        summary="Softmax along one axis, computed stably with the slice maximum subtracted.",
    ),
    Operation(
        name="flatten",
        family="activations",
        reference=reference.flatten,
        strategy=lambda: strategies.flatten_cases(),
        tolerance=tolerances.exact_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.FLATTEN_EXAMPLES,
        summary="(N, d_1, ..., d_r) to (N, d_1 ... d_r) in row-major order, as torch.flatten(x, 1).",
    ),
    Operation(
        name="dense",
        family="activations",
        reference=reference.dense,
        strategy=lambda: strategies.dense_cases(),
        tolerance=tolerances.dense_tolerance,
        output_shape=tolerances.output_shape,
        examples=examples.DENSE_EXAMPLES,
        summary="A fully connected layer: y = x weight^T + bias, weight (n_out, n_in) as F.linear.",
    ),
)
