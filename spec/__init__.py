"""convspec.spec: the closed-form facts (sympy). Imports nothing else of convspec.

One module per family of operations, the same basename as in ``reference/``, ``accelerated/``
and ``conformance/families/``: ``conv``, ``conv_transpose``, ``pool``, ``unpool``, ``upsample``,
``activations``, ``detection``, ``style``, ``filters``, ``fft`` (each with its output sizes,
counts, argument checks and ``NON_FINITE`` rules). Shared by them: ``conventions`` (layout, padding
forms, the error style), ``limits`` (the output-size guard) and ``non_finite`` (the NaN/±inf
vocabulary and the overflow rule), ``symbolic`` (the symbols, made and sympy imported on first symbolic
use: the numeric users of the spec never import sympy). Built on them:

* layers: ``layers`` (the records' registry and what the counts count), ``layer_args`` (their
  arguments), ``conv_layers`` and ``resampling_layers`` (the records), ``summary`` (a model summary);
* ``notation`` (the seeds' notations side by side), ``receptive_field``, ``saliency``;
* proofs: ``identities`` (the convolution algebra and the registries), ``size_identities`` (output
  sizes), ``seed_claims`` (the seeds' claims, refuted) and ``proofs`` (the machinery).

The modules listed in ``__all__`` are attributes of the package, each imported on first use (``convspec.spec.conv``
imports the spec's convolution formulas, not the proofs); import the others by name (``from convspec.spec import fft``).
"""

import importlib

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


def __getattr__(name: str):
    """The modules of ``__all__``, imported on first use (``convspec.spec.conv``)."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
