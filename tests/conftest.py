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
