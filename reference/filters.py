"""Reference classic filters: Sobel, sharpen, seed 002's curve detector, Gabor kernels (numpy).

Which filter is a convolution and which a correlation, the Sobel output layout, the
Gabor grid: :mod:`convspec.spec.filters`. The kernel constructors return float64
arrays ``(rows, cols)``; put them in a ``(C_out, C_in, kh, kw)`` weight with
``kernel[None, None]`` to pass them to :func:`convspec.reference.correlate` or
:func:`convspec.reference.convolve`.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from convspec.spec import filters as spec
from convspec.spec.limits import check_output_size

from .arrays import accumulator, check_array
from .windows import resolve_padding, zero_pad


@functools.cache
def _entries(kernel) -> tuple[tuple[int, ...], ...]:
    """The integer entries of a spec kernel (a function returning a sympy ``Matrix``), read once."""
    return tuple(tuple(int(value) for value in row) for row in kernel().tolist())


def _matrix(kernel) -> np.ndarray:
    """A spec kernel as a new float64 array (exact: its entries are small integers)."""
    return np.array(_entries(kernel), dtype=np.float64)


def sobel_kernels():
    """Seed 002's Sobel kernels ``(K_x, K_y)``, as printed (:data:`convspec.spec.filters.SOBEL_X`), for **convolution**.

    ``K_x = [[+1, 0, -1], [+2, 0, -2], [+1, 0, -1]]``, ``K_y = K_x^T``. Convolved with an
    image they give ``G_x`` (brighter to the right: positive) and ``G_y`` (brighter
    downwards: positive); correlated, the signs flip.
    """
    return np.array(spec.SOBEL_X, dtype=np.float64), np.array(spec.SOBEL_Y, dtype=np.float64)


def sharpen_kernel():
    """Seed 002's sharpen kernel ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]`` (symmetric: correlate or convolve)."""
    return _matrix(spec.sharpen_kernel)


def curve_kernel():
    """Seed 002's 7x7 curve detector (30 on the curve, 0 elsewhere), for **correlation**."""
    return _matrix(spec.curve_kernel)


def gabor_kernel(size, *, A=1.0, alpha, beta, omega, phi=0.0, theta=0.0, x0=None, y0=None):
    """Seed 004's Gabor filter sampled on a pixel grid, for **correlation**.

    Definition: ``kernel[i, j] = G(x=j, y=i)`` with
    ``G(x, y) = A exp(-alpha x~^2 - beta y~^2) sin(omega x~ + phi)``,
    ``x~ = (x - x0) cos theta + (y - y0) sin theta``, ``y~ = -(x - x0) sin theta + (y - y0) cos theta``
    (:func:`convspec.spec.filters.gabor`, evaluated here in float64).

    Args:
        size: ``rows = cols = size``, or a ``(rows, cols)`` pair.
        A: amplitude; alpha, beta: decay rates ``>= 0`` along ``x~`` and ``y~``;
        omega: angular frequency (radians per pixel) along ``x~``; phi: phase;
        theta: orientation (radians, from ``+x`` towards ``+y``, i.e. downwards);
        x0, y0: the envelope's centre (column, row); ``None`` is the grid's centre.

    Returns:
        float64 array ``(rows, cols)``.

    Example: ``gabor_kernel(3, alpha=0, beta=0, omega=pi/2)`` is ``[[-1, 0, 1]] * 3``
    (``sin(pi/2 (j - 1))`` for ``j = 0, 1, 2``).
    """
    import sympy  # the kernel is the spec's sympy formula, evaluated

    (rows, cols), p = spec.check_gabor_arguments(
        "gabor_kernel", size, A=A, alpha=alpha, beta=beta, omega=omega, phi=phi, theta=theta, x0=x0, y0=y0
    )
    expression = spec.gabor(
        spec.x, spec.y, A=p["A"], alpha=p["alpha"], beta=p["beta"], omega=p["omega"], phi=p["phi"],
        theta=p["theta"], x0=p["x0"], y0=p["y0"],
    )
    evaluate = sympy.lambdify((spec.x, spec.y), expression, modules="math")
    check_output_size("gabor_kernel", (rows, cols), np.dtype(np.float64))
    kernel = np.empty((rows, cols), dtype=np.float64)
    for i in range(rows):
        for j in range(cols):
            kernel[i, j] = evaluate(float(j), float(i))
    return kernel


def sobel(x, *, padding="valid"):
    """The Sobel operator: ``G_x = K_x * A``, ``G_y = K_y * A`` (convolutions) and ``sqrt(G_x^2 + G_y^2)``.

    Definition (per output position ``(i, j)``, ``A`` the zero-padded image)::

        G_x[i, j] = sum_{u, v} K_x[u, v] A[i + 2 - u, j + 2 - v]       (the kernel flipped)
        G_y[i, j] = sum_{u, v} K_y[u, v] A[i + 2 - u, j + 2 - v]
        M[i, j]   = sqrt(G_x[i, j]^2 + G_y[i, j]^2)

    Args:
        x: ``(N, 1, H, W)`` floating array (or ``dtype=object`` for exact work).
        padding: any padding form of :mod:`convspec.spec.conventions` (zeros); default ``"valid"``.

    Returns:
        ``(N, 3, H', W')`` array of ``x``'s dtype: channels ``G_x``, ``G_y``, magnitude;
        computed in float64 and rounded once.

    Example: a vertical step ``[[0, 0, 1, 1]] * 3`` gives ``G_x = [[4, 4]]``, ``G_y = [[0, 0]]``,
    magnitude ``[[4, 4]]`` (brighter to the right: positive ``G_x``).
    """
    op = "sobel"
    x = check_array(op, "x", x)
    args = spec.check_sobel_arguments(op, x.shape, padding)
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    # a 3x3 window at every position of the padded image where it fits
    rows, cols = (lo + n + hi - 2 for n, (lo, hi) in zip(args.input_size, pads))
    check_output_size(op, (x.shape[0], 3, rows, cols), x.dtype)  # before the padding is built
    image = zero_pad(accumulator(x), pads)
    kx, ky = spec.SOBEL_X, spec.SOBEL_Y
    out = np.empty((x.shape[0], 3, rows, cols), dtype=object if x.dtype == object else np.float64)
    for b in range(x.shape[0]):
        for i in range(rows):
            for j in range(cols):
                gx = gy = 0
                for u in range(3):
                    for v in range(3):
                        value = image[b, 0, i + 2 - u, j + 2 - v]
                        gx = gx + kx[u][v] * value
                        gy = gy + ky[u][v] * value
                out[b, 0, i, j], out[b, 1, i, j] = gx, gy
                out[b, 2, i, j] = spec.sobel_magnitude(gx, gy) if x.dtype == object else math.hypot(gx, gy)
    return out.astype(x.dtype)
