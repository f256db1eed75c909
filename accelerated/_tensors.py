"""The check every tensor argument of :mod:`convspec.accelerated` passes first: a ``torch.Tensor`` of a spec dtype.

The spec computes in four floating dtypes: float16, bfloat16, float32 and float64
(:mod:`convspec.spec.conventions`). torch has more dtypes that call themselves floating point
(``torch.float8_e4m3fn.is_floating_point`` is True, and so for float8_e5m2, the ``fnuz`` variants,
float8_e8m0fnu, ...), which its CPU kernels mostly refuse with a ``NotImplementedError`` from deep
inside (``"clamp_min_scalar_cpu" not implemented for 'Float8_e4m3fn'``) and a few (a view such as
``flatten``) accept. convspec refuses them all, up front, with the same ``TypeError`` the reference
raises for a ``longdouble`` array:

>>> import torch
>>> check_tensor("relu", "x", torch.zeros(2, dtype=torch.float8_e4m3fn))
Traceback (most recent call last):
    ...
TypeError: relu: x must have a floating-point dtype (float16, bfloat16, float32 or float64), got float8_e4m3fn; convert it first, e.g. x.astype('float32') / x.float()

A tensor argument must also hold its values densely, on a real device, beside the others: a sparse or
MKL-DNN tensor (``layout`` other than ``torch.strided``) is a ``TypeError``, a ``meta`` tensor (shapes without
values) a ``ValueError``, and so is a tensor on another device than ``x``. torch's kernels accept some of
these and fail deep inside on others (``Could not run 'aten::amin' with arguments from the 'SparseCPU'
backend``, ``Tensor on device cpu is not on the expected device meta!``); convspec refuses them all alike.

Where a function caches its checks (:mod:`._plans`), each tensor contributes :func:`key_of` to the key,
``(shape, dtype, device, layout)``, so that a configuration checked on dense CPU tensors is never taken for a
sparse, meta or other-device one.
"""

from __future__ import annotations

import torch

from convspec.spec.conventions import dtype_error

#: the dtypes convspec.accelerated computes in (a frozenset: a membership test is one hash lookup)
SPEC_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})


def dtype_name(dtype: torch.dtype) -> str:
    """``torch.float32`` -> ``"float32"``, as the spec's messages name dtypes."""
    return str(dtype).removeprefix("torch.")


def key_of(tensor: torch.Tensor | None):
    """What one tensor argument contributes to a cache key of checked configurations (:mod:`._plans`): everything
    the checks read of it, ``(shape, dtype, device, layout)``; ``None`` for an absent optional tensor."""
    return None if tensor is None else (tensor.shape, tensor.dtype, tensor.device, tensor.layout)


def check_tensor(op: str, name: str, value) -> None:
    """``value`` must be a ``torch.Tensor`` whose dtype is one of :data:`SPEC_DTYPES`."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"{op}: {name} must be a torch.Tensor, got {type(value).__name__}; wrap it with torch.as_tensor({name})"
        )
    if value.dtype not in SPEC_DTYPES:
        raise dtype_error(op, name, dtype_name(value.dtype))
    check_storage(op, name, value)


def check_storage(op: str, name: str, value: torch.Tensor) -> None:
    """``value`` (a tensor of any dtype: indices and class labels too) must be dense and hold values."""
    if value.layout is not torch.strided:
        raise TypeError(
            f"{op}: {name} must be a dense (strided) torch.Tensor, got layout {str(value.layout).removeprefix('torch.')}; "
            f"convert it first with {name}.to_dense()"
        )
    if value.is_meta:
        raise ValueError(
            f"{op}: {name} is a meta tensor, which has a shape but no values to compute with; "
            "pass a tensor on the CPU or a GPU"
        )


def check_same_device(op: str, name: str, value: torch.Tensor, first_name: str, first: torch.Tensor) -> None:
    """``value`` must be on ``first``'s device (every tensor argument of one call on one device)."""
    if value.device != first.device:
        raise ValueError(
            f"{op}: {name} is on device {value.device} but {first_name} is on {first.device}; "
            f"every tensor argument of one call must be on one device (move it with {name}.to({first_name}.device))"
        )
