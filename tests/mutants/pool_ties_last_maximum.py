"""Mutant: ties go to the last maximum.

The port scans each window with ``>=`` where the spec (and PyTorch's kernels) use
``>``: among equal maxima the index names the *last* one in row-major scan order,
not the first. Values are right. Built as the reference with that one line changed.
"""

import inspect
import types

from convspec.reference import pool as _reference

PLANTED_BUG = "max_pool's index names the last of several equal maxima in scan order instead of the first."
BUGGY_OPS = ("max_pool",)

_FIRST = "first_maximum = np.argmax(window == maximum[..., None], axis=-1)"
_LAST = "first_maximum = window.shape[-1] - 1 - np.argmax((window == maximum[..., None])[..., ::-1], axis=-1)"

_source = inspect.getsource(_reference)
assert _source.count(_FIRST) == 1, "mutant out of date: reference/pool.py no longer picks the first maximum this way"
_mutant = types.ModuleType("convspec.reference.pool_ties_last_maximum")
_mutant.__package__ = "convspec.reference"
exec(compile(_source.replace(_FIRST, _LAST), _reference.__file__, "exec"), _mutant.__dict__)  # BUG planted here

max_pool = _mutant.max_pool
