"""Hypothesis profiles. Select one with CONVSPEC_PROFILE=dev|ci|thorough (default dev).

* dev: quick local runs (randomised, few examples);
* ci: derandomized (the same cases every run), no deadline — never flaky; a failure
  it finds becomes a literal regression test;
* thorough: many examples, randomised, for hunting before a release.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

settings.register_profile("dev", max_examples=25, **_COMMON)
settings.register_profile("ci", max_examples=60, derandomize=True, database=None, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("CONVSPEC_PROFILE", "dev"))


def pytest_terminal_summary(terminalreporter):
    """After tests/test_mutants.py: the kill rate and the mean number of examples to detection.

    Read from the tests' recorded properties, so it also adds up across pytest-xdist workers.
    """
    caught, detections = [], []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call" or "test_mutant_is_caught" not in getattr(report, "nodeid", ""):
                continue
            properties = dict(report.user_properties)
            if "mutant_caught" in properties:
                caught.append(bool(properties["mutant_caught"]))
                detections += [n for n in properties["examples_to_detection"] if n is not None]
    if caught:
        mean = sum(detections) / len(detections) if detections else float("nan")
        terminalreporter.write_line(
            f"convspec mutants: {sum(caught)}/{len(caught)} killed ({100 * sum(caught) / len(caught):.0f}%), "
            f"mean examples to detection {mean:.1f} (median {sorted(detections)[len(detections) // 2] if detections else '-'},"
            f" worst {max(detections) if detections else '-'}) over {len(detections)} buggy operations"
        )
