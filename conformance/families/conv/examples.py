"""Literal worked examples of the convolution family, from the seeds and from hand computation.

Every expected value here was worked out by hand (or read off a seed and checked
by hand); none is computed by convspec. Where a seed prints a wrong value the
example carries the right one and its ``note`` quotes what the seed printed.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import LazyExamples, WorkedExample
from convspec.spec.symbolic import resolve, symbols


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


# Seed 001 ("2D convolution operation"): the 6x6 image and its two 3x3 filters.
SEED_IMAGE = _f32([
    [1, 0, 0, 0, 0, 1],
    [0, 1, 0, 0, 1, 0],
    [0, 0, 1, 1, 0, 0],
    [1, 0, 0, 0, 1, 0],
    [0, 1, 0, 0, 1, 0],
    [0, 0, 1, 0, 1, 0],
])[None, None]
SEED_FILTER_1 = _f32([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]])[None, None]
SEED_FILTER_2 = _f32([[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]])[None, None]

# Seed 002 (sharpen kernel on a zero-padded image, first output 320).
SHARPEN_IMAGE = _f32([
    [0, 0, 0, 0, 0, 0],
    [0, 105, 102, 100, 97, 96],
    [0, 103, 99, 103, 101, 102],
    [0, 101, 98, 104, 102, 100],
    [0, 99, 101, 106, 104, 99],
    [0, 104, 104, 104, 100, 98],
])[None, None]
SHARPEN_KERNEL = _f32([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])[None, None]

# Seed 001 ("1-D convolution"): a noisy position track and a 6-tap weighting.
TRACK = np.array([1.00, 1.10, 1.20, 1.40, 1.70, 1.80, 1.90, 2.10, 2.20, 2.40, 2.50])[None, None]
TRACK_WEIGHTS = np.array([0.01, 0.02, 0.03, 0.04, 0.4, 0.5])[None, None]

_a, _b, _c, _d, _e, _f, _g, _h, _i, _j, _k, _l, _m = symbols("a b c d e f g h i j k l m")


def _symbolic(rows) -> np.ndarray:
    array = np.empty((len(rows), len(rows[0])), dtype=object)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            array[r, c] = resolve(value)  # a spec symbol: the sympy symbol
    return array[None, None]


def _correlate_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 001: 6x6 image, filter 1, stride 1",
            source="seed 001, 'Convolution operation' (after sliding through the entire image)",
            inputs={"x": SEED_IMAGE, "weight": SEED_FILTER_1, "bias": None},
            params={"stride": 1, "padding": 0},
            expected=_f32([[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]])[None, None],
            note=(
                "The seed prints rows 2 and 3 as '-3 -1 0 -3' and '-3 -2 0 1'. By hand: the window at "
                "row 1, column 1 is [[1,0,0],[0,1,1],[0,0,0]], whose product with filter 1 is 1+1-1 = 1, "
                "not -1; the window at row 2, column 1 is [[0,1,1],[0,0,0],[1,0,0]], giving -1-1-1 = -3, not -2."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 001: 6x6 image, filter 1, stride 3",
            source="seed 001, 'Convolution operation, stride s = 3'",
            inputs={"x": SEED_IMAGE, "weight": SEED_FILTER_1, "bias": None},
            params={"stride": 3, "padding": 0},
            expected=_f32([[3, -1], [3, -1]])[None, None],
            note="Matches the seed. Output size floor((6 - 3) / 3) + 1 = 2.",
        ),
        WorkedExample(
            title="Seed 001: 6x6 image, filter 2, stride 1",
            source="seed 001, 'Convolution + max pooling' (second feature map)",
            inputs={"x": SEED_IMAGE, "weight": SEED_FILTER_2, "bias": None},
            params={"stride": 1, "padding": 0},
            expected=_f32([[-1, -1, -1, -1], [-1, -1, -2, 1], [-1, -1, -2, 1], [-1, 0, -4, 3]])[None, None],
            note=(
                "The seed prints row 1 as '-1 -1 -2 -1'. By hand: the window at row 1, column 3 is "
                "[[0,1,0],[1,0,0],[0,1,0]], whose middle column is 1,0,1: 1+0+1 minus the side "
                "columns 0+1+0 and 0+0+0 gives 1, not -1. (The seed's max-pooled map '-1 -1 / 0 3' "
                "inherits the error: the top-right block's maximum is 1.)"
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 001: 6x6 image, filter 2, stride 3",
            source="hand computation on seed 001's image",
            inputs={"x": SEED_IMAGE, "weight": SEED_FILTER_2, "bias": None},
            params={"stride": 3, "padding": 0},
            expected=_f32([[-1, -1], [-1, 3]])[None, None],
            note="Every third window of the stride-1 map above.",
        ),
        WorkedExample(
            title="Seed 001: both filters at once (two output channels)",
            source="seed 001, 'Feature maps'",
            inputs={"x": SEED_IMAGE, "weight": np.concatenate([SEED_FILTER_1, SEED_FILTER_2]), "bias": None},
            params={"stride": 3, "padding": 0},
            expected=_f32([[[3, -1], [3, -1]], [[-1, -1], [-1, 3]]])[None],
            note="Each filter gives one output channel.",
        ),
        WorkedExample(
            title="Seed 002: sharpen kernel, top-left output 320",
            source="seed 002, 'Convolution with horizontal and vertical strides = 1'",
            inputs={"x": SHARPEN_IMAGE, "weight": SHARPEN_KERNEL, "bias": None},
            params={"stride": 1, "padding": "valid"},
            expected=_f32([[320, 206, 198, 188], [210, 89, 111, 101], [205, 85, 111, 101], [189, 98, 117, 113]])[None, None],
            note=(
                "The seed gives only the first value, 0*0 + 0*(-1) + 0*0 + 0*(-1) + 105*5 + 102*(-1) + 0*0 "
                "+ 103*(-1) + 99*0 = 320; the rest were computed by hand the same way (e.g. the next one "
                "is 5*102 - 105 - 100 - 99 = 206). The kernel is symmetric, so correlation and "
                "convolution agree here."
            ),
        ),
        WorkedExample(
            title="Seed 004: 3x3 image and 2x2 filter, symbolically",
            source="seed 004, 'A 3x3 image convolved with a 2x2 filter'",
            inputs={
                "x": _symbolic([[_a, _b, _c], [_d, _e, _f], [_g, _h, _i]]),
                "weight": _symbolic([[_j, _k], [_l, _m]]),
                "bias": None,
            },
            params={"stride": 1, "padding": 0},
            expected=_symbolic([
                [_a * _j + _b * _k + _d * _l + _e * _m, _b * _j + _c * _k + _e * _l + _f * _m],
                [_d * _j + _e * _k + _g * _l + _h * _m, _e * _j + _f * _k + _h * _l + _i * _m],
            ]),
            note=(
                "The seed calls this a convolution C = I * K with C(j, k) = sum I(j + l, k + m) K(l, m); "
                "that formula, and the table it prints, is a cross-correlation (no kernel flip)."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Per-side padding, stride and bias in 1-D",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3, 4, 5]]]), "weight": _f32([[[1, 0, -1]]]), "bias": _f32([10])},
            params={"stride": 2, "padding": ((1, 2),)},
            expected=_f32([[[8, 8, 14]]]),
            note=(
                "Padded input 0 1 2 3 4 5 0 0 (one zero before, two after). Windows of span 3 start at "
                "0, 2 and 4; a window at 6 would need position 8, past the end. With kernel 1 0 -1: "
                "0 - 2, 2 - 4 and 4 - 0, plus the bias 10: 8, 8, 14."
            ),
        ),
        WorkedExample(
            title="'same' with an even kernel: the extra zero goes high",
            source="hand computation (TensorFlow/JAX SAME, ONNX SAME_UPPER)",
            inputs={"x": _f32([[[1, 2, 3, 4]]]), "weight": _f32([[[1, 1]]]), "bias": None},
            params={"padding": "same"},
            expected=_f32([[[3, 5, 7, 4]]]),
            note="Total padding (4 - 1) * 1 + 2 - 4 = 1 goes after: 1 2 3 4 0.",
        ),
        WorkedExample(
            title="'same_lower' with an even kernel: the extra zero goes low",
            source="hand computation (ONNX SAME_LOWER)",
            inputs={"x": _f32([[[1, 2, 3, 4]]]), "weight": _f32([[[1, 1]]]), "bias": None},
            params={"padding": "same_lower"},
            expected=_f32([[[1, 3, 5, 7]]]),
            note="The one zero goes before: 0 1 2 3 4.",
        ),
        WorkedExample(
            title="'same' with stride 2 (PyTorch refuses this; TensorFlow computes it)",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3, 4, 5]]]), "weight": _f32([[[1, 1, 1, 1]]]), "bias": None},
            params={"stride": 2, "padding": "same"},
            expected=_f32([[[6, 14, 9]]]),
            note=(
                "Output length ceil(5 / 2) = 3; total padding (3 - 1) * 2 + 4 - 5 = 3, split 1 before "
                "and 2 after: 0 1 2 3 4 5 0 0; windows at 0, 2, 4 sum to 6, 14 and 9."
            ),
        ),
        WorkedExample(
            title="'same_lower' with stride 2",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3, 4, 5]]]), "weight": _f32([[[1, 1, 1, 1]]]), "bias": None},
            params={"stride": 2, "padding": "same_lower"},
            expected=_f32([[[3, 10, 12]]]),
            note="The same 3 zeros, 2 before and 1 after: 0 0 1 2 3 4 5 0; windows sum to 3, 10, 12.",
        ),
        WorkedExample(
            title="'full' padding with stride 2",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3]]]), "weight": _f32([[[1, 1]]]), "bias": None},
            params={"stride": 2, "padding": "full"},
            expected=_f32([[[1, 5]]]),
            note="One zero on each side: 0 1 2 3 0; windows start at 0 and 2 (4 would overrun): 1 and 5.",
        ),
        WorkedExample(
            title="Dilation 2 in 1-D",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3, 4, 5, 6]]]), "weight": _f32([[[1, 10, 100]]]), "bias": None},
            params={"dilation": 2},
            expected=_f32([[[531, 642]]]),
            note="Taps read every second input: 1*1 + 3*10 + 5*100 = 531 and 2*1 + 4*10 + 6*100 = 642.",
        ),
        WorkedExample(
            title="Two groups: each output channel sees only its group",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3], [10, 20, 30]]]), "weight": _f32([[[1, 1]], [[1, -1]]]), "bias": None},
            params={"groups": 2},
            expected=_f32([[[3, 5], [-10, -10]]]),
            note="Channel 0 with 1 1: 3, 5. Channel 1 with 1 -1: 10 - 20, 20 - 30.",
        ),
        WorkedExample(
            title="Autocorrelation of a 2x2 image, full padding",
            source="hand computation (seed 002 names autocorrelation)",
            inputs={"x": _f32([[[[0, 1], [2, 3]]]]), "weight": _f32([[[[0, 1], [2, 3]]]]), "bias": None},
            params={"padding": "full"},
            expected=_f32([[[[0, 3, 2], [6, 14, 6], [2, 3, 0]]]]),
            note="The centre is 0*0 + 1*1 + 2*2 + 3*3 = 14; an autocorrelation is symmetric under a 180-degree turn.",
        ),
    )


CORRELATE_EXAMPLES = LazyExamples(_correlate_examples)


def _convolve_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 001: 1-D convolution of a position track",
            source="seed 001, '1-D convolution', s_t = sum_a x_(t-a) w_a",
            inputs={"x": TRACK, "weight": TRACK_WEIGHTS, "bias": None},
            params={"padding": "valid"},
            expected=np.array([1.082, 1.192, 1.341, 1.573, 1.777, 1.883])[None, None],
            note=(
                "The seed prints 1.80, 1.96, 2.11 for the first three outputs, which do not follow from its "
                "own x, w and formula: s_5 = x5 w0 + x4 w1 + x3 w2 + x2 w3 + x1 w4 + x0 w5 = "
                "1.8*0.01 + 1.7*0.02 + 1.4*0.03 + 1.2*0.04 + 1.1*0.4 + 1.0*0.5 = 1.082. (Where the seed's "
                "numbers come from is unclear: the 7-tap weighting 0.01, 0.01, 0.02, 0.02, 0.04, 0.4, 0.5 "
                "gives 1.811, 1.967, 2.112, which explains 1.96 and 2.11 but not 1.80; see "
                "convspec.spec.identities.seed_001_track_example_claim.)"
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Full convolution in 1-D (numpy.convolve 'full')",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3]]]), "weight": _f32([[[1, 10]]]), "bias": None},
            params={"padding": "full"},
            expected=_f32([[[1, 12, 23, 30]]]),
            note="The flipped kernel 10 1 slides over 0 1 2 3 0: 1, 2 + 10, 3 + 20, 30.",
        ),
        WorkedExample(
            title="Seed 000: a 2x2 input and 2x2 kernel, full convolution",
            source="seed 000, 'Transpose Convolution: 2D Example, Stride 1'",
            inputs={"x": _f32([[[[0, 1], [2, 3]]]]), "weight": _f32([[[[0, 1], [2, 3]]]]), "bias": None},
            params={"padding": "full"},
            expected=_f32([[[[0, 0, 1], [0, 4, 6], [4, 12, 9]]]]),
            note=(
                "Seed 000 obtains this table as a stride-1 transposed convolution (a weighted copy of the "
                "kernel per input element, summed); a full convolution computes the same numbers."
            ),
        ),
        WorkedExample(
            title="Convolution flips the kernel: seed 001's loop direction",
            source="hand computation",
            inputs={"x": _f32([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]), "weight": _f32([[[[1, 2], [3, 4]]]]), "bias": None},
            params={},
            expected=_f32([[[[23, 33], [53, 63]]]]),
            note=(
                "The kernel turned by 180 degrees, 4 3 / 2 1, meets the top-left window 1 2 / 4 5: "
                "4 + 6 + 8 + 5 = 23 (a correlation would give 1 + 4 + 12 + 20 = 37)."
            ),
        ),
    )


CONVOLVE_EXAMPLES = LazyExamples(_convolve_examples)


def _depthwise_separable_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Two channels, one output channel, bias",
            source="hand computation",
            inputs={
                "x": _f32([[[1, 2, 3], [4, 5, 6]]]),
                "depthwise_weight": _f32([[[1, 1]], [[1, -1]]]),
                "pointwise_weight": _f32([[[2], [3]]]),
                "bias": _f32([1]),
            },
            params={},
            expected=_f32([[[4, 8]]]),
            note=(
                "Depthwise: channel 0 with 1 1 gives 3, 5; channel 1 with 1 -1 gives -1, -1. "
                "Pointwise 2 * (3, 5) + 3 * (-1, -1) = 3, 7; plus bias 1: 4, 8."
            ),
        ),
        WorkedExample(
            title="Channel multiplier 2",
            source="hand computation",
            inputs={
                "x": _f32([[[1, 2, 3]]]),
                "depthwise_weight": _f32([[[1, 0]], [[0, 1]]]),
                "pointwise_weight": _f32([[[1], [10]]]),
                "bias": None,
            },
            params={"padding": "same"},
            expected=_f32([[[21, 32, 3]]]),
            note=(
                "'same' pads one zero after: 1 2 3 0. Filter 1 0 picks 1, 2, 3; filter 0 1 picks 2, 3, 0. "
                "Pointwise 1 * (1, 2, 3) + 10 * (2, 3, 0) = 21, 32, 3."
            ),
        ),
    )


DEPTHWISE_SEPARABLE_EXAMPLES = LazyExamples(_depthwise_separable_examples)
