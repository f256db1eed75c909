"""Literal worked examples of the classic filters (``sobel``), computed by hand.

Every expected value was worked out by hand; none is computed by convspec. The sharpen
kernel's seed example (320) lives with the correlations: ``examples_conv`` "Seed 002:
sharpen kernel, top-left output 320"; ``tests/test_filters.py`` checks that
``reference.sharpen_kernel()`` is that example's kernel.
"""

from __future__ import annotations

import math

import numpy as np

from convspec.conformance.case import WorkedExample


def _image(rows, dtype=np.float32) -> np.ndarray:
    return np.array(rows, dtype=dtype)[None, None]


R2 = math.sqrt(2.0)

SOBEL_EXAMPLES = (
    WorkedExample(
        title="A vertical edge: brighter to the right gives positive G_x",
        source="hand computation (seed 002's Sobel kernels, applied by convolution)",
        inputs={"x": _image([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]])},
        params={"padding": "valid"},
        expected=np.array([[[[4, 4]], [[0, 0]], [[4, 4]]]], dtype=np.float32),
        note=(
            "Convolution flips K_x to [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]: right column minus left column, "
            "weights 1, 2, 1: (1 + 2 + 1)(1 - 0) = 4 at both positions. G_y = 0 (every row is the same); "
            "sqrt(16 + 0) = 4. Correlating with the printed kernel would give -4."
        ),
    ),
    WorkedExample(
        title="A horizontal edge: brighter below gives positive G_y",
        source="hand computation",
        inputs={"x": _image([[0, 0, 0], [0, 0, 0], [2, 2, 2], [2, 2, 2]])},
        params={"padding": "valid"},
        expected=np.array([[[[0], [0]], [[8], [8]], [[8], [8]]]], dtype=np.float32),
        note="Flipped K_y is bottom row minus top row, weights 1, 2, 1: (1 + 2 + 1)(2 - 0) = 8 in both windows; G_x = 0.",
    ),
    WorkedExample(
        title="An impulse with padding 'same' reproduces the kernels as printed",
        source="hand computation",
        inputs={"x": _image([[0, 0, 0], [0, 1, 0], [0, 0, 0]], np.float64)},
        params={"padding": "same"},
        expected=np.array(
            [[
                [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
                [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
                [[R2, 2, R2], [2, 0, 2], [R2, 2, R2]],
            ]],
            dtype=np.float64,
        ),
        note=(
            "Convolving a unit impulse returns the kernel itself (a correlation would return it rotated by "
            "180 degrees). Left of the bright pixel the image gets brighter to the right: G_x = +1, +2, +1. "
            "Magnitude: sqrt(1 + 1) at the corners, sqrt(4 + 0) at the edges' middles, 0 at the centre."
        ),
    ),
)
