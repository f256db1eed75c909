"""A target whose import fails (tests/test_isolation.py)."""

import numpy as np

raise RuntimeError("the kernel library is not built")
