"""The docs' figures (docs/docs_figures.py and docs/figures_<family>.py), read back from their SVG text.

Every figure lies inside its viewBox (cells, lines, circles, curves and the estimated
extent of every text), every arrow ends on a drawn cell, every text has 4.5:1 contrast
with what is under it in both schemes, every family shows at least one figure on each of
its operation pages (light and dark), and the numbers drawn come from the reference:
change an input and the figure shows the reference's new output; perturb the reference
and the figure changes or refuses to build.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

import docs_figures  # noqa: E402

from convspec import reference  # noqa: E402
from convspec.conformance.catalog import CATALOG  # noqa: E402

TEXT_WIDTH = 0.6  # a generous sans-serif character advance, in font sizes (Arial/DejaVu average about 0.5-0.55)


def _attrs(svg: str, tag: str) -> list[dict]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', m)) for m in re.findall(rf"<{tag}\b([^>]*?)/?>", svg)]


def _texts(svg: str) -> list[tuple[dict, str]]:
    return [(dict(re.findall(r'([\w-]+)="([^"]*)"', a)), s) for a, s in re.findall(r"<text\b([^>]*)>([^<]*)</text>", svg)]


def _viewbox(svg: str) -> tuple[float, float]:
    return tuple(float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())


def _cells(svg: str) -> list[dict]:
    """Every rect but the background (the first, 100% x 100%)."""
    return [r for r in _attrs(svg, "rect") if "x" in r]


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    import docs_saliency

    return {**docs_figures.all_figures(), "grad-cam (inline)": docs_saliency.grad_cam_figure()}


def _boxes(svg: str):
    """(what, x0, y0, x1, y1) of everything drawn."""
    for r in _cells(svg):
        x, y, w, h = (float(r[k]) for k in ("x", "y", "width", "height"))
        yield f"rect at ({x}, {y})", x, y, x + w, y + h
    for line in _attrs(svg, "line"):
        x1, y1, x2, y2 = (float(line[k]) for k in ("x1", "y1", "x2", "y2"))
        yield f"line to ({x2}, {y2})", min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
    for c in _attrs(svg, "circle"):
        x, y, r = float(c["cx"]), float(c["cy"]), float(c["r"])
        yield f"circle at ({x}, {y})", x - r, y - r, x + r, y + r
    for p in _attrs(svg, "polyline"):
        pts = [tuple(map(float, pt.split(","))) for pt in p["points"].split()]
        yield "polyline", min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts), max(y for _, y in pts)
    for t, s in _texts(svg):
        x, y, size = float(t["x"]), float(t["y"]), float(t["font-size"])
        w = TEXT_WIDTH * size * len(s.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"'))
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        yield f"text {s!r}", left, y - size / 2, left + w, y + size / 2


def test_every_figure_lies_inside_its_viewbox(figures):
    problems = []
    for name, svg in figures.items():
        width, height = _viewbox(svg)
        for what, x0, y0, x1, y1 in _boxes(svg):
            if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
                problems.append(f"{name}: {what} spans ({x0:.0f}, {y0:.0f})-({x1:.0f}, {y1:.0f}), the viewBox is {width} x {height}")
    assert not problems, problems[:10]


def test_the_viewbox_check_catches_a_clipped_figure(figures):
    """The check above is not vacuous: the pooling figure with a viewBox 40 px shorter fails it."""
    svg = figures["pooling-light.svg"]
    width, height = _viewbox(svg)
    cut = svg.replace(f'viewBox="0 0 {width:.0f} {height:.0f}"', f'viewBox="0 0 {width:.0f} {height - 40:.0f}"')
    assert cut != svg
    assert any(y1 > height - 40 + 0.5 for _, _, _, _, y1 in _boxes(cut))


def test_every_arrow_ends_on_a_drawn_cell(figures):
    problems = []
    for name, svg in figures.items():
        cells = _cells(svg)
        for arrow in (a for a in _attrs(svg, "line") if a.get("marker-end")):
            x, y = float(arrow["x2"]), float(arrow["y2"])
            if not any(float(r["x"]) - 4 <= x <= float(r["x"]) + float(r["width"]) + 4
                       and float(r["y"]) - 4 <= y <= float(r["y"]) + float(r["height"]) + 4 for r in cells):
                problems.append(f"{name}: the arrow ending at ({x}, {y}) points at no cell")
    assert not problems, problems


def _under(svg: str, x: float, y: float) -> str:
    """The colour under a point: the last solid rect drawn there, else the background."""
    colour = _attrs(svg, "rect")[0]["fill"]
    for r in _cells(svg):
        if (r.get("fill", "none").startswith("#") and float(r.get("fill-opacity", "1")) == 1
                and float(r["x"]) <= x <= float(r["x"]) + float(r["width"]) and float(r["y"]) <= y <= float(r["y"]) + float(r["height"])):
            colour = r["fill"]
    return colour


def test_every_text_has_contrast_in_both_schemes(figures):
    """WCAG AA, 4.5:1, between every text and what is under it (a cell, or the figure's background)."""
    problems = []
    for name, svg in figures.items():
        for t, s in _texts(svg):
            under = _under(svg, float(t["x"]), float(t["y"]))
            ratio = docs_figures.contrast(t["fill"], under)
            if ratio < 4.5:
                problems.append(f"{name}: {s!r} in {t['fill']} on {under}: {ratio:.2f}")
    assert not problems, problems[:10]


def test_the_contrast_helper():
    assert docs_figures.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert docs_figures.contrast("#777777", "#ffffff") < 4.5 < docs_figures.contrast("#767676", "#ffffff")
    for theme in docs_figures.THEMES:
        for i in range(8):
            assert docs_figures.contrast(theme.accent(i), theme.bg) >= 4.5, (theme.name, i)
            assert docs_figures.contrast(theme.text_on(theme.tint(i)), theme.tint(i)) >= 4.5, (theme.name, i)


def test_each_figure_comes_light_and_dark(figures):
    names = {f.name for f in docs_figures.registry()}
    for name in names:
        light, dark = figures[f"{name}-light.svg"], figures[f"{name}-dark.svg"]
        assert docs_figures.luminance(_attrs(light, "rect")[0]["fill"]) > 0.9
        assert docs_figures.luminance(_attrs(dark, "rect")[0]["fill"]) < 0.05
    assert len(figures) == 2 * len(names) + 1


def test_every_family_shows_a_figure_on_each_of_its_pages():
    import docs_pages

    families = {op.family for op in CATALOG}
    assert families <= {f.family for f in docs_figures.registry()}
    for op in CATALOG:
        markdown = docs_pages.definition_markdown(op)
        figures = docs_figures.figures_for(op)
        assert figures, f"{op.name}: no figure"
        for figure in figures:
            assert f"../figures/{figure.name}-light.svg#only-light" in markdown, op.name
            assert f"../figures/{figure.name}-dark.svg#only-dark" in markdown, op.name


def test_the_site_has_a_light_and_a_dark_scheme():
    """Material hides img[src$="#only-dark"] in scheme default and #only-light in slate: both schemes must be offered."""
    config = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"scheme: default", config) and re.search(r"scheme: slate", config)
    assert config.count("toggle:") == 2


# ---- the numbers drawn are the reference's ----------------------------------------------------------


def _numbers(svg: str) -> list[str]:
    return [s for _, s in _texts(svg)]


def test_pooling_shows_the_references_output_for_another_map():
    import figures_pool

    x = np.array([[9, 1, 0, 2], [3, 4, 8, 5], [6, 7, 1, 1], [0, 2, 3, 12]], dtype=np.float64)[None, None]
    texts = _numbers(figures_pool.pooling(docs_figures.LIGHT, x))
    for v in reference.max_pool(x, 2, stride=2)[0, 0].ravel().tolist() + reference.avg_pool(x, 2, stride=2)[0, 0].ravel().tolist():
        assert docs_figures.fmt(v) in texts
    assert "12" in texts and "4.25" in texts  # max and mean of the bottom-right block


def test_iou_shows_the_references_iou_for_other_boxes():
    import figures_detection

    boxes = ((0.0, 0.0, 3.0, 3.0), (1.0, 1.0, 4.0, 5.0))
    iou = reference.box_iou(np.array(boxes[:1]), np.array(boxes[1:]))[0, 0]
    text = " ".join(_numbers(figures_detection.iou_and_nms(docs_figures.DARK, boxes=boxes)))
    assert f"box_iou: {docs_figures.fmt(iou)}" in text and docs_figures.fmt(iou) == "0.235"


def test_softmax_gram_and_fft_show_the_references_numbers_for_other_inputs():
    import figures_activations
    import figures_fft
    import figures_style

    texts = _numbers(figures_activations.curves(docs_figures.LIGHT, logits=(0.0, 0.0, np.log(2.0))))
    assert texts.count("0.25") == 2 and "0.5" in texts
    a = np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]])
    texts = _numbers(figures_style.gram(docs_figures.LIGHT, a))
    assert [docs_figures.fmt(v) in texts for v in reference.gram_matrix(a[None])[0].ravel()] == [True] * 4
    assert "30" in texts  # 1 + 4 + 9 + 16
    texts = _numbers(figures_fft.wrap_around(docs_figures.LIGHT, x=(1.0, 0.0, 0.0, 2.0), w=(1.0, 3.0)))
    assert "7" in texts  # circular[0] = 1·1 + 2·3 wraps around


def test_upsample_coordinates_are_the_references():
    import figures_upsample

    texts = _numbers(figures_upsample.coordinate_modes(docs_figures.LIGHT, n=3, size=7))
    for mode, corners in figures_upsample.MODES:
        kwargs = {"align_corners": corners} if mode == "linear" else {}
        for v in reference.upsample(np.arange(3.0)[None, None], size=7, mode=mode, **kwargs)[0, 0]:
            assert docs_figures.fmt(v) in texts
    assert "0.333" in texts  # align_corners=True: o * 2/6


def test_windows_are_the_references():
    """The conv grid's windows are where one-hot inputs change the output: stride 2, padding 1 -> y[0, 1] reads columns 2-4."""
    import figures_conv

    data = figures_conv.window_panel(n=5, k=3, s=2, p=1, d=1)
    assert data["first"] == {(r, c) for r in range(3) for c in range(3)}
    assert data["second"] == {(r, c) for r in range(3) for c in range(2, 5)}
    lengths, cones = figures_conv.receptive_cones()
    assert len(cones[0]) == figures_conv.receptive_field_table()[-1][3] == 14


def _perturbed(module):
    """A stand-in for ``convspec.reference`` whose floating outputs are all 0.5 larger."""
    def wrap(fn):
        def call(*args, **kwargs):
            out = fn(*args, **kwargs)
            shift = lambda a: a + 0.5 if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
            return tuple(shift(a) for a in out) if isinstance(out, tuple) else shift(out)
        return call
    return types.SimpleNamespace(**{name: wrap(getattr(reference, name)) for name in reference.__all__})


@pytest.mark.parametrize("figure", docs_figures.registry(), ids=lambda f: f.name)
def test_a_figure_follows_the_reference(figure, monkeypatch):
    """With every reference output shifted by 0.5 the figure is redrawn differently or its cross-check refuses it."""
    import importlib

    module = importlib.import_module(figure.draw.__module__)
    before = figure.draw(docs_figures.LIGHT)
    monkeypatch.setattr(module, "reference", _perturbed(module))
    try:
        after = figure.draw(docs_figures.LIGHT)
    except AssertionError:
        return
    assert after != before, f"{figure.name} does not change when the reference does"
