"""sympy, imported when a formula is first asked for symbolically, not when the spec is imported.

Every formula of the spec is one function for two uses (:mod:`convspec.spec.conv`): called with sympy
symbols it returns the sympy expression, called with ints it returns an int; its default arguments are the
module's symbols, so ``conv_output_length()`` is the general formula. A module needs those symbols when it
is defined, but importing sympy takes 0.2-0.4 s (measured here: about a sixth of ``convspec check
accelerated``'s start-up), and the reference, the accelerated functions and the checker call the spec with
numbers only. So the symbols are made on first use:

* :func:`symbols` and :func:`Symbol` (same arguments as sympy's) return :class:`LazySymbol` placeholders,
  each standing for the sympy symbol of that name and those assumptions. The placeholder makes it (importing
  sympy) the first time it is used as a symbol: in arithmetic, a comparison, a hash, ``sympy.sympify``
  (through ``_sympy_``), or for any attribute of a sympy symbol (``.subs``, ``.is_integer``, ...). Equal
  names and assumptions make the same sympy symbol, as sympy's own cache does.
* :func:`resolve` gives the sympy symbol a placeholder stands for (anything else unchanged). The spec's
  argument checks (:func:`~convspec.spec.conventions.check_size`, ``check_number``) resolve every argument
  first, so a formula called with its defaults computes with sympy's symbols and returns sympy's expressions.
* :data:`sympy` is the sympy module, imported on its first attribute access.
* :func:`is_symbolic` tells whether any value is symbolic without importing sympy: a value can be a sympy
  object only once sympy has been imported.

Example::

    >>> n = Symbol("n", integer=True, positive=True)
    >>> n                       # a placeholder, printed as its symbol
    n
    >>> is_symbolic(3), is_symbolic(n)
    (False, True)
    >>> (n + 1).subs(n, 2)     # arithmetic makes the sympy symbol
    3
"""

from __future__ import annotations

import re
import sys

_MADE: dict = {}  # (name, assumptions) -> the sympy symbol


class _LazySympy:
    """The sympy module, imported on the first attribute asked of it."""

    def __getattr__(self, name: str):
        import sympy as module

        return getattr(module, name)

    def __repr__(self) -> str:
        return "<sympy, imported on first use>"


#: the sympy module, imported on first use (``sympy.floor``, ``sympy.Max``, ...)
sympy = _LazySympy()


class LazySymbol:
    """A sympy symbol not made yet: its name and assumptions; used as one, it is one (see the module)."""

    __slots__ = ("name", "assumptions")

    def __init__(self, name: str, assumptions: dict):
        self.name = name
        self.assumptions = tuple(sorted(assumptions.items()))

    def symbol(self):
        """The sympy symbol (made, and sympy imported, on the first call)."""
        key = (self.name, self.assumptions)
        made = _MADE.get(key)
        if made is None:
            import sympy as module

            made = _MADE[key] = module.Symbol(self.name, **dict(self.assumptions))
        return made

    def _sympy_(self):
        return self.symbol()

    def __getattr__(self, name: str):
        if name.startswith("__"):  # pickle, copy and the like ask for these: not the symbol's
            raise AttributeError(name)
        return getattr(self.symbol(), name)

    def __reduce__(self):
        return (LazySymbol, (self.name, dict(self.assumptions)))

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __hash__(self) -> int:
        return hash(self.symbol())

    def __eq__(self, other):
        return self.symbol() == resolve(other)

    def __ne__(self, other):
        return self.symbol() != resolve(other)


def _delegate(name: str):
    def method(self, *args):  # the other operand made too, if it is a placeholder (sympy's operators ask for sympy)
        return getattr(self.symbol(), name)(*(resolve(arg) for arg in args))

    method.__name__ = name
    return method


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
              "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
              "__neg__", "__pos__", "__abs__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(LazySymbol, _name, _delegate(_name))


def Symbol(name: str, **assumptions) -> LazySymbol:  # noqa: N802 - named as sympy's
    """``sympy.Symbol(name, **assumptions)``, made on first use."""
    return LazySymbol(name, assumptions)


def symbols(names: str, **assumptions):
    """``sympy.symbols(names, **assumptions)`` for plain names (``"n k"``, ``"n, k"``), made on first use: a tuple
    for several names, the placeholder itself for one."""
    made = tuple(LazySymbol(name, assumptions) for name in re.split(r"[\s,]+", names.strip()) if name)
    return made[0] if len(made) == 1 else made


def resolve(value):
    """The sympy symbol a placeholder stands for; any other value unchanged."""
    return value.symbol() if type(value) is LazySymbol else value


def is_symbolic(*values) -> bool:
    """Whether any value is a sympy object or a placeholder; never imports sympy (and quick for ints)."""
    module = sys.modules.get("sympy")
    for value in values:
        kind = type(value)
        if kind is int:
            continue
        if kind is LazySymbol or (module is not None and isinstance(value, module.Basic)):
            return True
    return False
