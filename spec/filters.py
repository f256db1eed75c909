"""Classic image filters: the Sobel operator, the sharpen kernel, seed 002's curve detector, Gabor filters.

Hand-designed kernels that a convolutional layer's first filters come to resemble
(seed 004: "a remarkable similarity between these filters and the Gabor filters").
Every kernel here is an exact sympy matrix; :func:`gabor` is the seed's formula as a
sympy expression, which the reference evaluates on a pixel grid.

Conventions (RFC 2119 words; layout, padding forms, dtypes, errors: :mod:`convspec.spec.conventions`)
--------------------------------------------------------------------------------------------------------
* **Which filters are convolutions and which are correlations.** A kernel is only half
  of a filter's definition: the other half is whether it is flipped.

  - Sobel (seed 002: ``G_x = [[+1, 0, -1], [+2, 0, -2], [+1, 0, -1]] * A``) is a
    **convolution** (``*``): the kernel is flipped, so ``G_x`` is the right neighbour
    minus the left one and is *positive where the image gets brighter to the right*
    (``+x``, increasing column index); ``G_y`` is *positive where it gets brighter
    downwards* (increasing row index). Correlating with the same printed kernels
    gives ``-G_x`` and ``-G_y``: :func:`sobel_correlation_sign`.
  - The sharpen kernel (seed 002's worked example, 320) is symmetric under the flip:
    convolution and correlation agree.
  - Seed 002's curve detector is applied as a **correlation**: the seed multiplies the
    receptive field by the unflipped filter, cell by cell, and sums (6600).
  - A Gabor kernel models a simple cell's receptive field (seed 004), whose response is
    the image weighted by ``G`` at the same positions: a **correlation**.

* ``sobel(x, padding="valid")`` takes ``(N, 1, H, W)`` and returns ``(N, 3, H', W')``:
  channel 0 is ``G_x``, channel 1 ``G_y``, channel 2 the magnitude
  ``sqrt(G_x^2 + G_y^2)``. ``padding`` is any of convspec's padding forms (zeros);
  the default ``"valid"`` keeps the output inside the image, ``"same"`` keeps ``H x W``.
  (OpenCV and scikit-image reflect the border instead of zero-padding; pad first.)
* The Gabor grid: ``kernel[i, j] = G(x=j, y=i)``: ``x`` is the column index, ``y`` the
  row index (growing downwards, the image convention), both starting at 0. ``x0`` and
  ``y0`` default to the grid's centre ``((cols - 1)/2, (rows - 1)/2)``. ``theta`` turns
  ``x~`` from the ``+x`` axis towards ``+y`` (clockwise as the image is shown).
  ``alpha`` and ``beta`` **must** be ``>= 0`` (decay rates); every parameter **must** be
  a finite real number.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Sequence

from .symbolic import symbols, sympy

from .conventions import ConvArguments, check_conv_arguments, check_number

x, y = symbols("x y", real=True)
A, omega, phi, theta, x0, y0 = symbols("A omega phi theta x_0 y_0", real=True)
alpha, beta = symbols("alpha beta", nonnegative=True)
g_x, g_y = symbols("G_x G_y", real=True)

#: How each filter is applied (see the module docstring).
APPLIED_AS = {
    "sobel": "convolve",
    "sharpen": "either (the kernel is symmetric under the flip)",
    "curve": "correlate",
    "gabor": "correlate",
}


#: seed 002's Sobel kernels, row by row, as printed (:func:`sobel_x_kernel`, :func:`sobel_y_kernel`)
SOBEL_X = ((1, 0, -1), (2, 0, -2), (1, 0, -1))
SOBEL_Y = ((1, 2, 1), (0, 0, 0), (-1, -2, -1))


def sobel_x_kernel() -> sympy.Matrix:
    """Seed 002's ``G_x`` kernel, as printed; applied by **convolution**.

    >>> sobel_x_kernel()
    Matrix([
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1]])
    """
    return sympy.Matrix(SOBEL_X)


def sobel_y_kernel() -> sympy.Matrix:
    """Seed 002's ``G_y`` kernel, as printed; applied by **convolution**. It is ``sobel_x_kernel().T``.

    >>> sobel_y_kernel() == sobel_x_kernel().T
    True
    """
    return sympy.Matrix(SOBEL_Y)


def sobel_separable_factors() -> tuple[sympy.Matrix, sympy.Matrix]:
    """``(smooth, difference)`` with ``sobel_x_kernel() = smooth * difference``: a [1, 2, 1] blur
    down the columns times a [1, 0, -1] difference along the rows (the kernel has rank 1).

    >>> s, d = sobel_separable_factors(); s * d == sobel_x_kernel()
    True
    """
    return sympy.Matrix([1, 2, 1]), sympy.Matrix([[1, 0, -1]])


def flip(kernel: sympy.Matrix) -> sympy.Matrix:
    """The kernel rotated by 180 degrees (flipped along both axes): convolve(x, k) = correlate(x, flip(k)).

    >>> flip(sympy.Matrix([[1, 2], [3, 4]]))
    Matrix([
    [4, 3],
    [2, 1]])
    """
    if not isinstance(kernel, sympy.MatrixBase):
        raise TypeError(f"flip: kernel must be a sympy Matrix, got {kernel!r} of type {type(kernel).__name__}")
    rows, cols = kernel.shape
    return sympy.Matrix(rows, cols, lambda i, j: kernel[rows - 1 - i, cols - 1 - j])


def sobel_correlation_sign() -> int:
    """The factor between correlating and convolving with the Sobel kernels: ``flip(K) = -K``, so -1.

    >>> sobel_correlation_sign()
    -1
    """
    kx, ky = sobel_x_kernel(), sobel_y_kernel()
    if flip(kx) == -kx and flip(ky) == -ky:
        return -1
    raise AssertionError("the Sobel kernels are antisymmetric under the flip")


def sharpen_kernel() -> sympy.Matrix:
    """Seed 002's sharpen kernel (5 at the centre, -1 at the four neighbours); ``flip`` leaves it unchanged.

    >>> flip(sharpen_kernel()) == sharpen_kernel(), sum(sharpen_kernel())
    (True, 1)
    """
    return sympy.Matrix([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


def curve_kernel() -> sympy.Matrix:
    """Seed 002's 7x7 curve detector: 30 along a curve bending to the upper right; applied by **correlation**.

    >>> curve_kernel().shape, sum(curve_kernel())
    ((7, 7), 180)
    """
    cells = {(0, 5), (1, 4), (2, 3), (3, 3), (4, 3), (5, 3)}
    return sympy.Matrix(7, 7, lambda i, j: 30 if (i, j) in cells else 0)


def sobel_magnitude(gx=g_x, gy=g_y):
    """``sqrt(G_x^2 + G_y^2)``.

    >>> sobel_magnitude(3, 4)
    5
    """
    gx, gy = check_number("sobel_magnitude", "gx", gx), check_number("sobel_magnitude", "gy", gy)
    return sympy.sqrt(gx**2 + gy**2)


def gabor_coordinates(x=x, y=y, *, theta=theta, x0=x0, y0=y0):
    """Seed 004's rotated coordinates ``(x~, y~)``.

    ``x~ = (x - x0) cos theta + (y - y0) sin theta``, ``y~ = -(x - x0) sin theta + (y - y0) cos theta``.

    >>> gabor_coordinates(1, 0, theta=0, x0=0, y0=0)
    (1, 0)
    """
    x, y, theta, x0, y0 = (check_number("gabor_coordinates", name, v) for name, v in
                           (("x", x), ("y", y), ("theta", theta), ("x0", x0), ("y0", y0)))
    xt = (x - x0) * sympy.cos(theta) + (y - y0) * sympy.sin(theta)
    yt = -(x - x0) * sympy.sin(theta) + (y - y0) * sympy.cos(theta)
    return xt, yt


def gabor(x=x, y=y, *, A=A, alpha=alpha, beta=beta, omega=omega, phi=phi, theta=theta, x0=x0, y0=y0):
    """Seed 004's Gabor filter: ``G(x, y) = A exp(-alpha x~^2 - beta y~^2) sin(omega x~ + phi)``.

    >>> gabor(0, 0, A=2, alpha=1, beta=1, omega=1, phi=sympy.pi / 2, theta=0, x0=0, y0=0)
    2
    """
    A, omega, phi = (check_number("gabor", name, v) for name, v in (("A", A), ("omega", omega), ("phi", phi)))
    alpha, beta = check_number("gabor", "alpha", alpha, minimum=0), check_number("gabor", "beta", beta, minimum=0)
    xt, yt = gabor_coordinates(x, y, theta=theta, x0=x0, y0=y0)
    return A * sympy.exp(-alpha * xt**2 - beta * yt**2) * sympy.sin(omega * xt + phi)


def sobel_weight_shape() -> tuple[int, int, int, int]:
    """The weight ``sobel`` convolves with: ``(2, 1, 3, 3)`` (G_x and G_y stacked)."""
    return (2, 1, 3, 3)


def check_sobel_arguments(op: str, x_shape: Sequence[int], padding: object) -> ConvArguments:
    """``x`` must be ``(N, 1, H, W)``; ``padding`` any padding form; the 3x3 kernel must fit."""
    x_shape = tuple(x_shape)
    if len(x_shape) != 4 or x_shape[1] != 1:
        raise ValueError(
            f"{op}: x must have shape (N, 1, H, W) (one grey-level channel, two spatial dims), "
            f"got shape {x_shape!r}; apply it to each channel separately"
        )
    return check_conv_arguments(op, x_shape, sobel_weight_shape(), None, stride=1, padding=padding, dilation=1, groups=1)


def sobel_output_shape(x_shape: Sequence[int], padding: object) -> tuple[int, int, int, int]:
    """``(N, 3, H', W')`` with ``H'``, ``W'`` the 3x3 convolution's output lengths for that padding.

    >>> sobel_output_shape((2, 1, 5, 6), "valid"), sobel_output_shape((2, 1, 5, 6), "same")
    ((2, 3, 3, 4), (2, 3, 5, 6))
    """
    from .conv import conv_output_shape

    args = check_sobel_arguments("sobel", x_shape, padding)
    n, _, h, w = conv_output_shape(x_shape, sobel_weight_shape(), stride=args.stride, padding=args.padding, dilation=args.dilation)
    return (n, 3, h, w)


_GABOR_PARAMETERS = ("A", "alpha", "beta", "omega", "phi", "theta", "x0", "y0")


def _real(op: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")
    return value


def check_gabor_arguments(op: str, size: object, **parameters: object) -> tuple[tuple[int, int], dict[str, float]]:
    """``size``: a positive int (square) or ``(rows, cols)``; the parameters finite reals, ``alpha, beta >= 0``.

    Returns ``((rows, cols), parameters)`` with ``x0``/``y0`` filled in (the centre) when ``None``.

    >>> check_gabor_arguments("gabor_kernel", 3, A=1, alpha=0, beta=0, omega=1, phi=0, theta=0, x0=None, y0=None)
    ((3, 3), {'A': 1.0, 'alpha': 0.0, 'beta': 0.0, 'omega': 1.0, 'phi': 0.0, 'theta': 0.0, 'x0': 1.0, 'y0': 1.0})
    """
    entries = size if isinstance(size, (tuple, list)) else (size, size)
    if len(entries) != 2:
        raise ValueError(f"{op}: size must be an int or a (rows, cols) pair, got {tuple(entries)!r}")
    shape = []
    for entry in entries:
        if isinstance(entry, bool):
            raise TypeError(f"{op}: size must be an int or a (rows, cols) pair of ints, got the bool {entry!r}")
        try:
            entry = operator.index(entry)
        except TypeError:
            raise TypeError(f"{op}: size must be an int or a (rows, cols) pair of ints, got {size!r}") from None
        if entry < 1:
            raise ValueError(f"{op}: size must be positive, got {size!r}")
        shape.append(entry)
    rows, cols = shape
    checked = {}
    for name in _GABOR_PARAMETERS:
        value = parameters[name]
        if value is None and name in ("x0", "y0"):
            value = (cols - 1) / 2 if name == "x0" else (rows - 1) / 2
        checked[name] = _real(op, name, value)
    for name in ("alpha", "beta"):
        if checked[name] < 0:
            raise ValueError(f"{op}: {name} is a decay rate and must be >= 0, got {parameters[name]!r}")
    return (rows, cols), checked


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

NON_FINITE: dict[str, str] = {
    "sobel": (
        "``G_x`` and ``G_y`` are convolutions with 3 x 3 kernels, as ``convolve``: a NaN at "
        "``x[b, 0, i, j]`` **must** make NaN exactly the outputs of all three channels whose 3 x 3 "
        "window holds ``(i, j)`` on the input, the kernels' zero taps included (``0 · NaN``); the "
        "magnitude is NaN where ``G_x`` or ``G_y`` is. A ±inf there gives ±inf by the sign of the "
        "tap, NaN on a zero tap (``G_x``'s middle column, ``G_y``'s middle row), and a magnitude of "
        "``+inf`` where neither gradient is NaN. Other outputs stay finite. Finite inputs: the sums "
        "**may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`): a float32 image of ``3e38`` "
        "gives 0 in the reference (float64 sums) and NaN (``inf - inf``) in the accelerated path."
    ),
}
