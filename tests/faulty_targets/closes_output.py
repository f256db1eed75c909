"""A target whose module points the process's descriptors 1 and 2 at os.devnull (which silences C code too)
and closes sys.stdout when imported: for tests/test_isolation.py. convspec's report was lost: an internal
error ("I/O operation on closed file"), exit 3, no JSON report. Its relu is right."""

import os
import sys

from convspec import reference

_devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(_devnull, 1)
os.dup2(_devnull, 2)
sys.stdout.close()

relu = reference.relu
