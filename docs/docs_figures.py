"""Figures for the docs, drawn as SVG at build time from what the spec and the reference compute.

No plotting library and no fonts are needed: each figure is a small hand-built SVG
document (text in the browser's sans-serif). The numbers and positions in every
figure come from :mod:`convspec.spec` and :mod:`convspec.reference` when the docs
are built, and each figure cross-checks the two (a figure that would disagree with
the spec fails the build).
"""

from __future__ import annotations

import html
import re

import numpy as np

from convspec import reference
from convspec.spec import conv as spec_conv
from convspec.spec import conv_transpose as spec_ct
from convspec.spec import pool as spec_pool

CELL = 34
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f")
INK = "#222"
MUTED = "#888"
PAD_FILL = "#e6e6e6"


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
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """Dark ink on a light cell, white on a dark one: whichever contrasts more."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", fill):
        return INK
    return INK if contrast(INK, fill) >= contrast("#ffffff", fill) else "#ffffff"


class Svg:
    def __init__(self, width: int, height: int, title: str):
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []

    def rect(self, x, y, w, h, fill="#fff", stroke=INK, width=1.0, dash="", opacity=1.0, rx=0):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{width}"{extra}/>'
        )

    def text(self, x, y, s, size=13, anchor="middle", fill=INK, weight="normal", italic=False):
        style = ' font-style="italic"' if italic else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{style} dominant-baseline="middle">{html.escape(str(s))}</text>'
        )

    def line(self, x1, y1, x2, y2, stroke=INK, width=1.5, dash="", marker=False):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        arrow = ' marker-end="url(#arrow)"' if marker else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"{extra}{arrow}/>'
        )

    def circle(self, x, y, r, fill=INK):
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>')

    def grid(self, x0, y0, values, fills=None, bold=None, size=CELL, font=13):
        values = np.asarray(values, dtype=object)
        if values.ndim == 1:
            values = values[None]
        for r, row in enumerate(values):
            for c, v in enumerate(row):
                fill = fills[r][c] if fills is not None else "#fff"
                is_bold = bool(bold is not None and bold[r][c])
                self.rect(x0 + c * size, y0 + r * size, size, size, fill=fill, width=2.6 if is_bold else 1.0)
                self.text(x0 + (c + 0.5) * size, y0 + (r + 0.5) * size, v, size=font, weight="bold" if is_bold else "normal",
                          fill=text_on(fill))

    def render(self) -> str:
        defs = (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{INK}"/></marker></defs>'
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="sans-serif" role="img">'
            f"<title>{html.escape(self.title)}</title>{defs}"
            f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(self.parts) + "</svg>\n"
        )


def _fmt(v) -> str:
    v = float(v)
    return str(int(v)) if v == int(v) else f"{v:g}"


# ---------------------------------------------------------------------------------------------
# Sliding windows: stride, padding, dilation
# ---------------------------------------------------------------------------------------------

SLIDING_PANELS = (
    dict(n=6, k=3, s=1, p=(0, 0), d=1),
    dict(n=5, k=3, s=2, p=(1, 1), d=1),
    dict(n=7, k=3, s=2, p=(0, 0), d=2),
)


def sliding_windows() -> str:
    panels = []
    for panel in SLIDING_PANELS:
        n, k, s, (lo, hi), d = panel["n"], panel["k"], panel["s"], panel["p"], panel["d"]
        padded = n + lo + hi
        span = spec_conv.effective_kernel_size(k, d)
        starts = [a for a in range(0, padded - span + 1, s)]  # every window start that fits
        length = spec_conv.conv_output_length(n, k, s, lo, hi, d)
        if len(starts) != length:
            raise AssertionError(f"sliding-window figure: {len(starts)} windows drawn, the spec says {length}")
        # the reference agrees: correlate a ramp with a one-hot kernel tap 0 -> the window starts
        x = np.arange(1, n + 1, dtype=np.float64)[None, None]
        w = np.zeros((1, 1, k)); w[0, 0, 0] = 1
        first_taps = reference.correlate(x, w, stride=s, padding=((lo, hi),), dilation=d)[0, 0]
        expected_first = [a - lo + 1 if 0 <= a - lo < n else 0 for a in starts]
        if first_taps.tolist() != expected_first:
            raise AssertionError(f"sliding-window figure: reference window starts {first_taps} != drawn {expected_first}")
        panels.append((panel, padded, starts, length))
    width = 40 + max(p[1] for p in panels) * CELL + 260
    height = sum(70 + len(p[2]) * 22 for p in panels) + 20
    svg = Svg(width, height, "Sliding windows: stride, padding and dilation")
    y = 20
    for panel, padded, starts, length in panels:
        n, k, s, (lo, hi), d = panel["n"], panel["k"], panel["s"], panel["p"], panel["d"]
        x0 = 30
        for j in range(padded):
            in_input = lo <= j < lo + n
            svg.rect(x0 + j * CELL, y, CELL, CELL, fill="#fff" if in_input else PAD_FILL, dash="" if in_input else "4 3")
            svg.text(x0 + (j + 0.5) * CELL, y + CELL / 2, f"x{j - lo}" if in_input else "0", size=12, fill=INK if in_input else MUTED)
        caption = f"n={n}, k={k}, stride {s}, padding ({lo}, {hi}), dilation {d}"
        svg.text(x0 + padded * CELL + 16, y + 10, caption, size=13, anchor="start")
        svg.text(x0 + padded * CELL + 16, y + 28, f"L = {length} windows (spec: conv_output_length)", size=12, anchor="start", fill=MUTED)
        for o, a in enumerate(starts):
            yy = y + CELL + 16 + o * 22
            color = PALETTE[o % len(PALETTE)]
            taps = [a + d * t for t in range(k)]
            svg.line(x0 + (taps[0] + 0.5) * CELL, yy, x0 + (taps[-1] + 0.5) * CELL, yy, stroke=color, width=2)
            for tap in taps:
                svg.circle(x0 + (tap + 0.5) * CELL, yy, 5, fill=color)
            svg.text(x0 + (taps[-1] + 0.5) * CELL + 16, yy, f"y{o}", size=12, anchor="start", fill=color)
        y += 70 + len(starts) * 22
    return svg.render()


# ---------------------------------------------------------------------------------------------
# Transposed convolution: scatter, sum, crop
# ---------------------------------------------------------------------------------------------


def conv_transpose_scatter() -> str:
    x = np.array([1.0, 2.0, 3.0])
    w = np.array([1.0, 10.0, 100.0])
    s, lo, hi = 2, 1, 1
    n, k = len(x), len(w)
    full = spec_ct.full_length(n, k, s, 1)
    buffer = np.zeros(full)
    for i in range(n):
        buffer[i * s : i * s + k] += x[i] * w
    ref_full = reference.conv_transpose(x[None, None], w[None, None], stride=s)[0, 0]
    ref_out = reference.conv_transpose(x[None, None], w[None, None], stride=s, padding=((lo, hi),))[0, 0]
    length = spec_ct.conv_transpose_output_length(n, k, s, lo, hi, 1, 0)
    if not (np.array_equal(ref_full, buffer) and np.array_equal(ref_out, buffer[lo : full - hi]) and len(ref_out) == length):
        raise AssertionError("conv_transpose figure: the drawn scatter disagrees with the reference or the spec")
    width, x0 = 40 + full * CELL + 300, 150
    height = 40 + (n + 3) * (CELL + 14) + 10
    svg = Svg(width, height, "Transposed convolution: scatter, sum, crop")
    y = 20
    svg.text(20, y + CELL / 2, f"x = {[_fmt(v) for v in x]}, w = {[_fmt(v) for v in w]}, stride {s}, padding {lo}".replace("'", ""), size=13, anchor="start")
    y += CELL + 10
    for i in range(n):
        color = PALETTE[i]
        svg.text(x0 - 10, y + CELL / 2, f"x{i}·w at {i * s}", size=12, anchor="end", fill=color)
        for j in range(full):
            if i * s <= j < i * s + k:
                svg.rect(x0 + j * CELL, y, CELL, CELL, fill=color, opacity=0.25)
                svg.text(x0 + (j + 0.5) * CELL, y + CELL / 2, _fmt(x[i] * w[j - i * s]), size=12)
        y += CELL + 14
    svg.line(x0, y - 7, x0 + full * CELL, y - 7, width=1)
    svg.text(x0 - 10, y + CELL / 2, f"sum, {full} cells", size=12, anchor="end")
    svg.grid(x0, y, [[_fmt(v) for v in buffer]], size=CELL, font=12)
    y += CELL + 14
    svg.text(x0 - 10, y + CELL / 2, f"crop {lo} + {hi}: L = {length}", size=12, anchor="end")
    for j in range(full):
        kept = lo <= j < full - hi
        svg.rect(x0 + j * CELL, y, CELL, CELL, fill="#fff" if kept else PAD_FILL, dash="" if kept else "4 3", width=2 if kept else 1)
        svg.text(x0 + (j + 0.5) * CELL, y + CELL / 2, _fmt(buffer[j]), size=12, fill=INK if kept else MUTED)
    return svg.render()


# ---------------------------------------------------------------------------------------------
# Pooling and unpooling
# ---------------------------------------------------------------------------------------------


def _block_fills(shape, k, s):
    fills = [["#fff"] * shape[1] for _ in range(shape[0])]
    for bi, r0 in enumerate(range(0, shape[0] - k + 1, s)):
        for bj, c0 in enumerate(range(0, shape[1] - k + 1, s)):
            color = PALETTE[(bi * 2 + bj) % len(PALETTE)]
            for r in range(r0, r0 + k):
                for c in range(c0, c0 + k):
                    fills[r][c] = _tint(color)
    return fills


def _tint(color: str, amount: float = 0.72) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    mix = lambda v: int(v + (255 - v) * amount)
    return f"#{mix(r):02x}{mix(g):02x}{mix(b):02x}"


def pooling(seed_map: np.ndarray) -> str:
    x = seed_map.astype(np.float64)
    values, indices = reference.max_pool(x, 2, stride=2, return_indices=True)
    averages = reference.avg_pool(x, 2, stride=2)
    if values.shape[2:] != spec_pool.pool_output_size(spec_pool.check_pool_arguments("max_pool", x.shape, 2, stride=2)):
        raise AssertionError("pooling figure: the reference's output size is not the spec's")
    plane = x[0, 0]
    bold = np.zeros(plane.shape, dtype=bool)
    for flat in indices[0, 0].ravel():
        bold[np.unravel_index(flat, plane.shape)] = True
    fills = _block_fills(plane.shape, 2, 2)
    out_fills = [[_tint(PALETTE[(r * 2 + c) % len(PALETTE)]) for c in range(2)] for r in range(2)]
    # x on the left; max_pool top right, avg_pool below it; each arrow ends at its grid's left edge.
    x_right = 20 + 4 * CELL
    max_at, avg_at, avg_size = (260, 40), (260, 150), CELL + 12
    svg = Svg(520, avg_at[1] + 2 * avg_size + 20, "Max and average pooling, 2x2 windows, stride 2 (seed 000's map)")
    svg.grid(20, 40, [[_fmt(v) for v in row] for row in plane], fills=fills, bold=bold)
    svg.text(20 + 2 * CELL, 22, "x (4×4), first maxima in bold", size=12)
    svg.line(x_right + 8, 40 + 1.5 * CELL, max_at[0] - 6, max_at[1] + CELL, marker=True)
    svg.line(x_right + 8, 40 + 2.5 * CELL, avg_at[0] - 6, avg_at[1] + avg_size, marker=True)
    svg.grid(*max_at, [[_fmt(v) for v in row] for row in values[0, 0]], fills=out_fills)
    svg.text(max_at[0] + CELL, 22, "max_pool", size=12)
    svg.text(max_at[0] + 2 * CELL + 14, max_at[1] + CELL, f"indices {indices[0, 0].tolist()}", size=11, anchor="start", fill=MUTED)
    svg.grid(*avg_at, [[_fmt(v) for v in row] for row in averages[0, 0]], fills=out_fills, size=avg_size)
    svg.text(avg_at[0] + avg_size, avg_at[1] - 14, "avg_pool", size=12)
    return svg.render()


def unpooling(seed_map: np.ndarray, switches: np.ndarray) -> str:
    x = seed_map.astype(np.float64)
    outputs = [
        ("max_unpool (switches)", reference.max_unpool(x, switches, 2)),
        ("avg_unpool", reference.avg_unpool(x, 2)),
        ("first_unpool", reference.first_unpool(x, 2)),
    ]
    svg = Svg(20 + 2 * CELL + 60 + 3 * (4 * CELL + 30), 210, "Unpooling a 2x2 map with 2x2 blocks")
    in_fills = [[_tint(PALETTE[(r * 2 + c) % len(PALETTE)]) for c in range(2)] for r in range(2)]
    svg.grid(20, 70, [[_fmt(v) for v in row] for row in x[0, 0]], fills=in_fills)
    svg.text(20 + CELL, 52, "x (2×2)", size=12)
    x0 = 20 + 2 * CELL + 60
    for title, y in outputs:
        plane = y[0, 0]
        svg.grid(x0, 40, [[_fmt(v) if v else "0" for v in row] for row in plane], fills=_block_fills(plane.shape, 2, 2),
                 bold=plane != 0)
        svg.text(x0 + 2 * CELL, 22, title, size=12)
        x0 += 4 * CELL + 30
    svg.line(20 + 2 * CELL + 8, 104, 20 + 2 * CELL + 50, 104, marker=True)
    return svg.render()


# ---------------------------------------------------------------------------------------------
# Receptive field growth
# ---------------------------------------------------------------------------------------------

RECEPTIVE_FIELD_STACK = (("conv 3×3", 3, 1), ("conv 3×3", 3, 1), ("max pool 2", 2, 2), ("conv 3×3", 3, 1), ("conv 3×3", 3, 1))
RECEPTIVE_FIELD_INPUT = 24


def receptive_field_table(stack=RECEPTIVE_FIELD_STACK):
    """(name, k, s, r, j) per layer with the recurrence r += (k - 1) j, j *= s (dilation 1)."""
    r, j, rows = 1, 1, []
    for name, k, s in stack:
        r += (k - 1) * j
        j *= s
        rows.append((name, k, s, r, j))
    return rows


def receptive_field() -> str:
    rows = receptive_field_table()
    lengths = [RECEPTIVE_FIELD_INPUT]
    for _, k, s in RECEPTIVE_FIELD_STACK:
        lengths.append(spec_conv.conv_output_length(lengths[-1], k, s, 0, 0, 1))
    # the cone of one top unit, layer by layer down to the input
    top = lengths[-1] // 2
    cones = [(top, top)]
    for (_, k, s) in reversed(RECEPTIVE_FIELD_STACK):
        a, b = cones[-1]
        cones.append((a * s, b * s + k - 1))
    cones.reverse()
    if cones[0][1] - cones[0][0] + 1 != rows[-1][3]:
        raise AssertionError("receptive-field figure: the drawn cone disagrees with the recurrence")
    size = 20
    width = 40 + RECEPTIVE_FIELD_INPUT * size + 330
    height = 30 + len(lengths) * (size + 22)
    svg = Svg(width, height, "Receptive field growth through a stack of layers")
    for layer in range(len(lengths) - 1, -1, -1):
        y = 20 + (len(lengths) - 1 - layer) * (size + 22)
        offset = 30 + (RECEPTIVE_FIELD_INPUT - lengths[layer]) * size / 2
        a, b = cones[layer]
        for u in range(lengths[layer]):
            inside = a <= u <= b
            svg.rect(offset + u * size, y, size, size, fill=_tint(PALETTE[0], 0.35) if inside else "#fff", width=0.8)
        if layer == 0:
            label = f"input, {lengths[0]} cells: the field is {b - a + 1} wide"
        else:
            name, k, s, r, j = rows[layer - 1]
            label = f"{name}, stride {s}: r = {r}, j = {j}"
        svg.text(30 + RECEPTIVE_FIELD_INPUT * size + 16, y + size / 2, label, size=12, anchor="start")
    return svg.render()


# ---------------------------------------------------------------------------------------------
# Loop direction of correlation and convolution (seed 001)
# ---------------------------------------------------------------------------------------------


def loop_order(op_name: str) -> np.ndarray:
    """For each kernel tap (u, v), the step (1..9) of the row-major walk over the window at which it is used.

    Found by running the reference on one-hot windows: the output for a window whose
    only non-zero cell is step m is the number of the tap that meets that cell.
    """
    fn = getattr(reference, op_name)
    taps = np.arange(9, dtype=np.float64).reshape(1, 1, 3, 3)
    order = np.zeros((3, 3), dtype=int)
    for step in range(9):
        window = np.zeros((1, 1, 3, 3))
        window.flat[step] = 1
        tap = int(fn(window, taps)[0, 0, 0, 0])
        order.flat[tap] = step + 1
    return order


def loop_direction() -> str:
    svg = Svg(560, 200, "Which kernel tap meets which window cell: correlation and convolution")
    for panel, (op_name, title) in enumerate((("correlate", "correlate: K[u, v] A[i+u, j+v]"), ("convolve", "convolve: K[u, v] A[i-u, j-v]"))):
        order = loop_order(op_name)
        x0 = 30 + panel * 280
        svg.text(x0 + 1.5 * 70, 22, title, size=13)
        for r in range(3):
            for c in range(3):
                step = order[r, c]
                svg.rect(x0 + c * 70, 40 + r * 48, 70, 48, fill=_tint(PALETTE[panel], 0.6 + 0.04 * step))
                svg.text(x0 + c * 70 + 35, 40 + r * 48 + 17, f"{step})", size=13, weight="bold")
                svg.text(x0 + c * 70 + 35, 40 + r * 48 + 34, f"{r - 1},{c - 1}", size=12, fill=MUTED)
    return svg.render()


def all_figures() -> dict[str, str]:
    """file name -> SVG text. The pooled and unpooled maps are the worked examples' (seeds 000 and 004)."""
    from convspec.conformance.families.pool import examples as examples_pool
    from convspec.conformance.families.unpool import examples as examples_unpool

    switches = next(e for e in examples_unpool.MAX_UNPOOL_EXAMPLES if e.title.startswith("Seed 004")).inputs["indices"]
    return {
        "sliding_windows.svg": sliding_windows(),
        "conv_transpose_scatter.svg": conv_transpose_scatter(),
        "pooling.svg": pooling(examples_pool.SEED_000_MAP),
        "unpooling.svg": unpooling(examples_unpool.SEED_MAP, switches),
        "receptive_field.svg": receptive_field(),
        "loop_direction.svg": loop_direction(),
    }
