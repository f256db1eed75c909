"""The ``conv`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/conv.py``, ``reference/conv.py``,
``accelerated/conv.py`` and ``tests/test_conv.py``.
"""
