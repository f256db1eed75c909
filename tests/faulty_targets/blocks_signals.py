"""A target whose module blocks SIGINT and SIGTERM in the thread importing it (what a library may do before it
starts threads of its own, so that they never get those signals): for tests/test_isolation.py. Blocked in the
checker's main thread, they made Ctrl-C and ``kill`` do nothing for the rest of the check, and every worker
inherited the mask. As hangs.py: correlate hangs on a 2-D input; relu is right."""

import signal
import time

from convspec import reference

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def correlate(x, weight, bias=None, **params):
    if x.ndim == 4:
        time.sleep(86400)
    return reference.correlate(x, weight, bias, **params)


relu = reference.relu
