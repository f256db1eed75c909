"""The reference computes under IEEE 754's default floating-point environment, whatever its caller set.

The environment (C's ``fenv_t``: the rounding mode, which exceptions trap, and on x86 and ARM the
flush-to-zero and denormals-are-zero bits) belongs to a thread, and every piece of code on the thread shares
it. A caller that set flush-to-zero (``torch.set_flush_denormal(True)``, or a library that sets it on the
thread calling it and leaves it) made numpy read ``1e-40`` as 0, so the oracle itself flushed subnormals and
agreed with an implementation that breaks gradual underflow (``spec/conventions.py``, *Numbers*); a rounding
mode set upward moved its results by an ulp. Each public function of :mod:`convspec.reference` therefore runs
under the default environment (round to nearest, no traps, no flushing) and gives its caller's back on return.

:func:`current` reads the thread's environment (``fegetenv``) and :func:`set_to` installs one (``fesetenv``);
:func:`under_ieee_default` wraps a function. Where the C library offers neither (not glibc, musl or macOS),
nothing is switched and the reference computes in whatever environment it is called in.

Worked example (x86-64, torch imported)::

    torch.set_flush_denormal(True)
    numpy.float32(1e-40) * numpy.float32(1)         # 0.0: flushed
    reference.relu(numpy.array([1e-40], "float32"))  # [1e-40]: the default environment inside the call
    numpy.float32(1e-40) * numpy.float32(1)         # 0.0 again: the caller's environment is given back
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

#: bytes held for an ``fenv_t``: more than any platform's (glibc x86-64: 32, aarch64: 8; macOS arm64: 16)
_SIZE = 64


def _with_fenv(name: str | None):
    """The C library ``name`` (None: the process's own symbols) with ``fegetenv``/``fesetenv`` typed, or None."""
    try:
        library = ctypes.CDLL(name)
        library.fegetenv.argtypes = library.fesetenv.argtypes = (ctypes.c_void_p,)
        library.fegetenv.restype = library.fesetenv.restype = ctypes.c_int
    except (OSError, AttributeError, TypeError):
        return None
    return library


def _library():
    """The C library holding ``fegetenv``/``fesetenv``, and its ``FE_DFL_ENV``; (None, None) where there is none."""
    # the process's own symbols first (CPython links the maths library); find_library runs ldconfig, ~1.5 ms
    library = _with_fenv(None) or _with_fenv(ctypes.util.find_library("m"))
    if library is None:
        return None, None
    if sys.platform == "darwin":  # FE_DFL_ENV is the address of the exported _FE_DFL_ENV
        try:
            return library, ctypes.addressof(ctypes.c_char.in_dll(library, "_FE_DFL_ENV"))
        except ValueError:
            return None, None
    if sys.platform.startswith("linux"):  # glibc and musl: FE_DFL_ENV is ((const fenv_t *) -1)
        return library, ctypes.c_void_p(-1).value
    return None, None


_LIBRARY, _DEFAULT = _library()


def current() -> bytes | None:
    """This thread's floating-point environment, or None where it cannot be read."""
    if _LIBRARY is None:
        return None
    held = ctypes.create_string_buffer(_SIZE)
    return held.raw if _LIBRARY.fegetenv(held) == 0 else None


def set_to(environment: bytes | None) -> None:
    """Install ``environment`` (from :func:`current`) in this thread; None changes nothing."""
    if environment is not None and _LIBRARY is not None:
        _LIBRARY.fesetenv(environment)


def under_ieee_default(function):
    """``function`` run under the default environment, its caller's given back on return (or on a raise)."""
    if _LIBRARY is None:
        return function

    @functools.wraps(function)
    def computed_under_ieee_default(*args, **kwargs):
        callers = current()
        _LIBRARY.fesetenv(_DEFAULT)
        try:
            return function(*args, **kwargs)
        finally:
            set_to(callers)

    return computed_under_ieee_default
