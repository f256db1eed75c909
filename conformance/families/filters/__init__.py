"""The ``filters`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/filters.py``, ``reference/filters.py``,
``accelerated/filters.py`` and ``tests/test_filters.py``.
"""
