"""The ``unpool`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/unpool.py``, ``reference/unpool.py``,
``accelerated/unpool.py`` and ``tests/test_unpool.py``.
"""
