"""A target whose module starts a thread that sends SIGKILL to its own process three seconds later
(what the system's out-of-memory killer does to a process that grew too big): for tests/test_isolation.py.
Its relu is right and takes 40 ms a call, so the check outlasts the thread."""

import os
import signal
import threading
import time

from convspec import reference


def _kill():
    time.sleep(3)
    os.kill(os.getpid(), signal.SIGKILL)


threading.Thread(target=_kill, daemon=True).start()


def relu(x):
    time.sleep(0.04)
    return reference.relu(x)
