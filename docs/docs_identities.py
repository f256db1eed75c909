"""The proved-identities page and the errata's symbolic refutations, from :mod:`convspec.spec.identities`.

Every identity is proved again when the site is built: a proof that no longer holds,
or a seed claim that is no longer refuted, fails the build. Each entry names the test
that holds it in ``tests/test_identities.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from convspec.spec import identities

import docs_math
import docs_pages

TESTS = Path(__file__).resolve().parents[1] / "tests" / "test_identities.py"


_RELATIONS = {"==": "=", "!=": r"\ne", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}


def _comparison(first) -> str:
    """The comparison ``lhs relation rhs`` as one display formula (MathML made at build time), in full."""
    relation = _RELATIONS.get(first.relation, rf"\mathrel{{\text{{{first.relation}}}}}")
    return docs_math.math_token(f"{docs_math.latex_of(first.lhs)} {relation} {docs_math.latex_of(first.rhs)}")


def _inline(value: object) -> str:
    return docs_math.math_token(docs_math.latex_of(value), display=False)


def _tests_naming(name: str) -> list[str]:
    """The tests of tests/test_identities.py whose body calls this identity."""
    source = TESTS.read_text()
    tests = re.split(r"\n(?=def test_)", source)
    return [re.match(r"def (test_\w+)", t).group(1) for t in tests if t.startswith("def test_") and name in t]


def _entry(identity, verdict: str, shown: list[str]) -> str:
    comparisons = identity.failures if verdict == "refuted" else identity.comparisons
    first = comparisons[0]
    title = identity.name.removesuffix("_claim").replace("_", " ")
    lines = [
        f"### {docs_pages.heading_text(title[0].upper() + title[1:])}",
        "",
        f"*Statement:* {docs_pages.plain(identity.statement)}",
        "",
        f"*Conditions:* {docs_pages.plain(identity.conditions)}",
        "",
        f"*Method:* {docs_pages.plain(identity.method)}",
        "",
        f"*{len(identity.comparisons)} comparison(s), {verdict}.* "
        + ("The first counterexample" if verdict == "refuted" else "The first") + f" ({docs_pages.plain(first.label)}), "
        + f"difference {_inline(first.difference)}:",
        "",
        _comparison(first),
        "",
        f"*In the tests:* {', '.join(f'`{t}`' for t in shown) or 'none'} · `convspec.spec.identities.{identity.name}`",
        "",
    ]
    return "\n".join(lines)


def proved_identities() -> str:
    entries = []
    for prove in identities.PROOFS:
        identity = prove()
        if not identity.holds:
            raise AssertionError(f"{identity.name} no longer holds:\n{identity}")
        entries.append(_entry(identity, "every one holds", _tests_naming(identity.name)))
    return "\n".join(entries)


def refuted_seed_claims() -> str:
    entries = []
    for claim in identities.SEED_CLAIMS:
        identity = claim()
        if not identity.refuted:
            raise AssertionError(f"{identity.name} is no longer refuted:\n{identity}")
        entries.append(_entry(identity, "refuted", _tests_naming(identity.name)))
    return "\n".join(entries)
