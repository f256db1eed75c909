"""The Linux process controls the checker relies on (``prctl``); elsewhere each does nothing.

* :func:`die_with_parent`: a process the checker forks (the command's own child, its workers, the helper that
  draws ahead) is killed by the kernel when the process that forked it ends, even by SIGKILL, so that nothing
  runs on for a check that is over;
* :func:`first_to_go`: a worker is the process the out-of-memory killer ends first (``oom_score_adj`` 1000), so
  that a target that allocates without end costs its own operation (a crash, SIGKILL), not the checker, the
  user's shell or editor;
* :func:`adopt_orphans`: a worker becomes a child subreaper, so that a process the target started and left
  behind (its parent ended: a daemon's double fork) is re-parented to the worker, which ends it, instead of to
  init, where it would outlive the check.

Worked example: ``die_with_parent(first)`` in the child of process ``first`` asks for SIGKILL when ``first``
ends, and ends the child at once if ``first`` had already ended before the request took effect.
"""

from __future__ import annotations

import os
import sys

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
_SIGKILL = 9


def prctl(option: int, value) -> bool:
    """``prctl(option, value)`` of this process (``value``: an int, or a ctypes pointer the call writes to); False
    where it failed or the system has none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value) == 0
    except Exception:  # noqa: BLE001 - no libc or no prctl: the caller goes on without
        return False


def die_with_parent(parent: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent ends. With ``parent``, the pid this process was
    forked from, a parent that ended before the request took effect ends this process now."""
    if prctl(PR_SET_PDEATHSIG, _SIGKILL) and parent is not None and os.getppid() != parent:
        os._exit(1)


def adopt_orphans(adopt: bool = True) -> bool:
    """Make this process a child subreaper (``adopt=False``: no longer one): orphaned descendants are re-parented to
    it, not to init."""
    return prctl(PR_SET_CHILD_SUBREAPER, int(adopt))


def adopts_orphans() -> bool:
    """Whether this process is a child subreaper (False where the system cannot tell)."""
    import ctypes

    value = ctypes.c_int(0)
    return prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(value)) and bool(value.value)


def first_to_go() -> bool:
    """Make this process the out-of-memory killer's first choice (``/proc/self/oom_score_adj`` = 1000, which any
    process may raise for itself); False where the system has no such setting."""
    try:
        with open("/proc/self/oom_score_adj", "w") as setting:
            setting.write("1000")
        return True
    except OSError:
        return False
