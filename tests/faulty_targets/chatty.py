"""A target that prints without end: for tests/test_isolation.py.

The first relu call of a worker prints 16 MB (160 kB every 10 ms, a debug print left in a loop), then
reads how much its output file holds (the bytes stored: the checker may free the older part and keep the
file's length): more than 8 MB means nobody bounded it, and relu raises. sigmoid
prints as much, then a last line, then aborts: the report must still show that line. The rest is the
reference's.
"""

import os
import sys
import time

from convspec import reference

_CHUNK = "x" * 99 + "\n"
_printed = False


def _print_16_mb() -> None:
    for _ in range(100):
        sys.stdout.write(_CHUNK * 1600)
        sys.stdout.flush()
        time.sleep(0.01)


def relu(x):
    global _printed
    if not _printed:
        _printed = True
        _print_16_mb()
        held = os.fstat(1).st_blocks * 512
        if held > 8 * 10**6:
            raise RuntimeError(f"the worker's output file holds {held} bytes: it was never emptied")
    return reference.relu(x)


def sigmoid(x):
    _print_16_mb()
    print("the last words before the abort", flush=True)
    os.abort()
