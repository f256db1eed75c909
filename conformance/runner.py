"""Run catalog operations against a target with hypothesis and collect the evidence.

For each operation the runner draws valid cases from the catalog strategy, calls
the target on copies of the inputs, and checks, in order: the call succeeds, the
inputs were not modified, the result is a numpy array of the input dtype, its
shape is the spec's closed form and the reference's, and every element is within
the tolerance model of the reference. Hypothesis shrinks a failing case; the
smallest one is kept for the report.

A target may declare cases it does not support (:attr:`Target.supports`): those are
skipped (another is drawn) and counted as "unsupported", never passed or
failed. A target function that raises :class:`NotImplementedError` (or
:class:`~.case.Unsupported`) on a case refuses it the same way, with the exception's
message as the reason. A failure that matches an expected divergence (:mod:`.divergences`) is
counted as an "expected divergence" and the search goes on for other failures.

Backward passes (``convspec check --grad``, :func:`run_gradient`): for each differentiable
operation (one with a reference VJP, :data:`.gradients.GRADIENT_OPS`) that the target
differentiates (:attr:`Target.vjps`), the runner draws cases the same way plus an upstream
gradient ``grad_out`` (:func:`.gradients.draw_grad_out`), calls the target's VJP on copies,
and compares each gradient with the reference VJP's under the tolerance models of
:func:`.gradients.gradient_tolerances` (bit for bit on integer-valued data where a gradient is
a sum of integer products; a rounding-error bound otherwise). An operation the target cannot
differentiate is "no backward", neither passed nor failed.
"""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Callable, Iterable

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable, UnsatisfiedAssumption

from .case import Case, CaseFailure, TargetCrash, UserCodeError, users_interrupt
from .ahead import Store, take
from .catalog import BY_NAME, CATALOG, Operation
from .divergences import plain
from .draws import narrowed
from .operation import keyword_defaults
from .regions import Coverage, region_cases
from .results import ExpectedDivergence, GradientCrash, GradientFailure, OperationResult, Report
from .search import search, seed_text
from .target_text import error_text, message_text, value_text
from .targets import Target
from .tolerance import Comparison, compare


#: ``--profile``: examples per operation and whether the cases are derandomized (the same on every run).
#: The same names and counts as the test suite's hypothesis profiles (tests/conftest.py).
PROFILES = {"dev": (25, False), "ci": (60, True), "thorough": (1000, False)}


class _Refused(UnsatisfiedAssumption):
    """The target raised NotImplementedError on a case: hypothesis rejects the case (as ``assume(False)``)."""


def _refusals_as_unsupported(function: Callable, result: OperationResult) -> Callable:
    """``function`` with a NotImplementedError counted as an unsupported case of ``result`` (its message is the
    reason) and the case rejected. The search counted the case as an example before calling: undo that."""

    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NotImplementedError as error:
            reason = message_text(error) or f"the target raised {type(error).__name__}"
            result.examples -= 1
            result.unsupported += 1
            result.unsupported_reasons[reason] += 1
            raise _Refused(reason) from None

    return call


def _unchanged(before: np.ndarray, after: np.ndarray) -> bool:
    """``np.array_equal(before, after, equal_nan=True)``, answered from the bytes when they are the same.

    Same shape, dtype and bytes means the same values with NaN in the same places, so the answer is True
    without numpy's passes over the values (NaN masks, comparison, reduction); only arrays whose bytes
    differ (a changed NaN payload, -0.0 for 0.0, or a real change) are compared value by value, as before."""
    if before.shape == after.shape and before.dtype == after.dtype and before.tobytes() == after.tobytes():
        return True
    return bool(np.array_equal(before, after, equal_nan=True))


def _not_an_exception(error: BaseException) -> str:
    """``error`` in one line, said to be a ``BaseException`` that is not an ``Exception`` (what
    ``except Exception`` in the caller's code would not catch)."""
    return f"{error_text(error)} (a BaseException, not an Exception)"


def check_case(operation: Operation, target_fn: Callable, case: Case) -> Comparison:
    """Check one case; raise :class:`CaseFailure` with the reason if the target is wrong."""
    inputs_before = case.copies()
    arguments = case.copies()
    try:
        actual = target_fn(*arguments, **case.params)
    except _Refused:
        raise
    except SystemExit as error:  # sys.exit() inside the target: a crash, not a green exit
        raise TargetCrash(case, f"the target called sys.exit({value_text(error.code)}) on a valid call") from None
    except Exception as error:  # the target must accept every valid case
        raise CaseFailure(case, f"the target raised on a valid call: {error_text(error)}") from error
    except BaseException as error:  # KeyboardInterrupt, GeneratorExit, a library's own: the target's, unless Ctrl-C
        if users_interrupt(error):
            raise
        raise TargetCrash(case, f"the target raised {_not_an_exception(error)} on a valid call") from None
    for name, before, after in zip(case.inputs, inputs_before, arguments):
        if before is not None and not _unchanged(before, after):
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


def _search(
    result: OperationResult,
    operation: Operation,
    target: Target,
    strategy,
    check: Callable,
    *,
    examples: int,
    random_seed: int,
    derandomize: bool,
    on_example: Callable[[], None] | None,
    entries: list,
    explicit: list = (),
    label: str = "",
    ahead=None,
) -> OperationResult:
    """The search of :func:`run_operation` and :func:`run_gradient`: ``check(drawn) -> Comparison`` raises
    :class:`CaseFailure`.

    ``explicit`` (drawn values, as the strategy's) are checked first (the regions' cases), then ``examples``
    cases drawn from ``strategy`` (:func:`.search.search`: seeded by the operation, ``label`` and the run's
    seed; a failure is shrunk by hypothesis). ``strategy`` draws a :class:`Case` or a tuple whose first
    entry is one. A failure an expected divergence in ``entries`` matches is recorded and the search goes on.
    """
    started = time.perf_counter()
    target = _counting_coverage(target, operation.name, result)
    if _visit_regions(result, operation, target, check, explicit, entries=entries, on_example=on_example):
        result.seconds = time.perf_counter() - started
        return result

    def body(drawn) -> None:
        case = drawn[0] if isinstance(drawn, tuple) else drawn
        reason = target.unsupported_reason(operation.name, case)
        if reason is not None:
            result.unsupported += 1
            result.unsupported_reasons[reason] += 1
            raise UnsatisfiedAssumption(reason)
        result.examples += 1
        if on_example is not None:
            on_example()
        try:
            comparison = check(drawn)
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

    seeded_by = seed_text(operation.name, random_seed, derandomize, label)

    def run() -> None:
        search(body, strategy, examples=examples, seeded_by=seeded_by, shrink_seed=random_seed, ahead=ahead)

    with narrowed(target.draw_limits(operation.name)):  # SUPPORTS_DRAWS: draw inside the declared limits
        return _finish(run, result, started)


def run_operation(
    operation: Operation,
    target: Target,
    *,
    examples: int,
    random_seed: int = 0,
    on_example: Callable[[], None] | None = None,
    divergences: Iterable = (),
    derandomize: bool = False,
    max_failures: int = 1,
    drawn_ahead: Store | None = None,
) -> OperationResult:
    """Run ``examples`` drawn cases (after the regions' cases) of one operation against ``target``.

    Cases the target does not support are rejected (others are drawn: :mod:`.search` says how many
    at most) and counted; if none is supported the status is
    "unsupported". ``divergences`` are :class:`convspec.conformance.divergences.Divergence`
    entries: a failure one of them matches is recorded as expected and does not stop the search.
    ``max_failures`` > 1 searches on after a failure for others (:func:`_distinct_failures`).
    ``drawn_ahead``: the :class:`.ahead.Store` where :mod:`.ahead`'s helper wrote the draws it made ahead (taken
    when they are this search's: the catalog's strategy, no ``SUPPORTS_DRAWS`` limits).
    """
    if max_failures > 1:
        return _distinct_failures(run_operation, operation, target, max_failures, examples=examples,
                                  random_seed=random_seed, on_example=on_example, divergences=divergences,
                                  derandomize=derandomize, drawn_ahead=drawn_ahead)
    if not target.provides(operation.name):
        return OperationResult(operation.name, "not provided", detail=target.not_functions.get(operation.name, ""))
    result = OperationResult(operation.name, "passed")
    target_fn = _refusals_as_unsupported(target.functions[operation.name], result)
    entries = [d for d in divergences if d.applies_to(operation.name)]
    strategy = target.strategies.get(operation.name, operation.strategy)()
    ahead = None
    if drawn_ahead is not None and operation.name not in target.strategies and not target.draw_limits(operation.name):
        ahead = take(drawn_ahead, operation.name, strategy, seed_text(operation.name, random_seed, derandomize))
    return _search(
        result, operation, target, strategy, lambda case: check_case(operation, target_fn, case),
        examples=examples, random_seed=random_seed, derandomize=derandomize, on_example=on_example,
        entries=entries, explicit=[case for _, case in region_cases(operation.name)], ahead=ahead,
    )


def check_gradient_case(operation: Operation, vjp: Callable, case: Case, grad_out: np.ndarray) -> Comparison:
    """Check the target's VJP on one case and upstream gradient against the reference VJP.

    Raises :class:`GradientFailure` if the VJP raises, modifies an input, returns the wrong
    number, shape or dtype of gradients, or a gradient outside its tolerance. Returns the
    comparison of the worst gradient (exact when every gradient was compared bit for bit).
    """
    from .gradients import compare_gradients, reference_vjp

    inputs_before, arguments, upstream = case.copies(), case.copies(), grad_out.copy()
    try:
        actual = vjp(upstream, *arguments, **case.params)
    except _Refused:
        raise
    except SystemExit as error:
        raise GradientCrash(case, grad_out, f"the target's VJP called sys.exit({value_text(error.code)}) on a valid call") from None
    except Exception as error:  # the target must differentiate every valid case it supports
        raise GradientFailure(case, grad_out, f"the target's VJP raised on a valid call: {error_text(error)}") from error
    except BaseException as error:  # as in check_case
        if users_interrupt(error):
            raise
        raise GradientCrash(case, grad_out,
                            f"the target's VJP raised {_not_an_exception(error)} on a valid call") from None
    for name, before, after in zip(case.inputs, inputs_before, arguments):
        if before is not None and not _unchanged(before, after):
            raise GradientFailure(case, grad_out, f"the target's VJP modified its input {name!r}")
    if not _unchanged(grad_out, upstream):
        raise GradientFailure(case, grad_out, "the target's VJP modified grad_out")
    expected = reference_vjp(operation.name)(grad_out.copy(), *case.copies(), **case.params)
    mismatch, comparisons = compare_gradients(operation, case, grad_out, expected, actual, "the reference VJP")
    if mismatch is not None:
        raise GradientFailure(case, grad_out, mismatch.reason, mismatch.comparison)
    if not comparisons:
        return Comparison(True, True, 0.0, None, None, None, None)
    worst = max(comparisons, key=lambda c: c.worst_ratio)
    return Comparison(True, all(c.exact for c in comparisons), worst.worst_ratio, None, None, None, None)


def run_gradient(
    operation: Operation,
    target: Target,
    *,
    examples: int,
    random_seed: int = 0,
    on_example: Callable[[], None] | None = None,
    divergences: Iterable = (),
    derandomize: bool = False,
    max_failures: int = 1,
) -> OperationResult:
    """Check the target's backward pass of one operation on ``examples`` cases, as :func:`run_operation`.

    "not differentiable" when the operation has no reference VJP, "no backward" when the
    target has no VJP for it; otherwise passed/failed/expected divergence/unsupported.
    """
    from .gradients import GRADIENT_OP_NAMES, draw_grad_out

    if max_failures > 1:
        return _distinct_failures(run_gradient, operation, target, max_failures, examples=examples,
                                  random_seed=random_seed, on_example=on_example, divergences=divergences,
                                  derandomize=derandomize)

    if operation.name not in GRADIENT_OP_NAMES:
        return OperationResult(operation.name, "not differentiable")
    if not target.provides_vjp(operation.name):
        return OperationResult(operation.name, "no backward")
    result = OperationResult(operation.name, "passed")
    vjp = _refusals_as_unsupported(target.vjps[operation.name], result)
    entries = [d for d in divergences if d.applies_to(operation.name)]
    strategy = st.tuples(target.strategies.get(operation.name, operation.strategy)(), st.integers(0, 2**32 - 1))

    def check(drawn) -> Comparison:
        case, grad_seed = drawn
        return check_gradient_case(operation, vjp, case, draw_grad_out(operation, case, grad_seed))

    # each region's case with an upstream gradient of its own (seeded by its position: the same on every run)
    explicit = [(case, index) for index, (_, case) in enumerate(region_cases(operation.name))]
    return _search(
        result, operation, target, strategy, check, examples=examples, random_seed=random_seed,
        derandomize=derandomize, on_example=on_example, entries=entries, explicit=explicit, label="grad",
    )


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
    grad: bool = False,
    max_failures: int = 1,
) -> Report:
    """Check every operation against ``target``; ``progress(op, total)`` returns a per-example callback.

    ``derandomize`` (the ``ci`` profile) draws the same cases whatever the seed; otherwise
    ``random_seed`` picks them, so the same seed draws the same cases. ``known_divergences``
    adds the divergences the target itself documents (an adapter's) to ``divergences``.
    ``grad`` also checks the backward passes (:func:`run_gradient`; ``progress`` is called
    with ``"<op> (grad)"``) into :attr:`Report.grad_results`.
    """
    operations = list(operations)
    grad_divergences = list(divergences) + (
        list(target.known_divergences) + list(target.known_grad_divergences) if known_divergences else [])
    divergences = list(divergences) + (list(target.known_divergences) if known_divergences else [])
    report = Report(
        target.name, seed=random_seed, examples=examples, profile=profile, derandomize=derandomize,
        versions=dict(target.versions), device=target.device,
    )
    for operation in operations:
        callback = progress(operation.name, examples + len(region_cases(operation.name))) if progress and target.provides(operation.name) else None
        report.results.append(
            run_operation(
                operation, target, examples=examples, random_seed=random_seed, on_example=callback,
                divergences=divergences, derandomize=derandomize, max_failures=max_failures,
            )
        )
    if grad:
        report.grad_results = []
        for operation in operations:
            from .gradients import GRADIENT_OP_NAMES

            checked = target.provides_vjp(operation.name) and operation.name in GRADIENT_OP_NAMES
            callback = progress(f"{operation.name} (grad)", examples + len(region_cases(operation.name))) if progress and checked else None
            report.grad_results.append(
                run_gradient(
                    operation, target, examples=examples, random_seed=random_seed, on_example=callback,
                    divergences=grad_divergences, derandomize=derandomize, max_failures=max_failures,
                )
            )
    return report


class _SameFailure:
    """An expected-divergence-like entry that matches a failure already found (``--max-failures``): the same
    kind of disagreement (the reason with its numbers blanked) on a case that shares the failure's essential
    keywords (:func:`essential_params`)."""

    def __init__(self, op: str, failure: CaseFailure, essential: dict):
        self.op = op
        self.template = reason_template(failure.reason)
        self.essential = essential
        # no essential keyword: the failure is known only for its exact shapes
        self.shapes = None if essential else _shapes(failure.case)
        self.reason = f"the failure already reported: {failure.reason}"

    def applies_to(self, op: str) -> bool:
        return op == self.op

    def matches(self, case: Case, reason: str) -> bool:
        if reason_template(reason) != self.template:
            return False
        if self.shapes is not None:
            return _shapes(case) == self.shapes
        return all(plain(case.params.get(key, _MISSING)) == plain(value) for key, value in self.essential.items())


_MISSING = object()


def _shapes(case: Case) -> tuple:
    return tuple(None if a is None else a.shape for a in case.inputs.values())


def reason_template(reason: str) -> str:
    """A failure's reason with every number, index and value blanked (``#``; an index of any rank is one ``#``)."""
    blanked = re.sub(r"(?i)[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)", "#", reason)
    return re.sub(r"#(?:,\s*#)*,?", "#", blanked)


def essential_params(operation: Operation, case: Case, fails: Callable[[Case], bool]) -> dict:
    """The keywords of a failing ``case`` that the failure needs: each keyword not at its default is set back
    to its default in turn, and kept as essential when the case then passes or becomes invalid."""
    defaults = keyword_defaults(operation.reference)
    essential = {}
    for key, value in case.params.items():
        if key in defaults and plain(value) == plain(defaults[key]):
            continue
        if key not in defaults:
            essential[key] = value
            continue
        trial = Case(case.op, case.inputs, {**case.params, key: defaults[key]}, case.data_kind)
        try:
            operation.reference(*trial.arrays(), **trial.params)  # still a valid call?
            still_fails = fails(trial)
        except Exception:  # the simpler call is not valid, or the target's fault is of another kind
            still_fails = False
        if not still_fails:
            essential[key] = value
    return essential


def _distinct_failures(run: Callable, operation: Operation, target: Target, max_failures: int, *,
                       divergences: Iterable, **settings) -> OperationResult:
    """Run the search; after each failure run it again with that failure declared (:class:`_SameFailure`: the
    same kind of reason on a case sharing its essential keywords), until ``max_failures`` distinct failures are
    found or a search ends without a new one. The first search's result is returned, the later failures in
    :attr:`OperationResult.more_failures`."""
    divergences = list(divergences)
    result = run(operation, target, divergences=divergences, **settings)
    known = []
    latest = result
    while latest.status == "failed" and latest.failure is not None and 1 + len(result.more_failures) < max_failures:
        failure = latest.failure
        known.append(_SameFailure(operation.name, failure, essential_params(operation, failure.case,
                                                                              _recheck(run, operation, target, failure))))
        latest = run(operation, target, divergences=divergences + known, **{**settings, "on_example": None})
        if latest.status == "failed" and latest.failure is not None:
            result.more_failures.append(latest.failure)
    return result


def warm_up() -> None:
    """Run one tiny check, of the reference against itself on ``flatten``, in this process.

    Called by ``convspec check`` before it forks its workers (:mod:`.isolation`): a worker then inherits what a
    first search sets up -- hypothesis's drawing machinery, the first-call paths of the runner, the tolerance
    model and numpy -- instead of paying for it once per operation. Measured when hypothesis's engine ran the
    search, on 8 operations (100 examples each, one forked worker per operation, one thread): 5.1 CPU-s
    without, 3.6 with. With the search of :mod:`.search` it takes 0.13 s here; whether it still pays that
    back was not measurable on a shared machine (two runs each way, inside the noise). No target code runs (a target that crashes still
    crashes only its own workers), nothing is reported, and no draw changes: every search seeds its own
    ``random.Random`` (:func:`.search.seed_text`).
    It also imports the numpy submodules that numpy loads on first use and several operations' checks need
    (``numpy.ma``, which ``np.unique`` imports: four operations' regions and tolerances, 19 ms each measured
    here; ``numpy.fft``: the FFT operations' reference): imported once here, not once per worker.
    A failure here is convspec's own and shows up again in the real run, so it is not raised here.
    """
    global _warm
    if _warm:  # once per process (``--seeds`` runs several checks)
        return
    _warm = True
    import numpy.fft  # noqa: F401 - see the docstring
    import numpy.ma  # noqa: F401

    from .targets import load_target

    try:
        run_operation(BY_NAME["flatten"], load_target("reference"), examples=1)
    except Exception:  # noqa: BLE001 - a warm-up only; the check itself reports convspec's own faults
        pass


_warm = False


def _recheck(run: Callable, operation: Operation, target: Target, failure: CaseFailure) -> Callable[[Case], bool]:
    """``fails(case)``: whether the target still fails ``case`` (a backward failure: with the same ``grad_out``)."""

    def fails(case: Case) -> bool:
        try:
            if run is run_gradient:
                check_gradient_case(operation, target.vjps[operation.name], case, failure.grad_out)
            else:
                check_case(operation, target.functions[operation.name], case)
        except CaseFailure:
            return True
        return False

    return fails


def _counting_coverage(target: Target, op: str, result: OperationResult) -> Target:
    """The target with ``op``'s ``SUPPORTS`` predicate wrapped to count, in ``result.coverage``, the
    regions of every case the target supports (the runner asks before it checks a case)."""
    coverage = Coverage(op)
    result.coverage = coverage.counts  # counted in place, case by case
    own = target.supports.get(op)

    def predicate(case: Case):
        verdict = True if own is None else own(case)
        if verdict is True:
            coverage.count(case)
        return verdict

    return dataclasses.replace(target, supports={**target.supports, op: predicate})


def _visit_regions(result: OperationResult, operation: Operation, target: Target, check: Callable, explicit: list,
                   *, entries: list, on_example: Callable[[], None] | None) -> bool:
    """Check the operation's region cases (:mod:`.regions`) before the random search.

    ``explicit`` holds what ``check`` takes (a case, or a tuple whose first entry is one). Unsupported
    cases are counted and skipped; a failure that an expected divergence matches is recorded; any
    other failure ends the operation's check (status from the failure) and returns True."""
    for drawn in explicit:
        case = drawn[0] if isinstance(drawn, tuple) else drawn
        try:
            reason = target.unsupported_reason(operation.name, case)
        except CaseFailure as failure:
            result.status, result.failure = _status_of(failure), failure
            return True
        if reason is not None:
            result.unsupported += 1
            result.unsupported_reasons[reason] += 1
            continue
        result.examples += 1
        result.region_examples += 1
        if on_example is not None:
            on_example()
        try:
            comparison = check(drawn)
        except _Refused:  # counted as unsupported by _refusals_as_unsupported
            result.region_examples -= 1
            continue
        except CaseFailure as failure:
            try:
                entry = next((d for d in entries if d.matches(case, failure.reason)), None)
            except CaseFailure as error:  # the divergence file's own expression raised (UserCodeError)
                failure, entry = error, None
            if entry is None:
                result.first_failure_example = result.examples
                result.status, result.failure = _status_of(failure), failure
                return True
            result.expected_count += 1
            if not any(e.entry is entry for e in result.expected):
                result.expected.append(ExpectedDivergence(case, failure.reason, entry))
            continue
        result.worst_ratio = max(result.worst_ratio, comparison.worst_ratio)
        result.exact_examples += comparison.exact
    return False


def _finish(run: Callable[[], None], result, started: float):
    """Run a drawn search (forward or backward) and set the result's status from how it ended."""
    try:
        run()
    except CaseFailure as failure:
        result.status, result.failure = _status_of(failure), failure
    except BaseExceptionGroup as group:  # several distinct failures: report the first
        failures = [e for e in group.exceptions if isinstance(e, CaseFailure)]
        if not failures:
            raise
        result.status, result.failure = _status_of(failures[0]), failures[0]
    except Unsatisfiable:  # not one drawn case was supported
        result.status = "unsupported"
    if result.status == "passed":
        if result.expected_count:
            result.status = "expected divergence"
        elif result.examples == 0:
            result.status = "unsupported"
    result.seconds = time.perf_counter() - started
    return result


def _status_of(failure: CaseFailure) -> str:
    if isinstance(failure, UserCodeError):
        return "error"
    if isinstance(failure, TargetCrash):
        return "crashed"
    return "failed"
