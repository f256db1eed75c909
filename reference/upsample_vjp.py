"""Reference backward pass of upsampling (numpy, loops): a vector-Jacobian product.

Convention of :mod:`convspec.reference.conv_vjp`: :func:`upsample_vjp` returns ``(grad_x,)``,
the gradient of ``sum(grad_out * upsample(x, ...))``, with the forward's exact source
coordinates and weights (:func:`convspec.reference.upsample.axis_taps`).
"""

from __future__ import annotations

from itertools import product

from convspec.spec.upsample import check_upsample_arguments

from .arrays import accumulator, check_array, zeros
from .conv_vjp import check_grad_out
from .upsample import _corner_weight, axis_taps


def upsample_vjp(grad_out, x, *, scale_factor=None, size=None, mode="nearest", align_corners=False,
                 cubic_coefficient=-0.75):
    """Gradient of ``sum(grad_out * upsample(x, ...))``: ``(grad_x,)``.

    Definition. Every output sample is ``y[t] = sum over corners c of w_c(t) * x[i_c(t)]``
    (nearest modes: one corner of weight 1), so the transposed weights carry the
    gradient back::

        grad_x[i] = sum over outputs t and corners c with i_c(t) = i of w_c(t) * grad_out[t]

    * nearest modes: each input cell receives the sum of ``grad_out`` over the outputs
      that read it (none for a cell a downsampling skips);
    * linear modes: each output hands ``(1 - lam)`` and ``lam`` (per axis, multiplied
      over axes) to its two neighbours; where the border clamp makes ``i1 = i0 = n - 1``
      both weights land on that last cell, which receives their sum;
    * bicubic: each output hands its 4 x 4 weights ``W(s - j)`` (negative ones included) to
      the clamped taps; a border cell read by several clamped taps receives their sum.

    Weights are exact (``fractions.Fraction``), rounded once to float64 (kept exact for
    ``dtype=object``).
    """
    op = "upsample_vjp"
    x = check_array(op, "x", x)
    args = check_upsample_arguments(
        "upsample", x.shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners,
        cubic_coefficient=cubic_coefficient,
    )
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + tuple(len(axis) for axis in taps)))
    grad_x = zeros(x.shape, like=x)
    everything = (slice(None), slice(None))
    for position in product(*(range(len(axis)) for axis in taps)):
        neighbours = [axis[t][1] for axis, t in zip(taps, position)]
        upstream = grad[everything + position]
        for corner in product(*neighbours):  # nearest modes: a single corner of weight 1
            index = tuple(i for i, _ in corner)
            weight = _corner_weight([w for _, w in corner], grad)  # exact, rounded once
            grad_x[everything + index] += weight * upstream
    return (grad_x.astype(x.dtype),)
