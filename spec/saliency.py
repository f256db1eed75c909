"""Visualising a trained CNN (seed 004): Grad-CAM, FGSM, DeepDream, class-score maximisation.

The techniques are defined on a network given as a **layer list** and a **weights dict**;
``convspec.reference.saliency`` (numpy, gradients by chaining the reference VJPs) and
``convspec.accelerated.saliency`` (torch, ``torch.autograd``) implement them with the same
names and signatures. This module holds the layer list of the tiny LeNet-like network
and its fixed weights (plain integer literals, so both implementations read the same
numbers), and the conventions.

Layer records (a tuple, run in order; ``name`` keys the weights dict)::

    ("conv", name, params)    correlate(x, weights[name + ".weight"], weights[name + ".bias"], **params)
    ("relu",)                 relu(x)
    ("max_pool", params)      max_pool(x, **params)
    ("global_avg_pool",)      global_avg_pool(x)
    ("flatten",)              flatten(x)
    ("dense", name)           dense(x, weights[name + ".weight"], weights[name + ".bias"])

``activations[i]`` is the output of layer ``i`` (``activations[-1]`` the logits).

Conventions (RFC 2119 words)
----------------------------
* **Class score.** The score of class ``c`` is the logit ``y_c`` (seed 004's "output-unit
  pre-activation ``a^c``"), not the softmax probability. A batch is a batch of separate
  problems: image ``b`` has its own class ``c_b``, and the gradient of ``sum_b y[b, c_b]``
  w.r.t. image ``b``'s input is that image's own gradient.
* **Grad-CAM** (Selvaraju et al., ICCV 2017, eq. 1-2). ``alpha[b, k] = (1 / M) sum_p
  d y_c / d A[b, k, p]`` (``M`` positions of the layer), ``map = ReLU(sum_k alpha_k A^k)``.
  ``A`` **must** default to the *post-activation* feature maps of the last convolutional
  layer (the output of the ReLU that follows it): the paper's ``A^k`` are "the feature
  maps of a convolutional layer", which in its VGG/AlexNet models are the rectified
  outputs. Seed 004 writes the derivative w.r.t. the *pre-activations* ``a_ij^(k)`` and
  ``L = sum_k alpha_k A^(k)`` without the ReLU; both readings are available (``layer=``
  picks the conv output itself, ``relu=False`` drops the final ReLU). With a ReLU
  between them, ``d y / d a = [a > 0] d y / d A``, so the two channel weights differ.
  The map has the layer's resolution ``(N, *spatial)``; upsampling it to the input is the
  caller's business.
* **FGSM** (Goodfellow et al., 2015; seed 004). ``x' = x + epsilon * sign(grad_x E(x, t))``
  with ``E`` the cross-entropy of the true class, ``E = -log softmax(y)_t = logsumexp(y) - y_t``
  per image, whose logit gradient is ``softmax(y) - onehot(t)``. ``sign(0) = 0`` (a pixel
  with zero gradient is not moved; ``numpy.sign``, ``torch.sign``). No clipping to a pixel
  range.
* **DeepDream** (one step; seed 004: "set the backpropagation delta variables for that layer
  equal to the pre-activations of the nodes", i.e. ascend ``E = 1/2 sum a^2`` whose
  ``dE/da = a``). ``x' = x + step * g / mean(|g|)`` with ``g = grad_x E`` and the mean
  over each image's elements (the normalisation of Google's deepdream notebook). An image
  whose ``g`` is all zero is not moved (no division by zero).
* **Class-score maximisation** (Simonyan et al., 2014: ``argmax_x y_c(x) - lambda ||x||^2``).
  One plain gradient-ascent step ``x' = x + step * (grad_x y_c - 2 lambda x)``, unnormalised.
* Ties and kinks: every gradient here is the chain of the reference VJPs' rules
  (``relu'(0) = 0``; max pooling routes to the first maximum).
"""

from __future__ import annotations

# The tiny LeNet-like network: 1 x 8 x 8 input, 2 edge detectors, 2x2 max pool, 3 maps, 3 classes.
TINY_NET = (
    ("conv", "conv1", {"padding": 1}),
    ("relu",),
    ("max_pool", {"kernel_size": 2}),
    ("conv", "conv2", {"padding": 1}),
    ("relu",),
    ("global_avg_pool",),
    ("flatten",),
    ("dense", "fc"),
)

CLASSES = ("vertical", "horizontal", "blob")

_VERTICAL = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
_HORIZONTAL = [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]
_SPREAD = [[0, 1, 0], [1, 2, 1], [0, 1, 0]]
_ZERO = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
_CENTRE = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]

TINY_NET_WEIGHTS = {
    "conv1.weight": [[_VERTICAL], [_HORIZONTAL]],  # (2, 1, 3, 3)
    "conv1.bias": [0, 0],
    "conv2.weight": [  # (3, 2, 3, 3)
        [_SPREAD, _ZERO],  # vertical edges, spread out
        [_ZERO, _SPREAD],  # horizontal edges
        [_CENTRE, _CENTRE],  # both at once
    ],
    "conv2.bias": [0, 0, -1],
    "fc.weight": [[2, -1, 0], [-1, 2, 0], [0, 0, 4]],  # (3 classes, 3 features)
    "fc.bias": [0, 0, -1],
}


def last_conv_activation(layers=TINY_NET) -> int:
    """The index of the activation Grad-CAM reads by default: the ReLU right after the last conv (else the conv)."""
    if not isinstance(layers, (tuple, list)) or not all(isinstance(layer, (tuple, list)) and layer for layer in layers):
        raise TypeError(
            f"grad_cam: layers must be a sequence of layer records (non-empty tuples such as ('relu',)), got {layers!r}"
        )
    convs = [i for i, layer in enumerate(layers) if layer[0] == "conv"]
    if not convs:
        raise ValueError("grad_cam: the network has no convolutional layer")
    last = convs[-1]
    if last + 1 < len(layers) and layers[last + 1][0] == "relu":
        return last + 1
    return last
