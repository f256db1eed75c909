"""Style-loss backward for a style target of batch 1 shared by N generated images: the style's
gradient keeps only the last image's contribution (overwritten, not accumulated over the batch).
"""

import numpy as np

from convspec.reference import style_loss_vjp as _correct

PLANTED_BUG = "style_loss_vjp: a broadcast style (batch 1) gets the last image's gradient, not the sum over the batch"
OP = "style_loss"
EXAMPLES = 300


def style_loss_vjp(grad_out, generated, style, *, weights=None, normalization="gatys"):
    grad_generated, grad_style = _correct(grad_out, generated, style, weights=weights, normalization=normalization)
    if style.shape[0] == 1 and generated.shape[0] > 1:
        only = np.zeros_like(grad_out)
        only[-1] = grad_out[-1]
        _, grad_style = _correct(only, generated, style, weights=weights, normalization=normalization)
    return grad_generated, grad_style
