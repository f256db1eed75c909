"""The documentation site's content, read from the built HTML and from the generators (no browser).

The site is built once per session with ``mkdocs build --strict`` into the same temporary
folder as ``tests/test_docs.py`` uses (same lock, same marker), so running both modules
builds it once. Each test here is a regression check of a defect a careful reader found
(issue 17): a missing API entry, a definition printed wrong, a garbled formula, a wrong
attribution, a search that finds nothing.
"""

from __future__ import annotations

import fcntl
import html
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site (shared with tests/test_docs.py: same folder, lock and marker).

    ``CONVSPEC_DOCS_SITE=build/site`` reads a site built beforehand instead (for editing the docs).
    """
    if os.environ.get("CONVSPEC_DOCS_SITE"):
        return ROOT / os.environ["CONVSPEC_DOCS_SITE"]
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    site = shared / "docs-site"
    done = shared / "docs-site.ok"
    with open(shared / "docs-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            mkdocs = Path(sys.executable).with_name("mkdocs")
            command = [str(mkdocs) if mkdocs.exists() else sys.executable, *([] if mkdocs.exists() else ["-m", "mkdocs"]),
                       "build", "--strict", "--clean", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                                    env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
            done.write_text("ok")
    return site


def page_html(site: Path, page: str) -> str:
    """The <article> of a built page ('' for the home page)."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    start, end = text.find("<article"), text.find("</article>")
    assert start >= 0 and end > start, f"{page}: no <article>"
    return text[start:end]


def math_text(markup: str) -> str:
    """The characters of every <math> element, joined (what a reader sees of the formulas)."""
    return " ".join(re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", " ", m)))
                    for m in re.findall(r"<math\b.*?</math>", markup, re.S))


def page_text(site: Path, page: str) -> str:
    """The visible text of a page's article, formulas dropped, whitespace collapsed."""
    markup = re.sub(r"<math\b.*?</math>", " ", page_html(site, page), flags=re.S)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def operation_pages(site: Path) -> dict[str, str]:
    from convspec.conformance.catalog import CATALOG

    return {op.name: page_html(site, f"operations/{op.name}") for op in CATALOG}


# ---- 1. the API reference lists every public name ----------------------------------------------


@pytest.mark.parametrize("package", ["reference", "accelerated"])
def test_api_page_lists_every_public_name(site, package):
    if package == "accelerated":
        pytest.importorskip("torch")
    module = importlib.import_module(f"convspec.{package}")
    markup = page_html(site, f"api/{package}")
    ids = set(re.findall(r'id="([^"]+)"', markup))
    missing = [name for name in module.__all__ if f"{getattr(module, name).__module__}.{name}" not in ids]
    assert not missing, f"api/{package}: no entry for {missing}"
    assert not [i for i in ids if i.endswith("__all__")], f"api/{package} documents __all__ as an attribute"
    assert "<th>Type</th>" not in markup, f"api/{package}: a parameter table with an empty Type column"
    first = inspect_first_line(module)
    assert page_text(site, f"api/{package}").count(first) == 1, f"api/{package}: the intro {first!r} is not there exactly once"


def inspect_first_line(module) -> str:
    line = module.__doc__.strip().splitlines()[0].split(":", 1)[-1].strip()
    return line[0].upper() + line[1:]


def prose_text(markup: str) -> str:
    """The text of the article outside code, formulas and scripts."""
    markup = re.sub(r"<(pre|code|math|script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def all_pages(site: Path) -> list[str]:
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if not p.parent.relative_to(site).as_posix().startswith(("assets", "search"))
    )


# ---- 3. the definitions describe a window ----------------------------------------------------------


def test_pooling_windows_are_bounded_by_the_kernel(site):
    import definitions

    max_pool = " ".join(latex for _, latex in definitions.definition_for("max_pool"))
    assert r"T(o) = \{ t : 0 \le t < k" in max_pool
    avg_pool = dict(definitions.definition_for("avg_pool"))
    assert avg_pool["the taps on the padded input"].startswith(r"\hat{T}(o) = \{ t : 0 \le t < k,")
    assert avg_pool["the taps on the input"].startswith(r"T(o) = \{ t : 0 \le t < k,")
    assert r"|\hat{T}(o)|" in avg_pool["the divisor: a count of taps"] and "|T(o)|" in avg_pool["the divisor: a count of taps"]
    pages = operation_pages(site)
    assert "T(o)={t:0≤t<k," in math_text(pages["max_pool"])
    assert math_text(pages["avg_pool"]).count("(o)={t:0≤t<k,") == 2


# ---- 4. no formula or rule printed garbled ---------------------------------------------------------


def test_unpool_valid_lengths_are_one_relation(site):
    from convspec.conformance.catalog import CATALOG

    pages = operation_pages(site)
    for op in (o for o in CATALOG if o.family == "unpool"):
        maths = math_text(pages[op.name])
        assert "max(1,D)≤L∧L<D+s" in maths, op.name
        assert "L=max(1,D)≤L" not in maths, op.name


def test_no_markup_leaks_into_formulas_or_prose(site):
    """No literal backslash in a formula (``\\_`` inside ``\\text``), no raw backtick or reST escape in the prose."""
    problems = {}
    for page in all_pages(site):
        markup = page_html(site, page)
        found = [m for m in re.findall(r"<math\b.*?</math>", markup, re.S) if "\\" in html.unescape(re.sub(r"<[^>]+>", "", m))]
        found += re.findall(r".{0,40}[`\\].{0,40}", prose_text(markup))
        if found:
            problems[page] = found[:3]
    assert not problems, problems


def test_conv_transpose_argument_rules_keep_their_code_spans(site):
    markup = page_html(site, "operations/conv_transpose")
    assert "<code>0 &lt;= output_padding &lt; max(stride, dilation)</code>" in markup


def test_identities_are_formulas_not_sympy_strings(site):
    from convspec.spec import identities

    markup = page_html(site, "identities")
    text = prose_text(markup)
    for raw in ("Matrix(", "Sum(", "floor(", "==", "..."):
        assert raw not in text, f"identities page prints {raw!r} as text"
    displays = len(re.findall(r'<math\b[^>]*display="block"', markup))
    assert displays >= len(identities.PROOFS), f"{displays} display formulas for {len(identities.PROOFS)} identities"


# ---- 6. notation: defined where used, said only where it applies -----------------------------------


def test_padded_input_is_defined_where_it_is_used(site):
    pages = operation_pages(site)
    for name in ("correlate", "convolve", "depthwise_separable"):
        maths = math_text(pages[name])
        assert "x~b,q,s" in maths or "x~b,q,so" in maths, f"{name}: no x~ in the definition"
        assert "x~b,q,i={" in maths, f"{name}: x~ is used but never defined"


def test_per_axis_and_square_kernel_notes_only_where_they_apply(site):
    import definitions
    from convspec.conformance.catalog import CATALOG

    pages = operation_pages(site)
    for op in CATALOG:
        text = page_text(site, f"operations/{op.name}")
        assert ("One spatial axis is shown; with several" in text) == (op.name in definitions.PER_AXIS), op.name
        square = "square 2-D kernel" in text
        assert square == (op.family in ("conv", "conv_transpose") or op.name in ("max_pool", "avg_pool")), op.name
    for name in ("relu", "box_iou", "style_loss"):
        text = page_text(site, f"operations/{name}")
        assert "are per axis" not in text and "square 2-D kernel" not in text, name
    assert pages  # every page was read


def test_style_loss_uses_g_only_for_the_generated_image(site):
    maths = math_text(operation_pages(site)["style_loss"])
    assert "(G−A)" not in maths and "(G-A)" not in maths
    assert "Fjk′(G)−Fjk′(S)" in maths


def test_argument_rules_sections_state_a_rule(site):
    import docs_pages
    from convspec.conformance.catalog import CATALOG

    shown = {}
    for op in CATALOG:
        shown[op.name] = "Argument rules" in page_text(site, f"operations/{op.name}")
        checker = docs_pages._argument_checker(op)
        if shown[op.name]:
            assert docs_pages._states_a_rule(checker.__doc__), op.name
    assert not shown["correlate"] and not shown["convolve"] and not shown["upsample"]
    assert shown["max_pool"] and shown["conv_transpose"] and shown["max_unpool"]
    assert not docs_pages._states_a_rule("Check the arguments of a call and normalise them.\n\n"
                                         "Shapes only: dtype and container checks belong to each implementation.")


def test_ceil_mode_row_and_conventions_page_read_complete(site):
    row = re.search(r"<td><code>ceil_mode</code></td>(.*?)</tr>", page_html(site, "operations/max_pool"), re.S)
    assert row and "or the left padding" in row.group(1)
    assert "helpers below" not in page_text(site, "conventions")


# ---- 7. attribution ----------------------------------------------------------------------------------


def test_the_18496_count_is_attributed_to_seed_002(site):
    for name in ("correlate", "convolve"):
        text = page_text(site, f"operations/{name}")
        assert "18496" in text
        assert "seed 003's Keras" not in text and "seed 002's Keras summary" in text, name


def test_errata_give_seed_000_lenet_keras_code_and_both_counts(site):
    import docs_errata

    markup = page_html(site, "errata")
    text = page_text(site, "errata")
    code = " ".join(html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<pre\b.*?</pre>", markup, re.S))
    for line in docs_errata.LENET_KERAS_CODE.splitlines():
        assert line.strip() in code, f"errata: the LeNet Keras code lacks {line.strip()!r}"
    assert "padding='same'" in code and "(None, 6, 32, 32)" in code and "(None, 6, 28, 28)" in code
    assert "82,826" in text and "61,706" in text


# ---- 8. search: framework names are words of the index -----------------------------------------------


def test_search_index_splits_dotted_names_and_tags_operations(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert [t for t in separator.split("nn.MaxPool2d") if t] == ["nn", "MaxPool2d"]
    assert [t for t in separator.split("conv_transpose") if t] == ["conv_transpose"]
    tags = {doc["location"]: doc.get("tags", []) for doc in index["docs"] if doc.get("tags")}
    assert "nn.MaxPool2d" in tags.get("operations/max_pool/", [])
    assert "nn.Conv2d" in tags.get("operations/correlate/", [])
    assert "Transposed convolution" in tags.get("operations/conv_transpose/", [])
    assert not any("errata" in location for location in tags)
    assert "nn.MaxPool2d" in page_text(site, "operations/max_pool")


# ---- 9. words explained, families named, names unbroken, programs whole -----------------------------


def test_the_overview_explains_the_seeds(site):
    text = page_text(site, "")
    assert "The seeds" in text and "five sets of lecture notes" in text and "seed 000" in text


def test_family_titles(site):
    import docs_pages

    assert docs_pages.family_title("fft") == "FFT"
    assert "Fft" not in page_text(site, "operations") and "Fft" not in page_text(site, "")


def test_operation_names_in_table_first_columns_do_not_break():
    css = (DOCS / "stylesheets" / "convspec.css").read_text()
    rule = re.search(r"\.md-typeset td:first-child code[^{]*\{([^}]*)\}", css)
    assert rule and "white-space: nowrap" in rule.group(1)


def test_the_vectors_example_program_is_shown_whole(site):
    markup = page_html(site, "vectors")
    code = "\n".join(html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<pre\b.*?</pre>", markup, re.S))
    program = (DOCS / "vectors_example" / "correlate1d.py").read_text()
    missing = [line for line in program.splitlines() if line.strip() and line.rstrip() not in code]
    assert not missing, f"vectors page lacks {len(missing)} lines of the example, e.g. {missing[:3]}"


# ---- the version and changelog page ------------------------------------------------------------------


def test_changelog_page_gives_the_version_of_pyproject(site):
    version = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    text = page_text(site, "changelog")
    assert f"convspec {version}" in text
    assert "changelog.md" in (ROOT / "mkdocs.yml").read_text()


# ---- 5. figures: inside their frame, arrows on their targets, readable numbers: tests/test_docs_figures.py ----


# ---- each operation page: its NaN/±inf rule, its shapes, its backward rule ----------------------------


def _section(markup: str, anchor: str) -> str:
    """The text of one h2 section of an article (from its heading to the next h2)."""
    start = markup.find(f'<h2 id="{anchor}"')
    assert start >= 0, f"no section {anchor!r}"
    end = markup.find("<h2", start + 1)
    text = re.sub(r"<math\b.*?</math>", " ", markup[start:end if end > 0 else None], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def _squash(text: str) -> str:
    """Text without whitespace, emphasis, backticks or reST roles: a rule as written vs. as the page shows it."""
    return re.sub(r"[\s`*]|:\w+:", "", text)


def test_every_operation_page_states_its_non_finite_rule(site):
    from convspec.conformance.catalog import CATALOG
    from convspec.spec.non_finite import non_finite_rule

    for op, markup in operation_pages(site).items():
        text = _section(markup, "nan-and-infinity")
        # the rule whole, its reference to the shared overflow rule shown as a link to that rule
        rule = non_finite_rule(op).replace(":data:`convspec.spec.non_finite.OVERFLOW`", "the overflow rule")
        assert _squash(rule) in _squash(text), f"{op}: the page's NaN section is not its rule: {text[:300]}"
        if "OVERFLOW" in non_finite_rule(op):
            assert 'href="../../conventions/#nan-infinity-and-overflow"' in markup, op
    assert len(CATALOG) == len(operation_pages(site))


def test_the_overflow_rule_is_on_the_conventions_page(site):
    from convspec.spec.non_finite import OVERFLOW

    text = _section(page_html(site, "conventions"), "nan-infinity-and-overflow")
    assert _squash(OVERFLOW) in _squash(text)


def test_every_operation_page_gives_its_shapes_and_an_instance(site):
    from convspec.conformance.catalog import CATALOG

    for op in CATALOG:
        text = _section(page_html(site, f"operations/{op.name}"), "shapes")
        assert "→" in text, op.name
        example = op.examples[0]
        from convspec import reference

        output = getattr(reference, op.name)(*example.inputs.values(), **example.params)
        output = output[0] if isinstance(output, tuple) else output
        assert f"output {tuple(output.shape)}" in text, f"{op.name}: {text[:300]}"


def test_window_operations_evaluate_their_length_formula_at_an_example(site):
    """Where the page shows an output-length formula, the shapes section evaluates it at worked example 1."""
    from convspec import reference
    from convspec.conformance.catalog import CATALOG

    evaluated = []
    for op in CATALOG:
        if op.family not in ("conv", "conv_transpose", "pool", "unpool", "fft", "upsample") or op.name.startswith("global_"):
            continue
        markup = page_html(site, f"operations/{op.name}")
        start = markup.find('<h2 id="shapes"')
        maths = math_text(markup[start:markup.find("<h2", start + 1)])
        example = op.examples[0]
        output = getattr(reference, op.name)(*example.inputs.values(), **example.params)
        output = output[0] if isinstance(output, tuple) else output
        assert f"n={example.inputs['x'].shape[2]}" in maths and "⇒" in maths, f"{op.name}: {maths}"
        assert maths.endswith(f"={output.shape[2]}"), f"{op.name}: {maths} (output {output.shape})"
        evaluated.append(op.name)
    assert {"correlate", "conv_transpose", "max_pool", "max_unpool", "upsample", "fft_convolve"} <= set(evaluated)


def test_every_operation_page_states_its_backward_rule(site):
    from convspec import reference
    from convspec.conformance.catalog import CATALOG

    for op in CATALOG:
        text = _section(page_html(site, f"operations/{op.name}"), "backward")
        vjp = getattr(reference, f"{op.name}_vjp", None)
        if vjp is None:
            assert f"has no {op.name}_vjp" in text, op.name
        else:
            first = _squash(vjp.__doc__.strip().split("\n\n")[0])
            assert f"convspec.reference.{op.name}_vjp" in text and first in _squash(text), f"{op.name}: {text[:300]}"
