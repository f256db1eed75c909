"""A target whose module ignores SIGCHLD when imported (the kernel then reaps every child at once): for
tests/test_isolation.py. Its convolve aborts and its relu is right: the abort must still read as a crash."""

import os
import signal

from convspec import reference

signal.signal(signal.SIGCHLD, signal.SIG_IGN)

relu = reference.relu


def convolve(x, weight, bias=None, **params):
    os.abort()
