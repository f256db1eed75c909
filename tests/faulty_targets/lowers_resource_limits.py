"""A target whose module lowers the process's resource limits when imported, as sandboxing code does (24 open
files, a file size of 0): for tests/test_isolation.py. The limits are the process's, the checker's: it could
not open its next pipe (an internal error, exit 3), and writing the report killed it (SIGXFSZ). ``relu`` is
right."""

import resource

import numpy as np

resource.setrlimit(resource.RLIMIT_NOFILE, (24, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def relu(x):
    return np.maximum(x, np.zeros((), x.dtype))
