"""Reference Grad-CAM, FGSM, DeepDream and class-score maximisation on a small network (numpy).

Definitions and conventions: :mod:`convspec.spec.saliency`. The network is a layer list
(default :data:`~convspec.spec.saliency.TINY_NET`) and a dict of weight arrays (default
:func:`tiny_net_weights`). Every gradient is the chain rule written out: the forward
keeps each layer's input, and the backward runs the layers in reverse through the
reference VJPs (:func:`~convspec.reference.conv_vjp.correlate_vjp`,
:func:`~convspec.reference.activations_vjp.relu_vjp`,
:func:`~convspec.reference.pool_vjp.max_pool_vjp`, ...), never autograd.
Values are float64 inside (or exact for ``dtype=object``) and rounded to ``x``'s dtype at the end.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.saliency import TINY_NET, TINY_NET_WEIGHTS, last_conv_activation

from .activations import dense, flatten, relu, softmax
from .activations_vjp import dense_vjp, flatten_vjp, relu_vjp
from .arrays import check_array
from .conv import correlate
from .conv_vjp import correlate_vjp
from .pool import global_avg_pool, max_pool
from .pool_vjp import global_avg_pool_vjp, max_pool_vjp


def tiny_net_weights(dtype="float32"):
    """The fixed weights of :data:`~convspec.spec.saliency.TINY_NET` as numpy arrays of ``dtype``."""
    return {name: np.array(values, dtype=dtype) for name, values in TINY_NET_WEIGHTS.items()}


def activations(x, weights=None, layers=TINY_NET):
    """Every layer's output, in order: ``activations(x)[i]`` is layer ``i``'s; the last are the logits."""
    return [np.asarray(a).astype(x.dtype) for a in _forward(_input(x), _weights(weights, x), layers)[1:]]


def forward(x, weights=None, layers=TINY_NET):
    """The logits ``(N, classes)``."""
    return activations(x, weights, layers)[-1]


def grad_cam(x, target_class, weights=None, layers=TINY_NET, *, layer=None, relu=True):
    """Grad-CAM maps ``(N, *spatial)`` of layer ``layer`` (default: the last conv's ReLU output).

    ``alpha[b, k] = mean_p d y[b, c_b] / d A[b, k, p]``, ``map[b] = ReLU(sum_k alpha[b, k] A[b, k])``
    (``relu=False``: without the ReLU, seed 004's ``L``).

    Args:
        x: ``(N, C, H, W)`` images.
        target_class: an int (every image) or one int per image.
        layer: the index of the activation to explain (``activations(x)[layer]``).
    """
    x = _input(x)
    w = _weights(weights, x)
    layer = last_conv_activation(layers) if layer is None else layer
    trace = _forward(x, w, layers)
    features = trace[layer + 1]
    grad = _class_upstream(trace[-1], target_class)
    grad = _backward(trace, w, layers, grad, to=layer + 1)  # d y_c / d A
    spatial = tuple(range(2, features.ndim))
    alpha = grad.sum(axis=spatial, keepdims=True) / int(np.prod(features.shape[2:]))
    cam = (alpha * features).sum(axis=1)
    if relu:
        cam = np.where(cam > 0, cam, 0)
    return cam.astype(x.dtype)


def fgsm(x, label, epsilon, weights=None, layers=TINY_NET):
    """``x + epsilon * sign(grad_x E)``, ``E`` the cross-entropy of the true ``label`` (per image; ``sign(0) = 0``)."""
    x = _input(x)
    gradient = input_gradient_of_loss(x, label, weights, layers)
    return (x.astype(np.float64) + epsilon * np.sign(gradient.astype(np.float64))).astype(x.dtype)


def input_gradient_of_loss(x, label, weights=None, layers=TINY_NET):
    """``grad_x E``, ``E = sum_b (logsumexp(y_b) - y[b, t_b])``; the logit gradient is ``softmax(y) - onehot(t)``."""
    x = _input(x)
    w = _weights(weights, x)
    trace = _forward(x, w, layers)
    logits = trace[-1]
    grad = softmax(logits.astype(np.float64), axis=1) - _class_upstream(logits, label)
    return _backward(trace, w, layers, grad).astype(x.dtype)


def deep_dream_step(x, layer, step_size, weights=None, layers=TINY_NET):
    """One DeepDream step: ``x + step * g / mean(|g|)``, ``g = grad_x (1/2) sum a^2`` for ``a = activations(x)[layer]``.

    The upstream at the layer is the activation itself (``dE/da = a``, seed 004); the mean
    of ``|g|`` is per image; an image with ``g == 0`` stays where it is.
    """
    x = _input(x)
    w = _weights(weights, x)
    trace = _forward(x, w, layers)
    g = _backward(trace, w, layers, trace[layer + 1], at=layer + 1)
    axes = tuple(range(1, g.ndim))
    scale = np.abs(g).sum(axis=axes, keepdims=True) / int(np.prod(g.shape[1:]))
    moved = np.where(scale > 0, g / np.where(scale > 0, scale, 1), 0)
    return (x.astype(np.float64) + step_size * moved).astype(x.dtype)


def class_score_step(x, target_class, step_size, weights=None, layers=TINY_NET, *, l2=0.0):
    """One ascent step on ``y_c(x) - l2 * ||x||^2``: ``x + step * (grad_x y_c - 2 l2 x)``."""
    x = _input(x)
    w = _weights(weights, x)
    trace = _forward(x, w, layers)
    g = _backward(trace, w, layers, _class_upstream(trace[-1], target_class))
    return (x + step_size * (g - 2 * l2 * x)).astype(x.dtype)


def input_gradient_of_score(x, target_class, weights=None, layers=TINY_NET):
    """``grad_x y[b, c_b]`` (the plain saliency of Simonyan et al.), per image."""
    x = _input(x)
    w = _weights(weights, x)
    trace = _forward(x, w, layers)
    return _backward(trace, w, layers, _class_upstream(trace[-1], target_class)).astype(x.dtype)


# ---------------------------------------------------------------------------
# The chain rule, layer by layer


def _input(x):
    return check_array("saliency", "x", x)


def _weights(weights, x):
    if weights is None:
        weights = tiny_net_weights("float64" if x.dtype != object else object)
    return {name: np.asarray(value).astype(np.float64 if x.dtype != object else object)
            for name, value in weights.items()}


def _forward(x, w, layers):
    """``trace[0] = x`` (float64 or object), ``trace[i + 1]`` the output of layer ``i``."""
    trace = [x.astype(np.float64) if x.dtype != object else x]
    for record in layers:
        trace.append(_apply(record, trace[-1], w))
    return trace


def _apply(record, h, w):
    kind = record[0]
    if kind == "conv":
        _, name, params = record
        return correlate(h, w[f"{name}.weight"], w.get(f"{name}.bias"), **params)
    if kind == "relu":
        return relu(h)
    if kind == "max_pool":
        return max_pool(h, **record[1])
    if kind == "global_avg_pool":
        return global_avg_pool(h)
    if kind == "flatten":
        return flatten(h)
    if kind == "dense":
        name = record[1]
        return dense(h, w[f"{name}.weight"], w.get(f"{name}.bias"))
    raise ValueError(f"saliency: unknown layer kind {kind!r}")


def _vjp(record, grad, h, w):
    """The gradient w.r.t. the layer's input ``h`` from the gradient w.r.t. its output."""
    kind = record[0]
    if kind == "conv":
        _, name, params = record
        return correlate_vjp(grad, h, w[f"{name}.weight"], w.get(f"{name}.bias"), **params)[0]
    if kind == "relu":
        return relu_vjp(grad, h)[0]
    if kind == "max_pool":
        return max_pool_vjp(grad, h, **record[1])[0]
    if kind == "global_avg_pool":
        return global_avg_pool_vjp(grad, h)[0]
    if kind == "flatten":
        return flatten_vjp(grad, h)[0]
    if kind == "dense":
        name = record[1]
        return dense_vjp(grad, h, w[f"{name}.weight"], w.get(f"{name}.bias"))[0]
    raise ValueError(f"saliency: unknown layer kind {kind!r}")


def _backward(trace, w, layers, grad, at=None, to=0):
    """``grad`` is the gradient w.r.t. ``trace[at]`` (default: the logits); run it back to ``trace[to]``.

    Layer ``i`` maps ``trace[i]`` to ``trace[i + 1]``, so the VJPs of layers ``at - 1, ..., to`` apply.
    """
    at = len(layers) if at is None else at
    for i in range(at - 1, to - 1, -1):
        grad = _vjp(layers[i], grad, trace[i], w)
    return grad


def _class_upstream(logits, target_class):
    """One-hot ``(N, classes)``: 1 at each image's class."""
    batch, classes = logits.shape
    targets = np.broadcast_to(np.asarray(target_class), (batch,))
    upstream = np.zeros((batch, classes), dtype=logits.dtype if logits.dtype == object else np.float64)
    for b, c in enumerate(targets):
        if not 0 <= int(c) < classes:
            raise ValueError(f"saliency: class {int(c)} out of range for {classes} classes")
        upstream[b, int(c)] = 1
    return upstream
