"""A target that hangs: correlate sleeps for a day on a 2-D input; relu is right (tests/test_isolation.py)."""

import time

from convspec import reference


def correlate(x, weight, bias=None, **params):
    if x.ndim == 4:
        time.sleep(86400)
    return reference.correlate(x, weight, bias, **params)


relu = reference.relu
