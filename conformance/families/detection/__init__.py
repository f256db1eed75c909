"""The ``detection`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/detection.py``, ``reference/detection.py``,
``accelerated/detection.py`` and ``tests/test_detection.py``.
"""
