"""A target whose module never finishes importing (it waits for something that never comes: here an hour's
sleep; in the wild a lock, a peer process, a prompt): for tests/test_isolation.py. The check hung for ever,
with nothing printed; with --load-timeout 2 it stops after two seconds with exit status 2."""

import time

time.sleep(3600)

from convspec.reference import relu  # noqa: E402,F401 - never reached
