"""Content-loss backward taken from Gatys et al.'s ``1/2 sum (F - P)^2``, whose gradient is ``F - P``;
convspec's content loss has no 1/2 (seed 004's constant 1), so the gradient is ``2 (F - P)``.
"""

from convspec.reference import content_loss_vjp as _correct

PLANTED_BUG = "content_loss_vjp: the gradients are grad_out (g - c) instead of 2 grad_out (g - c) (the 1/2 convention)"
OP = "content_loss"


def content_loss_vjp(grad_out, generated, content):
    grad_generated, grad_content = _correct(grad_out, generated, content)
    return (grad_generated / 2).astype(generated.dtype), (grad_content / 2).astype(content.dtype)  # BUG
