"""A target that starts processes which leave the worker's process group: for tests/test_isolation.py.

relu starts ``sleep 4321.25`` in a session of its own (``start_new_session=True``); sigmoid daemonizes ``sleep
4321.5`` the classic way (fork, setsid, fork again, the middle process exits, so the sleep is an orphan). The
group kill at the end of an operation did not reach either, and both outlived the check. Both operations are
right.
"""

import os
import subprocess

from convspec import reference

_started = set()


def relu(x):
    if "relu" not in _started:
        _started.add("relu")
        subprocess.Popen(["sleep", "4321.25"], start_new_session=True)
    return reference.relu(x)


def sigmoid(x):
    if "sigmoid" not in _started:
        _started.add("sigmoid")
        middle = os.fork()
        if middle == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "4321.5"])
            os._exit(0)
        os.waitpid(middle, 0)
    return reference.sigmoid(x)
