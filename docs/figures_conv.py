"""The conv family's figures: windows on a 2-D grid, the tap order, the receptive field of a stack.

Every position is found by running :mod:`convspec.reference` on one-hot inputs (which
input cells change an output is what the reference computes, not a drawing of it), and
every size is cross-checked with :mod:`convspec.spec.conv`. For example the window of
``y[0, 0]`` for ``n = 5, k = 3, stride 2, padding 1`` is the 3 x 3 block at the top left
of the padded 7 x 7 grid: the one-hot inputs there, and only there, change ``y[0, 0]``.
"""

from __future__ import annotations

import numpy as np

from convspec import reference
from convspec.spec import conv as spec_conv

from docs_figures import Figure, Svg, Theme, fmt

GRID_PANELS = (
    dict(n=5, k=3, s=1, p=0, d=1),
    dict(n=5, k=3, s=2, p=1, d=1),
    dict(n=7, k=3, s=1, p=0, d=2),
)
SMALL = 26


def footprints(fn, shape, **kwargs) -> dict[tuple, set]:
    """Output index -> the input cells whose one-hot input makes it non-zero, for a map ``fn`` of a positive 2-D plane.

    ``fn`` is called on ``(1, 1, *shape)`` one-hot arrays; for a sum of non-negative
    products (correlate with a kernel of ones, max or average pooling) this is the
    output's window exactly.
    """
    cells: dict[tuple, set] = {}
    for index in np.ndindex(*shape):
        one_hot = np.zeros((1, 1, *shape))
        one_hot[(0, 0, *index)] = 1.0
        out = fn(one_hot, **kwargs)[0, 0]
        for o in zip(*np.nonzero(out)):
            cells.setdefault(tuple(int(v) for v in o), set()).add(index)
    return cells


def window_panel(n: int, k: int, s: int, p: int, d: int, x: np.ndarray | None = None) -> dict:
    """One panel's numbers: the padded grid, the windows of y[0, 0] and y[0, 1], and the reference's output."""
    x = np.arange(1, n * n + 1, dtype=np.float64).reshape(n, n) if x is None else np.asarray(x, dtype=np.float64)
    w = np.ones((1, 1, k, k))
    y = reference.correlate(x[None, None], w, stride=s, padding=p, dilation=d)[0, 0]
    padded = np.pad(x, p)
    if not np.array_equal(reference.correlate(padded[None, None], w, stride=s, dilation=d)[0, 0], y):
        raise AssertionError("2-D window figure: padding the input by hand and padding=p disagree")
    length = spec_conv.conv_output_length(n, k, s, p, p, d)
    if y.shape != (length, length):
        raise AssertionError(f"2-D window figure: the reference gives {y.shape}, the spec {length} x {length}")
    windows = footprints(lambda a: reference.correlate(a, w, stride=s, dilation=d), padded.shape)
    return dict(x=x, padded=padded, y=y, p=p, first=windows[(0, 0)], second=windows.get((0, 1), set()))


def conv_grid(theme: Theme, panels=GRID_PANELS) -> str:
    svg = Svg(300, 100, "Windows on a 2-D grid: padding, stride and dilation", theme)
    y0 = 34
    for panel in panels:
        data = window_panel(**panel)
        padded, p, first, second = data["padded"], data["p"], data["first"], data["second"]
        size = padded.shape[0]
        x0 = 20
        caption = f"n = {panel['n']}, k = {panel['k']}, stride {panel['s']}, padding {p}, dilation {panel['d']}"
        svg.text(x0, y0 - 18, caption, size=13, anchor="start", weight="bold")
        for r in range(size):
            for c in range(size):
                inside = p <= r < size - p and p <= c < size - p
                in_a, in_b = (r, c) in first, (r, c) in second
                fill = theme.tint(4) if in_a and in_b else theme.tint(0) if in_a else theme.tint(1) if in_b else (
                    theme.bg if inside else theme.pad)
                svg.rect(x0 + c * SMALL, y0 + r * SMALL, SMALL, SMALL, fill=fill, width=1.0, dash="" if inside else "3 2")
                svg.text(x0 + (c + 0.5) * SMALL, y0 + (r + 0.5) * SMALL, fmt(padded[r, c]), size=10,
                         fill=theme.text_on(fill) if (inside or in_a or in_b) else theme.muted_on(fill))
        out = data["y"]
        ox = x0 + size * SMALL + 60
        oy = y0 + (size - out.shape[0]) * SMALL / 2
        fills = [[theme.tint(0) if (r, c) == (0, 0) else theme.tint(1) if (r, c) == (0, 1) else theme.bg
                  for c in range(out.shape[1])] for r in range(out.shape[0])]
        svg.arrow(x0 + size * SMALL + 8, oy + out.shape[0] * SMALL / 2, ox - 2, oy + out.shape[0] * SMALL / 2)
        svg.grid(ox, oy, [[fmt(v) for v in row] for row in out], fills=fills, size=SMALL + 6, font=11)
        svg.text(ox, oy - 10, f"y: {out.shape[0]} × {out.shape[1]}", size=12, anchor="start")
        y0 += size * SMALL + 52
    svg.text(20, y0 - 22, "blue: the window of y[0, 0]; orange: of y[0, 1]; purple: both; dashed: zero padding", size=12,
             anchor="start", fill=theme.muted)
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
        value = float(fn(window, taps)[0, 0, 0, 0])
        if value != int(value) or not 0 <= value < 9:
            raise AssertionError(f"loop-direction figure: {op_name} of a one-hot window gave {value}, not a tap number")
        order.flat[int(value)] = step + 1
    return order


def loop_direction(theme: Theme) -> str:
    svg = Svg(560, 200, "Which kernel tap meets which window cell: correlation and convolution", theme)
    for panel, (op_name, title) in enumerate((("correlate", "correlate: K[u, v] A[i+u, j+v]"), ("convolve", "convolve: K[u, v] A[i-u, j-v]"))):
        order = loop_order(op_name)
        x0 = 30 + panel * 280
        svg.text(x0 + 1.5 * 70, 22, title, size=13)
        for r in range(3):
            for c in range(3):
                step = order[r, c]
                fill = theme.tint(panel, 0.55 + 0.05 * step)
                svg.rect(x0 + c * 70, 40 + r * 48, 70, 48, fill=fill)
                svg.text(x0 + c * 70 + 35, 40 + r * 48 + 17, f"{step})", size=13, weight="bold", fill=theme.text_on(fill))
                svg.text(x0 + c * 70 + 35, 40 + r * 48 + 34, f"{r - 1},{c - 1}", size=12, fill=theme.text_on(fill))
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


def _layer(a: np.ndarray, k: int, s: int, pool: bool) -> np.ndarray:
    """One layer of the stack on a (1, 1, n) array, by the reference: max pooling, or correlation with ones."""
    return reference.max_pool(a, k, stride=s) if pool else reference.correlate(a, np.ones((1, 1, k)), stride=s)


def receptive_cones(stack=RECEPTIVE_FIELD_STACK, n: int = RECEPTIVE_FIELD_INPUT):
    """Per layer (input first): its length, and the cells whose one-hot input reaches the top layer's middle unit.

    Each layer is run by the reference (correlate with a kernel of ones, max_pool); a cell is in
    the cone when a one at it, pushed through the layers above, makes the top unit non-zero.
    """
    lengths = [n]
    a = np.zeros((1, 1, n))
    for name, k, s in stack:
        a = _layer(a, k, s, "pool" in name)
        lengths.append(a.shape[-1])
    top = lengths[-1] // 2
    cones = []
    for layer, length in enumerate(lengths):
        cone = []
        for u in range(length):
            b = np.zeros((1, 1, length))
            b[0, 0, u] = 1.0
            for name, k, s in stack[layer:]:
                b = _layer(b, k, s, "pool" in name)
            if b[0, 0, top] != 0:
                cone.append(u)
        cones.append(cone)
    return lengths, cones


def receptive_field(theme: Theme) -> str:
    rows = receptive_field_table()
    lengths, cones = receptive_cones()
    for layer, (_, k, s) in enumerate(RECEPTIVE_FIELD_STACK):
        if lengths[layer + 1] != spec_conv.conv_output_length(lengths[layer], k, s, 0, 0, 1):
            raise AssertionError("receptive-field figure: a layer's length is not the spec's")
    if len(cones[0]) != rows[-1][3] or cones[0] != list(range(cones[0][0], cones[0][-1] + 1)):
        raise AssertionError(f"receptive-field figure: the reference's cone {cones[0]} is not the recurrence's r = {rows[-1][3]}")
    size = 20
    svg = Svg(300, 100, "Receptive field growth through a stack of layers", theme)
    for layer in range(len(lengths) - 1, -1, -1):
        y = 20 + (len(lengths) - 1 - layer) * (size + 22)
        offset = 30 + (RECEPTIVE_FIELD_INPUT - lengths[layer]) * size / 2
        for u in range(lengths[layer]):
            svg.rect(offset + u * size, y, size, size, fill=theme.tint(0) if u in cones[layer] else theme.bg, width=0.8)
        if layer == 0:
            label = f"input, {lengths[0]} cells: the field is {len(cones[0])} wide"
        else:
            name, k, s, r, j = rows[layer - 1]
            label = f"{name}, stride {s}: r = {r}, j = {j}"
        svg.text(30 + RECEPTIVE_FIELD_INPUT * size + 16, y + size / 2, label, size=12, anchor="start")
    return svg.render()


FIGURES = [
    Figure("conv_grid", "conv", "Windows of a 3 × 3 kernel of ones on a 2-D grid (numbers: the input, and the reference's "
           "output): no padding, stride 1; padding 1, stride 2; dilation 2.", conv_grid),
    Figure("loop_direction", "conv", "Which kernel tap meets which window cell: correlation reads the kernel forwards, "
           "convolution backwards (found by running the reference on one-hot windows).", loop_direction,
           ops=("correlate", "convolve")),
    Figure("receptive_field", "conv", "One unit of the top layer and the cells below it that change it, found by "
           "pushing one-hot inputs through the reference's layers.", receptive_field),
]
