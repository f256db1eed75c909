"""One catalog record, :class:`Operation`, and what every family's records share.

Each family lists its operations in ``conformance/families/<family>/records.py`` (a tuple
``OPERATIONS``); :mod:`convspec.conformance.catalog` concatenates them. A record holds the
operation's pieces by reference: the reference function, a strategy that draws valid calls, the
tolerance model and the spec's output shape (both functions of a :class:`~convspec.conformance.case.Case`),
the worked examples and a one-line summary. The accelerated (torch) function is found by name in
``convspec.accelerated.<family>``.

Example: ``Operation("relu", "activations", reference.relu, strategy, tolerance, output_shape, examples,
summary).complete(Case("relu", {"x": x}, {}, "floats"))`` is the case itself (relu has no keywords);
for ``avg_pool`` the case gains ``stride=None, padding=0, ...`` (the reference's defaults).
"""

from __future__ import annotations

import functools
import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from .case import Case, WorkedExample
from .tolerance import SumOfProducts


@dataclass(frozen=True)
class Operation:
    """Everything convspec knows about one operation, by reference rather than by copy."""

    name: str
    family: str  # the basename shared by spec/, reference/, accelerated/ and tests/
    reference: Callable
    strategy: Callable[[], st.SearchStrategy[Case]]
    tolerance: Callable[[Case], SumOfProducts]
    output_shape: Callable[[Case], tuple[int, ...]]  # the spec's closed form
    examples: tuple[WorkedExample, ...]
    summary: str

    def __post_init__(self):
        # the closed forms and tolerance models read every keyword: give them the signature's
        # defaults for the keywords a case leaves out (a region checks the defaults by omitting them)
        object.__setattr__(self, "tolerance", _WithDefaults(self.tolerance, self.reference))
        object.__setattr__(self, "output_shape", _WithDefaults(self.output_shape, self.reference))

    def complete(self, case: Case) -> Case:
        """The case with every keyword it leaves out set to the reference signature's default."""
        return with_defaults(case, self.reference)

    @property
    def accelerated(self) -> Callable:
        """The torch implementation (imported on first use: torch is optional)."""
        return getattr(importlib.import_module(f"convspec.accelerated.{self.family}"), self.name)


@functools.lru_cache(maxsize=None)
def keyword_defaults(function: Callable) -> dict:
    """``function``'s keyword-only parameters that have a default, with it (read once per function).

    >>> from convspec import reference
    >>> keyword_defaults(reference.max_pool)["ceil_mode"]
    False
    """
    return {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is not inspect.Parameter.empty
    }


def with_defaults(case: Case, function: Callable) -> Case:
    """``case`` with the keyword-only parameters it leaves out set to ``function``'s defaults."""
    missing = {name: default for name, default in keyword_defaults(function).items() if name not in case.params}
    if not missing:
        return case
    return Case(case.op, case.inputs, {**case.params, **missing}, case.data_kind)


class _WithDefaults:
    """A function of a case, called with the case's omitted keywords set to their defaults."""

    def __init__(self, function: Callable[[Case], object], reference_function: Callable):
        if isinstance(function, _WithDefaults):
            function = function.__wrapped__
        self.__wrapped__ = function
        self.reference_function = reference_function

    def __call__(self, case: Case):
        return self.__wrapped__(with_defaults(case, self.reference_function))


def _magnitude(case: Case, fn: Callable) -> np.ndarray:
    """Σ|x·w| (+|bias|) per output: the same operation on absolute values, in float64."""
    absolute = [None if a is None else np.abs(a.astype(np.float64)) for a in case.arrays()]
    return fn(*absolute, **case.params)


#: the public name of :func:`_magnitude`, for the families' tolerance models
magnitude = _magnitude
