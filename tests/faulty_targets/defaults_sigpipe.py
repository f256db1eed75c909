"""A target whose module sets SIGPIPE back to its default when imported (as command-line tools do, so that
``tool | head`` ends quietly): for tests/test_isolation.py. ``convspec check | head -1`` then died of SIGPIPE at
its next line (exit 141, blamed on the target) instead of finishing the check. Its relu is right; its sigmoid is
right only where the module's own setting is back in the worker that runs it (the target's process)."""

import signal

from convspec import reference

signal.signal(signal.SIGPIPE, signal.SIG_DFL)

relu = reference.relu


def sigmoid(x):
    return reference.sigmoid(x) * (1 if signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL else 2)
