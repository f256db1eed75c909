"""The seeds' notations for layer arithmetic, side by side, as sympy formulas.

The lecture notes write the same quantities with different letters. Each function
here is one seed's formula *as the seed writes it*, with the seed's symbols as
defaults; :mod:`convspec.spec.conv` holds convspec's own (one formula for every
padding form). The tests show, with ``sympy.simplify``, where the two agree and
under which conditions.

======================  ===========  ==========  ==========  ===========================
quantity                seed 000     seed 001    seed 004    convspec (spec.conv)
======================  ===========  ==========  ==========  ===========================
input length            W_in, H_in   n           J, K        n
kernel size             F            f           M           k
stride                  S            s           S           s
padding (each side)     P            p           P           p_lo = p_hi = p
channels in / out       D_in, D_out  C_in/C_out  C, C_OUT    C_in, C_out
kernel width / height   --           K_W, K_H    M, M        kernel_size
======================  ===========  ==========  ==========  ===========================

Careful: in seed 004 ``K`` is the image's *second side* (``J x K`` pixels), not a
kernel; the kernel is ``M x M``. In seed 001 ``K_l`` is the number of kernels
(filters) of layer ``l`` and ``K_W, K_H`` are a kernel's width and height.

Seed mistakes (the correct formula is the one convspec uses; the tests say so):

* seed 000's first pooling slide writes ``W_out = (W_in - F + 2P + 1) / S``
  (:func:`seed000_misprinted_output_width`); its later slides and every other seed
  have ``(W_in - F + 2P) / S + 1``. For 4 inputs, F = S = 2, P = 0 the misprint gives
  3/2, the right count is 2.
* the seeds' ``(W_in - F) / S + 1`` without a floor is a count only when ``S``
  divides ``W_in - F + 2P``; seed 001 and seed 004 write the floor.
"""

from __future__ import annotations

import sympy

from .conv import floor_div
from .conventions import check_size, check_span_fits
from .symbolic import is_symbolic

_positive = dict(integer=True, positive=True)
_nonnegative = dict(integer=True, nonnegative=True)

# seed 000 (pooling slides): input volume W_in x H_in x D_in, extent F, stride S, padding P
W_in, H_in, D_in, F, S = sympy.symbols("W_in H_in D_in F S", **_positive)
P = sympy.Symbol("P", **_nonnegative)
# seed 001: input n x n, filter f x f, stride s, padding p; C_in x C_out x K_W x K_H weights
n, f, s = sympy.symbols("n f s", **_positive)
p = sympy.Symbol("p", **_nonnegative)
C_in, C_out, K_W, K_H, K_prev, K_l = sympy.symbols("C_in C_out K_W K_H K_prev K_l", **_positive)
# seed 004: image J x K, kernel M x M, padding P, stride S, C channels in, C_OUT out
J, K, M, C, C_OUT = sympy.symbols("J K M C C_OUT", **_positive)


def seed000_output_width(W_in=W_in, F=F, S=S, P=P):
    """Seed 000: ``W_out = (W_in - F + 2P) / S + 1`` (pooling: ``D_out = D_in``).

    Exact division: a count only when ``S`` divides ``W_in - F + 2P``; then it equals
    :func:`convspec.spec.conv.conv_output_length`. Example: 4 inputs, F = S = 2: 2.

    >>> seed000_output_width(4, 2, 2, 0)
    2
    """
    W_in, F, S, P = _window("seed000_output_width", ("W_in", W_in), ("F", F), ("S", S), ("P", P))
    return _ratio(W_in - F + 2 * P, S) + 1


def seed000_misprinted_output_width(W_in=W_in, F=F, S=S, P=P):
    """Seed 000's first pooling slide, a misprint: ``(W_in - F + 2P + 1) / S``. Wrong: see the module notes.

    >>> seed000_misprinted_output_width(4, 2, 2, 0)
    3/2
    """
    W_in, F, S, P = _window("seed000_misprinted_output_width", ("W_in", W_in), ("F", F), ("S", S), ("P", P))
    return _ratio(W_in - F + 2 * P + 1, S)


def seed001_output_size(n=n, f=f, s=s, p=p):
    """Seed 001: ``floor((n + 2p - f) / s) + 1`` (its slides: ``floor((n - f)/s + 1)`` unpadded,
    ``n + 2p - f + 1`` at stride 1). Example: the 6x6 image, 3x3 filter, stride 3: 2.

    >>> seed001_output_size(6, 3, 3, 0)
    2
    """
    n, f, s, p = _window("seed001_output_size", ("n", n), ("f", f), ("s", s), ("p", p))
    return floor_div(n + 2 * p - f, s) + 1


def seed001_same_padding(f=f):
    """Seed 001 (and seed 004's ``P = (M - 1)/2``): ``p = (f - 1) / 2``, for odd ``f`` and stride 1.

    >>> seed001_same_padding(5)
    2
    """
    f = check_size("seed001_same_padding", "f", f)
    return _ratio(f - 1, 2)


def seed001_conv_weights(C_in=C_in, C_out=C_out, K_W=K_W, K_H=K_H):
    """Seed 001: weight parameters ``C_in x C_out x K_W x K_H`` (biases: ``C_out``, :func:`seed001_conv_biases`).

    >>> seed001_conv_weights(32, 64, 3, 3)
    18432
    """
    C_in, C_out, K_W, K_H = (check_size("seed001_conv_weights", name, v) for name, v in
                             (("C_in", C_in), ("C_out", C_out), ("K_W", K_W), ("K_H", K_H)))
    return C_in * C_out * K_W * K_H


def seed001_conv_biases(C_out=C_out):
    """Seed 001: bias parameters ``C_out``, one per filter."""
    C_out = check_size("seed001_conv_biases", "C_out", C_out)
    return C_out


def seed001_layer_weights(K_prev=K_prev, f=f, K_l=K_l):
    """Seed 001: ``K_{l-1} * f * f * K_l`` "parameters in layer l" -- the weights only: the
    slide leaves out the ``K_l`` biases that its previous slide counts.

    >>> seed001_layer_weights(32, 3, 64)
    18432
    """
    K_prev, f, K_l = (check_size("seed001_layer_weights", name, v) for name, v in (("K_prev", K_prev), ("f", f), ("K_l", K_l)))
    return K_prev * f * f * K_l


def seed004_output_size(J=J, M=M, P=P, S=S):
    """Seed 004: ``floor((J + 2P - M) / S) + 1`` along the side of length ``J`` (and ``K``).

    >>> seed004_output_size(32, 5, 0, 1)
    28
    """
    J, M, S, P = _window("seed004_output_size", ("J", J), ("M", M), ("S", S), ("P", P))
    return floor_div(J + 2 * P - M, S) + 1


def seed004_parameter_count(M=M, C=C, C_OUT=C_OUT):
    """Seed 004: ``(M^2 C + 1) C_OUT`` weights and biases of an ``M x M`` convolution.

    >>> seed004_parameter_count(3, 32, 64)
    18496
    """
    M, C, C_OUT = (check_size("seed004_parameter_count", name, v) for name, v in (("M", M), ("C", C), ("C_OUT", C_OUT)))
    return (M**2 * C + 1) * C_OUT


def _window(op, length, kernel, stride, padding):
    """``(name, value)`` of a seed's input length, kernel, stride (>= 1) and padding (>= 0), checked, and
    the kernel fitting in the padded input (``length + 2 padding >= kernel``). Returns the four values."""
    values = [check_size(op, name, value, minimum=minimum)
              for (name, value), minimum in zip((length, kernel, stride, padding), (1, 1, 1, 0))]
    check_span_fits(op, values[0], values[1], values[3], values[3], 1)
    return values


def _ratio(a, b):
    """``a / b`` exactly: a sympy expression for symbols; for ints an ``int`` when ``b`` divides ``a``,
    else a ``sympy.Rational`` (a seed formula that is not a count there)."""
    if is_symbolic(a, b):
        return a / b
    value = sympy.Rational(a, b)
    return int(value) if value.is_Integer else value
