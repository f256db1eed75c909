"""The definition of each catalog operation as a formula (LaTeX, rendered to MathML at build time).

The data live with each family: ``DEFINITIONS`` and ``PER_AXIS`` of
``conformance/families/<family>/docs.py`` (:mod:`convspec.conformance.family_docs`); this module
gathers them in catalog order. The build fails when a catalog operation has no entry.

One spatial axis is shown; with several, every index that involves ``s``, ``d``, ``k``
or ``p`` is a tuple and the sums and maxima run over every axis (the reference's
``itertools.product`` loops). The prose of each definition, and the rules for edge
cases, are the reference's and the spec's docstrings, shown on the same page.

Notation: ``\\tilde x`` is ``x`` with ``p_lo`` zeros before and ``p_hi`` after each
spatial axis; ``G(c)`` the input channels of output channel ``c``'s group.
"""

from __future__ import annotations

from convspec.conformance.catalog import CATALOG
from convspec.conformance.family_docs import family_docs

_FAMILIES = tuple(dict.fromkeys(op.family for op in CATALOG))

#: op -> [(caption, LaTeX)], every family's definitions
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    op: entry for family in _FAMILIES for op, entry in family_docs(family).DEFINITIONS.items()
}

#: op -> what "per axis" means on its page (shown under the definition); pages with windows only
PER_AXIS: dict[str, str] = {op: text for family in _FAMILIES for op, text in family_docs(family).PER_AXIS.items()}


def definition_for(op_name: str) -> list[tuple[str, str]]:
    try:
        return DEFINITIONS[op_name]
    except KeyError:
        raise KeyError(f"no definition for catalog operation {op_name!r} "
                       "(DEFINITIONS of conformance/families/<family>/docs.py)") from None
