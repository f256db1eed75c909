"""Which of the spec's closed forms each operation page shows: ``formulas(op)`` of the family's
``conformance/families/<family>/docs.py`` (:class:`convspec.conformance.family_docs.Formula`).

Every formula is *computed* by calling the spec function with its default
(symbolic) arguments; the page shows the result, the function's name, and the
"Conditions:" line of its docstring. Nothing is retyped. The build fails if a
catalog family has no ``formulas``, or when a formula's symbolic form disagrees with the
spec's integer evaluation it names (``Formula.agrees_with``).
"""

from __future__ import annotations

from convspec.conformance.family_docs import L, Formula, family_docs  # noqa: F401

import docs_math

_CHECKED: set[tuple[str, str]] = set()  # (label, spec function) already checked against integers


def formulas_for(op) -> list[Formula]:
    make = getattr(family_docs(op.family), "formulas", None)
    if make is None:
        raise KeyError(f"conformance/families/{op.family}/docs.py has no formulas (operation {op.name})")
    shown = make(op.name)
    for formula in shown:
        key = (formula.label, f"{formula.spec.__module__}.{formula.spec.__name__}")
        if formula.agrees_with is not None and key not in _CHECKED:
            function, symbols, holds, what = formula.agrees_with
            docs_math.assert_equal_on(formula.unnamed(), function, symbols, holds, what)
            _CHECKED.add(key)
    return shown


def where_latex(formula: Formula) -> list[str]:
    """The formula's "where" lines (LaTeX), one display formula each."""
    lines = [formula.where] if formula.where else []
    above = []
    for name, sub, *shown_above in formula.parts() if formula.parts else []:
        if shown_above:
            above.append(docs_math.latex_of(name))
        else:
            lines.append(f"{docs_math.latex_of(name)} = {docs_math.latex_of(sub)}")
    if above:
        lines.insert(0, ", ".join(above) + r" \text{ as above}")
    return lines
