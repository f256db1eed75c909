"""Mutant: sobel's padding defaults to "same".

The port keeps the image size by default, as OpenCV's ``Sobel`` does; convspec's
``sobel`` defaults to ``"valid"`` (the convolution's own default). Calls that pass
``padding`` are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "sobel's padding defaults to 'same' instead of 'valid'."
BUGGY_OPS = ("sobel",)


def sobel(x, *, padding="same"):  # BUG: default "valid"
    return accelerated.sobel(torch.from_numpy(x), padding=padding).numpy()
