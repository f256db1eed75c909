"""The ``upsample`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/upsample.py``, ``reference/upsample.py``,
``accelerated/upsample.py`` and ``tests/test_upsample.py``.
"""
