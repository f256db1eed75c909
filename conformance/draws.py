"""Declared support that shapes the draws: a target's ``SUPPORTS_DRAWS``.

A narrow target (only 2-D, only float32, only ``"valid"`` and ``"same"`` padding, no groups)
could say so with a ``SUPPORTS`` predicate alone, but then the strategies draw the whole
parameter space and the predicate rejects most of it after the fact: hypothesis gives up
long before the example budget is spent, and a rare supported corner (TF's ``"same"``
pooling without padding in the average, ~1.5% of draws) is missed. ``SUPPORTS_DRAWS``
states the same limits declaratively, and the strategies draw inside them::

    SUPPORTS_DRAWS = {
        "*": {"dtypes": ("float32", "float64")},           # every operation
        "correlate": {"ranks": (2,), "groups": (1,), "padding": ("valid", "same")},
        "max_pool": {"ranks": (1, 2, 3), "padding": ("int", "valid", "same")},
    }

Keys (each a tuple of the values allowed; a key left out allows everything):

* ``ranks``: the number of spatial axes of the first input (``x.ndim - 2``);
* ``dtypes``: the input dtype names (``"float16"``, ``"float32"``, ``"float64"``);
* ``data``: ``"integers"`` (integer-valued floats, compared bit for bit) or ``"floats"``;
* ``padding``: padding forms, from ``"int"`` (one int for every side), ``"per_axis"`` (one int
  per axis), ``"per_side"`` (a ``(lo, hi)`` pair per axis), ``"valid"``, ``"same"``,
  ``"same_lower"``, ``"full"``;
* ``groups``: the ``groups`` values of a convolution.

The limits act twice: a case outside them is unsupported (reason "outside SUPPORTS_DRAWS:
..."), exactly as a ``SUPPORTS`` predicate saying so, and the strategies that draw these
parameters draw only inside them, so the target gets its full example budget. A ``SUPPORTS``
predicate may still refine what the keys cannot say. With no ``SUPPORTS_DRAWS`` the draws are
exactly those of an unconstrained check.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Iterator, Mapping

KEYS = ("ranks", "dtypes", "data", "padding", "groups")
PADDING_FORMS = ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full")

_ACTIVE: ContextVar[Mapping[str, tuple]] = ContextVar("convspec_draw_limits", default={})


def check_declaration(target: str, declared, operations: set[str]) -> dict[str, dict[str, tuple]]:
    """Validate a module's ``SUPPORTS_DRAWS``; returns op name (or ``"*"``) -> key -> allowed values."""
    if not isinstance(declared, dict):
        raise ValueError(f"target {target!r}: SUPPORTS_DRAWS must be a dict of operation name (or '*') -> "
                         f"dict of limits, got {type(declared).__name__}")
    checked = {}
    for op, limits in declared.items():
        if op != "*" and op not in operations:
            raise ValueError(f"target {target!r}: SUPPORTS_DRAWS names {op!r}, which the catalog lacks")
        if not isinstance(limits, dict):
            raise ValueError(f"target {target!r}: SUPPORTS_DRAWS[{op!r}] must be a dict of limits, "
                             f"got {type(limits).__name__}")
        unknown = sorted(set(limits) - set(KEYS))
        if unknown:
            raise ValueError(f"target {target!r}: SUPPORTS_DRAWS[{op!r}] has unknown key(s) {unknown}; "
                             f"the keys are {', '.join(KEYS)}")
        entry = {}
        for key, values in limits.items():
            values = (values,) if isinstance(values, (str, int)) else tuple(values)
            if key == "padding" and not set(values) <= set(PADDING_FORMS):
                raise ValueError(f"target {target!r}: SUPPORTS_DRAWS[{op!r}]['padding'] = {values!r}; the forms "
                                 f"are {', '.join(PADDING_FORMS)}")
            entry[key] = values
        checked[op] = entry
    return checked


def limits_for(declared: Mapping[str, Mapping[str, tuple]], op: str) -> dict[str, tuple]:
    """The limits on one operation: the ``"*"`` entry, overridden key by key by the operation's own."""
    return {**declared.get("*", {}), **declared.get(op, {})}


def padding_form(padding) -> str:
    """The form of a ``padding`` argument, as :data:`PADDING_FORMS` names it."""
    if isinstance(padding, str):
        return padding
    if isinstance(padding, (tuple, list)):
        if any(isinstance(p, (tuple, list)) for p in padding):
            return "per_side"
        return "per_axis"
    return "int"


def properties(case) -> dict[str, object]:
    """The values of a case that the keys limit (only those the operation has)."""
    first = next(iter(case.inputs.values()))
    found = {"dtypes": str(first.dtype), "data": case.data_kind}
    if first.ndim >= 2:
        found["ranks"] = first.ndim - 2
    if "padding" in case.params:
        found["padding"] = padding_form(case.params["padding"])
    if "groups" in case.params:
        found["groups"] = case.params["groups"]
    return found


def outside(limits: Mapping[str, tuple], case) -> str | None:
    """Why ``case`` lies outside ``limits`` (None when it lies inside)."""
    for key, value in properties(case).items():
        if key in limits and value not in limits[key]:
            return f"outside SUPPORTS_DRAWS: {key} {value!r} not in {limits[key]!r}"
    return None


@contextlib.contextmanager
def narrowed(limits: Mapping[str, tuple]) -> Iterator[None]:
    """Within the block, the strategies draw only inside ``limits`` (see :func:`allowed`)."""
    token = _ACTIVE.set(dict(limits))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def is_limited(key: str) -> bool:
    """Whether the active limits restrict ``key`` (a strategy keeps its usual draw when not)."""
    return key in _ACTIVE.get()


def allowed(key: str, options: tuple) -> tuple:
    """``options`` less the values the active limits exclude for ``key`` (``options`` itself, unchanged,
    when nothing limits it: the draws are then exactly the unconstrained ones)."""
    limits = _ACTIVE.get().get(key)
    if limits is None:
        return options
    return tuple(option for option in options if option in limits)
