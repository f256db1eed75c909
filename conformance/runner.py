"""Run catalog operations against a target with hypothesis and collect the evidence.

For each operation the runner draws valid cases from the catalog strategy, calls
the target on copies of the inputs, and checks, in order: the call succeeds, the
inputs were not modified, the result is a numpy array of the input dtype, its
shape is the spec's closed form and the reference's, and every element is within
the tolerance model of the reference. Hypothesis shrinks a failing case; the
smallest one is kept for the report.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings

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


@dataclass
class OperationResult:
    op: str
    status: str  # "passed", "failed" or "not provided"
    examples: int = 0
    worst_ratio: float = 0.0
    exact_examples: int = 0
    failure: CaseFailure | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass
class Report:
    target: str
    results: list[OperationResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results)

    @property
    def checked(self) -> int:
        return sum(r.status != "not provided" for r in self.results)


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


def run_operation(
    operation: Operation,
    target: Target,
    *,
    examples: int,
    random_seed: int = 0,
    on_example: Callable[[], None] | None = None,
) -> OperationResult:
    """Run ``examples`` hypothesis cases of one operation against ``target``."""
    if not target.provides(operation.name):
        return OperationResult(operation.name, "not provided")
    result = OperationResult(operation.name, "passed")
    target_fn = target.functions[operation.name]

    @seed(random_seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        print_blob=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.strategy())
    def run(case: Case) -> None:
        result.examples += 1
        if on_example is not None:
            on_example()
        comparison = check_case(operation, target_fn, case)
        result.worst_ratio = max(result.worst_ratio, comparison.worst_ratio)
        result.exact_examples += comparison.exact

    try:
        run()
    except CaseFailure as failure:
        result.status, result.failure = "failed", failure
    except BaseExceptionGroup as group:  # several distinct failures: report the first
        failures = [e for e in group.exceptions if isinstance(e, CaseFailure)]
        if not failures:
            raise
        result.status, result.failure = "failed", failures[0]
    return result


def run_check(
    target: Target,
    operations: Iterable[Operation] = CATALOG,
    *,
    examples: int = 100,
    random_seed: int = 0,
    progress: Callable[[str, int], Callable[[], None]] | None = None,
) -> Report:
    """Check every operation against ``target``; ``progress(op, total)`` returns a per-example callback."""
    report = Report(target.name)
    for operation in operations:
        callback = progress(operation.name, examples) if progress and target.provides(operation.name) else None
        report.results.append(
            run_operation(operation, target, examples=examples, random_seed=random_seed, on_example=callback)
        )
    return report
