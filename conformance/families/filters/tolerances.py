"""The tolerance model and output shape of the classic filters (``sobel``).

Tolerance (:func:`sobel_tolerance`, a :class:`~convspec.conformance.tolerance.Derived` bound):

* ``G_x``, ``G_y`` (channels 0, 1) are sums of 9 products: the
  :class:`~convspec.conformance.tolerance.SumOfProducts` bound ``B`` with ``T = 9`` and
  magnitude ``Σ|K| |x|`` (bit-for-bit on integer-valued data);
* the magnitude ``M = sqrt(G_x^2 + G_y^2)`` (channel 2) is 1-Lipschitz in ``(G_x, G_y)``
  for the 2-norm, so the gradients' errors move it by at most ``B_x + B_y``; evaluating it
  (two squares, a sum, a square root, or ``hypot``) costs at most 3 roundings, in the target
  and in the reference, and the result is rounded to the dtype once more::

      bound_M = B_x + B_y + (γ_3(u) + γ_3(u_64) + u) (M + B_x + B_y) + η

  A square root of an integer is not an integer: channel 2 is never compared bit for bit.
"""

from __future__ import annotations

import numpy as np

from convspec import reference
from convspec.spec import filters as spec_filters

from convspec.conformance.case import Case
from convspec.conformance.tolerance import SMALLEST_SUBNORMAL, UNIT_ROUNDOFF, Derived, SumOfProducts, gamma


def sobel_output_shape(case: Case) -> tuple[int, ...]:
    return spec_filters.sobel_output_shape(case.inputs["x"].shape, case.params.get("padding", "valid"))


def sobel_tolerance(case: Case) -> Derived:
    """The bound of the module docstring, per element of the ``(N, 3, H', W')`` output."""
    x = case.inputs["x"]
    padding = case.params.get("padding", "valid")
    kx, ky = reference.sobel_kernels()
    weights = np.abs(np.stack([kx, ky]))[:, None]
    magnitude = reference.convolve(np.abs(x.astype(np.float64)), weights, padding=padding)  # Σ|K||x| per gradient
    gradient = SumOfProducts(9, magnitude, case.dtype, case.data_kind == "integers").bound()
    exact = reference.sobel(x.astype(np.float64), padding=padding)[:, 2]
    u = UNIT_ROUNDOFF[case.dtype]
    spread = gradient[:, 0] + gradient[:, 1]
    relative = gamma(3, u) + gamma(3, UNIT_ROUNDOFF["float64"]) + u
    bound_m = spread + relative * (np.abs(exact) + spread) + SMALLEST_SUBNORMAL[case.dtype]
    return Derived(np.concatenate([gradient, bound_m[:, None]], axis=1))
