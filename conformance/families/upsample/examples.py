"""Literal worked examples of ``upsample``, computed by hand.

Every expected value here was worked out by hand from the coordinate mappings of
:mod:`convspec.spec.upsample` (the working is in each note); none is computed by
convspec. The seeds carry no numeric upsampling example: seed 000 names the
operation ("bilinear or nearest-neighbor interpolation (without learning any new
parameters)") and seed 004 describes integer-factor nearest upsampling ("copy over
each input value into all the corresponding output units").
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from convspec.conformance.case import LazyExamples, WorkedExample
from convspec.spec.symbolic import resolve, symbols


def _f32(values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def _signal(values, dtype=np.float32) -> np.ndarray:
    """A 1-D signal as a (1, 1, n) array."""
    return np.array(values, dtype=dtype)[None, None]


def _image(rows, dtype=np.float32) -> np.ndarray:
    """A 2-D image as a (1, 1, h, w) array."""
    return np.array(rows, dtype=dtype)[None, None]


def _exact(values) -> np.ndarray:
    """An object array of exact values (Fractions or sympy expressions) as (1, 1, n)."""
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        array[i] = resolve(value)  # a spec symbol: the sympy symbol
    return array[None, None]


_a, _b, _c = symbols("a b c")

# x[a, b, c] = 4a + 2b + c on a 2x2x2 cube: trilinear interpolation reproduces linear functions exactly
_CUBE = np.array([[[4 * i + 2 * j + k for k in range(2)] for j in range(2)] for i in range(2)], dtype=np.float32)
_CUBE_OUT = np.array(
    [[[2 * i + j + k / 2 for k in range(3)] for j in range(3)] for i in range(3)], dtype=np.float32
)

def _upsample_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Nearest, 1-D, doubled",
            source="hand computation (issue 3)",
            inputs={"x": _signal([1, 2, 3])},
            params={"scale_factor": 2, "mode": "nearest"},
            expected=_signal([1, 1, 2, 2, 3, 3]),
            note="o = floor(3 * 2) = 6, r = 1/2, src = floor(t / 2) = 0, 0, 1, 1, 2, 2.",
        ),
        WorkedExample(
            title="Linear, 1-D, doubled, half-pixel (align_corners=False)",
            source="hand computation (issue 3)",
            inputs={"x": _signal([1, 2, 3])},
            params={"scale_factor": 2, "mode": "linear", "align_corners": False},
            expected=_signal([1, 1.25, 1.75, 2.25, 2.75, 3]),
            note=(
                "s = (t + 1/2) / 2 - 1/2 = -1/4 (clamped to 0), 1/4, 3/4, 5/4, 7/4, 9/4. "
                "s = 1/4: 3/4 * 1 + 1/4 * 2 = 1.25; s = 9/4: i0 = 2, i1 = min(3, 2) = 2, the border 3 repeats."
            ),
        ),
        WorkedExample(
            title="Linear, 1-D, 3 -> 5 with align_corners=True",
            source="hand computation (issue 3)",
            inputs={"x": _signal([1, 2, 3])},
            params={"size": 5, "mode": "linear", "align_corners": True},
            expected=_signal([1, 1.5, 2, 2.5, 3]),
            note="s = t (3 - 1) / (5 - 1) = t / 2: the ends meet the ends, the odd outputs are midpoints.",
        ),
        WorkedExample(
            title="Nearest, 1-D, downsampled 5 -> 3 (left edges)",
            source="hand computation (issue 3)",
            inputs={"x": _signal([10, 20, 30, 40, 50])},
            params={"size": 3, "mode": "nearest"},
            expected=_signal([10, 20, 40]),
            note="r = 5/3; left edges t r = 0, 5/3, 10/3 lie in cells 0, 1, 3. Compare nearest_exact: 10, 30, 50.",
        ),
        WorkedExample(
            title="Nearest-exact, 1-D, downsampled 5 -> 3 (centres)",
            source="hand computation (issue 3)",
            inputs={"x": _signal([10, 20, 30, 40, 50])},
            params={"size": 3, "mode": "nearest_exact"},
            expected=_signal([10, 30, 50]),
            note="r = 5/3; centres (t + 1/2) r = 5/6, 5/2, 25/6 lie in cells 0, 2, 4. Compare nearest: 10, 20, 40.",
        ),
        WorkedExample(
            title="Nearest and nearest-exact, 1-D, halved by scale_factor=0.5",
            source="hand computation",
            inputs={"x": _signal([1, 2, 3, 4, 5])},
            params={"scale_factor": 0.5, "mode": "nearest_exact"},
            expected=_signal([2, 4]),
            note="o = floor(5 * 1/2) = 2, r = 2; centres 1, 3 -> cells 1, 3. ('nearest' reads the edges 0, 2: [1, 3].)",
        ),
        WorkedExample(
            title="Nearest, 2-D, doubled (seed 004's average unpooling)",
            source="seed 004, 'Unpooling operation for average pooling'; hand computation",
            inputs={"x": _image([[1, 2], [3, 4]])},
            params={"scale_factor": 2, "mode": "nearest"},
            expected=_image([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]),
            note="Each value copied into its 2x2 block: 'copy over each input value into all the corresponding output units'.",
        ),
        WorkedExample(
            title="Bilinear, 2x2 -> 4x4, half-pixel",
            source="hand computation (issue 3)",
            inputs={"x": _image([[1, 2], [3, 4]])},
            params={"scale_factor": 2, "mode": "bilinear", "align_corners": False},
            expected=_image([
                [1.0, 1.25, 1.75, 2.0],
                [1.5, 1.75, 2.25, 2.5],
                [2.5, 2.75, 3.25, 3.5],
                [3.0, 3.25, 3.75, 4.0],
            ]),
            note=(
                "Per axis s = 0, 1/4, 3/4, 5/4 (the last past sample 1: the border repeats), so a pair [p, q] "
                "becomes [p, (3p + q)/4, (p + 3q)/4, q]. Rows: [1, 1.25, 1.75, 2] and [3, 3.25, 3.75, 4]; "
                "row 1 = 3/4 row 0 + 1/4 row 3, row 2 = 1/4 row 0 + 3/4 row 3."
            ),
        ),
        WorkedExample(
            title="Bilinear, 2x2 -> 3x3, align_corners=True",
            source="hand computation",
            inputs={"x": _image([[1, 2], [3, 4]])},
            params={"size": 3, "mode": "bilinear", "align_corners": True},
            expected=_image([[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]),
            note="s = t / 2 per axis; the centre is the mean of the four corners, 2.5.",
        ),
        WorkedExample(
            title="Trilinear, 2x2x2 -> 3x3x3, align_corners=True, of a linear function",
            source="hand computation",
            inputs={"x": _CUBE[None, None]},
            params={"size": 3, "mode": "trilinear", "align_corners": True},
            expected=_CUBE_OUT[None, None],
            note=(
                "x[i, j, k] = 4i + 2j + k. Trilinear interpolation reproduces a linear function, so the output "
                "at coordinates (i/2, j/2, k/2) is 4(i/2) + 2(j/2) + k/2 = 2i + j + k/2; the centre is 3.5, "
                "the mean of 0..7."
            ),
        ),
        WorkedExample(
            title="Linear, scale_factor=1.5 steps by 1/1.5, not n/o",
            source="hand computation; torch.nn.functional.interpolate with recompute_scale_factor unset",
            inputs={"x": _signal([0, 1, 4, 9, 16], np.float64)},
            params={"scale_factor": 1.5, "mode": "linear"},
            expected=_signal([0, 0.5, 1.5, 3.5, 6.5, 61 / 6, 89 / 6], np.float64),
            note=(
                "o = floor(5 * 1.5) = 7 and r = 2/3, so s = (t + 1/2) 2/3 - 1/2 = (4t - 1)/6: "
                "0 (from -1/6), 1/2, 7/6, 11/6, 5/2, 19/6, 23/6. E.g. s = 19/6: 9 + (16 - 9)/6 = 61/6. "
                "With size=7 instead the step is 5/7 and t = 1 reads s = 4/7, giving 4/7 = 0.571..."
            ),
        ),
        WorkedExample(
            title="Linear, scale_factor=1.5, exact (Fractions)",
            source="hand computation",
            inputs={"x": _exact([Fraction(v) for v in (0, 1, 4, 9, 16)])},
            params={"scale_factor": 1.5, "mode": "linear"},
            expected=_exact([Fraction(0), Fraction(1, 2), Fraction(3, 2), Fraction(7, 2), Fraction(13, 2),
                             Fraction(61, 6), Fraction(89, 6)]),
            note="The previous example in exact arithmetic (reference only).",
        ),
        WorkedExample(
            title="Linear, downsampled 4 -> 2, no antialiasing",
            source="hand computation",
            inputs={"x": _signal([1, 3, 5, 11])},
            params={"size": 2, "mode": "linear"},
            expected=_signal([2, 8]),
            note=(
                "r = 2, s = (t + 1/2) 2 - 1/2 = 1/2, 5/2: the means of samples 0, 1 and 2, 3. Samples are "
                "not low-pass filtered first (torch's default antialias=False)."
            ),
        ),
        WorkedExample(
            title="Linear, output of length 1, half-pixel",
            source="hand computation; torch 2.13 gives the same",
            inputs={"x": _signal([1, 2, 3, 4])},
            params={"size": 1, "mode": "linear"},
            expected=_signal([2.5]),
            note=(
                "r = 4, s = (0 + 1/2) 4 - 1/2 = 3/2: the mean of samples 1 and 2. ONNX Resize's "
                "'pytorch_half_pixel' maps a length-1 output to s = 0 instead (giving 1)."
            ),
        ),
        WorkedExample(
            title="Nearest, 2 -> 82: an exact boundary torch's float32 misses",
            source="hand computation; torch 2.13 reads x[0] at t = 41",
            inputs={"x": _signal([7, 9])},
            params={"size": 82, "mode": "nearest"},
            expected=_signal([7] * 41 + [9] * 41),
            note=(
                "src = floor(t * 2/82) = floor(t / 41): 0 for t < 41, 1 from t = 41 on. torch computes "
                "41 * fl32(2/82) = 0.99999994 and reads x[0] at t = 41."
            ),
            tags=("torch-differs",),
        ),
        WorkedExample(
            title="Nearest-exact, 4 -> 41: an exact boundary torch's float32 misses",
            source="hand computation; torch 2.13 reads x[1] at t = 20",
            inputs={"x": _signal([1, 2, 3, 4])},
            params={"size": 41, "mode": "nearest_exact"},
            expected=_signal([1] * 10 + [2] * 10 + [3] * 11 + [4] * 10),
            note=(
                "src = floor((t + 1/2) 4/41) = floor((4t + 2)/41): 0 for t <= 9 (4t + 2 <= 38), 1 for "
                "10 <= t <= 19, 2 for 20 <= t <= 30 (t = 20 gives exactly 82/41 = 2), 3 for t >= 31."
            ),
            tags=("torch-differs",),
        ),
        WorkedExample(
            title="Nearest, scale_factor=1.1 read as 11/10",
            source="hand computation",
            inputs={"x": _signal([0, 10, 20, 30, 40, 50, 60, 70, 80, 90])},
            params={"scale_factor": 1.1, "mode": "nearest"},
            expected=_signal([0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90]),
            note="o = floor(10 * 11/10) = 11, r = 10/11, src = floor(10t / 11) = 0, 0, 1, 2, ..., 9.",
        ),
        WorkedExample(
            title="Bicubic (a = -0.75), a step doubled, half-pixel: taps clamped at both ends",
            source="hand computation; torch 2.13 F.interpolate(mode='bicubic') gives the same",
            inputs={"x": _image([[0, 0, 0, 256]])},
            params={"size": (1, 8), "mode": "bicubic", "align_corners": False},
            expected=_image([[0, 0, 0, -9, -27, 58, 198, 283]]),
            note=(
                "Keys' W(d) = 5/4|d|^3 - 9/4|d|^2 + 1 (|d| <= 1), -3/4(|d|^3 - 5|d|^2 + 8|d| - 4) (1 < |d| < 2): "
                "W(1/4) = 225/256, W(3/4) = 67/256, W(5/4) = -27/256, W(7/4) = -9/256. Height 1 -> 1: s = 0, "
                "weight W(0) = 1. Width r = 1/2: s = t/2 - 1/4 (not clamped at 0), taps floor(s) - 1 .. floor(s) + 2 "
                "clamped to 0..3; only x[3] = 256 is non-zero. t = 0..2 (s = -1/4, 1/4, 3/4) reach no further than "
                "index 2: 0. t = 3 (s = 5/4): x[3] at d = -7/4: -9. t = 4 (s = 7/4): d = -5/4: -27. t = 5 (s = 9/4): "
                "taps 1, 2, 3, 4->3: 256 (67 - 9)/256 = 58. t = 6 (s = 11/4): 225 - 27 = 198. t = 7 (s = 13/4): "
                "taps 2, 3, 4->3, 5->3: 225 + 67 - 9 = 283 (the clamped taps add up; an overshoot past 256)."
            ),
        ),
        WorkedExample(
            title="Bicubic with a = -0.5 (jax/TF cubic, Catmull-Rom), align_corners=True",
            source="hand computation",
            inputs={"x": _image([[0, 16, 0, 0]])},
            params={"size": (1, 7), "mode": "bicubic", "align_corners": True, "cubic_coefficient": -0.5},
            expected=_image([[0, 9, 16, 9, 0, -1, 0]]),
            note=(
                "a = -1/2: W(1/2) = 3/2 * 1/8 - 5/2 * 1/4 + 1 = 9/16, W(3/2) = a/8 = -1/16, W(0) = 1, W(1) = W(2) = 0. "
                "s = t (4 - 1)/(7 - 1) = t/2. Integer s read their sample (0, 16, 0, 0). s = 1/2: taps -1->0, 0, 1, 2 "
                "with -1/16, 9/16, 9/16, -1/16: 16 * 9/16 = 9. s = 3/2: taps 0..3: 9 again. s = 5/2: taps 1, 2, 3, "
                "4->3: 16 * (-1/16) = -1 (the ringing of a cubic)."
            ),
        ),
        WorkedExample(
            title="Linear, doubled, symbolic",
            source="hand computation",
            inputs={"x": _exact([_a, _b, _c])},
            params={"scale_factor": 2, "mode": "linear"},
            expected=_exact([_a, (3 * _a + _b) / 4, (_a + 3 * _b) / 4, (3 * _b + _c) / 4, (_b + 3 * _c) / 4, _c]),
            note="The weights 3/4, 1/4 of the doubled half-pixel grid, on symbols (reference only).",
        ),
    )


UPSAMPLE_EXAMPLES = LazyExamples(_upsample_examples)
