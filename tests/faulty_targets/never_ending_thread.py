"""A target that starts, when imported, a thread that never ends (a kernel queue's worker, not a daemon):
for tests/test_isolation.py. Its relu is right; the interpreter's exit would wait for the thread forever."""

import threading
import time

from convspec import reference

threading.Thread(target=lambda: time.sleep(3600), name="kernel-queue").start()

relu = reference.relu
