"""A target whose operations die in every way a process can: for tests/test_isolation.py.

correlate segfaults (a read of address 0 through ctypes) once the input has two or more
channels; convolve calls os.abort(); max_pool calls os._exit(0); avg_pool calls sys.exit(0)
on a 2-D input; relu is right, so the run must go on past the others.
"""

import ctypes
import os
import sys

from convspec import reference


def correlate(x, weight, bias=None, **params):
    if x.shape[1] >= 2:
        print("about to read address 0")
        ctypes.string_at(0)  # SIGSEGV
    return reference.correlate(x, weight, bias, **params)


def convolve(x, weight, bias=None, **params):
    os.abort()  # SIGABRT


def max_pool(x, kernel_size, **params):
    os._exit(0)  # ends the process with status 0, no exception, no report


def avg_pool(x, kernel_size, **params):
    if x.ndim == 4:
        sys.exit(0)
    return reference.avg_pool(x, kernel_size, **params)


relu = reference.relu
