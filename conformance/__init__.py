"""convspec.conformance: the catalog, strategies, tolerance model, runner, report and CLI.

Works without torch; only the ``accelerated`` target needs it. The names below are imported on first use
(PEP 562), so that ``convspec`` (:mod:`.console`) starts without importing the catalog before it needs it:
``from convspec.conformance import CATALOG`` and ``convspec.conformance.run_check`` work as ever.
"""

from __future__ import annotations

import importlib

#: each public name and the submodule that defines it
_FROM = {
    "Unsupported": "case",
    "CATALOG": "catalog",
    "Operation": "catalog",
    "get": "catalog",
    "Report": "runner",
    "check_case": "runner",
    "run_check": "runner",
    "Target": "targets",
    "load_target": "targets",
}

__all__ = ["CATALOG", "Operation", "Report", "Target", "Unsupported", "check_case", "get", "load_target", "run_check"]


def __getattr__(name: str):
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FROM))
