"""A target whose module sets the process's umask to 0o777 when imported: for tests/test_isolation.py. Every
report convspec wrote afterwards was a file of mode 000. Its relu is right."""

import os

from convspec import reference

os.umask(0o777)

relu = reference.relu
