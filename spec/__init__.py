"""convspec.spec: the closed-form facts (sympy). Imports nothing else of convspec.

One module per family of operations, the same basename as in ``reference/``, ``accelerated/``
and ``conformance/families/``: ``conv``, ``conv_transpose``, ``pool``, ``unpool``, ``upsample``,
``activations``, ``detection``, ``style``, ``filters``, ``fft`` (each with its output sizes,
counts, argument checks and ``NON_FINITE`` rules). Shared by them: ``conventions`` (layout, padding
forms, the error style), ``limits`` (the output-size guard) and ``non_finite`` (the NaN/±inf
vocabulary and the overflow rule). Built on them:

* layers: ``layers`` (the records' registry and what the counts count), ``layer_args`` (their
  arguments), ``conv_layers`` and ``resampling_layers`` (the records), ``summary`` (a model summary);
* ``notation`` (the seeds' notations side by side), ``receptive_field``, ``saliency``;
* proofs: ``identities`` (the convolution algebra and the registries), ``size_identities`` (output
  sizes), ``seed_claims`` (the seeds' claims, refuted) and ``proofs`` (the machinery).

The package imports the modules listed in ``__all__``; import the others by name
(``from convspec.spec import fft``).
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
