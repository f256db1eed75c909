"""A target whose SUPPORTS predicate raises on 2-D inputs (a NameError), and a correct relu (tests/test_isolation.py)."""

from convspec import reference

correlate = reference.correlate
relu = reference.relu


def _correlate_supported(case):
    if case.inputs["x"].ndim == 4:
        return undefined_name  # noqa: F821 -- the bug
    return True


SUPPORTS = {"correlate": _correlate_supported}
