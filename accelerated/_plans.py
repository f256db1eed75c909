"""Argument checks that cost nothing on the hot path: checked plans, cached per configuration.

Every public function of :mod:`convspec.accelerated` checks its arguments with the
spec's shared checks (same rules, same messages as the reference) and derives what
its kernels need (resolved padding, output shape, native call arguments). All of
that depends only on the tensors' *shapes, dtypes, devices and layouts* and on the
other arguments, never on the tensors' values, so it is done once per configuration
and kept in a small dictionary keyed on exactly those:

* each tensor argument contributes :func:`._tensors.key_of` of itself, ``(shape,
  dtype, device, layout)`` -- or ``None`` for an absent optional tensor; a value that
  is not a ``torch.Tensor`` makes the call uncacheable (the full checks then run and
  raise their usual ``TypeError``);
* every other argument contributes :func:`freeze` of itself: its type and value,
  recursively through tuples and lists, so that values which compare equal but mean
  different things (``1``, ``1.0``, ``True``; ``(1, 2)`` and ``[1, 2]``) never share an
  entry. Only immutable scalars (``int``, ``bool``, ``float``, ``str``, ``None``, numpy
  scalars) and tuples/lists of them are keys; anything else (an unhashable value, a
  user object) makes the call uncacheable, and it simply runs the full checks.

Only a configuration whose checks *all passed* is stored, so a bad call never hits
the cache: it runs the checks again and raises the same error with the same message
every time. What does depend on the call itself stays per call:

* the output-size limit (:mod:`convspec.spec.limits`, which may change at run time
  through ``CONVSPEC_MAX_OUTPUT_ELEMENTS`` or ``set_output_limit``): the plan keeps
  the output shapes, and :func:`check_outputs` compares their extent with the limit
  in force (and, over it, lets :func:`~convspec.spec.limits.check_output_size`
  raise its message);
* checks on tensor *values* (``max_unpool``'s index range).

The dictionary holds at most :data:`MAX_PLANS` configurations; past that, new ones
are checked on every call (never evicted, so a hot configuration stays fast).
"""

from __future__ import annotations

import math
from typing import Hashable

import torch

from convspec.spec.limits import check_output_size, max_output_elements

MAX_PLANS = 4096

_PLANS: dict[Hashable, object] = {}


class Uncacheable(Exception):
    """A call whose arguments cannot be a key: it runs the full checks, uncached."""


_SCALARS = (bool, float, type(None))


def freeze(value: object) -> Hashable:
    """A hashable key that stands for ``value`` exactly: type and value, through tuples and lists.

    Raises ``Uncacheable`` for anything that is not an immutable scalar or a tuple/list of them.
    """
    kind = type(value)
    if kind is int or kind is str:
        return value  # everything else below freezes to a tuple, which never equals an int or a str
    if kind is tuple or kind is list or kind is torch.Size:
        return (kind, tuple([freeze(v) for v in value]))
    if kind in _SCALARS:
        return (kind, value)
    if kind.__module__ == "numpy" and kind.__name__ != "ndarray":
        try:
            hash(value)  # numpy scalars (np.int64(2), np.True_) are immutable and hashable
        except TypeError:
            raise Uncacheable from None
        return (kind, value)
    raise Uncacheable


def params_key(params: tuple) -> Hashable:
    """The key part of a call's non-tensor arguments: ``params`` itself when every one is an exact
    ``int`` or ``str`` (the common case, no work), else :func:`freeze` of each (raises ``Uncacheable``).

    Tensors are keyed by :func:`._tensors.key_of` of each, after an ``isinstance(..., torch.Tensor)`` test of
    every one.
    """
    for p in params:
        kind = type(p)
        if kind is not int and kind is not str:
            return tuple([freeze(v) for v in params])
    return params


def get(key: Hashable):
    """The plan stored under ``key``, or ``None``."""
    return _PLANS.get(key)


def store(key: Hashable, plan: object) -> object:
    """Keep ``plan`` (made by a call whose checks all passed) under ``key``, while there is room; return it."""
    if len(_PLANS) < MAX_PLANS:
        _PLANS[key] = plan
    return plan


def clear() -> None:
    """Forget every cached plan (tests; the next call of each configuration re-checks)."""
    _PLANS.clear()


class Outputs:
    """The shapes a call will allocate, with their extents, checked against the limit on every call."""

    __slots__ = ("checks", "largest")

    def __init__(self, op: str, shapes: list[tuple[tuple[int, ...], str]]):
        self.checks = tuple(
            (op, tuple(int(s) for s in shape), what, math.prod(max(int(s), 1) for s in shape)) for shape, what in shapes
        )
        self.largest = max((extent for *_, extent in self.checks), default=0)

    def check(self, dtype) -> None:
        """The output-size guard for this call (the limit may have changed since the plan was made)."""
        if self.largest <= max_output_elements():
            return
        for op, shape, what, _ in self.checks:
            check_output_size(op, shape, dtype, what=what)  # raises for the first shape over the limit
