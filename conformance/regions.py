"""Named regions: the corners of each operation's input space that every check must visit.

A random search reaches a rare corner (``padding="full"`` with a dilated kernel, an
odd ``same_lower`` total, a keyword left at its default) only by luck, and a port's bug
often lives in exactly one such corner. So each operation names its corners, once, in
``families/<family>/regions.py``: a :class:`Region` is a name, the rule a port gets wrong there,
a predicate that says whether a case lies in it, and a few explicit cases that do.

The check runs every region's explicit cases first, then the random draws
(:func:`.runner.run_operation`), so a default run visits every region whatever the
seed; the vectors export carries them too (source ``region``). ``convspec check
--coverage`` counts, per operation, how many of the checked cases (explicit and drawn)
fell in each region (:class:`Coverage`).

Explicit data are chosen to *discriminate*: nonzero integers of both signs, different
from each other where order matters, so that no window sums to zero and no tie hides
which element was chosen, unless a region is about ties or zeros.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .case import Case



@dataclass(frozen=True)
class Region:
    """One named corner of an operation's input space.

    ``contains(case)`` says whether a case lies in it (used to count coverage); ``cases``
    are explicit cases that do (checked by ``tests/test_regions.py``) and that every
    check runs before its random draws."""

    name: str
    rule: str  # what an implementation must get right here (what a port gets wrong)
    contains: Callable[[Case], bool]
    cases: tuple[Case, ...]


@lru_cache(maxsize=None)
def _all_regions() -> dict[str, tuple[Region, ...]]:
    """Every family's ``REGIONS()`` (``families/<family>/regions.py``: ``{op: [Region, ...]}``), in catalog
    order (``catalog.FAMILIES``); a family without a regions module declares none."""
    from .catalog import FAMILIES

    found: dict[str, tuple[Region, ...]] = {}
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"{__package__}.families.{family}.regions")
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.families.{family}.regions":
                raise
            continue
        for op, regions in module.REGIONS().items():
            found[op] = tuple(regions)
    return found


def regions_of(op: str) -> tuple[Region, ...]:
    """The named regions of one operation (empty if it declares none)."""
    return _all_regions().get(op, ())


def region_cases(op: str) -> list[tuple[str, Case]]:
    """Every explicit case of the operation's regions, with its region's name, in declaration order."""
    return [(region.name, case) for region in regions_of(op) for case in region.cases]


def regions_containing(op: str, case: Case) -> list[str]:
    """The names of the regions the case lies in."""
    return [region.name for region in regions_of(op) if region.contains(case)]


class Coverage:
    """Counts, per region of one operation, the checked cases that lie in it.

    ``counts`` is kept up to date in place (region name -> cases, in the regions' order), so a reader may
    hold it while cases come in; :meth:`as_dict` is a copy."""

    def __init__(self, op: str):
        self.op = op
        self.regions = regions_of(op)
        self.counts: dict[str, int] = {region.name: 0 for region in self.regions}
        self._tests = [(region.name, region.contains) for region in self.regions]

    def count(self, case: Case) -> None:
        counts = self.counts
        for name, contains in self._tests:
            if contains(case):
                counts[name] += 1

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


def per_case(function: Callable[[Case], object]) -> Callable[[Case], object]:
    """``function(case)`` remembered for the case last asked about (the same object), and recomputed for any other.

    Coverage asks every region of an operation about one case in turn, and many regions' predicates derive
    the same facts from it (the geometry of its windows, whether it holds a NaN): decorated, such a helper
    computes them once per case. A case is not modified once drawn (the target is given copies), so the
    answer for the same object is the same; a call that raises is not remembered. The answer is shared:
    the callers must not modify it. Example: ``has_nonfinite`` below; ``geometry`` in the families' regions."""
    last: list = [None, None]  # the case (held, so its identity cannot be reused) and its answer

    @functools.wraps(function)
    def remembered(case):
        if last[0] is not case:
            answer = function(case)
            last[0], last[1] = case, answer
        return last[1]

    return remembered


# --------------------------------------------------------------------------- building explicit cases


def rng_for(*names: object) -> np.random.Generator:
    """A generator seeded from names (an op, a region, an index): the same data on every run."""
    return np.random.default_rng(zlib.crc32("/".join(map(str, names)).encode()))


def distinct_integers(shape: Sequence[int], dtype: str, rng: np.random.Generator, *, high: int = 9) -> np.ndarray:
    """Nonzero integers in [-high, high] of both signs: no window of them sums to zero by accident."""
    size = int(np.prod(shape, dtype=np.int64))
    magnitudes = rng.integers(1, high + 1, size=size)
    signs = rng.choice((-1, 1), size=size)
    return (magnitudes * signs).reshape(shape).astype(dtype)


def distinct_values(shape: Sequence[int], dtype: str, rng: np.random.Generator) -> np.ndarray:
    """Pairwise distinct integers of both signs (a random permutation): no ties anywhere."""
    size = int(np.prod(shape, dtype=np.int64))
    values = rng.permutation(np.arange(1, size + 1)) * rng.choice((-1, 1), size=size)
    return values.reshape(shape).astype(dtype)


def general_floats(shape: Sequence[int], dtype: str, rng: np.random.Generator) -> np.ndarray:
    """Floats in [-2, 2) with full mantissas (the rounding of the dtype shows)."""
    return rng.uniform(-2.0, 2.0, size=shape).astype(dtype)


def with_nonfinite(array: np.ndarray, rng: np.random.Generator, values=(np.nan, np.inf, -np.inf)) -> np.ndarray:
    """A copy with one element set to each of ``values``, at distinct random positions."""
    out = array.copy()
    flat = out.reshape(-1)
    positions = rng.choice(flat.size, size=min(len(values), flat.size), replace=False)
    for position, value in zip(positions, values):
        flat[position] = value
    return out


def data_kind(*arrays: np.ndarray | None) -> str:
    """``"integers"`` when every floating input is integer-valued and finite (exact comparison), else ``"floats"``."""
    for array in arrays:
        if array is None or array.dtype.kind != "f":
            continue
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)):
            return "floats"
    return "integers"


def per_axis(value, rank: int) -> tuple:
    """An int-or-tuple keyword as one value per spatial axis."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


@per_case
def has_nonfinite(case: Case) -> bool:
    return any(a is not None and a.dtype.kind == "f" and not np.all(np.isfinite(a)) for a in case.arrays())


def is_per_axis_unequal(padding) -> bool:
    """``padding`` is one int per axis, not all equal (``(0, 2)``): the axes cannot be mixed up unseen."""
    return isinstance(padding, tuple) and all(isinstance(p, int) for p in padding) and len(set(padding)) > 1


def is_per_side_unequal(padding) -> bool:
    """``padding`` has a ``(lo, hi)`` pair with ``lo != hi``: the sides cannot be swapped unseen."""
    return isinstance(padding, tuple) and any(isinstance(p, tuple) and p[0] != p[1] for p in padding)
