"""The torch backend settings convspec.accelerated needs on CUDA: full float32, deterministic cuDNN.

:func:`configure` runs once, when :mod:`convspec.accelerated` is imported; see the package
docstring for what it sets and why. Nothing here runs per call.
"""

from __future__ import annotations

import torch

#: What :func:`configure` sets (attribute path under ``torch.backends`` -> value).
SETTINGS = {
    "cuda.matmul.allow_tf32": False,  # F.linear / einsum / matmul in float32: IEEE, not TF32
    "cudnn.allow_tf32": False,  # cuDNN convolutions in float32: IEEE, not TF32 (torch's default is True)
    "cudnn.deterministic": True,  # cuDNN picks deterministic convolution algorithms (forward and backward)
    "cudnn.benchmark": False,  # no timing-based algorithm choice: the same algorithm on every run
}

#: The same for torch's newer precision API (torch >= 2.9), where it exists.
FP32_PRECISION = ("cuda.matmul", "cudnn.conv")


def _resolve(path: str):
    *parents, name = path.split(".")
    owner = torch.backends
    for part in parents:
        owner = getattr(owner, part, None)
        if owner is None:
            return None, name
    return owner, name


def configure() -> None:
    """Set :data:`SETTINGS` (and ``fp32_precision = "ieee"`` for :data:`FP32_PRECISION` where torch has it)."""
    for path, value in SETTINGS.items():
        owner, name = _resolve(path)
        if owner is not None and hasattr(owner, name):
            setattr(owner, name, value)
    for path in FP32_PRECISION:
        owner, _ = _resolve(path + ".fp32_precision")
        if owner is not None and hasattr(owner, "fp32_precision"):
            owner.fp32_precision = "ieee"


def current() -> dict[str, object]:
    """The settings now in force (a user or another library may have changed them after the import)."""
    state = {}
    for path in SETTINGS:
        owner, name = _resolve(path)
        state[path] = getattr(owner, name, None) if owner is not None else None
    for path in FP32_PRECISION:
        owner, _ = _resolve(path + ".fp32_precision")
        state[path + ".fp32_precision"] = getattr(owner, "fp32_precision", None) if owner is not None else None
    return state


def checking_flags():
    """The cuDNN settings of :data:`SETTINGS` as a context manager, for code that checks a torch implementation
    (``convspec check``): ``torch.backends.cudnn.flags`` sets every flag it takes, and its defaults would turn
    TF32 on and determinism off inside the block."""
    return torch.backends.cudnn.flags(enabled=True, benchmark=False, deterministic=True, allow_tf32=False)
