"""Literal worked examples of the unpooling family, computed by hand.

Seed 004 ("Up-sampling") shows the three unpoolings only as pictures, without
numbers; the first example of each operation mirrors its picture with a 2x2 map
``[[1, 2], [3, 4]]`` and 2x2 blocks. Every expected value here was worked out by
hand; none is computed by convspec.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import LazyExamples, WorkedExample
from convspec.spec.symbolic import resolve, symbols


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def _i64(rows) -> np.ndarray:
    return np.array(rows, dtype=np.int64)


SEED_MAP = _f32([[1, 2], [3, 4]])[None, None]  # the 2x2 pooled map of the pictures

_a, _b, _c = symbols("a b c")


def _symbolic(values) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        array[i] = resolve(value)  # a spec symbol: the sympy symbol
    return array[None, None]


def _max_unpool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 004: max unpooling with switches, 2x2 map to 4x4",
            source="seed 004, 'Unpooling operation for max-pooling, with spatial information kept' (picture)",
            inputs={"x": SEED_MAP, "indices": _i64([[5, 2], [12, 11]])[None, None]},
            params={"kernel_size": 2},
            expected=_f32([[0, 0, 2, 0], [0, 1, 0, 0], [0, 0, 0, 4], [3, 0, 0, 0]])[None, None],
            note=(
                "The switches sit at (1, 1), (0, 2), (3, 0) and (2, 3) of the 4x4 map, one in each 2x2 "
                "block: flat positions 1*4 + 1 = 5, 0*4 + 2 = 2, 3*4 + 0 = 12, 2*4 + 3 = 11. Every other "
                "cell is 0. Output size (2 - 1) * 2 + 2 = 4 per axis."
            ),
        ),
        WorkedExample(
            title="Max-pool then unpool: the maxima go back where they were",
            source="hand computation",
            inputs={"x": _f32([[5, 6], [7, 9]])[None, None], "indices": _i64([[1, 6], [12, 10]])[None, None]},
            params={"kernel_size": 2, "stride": 2},
            expected=_f32([[0, 5, 0, 0], [0, 0, 6, 0], [0, 0, 9, 0], [7, 0, 0, 0]])[None, None],
            note=(
                "2x2 max-pooling of [[1, 5, 2, 0], [3, 4, 6, 1], [0, 2, 9, 8], [7, 1, 3, 2]] gives 5 at (0, 1), "
                "6 at (1, 2), 7 at (3, 0) and 9 at (2, 2): values [[5, 6], [7, 9]], flat indices "
                "[[1, 6], [12, 10]]. Unpooling keeps each maximum in its cell and zeros the rest."
            ),
        ),
        WorkedExample(
            title="1-D, kernel 3, stride 2, padding 1: indices count unpadded cells",
            source="hand computation",
            inputs={"x": _f32([[[5, 7, 9]]]), "indices": _i64([[[0, 2, 4]]])},
            params={"kernel_size": 3, "stride": 2, "padding": 1},
            expected=_f32([[[5, 0, 7, 0, 9]]]),
            note=(
                "Output length (3 - 1) * 2 - 1 - 1 + 3 = 5. The pooling windows cover padded cells 0-2, "
                "2-4, 4-6, i.e. unpadded cells -1..1, 1..3, 3..5; the indices 0, 2, 4 are unpadded positions "
                "(the padded ones would be 1, 3, 5)."
            ),
        ),
        WorkedExample(
            title="The same with output_size 6 (an input of 6 also pools to 3)",
            source="hand computation",
            inputs={"x": _f32([[[5, 7, 9]]]), "indices": _i64([[[0, 2, 4]]])},
            params={"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (6,)},
            expected=_f32([[[5, 0, 7, 0, 9, 0]]]),
            note=(
                "Lengths 5 and 6 both pool to floor((L + 2 - 3) / 2) + 1 = 3 values; 7 would give 4. So "
                "output_size may be 5 or 6 (PyTorch also accepts 4, which pools to 2)."
            ),
        ),
        WorkedExample(
            title="Duplicate switches: the last pooled position in row-major order wins",
            source="hand computation (PyTorch's CPU kernel writes in this order)",
            inputs={"x": _f32([[[1, 2, 3]]]), "indices": _i64([[[1, 1, 1]]])},
            params={"kernel_size": 3, "stride": 1, "padding": 1},
            expected=_f32([[[0, 3, 0]]]),
            note=(
                "All three switches point at cell 1; writing 1, then 2, then 3 leaves 3. Indices a max-pool "
                "records never disagree like this: max-pooling [1, 9, 4] with kernel 3, stride 1, padding 1 "
                "records cell 1 three times, with the same value 9 each time, giving [0, 9, 0]."
            ),
        ),
        WorkedExample(
            title="2-D, kernel 3, stride 2, padding 1, to 3x3",
            source="hand computation",
            inputs={"x": SEED_MAP, "indices": _i64([[0, 2], [6, 4]])[None, None]},
            params={"kernel_size": 3, "stride": 2, "padding": 1},
            expected=_f32([[1, 0, 2], [0, 4, 0], [3, 0, 0]])[None, None],
            note=(
                "Output size (2 - 1) * 2 - 2 + 3 = 3 per axis. Flat positions in a 3-wide plane: 0 = (0, 0), "
                "2 = (0, 2), 6 = (2, 0), 4 = (1, 1); each lies in its window (rows/columns -1..1 or 1..3 "
                "of the unpadded map)."
            ),
        ),
        WorkedExample(
            title="2-D, kernel 3, stride 2, padding 1, to 4x4 given as a full shape",
            source="hand computation",
            inputs={"x": SEED_MAP, "indices": _i64([[0, 2], [8, 5]])[None, None]},
            params={"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (1, 1, 4, 4)},
            expected=_f32([[1, 0, 2, 0], [0, 4, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0]])[None, None],
            note=(
                "A 4x4 input pools to 2x2 as well (floor((4 + 2 - 3) / 2) + 1 = 2). The same cells as "
                "above in a 4-wide plane are 0, 2, 2*4 + 0 = 8 and 1*4 + 1 = 5: indices are flat "
                "positions in the output plane, so they depend on its width."
            ),
        ),
    )


MAX_UNPOOL_EXAMPLES = LazyExamples(_max_unpool_examples)


def _avg_unpool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 004: average unpooling, 2x2 map to 4x4",
            source="seed 004, 'Unpooling operation for average pooling' (picture)",
            inputs={"x": SEED_MAP},
            params={"kernel_size": 2},
            expected=_f32([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])[None, None],
            note="'Copy over each input value into all the corresponding output units': each 2x2 block holds its value.",
        ),
        WorkedExample(
            title="output_size 5x5: the cells past the last block are 0",
            source="hand computation",
            inputs={"x": SEED_MAP},
            params={"kernel_size": 2, "output_size": (5, 5)},
            expected=_f32([
                [1, 1, 2, 2, 0], [1, 1, 2, 2, 0], [3, 3, 4, 4, 0], [3, 3, 4, 4, 0], [0, 0, 0, 0, 0],
            ])[None, None],
            note="A 5x5 map pools to 2x2 with 2x2 blocks (the last row and column are dropped), so 5 is valid; no block covers them.",
        ),
        WorkedExample(
            title="Rectangular blocks 1x2: nearest up-sampling along the width only",
            source="hand computation",
            inputs={"x": SEED_MAP},
            params={"kernel_size": (1, 2)},
            expected=_f32([[1, 1, 2, 2], [3, 3, 4, 4]])[None, None],
            note="Output size 2 x 4.",
        ),
        WorkedExample(
            title="Overlapping blocks add up (1-D, kernel 2, stride 1)",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3]]])},
            params={"kernel_size": 2, "stride": 1},
            expected=_f32([[[1, 3, 5, 3]]]),
            note="Blocks cover cells 0-1, 1-2 and 2-3: 1, 1 + 2, 2 + 3, 3. Output length (3 - 1) * 1 + 2 = 4.",
        ),
        WorkedExample(
            title="Overlapping 2x2 blocks, stride 1: a transposed convolution with a ones kernel",
            source="hand computation (seed 000's transposed-convolution picture with the kernel all ones)",
            inputs={"x": SEED_MAP},
            params={"kernel_size": 2, "stride": 1},
            expected=_f32([[1, 3, 2], [4, 10, 6], [3, 7, 4]])[None, None],
            note="The centre cell lies in all four blocks: 1 + 2 + 3 + 4 = 10; an edge cell in two, a corner in one.",
        ),
        WorkedExample(
            title="Overlapping blocks, symbolically",
            source="hand computation",
            inputs={"x": _symbolic([_a, _b, _c])},
            params={"kernel_size": 2, "stride": 1},
            expected=_symbolic([_a, _a + _b, _b + _c, _c]),
            note="Each value lands in its own cell and the next one; the adjoint of a sum pooling with kernel 2, stride 1.",
        ),
        WorkedExample(
            title="Stride past the kernel leaves gaps (1-D, kernel 1, stride 2, output_size 4)",
            source="hand computation",
            inputs={"x": _f32([[[1, 2]]])},
            params={"kernel_size": 1, "stride": 2, "output_size": (4,)},
            expected=_f32([[[1, 0, 2, 0]]]),
            note="Blocks are cells 0 and 2; the default length (2 - 1) * 2 + 1 = 3, and 4 pools to 2 as well.",
        ),
    )


AVG_UNPOOL_EXAMPLES = LazyExamples(_avg_unpool_examples)


def _first_unpool_examples() -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(
            title="Seed 004: max unpooling without switches, 2x2 map to 4x4",
            source="seed 004, 'Unpooling operation for max-pooling' (picture)",
            inputs={"x": SEED_MAP},
            params={"kernel_size": 2},
            expected=_f32([[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]])[None, None],
            note="'Copy the input value into the first unit of the corresponding output block, and the remaining values are set to zero'.",
        ),
        WorkedExample(
            title="1-D, kernel 2, stride 3, default and output_size 7",
            source="hand computation",
            inputs={"x": _f32([[[1, 2]]])},
            params={"kernel_size": 2, "stride": 3, "output_size": (7,)},
            expected=_f32([[[1, 0, 0, 2, 0, 0, 0]]]),
            note="Blocks start at 0 and 3. Valid lengths (2 - 1) * 3 + 2 = 5 up to 5 + 3 - 1 = 7.",
        ),
        WorkedExample(
            title="Overlapping blocks (kernel 3, stride 2): first cells never collide",
            source="hand computation",
            inputs={"x": _f32([[[1, 2, 3]]])},
            params={"kernel_size": 3, "stride": 2},
            expected=_f32([[[1, 0, 2, 0, 3, 0, 0]]]),
            note="Blocks start at 0, 2, 4 (two cells apart); output length (3 - 1) * 2 + 3 = 7.",
        ),
        WorkedExample(
            title="2-D, kernel 2, stride (1, 2)",
            source="hand computation",
            inputs={"x": SEED_MAP},
            params={"kernel_size": 2, "stride": (1, 2)},
            expected=_f32([[1, 0, 2, 0], [3, 0, 4, 0], [0, 0, 0, 0]])[None, None],
            note="Rows: length (2 - 1) * 1 + 2 = 3, blocks start at rows 0 and 1. Columns: length 4, blocks start at 0 and 2.",
        ),
    )


FIRST_UNPOOL_EXAMPLES = LazyExamples(_first_unpool_examples)
