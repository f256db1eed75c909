"""The ``activations`` family's conformance knowledge: its strategies (valid calls drawn directly), its
named regions (the corners every check visits) and its literal worked examples.

The family shares its basename with ``spec/activations.py``, ``reference/activations.py``,
``accelerated/activations.py`` and ``tests/test_activations.py``.
"""
