"""Run catalog operations against a target with hypothesis and collect the evidence.

For each operation the runner draws valid cases from the catalog strategy, calls
the target on copies of the inputs, and checks, in order: the call succeeds, the
inputs were not modified, the result is a numpy array of the input dtype, its
shape is the spec's closed form and the reference's, and every element is within
the tolerance model of the reference. Hypothesis shrinks a failing case; the
smallest one is kept for the report.

A target may declare cases it does not support (:attr:`Target.supports`): those are
skipped (hypothesis draws another) and counted as "unsupported", never passed or
failed. A failure that matches an expected divergence (:mod:`.divergences`) is
counted as an "expected divergence" and the search goes on for other failures.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
from hypothesis import HealthCheck, Phase, assume, given, seed, settings
from hypothesis.errors import Unsatisfiable

from .case import Case
from .catalog import CATALOG, Operation
from .targets import Target
from .tolerance import Comparison, compare


class CaseFailure(AssertionError):
    """A case on which the target disagrees with the specification."""

    def __init__(self, case: Case, reason: str, comparison: Comparison | None = None):
        super().__init__(f"{case.describe()}: {reason}")
        self.case = case
        self.reason = reason
        self.comparison = comparison


#: ``--profile``: examples per operation and whether the cases are derandomized (the same on every run).
#: The same names and counts as the test suite's hypothesis profiles (tests/conftest.py).
PROFILES = {"dev": (25, False), "ci": (60, True), "thorough": (1000, False)}

STATUSES = ("passed", "failed", "expected divergence", "unsupported", "not provided")


@dataclass
class ExpectedDivergence:
    """One case on which the target differs as an expected-divergence entry says it does."""

    case: Case
    reason: str  # the check's reason
    entry: object  # the matching divergences.Divergence


@dataclass
class OperationResult:
    op: str
    status: str  # one of STATUSES
    examples: int = 0  # supported cases checked, shrinking steps included
    worst_ratio: float = 0.0
    exact_examples: int = 0
    failure: CaseFailure | None = None
    unsupported: int = 0  # drawn cases the target declares it does not support (skipped)
    unsupported_reasons: Counter = field(default_factory=Counter)
    expected: list[ExpectedDivergence] = field(default_factory=list)  # the smallest case of each matching entry
    expected_count: int = 0
    first_failure_example: int | None = None  # the example number at which the first failure appeared
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass
class Report:
    target: str
    results: list[OperationResult] = field(default_factory=list)
    seed: int = 0
    examples: int = 100
    profile: str | None = None
    derandomize: bool = False
    versions: dict[str, str] = field(default_factory=dict)
    device: str = "cpu"

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results)

    @property
    def checked(self) -> int:
        return sum(r.status not in ("not provided", "unsupported") for r in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}


def check_case(operation: Operation, target_fn: Callable, case: Case) -> Comparison:
    """Check one case; raise :class:`CaseFailure` with the reason if the target is wrong."""
    inputs_before = case.copies()
    arguments = case.copies()
    try:
        actual = target_fn(*arguments, **case.params)
    except Exception as error:  # the target must accept every valid case
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        raise CaseFailure(case, f"the target raised on a valid call: {detail}") from error
    for name, before, after in zip(case.inputs, inputs_before, arguments):
        if before is not None and not np.array_equal(before, after, equal_nan=True):
            raise CaseFailure(case, f"the target modified its input {name!r}")
    expected = operation.reference(*case.arrays(), **case.params)
    spec_shape = operation.output_shape(case)
    # an operation may return several arrays (max_pool with return_indices=True: values, indices);
    # the first is the floating result the tolerance model describes, the others are integer and exact
    expected_parts = expected if isinstance(expected, tuple) else (expected,)
    actual_parts = actual if isinstance(actual, tuple) else (actual,)
    if len(actual_parts) != len(expected_parts):
        raise CaseFailure(case, f"the target returned {len(actual_parts)} array(s), expected {len(expected_parts)}")
    if expected_parts[0].shape != spec_shape:
        raise CaseFailure(case, f"INTERNAL: reference shape {expected_parts[0].shape} != spec shape {spec_shape}")
    for position, (want, got) in enumerate(zip(expected_parts, actual_parts)):
        what = "output" if len(expected_parts) == 1 else f"output {position}"
        if not isinstance(got, np.ndarray):
            raise CaseFailure(case, f"the target returned {type(got).__name__} as {what}, not a numpy.ndarray")
        if got.shape != want.shape:
            raise CaseFailure(case, f"{what} shape {got.shape}, the spec says {want.shape}")
        if got.dtype != want.dtype:
            raise CaseFailure(case, f"{what} dtype {got.dtype}, expected {want.dtype}")
    comparison = compare(expected_parts[0], actual_parts[0], operation.tolerance(case))
    if not comparison.passed:
        raise CaseFailure(case, comparison.describe(), comparison)
    for position, (want, got) in enumerate(zip(expected_parts[1:], actual_parts[1:]), start=1):
        if not np.array_equal(want, got):
            index = tuple(int(i) for i in np.argwhere(want != got)[0])
            raise CaseFailure(
                case, f"output {position} differs at index {index}: expected {want[index]!r}, got {got[index]!r}"
            )
    return comparison



def _size(case: Case) -> int:
    return sum(a.size for a in case.arrays() if a is not None)


def run_operation(
    operation: Operation,
    target: Target,
    *,
    examples: int,
    random_seed: int = 0,
    on_example: Callable[[], None] | None = None,
    divergences: Iterable = (),
    derandomize: bool = False,
) -> OperationResult:
    """Run ``examples`` hypothesis cases of one operation against ``target``.

    Cases the target does not support are rejected (hypothesis draws others, up to its
    limit of ten draws per example) and counted; if none is supported the status is
    "unsupported". ``divergences`` are :class:`convspec.conformance.divergences.Divergence`
    entries: a failure one of them matches is recorded as expected and does not stop the search.
    """
    if not target.provides(operation.name):
        return OperationResult(operation.name, "not provided")
    result = OperationResult(operation.name, "passed")
    target_fn = target.functions[operation.name]
    entries = [d for d in divergences if d.applies_to(operation.name)]
    strategy = target.strategies.get(operation.name, operation.strategy)()
    started = time.perf_counter()

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=derandomize,
        print_blob=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(case: Case) -> None:
        reason = target.unsupported_reason(operation.name, case)
        if reason is not None:
            result.unsupported += 1
            result.unsupported_reasons[reason] += 1
            assume(False)
        result.examples += 1
        if on_example is not None:
            on_example()
        try:
            comparison = check_case(operation, target_fn, case)
        except CaseFailure as failure:
            entry = next((d for d in entries if d.matches(case, failure.reason)), None)
            if entry is None:
                if result.first_failure_example is None:
                    result.first_failure_example = result.examples
                raise
            result.expected_count += 1
            # keep the smallest case of each matching entry
            same = [i for i, e in enumerate(result.expected) if e.entry is entry]
            if same and _size(result.expected[same[0]].case) <= _size(case):
                return
            if same:
                del result.expected[same[0]]
            result.expected.append(ExpectedDivergence(case, failure.reason, entry))
            result.expected.sort(key=lambda e: _size(e.case))
            return
        result.worst_ratio = max(result.worst_ratio, comparison.worst_ratio)
        result.exact_examples += comparison.exact

    if not derandomize:
        run = seed(random_seed)(run)
    try:
        run()
    except CaseFailure as failure:
        result.status, result.failure = "failed", failure
    except BaseExceptionGroup as group:  # several distinct failures: report the first
        failures = [e for e in group.exceptions if isinstance(e, CaseFailure)]
        if not failures:
            raise
        result.status, result.failure = "failed", failures[0]
    except Unsatisfiable:  # not one drawn case was supported
        result.status = "unsupported"
    if result.status == "passed":
        if result.expected_count:
            result.status = "expected divergence"
        elif result.examples == 0:
            result.status = "unsupported"
    result.seconds = time.perf_counter() - started
    return result


def run_check(
    target: Target,
    operations: Iterable[Operation] = CATALOG,
    *,
    examples: int = 100,
    random_seed: int = 0,
    progress: Callable[[str, int], Callable[[], None]] | None = None,
    divergences: Iterable = (),
    profile: str | None = None,
    derandomize: bool = False,
    known_divergences: bool = True,
) -> Report:
    """Check every operation against ``target``; ``progress(op, total)`` returns a per-example callback.

    ``derandomize`` (the ``ci`` profile) draws the same cases whatever the seed; otherwise
    ``random_seed`` picks them, so the same seed draws the same cases. ``known_divergences``
    adds the divergences the target itself documents (an adapter's) to ``divergences``.
    """
    divergences = list(divergences) + (list(target.known_divergences) if known_divergences else [])
    report = Report(
        target.name, seed=random_seed, examples=examples, profile=profile, derandomize=derandomize,
        versions=dict(target.versions), device=target.device,
    )
    for operation in operations:
        callback = progress(operation.name, examples) if progress and target.provides(operation.name) else None
        report.results.append(
            run_operation(
                operation, target, examples=examples, random_seed=random_seed, on_example=callback,
                divergences=divergences, derandomize=derandomize,
            )
        )
    return report
