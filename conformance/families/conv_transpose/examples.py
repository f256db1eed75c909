"""Literal worked examples of the transposed convolution, from the seeds and from hand computation.

Every expected value was worked out by hand as the seed draws it (a weighted copy of the
kernel per input element, summed where copies overlap), or read off a seed and checked by
hand; none is computed by convspec. Where a seed says something else the note quotes it.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import LazyExamples, WorkedExample
from convspec.spec.symbolic import resolve, symbols


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def _symbolic(values) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    for position, value in enumerate(values):
        array[position] = resolve(value)  # a spec symbol: the sympy symbol
    return array[None, None]


# seed 000's 1-D example: input [a, b], filter [x, y, z]
_a, _b, _x, _y, _z = symbols("a b x y z")

# seed 000's 2-D example: input and kernel both [[0, 1], [2, 3]]
SEED_2D = _f32([[0, 1], [2, 3]])[None, None]

X3 = _f32([[[1, 2, 3]]])
W3 = _f32([[[1, 10, 100]]])  # taps 1, 10, 100: each output digit says which input and tap it came from

def _conv_transpose_examples() -> tuple[WorkedExample, ...]:
    seed_input_1d, seed_filter_1d = _symbolic([_a, _b]), _symbolic([_x, _y, _z])
    return (
        WorkedExample(
            title="Seed 000: 1-D, input [a, b], filter [x, y, z], stride 1",
            source="seed 000, 'Transpose Convolution: 1D Example' (its title arithmetic)",
            inputs={"x": seed_input_1d, "weight": seed_filter_1d, "bias": None},
            params={"stride": 1},
            expected=_symbolic([_a * _x, _a * _y + _b * _x, _a * _z + _b * _y, _b * _z]),
            note=(
                "Copies a*[x, y, z] at 0 and b*[x, y, z] at 1 overlap in two cells: length (2 - 1) * 1 + 3 = 4. "
                "The slide's heading arithmetic '4 - 3 + 1 = 2' is this stride-1 case (a stride-1 convolution "
                "maps 4 inputs to 2 with a 3-tap filter), but the output the slide prints, 'ax, ay, az + bx, "
                "by, bz', is the stride-2 result (next example), 5 long."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 000: 1-D, input [a, b], filter [x, y, z], stride 2",
            source="seed 000, 'Transpose Convolution: 1D Example' (its printed output)",
            inputs={"x": seed_input_1d, "weight": seed_filter_1d, "bias": None},
            params={"stride": 2},
            expected=_symbolic([_a * _x, _a * _y, _a * _z + _b * _x, _b * _y, _b * _z]),
            note=(
                "Matches the seed's 'ax, ay, az + bx, by, bz': b's copy starts 2 cells after a's, so only "
                "one cell overlaps; length (2 - 1) * 2 + 3 = 5. The slide's size relation '(n - f + 1) / S = 2' "
                "with 'n = 5, S = 2' does not hold ((5 - 3 + 1) / 2 = 1.5); the convolution's is "
                "floor((n - f) / S) + 1 = 2, true for n = 5 and for n = 6 (output_padding=1 gives 6)."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 000: 2-D, input [[0, 1], [2, 3]], kernel [[0, 1], [2, 3]], stride 1",
            source="seed 000, 'Transpose Convolution: 2D Example, Stride 1'",
            inputs={"x": SEED_2D, "weight": SEED_2D, "bias": None},
            params={"stride": 1},
            expected=_f32([[0, 0, 1], [0, 4, 6], [4, 12, 9]])[None, None],
            note=(
                "The seed's four copies 0K, 1K, 2K, 3K at offsets (0, 0), (0, 1), (1, 0), (1, 1): the centre is "
                "0*3 + 1*2 + 2*1 + 3*0 = 4. (The seed's first slide, '0 0 1 / 0 0+2 +3', is the sum after the "
                "first two copies; its final table agrees with this one.)"
            ),
        ),
        WorkedExample(
            title="Seed 000: 2-D, the same input and kernel, stride 2",
            source="seed 000, 'Transpose Convolution: 2D Example, Stride 2'",
            inputs={"x": SEED_2D, "weight": SEED_2D, "bias": None},
            params={"stride": 2},
            expected=_f32([[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]])[None, None],
            note=(
                "The copies land at (0, 0), (0, 2), (2, 0), (2, 2) and do not overlap. The seed's Keras line is "
                "captioned 'a transposed convolutional layer with 1 filters' but writes Conv2DTranspose(2, (2, 2), "
                "strides=(2, 2), padding='valid'): 2 filters, i.e. 2 output channels (next example); the picture "
                "is Conv2DTranspose(1, ...). With k = s = 2, Keras 'valid' gives n * s + max(k - s, 0) = 4, as here."
            ),
            tags=("seed-erratum",),
        ),
        WorkedExample(
            title="Seed 000's Keras layer as written: two filters, stride 2",
            source="seed 000, Conv2DTranspose(2, (2, 2), strides=(2, 2), padding='valid'); hand computation",
            inputs={"x": SEED_2D, "weight": _f32([[[[0, 1], [2, 3]], [[1, 0], [0, 1]]]]), "bias": None},
            params={"stride": 2},
            expected=_f32([
                [[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]],
                [[0, 0, 1, 0], [0, 0, 0, 1], [2, 0, 3, 0], [0, 2, 0, 3]],
            ])[None],
            note=(
                "weight is (C_in, C_out, kh, kw) = (1, 2, 2, 2): filter 0 is the seed's kernel, filter 1 the "
                "identity [[1, 0], [0, 1]], which places each input on the diagonal of its 2x2 block."
            ),
        ),
        WorkedExample(
            title="Padding 1 crops one cell from each end (stride 2)",
            source="hand computation (torch ConvTranspose1d(padding=1))",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": 1},
            expected=_f32([[[10, 102, 20, 203, 30]]]),
            note=(
                "Copies 1*[1, 10, 100] at 0, 2*[...] at 2, 3*[...] at 4 fill the buffer 1 10 102 20 203 30 300 "
                "((3 - 1) * 2 + 3 = 7 cells); padding 1 crops the first and the last: 7 - 2 = 5."
            ),
        ),
        WorkedExample(
            title="Output padding adds a cell at the high end before cropping",
            source="hand computation (torch ConvTranspose1d(padding=1, output_padding=1))",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": 1, "output_padding": 1},
            expected=_f32([[[10, 102, 20, 203, 30, 300]]]),
            note=(
                "Buffer 1 10 102 20 203 30 300 plus one cell 0 at the end; cropping one cell per side now keeps "
                "300: length (3 - 1) * 2 - 2 + 3 + 1 = 6, the length of the 6-long input a stride-2, padding-1 "
                "convolution maps to 3 (as does a 5-long one)."
            ),
        ),
        WorkedExample(
            title="Per-side padding ((0, 2),): crop two cells at the end only",
            source="hand computation (torch: ConvTranspose1d then slicing)",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": ((0, 2),)},
            expected=_f32([[[1, 10, 102, 20, 203]]]),
            note="Buffer 1 10 102 20 203 30 300 without its last two cells.",
        ),
        WorkedExample(
            title="'same', stride 2, kernel 3: output n * s, the odd surplus cell cropped high",
            source="hand computation (TensorFlow Conv1DTranspose(padding='same'), ONNX SAME_UPPER)",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": "same"},
            expected=_f32([[[1, 10, 102, 20, 203, 30]]]),
            note=(
                "Output 3 * 2 = 6 of the 7 buffer cells; the one surplus cell goes at the end, where the 'same' "
                "convolution of a 6-long input puts its one padding zero ((3 - 1) * 2 + 3 - 6 = 1, all high)."
            ),
        ),
        WorkedExample(
            title="'same_lower', stride 2, kernel 3: the surplus cell cropped low",
            source="hand computation (ONNX SAME_LOWER)",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": "same_lower"},
            expected=_f32([[[10, 102, 20, 203, 30, 300]]]),
            note="The same 6 cells with the first buffer cell cropped instead of the last.",
        ),
        WorkedExample(
            title="'same' with a kernel shorter than the stride: a zero cell appended high",
            source="hand computation (TensorFlow Conv1DTranspose(1, 1, strides=2, padding='same'))",
            inputs={"x": X3, "weight": _f32([[[5]]]), "bias": None},
            params={"stride": 2, "padding": "same"},
            expected=_f32([[[5, 0, 10, 0, 15, 0]]]),
            note=(
                "The buffer 5 0 10 0 15 has (3 - 1) * 2 + 1 = 5 cells, one short of 3 * 2 = 6: a zero cell "
                "goes at the end, where the 'same' convolution of a 6-long input never reads."
            ),
        ),
        WorkedExample(
            title="'full' crops span - 1 cells per side",
            source="hand computation (the adjoint of a 'full' convolution)",
            inputs={"x": X3, "weight": W3, "bias": None},
            params={"stride": 2, "padding": "full"},
            expected=_f32([[[102, 20, 203]]]),
            note="Buffer 1 10 102 20 203 30 300 minus 2 cells per side: 7 - 4 = 3.",
        ),
        WorkedExample(
            title="Dilation 2: taps land two cells apart",
            source="hand computation",
            inputs={"x": _f32([[[1, 2]]]), "weight": W3, "bias": None},
            params={"dilation": 2},
            expected=_f32([[[1, 2, 10, 20, 100, 200]]]),
            note="1*[1, 10, 100] at 0, 2, 4 and 2*[1, 10, 100] at 1, 3, 5: length (2 - 1) + 2 * 2 + 1 = 6.",
        ),
        WorkedExample(
            title="Dilation 2 allows output_padding 1 at stride 1 (the rule is < max(stride, dilation))",
            source="hand computation (torch's output_padding rule)",
            inputs={"x": _f32([[[1, 2]]]), "weight": W3, "bias": None},
            params={"dilation": 2, "output_padding": 1},
            expected=_f32([[[1, 2, 10, 20, 100, 200, 0]]]),
            note="The previous buffer plus one zero cell at the end.",
        ),
        WorkedExample(
            title="Bias reaches the output_padding cells too",
            source="hand computation (torch adds the bias to every output cell)",
            inputs={"x": _f32([[[1, 2]]]), "weight": _f32([[[1, 1]]]), "bias": _f32([5])},
            params={"stride": 2, "output_padding": 1},
            expected=_f32([[[6, 6, 7, 7, 5]]]),
            note="Buffer 1 1 2 2, the appended cell 0, plus 5 everywhere.",
        ),
        WorkedExample(
            title="Channels: weight is (C_in, C_out), and the bias",
            source="hand computation",
            inputs={"x": _f32([[[1, 2], [3, 4]]]), "weight": _f32([[[1], [2]], [[3], [4]]]), "bias": _f32([1, -1])},
            params={},
            expected=_f32([[[11, 15], [13, 19]]]),
            note=(
                "weight[ci, co]: output 0 = 1 * [1, 2] + 3 * [3, 4] = [10, 14], output 1 = 2 * [1, 2] + 4 * [3, 4] "
                "= [14, 20]; plus the bias 1, -1. Reading the weight as (C_out, C_in), the convolution layout, "
                "would give [[8, 11], [14, 21]]."
            ),
        ),
        WorkedExample(
            title="Two groups: each output channel sees only its group",
            source="hand computation",
            inputs={"x": _f32([[[1, 2], [10, 20]]]), "weight": _f32([[[1, 1]], [[1, -1]]]), "bias": None},
            params={"groups": 2},
            expected=_f32([[[1, 3, 2], [10, 10, -20]]]),
            note="Channel 0: 1*[1, 1] at 0 plus 2*[1, 1] at 1. Channel 1: 10*[1, -1] at 0 plus 20*[1, -1] at 1.",
        ),
        WorkedExample(
            title="2-D, stride (2, 1), per-side padding ((0, 1), (1, 0))",
            source="hand computation",
            inputs={"x": _f32([[[[1, 2], [3, 4]]]]), "weight": _f32([[[[1, 1], [1, 1]]]]), "bias": None},
            params={"stride": (2, 1), "padding": ((0, 1), (1, 0))},
            expected=_f32([[[[3, 2], [3, 2], [7, 4]]]]),
            note=(
                "Each input e adds e to rows 2i, 2i + 1 and columns j, j + 1 of a 4x3 buffer "
                "[[1, 3, 2], [1, 3, 2], [3, 7, 4], [3, 7, 4]]; crop the last row and the first column."
            ),
        ),
        WorkedExample(
            title="Dumoulin & Visin fig. 4.5: 2x2 input, 3x3 kernel, stride 2 -> 5x5",
            source="seed 001 quoting Dumoulin & Visin (2016), fig. 4.5 (i = 5, k = 3, s = 2, p = 0); values by hand",
            inputs={"x": _f32([[[[1, 2], [3, 4]]]]), "weight": _f32([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]), "bias": None},
            params={"stride": 2},
            expected=_f32([
                [1, 2, 5, 4, 6],
                [4, 5, 14, 10, 12],
                [10, 14, 36, 24, 30],
                [12, 15, 34, 20, 24],
                [21, 24, 55, 32, 36],
            ])[None, None],
            note=(
                "Copies 1K, 2K, 3K, 4K at (0, 0), (0, 2), (2, 0), (2, 2); the centre is 1*9 + 2*7 + 3*3 + 4*1 = 36. "
                "The transpose of a 3x3, stride-2 convolution of a 5x5 input. Seed 001 prints this figure's "
                "caption under the heading 'DILATED CONVOLUTION'; it is about the transposed convolution."
            ),
            tags=("seed-erratum",),
        ),
    )


CONV_TRANSPOSE_EXAMPLES = LazyExamples(_conv_transpose_examples)
