"""Reference backward passes of activations and dense layers (numpy, loops): vector-Jacobian products.

Convention of :mod:`convspec.reference.conv_vjp`: ``<op>_vjp(grad_out, *inputs, **params)``
returns the gradients of ``L = sum(grad_out * <op>(*inputs, **params))`` with respect to
each array argument, as a tuple in argument order (``None`` for a bias that is ``None``),
each of its input's shape and dtype, computed in float64 (or exactly for ``dtype=object``)
and rounded once.

Non-smooth points and non-finite values, stated once (they are PyTorch's choices too, and
``tests/test_gradients.py`` checks them against ``torch.autograd``):

* ``relu``: the derivative is taken from the branch the forward takes. ``relu(x) = x`` for
  ``x > 0`` and for NaN (NaN propagates), ``0`` otherwise, so ``relu'(x) = 1`` for ``x > 0``,
  ``x = +inf`` and ``x = NaN`` (``grad_out`` passes through unchanged), and ``relu'(x) = 0``
  for ``x <= 0`` -- **at 0 the gradient is 0** (the subgradient torch, JAX and TensorFlow
  pick), and ``-0.0`` is 0.
* ``sigmoid``: ``sigmoid'(x) = s (1 - s)`` with ``s = sigmoid(x)``: 0 at ``±inf``, NaN at NaN.
* ``softmax``: ``grad_x_i = s_i (g_i - sum_j g_j s_j)`` per slice; a ``-inf`` logit
  (``s_i = 0``) gets 0; a slice whose softmax is NaN (a NaN, a ``+inf``, only ``-inf``)
  gets NaN everywhere.
* ``flatten`` and ``dense`` are (multi)linear: NaN and infinities in the data flow through
  the products as IEEE arithmetic says.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.activations import check_dense_arguments, check_flatten_arguments, check_softmax_axis

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .conv_vjp import check_grad_out


def relu_vjp(grad_out, x):
    """Gradient of ``sum(grad_out * relu(x))``: ``(grad_x,)``.

    Definition: ``relu(x) = x`` where ``x > 0`` or ``x`` is NaN, else ``0``; so::

        grad_x[i] = grad_out[i]   if x[i] > 0 or x[i] is NaN
                  = 0             if x[i] <= 0 (also at 0 and -0.0; also -inf)

    The gradient at 0 is 0 (torch's ``threshold_backward``: zero where ``x <= 0``).

    Example: ``x = [-1, 0, 2]``, ``grad_out = [5, 6, 7]``: ``grad_x = [0, 0, 7]``.
    """
    op = "relu_vjp"
    x = check_array(op, "x", x)
    grad = check_grad_out(op, grad_out, x.shape)
    grad_x = np.empty(x.shape, dtype=x.dtype)
    for index in np.ndindex(x.shape):
        value = x[index]
        grad_x[index] = grad[index] if (value > 0 or value != value) else 0  # value != value: NaN
    return (grad_x,)


def sigmoid_vjp(grad_out, x):
    """Gradient of ``sum(grad_out * sigmoid(x))``: ``(grad_x,)``, ``grad_x = grad_out * s * (1 - s)``.

    ``s = 1 / (1 + exp(-x))`` gives ``ds/dx = exp(-x) / (1 + exp(-x))^2 = s (1 - s)``
    (:func:`convspec.spec.activations.sigmoid_derivative`); ``s`` is the reference forward's
    float64 value, not the rounded output. 0 at ``±inf`` (``s`` is 0 or 1), NaN at NaN.

    Example: ``sigmoid_vjp([1], [0]) = ([1/4],)``.
    """
    op = "sigmoid_vjp"
    x = check_array(op, "x", x)
    grad = accumulator(check_grad_out(op, grad_out, x.shape))
    values = x.astype(np.float64)
    grad_x = np.empty(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        v = values[index]
        if v >= 0:
            s = 1.0 / (1.0 + np.exp(-v))
        else:  # also NaN
            e = np.exp(v)
            s = e / (1.0 + e)
        grad_x[index] = grad[index] * s * (1.0 - s)
    return (grad_x.astype(x.dtype),)


def softmax_vjp(grad_out, x, *, axis=-1):
    """Gradient of ``sum(grad_out * softmax(x, axis=axis))``: ``(grad_x,)``.

    Definition. Per slice along ``axis``, ``s_i = exp(x_i) / sum_k exp(x_k)`` has the Jacobian
    ``ds_i/dx_j = s_i (delta_ij - s_j)`` (the diagonal term *and* the ``-s_i s_j`` term), so::

        grad_x[j] = sum_i grad_out[i] s_i (delta_ij - s_j) = s_j (grad_out[j] - sum_i grad_out[i] s_i)

    with ``s`` the reference forward's float64 values (the maximum subtracted). A slice
    whose softmax is NaN gives NaN; a ``-inf`` logit (``s_j = 0``) gets 0.

    Example: ``x = [0, ln 3]`` (``s = [1/4, 3/4]``), ``grad_out = [1, 0]``:
    ``sum g s = 1/4``, ``grad_x = [1/4 * 3/4, 3/4 * (-1/4)] = [3/16, -3/16]``.
    """
    op = "softmax_vjp"
    x = check_array(op, "x", x)
    axis = check_softmax_axis("softmax", x.shape, axis)
    grad = accumulator(check_grad_out(op, grad_out, x.shape))
    values = x.astype(np.float64)
    grad_x = np.empty(x.shape, dtype=np.float64)
    others = [range(size) if a != axis else [slice(None)] for a, size in enumerate(x.shape)]
    with np.errstate(invalid="ignore"):
        for index in product(*others):
            s = _softmax_slice(values[index])
            g = grad[index]
            inner = sum((g[i] * s[i] for i in range(len(s))), start=0.0)
            grad_x[index] = [s[j] * (g[j] - inner) for j in range(len(s))]
    return (grad_x.astype(x.dtype),)


def flatten_vjp(grad_out, x):
    """Gradient of ``sum(grad_out * flatten(x))``: ``(grad_x,)``, ``grad_out`` folded back into ``x``'s shape.

    ``y[b, f] = x[b, i_1, ..., i_r]`` with ``f`` the row-major position, so
    ``grad_x[b, i_1, ..., i_r] = grad_out[b, f]``: the same index map read the other way
    (a copy; ``flatten`` is a permutation-free reshape, its adjoint the inverse reshape).
    """
    op = "flatten_vjp"
    x = check_array(op, "x", x)
    check_flatten_arguments("flatten", x.shape)
    grad = check_grad_out(op, grad_out, (x.shape[0], int(np.prod(x.shape[1:]))))
    grad_x = np.empty(x.shape, dtype=x.dtype)
    for b in range(x.shape[0]):
        for position in np.ndindex(x.shape[1:]):
            grad_x[(b, *position)] = grad[b, np.ravel_multi_index(position, x.shape[1:])]
    return (grad_x,)


def dense_vjp(grad_out, x, weight, bias=None):
    """Gradients of ``sum(grad_out * dense(x, weight, bias))``: ``(grad_x, grad_weight, grad_bias)``.

    The forward adds ``x[b, i] * weight[o, i]`` into ``y[b, o]`` for every ``(b, o, i)``, so
    term by term::

        grad_x[b, i]      += grad_out[b, o] * weight[o, i]     (grad_out @ weight)
        grad_weight[o, i] += grad_out[b, o] * x[b, i]          (grad_out.T @ x)
        grad_bias[o]       = sum over b of grad_out[b, o]

    Example: ``x = [[1, 2]]``, ``weight = [[3, 4], [5, 6]]``, ``grad_out = [[1, 10]]``:
    ``grad_x = [[53, 64]]``, ``grad_weight = [[1, 2], [10, 20]]``, ``grad_bias = [1, 10]``.
    """
    op = "dense_vjp"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    check_dense_arguments("dense", x.shape, weight.shape, None if bias is None else bias.shape)
    batch, n_in = x.shape
    n_out = weight.shape[0]
    grad = accumulator(check_grad_out(op, grad_out, (batch, n_out)))
    xs, ws = accumulator(x), accumulator(weight)
    grad_x, grad_weight = zeros(x.shape, like=x), zeros(weight.shape, like=weight)
    grad_bias = zeros((n_out,), like=x)
    for b, o in product(range(batch), range(n_out)):
        grad_bias[o] = grad_bias[o] + grad[b, o]
        for i in range(n_in):
            grad_x[b, i] = grad_x[b, i] + grad[b, o] * ws[o, i]
            grad_weight[o, i] = grad_weight[o, i] + grad[b, o] * xs[b, i]
    return (
        grad_x.astype(x.dtype),
        grad_weight.astype(weight.dtype),
        None if bias is None else grad_bias.astype(bias.dtype),
    )


def _softmax_slice(row: np.ndarray) -> np.ndarray:
    """One slice's softmax in float64, exactly as :func:`convspec.reference.activations.softmax` forms it."""
    e = np.exp(row - np.max(row))
    return e / np.sum(e)
