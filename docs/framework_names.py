"""How PyTorch, ONNX, TensorFlow/Keras and JAX name and default each operation's parameters.

One small record per catalog operation, kept with its family (``FRAMEWORK_NAMES`` of
``conformance/families/<family>/docs.py``) and read by the generated operation pages. The
build fails when a catalog operation has no record, or when a row names a
parameter that the reference function does not have (so a renamed parameter cannot
leave a stale row). Only facts we are sure of; "—" means the framework has no such
argument (or no such operation).

Conventions of the table: ``torch`` is ``torch.nn.functional`` (``F``), ``nn`` is
``torch.nn``; ONNX names are operator attributes or inputs; TF/Keras names are the
Keras layer arguments (``tf.nn`` where noted); JAX names are ``jax.lax`` arguments
(``flax`` where noted).
"""

from __future__ import annotations

from convspec.conformance.catalog import CATALOG
from convspec.conformance.family_docs import FRAMEWORKS, NONE, Mapping, family_docs  # noqa: F401

# Rows that are not parameters of the reference function.
EXTRA_ROWS = ("operation", "layout")

#: op -> its record, every family's, in catalog order
MAPPINGS: dict[str, Mapping] = {
    op: mapping
    for family in dict.fromkeys(op.family for op in CATALOG)
    for op, mapping in family_docs(family).FRAMEWORK_NAMES.items()
}


def mapping_for(op_name: str, parameters: list[str]) -> Mapping:
    """The record of one operation; fails if it is missing or names a parameter the reference lacks."""
    try:
        mapping = MAPPINGS[op_name]
    except KeyError:
        raise KeyError(f"no framework-names record for catalog operation {op_name!r} "
                       "(FRAMEWORK_NAMES of conformance/families/<family>/docs.py)") from None
    for row in mapping.rows:
        if row not in parameters and row not in EXTRA_ROWS:
            raise KeyError(f"framework names: {op_name} row {row!r} is not a parameter of the reference {parameters}")
        if len(mapping.rows[row]) != len(FRAMEWORKS):
            raise ValueError(f"framework names: {op_name} row {row!r} needs one entry per framework")
    return mapping
