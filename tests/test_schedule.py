"""The order the checker starts its workers in (:mod:`convspec.conformance.schedule`): longest first,
with the results still reported in the catalog's order."""

from __future__ import annotations

import statistics

from convspec.conformance import catalog, schedule
from convspec.conformance.isolation import run_isolated
from convspec.conformance.targets import load_target


def test_longest_first_orders_by_the_estimates_and_keeps_ties_in_order():
    ops = ["relu", "upsample", "flatten", "sobel"]
    assert schedule.SECONDS["relu"] == schedule.SECONDS["flatten"]  # a tie: relu stays before flatten
    assert schedule.longest_first(ops, lambda op: op) == ["upsample", "sobel", "relu", "flatten"]


def test_an_operation_missing_from_the_table_counts_as_the_median():
    median = statistics.median(schedule.SECONDS.values())
    assert schedule.expected_seconds("an_operation_nobody_measured") == median
    longest = max(schedule.SECONDS, key=schedule.SECONDS.get)
    shortest = min(schedule.SECONDS, key=schedule.SECONDS.get)
    assert schedule.longest_first([shortest, "new_op", longest], lambda op: op) == [longest, "new_op", shortest]


def test_the_table_names_only_catalog_operations():
    # a new operation needs no entry (it counts as the median: CONTRIBUTING's files stay the only touch points);
    # an entry for an operation that is gone is a stale table (benchmarks/bench_checker.py --costs prints a fresh one)
    names = {op.name for op in catalog.CATALOG}
    assert set(schedule.SECONDS) <= names, set(schedule.SECONDS) - names


def test_workers_start_longest_first_and_the_report_keeps_the_catalog_order():
    operations = [catalog.get(name) for name in ("relu", "upsample", "sobel")]
    started = []

    def progress(label, total):
        started.append(label)
        return lambda: None

    report = run_isolated(load_target("reference"), operations, examples=2, jobs=1, progress=progress)
    assert started == ["upsample", "sobel", "relu"]
    assert [result.op for result in report.results] == ["relu", "upsample", "sobel"]
    assert all(result.status == "passed" for result in report.results)
