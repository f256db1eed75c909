"""Literal worked examples of activations and dense layers, computed by hand.

Every expected value was worked out by hand; none is computed by convspec.
"""

from __future__ import annotations

import math

import numpy as np

from convspec.conformance.case import WorkedExample


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def _f64(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


LN3 = math.log(3.0)

RELU_EXAMPLES = (
    WorkedExample(
        title="Negative values become zero",
        source="hand computation (seed 002's Conv2D(..., activation='relu'))",
        inputs={"x": _f32([[-2, -0.5, 0, 1.5, 3]])},
        params={},
        expected=_f32([[0, 0, 0, 1.5, 3]]),
        note="max(0, -2) = 0, max(0, -0.5) = 0, max(0, 0) = 0, 1.5 and 3 pass through.",
    ),
)

SIGMOID_EXAMPLES = (
    WorkedExample(
        title="sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4",
        source="hand computation",
        inputs={"x": _f64([[0.0, LN3, -LN3]])},
        params={},
        expected=_f64([[0.5, 0.75, 0.25]]),
        note="1/(1 + e^0) = 1/2; 1/(1 + e^(-ln 3)) = 1/(1 + 1/3) = 3/4; 1/(1 + 3) = 1/4.",
    ),
    WorkedExample(
        title="No overflow for large |x|",
        source="hand computation",
        inputs={"x": _f32([[-1000, 1000]])},
        params={},
        expected=_f32([[0, 1]]),
        note="e^1000 overflows, but the stable form exp(x)/(1 + exp(x)) for x < 0 gives e^-1000 ~ 0, and 1/(1 + e^-1000) = 1.",
    ),
)

SOFTMAX_EXAMPLES = (
    WorkedExample(
        title="Two logits 0 and ln 3 give 1/4 and 3/4",
        source="hand computation (seed 002's Dense(10, activation='softmax'), two classes)",
        inputs={"x": _f64([[0.0, LN3]])},
        params={"axis": -1},
        expected=_f64([[0.25, 0.75]]),
        note="e^0 = 1 and e^(ln 3) = 3 sum to 4: 1/4 and 3/4.",
    ),
    WorkedExample(
        title="Large logits do not overflow; axis 0",
        source="hand computation",
        inputs={"x": _f32([[1000, 0], [1000, 0]])},
        params={"axis": 0},
        expected=_f32([[0.5, 0.5], [0.5, 0.5]]),
        note=(
            "Along axis 0 each column holds two equal logits: 1/2 each. e^1000 overflows float32 and float64, "
            "but after subtracting the column maximum every exponent is e^0 = 1."
        ),
    ),
)

FLATTEN_EXAMPLES = (
    WorkedExample(
        title="(1, 2, 2, 2) to (1, 8): channel by channel, row by row",
        source="hand computation (torch.flatten(x, 1); seed 002's Flatten of (None, 3, 3, 64) to (None, 576))",
        inputs={"x": _f32([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]])},
        params={},
        expected=_f32([[1, 2, 3, 4, 5, 6, 7, 8]]),
        note=(
            "Row-major over (C, H, W): feature c*4 + h*2 + w. Keras flattens its channels-last (H, W, C) tensor, "
            "which would give 1 5 2 6 3 7 4 8 for the same values."
        ),
    ),
)

DENSE_EXAMPLES = (
    WorkedExample(
        title="Two inputs, two outputs, with bias",
        source="hand computation",
        inputs={"x": _f32([[1, 2]]), "weight": _f32([[3, 4], [5, 6]]), "bias": _f32([10, 20])},
        params={},
        expected=_f32([[21, 37]]),
        note="10 + 1*3 + 2*4 = 21; 20 + 1*5 + 2*6 = 37.",
    ),
    WorkedExample(
        title="A batch of two, no bias",
        source="hand computation",
        inputs={"x": _f32([[1, 0, -1], [2, 2, 2]]), "weight": _f32([[1, 1, 1], [1, -2, 3]]), "bias": None},
        params={},
        expected=_f32([[0, -2], [6, 4]]),
        note="Row 1: 1 + 0 - 1 = 0 and 1 - 0 - 3 = -2; row 2: 2 + 2 + 2 = 6 and 2 - 4 + 6 = 4.",
    ),
)
