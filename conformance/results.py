"""What a check finds: the status of each operation, its evidence, and the report of a run.

:class:`OperationResult` is one operation's result (forward, or backward with ``--grad``): its status, one of the
small documented set :data:`STATUSES` (:data:`GRAD_STATUSES` for a backward pass), the examples checked, the
worst error as a fraction of its bound, the shrunk failing case and what the target refused. :class:`Report`
holds a run's results with what the run was (target, seed, profile, versions, device, workers, state), and
:func:`exit_status` is what ``convspec check`` exits with for it. The runner (:mod:`.runner`) and the worker
processes (:mod:`.isolation`) fill them in; :mod:`.report` prints them, :mod:`.report_files` writes the JSON and
JUnit files. Worked example: ``OperationResult("relu", "passed", examples=100)`` is a pass of 100 examples, and
``Report("accelerated", [that])`` has ``failed == False``, ``counts()["passed"] == 1`` and exit status 0.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .case import Case, CaseFailure, TargetCrash
from .tolerance import Comparison


class GradientFailure(CaseFailure):
    """A case on which the target's VJP disagrees with the reference VJP (``grad_out`` is part of the case)."""

    def __init__(self, case: Case, grad_out: np.ndarray, reason: str, comparison: Comparison | None = None):
        super().__init__(case, reason, comparison)
        self.grad_out = grad_out

    def __reduce__(self):
        return type(self), (self.case, self.grad_out, self.reason, self.comparison)


class GradientCrash(GradientFailure, TargetCrash):
    """The target's VJP called ``sys.exit`` (status "crashed")."""


#: the status of one operation's check, a small documented set (docs: "When your implementation crashes or hangs"):
#: passed, failed (a case disagrees with the spec), error (user code beside the operation raised: SUPPORTS, a
#: divergence expression), crashed (the target ended its process: a signal, sys.exit, os._exit), timed out (one
#: example ran past --timeout), expected divergence, unsupported, not provided, interrupted (Ctrl-C or SIGTERM
#: stopped the run before this operation finished) and internal error (convspec itself failed: please report it)
STATUSES = ("passed", "failed", "error", "crashed", "timed out", "expected divergence", "unsupported", "not provided",
            "interrupted", "internal error", "unfinished")
#: the statuses that make ``convspec check`` exit 1: the target is at fault
FAULTS = ("failed", "error", "crashed", "timed out")
#: the statuses of a backward-pass check: "no backward" where the target does not differentiate the
#: operation, "not differentiable" where the operation has no reference VJP (box_iou, sobel, ...)
GRAD_STATUSES = ("passed", "failed", "error", "crashed", "timed out", "expected divergence", "unsupported",
                 "no backward", "not differentiable", "interrupted", "internal error", "unfinished")
#: what the report files say of an operation with no result yet while the run goes on (:func:`with_unfinished`): a run
#: whose process ends before it finishes (a thread the target's module started, the out-of-memory killer) leaves them so
UNFINISHED = ("not finished when this report was written: if the check has ended, its process ended before this "
              "operation did (a thread the target's module started? the system's out-of-memory killer?)")
GRAD_SKIPPED = ("no backward", "not differentiable", "unsupported")


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
    detail: str = ""  # what happened, where no case tells it (a crash before the first case, an internal error)
    region_examples: int = 0  # of ``examples``: the explicit cases of the operation's named regions
    more_failures: list = field(default_factory=list)  # --max-failures: further distinct failures (CaseFailure)
    coverage: dict[str, int] = field(default_factory=dict)  # region name -> checked cases in it (.regions)

    @property
    def failed(self) -> bool:
        """The target is at fault: failed, error, crashed or timed out (``failure`` holds the case, if one is known)."""
        return self.status in FAULTS


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
    grad_results: list[OperationResult] | None = None  # the backward passes (None: not checked, no --grad)
    state: str = "complete"  # "running" while results come in, "complete", or "interrupted (SIGINT)" ...
    jobs: int = 1  # worker processes (1 also for an in-process run)
    timeout: float | None = None  # seconds allowed per example (None: in-process, no limit)

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results) or any(r.failed for r in self.grad_results or ())

    @property
    def internal_error(self) -> bool:
        return any(r.status == "internal error" for r in self.results + (self.grad_results or []))

    @property
    def interrupted(self) -> bool:
        return self.state.startswith("interrupted")

    def grad_counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.grad_results or ()) for status in GRAD_STATUSES}

    @property
    def checked(self) -> int:
        return sum(r.status not in ("not provided", "unsupported", "interrupted", "internal error", "unfinished")
                   for r in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}


def with_unfinished(report: Report, operations: list[str]) -> Report:
    """The report as its files show it while the run goes on: every one of ``operations`` (the run's, in order)
    that has no result yet is listed as ``"unfinished"`` (:data:`UNFINISHED` says why), forward and, where
    the run checks them, backward. A run whose process ends midway thus leaves reports that name what never
    finished (a JUnit ``<error>`` each), not only what did. Example: two operations, ``relu`` done, give
    ``[relu: passed, sigmoid: unfinished]``."""

    def listed(results: list[OperationResult]) -> list[OperationResult]:
        done = {result.op: result for result in results}
        return [done.get(op) or OperationResult(op, "unfinished", detail=UNFINISHED) for op in operations]

    grad_results = None if report.grad_results is None else listed(report.grad_results)
    return dataclasses.replace(report, results=listed(report.results), grad_results=grad_results)


def exit_status(report: Report) -> int:
    """The exit status of ``convspec check`` for this report: 0 every operation passed (or was unsupported,
    not provided or an expected divergence), 1 the target is at fault (failed, error, crashed, timed out),
    3 convspec's own internal error, 130/143 interrupted by SIGINT/SIGTERM (the report holds what ran)."""
    if report.interrupted:
        return 143 if "SIGTERM" in report.state else 130
    if report.internal_error:
        return 3
    return 1 if report.failed else 0
