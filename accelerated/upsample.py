"""Fast upsampling (torch): nearest, nearest_exact, linear, bilinear, trilinear, bicubic.

Same name, signature and semantics as :func:`convspec.reference.upsample.upsample`;
takes and returns ``torch.Tensor`` on whatever device the input lives, for float16,
bfloat16, float32 and float64, with autograd flowing through.

* The linear modes call torch's native kernels (``upsample_linear1d``,
  ``upsample_bilinear2d``, ``upsample_trilinear3d``, what ``F.interpolate`` calls) with
  the output size from the spec's closed form *and* the scale factor, so that the
  coordinate step is ``1 / scale_factor`` as specified even when torch's own float64
  output length would differ (``100 * 0.29``: torch 28, spec 29). torch's kernels copy
  an axis whose length does not change even when the scale factor is not 1
  (``n = 2, scale_factor=1.1``: o = 2, step 10/11); such an axis gets one replicated
  sample appended first, which the interpolation never weights.
* ``"bicubic"`` with torch's coefficient ``a = -0.75`` calls torch's native
  ``upsample_bicubic2d`` (size and scale factors as for the linear modes; torch 2.13
  weighs four taps on every axis, also where the length does not change). Any other
  ``a`` computes the separable 4-tap sum with torch ops: per axis the spec's clamped
  indices and exact weights (rounded once to float64, then to the computing dtype:
  float32 for float16/bfloat16, as torch's kernel) gathered with ``index_select``,
  one axis at a time, differentiable.
* The nearest modes call torch's native kernels when torch's source indices, forward
  *and* backward, equal the exact ones for these sizes, which is checked once per
  (device, dtype, axis, sizes, scale) by running the kernels on an index ramp and cached. Where torch would
  round across a boundary (``2 -> 82`` samples), and for more than three spatial axes,
  they gather with exact integer indices (``index_select``, one axis at a time).

Conventions: :mod:`convspec.spec.conventions`, :mod:`convspec.spec.upsample`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import torch

from convspec.spec.upsample import (
    CUBIC_COEFFICIENT,
    LINEAR_MODES,
    UpsampleArguments,
    check_upsample_arguments,
    cubic_taps,
    nearest_exact_source,
    nearest_source,
)

from . import _plans
from ._tensors import check_tensor

_nn = torch._C._nn
_NEAREST = {
    "nearest": {1: _nn.upsample_nearest1d, 2: _nn.upsample_nearest2d, 3: _nn.upsample_nearest3d},
    "nearest_exact": {1: _nn._upsample_nearest_exact1d, 2: _nn._upsample_nearest_exact2d, 3: _nn._upsample_nearest_exact3d},
}
_NEAREST_BACKWARD = {
    "nearest": {1: "upsample_nearest1d_backward", 2: "upsample_nearest2d_backward", 3: "upsample_nearest3d_backward"},
    "nearest_exact": {
        1: "_upsample_nearest_exact1d_backward",
        2: "_upsample_nearest_exact2d_backward",
        3: "_upsample_nearest_exact3d_backward",
    },
}
_LINEAR = {"linear": _nn.upsample_linear1d, "bilinear": _nn.upsample_bilinear2d, "trilinear": _nn.upsample_trilinear3d}
_EXACT_RAMP = {torch.float16: 2**11, torch.bfloat16: 2**8, torch.float32: 2**24, torch.float64: 2**53}


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
    """Upsampling by interpolation; see :func:`convspec.reference.upsample.upsample` for the definition."""
    op = "upsample"
    check_tensor(op, "x", x)
    plan = _plan(op, tuple(x.shape), scale_factor, size, mode, align_corners, cubic_coefficient)
    plan.outputs.check(x.dtype)  # the output-size limit, per call: before any index or kernel
    if plan.mode == "bicubic":
        if plan.cubic_coefficient == Fraction(-3, 4):
            return _nn.upsample_bicubic2d(x, plan.output_size, plan.align_corners, *plan.scales)
        return _cubic(x, plan)
    if plan.mode in LINEAR_MODES:
        for axis in plan.copied_axes:
            # torch's linear kernels copy an axis whose length does not change, ignoring the scale
            # factor; one more (replicated) sample makes the lengths differ. It is never weighted:
            # there r < 1, so s < n - 1 and i1 <= n - 1 (and if rounding reaches it, it equals x[n-1]).
            last = x.narrow(2 + axis, plan.input_size[axis] - 1, 1)
            x = torch.cat([x, last], dim=2 + axis)
        return _LINEAR[plan.mode](x, plan.output_size, plan.align_corners, *plan.scales)
    native = _NEAREST[plan.mode].get(plan.spatial_dims)
    if native is not None and _native_is_exact(x, plan):
        return native(x, plan.output_size, *plan.scales)
    return _gather(x, plan)


@dataclass(frozen=True)
class _Plan:
    """What one call needs, derived once per argument combination from the checked arguments."""

    mode: str
    align_corners: bool
    input_size: tuple[int, ...]
    output_size: tuple[int, ...]
    scales: tuple[float | None, ...]  # what torch's kernels take: the scale factor, or None for a size
    steps: tuple[Fraction, ...]
    outputs: _plans.Outputs  # (N, C, *output_size), checked against the limit on every call
    cubic_coefficient: Fraction = Fraction(-3, 4)
    exact: dict = field(default_factory=dict, compare=False)  # (device, dtype) -> _native_indices_are_exact

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)

    @property
    def copied_axes(self) -> tuple[int, ...]:
        """Linear modes: axes where ``o == n`` but the step is not 1 (``1 < scale_factor < 1 + 1/n``)."""
        if self.align_corners:
            return ()  # s = t (n - 1)/(n - 1) = t: a copy is right
        return tuple(a for a, (n, o, r) in enumerate(zip(self.input_size, self.output_size, self.steps)) if n == o and r != 1)

    @classmethod
    def of(cls, op: str, shape: tuple[int, ...], args: UpsampleArguments) -> _Plan:
        scales = (None,) * args.spatial_dims if args.scale_factor is None else tuple(map(float, args.scale_factor))
        outputs = _plans.Outputs(op, [(tuple(shape[:2]) + args.output_size, "output")])
        return cls(args.mode, args.align_corners, args.input_size, args.output_size, scales, args.steps, outputs,
                   cubic_coefficient=args.cubic_coefficient)


_PLANS: dict[tuple, _Plan] = {}


def _frozen(value):
    """A hashable key that tells apart values that compare equal but mean different things (1, 1.0, True)."""
    if isinstance(value, (tuple, list)):
        return (type(value), tuple(_frozen(v) for v in value))
    hash(value)  # TypeError for unhashable values: such calls are simply not cached
    return (type(value), value)


def _plan(op, shape, scale_factor, size, mode, align_corners, cubic_coefficient=CUBIC_COEFFICIENT) -> _Plan:
    """Check and normalise the arguments; repeated calls with the same arguments skip the checks."""
    try:
        key = (shape, _frozen(scale_factor), _frozen(size), _frozen(mode), _frozen(align_corners),
               _frozen(cubic_coefficient))
    except TypeError:
        key = None
    plan = _PLANS.get(key) if key is not None else None
    if plan is None:
        args = check_upsample_arguments(
            op, shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners,
            cubic_coefficient=cubic_coefficient,
        )
        plan = _Plan.of(op, shape, args)
        if key is not None and len(_PLANS) < 4096:
            _PLANS[key] = plan
    return plan


@lru_cache(maxsize=4096)
def _exact_indices(mode: str, n: int, o: int, step: Fraction) -> tuple[int, ...]:
    """The spec's source index for every output index along one axis (exact rational arithmetic)."""
    source = nearest_source if mode == "nearest" else nearest_exact_source
    return tuple(source(t, n, step) for t in range(o))


def _native_is_exact(x: torch.Tensor, plan: _Plan) -> bool:
    """:func:`_native_indices_are_exact`, remembered in the plan per (device, dtype)."""
    key = (x.device, x.dtype)
    exact = plan.exact.get(key)
    if exact is None:
        exact = plan.exact[key] = _native_indices_are_exact(x, plan)
    return exact


def _native_indices_are_exact(x: torch.Tensor, plan: _Plan) -> bool:
    largest = max(max(plan.input_size), max(plan.output_size))
    ramp_dtype = x.dtype if largest <= _EXACT_RAMP[x.dtype] else torch.float32
    return all(
        _native_axis_is_exact(str(x.device), ramp_dtype, plan.spatial_dims, axis, plan.mode, n, o, scale, step)
        for axis, (n, o, scale, step) in enumerate(zip(plan.input_size, plan.output_size, plan.scales, plan.steps))
    )


@lru_cache(maxsize=4096)
def _native_axis_is_exact(device, ramp_dtype, spatial_dims, axis, mode, n, o, scale, step) -> bool:
    """Does torch's kernel, forward and backward, use the exact source indices along ``axis``?

    Forward: the kernel applied to the ramp 0..n-1 returns the indices it picks.
    Backward: its gradient for an all-ones output counts how often each input is picked
    (the picks are monotone, so the counts fix them). Both are checked because torch
    2.13's float64 forward computes indices in float64 while its backward uses float32.
    """
    shape = [1] * spatial_dims
    shape[axis] = n
    ramp = torch.arange(n, device=device, dtype=ramp_dtype).reshape(1, 1, *shape)
    out_size = [1] * spatial_dims
    out_size[axis] = o
    scales = [None] * spatial_dims
    scales[axis] = scale
    exact = _exact_indices(mode, n, o, step)
    picked = _NEAREST[mode][spatial_dims](ramp, out_size, *scales)
    if tuple(int(v) for v in picked.flatten().tolist()) != exact:
        return False
    backward = getattr(torch.ops.aten, _NEAREST_BACKWARD[mode][spatial_dims])
    ones = torch.ones((1, 1, *out_size), device=device, dtype=ramp_dtype)
    counts = backward(ones, out_size, list(ramp.shape), *scales)
    tally = Counter(exact)
    return [int(v) for v in counts.flatten().tolist()] == [tally[i] for i in range(n)]


def _gather(x: torch.Tensor, plan: _Plan) -> torch.Tensor:
    """Nearest modes with exact integer indices, one axis at a time (any number of axes)."""
    out = x
    for axis, (n, o, step) in enumerate(zip(plan.input_size, plan.output_size, plan.steps)):
        if n == o and step == 1:
            continue  # the identity along this axis
        index = torch.tensor(_exact_indices(plan.mode, n, o, step), device=x.device)
        out = out.index_select(2 + axis, index)
    return out.clone() if out is x else out  # never hand back the input itself


@lru_cache(maxsize=4096)
def _cubic_axis(n: int, o: int, step: Fraction, align_corners: bool, a: Fraction):
    """Per tap k = 0..3: the clamped source indices and exact weights (as float64) of every output index."""
    half = Fraction(1, 2)
    indices, weights = [[] for _ in range(4)], [[] for _ in range(4)]
    for t in range(o):
        if align_corners:
            s = Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)
        else:
            s = (t + half) * step - half
        for k, (i, w) in enumerate(cubic_taps(s, n, a)):
            indices[k].append(i)
            weights[k].append(float(w))
    return tuple(map(tuple, indices)), tuple(map(tuple, weights))


def _cubic(x: torch.Tensor, plan: _Plan) -> torch.Tensor:
    """Bicubic with any coefficient: the separable 4-tap sum, one axis at a time (float32 inside for
    float16 and bfloat16), with autograd flowing through the gathers and products."""
    compute = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    out = x.to(compute)
    for axis, (n, o, step) in enumerate(zip(plan.input_size, plan.output_size, plan.steps)):
        indices, weights = _cubic_axis(n, o, step, plan.align_corners, plan.cubic_coefficient)
        view = [1] * (2 + plan.spatial_dims)
        view[2 + axis] = o
        total = None
        for index, weight in zip(indices, weights):
            picked = out.index_select(2 + axis, torch.tensor(index, device=x.device))
            term = picked * torch.tensor(weight, device=x.device, dtype=compute).reshape(view)
            total = term if total is None else total + term
        out = total
    return out.to(x.dtype)
