"""The ``conv_transpose`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/conv_transpose.py``, ``reference/conv_transpose.py``,
``accelerated/conv_transpose.py`` and ``tests/test_conv_transpose.py``.
"""
