"""The framework index: every framework's name for an operation, each leading to its convspec page.

The names are read from the family docs modules, never listed here:

* the "operation" row of each ``FRAMEWORK_NAMES`` record (the PyTorch, ONNX, TF/Keras and JAX
  columns of an operation page's framework table), one name per code span that names a function,
  a layer or an operator (``F.conv1d/2d/3d`` gives ``F.conv1d``, ``F.conv2d`` and ``F.conv3d``;
  ``x.amax(...)`` or ``activation="relu"`` give none);
* ``OTHER_NAMES``, the names in other Python libraries (SciPy, NumPy, scikit-image, tinygrad, ...),
  as the conformance adapters call them.

Each row of the index links to the operation page's framework-table row (``#fw-operation``), or to the
entry of its "Other libraries" list (``#fw-other-<name>``), and to its "Where they differ" list
(``#fw-differ``); the operation pages carry those anchors through :func:`row_label`,
:func:`differences_heading` and :func:`other_names_markdown`.

Example: the TF / Keras cell ```Conv1D/2D/3D`, `tf.nn.conv1d/2d/3d`, `tf.nn.convolution``` of
``correlate`` gives ``keras.layers.Conv1D``, ``keras.layers.Conv2D``, ``keras.layers.Conv3D``,
``tf.nn.conv1d``, ``tf.nn.conv2d``, ``tf.nn.conv3d`` and ``tf.nn.convolution``.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from convspec import reference
from convspec.conformance.catalog import CATALOG
from convspec.conformance.family_docs import family_docs

import framework_names

PAGE = "frameworks.md"
OPERATION_ANCHOR = "fw-operation"
DIFFER_ANCHOR = "fw-differ"

# the variables and keywords of a cell's code (x.amax(...), w.flip(...), f @ f.T): not names of a library
_NOT_NAMES = {"x", "f", "w", "dw", "pw", "b", "G", "S", "C", "W"}
_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:/\w+)*")

# a name's library, by its prefix, in the column it was found in (the framework table's conventions:
# F is torch.nn.functional, nn is torch.nn; TF/Keras names without a prefix are keras.layers')
_PREFIXES = {
    "PyTorch": (("torchvision.", "torchvision"), ("F.", "PyTorch"), ("nn.", "PyTorch"), ("torch.", "PyTorch")),
    "ONNX": (),
    "TF / Keras": (("tfa.", "TensorFlow Addons"), ("tf.", "TensorFlow")),
    "JAX": (("flax.", "Flax"), ("nn.", "Flax"), ("lax.", "JAX"), ("jax.", "JAX"), ("jnp.", "JAX")),
}
# the libraries, in the order of the index page's sections
LIBRARIES = ("PyTorch", "torchvision", "ONNX", "Keras", "TensorFlow", "TensorFlow Addons", "JAX", "Flax",
             "SciPy", "NumPy", "scikit-image", "tinygrad")


@dataclass(frozen=True)
class Entry:
    """One framework name of one operation: where the index links it, and the cell it came from."""

    name: str  # as the index shows it: nn.Conv2d, keras.layers.Conv2D, MaxPool, Tensor.conv2d
    library: str
    op: str
    anchor: str  # on the operation page: fw-operation, or fw-other-<slug> for OTHER_NAMES
    text: str  # the table cell or the OTHER_NAMES note (Markdown)
    has_differences: bool


def page_of(op: str) -> str:
    """The operation page, relative to the docs folder (the NMS page is generated as an operation page too)."""
    return f"operations/{op}.md"


def expand(name: str) -> list[str]:
    """``F.conv1d/2d/3d`` -> ``F.conv1d``, ``F.conv2d``, ``F.conv3d``; ``Conv1DTranspose/2D/3D`` likewise."""
    head, *variants = name.split("/")
    if not variants:
        return [head]
    first = list(re.finditer(r"1[dD]", head))
    if not first:
        raise ValueError(f"framework name {name!r}: a '/' variant needs a 1d/1D in {head!r} to replace")
    at = first[-1]
    return [head] + [head[: at.start()] + v + head[at.end():] for v in variants]


def taggable(name: str) -> bool:
    """Whether an operation page may boost ``name`` in the search index (its front-matter tags).

    Not a name whose axis count sits inside it (``Conv2DTranspose``, ``tf.nn.conv2d_transpose``): the
    search matches a word's prefix and a tag outweighs any text, so such a tag on ``conv_transpose`` would
    rank it above ``correlate`` in a search for ``Conv2d``. The page's text still holds the name.
    """
    return re.search(r"\d[dD][A-Za-z_]", name.split(".")[-1]) is None


def names_in_cell(cell: str, framework: str) -> list[tuple[str, str]]:
    """The (name, library) pairs of one cell of an "operation" row; see the module docstring."""
    found = []
    for span in re.findall(r"`([^`]+)`", cell):
        match = _NAME.match(span)
        if not match or span[match.end():].lstrip().startswith("="):
            continue
        name = match.group(0)
        if name.split(".")[0] in _NOT_NAMES or ("." not in name and not name[0].isupper()):
            continue
        for prefix, library in _PREFIXES[framework]:
            if name.startswith(prefix):
                shown = "flax.linen." + name[len(prefix):] if (framework, prefix) == ("JAX", "nn.") else name
                break
        else:
            if "." in name:
                continue  # a method or module the table's conventions do not name (none today)
            library = "ONNX" if framework == "ONNX" else "Keras" if framework == "TF / Keras" else None
            if library is None:
                continue
            shown = f"keras.layers.{name}" if library == "Keras" else name
        found += [(n, library) for n in expand(shown)]
    return list(dict.fromkeys(found))


def other_anchor(name: str) -> str:
    return "fw-other-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _mapping(op: str):
    return framework_names.mapping_for(op, list(inspect.signature(getattr(reference, op)).parameters))


def _families() -> list[str]:
    return list(dict.fromkeys(op.family for op in CATALOG))


def other_names(op: str) -> tuple[tuple[str, str, str], ...]:
    """``OTHER_NAMES[op]`` of the family docs module that has it (empty if none)."""
    for family in _families():
        entries = getattr(family_docs(family), "OTHER_NAMES", {})
        if op in entries:
            return entries[op]
    return ()


def entries() -> list[Entry]:
    """Every framework name of every family's records, in catalog order (then NMS), table columns first."""
    out = []
    for op in framework_names.MAPPINGS:
        mapping = _mapping(op)
        cells = dict(zip(framework_names.FRAMEWORKS, mapping.rows.get("operation", ())))
        for framework, cell in cells.items():
            for name, library in names_in_cell(cell, framework):
                out.append(Entry(name, library, op, OPERATION_ANCHOR, cell, bool(mapping.differences)))
        for library, name, note in other_names(op):
            out.append(Entry(name, library, op, other_anchor(name), note, bool(mapping.differences)))
    unknown = {e.library for e in out} - set(LIBRARIES)
    if unknown:
        raise ValueError(f"framework index: libraries {sorted(unknown)} are not in docs_frameworks.LIBRARIES")
    return out


# ---- the parts of an operation page ------------------------------------------------------------------


def row_label(row: str, label: str) -> str:
    """A framework-table row's first cell, with the anchor the index links to (``#fw-<row>``)."""
    return f'<span id="fw-{row}"></span>{label}'


def differences_heading() -> str:
    return f'<span id="{DIFFER_ANCHOR}"></span>**Where they differ**'


def other_names_markdown(op: str) -> str:
    """The "Other libraries" list under an operation's framework table ('' if the family names none)."""
    names = other_names(op)
    if not names:
        return ""
    items = "\n".join(f'- <span id="{other_anchor(name)}"></span>{library} `{name}`: {note}' for library, name, note in names)
    return "\n\n**Other libraries** (as convspec's conformance adapters call them)\n\n" + items


# ---- the index page ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "&#124;")


def index_page() -> str:
    by_name: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries():
        by_name.setdefault((entry.library, entry.name), []).append(entry)
    out = [
        "# Framework index\n",
        "Every name the operation pages give for an operation in another framework or library, one row per name, "
        "grouped by library. Each row leads to the convspec operation page, to the row of its framework table that "
        "gives the name, and to the list of where the frameworks differ. The names are read from the "
        "`FRAMEWORK_NAMES` and `OTHER_NAMES` of `conformance/families/<family>/docs.py` when these pages are built; "
        "*F* is `torch.nn.functional` and *nn* is `torch.nn`.\n",
    ]
    for library in LIBRARIES:
        rows = sorted((key, group) for key, group in by_name.items() if key[0] == library)
        if not rows:
            continue
        out.append(f"## {library}\n")
        out.append("| name | convspec | where they differ | as the operation page gives it |\n|---|---|---|---|")
        for (_, name), group in sorted(rows, key=lambda r: r[0][1].lower()):
            ops = "<br>".join(f"[`{e.op}`]({page_of(e.op)}#{e.anchor})" for e in group)
            differ = "<br>".join(f"[{e.op}]({page_of(e.op)}#{DIFFER_ANCHOR})" if e.has_differences else "—" for e in group)
            how = "<br>".join(_cell(e.text) if len(group) == 1 else f"*{e.op}:* {_cell(e.text)}" for e in group)
            out.append(f"| `{name}` | {ops} | {differ} | {how} |")
        out.append("")
    return "\n".join(out)


def generated_files() -> dict[str, str]:
    return {PAGE: index_page()}
