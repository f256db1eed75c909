"""A target that starts processes which leave the worker's process group: for tests/test_isolation.py.

relu starts ``sleep 4321.25`` in a session of its own (``start_new_session=True``); sigmoid daemonizes ``sleep
4321.5`` the classic way (fork, setsid, fork again, the middle process exits, so the sleep is an orphan). The
group kill at the end of an operation did not reach either, and both outlived the check. Both operations are
right.

softmax starts ``sleep 4321.75`` in a session of its own and then hangs (its worker is killed at the timeout);
flatten daemonizes ``sleep 4321.875`` and then aborts (its worker crashes). A worker that is killed or crashes
cannot end what it started: both sleeps outlived the check until the checker adopted them.
"""

import os
import subprocess
import time

from convspec import reference

_started = set()


def relu(x):
    if "relu" not in _started:
        _started.add("relu")
        subprocess.Popen(["sleep", "4321.25"], start_new_session=True)
    return reference.relu(x)


def _daemonize(seconds: str) -> None:
    middle = os.fork()
    if middle == 0:
        os.setsid()
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", seconds])
        os._exit(0)
    os.waitpid(middle, 0)


def sigmoid(x):
    if "sigmoid" not in _started:
        _started.add("sigmoid")
        _daemonize("4321.5")
    return reference.sigmoid(x)


def softmax(x, *, axis=-1):
    subprocess.Popen(["sleep", "4321.75"], start_new_session=True)
    time.sleep(3600)


def flatten(x):
    _daemonize("4321.875")
    time.sleep(0.5)  # the sleep has started
    os.abort()
