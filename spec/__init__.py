"""convspec.spec: the closed-form facts (sympy). Imports nothing else of convspec."""

from . import conv, conventions

__all__ = ["conv", "conventions"]
