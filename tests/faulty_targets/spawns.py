"""A target that starts processes and leaves them running: for tests/test_isolation.py.

relu starts a helper process (``subprocess.Popen``) and returns the right answer; sigmoid forks a child and
then hangs until its timeout. Each writes the pid it started into the folder ``pids`` beside this file (the
test runs a copy of it in its own folder), for the test to check that none outlives the check. The rest is the
reference's.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from convspec import reference

_started = False


def _record(pid: int) -> None:
    Path(__file__).with_name("pids").joinpath(str(pid)).touch()


def relu(x):
    global _started
    if not _started:
        _started = True
        _record(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]).pid)
    return reference.relu(x)


def sigmoid(x):
    child = os.fork()
    if child == 0:
        time.sleep(600)
        os._exit(0)
    _record(child)
    time.sleep(600)
