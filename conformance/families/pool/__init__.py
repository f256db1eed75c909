"""The ``pool`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/pool.py``, ``reference/pool.py``,
``accelerated/pool.py`` and ``tests/test_pool.py``.
"""
