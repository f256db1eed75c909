"""The shapes of the docs data a family keeps in ``conformance/families/<family>/docs.py``.

Each family's ``docs.py`` holds everything the operation pages say about its operations
that is not already a docstring of the spec or the reference:

* ``DEFINITIONS``: ``{op: [(caption, LaTeX), ...]}``, the definition as formulas (one spatial axis shown);
* ``PER_AXIS``: ``{op: text}``, what "per axis" means on a page with windows (ops without windows are absent);
* ``FRAMEWORK_NAMES``: ``{op: Mapping}``, how PyTorch, ONNX, TF/Keras and JAX name and default its
  parameters (``Mapping.rows``), and where they differ (``Mapping.differences``);
* ``formulas(op) -> [Formula, ...]``: which of the spec's closed forms the page shows;
* ``TITLE``: the family's title on the site;
* ``SHAPES``: ``{op: text}``, the page's shape line (2-D shown where the operation takes any number of axes);
* ``ARGUMENT_CHECKERS``: ``{op: spec function}``, the spec's checker of the operation's arguments (its
  ``* ``name``: ...`` bullets describe parameters; the page's size instance reads the normalised arguments it
  returns); optional, absent for operations without one;
* ``COUNTS_SHOWN_FOR``: ``{op: text}``, the shapes a count is shown for, where it depends on them (optional);
* ``PARAMETER_HELP``: ``{parameter: text}``, for parameters whose reference docstring has no Args entry (optional);
* ``axis_values(op, case) -> dict``: the length formula's symbols at the case's first spatial axis, where
  the argument checker cannot give them (optional).
* ``NOT_SUPPORTED``: ``{op: [(what, why), ...]}``, semantics other frameworks have that convspec refuses, and
  why (the page's "Not supported, and why" section; optional).

The renderers in ``docs/`` (``definitions.py``, ``formulas.py``, ``framework_names.py``, ``docs_pages.py``,
``docs_opsections.py``) look these up by family and hold no per-operation data. Example: ``family_docs("pool").PER_AXIS["avg_pool"]`` is
``"`o`, `t`, `s`, `k`, `p_lo`, `p_hi` and `n` are per axis; `D(o)` is the product of each axis' count"``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

import sympy

#: the frameworks of the framework-names table, one column each
FRAMEWORKS = ("PyTorch", "ONNX", "TF / Keras", "JAX")

#: a framework without such an argument (or without such an operation)
NONE = "—"

#: shape lines shared by several families
SHAPE_CONV = "`(N, C_in, H, W)` → `(N, C_out, H_out, W_out)`"
SHAPE_POOL = "`(N, C, H, W)` → `(N, C, H_out, W_out)`"
SHAPE_ELEMENTWISE = "`(N, C, H, W)` → `(N, C, H, W)` (any shape: element-wise)"

#: the counts of a window operation's page (appended to "Each formula below is ... built")
SQUARE_COUNTS = "; counts are shown for a square 2-D kernel `k x k`, an `n x n` input and an `L x L` output."

#: sizes are shown for a square 2-D kernel k x k and an L x L output (n x n input)
L = sympy.Symbol("L", integer=True, positive=True)


@dataclass(frozen=True)
class Mapping:
    """One operation's framework names: convspec name -> (PyTorch, ONNX, TF/Keras, JAX), and the differences."""

    rows: dict[str, tuple[str, str, str, str]]
    differences: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Formula:
    """One closed form of the spec as a page shows it: computed by calling ``spec``, never retyped."""

    label: str
    lhs: str  # LaTeX left-hand side
    spec: Callable  # the spec function (its name and docstring are shown)
    expr: Callable[[], object] = None  # the expression to show; default: spec() with its symbolic defaults
    condition: Callable[[], object] | None = None  # a sympy relation from the spec, if it has one
    where: str = ""  # LaTeX shown after the formula ("where ...")
    # Subexpressions shown by a name, each on its own line after "where": [(name, subexpression)], or
    # [(name, subexpression, "above")] for one the page has shown just before.
    # The shown expression is the spec's with each subexpression replaced (sympy's subs),
    # and the build checks that putting them back gives the spec's expression exactly.
    parts: Callable[[], list[tuple[object, object]]] | None = None
    # (integer function, symbols, valid(point), what): the build checks the symbolic expression against the
    # spec's integer evaluation on every small valid call (docs_math.assert_equal_on)
    agrees_with: tuple | None = None

    def unnamed(self):
        """The spec's expression, before any part is named."""
        return (self.expr or self.spec)()

    def expression(self):
        expr = self.unnamed()
        if self.parts is None:
            return expr
        parts = self.parts()
        shown = expr.subs([(sub, name) for name, sub, *_ in parts])
        if shown.xreplace({name: sub for name, sub, *_ in parts}) != expr or shown == expr:
            raise AssertionError(f"docs formula {self.label}: naming its parts does not give back {expr}")
        return shown


def family_docs(family: str) -> ModuleType:
    """``convspec.conformance.families.<family>.docs``."""
    return importlib.import_module(f"convspec.conformance.families.{family}.docs")


def shapes(op: str, family: str) -> str:
    """The operation's shape line; a KeyError names the file to add it to."""
    table = getattr(family_docs(family), "SHAPES", {})
    if op not in table:
        raise KeyError(f"{op}: no SHAPES entry in conformance/families/{family}/docs.py")
    return table[op]


def not_supported(op: str, family: str) -> list[tuple[str, str]]:
    """The operation's ``(what, why)`` statements of semantics convspec refuses; [] where there are none."""
    return list(getattr(family_docs(family), "NOT_SUPPORTED", {}).get(op, ()))


def argument_checker(op: str, family: str) -> Callable | None:
    """The spec function that checks the operation's arguments, or None."""
    return getattr(family_docs(family), "ARGUMENT_CHECKERS", {}).get(op)
