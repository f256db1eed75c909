"""Figures for the docs, drawn as SVG at build time from what the spec and the reference compute.

No plotting library and no fonts are needed: each figure is a small hand-built SVG
document (text in the browser's sans-serif). The numbers and positions in every
figure come from :mod:`convspec.reference` (and, where a size has a closed form,
are cross-checked with :mod:`convspec.spec`: a figure that would disagree fails the build).

This module holds the drawing helper (:class:`Svg`), the two colour schemes
(:data:`THEMES`, Material's ``default`` and ``slate``), the WCAG contrast helpers and
the registry of figures; each family's figures are drawn by ``docs/figures_<family>.py``.

Every figure is written twice, ``<name>-light.svg`` and ``<name>-dark.svg``, and a page
shows them as ``![..](<name>-light.svg#only-light)![..](<name>-dark.svg#only-dark)``:
Material hides the one that does not match the reader's scheme. For example
``all_figures()["pooling-dark.svg"]`` is seed 000's pooled map on the slate background.
"""

from __future__ import annotations

import html
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

CELL = 34
INK = "#222222"
MUTED = "#5f5f5f"
PAD_FILL = "#e6e6e6"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f")
FONT_WIDTH = 0.6  # an upper estimate of a sans-serif character's advance, in font sizes


def luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb (or #rgb) colour."""
    def channel(v: int) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    if len(color) == 4:  # #rgb
        color = "#" + "".join(ch * 2 for ch in color[1:])
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21); text needs 4.5 (AA), e.g. contrast("#777", "#fff") = 4.48."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(color: str, other: str, amount: float) -> str:
    """``color`` moved ``amount`` (0..1) of the way to ``other``, channel by channel: mix("#000000", "#ffffff", 0.5) = "#808080"."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(u + (v - u) * amount):02x}" for u, v in zip(a, b))


@dataclass(frozen=True)
class Theme:
    """One colour scheme: background, ink, muted ink, padding fill and eight accents.

    The accents are for lines and labels on the background (each at least 4.5:1 on it);
    :meth:`tint` makes a cell fill from an accent, and :meth:`text_on` picks the ink for
    a number on a fill (tests/test_docs_figures.py checks 4.5:1 for every text drawn).
    """

    name: str
    bg: str
    ink: str
    muted: str
    pad: str
    accents: tuple[str, ...]
    tint_amount: float

    def accent(self, i: int) -> str:
        return self.accents[i % len(self.accents)]

    def tint(self, i: int, strength: float = 1.0) -> str:
        """A cell fill: accent ``i`` mixed toward the background (``strength`` 0 = background, 1 = the usual tint)."""
        return mix(self.accent(i), self.bg, 1 - (1 - self.tint_amount) * strength)

    def text_on(self, fill: str) -> str:
        """Ink on a fill: the scheme's ink, or the background colour where that contrasts more."""
        if not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", fill):
            return self.ink
        return self.ink if contrast(self.ink, fill) >= contrast(self.bg, fill) else self.bg

    def muted_on(self, fill: str) -> str:
        """The muted ink where it is readable on ``fill`` (4.5:1), else :meth:`text_on`."""
        return self.muted if contrast(self.muted, fill) >= 4.5 else self.text_on(fill)


LIGHT = Theme("light", bg="#ffffff", ink=INK, muted=MUTED, pad=PAD_FILL,
              accents=("#2e5f8f", "#a85400", "#37743a", "#c0392b", "#7a4a8c", "#22716e", "#7c6300", "#74523c"),
              tint_amount=0.78)
# Material's slate background is hsl(232, 15%, 14%)
DARK = Theme("dark", bg="#1e2029", ink="#e8e8ee", muted="#a9abb8", pad="#343745",
             accents=("#8ab6e6", "#f5aa66", "#8fd08a", "#f39190", "#cfa6e0", "#7fd3cd", "#e9cf6a", "#d2ae94"),
             tint_amount=0.62)
THEMES = (LIGHT, DARK)


def text_on(fill: str) -> str:
    """Dark ink on a light cell, white on a dark one (the light scheme; kept for docs_saliency)."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", fill):
        return INK
    return INK if contrast(INK, fill) >= contrast("#ffffff", fill) else "#ffffff"


def fmt(v, digits: int = 3) -> str:
    """A number as drawn: integers without a point, others to ``digits`` significant digits (fmt(0.39130) = "0.391")."""
    v = float(v)
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.{digits}g}"


class Svg:
    """An SVG document built element by element; the viewBox grows to cover everything drawn (nothing is clipped).

    ``Svg(width, height, title, theme)``: width and height are the least size; ``render()``
    widens them to the drawn extent plus a margin and refuses a negative coordinate.
    """

    MARGIN = 8

    def __init__(self, width: float, height: float, title: str, theme: Theme = LIGHT):
        self.width, self.height, self.title, self.theme = width, height, title, theme
        self.parts: list[str] = []
        self.right = self.bottom = 0.0
        self.left = self.top = 0.0

    def _extent(self, x0, y0, x1, y1):
        self.left, self.top = min(self.left, x0), min(self.top, y0)
        self.right, self.bottom = max(self.right, x1), max(self.bottom, y1)

    def rect(self, x, y, w, h, fill=None, stroke=None, width=1.0, dash="", opacity=1.0, rx=0):
        fill = self.theme.bg if fill is None else fill
        stroke = self.theme.ink if stroke is None else stroke
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{width}"{extra}/>'
        )
        self._extent(x - width / 2, y - width / 2, x + w + width / 2, y + h + width / 2)

    def text(self, x, y, s, size=13, anchor="middle", fill=None, weight="normal", italic=False):
        fill = self.theme.ink if fill is None else fill
        s = str(s)
        style = ' font-style="italic"' if italic else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{style} dominant-baseline="middle">{html.escape(s)}</text>'
        )
        w = FONT_WIDTH * size * len(s)
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        self._extent(x0, y - size * 0.6, x0 + w, y + size * 0.6)

    def line(self, x1, y1, x2, y2, stroke=None, width=1.5, dash="", marker=False):
        stroke = self.theme.ink if stroke is None else stroke
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        arrow = ' marker-end="url(#arrow)"' if marker else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"{extra}{arrow}/>'
        )
        self._extent(min(x1, x2) - 4, min(y1, y2) - 4, max(x1, x2) + 4, max(y1, y2) + 4)

    def arrow(self, x1, y1, x2, y2, stroke=None, width=1.5):
        """A line ending in an arrowhead at (x2, y2): put (x2, y2) on the edge of the cell it points at."""
        self.line(x1, y1, x2, y2, stroke=stroke, width=width, marker=True)

    def circle(self, x, y, r, fill=None):
        fill = self.theme.ink if fill is None else fill
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>')
        self._extent(x - r, y - r, x + r, y + r)

    def polyline(self, points, stroke=None, width=2.0, dash=""):
        stroke = self.theme.ink if stroke is None else stroke
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{stroke}" stroke-width="{width}"{extra}/>')
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self._extent(min(xs) - width, min(ys) - width, max(xs) + width, max(ys) + width)

    def grid(self, x0, y0, values, fills=None, bold=None, size=CELL, font=13, stroke=None, dash=None):
        """A table of cells; ``fills``/``bold``/``dash`` are per-cell lists; the number's ink is picked for its fill."""
        values = np.asarray(values, dtype=object)
        if values.ndim == 1:
            values = values[None]
        for r, row in enumerate(values):
            for c, v in enumerate(row):
                fill = fills[r][c] if fills is not None else self.theme.bg
                is_bold = bool(bold is not None and bold[r][c])
                self.rect(x0 + c * size, y0 + r * size, size, size, fill=fill, stroke=stroke,
                          width=2.6 if is_bold else 1.0, dash=dash[r][c] if dash is not None else "")
                ink = self.theme.text_on(fill)
                self.text(x0 + (c + 0.5) * size, y0 + (r + 0.5) * size, v, size=font, weight="bold" if is_bold else "normal",
                          fill=ink)

    def render(self) -> str:
        if self.left < 0 or self.top < 0:
            raise AssertionError(f"figure {self.title!r}: something is drawn left of or above the origin ({self.left}, {self.top})")
        width = max(self.width, self.right + self.MARGIN)
        height = max(self.height, self.bottom + self.MARGIN)
        defs = (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{self.theme.ink}"/></marker></defs>'
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" role="img">'
            f"<title>{html.escape(self.title)}</title>{defs}"
            f'<rect width="100%" height="100%" fill="{self.theme.bg}"/>' + "".join(self.parts) + "</svg>\n"
        )


# ---------------------------------------------------------------------------------------------
# The registry: every figure, its family, the operations whose pages show it, its caption
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: ``draw(theme)`` returns its SVG; ``ops`` limits it to some of its family's pages (None: all)."""

    name: str
    family: str
    caption: str
    draw: Callable[[Theme], str]
    ops: tuple[str, ...] | None = None


FAMILY_MODULES = ("conv", "conv_transpose", "pool", "unpool", "upsample", "activations", "detection", "filters", "fft", "style")


def registry() -> list[Figure]:
    """Every family module's ``FIGURES``, in family order."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:  # mkdocs drops the hooks' folder from sys.path once the hooks are loaded
        sys.path.insert(0, here)
    figures = []
    for family in FAMILY_MODULES:
        figures.extend(importlib.import_module(f"figures_{family}").FIGURES)
    return figures


def all_figures() -> dict[str, str]:
    """file name -> SVG text, ``<name>-light.svg`` and ``<name>-dark.svg`` for every figure."""
    return {f"{figure.name}-{theme.name}.svg": figure.draw(theme) for figure in registry() for theme in THEMES}


def figure_markdown(name: str, caption: str, prefix: str = "../") -> str:
    """The two images (Material shows the one for the reader's scheme) and the caption below them."""
    alt = caption.replace("[", "(").replace("]", ")").replace("*", "")
    return (f"![{alt}]({prefix}figures/{name}-light.svg#only-light)"
            f"![{alt}]({prefix}figures/{name}-dark.svg#only-dark)\n\n*{alt}*\n")


def figures_for(op) -> list[Figure]:
    """The figures an operation page shows: its family's, less those meant for its siblings only."""
    return [f for f in registry() if f.family == op.family and (f.ops is None or op.name in f.ops)]


def receptive_field_table(*args):
    """The receptive-field recurrence per layer (see figures_conv.receptive_field_table); docs_pages' conventions table."""
    return importlib.import_module("figures_conv").receptive_field_table(*args)


def figures_markdown(op) -> str:
    return "\n".join(figure_markdown(f.name, f.caption) for f in figures_for(op))
