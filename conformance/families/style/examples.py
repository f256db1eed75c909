"""Literal worked examples of the style-transfer losses, computed by hand.

Every expected value was worked out by hand; none is computed by convspec.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import WorkedExample


def _f32(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


# one image, two channels of 2x2 maps
FEATURES = _f32([[[[1, 2], [3, 0]], [[0, 1], [1, 1]]]])
STYLE = _f32([[[[1, 0], [0, 0]], [[0, 0], [0, 1]]]])
ONES = _f32([[[[1, 1], [1, 1]], [[1, 1], [1, 1]]]])

_GRAM_NOTE = "F_00 = 1 + 4 + 9 + 0 = 14, F_01 = 1*0 + 2*1 + 3*1 + 0*1 = 5, F_11 = 0 + 1 + 1 + 1 = 3 (seed 004's F_kk')."

GRAM_MATRIX_EXAMPLES = (
    WorkedExample(
        title="Seed 004's style matrix of two 2x2 channels",
        source="seed 004, 'Style transfer': F_kk' = sum_i sum_j a_ijk a_ijk'; hand computation",
        inputs={"features": FEATURES},
        params={"normalization": "none"},
        expected=_f32([[[14, 5], [5, 3]]]),
        note=_GRAM_NOTE,
    ),
    WorkedExample(
        title="Gatys normalisation: divided by 2 C M = 16",
        source="Gatys et al. 2016, eq. 4 (1/(4 N^2 M^2) on the squared difference); hand computation",
        inputs={"features": FEATURES},
        params={"normalization": "gatys"},
        expected=_f32([[[0.875, 0.3125], [0.3125, 0.1875]]]),
        note="C = 2 channels, M = 4 positions: 14/16, 5/16, 3/16. Seed 004's 1/(2IJK) = 1/16 too.",
    ),
    WorkedExample(
        title="Per-element normalisation (the PyTorch tutorial): divided by C M = 8",
        source="PyTorch neural style tutorial, G.div(a * b * c * d) with a = 1; hand computation",
        inputs={"features": FEATURES},
        params={"normalization": "per_element"},
        expected=_f32([[[1.75, 0.625], [0.625, 0.375]]]),
        note="14/8, 5/8, 3/8.",
    ),
)

STYLE_LOSS_EXAMPLES = (
    WorkedExample(
        title="Squared gram differences, unnormalised",
        source="seed 004, 'Style transfer' without its constant; hand computation",
        inputs={"generated": FEATURES, "style": STYLE},
        params={"normalization": "none"},
        expected=_f32([223]),
        note="The style's gram is [[1, 0], [0, 1]]; the difference [[13, 5], [5, 2]] squares to 169 + 25 + 25 + 4 = 223.",
    ),
    WorkedExample(
        title="Gatys's (and seed 004's) constant 1/(4 N^2 M^2) = 1/256",
        source="seed 004: 1/(2IJK)^2 with I = J = K = 2; Gatys et al. eq. 4 with N = 2, M = 4",
        inputs={"generated": FEATURES, "style": STYLE},
        params={"normalization": "gatys"},
        expected=_f32([223 / 256]),
        note="(2 * 2 * 2 * 2)^2 = 256 = 4 * 2^2 * 4^2: 223/256 = 0.87109375.",
    ),
)

CONTENT_LOSS_EXAMPLES = (
    WorkedExample(
        title="Seed 004's content error, constant 1",
        source="seed 004, 'Style transfer': E_content = sum_ijk (a_ijk(G) - a_ijk(C))^2; hand computation",
        inputs={"generated": FEATURES, "content": ONES},
        params={},
        expected=_f32([7]),
        note="Differences 0, 1, 2, -1 and -1, 0, 0, 0 square to 0 + 1 + 4 + 1 + 1 = 7. Gatys et al.'s 1/2 would give 3.5.",
    ),
)
