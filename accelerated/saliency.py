"""Fast Grad-CAM, FGSM, DeepDream and class-score maximisation (torch, ``torch.autograd``).

Same names, signatures and semantics as :mod:`convspec.reference.saliency` (definitions:
:mod:`convspec.spec.saliency`); takes and returns ``torch.Tensor``. The network runs
through :mod:`convspec.accelerated`'s layers and every gradient is ``torch.autograd.grad``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec.spec.saliency import TINY_NET, TINY_NET_WEIGHTS, last_conv_activation

from .activations import dense, flatten, relu
from .conv import correlate
from .pool import global_avg_pool, max_pool
from ._tensors import check_tensor


def tiny_net_weights(dtype="float32"):
    """The fixed weights of :data:`~convspec.spec.saliency.TINY_NET` as tensors of ``dtype``."""
    dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
    return {name: torch.tensor(values, dtype=dtype) for name, values in TINY_NET_WEIGHTS.items()}


def activations(x, weights=None, layers=TINY_NET):
    """Every layer's output, in order; the last are the logits."""
    return [a.detach() for a in _forward(x, _weights(weights, x), layers)[1:]]


def forward(x, weights=None, layers=TINY_NET):
    """The logits ``(N, classes)``."""
    return activations(x, weights, layers)[-1]


def grad_cam(x, target_class, weights=None, layers=TINY_NET, *, layer=None, relu=True):
    """Grad-CAM maps ``(N, *spatial)``; see :func:`convspec.reference.saliency.grad_cam`."""
    w = _weights(weights, x)
    layer = last_conv_activation(layers) if layer is None else layer
    trace = _forward(x.detach().requires_grad_(True), w, layers)
    features = trace[layer + 1]
    score = _class_score(trace[-1], target_class)
    (grad,) = torch.autograd.grad(score, features)
    alpha = grad.mean(dim=tuple(range(2, features.dim())), keepdim=True)
    cam = (alpha * features.detach()).sum(dim=1)
    return torch.relu(cam) if relu else cam


def fgsm(x, label, epsilon, weights=None, layers=TINY_NET):
    """``x + epsilon * sign(grad_x E)``; see :func:`convspec.reference.saliency.fgsm`."""
    return (x + epsilon * torch.sign(input_gradient_of_loss(x, label, weights, layers))).detach()


def input_gradient_of_loss(x, label, weights=None, layers=TINY_NET):
    """``grad_x`` of the summed cross-entropy of the true labels."""
    w = _weights(weights, x)
    x = x.detach().requires_grad_(True)
    logits = _forward(x, w, layers)[-1]
    labels = torch.as_tensor(label, device=logits.device).broadcast_to(logits.shape[:1]).long()
    loss = F.cross_entropy(logits, labels, reduction="sum")
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def deep_dream_step(x, layer, step_size, weights=None, layers=TINY_NET):
    """``x + step * g / mean(|g|)``, ``g = grad_x (1/2) sum a^2``; see :func:`convspec.reference.saliency.deep_dream_step`."""
    w = _weights(weights, x)
    x = x.detach().requires_grad_(True)
    a = _forward(x, w, layers)[layer + 1]
    (g,) = torch.autograd.grad(0.5 * a.square().sum(), x)
    scale = g.abs().mean(dim=tuple(range(1, g.dim())), keepdim=True)
    moved = torch.where(scale > 0, g / torch.where(scale > 0, scale, torch.ones_like(scale)), torch.zeros_like(g))
    return (x + step_size * moved).detach()


def class_score_step(x, target_class, step_size, weights=None, layers=TINY_NET, *, l2=0.0):
    """``x + step * (grad_x y_c - 2 l2 x)``; see :func:`convspec.reference.saliency.class_score_step`."""
    g = input_gradient_of_score(x, target_class, weights, layers)
    return (x + step_size * (g - 2 * l2 * x)).detach()


def input_gradient_of_score(x, target_class, weights=None, layers=TINY_NET):
    """``grad_x y[b, c_b]`` per image."""
    w = _weights(weights, x)
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(_class_score(_forward(x, w, layers)[-1], target_class), x)
    return grad


def _weights(weights, x):
    check_tensor("saliency", "x", x)  # every public function starts here (the reference's _input)
    if weights is None:
        weights = tiny_net_weights(x.dtype)
    return {name: value.to(device=x.device) for name, value in weights.items()}


def _forward(x, w, layers):
    trace = [x]
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


def _class_score(logits, target_class):
    """``sum_b logits[b, c_b]``: the gradient w.r.t. image ``b`` is that image's own."""
    batch, classes = logits.shape
    targets = torch.as_tensor(target_class, device=logits.device).broadcast_to((batch,)).long()
    if bool(((targets < 0) | (targets >= classes)).any()):
        raise ValueError(f"saliency: class out of range for {classes} classes")
    return logits.gather(1, targets[:, None]).sum()
