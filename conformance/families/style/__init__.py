"""The ``style`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/style.py``, ``reference/style.py``,
``accelerated/style.py`` and ``tests/test_style.py``.
"""
