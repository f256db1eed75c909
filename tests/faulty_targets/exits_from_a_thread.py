"""A target whose module starts a watchdog thread that ends the process with status 0 three seconds
later: for tests/test_isolation.py. The thread runs in the checker's own process (it was started at
import), so the check ended mid-run with exit status 0 and no table: a green exit. Its relu is right and
takes 40 ms a call, so the check outlasts the watchdog."""

import os
import threading
import time

from convspec import reference


def _watchdog():
    time.sleep(3)
    os._exit(0)


threading.Thread(target=_watchdog, daemon=True).start()


def relu(x):
    time.sleep(0.04)
    return reference.relu(x)
