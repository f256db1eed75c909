"""The definition of each catalog operation as a formula (LaTeX, rendered to MathML at build time).

One spatial axis is shown; with several, every index that involves ``s``, ``d``, ``k``
or ``p`` is a tuple and the sums and maxima run over every axis (the reference's
``itertools.product`` loops). The prose of each definition, and the rules for edge
cases, are the reference's and the spec's docstrings, shown on the same page.
The build fails when a catalog operation has no entry here.

Notation: ``\\tilde x`` is ``x`` with ``p_lo`` zeros before and ``p_hi`` after each
spatial axis; ``G(c)`` the input channels of output channel ``c``'s group.
"""

from __future__ import annotations

_PADDED = r"\tilde{x}_{b,\,q,\,s o + d t}"
# x~: the input with its padding, the convolution family's windows read it.
_PADDED_DEFINITION = (
    "x̃ is x with p_lo zeros before and p_hi zeros after the axis",
    r"\tilde{x}_{b,q,i} = \begin{cases} x_{b,\,q,\,i - p_{\mathrm{lo}}} & \text{if } 0 \le i - p_{\mathrm{lo}} < n \\ 0 & \text{otherwise} \end{cases}",
)
_GROUPS = r"G(c) = \left\{ q_0(c), \dots, q_0(c) + \frac{C_{\mathrm{in}}}{g} - 1 \right\}, \quad q_0(c) = \left\lfloor \frac{c\, g}{C_{\mathrm{out}}} \right\rfloor \frac{C_{\mathrm{in}}}{g}"

# What "per axis" means on each page with windows (shown under the definition); pages not listed
# have no per-axis indices (element-wise, global or dense operations).
PER_AXIS = {
    "correlate": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "convolve": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "depthwise_separable": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "conv_transpose": "`i`, `j`, `o`, `t`, `s`, `d`, `k`, `a`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "max_pool": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `n` and `T(o)` are per axis (a window's taps are the product of each axis' taps)",
    "avg_pool": "`o`, `t`, `s`, `k`, `p_lo`, `p_hi` and `n` are per axis; `D(o)` is the product of each axis' count",
    "max_unpool": "`j` is the flat position in the output plane, as the indices record it",
    "avg_unpool": "`j`, `o`, `s`, `k` and `L` are per axis",
    "first_unpool": "`j`, `o`, `s` and `L` are per axis",
    "upsample": "`t`, `src(t)`, `s(t)`, `i_0`, `i_1` and `λ` are per axis; the linear modes multiply the axes' weights",
    "fft_convolve": "the transforms are multi-dimensional, and `L`, `k` and `s` are per axis",
    "fft_correlate": "the transforms are multi-dimensional, and `k` is per axis",
}

DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # op -> [(caption, LaTeX)]
    "correlate": [
        ("", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{q \in G(c)} \sum_{t=0}^{k-1} " + _PADDED + r"\; w_{c,\,q - q_0(c),\,t}"),
        ("for every output position 0 ≤ o < L; G(c) the input channels of output channel c's group", _GROUPS),
        _PADDED_DEFINITION,
    ],
    "convolve": [
        ("", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{q \in G(c)} \sum_{t=0}^{k-1} " + _PADDED + r"\; w_{c,\,q - q_0(c),\,k - 1 - t}"),
        ("the kernel flipped: the same as", r"\mathrm{convolve}(x, w) = \mathrm{correlate}(x, w_{:,\,:,\,k-1-t})"),
        ("for every output position 0 ≤ o < L; G(c) the input channels of output channel c's group", _GROUPS),
        _PADDED_DEFINITION,
    ],
    "depthwise_separable": [
        ("depthwise stage (channel multiplier m)", r"z_{b,\,q m + j,\,o} = \sum_{t=0}^{k-1} \tilde{x}_{b,\,q,\,s o + d t}\; w^{\mathrm{dw}}_{q m + j,\,0,\,t}, \quad 0 \le j < m"),
        ("pointwise stage", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{r=0}^{C_{\mathrm{in}} m - 1} w^{\mathrm{pw}}_{c,\,r}\; z_{b,\,r,\,o}"),
        _PADDED_DEFINITION,
    ],
    "conv_transpose": [
        ("scatter: each input adds a weighted copy of the kernel", r"u_{b,c,j} = \sum_{q \in G(c)} \sum_{i s + d t = j} x_{b,q,i}\; w_{q,\,c - c_0(c),\,t}"),
        ("over the whole scatter buffer", r"0 \le j < (n - 1) s + d (k - 1) + 1 + a"),
        ("then crop p_lo cells at the start and p_hi at the end", r"y_{b,c,o} = \mathrm{bias}_c + u_{b,\,c,\,o + p_{\mathrm{lo}}}, \quad 0 \le o < L"),
        ("the groups (weight is (C_in, C_out/g, k))", r"\gamma(c) = \left\lfloor \frac{c\, g}{C_{\mathrm{out}}} \right\rfloor, \quad c_0(c) = \gamma(c) \frac{C_{\mathrm{out}}}{g}, \quad G(c) = \left\{ \gamma(c) \frac{C_{\mathrm{in}}}{g}, \dots, (\gamma(c) + 1) \frac{C_{\mathrm{in}}}{g} - 1 \right\}"),
    ],
    "max_pool": [
        ("the taps that land in the input", r"y_{b,c,o} = \max_{t \in T(o)} x_{b,\,c,\,s o - p_{\mathrm{lo}} + d t}"),
        ("T(o): the taps of window o that fall on input cells", r"T(o) = \{ t : 0 \le t < k,\; 0 \le s o - p_{\mathrm{lo}} + d t < n \}"),
        ("the index: the first maximum in scan order (the last NaN if there is one)", r"\mathrm{index}_{b,c,o} = s o - p_{\mathrm{lo}} + d\, t^{*}, \quad t^{*} = \min \{ t \in T(o) : x_{b,c,s o - p_{\mathrm{lo}} + d t} = y_{b,c,o} \}"),
    ],
    "avg_pool": [
        ("padding adds nothing to the sum", r"y_{b,c,o} = \frac{1}{D(o)} \sum_{\substack{0 \le t < k \\ 0 \le s o - p_{\mathrm{lo}} + t < n}} x_{b,\,c,\,s o - p_{\mathrm{lo}} + t}"),
        ("the divisor", r"D(o) = \begin{cases} \mathrm{divisor\_override} & \text{if given} \\ \#\{ t : 0 \le t < k,\; -p_{\mathrm{lo}} \le s o - p_{\mathrm{lo}} + t < n + p_{\mathrm{hi}} \} & \text{count_include_pad} \\ \#\{ t : 0 \le t < k,\; 0 \le s o - p_{\mathrm{lo}} + t < n \} & \text{otherwise} \end{cases}"),
    ],
    "global_max_pool": [
        ("", r"y_{b,c,0,\dots,0} = \max_{p \in [0, n_1) \times \dots \times [0, n_D)} x_{b,c,p}"),
    ],
    "global_avg_pool": [
        ("", r"y_{b,c,0,\dots,0} = \frac{1}{n_1 n_2 \cdots n_D} \sum_{p \in [0, n_1) \times \dots \times [0, n_D)} x_{b,c,p}"),
    ],
    "max_unpool": [
        ("each value back to its recorded cell (flat per plane), zeros elsewhere", r"y_{b,c,j} = \begin{cases} x_{b,c,o} & \text{if } j = \mathrm{indices}_{b,c,o} \\ 0 & \text{if no } o \text{ records } j \end{cases}, \quad 0 \le j < L"),
    ],
    "avg_unpool": [
        ("each value copied into its whole block; overlaps add up", r"y_{b,c,j} = \sum_{o \,:\, s o \le j < s o + k} x_{b,c,o}, \quad 0 \le j < L"),
    ],
    "first_unpool": [
        ("each value into the first cell of its block", r"y_{b,c,j} = \begin{cases} x_{b,c,o} & \text{if } j = s o \\ 0 & \text{otherwise} \end{cases}, \quad 0 \le j < L"),
    ],
    "upsample": [
        ("nearest modes select a sample", r"y_{b,c,t} = x_{b,c,\mathrm{src}(t)}"),
        ("linear modes weigh the two neighbours of the coordinate s(t)", r"y_{b,c,t} = (1 - \lambda)\, x_{b,c,i_0} + \lambda\, x_{b,c,i_1}"),
        ("", r"i_0 = \lfloor s(t) \rfloor, \quad i_1 = \min(i_0 + 1, n - 1), \quad \lambda = s(t) - i_0"),
    ],
    # activations and dense layers (spec/activations.py)
    "relu": [("element-wise; NaN stays NaN", r"y = \max(0, x)")],
    "sigmoid": [("element-wise, evaluated without overflow", r"y = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}")],
    "softmax": [
        ("along the axis, for each slice", r"y_i = \frac{e^{x_i - m}}{\sum_{j=0}^{n-1} e^{x_j - m}}, \quad m = \max_j x_j"),
        ("subtracting m changes nothing", r"\frac{e^{x_i - c}}{\sum_j e^{x_j - c}} = \frac{e^{x_i}}{\sum_j e^{x_j}} \quad \text{for every } c"),
    ],
    "flatten": [("row-major over the non-batch axes", r"y_{b,\; i_1 d_2 \cdots d_r + i_2 d_3 \cdots d_r + \dots + i_r} = x_{b, i_1, \dots, i_r}")],
    "dense": [("", r"y_{b,o} = \mathrm{bias}_o + \sum_{i=0}^{n_{\mathrm{in}}-1} x_{b,i}\, w_{o,i}")],
    # detection (spec/detection.py); boxes as corners (x1, y1, x2, y2) after converting the format
    "box_iou": [
        ("the intersection of box m and box k (primed): 0 for boxes that only touch", r"I_{mk} = \max(0, w_{\cap})\, \max(0, h_{\cap})"),
        ("", r"w_{\cap} = \min(x_2, x_2') - \max(x_1, x_1'), \quad h_{\cap} = \min(y_2, y_2') - \max(y_1, y_1')"),
        ("the union", r"U_{mk} = (x_2 - x_1)(y_2 - y_1) + (x_2' - x_1')(y_2' - y_1') - I_{mk}"),
        ("the IoU, and 0 when the union is 0", r"\mathrm{iou}_{mk} = \begin{cases} I_{mk} / U_{mk} & U_{mk} > 0 \\ 0 & U_{mk} = 0 \end{cases}"),
        ("the formats", r"\mathrm{cxcywh}: x_{1,2} = c_x \mp \tfrac{w}{2}, \quad \mathrm{xywh}: x_2 = x_1 + w"),
    ],
    # style transfer (spec/style.py); p runs over the M spatial positions, C channels
    "gram_matrix": [
        ("per image b, scaled by the normalisation's c", r"\mathrm{gram}_{b,k,k'} = c \sum_{p} a_{b,k,p}\, a_{b,k',p}, \qquad c = \begin{cases} 1 & \text{none} \\ \frac{1}{2 C M} & \text{gatys, seed 004} \\ \frac{1}{C M} & \text{per_element} \end{cases}"),
    ],
    "style_loss": [
        ("per image, over layers l with weights lambda; G the generated image, S the style image", r"E_b = \sum_l \lambda_l \sum_{k,k'} \left( \mathrm{gram}^{(l)}_{b,k,k'}(G) - \mathrm{gram}^{(l)}_{b,k,k'}(S) \right)^2"),
        ("with the Gatys / seed 004 scale, one layer", r"E = \frac{1}{4 C^2 M^2} \sum_{k,k'} (F_{kk'}(G) - F_{kk'}(S))^2 = \frac{1}{(2 I J K)^2} \sum_{k,k'} (F_{kk'}(G) - F_{kk'}(S))^2"),
        ("its gradient with respect to the generated image's features a (C x M), F the raw grams", r"\frac{\partial E}{\partial a_{j,p}} = 4 c^2 \sum_{k'} \left( F_{j k'}(G) - F_{j k'}(S) \right) a_{k',p}"),
    ],
    "content_loss": [
        ("per image (seed 004; Gatys et al. put 1/2 in front)", r"E_b = \sum_{k,p} \left( a_{b,k,p}(G) - a_{b,k,p}(C) \right)^2"),
    ],
    # classic filters (spec/filters.py); A the zero-padded image, K_x and K_y seed 002's kernels
    "sobel": [
        ("convolutions (the kernels flipped), channels 0 and 1; G_y likewise with K_y", r"G_x[i, j] = \sum_{u,v=0}^{2} K_x[u, v]\, A[i + 2 - u,\, j + 2 - v]"),
        ("seed 002's kernels", r"K_x = \begin{pmatrix} 1 & 0 & -1 \\ 2 & 0 & -2 \\ 1 & 0 & -1 \end{pmatrix}, \quad K_y = K_x^{T}"),
        ("channel 2", r"M[i, j] = \sqrt{G_x[i, j]^2 + G_y[i, j]^2}"),
    ],
    # the convolution theorem (spec/fft.py); L >= n + k - 1 per axis, s the mode's crop start
    "fft_convolve": [
        ("per batch entry b and output channel c", r"y_{b,c} = \mathrm{crop}_s\!\left( \mathcal{F}^{-1}_L \left[ \sum_{q} \mathcal{F}_L(x_{b,q})\, \mathcal{F}_L(w_{c,q}) \right] \right), \quad s = \begin{cases} 0 & \text{full} \\ \lceil (k-1)/2 \rceil & \text{same} \\ k - 1 & \text{valid} \end{cases}"),
        ("the product of length-L DFTs is the circular convolution; with L >= n + k - 1 nothing wraps", r"\mathcal{F}^{-1}_L\left[\mathcal{F}_L(a)\, \mathcal{F}_L(b)\right]_j = \sum_{t} a_{(j - t) \bmod L}\, b_t"),
    ],
    "fft_correlate": [
        ("fft_convolve with the kernel flipped", r"\mathrm{fft\_correlate}(x, w) = \mathrm{fft\_convolve}(x, w_{:,\,:,\,k-1-t})"),
    ],
}


def definition_for(op_name: str) -> list[tuple[str, str]]:
    try:
        return DEFINITIONS[op_name]
    except KeyError:
        raise KeyError(f"docs/definitions.py has no definition for catalog operation {op_name!r}") from None
