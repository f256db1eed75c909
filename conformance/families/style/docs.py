"""The ``style`` family's docs data: the definitions, framework names and closed forms the pages of ``gram_matrix``, ``style_loss``, ``content_loss`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from convspec.spec import style
from convspec.conformance.family_docs import NONE, Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
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
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "gram_matrix": Mapping(
        rows={
            "operation": ("`f = x.flatten(2); f @ f.transpose(1, 2)` (no op; the tutorial's `gram_matrix`)", "— (`MatMul` of a reshape)", "`tf.linalg.einsum('bijc,bijd->bcd', x, x)` (Keras example)", "`jnp.einsum('bcp,bdp->bcd', f, f)`"),
            "normalization": ("the tutorial divides by `a*b*c*d` (`\"per_element\"` for one image)", NONE, "the Keras example divides by `H*W` (num locations)", NONE),
        },
        differences=(
            "The PyTorch tutorial's `features.view(a * b, c * d)` mixes the images of a batch into one matrix; convspec keeps one gram per image.",
            "The Keras example divides by the number of positions only (`M`), and its style loss by `4 C^2 M^2` again.",
        ),
    ),
    "style_loss": Mapping(
        rows={
            "operation": ("`F.mse_loss(gram(G), gram(S))` in the tutorial (a mean: 1/C^2 of `\"per_element\"`)", NONE, "Keras example `style_loss`: `sum((S - C)^2) / (4 * 3^2 * M^2)`", NONE),
        },
        differences=("Every source puts a different constant in front; `convspec.spec.style.conversion_factor` gives the factor between any two.",),
    ),
    "content_loss": Mapping(
        rows={
            "operation": ("`F.mse_loss(G, C)` in the tutorial (a mean: 1/(C M) of this)", NONE, "Keras example `content_loss`: `sum((G - C)^2)` (this)", NONE),
        },
        differences=("Gatys et al. write 1/2 sum (F - P)^2: half of convspec's (and seed 004's) value.",),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Gram scale, Gatys / seed 004", "c", style.gram_scale),
        Formula("Gram scale, per element (PyTorch tutorial)", "c", style.gram_scale, expr=lambda: style.gram_scale("per_element")),
        Formula("Style loss constant on raw grams, Gatys", r"c^2", style.style_loss_constant),
        Formula("Gradient factor, Gatys", r"4 c^2", style.style_gradient_factor),
        Formula("Multiply-adds of one gram", "M_{\\mathrm{gram}}", style.gram_multiply_adds),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Style"

SHAPES: dict[str, str] = {
    "gram_matrix": "features `(N, C, H, W)` → `(N, C, C)`",
    "style_loss": "generated and style: lists of feature maps `(N, C_l, H_l, W_l)`, one per layer → `(N,)`",
    "content_loss": "generated and content `(N, C, H, W)` → `(N,)`",
}
