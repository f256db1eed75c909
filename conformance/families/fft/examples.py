"""Literal worked examples of ``fft_convolve`` and ``fft_correlate``, computed by hand.

The inputs are small integers in float32: the float64 FFT's error (about 1e-15) is far
below half a float32 unit, so the reference's result rounds to the exact integers.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import WorkedExample


def _f32(values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


X = _f32([[[1, 2, 3]]])
W = _f32([[[1, 10]]])

FFT_CONVOLVE_EXAMPLES = (
    WorkedExample(
        title="Full: [1, 2, 3] convolved with [1, 10]",
        source="hand computation (seed 002's convolution theorem; numpy.convolve's 'full')",
        inputs={"x": X, "weight": W},
        params={"mode": "full"},
        expected=_f32([[[1, 12, 23, 30]]]),
        note=(
            "y[j] = sum_t x[j - t] w[t]: 1*1, 2*1 + 1*10, 3*1 + 2*10, 3*10. Through the FFT: both padded to "
            "L = 4 >= 3 + 2 - 1, spectra multiplied, inverted. With L = 3 (no padding) the 30 wraps onto "
            "the first sample: the circular convolution [31, 12, 23]."
        ),
    ),
    WorkedExample(
        title="Same with an even kernel: convspec's 'same' puts the odd zero high",
        source="hand computation (convspec.reference.convolve(x, w, padding='same'))",
        inputs={"x": X, "weight": W},
        params={"mode": "same"},
        expected=_f32([[[12, 23, 30]]]),
        note=(
            "convspec's 'same' pads k - 1 = 1 zero on the high side, so the crop of the full [1, 12, 23, 30] "
            "starts at ceil((k - 1)/2) = 1. scipy.signal.fftconvolve(mode='same') starts at (k - 1)//2 = 0 "
            "and gives [1, 12, 23]."
        ),
    ),
    WorkedExample(
        title="Valid, two input channels summed in the frequency domain",
        source="hand computation",
        inputs={"x": _f32([[[1, 2, 3], [1, 0, 1]]]), "weight": _f32([[[1, 10], [2, 0]]])},
        params={"mode": "valid"},
        expected=_f32([[[12, 25]]]),
        note=(
            "Channel 0 gives [12, 23] (the full result's middle); channel 1: y[j] = 2 x[j] + 0 x[j - 1] at "
            "j = 1, 2 gives [0, 2]; the sum [12, 25]."
        ),
    ),
)

FFT_CORRELATE_EXAMPLES = (
    WorkedExample(
        title="Valid: [1, 2, 3] correlated with [1, 10]",
        source="hand computation",
        inputs={"x": X, "weight": W},
        params={"mode": "valid"},
        expected=_f32([[[21, 32]]]),
        note="No flip: 1*1 + 2*10 = 21, 2*1 + 3*10 = 32; the FFT convolves with the flipped kernel [10, 1].",
    ),
    WorkedExample(
        title="Full correlation in 2-D",
        source="hand computation",
        inputs={"x": _f32([[[[1, 2], [3, 4]]]]), "weight": _f32([[[[1, 0], [0, 1]]]])},
        params={"mode": "full"},
        expected=_f32([[[[1, 2, 0], [3, 5, 2], [0, 3, 4]]]]),
        note=(
            "The kernel adds the cell and its lower-right neighbour: with one zero all round, output (1, 1) is "
            "x[0, 0] + x[1, 1] = 1 + 4 = 5; output (0, 0) sees only x[0, 0] under the kernel's last tap: 1."
        ),
    ),
)
