"""The benchmarks' timing rule (``benchmarks/timing.py``), on scripted clocks: nothing here is timed.

A row takes another round of repetitions while the standard error of its median ratio is over
``MEDIAN_ERROR``, at most ``MAX_ROUNDS`` rounds; the rule looks at the spread only, never at the ratio.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import statistics
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "timing.py"


@pytest.fixture(scope="module")
def timing():
    spec = importlib.util.spec_from_file_location("convspec_bench_timing", _PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_median_error_is_the_docstrings_estimate(timing):
    ratios = [1.0 + 0.1 * math.cos(k) for k in range(15)]
    lower, _, upper = statistics.quantiles(ratios, n=4)
    assert timing.median_error(ratios) == pytest.approx(1.2533 / 1.349 * (upper - lower) / math.sqrt(15))
    assert timing.median_error([1.02] * 15) == 0.0
    assert timing.median_error([1.0]) == math.inf


def _scripted(timing, monkeypatch, ratio_of_repetition):
    """Make the clock say: native 1 ms per call, accelerated ``ratio_of_repetition(k)`` ms at repetition k."""
    repetitions = itertools.count()
    state = {}

    def seconds_per_call(fn, calls):
        if fn is native:
            return 1e-3
        state["k"] = next(repetitions)
        return 1e-3 * ratio_of_repetition(state["k"])

    def native():
        return None

    def accelerated():
        return None

    monkeypatch.setattr(timing, "seconds_per_call", seconds_per_call)
    monkeypatch.setattr(timing, "calls_per_block", lambda fn, seconds: 1)
    return native, accelerated


def test_a_steady_row_takes_one_round(timing, monkeypatch):
    native, accelerated = _scripted(timing, monkeypatch, lambda k: 1.01 + 0.001 * (k % 3))
    result = timing.time_side_by_side(native, accelerated, timing.FULL)
    assert result.rounds == 1 and len(result.ratios) == timing.FULL.repeats
    assert timing.verdict(timing.Case("row", "x", native, accelerated), result) == "ok"


@pytest.mark.parametrize("centre", [0.95, 1.10])
def test_a_noisy_row_takes_more_rounds_whatever_its_ratio(timing, monkeypatch, centre):
    """Ratios centre - 0.1, centre, centre + 0.1 in turn (median: centre), around 0.95 (within the target) and
    around 1.10 (over it): both are measured for three rounds, and the verdict is the median's."""
    native, accelerated = _scripted(timing, monkeypatch, lambda k: centre + 0.1 * (k % 3 - 1))
    result = timing.time_side_by_side(native, accelerated, timing.FULL)
    assert result.rounds == timing.MAX_ROUNDS and len(result.ratios) == timing.MAX_ROUNDS * timing.FULL.repeats
    expected = "ok" if centre < timing.TARGET_RATIO else f"OVER {timing.TARGET_RATIO:.2f}"
    row = timing.Case("row", "x", native, accelerated)
    assert result.ratio == pytest.approx(centre)
    assert timing.verdict(row, result) == f"{expected}, {len(result.ratios)} reps"


def test_a_row_stops_once_its_median_is_precise(timing, monkeypatch):
    """Noisy for the first round only: the second round's steady ratios bring the error under the limit."""
    repeats = timing.FULL.repeats
    native, accelerated = _scripted(
        timing, monkeypatch, lambda k: 1.0 + ((0.08 if k % 2 else -0.08) if k < repeats else 0.0))
    result = timing.time_side_by_side(native, accelerated, timing.FULL)
    assert timing.median_error(result.ratios[:repeats]) > timing.MEDIAN_ERROR
    assert result.rounds == 2 and timing.median_error(result.ratios) <= timing.MEDIAN_ERROR
