"""One subpackage per operation family (the basename shared with ``spec/``, ``reference/``,
``accelerated/`` and ``tests/``): ``strategies`` (valid calls drawn directly), ``regions`` (named corners,
each with explicit cases) and ``examples`` (literal worked examples, also shown in the docs).
"""
