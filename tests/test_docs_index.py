"""The framework index, the NMS page and the LeNet tutorial of the documentation site (issue 17), read from the built site.

The site is the one ``tests/test_docs_content.py`` builds (same fixture, folder, lock and marker: the
modules together build it once); ``CONVSPEC_DOCS_SITE=<folder>`` reads a site built beforehand.
"""

from __future__ import annotations

import html
import json
import posixpath
import re

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

# the shared fixture and paths; importing the module also puts docs/ on sys.path
from test_docs_content import DOCS, ROOT, page_html, page_text, site  # noqa: E402,F401  (site: the shared fixture)

# names a reader looks up; each must be in the index (a literal list, so a parser that drops one fails)
LOOKED_UP = (
    "nn.Conv2d", "F.conv2d", "tf.nn.conv2d", "keras.layers.Conv2D", "keras.layers.MaxPooling2D", "MaxPool",
    "lax.conv_general_dilated", "jax.image.resize", "scipy.signal.correlate", "skimage.measure.block_reduce",
    "Tensor.conv2d", "nn.MaxPool2d", "tf.nn.conv2d_transpose", "nn.ConvTranspose2d", "torchvision.ops.nms",
    "tf.image.non_max_suppression", "NonMaxSuppression", "F.interpolate", "flax.linen.max_pool",
)


def _rows(markup: str) -> list[list[str]]:
    """The table rows of a page: each a list of its cells' inner HTML."""
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", markup, re.S)]


def _text(cell: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", cell))).strip()


def index_names(site: Path) -> set[str]:
    return {_text(cells[0]) for cells in _rows(page_html(site, "frameworks")) if cells}


def test_the_index_lists_every_framework_name_of_every_family(site):
    import docs_frameworks
    import framework_names
    from convspec.conformance.catalog import CATALOG
    from convspec.conformance.family_docs import family_docs

    names = index_names(site)
    missing = [n for n in LOOKED_UP if n not in names]
    assert not missing, f"framework index lacks {missing}"
    # every qualified name in every operation row (F.conv1d/2d/3d spelled out), of every family, is a row
    qualified = re.compile(r"(?:F|nn|torch|torchvision|tf|tfa|lax|jax|jnp|flax)\.[\w.]+(?:/\w+)*")
    for op, mapping in framework_names.MAPPINGS.items():
        for framework, cell in zip(framework_names.FRAMEWORKS, mapping.rows["operation"]):
            for span in re.findall(r"`([^`(]+)", cell):
                match = qualified.fullmatch(span.strip())
                if match and not (framework == "JAX" and span.startswith("nn.")):
                    for name in docs_frameworks.expand(match.group(0)):
                        assert name in names, f"{op}: {framework} name {name!r} is not in the framework index"
    # and every name of the families' OTHER_NAMES (SciPy, NumPy, scikit-image, tinygrad, ...)
    for family in dict.fromkeys(op.family for op in CATALOG):
        for op, entries in getattr(family_docs(family), "OTHER_NAMES", {}).items():
            for library, name, _ in entries:
                assert name in names, f"{family}: {library} {name!r} ({op}) is not in the framework index"


def test_every_index_link_reaches_an_anchor_of_a_built_page(site):
    markup = page_html(site, "frameworks")
    links = re.findall(r'<a href="([^"#]*)#([^"]+)"', markup)
    targets = [(href, anchor) for href, anchor in links if not href.startswith(("http", "/"))]
    assert len(targets) > 150, f"only {len(targets)} anchored links on the framework index"
    broken = []
    pages: dict[str, str] = {}
    for href, anchor in targets:
        path = posixpath.normpath(posixpath.join("frameworks", href)).strip("/")
        if path not in pages:
            file = site / path / "index.html"
            pages[path] = file.read_text(encoding="utf-8") if file.exists() else ""
        if f'id="{anchor}"' not in pages[path]:
            broken.append(f"{href}#{anchor}")
    assert not broken, f"{len(broken)} links of the framework index lead nowhere, e.g. {broken[:5]}"
    # each row names the operation's framework-table row or its "Other libraries" entry
    assert {a for _, a in targets} >= {"fw-operation", "fw-differ", "fw-other-scipy-signal-correlate"}
    # the nav of every page leads to the index
    assert 'href="frameworks/"' in (site / "index.html").read_text(encoding="utf-8")
    assert "frameworks.md" in (ROOT / "mkdocs.yml").read_text()


def test_the_search_index_finds_the_framework_names(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])

    def words(text: str) -> set[str]:
        return {w.lower() for w in separator.split(html.unescape(re.sub(r"<[^>]+>", " ", text))) if w}

    expected = {  # query -> the operation page whose tags hold it (tags outrank text by far)
        "MaxPool2d": "operations/max_pool/",
        "Conv2d": "operations/correlate/",
        "MaxPooling2D": "operations/max_pool/",
        "NonMaxSuppression": "operations/nms/",
        "conv2d_transpose": None,  # a word of the conv_transpose page, not a tag (docs_frameworks.taggable)
    }
    for query, page in expected.items():
        tagged = [d["location"] for d in index["docs"] if query.lower() in words(" ".join(d.get("tags", [])))]
        in_text = {d["location"].split("#")[0] for d in index["docs"] if query.lower() in words(d["title"] + " " + d["text"])}
        if page:
            assert page in tagged, f"search {query!r}: no tag of {page} holds it (tagged: {sorted(set(tagged))[:5]})"
        assert "frameworks/" in in_text, f"search {query!r}: the framework index does not have it as a word"
    assert "operations/conv_transpose/" in {d["location"].split("#")[0] for d in index["docs"]
                                            if "conv2d_transpose" in words(d["text"])}
    # a tag that begins with another operation's name would outrank it: Conv2d must reach only correlate's tags
    for d in index["docs"]:
        if d["location"].startswith("operations/") and "#" not in d["location"]:
            for tag in d.get("tags", []):
                if any(w.startswith("conv2d") for w in words(tag)):
                    assert d["location"] == "operations/correlate/", (d["location"], tag)
    assert not any(d.get("tags") for d in index["docs"] if d["location"].startswith("frameworks/")), \
        "the index must not outrank the operation pages (no tags)"


def test_operation_pages_carry_the_anchors_and_other_libraries(site):
    text = page_text(site, "operations/correlate")
    markup = page_html(site, "operations/correlate")
    assert 'id="fw-operation"' in markup and 'id="fw-differ"' in markup and 'id="fw-padding"' in markup
    assert "Other libraries" in text and "scipy.signal.correlate" in text and "Tensor.conv2d" in text


# ---- the NMS page ---------------------------------------------------------------------------------------


def test_nms_has_a_page_with_its_definition_examples_and_framework_differences(site):
    import docs_nms
    from convspec import reference

    markup = page_html(site, "operations/nms")
    text = page_text(site, "operations/nms")
    assert markup.count("<math") >= 2, "the definition is not rendered as formulas"
    for needle in ("torchvision.ops.nms", "tf.image.non_max_suppression", "NonMaxSuppression", "Where they differ",
                   "# -> [0, 2, 3, 4]", "# -> [0, 2]", "box 3: 1/2 kept", "box 0: 3/5 discarded"):
        assert needle in text, f"nms page lacks {needle!r}"
    assert "strictly greater than the threshold" in text and "keeps scores > it" in text
    # the page's examples hold for the reference (the build checks this too; here it runs again)
    import numpy as np

    for example in docs_nms.EXAMPLES:
        got = reference.nms(np.array(example.boxes, float), np.array(example.scores, float), example.iou_threshold,
                            score_threshold=example.score_threshold)
        assert got.tolist() == list(example.expected)
    # an IoU exactly at the threshold keeps the box; a hair over suppresses it (the page's claim, checked literally)
    boxes = np.array([[10, 10, 12, 12], [10, 10, 12, 14]], float)
    assert reference.nms(boxes, np.array([0.7, 0.6]), 0.5).tolist() == [0, 1]
    assert reference.nms(boxes, np.array([0.7, 0.6]), 0.4999).tolist() == [0]
    # in the navigation, with the detection family, and linked from the operations index
    assert 'href="operations/nms/"' in (site / "index.html").read_text(encoding="utf-8")
    assert "nms/" in page_html(site, "operations")


def test_a_broken_nms_example_stops_the_build():
    import dataclasses

    import docs_nms

    wrong = dataclasses.replace(docs_nms.EXAMPLES[0], expected=(0, 1, 2, 3, 4))
    with pytest.raises(AssertionError, match="reference"):
        docs_nms.run(wrong)


# ---- the LeNet tutorial ---------------------------------------------------------------------------------


def test_lenet_tutorial_has_the_summary_table_and_the_erratum(site):
    markup = page_html(site, "tutorials/lenet")
    text = page_text(site, "tutorials/lenet")
    rows = {_text(cells[0]): [_text(c) for c in cells] for cells in _rows(markup) if cells}
    # layer | code | output as coded | parameters | output as drawn | parameters
    assert rows["conv1"][2:] == ["32×32×6", "156 = 150 + 6", "28×28×6", "156 = 150 + 6"]
    assert rows["flatten"][2] == "576" and rows["flatten"][4] == "400"
    assert rows["fc1"][3].startswith("69,240") and rows["fc1"][5].startswith("48,120")
    assert rows["total"][3] == "82,826" and rows["total"][5] == "61,706"
    # the totals are the rows' sums, by hand: (25+1)·6, (150+1)·16, 576·120+120, 120·84+84, 84·10+10
    assert 156 + 2416 + (576 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10) == 82_826
    assert 156 + 2416 + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10) == 61_706
    assert "padding='same'" in text and "32×32×6" in text and "82,826" in text and "61,706" in text
    # the command-line block is what convspec summary printed for the layer file
    assert "$ convspec summary docs/tutorials/lenet.yaml" in text and "Total params: 82,826" in text
    assert "LeNet, layer by layer" in (site / "index.html").read_text(encoding="utf-8")


def test_lenet_layer_file_is_what_the_command_reads():
    from convspec.spec.summary import layers_from_file, summary

    stack = layers_from_file(DOCS / "tutorials" / "lenet.yaml")
    result = summary(stack.layers, stack.input_shape)
    assert result.rows[0].output_shape == (6, 32, 32) and result.total_parameters == 82_826
