"""A target whose module makes numpy raise on every floating-point error when imported (``np.seterr(all="raise")``,
a debugging habit): for tests/test_isolation.py. Its relu and sigmoid are the reference's; sigmoid underflows
in ``exp`` far out in the tail, which now raises, in the target's code only."""

import numpy as np

from convspec import reference

np.seterr(all="raise")

relu = reference.relu
sigmoid = reference.sigmoid
