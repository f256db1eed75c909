"""A target whose correlate is off by one everywhere: for expected-divergence expressions (tests/test_isolation.py)."""

from convspec import reference


def correlate(x, weight, bias=None, **params):
    return reference.correlate(x, weight, bias, **params) + 1
