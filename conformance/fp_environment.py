"""The thread's floating-point environment, kept apart for the target's code and for convspec's.

The environment (C's ``fenv_t``) holds the rounding mode, which floating-point exceptions trap, and on x86 and
ARM the flush-to-zero and denormals-are-zero bits. It belongs to a thread, and a forked process inherits it.
A target that sets it, at import or inside a call, sets it for convspec's own code as well, which runs on the
same thread: ``torch.set_flush_denormal(True)`` (advice found in speed guides) made numpy read ``1e-40`` as 0,
so the reference itself flushed subnormals to zero, agreed with a target that flushes them, and
``convspec check`` passed a target that breaks IEEE gradual underflow. A rounding mode set to upward would move
every reference result by an ulp; an unmasked trap would end the reference with ``SIGFPE``.

:func:`current` reads the environment (``fegetenv``), :func:`set_to` installs one (``fesetenv``), both from
:mod:`convspec.reference.ieee_environment` (under which each reference function computes), and :class:`Kept`
runs a target's callables under the environment the target last left while convspec's code runs under its
own. Where the C library has no ``fegetenv``, :func:`current` is None and nothing is switched.

Worked example (x86-64, torch imported)::

    ours = current()
    torch.set_flush_denormal(True)     # the target's import
    theirs = current()
    set_to(ours)                       # numpy reads 1e-40 as 1e-40 again; the target's calls get ``theirs``
"""

from __future__ import annotations

from convspec.reference.ieee_environment import current, set_to

__all__ = ["Kept", "current", "set_to"]


class Kept:
    """The environment a target's code runs under: the one its import left, then the one each call left.

    ``kept.call(function, *args)`` installs the target's environment, calls, keeps what the call left for the
    next call, and gives the caller its own environment back, whatever the call did or raised."""

    def __init__(self, environment: bytes | None):
        self.environment = environment

    def call(self, function, *args, **kwargs):
        if self.environment is None:
            return function(*args, **kwargs)
        ours = current()
        set_to(self.environment)
        try:
            return function(*args, **kwargs)
        finally:
            self.environment = current()
            set_to(ours)
