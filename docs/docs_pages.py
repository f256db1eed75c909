"""The generated pages and page parts, all computed from the catalog, the spec and the reference.

``generated_files()`` returns the operation pages, the operations index, the API pages
and the figures; ``snippet(name)`` the generated parts of the hand-written pages
(``<!-- convspec:NAME -->`` in their Markdown). Nothing here lists the operations:
every loop runs over :data:`convspec.conformance.catalog.CATALOG`.
"""

from __future__ import annotations

import html
import importlib
import json
import inspect
import re
from pathlib import Path

import numpy as np

from convspec import reference
from convspec.conformance import family_docs
from convspec.conformance.catalog import CATALOG
from convspec.spec import conv as spec_conv
from convspec.spec import conventions as spec_conventions

import definitions
import docs_errata
import docs_examples
import docs_figures
import docs_frameworks
import docs_identities
import docs_lenet
import docs_math
import docs_nms
import docs_opsections
import docs_programs
import docs_rst
import docs_reports
import docs_saliency
import formulas
import framework_names

ROOT = Path(__file__).resolve().parents[1]

def family_title(family: str) -> str:
    """The family's ``TITLE`` (``conformance/families/<family>/docs.py``)."""
    return family_docs.family_docs(family).TITLE


def plain(text: str) -> str:
    """Literal text inside Markdown (paragraphs, tables): HTML-escaped, Markdown characters backslash-escaped."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)


def html_text(text: str) -> str:
    """Literal text inside a raw HTML block (Markdown does not read those)."""
    return html.escape(text, quote=False)


def heading_text(text: str) -> str:
    """Literal text in a Markdown heading (the table of contents shows it, so no HTML entities)."""
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", text)


def spec_module(op):
    return importlib.import_module(f"convspec.spec.{op.family}")


# ---------------------------------------------------------------------------------------------
# Operation pages
# ---------------------------------------------------------------------------------------------


def _applies(block: str, op) -> bool:
    named = [o.name for o in CATALOG if docs_rst.mentions(block, o.name)]
    if named:
        return op.name in named
    if re.search(r"\bglobal pool", block):
        return op.name.startswith("global_")
    leading = re.match(r"^[*-] ``(\w+)", block.lstrip())
    if leading and op.name.startswith("global_") and leading.group(1) not in inspect.signature(op.reference).parameters:
        return False
    return True


_BOILERPLATE = ("Every function here is a formula", "Like :mod:", "Every docstring in", "Symbols")


def _docstring_markdown(doc: str, op, heading: str = "###", skip_first: bool = True) -> str:
    out = []
    for number, section in enumerate(docs_rst.sections(doc)):
        if section.title.startswith("Symbols"):
            continue
        kept = [b for b in docs_rst.blocks(section.body) if _applies(b, op)]
        if number == 0 and skip_first and kept:
            kept = kept[1:]
        kept = [b for b in kept if not b.lstrip().startswith(_BOILERPLATE)]
        if not kept:
            continue
        if section.title:
            out.append(f"{heading} {docs_rst.inline(section.title)}\n")
        text, previous_bullet = "", False
        for block in kept:
            bullet = block.lstrip().startswith(("* ", "- "))
            text += ("\n" if bullet and previous_bullet else "\n\n") + block
            previous_bullet = bullet
        out.append(docs_rst.to_markdown(text.strip("\n")))
    return "\n".join(out)


def symbols_text(op) -> str:
    doc = spec_module(op).__doc__
    for section in docs_rst.sections(doc):
        if section.title.startswith("Symbols"):
            return docs_rst.to_markdown(section.body)
    found = docs_rst.paragraph_starting(doc, "Symbols")
    return docs_rst.inline("Symbols " + found) if found else ""


def conventions_markdown(op) -> str:
    parts = []
    if op.family == "conv":
        parts.append("From `spec/conventions.py` (every operation follows these):\n")
        parts.append(_docstring_markdown(spec_conventions.__doc__, op, heading="####"))
    else:
        parts.append(f"From the docstring of `spec/{op.family}.py`; layout, dtypes and errors as in [Conventions](../conventions.md).\n")
        parts.append(_docstring_markdown(spec_module(op).__doc__, op, heading="####"))
    checker = _argument_checker(op)
    if checker is not None and _states_a_rule(checker.__doc__):
        parts.append(f"\n#### Argument rules (`{checker.__module__}.{checker.__name__}`)\n")
        parts.append(docs_rst.to_markdown(inspect.cleandoc(checker.__doc__)))
    return "\n".join(parts)


def _states_a_rule(doc: str | None) -> bool:
    """Whether a checker's docstring states a rule, not only "Check the arguments ..." and who checks dtypes."""
    def boilerplate(block: str) -> bool:
        block = " ".join(block.split())
        if block.startswith("Check") and block.count(". ") == 0:  # the one-sentence summary
            return True
        return block.startswith(("Shapes only", "Dtype and container checks")) and "``" not in block

    return any(not boilerplate(b) for b in docs_rst.blocks(inspect.cleandoc(doc or "")))


def _argument_checker(op):
    """The spec's checker of the operation's arguments (``ARGUMENT_CHECKERS`` of the family docs), or None."""
    return family_docs.argument_checker(op.name, op.family)


def _checker_bullets(op) -> dict[str, str]:
    """``* ``name``: text`` bullets of the family's argument checker (unpooling documents its parameters so)."""
    checker = _argument_checker(op)
    entries = {}
    for block in docs_rst.blocks(inspect.cleandoc(checker.__doc__ or "")) if checker else []:
        match = re.match(r"^[*-] ``(\w+)``: (.*)$", block.strip(), re.S)
        if match:
            entries[match.group(1)] = " ".join(match.group(2).split())
    return entries


def parameter_table(op) -> str:
    signature = inspect.signature(op.reference)
    own = docs_rst.google_args(inspect.getdoc(op.reference))
    family, others = {}, {}
    for other in CATALOG:
        args = docs_rst.google_args(inspect.getdoc(other.reference))
        target = family if other.family == op.family else others
        for key, value in args.items():
            target.setdefault(key, value)
    bullets = _checker_bullets(op)
    rows = ["| parameter | kind | default | description |", "|---|---|---|---|"]
    for name, parameter in signature.parameters.items():
        description = (
            own.get(name) or family.get(name) or bullets.get(name)
            or getattr(family_docs.family_docs(op.family), "PARAMETER_HELP", {}).get(name) or others.get(name)
        )
        if not description:
            raise KeyError(f"{op.name}: no description for parameter {name!r} (add an Args entry to the reference docstring)")
        kind = "keyword-only" if parameter.kind is parameter.KEYWORD_ONLY else "positional"
        default = "required" if parameter.default is parameter.empty else f"`{parameter.default!r}`"
        rows.append(f"| `{name}` | {kind} | {default} | {docs_rst.inline(description).replace('|', '&#124;')} |")
    return "\n".join(rows)


def framework_table(op) -> str:
    parameters = list(inspect.signature(op.reference).parameters)
    mapping = framework_names.mapping_for(op.name, parameters)
    rows = ["| convspec | " + " | ".join(framework_names.FRAMEWORKS) + " |", "|---" * (1 + len(framework_names.FRAMEWORKS)) + "|"]
    for row, cells in mapping.rows.items():
        name = docs_frameworks.row_label(row, f"*{row}*" if row in framework_names.EXTRA_ROWS else f"`{row}`")
        rows.append(f"| {name} | " + " | ".join(cell.replace("|", "&#124;") for cell in cells) + " |")
    differences = "\n".join(f"- {d}" for d in mapping.differences)
    return ("\n".join(rows) + ("\n\n" + docs_frameworks.differences_heading() + "\n\n" + differences if differences else "")
            + docs_frameworks.other_names_markdown(op.name))


def formulas_markdown(op) -> str:
    out = []
    symbols = symbols_text(op)
    if symbols:
        out.append(symbols + "\n")
    out.append("Each formula below is the spec function called with its symbolic defaults when these pages are built"
               + getattr(family_docs.family_docs(op.family), "COUNTS_SHOWN_FOR", {}).get(op.name, ".") + "\n")
    for formula in formulas.formulas_for(op):
        expr = formula.expression()
        name = f"{formula.spec.__module__}.{formula.spec.__name__}"
        out.append(f"**{plain(formula.label)}** · `{name}`\n")
        out.append(docs_math.expr_token(formula.lhs, expr) + "\n")
        where = formulas.where_latex(formula)
        if where:
            out.append("where\n\n" + "\n\n".join(docs_math.math_token(line) for line in where) + "\n")
        conditions = docs_rst.paragraph_starting(formula.spec.__doc__, "Conditions:")
        if formula.condition is not None:
            out.append("Condition: " + docs_math.token(docs_math.expr_mathml("", formula.condition(), display=False), False)
                       + (f" — {docs_rst.inline(conditions)}" if conditions else "") + "\n")
        elif conditions:
            out.append(f"Conditions: {docs_rst.inline(conditions)}\n")
    return "\n".join(out)


def definition_markdown(op) -> str:
    out = []
    for caption, latex in definitions.definition_for(op.name):
        if caption:
            out.append(f"*{plain(caption)}*\n")
        out.append(docs_math.math_token(latex) + "\n")
    if op.name in definitions.PER_AXIS:
        out.append(f"One spatial axis is shown; with several, {definitions.PER_AXIS[op.name]}.\n")
    doc = inspect.getdoc(op.reference)
    out.append('<details class="cs-docstring" markdown="1"><summary>The reference docstring</summary>\n')
    out.append(docs_rst.to_markdown(doc))
    out.append("\n</details>\n")
    out.append(docs_figures.figures_markdown(op))  # the family's figures (docs/figures_<family>.py), light and dark
    return "\n".join(out)


def examples_markdown(op) -> str:
    out = []
    for number, example in enumerate(op.examples, start=1):
        results = docs_examples.run(op, example)
        docs_examples.check(op, example, results)
        badge = ' <span class="cs-badge cs-badge-erratum">seed erratum</span>' if "seed-erratum" in example.tags else ""
        badge += ' <span class="cs-badge cs-badge-torch">torch differs</span>' if "torch-differs" in example.tags else ""
        out.append(f"### {number}. {heading_text(example.title)} {{#example-{number}}}\n")
        if badge:
            out.append(badge.strip() + (" — see the [errata](../errata.md)" if "seed-erratum" in example.tags else "") + "\n")
        out.append(f"*Source:* {plain(example.source)}\n")
        out.append(f"*Call:* `{docs_examples.call_text(op, example)}`\n")
        out.append(docs_programs.program_markdown(op, example, number))
        inputs = "".join(docs_examples.array_html(name, value) for name, value in example.inputs.items())
        outputs = docs_examples.array_html("expected (literal)", example.expected, "cs-expected")
        computed = "".join(
            docs_examples.array_html("reference (run at build time)" if i == 0 else f"reference output {i}", r, "cs-computed")
            for i, r in enumerate(results)
        )
        out.append(
            f'<div class="cs-example"><div class="cs-side"><div class="cs-side-title">inputs</div>{inputs}</div>'
            f'<div class="cs-arrow">→</div><div class="cs-side"><div class="cs-side-title">output</div>{outputs}{computed}</div></div>\n'
        )
        if example.note:
            out.append(f'<p class="cs-note">{html_text(example.note)}</p>\n')
    return "\n".join(out)


def source_markdown(op) -> str:
    function = inspect.unwrap(op.reference)  # the definition, not the wrapper that sets the IEEE default
    module = inspect.getmodule(function)
    source = inspect.getsource(function)
    helpers = []
    for name in dict.fromkeys(re.findall(r"\b(_\w+)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__:
            helpers.append(inspect.getsource(helper))
    path = Path(inspect.getsourcefile(function)).resolve().relative_to(ROOT)
    text = f"From `{path}` (`{function.__module__}.{op.name}`"
    text += ", with the module's private helpers it calls" if helpers else ""
    text += "):\n\n```python\n" + source.rstrip() + "\n"
    for helper in helpers:
        text += "\n\n" + helper.rstrip() + "\n"
    return text + "```\n"


def framework_aliases(op) -> list[str]:
    """The frameworks' own names for the operation (``nn.MaxPool2d``, ``MaxPool``, ...), from the table's
    "operation" row; a cell that qualifies its names ("when stride = kernel", "with a flipped kernel") gives none."""
    parameters = list(inspect.signature(op.reference).parameters)
    cells = framework_names.mapping_for(op.name, parameters).rows.get("operation", ())
    names = []
    for cell in cells:
        if re.search(r"\b(when|with|two|no native|flip)\b", cell):
            continue
        names += [x for n in re.findall(r"`([^`]+)`", cell) if re.fullmatch(r"[\w./]+", n) for x in docs_frameworks.expand(n)]
    return list(dict.fromkeys(names))


def search_tags(op) -> list[str]:
    """What the search index boosts for this page: its plain name ("Max pooling") and the frameworks' names."""
    head, colon, _ = op.summary.partition(":")
    return ([head.strip()] if colon and len(head) <= 40 else []) + [a for a in framework_aliases(op) if docs_frameworks.taggable(a)]


def regions_markdown(op) -> str:
    """The operation's named regions (conformance/families/<family>/regions.py): the corners every check visits."""
    from convspec.conformance.regions import regions_of

    declared = regions_of(op.name)
    if not declared:
        return "This operation declares no named regions.\n"
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    rows = "".join(f"| {cell(r.name)} | {cell(r.rule)} | {len(r.cases)} |\n" for r in declared)
    return (
        f"`convspec check` runs the explicit cases of these {len(declared)} regions (from "
        f"`conformance/families/{op.family}/regions.py`) before its random draws, so every run visits each of them, "
        "whatever the seed; `convspec check --coverage` counts how many checked cases fell in each, and the "
        "conformance vectors carry them as `region-NNN` cases.\n\n"
        "| region | what must hold there | cases |\n|---|---|---:|\n" + rows
    )


def operation_page(op) -> str:
    aliases = framework_aliases(op)
    front = "---\ntags:\n" + "".join(f"  - {json.dumps(tag)}\n" for tag in search_tags(op)) + "---\n\n"
    return front + "\n".join([
        f"# {op.name}\n",
        f'<p class="cs-summary">{html_text(op.summary)}</p>\n',
        *([f"*In the frameworks:* {', '.join(f'`{a}`' for a in aliases)} (see [Framework names](#framework-names)).\n"] if aliases else []),
        f"`convspec.reference.{op.name}` · `convspec.accelerated.{op.name}` · family "
        f"[{family_title(op.family)}](index.md) (`spec/{op.family}.py`, `reference/{op.family}.py`, `accelerated/{op.family}.py`)\n",
        "## Definition\n", definition_markdown(op),
        "## Shapes\n", docs_opsections.shapes_markdown(op),
        "## Output size and counts\n", formulas_markdown(op),
        "## Conventions\n", conventions_markdown(op),
        "## NaN and infinity\n", docs_opsections.non_finite_markdown(op),
        *(["## Not supported, and why\n", refused] if (refused := docs_opsections.not_supported_markdown(op)) else []),
        "## Backward\n", docs_opsections.backward_markdown(op),
        "## Parameters\n", f"From `inspect.signature(convspec.reference.{op.name})`; the accelerated function has the same signature.\n",
        parameter_table(op) + "\n",
        "## Framework names\n", framework_table(op) + "\n",
        "## Worked examples\n",
        f"{len(op.examples)} literal examples from `conformance/families/{op.family}/examples.py`. Each is run through the reference "
        "when these pages are built; the build stops if the output differs from the literal. Each example's *Program* is a "
        "complete script (imports, the inputs as literals, the call, an assert of the expected output) that the build runs "
        "exactly as shown; its copy button copies it.\n",
        examples_markdown(op),
        "## Corners every check visits\n", regions_markdown(op),
        "## Reference implementation\n", source_markdown(op),
    ])


def operations_table(link_prefix: str = "") -> str:
    rows = ["| operation | family | what it computes | examples |", "|---|---|---|---|"]
    for op in CATALOG:
        rows.append(f"| [`{op.name}`]({link_prefix}{op.name}.md) | {family_title(op.family)} | {plain(op.summary)} | {len(op.examples)} |")
    return "\n".join(rows)


def operations_index() -> str:
    return (
        "# Operations\n\nOne page per operation of the catalog (`convspec.conformance.catalog.CATALOG`), in its order. "
        "Each page has the definition, the output-size formulas of the spec, the conventions that apply, the "
        "parameters, how other frameworks name them, worked examples run at build time, and the reference source.\n\n"
        + operations_table() + "\n\n"
        "Greedy non-max suppression has a page of its own, [nms](nms.md), outside the catalog (it returns indices); "
        "the [framework index](../frameworks.md) lists every framework's name for these operations.\n"
    )


def nav_entries() -> list:
    """The Operations section of the navigation: the index, then one subsection per family in catalog order."""
    families: dict[str, list] = {}
    for op in CATALOG:
        families.setdefault(op.family, []).append({op.name: f"operations/{op.name}.md"})
    families[docs_nms.FAMILY].append(docs_nms.nav_entry())  # nms: a generated page outside the catalog
    return ["operations/index.md"] + [{family_title(f): entries} for f, entries in families.items()]


# ---------------------------------------------------------------------------------------------
# API pages (mkdocstrings)
# ---------------------------------------------------------------------------------------------


def api_members(package: str) -> dict[str, list[str]]:
    """The public names of ``convspec.<package>`` (its ``__all__``), grouped by the module that defines them.

    Each name is documented by its defining module's path: ``conv_transpose`` and ``upsample`` (and the
    VJP modules) share their names with their submodules, and a package-level ``:::`` entry would show
    the submodule there, not the function.
    """
    module = importlib.import_module(f"convspec.{package}")
    groups: dict[str, list[str]] = {}
    for name in sorted(module.__all__, key=lambda n: (getattr(module, n).__module__, n)):
        groups.setdefault(getattr(module, name).__module__, []).append(name)
    return groups


def package_api_page(package: str) -> str:
    module = importlib.import_module(f"convspec.{package}")
    intro = inspect.cleandoc(module.__doc__).split("\n", 1)
    first = intro[0].split(":", 1)[-1].strip()
    lines = [f"# convspec.{package}\n", first[0].upper() + first[1:], "", intro[1].strip() if len(intro) > 1 else "", "",
             f"Every public name of `convspec.{package}` (its `__all__`), grouped by the module that defines it.\n"]
    for source, names in api_members(package).items():
        lines.append(f"## `{source.rsplit('.', 1)[-1]}`\n")
        for name in names:
            lines.append(f"::: {source}.{name}\n    options:\n      show_root_heading: true\n      show_root_full_path: false\n      heading_level: 3\n")
    return "\n".join(lines)


def api_pages() -> dict[str, str]:
    spec_modules = ["conventions"] + sorted(
        p.stem for p in (ROOT / "spec").glob("*.py") if p.stem not in ("__init__", "conventions")
    )
    spec_page = "# convspec.spec\n\nThe closed forms and the conventions, one module per family.\n\n" + "\n".join(
        f"::: convspec.spec.{name}\n    options:\n      show_root_heading: true\n      heading_level: 2\n" for name in spec_modules
    )
    reference_page = package_api_page("reference")
    accelerated_page = package_api_page("accelerated")
    conformance_page = (
        "# convspec.conformance\n\nThe catalog and the check.\n\n"
        + "\n".join(f"::: convspec.conformance.{m}\n    options:\n      show_root_heading: true\n      heading_level: 2\n"
                    for m in ("catalog", "operation", "case", "targets", "runner", "tolerance"))
    )
    return {"api/reference.md": reference_page, "api/accelerated.md": accelerated_page,
            "api/spec.md": spec_page, "api/conformance.md": conformance_page}


# ---------------------------------------------------------------------------------------------
# Generated parts of the hand-written pages
# ---------------------------------------------------------------------------------------------


def padding_table() -> str:
    n, k, s, d = 5, 4, 2, 1
    x = np.arange(1, n + 1, dtype=np.float64)[None, None]
    w = np.ones((1, 1, k))
    rows = [f"For `n = {n}`, `k = {k}`, stride `{s}` (each row computed by `convspec.spec.conv` and "
            f"`convspec.reference.correlate` with a kernel of ones when these pages are built):\n",
            "| padding | (lo, hi) | padded input | output length | correlate(x, ones) |", "|---|---|---|---|---|"]
    for form in (0, 1, ((1, 2),), "valid", "same", "same_lower", "full"):
        mode = form if isinstance(form, str) else (form[0] if isinstance(form, tuple) else (form, form))
        lo, hi = spec_conv.padding_pair(mode, n, k, s, d)
        length = spec_conv.conv_output_length(n, k, s, lo, hi, d)
        y = reference.correlate(x, w, stride=s, padding=form)[0, 0]
        if len(y) != length:
            raise AssertionError(f"padding table: reference gives {len(y)} outputs for {form!r}, the spec {length}")
        padded = " ".join(["0"] * lo + [str(i) for i in range(1, n + 1)] + ["0"] * hi)
        rows.append(f"| `{form!r}` | ({lo}, {hi}) | `{padded}` | {length} | `{[int(v) for v in y]}` |")
    return "\n".join(rows)


def conventions_docstring() -> str:
    out = []
    for section in docs_rst.sections(spec_conventions.__doc__)[1:]:
        out.append(f"### {docs_rst.inline(section.title)}\n\n" + docs_rst.to_markdown(section.body))
    return "\n".join(out)


def error_examples() -> str:
    x = np.zeros((1, 1, 5, 5), dtype=np.float32)
    w = np.zeros((1, 1, 3, 3), dtype=np.float32)
    calls = [
        ("reference.correlate(x, w, stride=0)", lambda: reference.correlate(x, w, stride=0)),
        ("reference.correlate(x, w, padding=(1, 2, 3))", lambda: reference.correlate(x, w, padding=(1, 2, 3))),
        ("reference.correlate(x, w, padding='half')", lambda: reference.correlate(x, w, padding="half")),
        ("reference.correlate(x, w.astype('int32'))", lambda: reference.correlate(x, w.astype(np.int32))),
        ("reference.correlate(x[:, :, :2, :2], w)", lambda: reference.correlate(x[:, :, :2, :2], w)),
        ("reference.max_pool(x, 3, padding=3)", lambda: reference.max_pool(x, 3, padding=3)),
    ]
    rows = ["With `x` of shape `(1, 1, 5, 5)` and `w` of shape `(1, 1, 3, 3)` (raised when these pages were built):\n"]
    for text, call in calls:
        try:
            call()
        except (TypeError, ValueError) as error:
            rows.append(f"`{text}`\n: `{type(error).__name__}`: {plain(str(error))}\n")
        else:
            raise AssertionError(f"error example {text} did not raise")
    return "\n".join(rows)


def receptive_field_block() -> str:
    rows = ["| layer | k | stride | receptive field r | jump j |", "|---|---|---|---|---|", "| input | | | 1 | 1 |"]
    for name, k, s, r, j in docs_figures.receptive_field_table():
        rows.append(f"| {name} | {k} | {s} | {r} | {j} |")
    return (
        docs_math.math_token(r"r_l = r_{l-1} + (k_l - 1)\, d_l\, j_{l-1}, \qquad j_l = j_{l-1}\, s_l, \qquad r_0 = j_0 = 1") + "\n\n"
        + "\n".join(rows)
        + "\n\n" + docs_figures.figure_markdown("receptive_field", "One unit of the top layer and the cells below it that it depends on.", prefix="")
    )


def correlation_demo() -> str:
    example = next(e for e in next(op for op in CATALOG if op.name == "convolve").examples if "flips the kernel" in e.title)
    x, w = example.inputs["x"], example.inputs["weight"]
    corr = reference.correlate(x, w)
    conv = reference.convolve(x, w)
    flipped = reference.correlate(x, w[:, :, ::-1, ::-1].copy())
    if not np.array_equal(conv, flipped) or not np.array_equal(conv, example.expected):
        raise AssertionError("correlation demo: convolve is not correlate with the flipped kernel")
    return (
        '<div class="cs-example">'
        + docs_examples.array_html("x", x) + docs_examples.array_html("w", w)
        + '<div class="cs-arrow">→</div>'
        + docs_examples.array_html("correlate(x, w)", corr) + docs_examples.array_html("convolve(x, w)", conv)
        + docs_examples.array_html("correlate(x, w[..., ::-1, ::-1])", flipped)
        + "</div>\n"
    )


def convolution_theorem() -> str:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([1.0, 10.0, 100.0])
    full = reference.convolve(x[None, None], w[None, None], padding="full")[0, 0]
    length = len(x) + len(w) - 1
    via_fft = np.fft.irfft(np.fft.rfft(x, length) * np.fft.rfft(w, length), length)
    circular = np.fft.irfft(np.fft.rfft(x, len(x)) * np.fft.rfft(w, len(x)), len(x))
    if np.max(np.abs(full - via_fft)) > 1e-9:
        raise AssertionError("convolution theorem: the FFT product does not give the full convolution")
    wrapped = full[: len(x)].copy()
    wrapped[: length - len(x)] += full[len(x):]
    if np.max(np.abs(circular - wrapped)) > 1e-9:
        raise AssertionError("convolution theorem: the unpadded FFT product is not the wrapped convolution")
    fmt = lambda a: "[" + ", ".join(f"{v:.6g}" for v in np.round(a, 9) + 0.0) + "]"
    return (
        f"With `x = {fmt(x)}` and `w = {fmt(w)}` (computed when these pages are built):\n\n"
        f"| | result |\n|---|---|\n"
        f"| `reference.convolve(x, w, padding=\"full\")` | `{fmt(full)}` |\n"
        f"| `irfft(rfft(x, {length}) * rfft(w, {length}))`, zero-padded to `n + k - 1 = {length}` | `{fmt(via_fft)}` |\n"
        f"| `irfft(rfft(x, {len(x)}) * rfft(w, {len(x)}))`, not padded | `{fmt(circular)}`: the last {length - len(x)} values wrapped onto the first |\n"
    )


def vectors_example_source() -> str:
    """The vectors example program, whole (the page explains it; nothing is left out)."""
    return "```python\n" + (ROOT / "docs" / "vectors_example" / "correlate1d.py").read_text().rstrip() + "\n```\n"


def version_line() -> str:
    """The version, read from pyproject.toml when these pages are built."""
    match = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    if not match:
        raise AssertionError("pyproject.toml has no version line")
    return f"This is convspec **{match.group(1)}** (the `version` of `pyproject.toml`)."


def tutorial_source() -> str:
    return "```python\n" + (ROOT / "docs" / "tutorials" / "myconv.py").read_text().rstrip() + "\n```\n"


SNIPPETS = {
    "operations-table": lambda: operations_table("operations/"),
    "padding-table": padding_table,
    "conventions-docstring": conventions_docstring,
    "error-examples": error_examples,
    "receptive-field": receptive_field_block,
    "correlation-demo": correlation_demo,
    "convolution-theorem": convolution_theorem,
    "myconv-source": tutorial_source,
    "vectors-example-source": vectors_example_source,
    "version": version_line,
    "overflow-rule": docs_opsections.overflow_markdown,
    "myconv-report": docs_reports.myconv_report,
    "kerasconv-source": docs_reports.kerasconv_source,
    "kerasconv-report": docs_reports.kerasconv_report,
    "contributing": lambda: (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"),  # the repository's guide, as it is
    "divergences-format": docs_reports.divergences_format,
    "mutant-report": docs_reports.mutant_report,
    "mutant-name": docs_reports.mutant_name,
    "crash-report": docs_reports.crash_report,
    "hang-report": docs_reports.hang_report,
    "supports-error-report": docs_reports.supports_error_report,
    "errata-examples": docs_errata.example_errata,
    "errata-more": docs_errata.more_errata,
    "lenet-keras": docs_errata.lenet_keras,
    "lenet-layer-file": docs_lenet.layer_file,
    "lenet-summary": docs_lenet.summary_table,
    "lenet-cli": docs_lenet.cli_output,
    "proved-identities": docs_identities.proved_identities,
    "refuted-seed-claims": docs_identities.refuted_seed_claims,
    "grad-cam-example": docs_saliency.grad_cam_example,
}


def snippet(name: str) -> str:
    try:
        make = SNIPPETS[name]
    except KeyError:
        raise KeyError(f"unknown docs placeholder <!-- convspec:{name} -->; known: {', '.join(SNIPPETS)}") from None
    return make()


def generated_files() -> dict[str, str]:
    files = {f"operations/{op.name}.md": operation_page(op) for op in CATALOG}
    files["operations/programs.json"] = docs_programs.programs_json()  # the worked-example programs the build ran
    files["operations/index.md"] = operations_index()
    files.update(api_pages())
    files.update(docs_frameworks.generated_files())  # frameworks.md, the framework index
    files.update(docs_nms.generated_files())  # operations/nms.md
    files.update({f"figures/{name}": svg for name, svg in docs_figures.all_figures().items()})
    return files
