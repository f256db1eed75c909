"""convspec.spec: the closed-form facts (sympy). Imports nothing else of convspec.

One module per family of operations (``conv``, ``conv_transpose``, ``pool``, ``unpool``,
``upsample``), the conventions they share (``conventions``), and the layer-level
arithmetic built on them: ``layers`` (shapes, parameters, multiply-adds per layer kind),
``notation`` (the seeds' notations side by side), ``receptive_field``, ``summary`` and
``identities`` (symbolic proofs, and the seeds' claims they refute).
"""

from . import (
    conv,
    conv_transpose,
    conventions,
    identities,
    layers,
    notation,
    pool,
    receptive_field,
    summary,
    unpool,
    upsample,
)

__all__ = [
    "conv",
    "conv_transpose",
    "conventions",
    "identities",
    "layers",
    "notation",
    "pool",
    "receptive_field",
    "summary",
    "unpool",
    "upsample",
]
