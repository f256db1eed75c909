"""Literal worked examples of the pooling family, from the seeds and from hand computation.

Every expected value here was worked out by hand (or read off a seed and checked
by hand); none is computed by convspec. Where a seed prints a wrong value the
example carries the right one and its ``note`` quotes what the seed printed.
Examples hold no NaN (the example tests compare differences); NaN propagation and
the index rules are literal tests in ``tests/test_pool.py``.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import LazyExamples, WorkedExample
from convspec.spec.symbolic import resolve, symbols


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


# Seed 000 ("Pooling Layer: Max Pooling" / "Average Pooling"), 2x2 filters and stride 2.
SEED_000_MAP = _f32([[3, 1, 3, 5], [6, 0, 7, 9], [3, 2, 1, 4], [0, 2, 4, 3]])[None, None]
# Seed 001 ("MAX POOLING" / "AVERAGE POOLING"), f = 2, s = 2.
SEED_001_MAP = _f32([[2, 4, 7, 4], [6, 6, 9, 8], [3, 4, 8, 3], [7, 5, 3, 6]])[None, None]
# Seed 003 ("Max-pooling", 2x2 Max-Pool).
SEED_003_MAP = _f32([[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]])[None, None]
# Seed 001 ("CONVOLUTION + MAX POOLING"): the stride-1 feature maps of filters 1 and 2 on the
# 6x6 image, as corrected in conformance/families/conv/examples.py (the seed's own maps have errors).
SEED_001_FEATURE_MAPS = _f32([
    [[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]],
    [[-1, -1, -1, -1], [-1, -1, -2, 1], [-1, -1, -2, 1], [-1, 0, -4, 3]],
])[None]

SEED_000_FORMULA_NOTE = (
    "Seed 000's first pooling slide gives W_out = (W_in - F + 2P + 1)/S; on this 4x4 input with F = 2, "
    "P = 0, S = 2 that is (4 - 2 + 0 + 1)/2 = 1.5, not even an integer. The right formula (its next "
    "slide, and PyTorch's) is (W_in - F + 2P)/S + 1 = (4 - 2)/2 + 1 = 2 (floored in general)."
)

_a, _b, _c, _d = symbols("a b c d")


def _symbolic(rows) -> np.ndarray:
    array = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            array[r, col] = resolve(value)  # a spec symbol: the sympy symbol
    return array[None, None]


def _max_pool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 000: 4x4 map, 2x2 windows, stride 2",
            source="seed 000, 'Pooling Layer: Max Pooling' (Keras MaxPooling2D(pool_size=(2, 2), strides=2))",
            inputs={"x": SEED_000_MAP},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[6, 9], [3, 4]])[None, None],
            note=(
                "Blocks 3 1 / 6 0 -> 6, 3 5 / 7 9 -> 9, 3 2 / 0 2 -> 3, 1 4 / 4 3 -> 4; matches the seed. "
                "The indices (flat over the 4x4 plane) are 4, 7 / 8, 11; in the last block 4 appears twice "
                "(positions 11 and 14) and the first in scan order, 11, is named. " + SEED_000_FORMULA_NOTE
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 001: 4x4 map, f = 2, s = 2",
            source="seed 001, 'MAX POOLING'",
            inputs={"x": SEED_001_MAP},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[6, 9], [7, 8]])[None, None],
            note="Blocks 2 4 / 6 6 -> 6, 7 4 / 9 8 -> 9, 3 4 / 7 5 -> 7, 8 3 / 3 6 -> 8; matches the seed.",
        ),
        WorkedExample(
            title="Seed 003: 2x2 max-pool with the default stride",
            source="seed 003, 'Max-pooling' (2x2 Max-Pool; Keras' strides default to the pool size)",
            inputs={"x": SEED_003_MAP},
            params={"kernel_size": 2},
            expected=_f32([[20, 30], [112, 37]])[None, None],
            note=(
                "stride=None means stride = kernel_size: non-overlapping 2x2 blocks 12 20 / 8 12 -> 20, "
                "30 0 / 2 0 -> 30, 34 70 / 112 100 -> 112, 37 4 / 25 12 -> 37; matches the seed. "
                "(With stride 1 the output would be 3x3.)"
            ),
        ),
        WorkedExample(
            title="Seed 001: max pooling the two feature maps of 'Convolution + max pooling'",
            source="seed 001, 'CONVOLUTION + MAX POOLING' (Maxpool f=2, s=2)",
            inputs={"x": SEED_001_FEATURE_MAPS},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[[3, 0], [3, 1]], [[-1, 1], [0, 3]]])[None],
            note=(
                "Filter 1's map pools to 3 0 / 3 1, as the seed prints. Filter 2's map pools to -1 1 / 0 3; "
                "the seed prints '-1 -1 / 0 3': its top-right block is -1 -1 / -2 -1 in the seed's (wrong) "
                "feature map, but the window at row 1, column 3 is 1, not -1 (see the correlate example "
                "'Seed 001: 6x6 image, filter 2, stride 1'), so the block's maximum is 1."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Ceil mode keeps a last, overhanging window",
            source="hand computation (PyTorch ceil_mode=True)",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 2, "stride": 2, "ceil_mode": True},
            expected=_f32([[[3, 5, 4]]]),
            note=(
                "Windows [1 3] and [2 5] fit; the 5th cell is left over and the next window starts at 4, inside "
                "the input, so ceil mode keeps it: it holds 4 alone. Floor mode gives 3 5; ceil((5-2)/2)+1 = 3."
            ),
        ),
        WorkedExample(
            title="Ceil mode drops a window that would start in the right padding",
            source="hand computation (PyTorch's start-inside rule)",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True},
            expected=_f32([[[1, 3, 5]]]),
            note=(
                "Padded: pad 1 3 2 5 4 pad (length 7). Windows [pad 1] -> 1, [3 2] -> 3, [5 4] -> 5 fit; the "
                "right pad is left over, but the next window would start at input position 5, past the "
                "input (length 5): it would hold padding only, and is dropped. ceil((7-2)/2)+1 = 4 candidates, "
                "minus this one: 3, the same as floor mode."
            ),
        ),
        WorkedExample(
            title="Padding never wins, even over negative values",
            source="hand computation",
            inputs={"x": _f32([[[-5, -3, -4]]])},
            params={"kernel_size": 2, "stride": 2, "padding": 1},
            expected=_f32([[[-5, -3]]]),
            note=(
                "Windows [pad -5] and [-3 -4]. Padding acts as -inf: the first window gives -5, not the 0 a "
                "zero-padded maximum would give."
            ),
        ),
        WorkedExample(
            title="Per-side padding (PyTorch has no native form for it)",
            source="hand computation",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 3, "stride": 2, "padding": ((2, 0),)},
            expected=_f32([[[1, 3, 5]]]),
            note=(
                "Two cells of padding before, none after: windows start at -2 ([pad pad 1] -> 1), 0 ([1 3 2] "
                "-> 3) and 2 ([2 5 4] -> 5). 2 > 3 // 2, so PyTorch would refuse even the symmetric form; the "
                "first window still holds one input cell, which is all the definition needs."
            ),
        ),
        WorkedExample(
            title="Per-side padding in 2-D",
            source="hand computation",
            inputs={"x": _f32([[1, 2, 3], [4, 5, 6], [7, 8, 9]])[None, None]},
            params={"kernel_size": 2, "padding": ((1, 0), (0, 1))},
            expected=_f32([[2, 3], [8, 9]])[None, None],
            note=(
                "One row of padding above, one column to the right; stride 2 (the default). Rows -1..0 and "
                "1..2, columns 0..1 and 2..3: [1 2] -> 2, [3] -> 3, [4 5 / 7 8] -> 8, [6 / 9] -> 9."
            ),
        ),
        WorkedExample(
            title="Dilation 3 in 1-D",
            source="hand computation",
            inputs={"x": _f32([[[1, 7, 2, 6, 3, 5, 4]]])},
            params={"kernel_size": 2, "stride": 1, "dilation": 3},
            expected=_f32([[[6, 7, 5, 6]]]),
            note=(
                "Taps 3 apart: max(x0, x3) = 6, max(x1, x4) = 7, max(x2, x5) = 5, max(x3, x6) = 6. The window "
                "spans 3*(2-1)+1 = 4 cells: 7 - 4 + 1 = 4 outputs."
            ),
        ),
        WorkedExample(
            title="'same' padding, stride 2 (Keras/TensorFlow padding='same')",
            source="hand computation",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 2, "stride": 2, "padding": "same"},
            expected=_f32([[[3, 5, 4]]]),
            note="ceil(5/2) = 3 outputs; total padding (3-1)*2 + 2 - 5 = 1, after: [1 3] [2 5] [4 pad].",
        ),
        WorkedExample(
            title="'same' padding, stride 1, odd window",
            source="hand computation",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 3, "stride": 1, "padding": "same"},
            expected=_f32([[[3, 3, 5, 5, 5]]]),
            note="One pad on each side: [pad 1 3] [1 3 2] [3 2 5] [2 5 4] [5 4 pad].",
        ),
        WorkedExample(
            title="3-D input, window 1x2x2",
            source="hand computation",
            inputs={"x": np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 2, 2)},
            params={"kernel_size": (1, 2, 2)},
            expected=_f32([[[[4]], [[8]]]])[None],
            note="Each depth slice 1 2 / 3 4 and 5 6 / 7 8 pools to its maximum.",
        ),
    )


MAX_POOL_EXAMPLES = LazyExamples(_max_pool_examples)


def _avg_pool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 000: 4x4 map, 2x2 windows, stride 2",
            source="seed 000, 'Pooling Layer: Average Pooling' (Keras AveragePooling2D(pool_size=(2, 2), strides=2))",
            inputs={"x": SEED_000_MAP},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[2.5, 6], [1.75, 3]])[None, None],
            note="(3+1+6+0)/4 = 2.5, (3+5+7+9)/4 = 6, (3+2+0+2)/4 = 1.75, (1+4+4+3)/4 = 3; matches the seed.",
        ),
        WorkedExample(
            title="Seed 001: 4x4 map, f = 2, s = 2",
            source="seed 001, 'AVERAGE POOLING'",
            inputs={"x": SEED_001_MAP},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[4.5, 7], [4.75, 5]])[None, None],
            note="(2+4+6+6)/4 = 4.5, (7+4+9+8)/4 = 7, (3+4+7+5)/4 = 4.75, (8+3+3+6)/4 = 5; matches the seed.",
        ),
        WorkedExample(
            title="count_include_pad=True: the padding counts in the divisor",
            source="hand computation (PyTorch's default)",
            inputs={"x": _f32([[[3, 9, 6]]])},
            params={"kernel_size": 3, "stride": 1, "padding": 1},
            expected=_f32([[[4, 6, 5]]]),
            note="[pad 3 9] -> 12/3, [3 9 6] -> 18/3, [9 6 pad] -> 15/3.",
        ),
        WorkedExample(
            title="count_include_pad=False: only input cells count",
            source="hand computation (Keras/TensorFlow 'same' averages this way)",
            inputs={"x": _f32([[[3, 9, 6]]])},
            params={"kernel_size": 3, "stride": 1, "padding": 1, "count_include_pad": False},
            expected=_f32([[[6, 6, 7.5]]]),
            note="[pad 3 9] -> 12/2, [3 9 6] -> 18/3, [9 6 pad] -> 15/2.",
        ),
        WorkedExample(
            title="Ceil mode: the overhang beyond the padding never counts",
            source="hand computation, checked against PyTorch's rule (F.avg_pool1d(ones(6), 3, 2, 1, ceil_mode=True) ends in 0.5)",
            inputs={"x": _f32([[[3, 3, 6, 6, 9, 9]]])},
            params={"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
            expected=_f32([[[2, 5, 8, 4.5]]]),
            note=(
                "Padded length 8; windows start at -1, 1, 3 and (ceil mode) 5. The last covers 5 (input, 9), "
                "6 (right pad) and 7 (beyond the padded input): with count_include_pad=True it divides by 2, "
                "not 3: 9/2 = 4.5. The others: (0+3+3)/3 = 2, (3+6+6)/3 = 5, (6+9+9)/3 = 8."
            ),
        ),
        WorkedExample(
            title="Ceil mode with count_include_pad=False",
            source="hand computation",
            inputs={"x": _f32([[[3, 3, 6, 6, 9, 9]]])},
            params={"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
            expected=_f32([[[3, 5, 8, 9]]]),
            note="The same windows divided by their input cells only: 6/2, 15/3, 24/3, 9/1.",
        ),
        WorkedExample(
            title="Per-side padding, with the padding counted",
            source="hand computation (the per-side extension of PyTorch's rule)",
            inputs={"x": _f32([[[3, 9, 6]]])},
            params={"kernel_size": 3, "stride": 1, "padding": ((2, 0),)},
            expected=_f32([[[1, 4, 6]]]),
            note="Two pads before: [pad pad 3] -> 3/3, [pad 3 9] -> 12/3, [3 9 6] -> 18/3.",
        ),
        WorkedExample(
            title="Per-side padding, input cells only",
            source="hand computation",
            inputs={"x": _f32([[[3, 9, 6]]])},
            params={"kernel_size": 3, "stride": 1, "padding": ((2, 0),), "count_include_pad": False},
            expected=_f32([[[3, 6, 6]]]),
            note="[pad pad 3] -> 3/1, [pad 3 9] -> 12/2, [3 9 6] -> 18/3.",
        ),
        WorkedExample(
            title="divisor_override=1 gives the window sums (seed 000's map)",
            source="hand computation on seed 000's map",
            inputs={"x": SEED_000_MAP},
            params={"kernel_size": 2, "divisor_override": 1},
            expected=_f32([[10, 24], [7, 12]])[None, None],
            note="3+1+6+0, 3+5+7+9, 3+2+0+2, 1+4+4+3: four times the averages 2.5 6 / 1.75 3.",
        ),
        WorkedExample(
            title="divisor_override wins over count_include_pad",
            source="hand computation",
            inputs={"x": _f32([[[3, 9, 6]]])},
            params={"kernel_size": 3, "stride": 1, "padding": 1, "count_include_pad": False, "divisor_override": 2},
            expected=_f32([[[6, 9, 7.5]]]),
            note="Sums 12, 18, 15, all over 2 whatever the window holds.",
        ),
        WorkedExample(
            title="'same' padding with count_include_pad=False (Keras AveragePooling1D(2, padding='same'))",
            source="hand computation",
            inputs={"x": _f32([[[1, 3, 2, 5, 4]]])},
            params={"kernel_size": 2, "stride": 2, "padding": "same", "count_include_pad": False},
            expected=_f32([[[2, 3.5, 4]]]),
            note="One pad after: [1 3] -> 2, [2 5] -> 3.5, [4 pad] -> 4/1 (4/2 = 2 with count_include_pad=True).",
        ),
        WorkedExample(
            title="A 2x2 average, symbolically",
            source="hand computation (the definition)",
            inputs={"x": _symbolic([[_a, _b], [_c, _d]])},
            params={"kernel_size": 2},
            expected=_symbolic([[(_a + _b + _c + _d) / 4]]),
            note="The average of the four cells under the window.",
        ),
    )


AVG_POOL_EXAMPLES = LazyExamples(_avg_pool_examples)


def _global_max_pool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 000's 4x4 map",
            source="hand computation on seed 000's map",
            inputs={"x": SEED_000_MAP},
            params={},
            expected=_f32([[9]])[None, None],
            note="The largest of the 16 values; the output keeps the spatial axes: shape (1, 1, 1, 1).",
        ),
        WorkedExample(
            title="Seed 001's two feature maps, one value per channel",
            source="hand computation on seed 001's (corrected) feature maps",
            inputs={"x": SEED_001_FEATURE_MAPS},
            params={},
            expected=_f32([[[3]], [[3]]])[None],
            note="Filter 1's map peaks at 3 (twice), filter 2's at 3 (bottom right).",
        ),
        WorkedExample(
            title="1-D, all negative",
            source="hand computation",
            inputs={"x": _f32([[[-3, -1, -2]]])},
            params={},
            expected=_f32([[[-1]]]),
            note="No padding is involved: the maximum of -3 -1 -2 is -1.",
        ),
    )


GLOBAL_MAX_POOL_EXAMPLES = LazyExamples(_global_max_pool_examples)


def _global_avg_pool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 000's 4x4 map",
            source="hand computation on seed 000's map",
            inputs={"x": SEED_000_MAP},
            params={},
            expected=_f32([[3.3125]])[None, None],
            note=(
                "Row sums 12, 22, 10, 9: 53/16 = 3.3125, also the mean of the seed's 2x2 averages "
                "(2.5 + 6 + 1.75 + 3)/4."
            ),
        ),
        WorkedExample(
            title="Seed 001's 4x4 map",
            source="hand computation on seed 001's map",
            inputs={"x": SEED_001_MAP},
            params={},
            expected=_f32([[5.3125]])[None, None],
            note="Row sums 17, 29, 18, 21: 85/16 = 5.3125 = (4.5 + 7 + 4.75 + 5)/4.",
        ),
        WorkedExample(
            title="3-D input",
            source="hand computation",
            inputs={"x": np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 2, 2)},
            params={},
            expected=_f32([[[[4.5]]]])[None],
            note="(1 + 2 + ... + 8)/8 = 36/8 = 4.5; output shape (1, 1, 1, 1, 1).",
        ),
    )


GLOBAL_AVG_POOL_EXAMPLES = LazyExamples(_global_avg_pool_examples)
