"""The ``fft`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/fft.py``, ``reference/fft.py``,
``accelerated/fft.py`` and ``tests/test_fft.py``.
"""
