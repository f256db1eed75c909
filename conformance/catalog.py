"""The catalog: one small record per operation. Tests, the check runner and the docs iterate over it.

Each family keeps its records in ``conformance/families/<family>/records.py`` (a tuple
``OPERATIONS`` of :class:`~convspec.conformance.operation.Operation`); :data:`CATALOG` is their
concatenation in the order of :data:`FAMILIES`, which is the order of reports, test ids and the
docs' pages. Example: ``get("avg_pool").family == "pool"``; ``[op.name for op in CATALOG][:3]`` is
``["correlate", "convolve", "depthwise_separable"]``.

One family, one place per layer: ``spec/<family>.py``, ``reference/<family>.py`` (and
``reference/<family>_vjp.py`` when it is differentiable), ``accelerated/<family>.py``,
``conformance/families/<family>/`` (``strategies``, ``regions``, ``examples``, ``tolerances``,
``records``, ``docs``), ``tests/test_<family>.py`` and ``benchmarks/bench_<family>.py``.
``tests/test_catalog.py`` fails when a piece is missing; CONTRIBUTING.md walks through adding one.
"""

from __future__ import annotations

import importlib

from .operation import Operation, _magnitude, _WithDefaults, with_defaults  # noqa: F401 (the engine's names)

#: the families in catalog order
FAMILIES: tuple[str, ...] = (
    "conv", "conv_transpose", "pool", "unpool", "upsample", "activations", "detection", "style", "filters", "fft",
)


def family_records(family: str) -> tuple[Operation, ...]:
    """``OPERATIONS`` of ``convspec.conformance.families.<family>.records``."""
    return importlib.import_module(f"convspec.conformance.families.{family}.records").OPERATIONS


CATALOG: tuple[Operation, ...] = tuple(op for family in FAMILIES for op in family_records(family))

BY_NAME: dict[str, Operation] = {op.name: op for op in CATALOG}


def get(name: str) -> Operation:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; the catalog has {', '.join(BY_NAME)}") from None


def named(option: str | None, flag: str = "--ops") -> list[Operation]:
    """The operations a comma-separated option names (``"relu, max_pool"``), each once, in the order first named;
    every operation of the catalog when the option is absent (None).

    An option given but naming none (``""``, ``","``: an empty shell variable) is a ``ValueError``, not the whole
    catalog: ``--ops "$OPS"`` must not widen a check to every operation. ``named("relu,relu")`` is ``[relu]``."""
    if option is None:
        return list(CATALOG)
    return [get(name) for name in comma_names(option, flag, "operation")]


def comma_names(option: str, flag: str, kind: str) -> list[str]:
    """The names a comma-separated option gives (``" relu, max_pool,relu"``: ``["relu", "max_pool"]``), each once,
    in the order first named; a ``ValueError`` where it gives none (``""``, ``","``), which never means "every
    ``kind``" (the caller takes every one only where the option is absent)."""
    names = list(dict.fromkeys(name.strip() for name in option.split(",") if name.strip()))
    if not names:
        raise ValueError(f"{flag} {option!r} names no {kind} (leave {flag} out to take every one)")
    return names
