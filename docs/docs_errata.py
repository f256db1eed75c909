"""The errata page: mistakes in the seeds (the lecture notes convspec was built from).

Two sources, both checked when the docs are built:

* every worked example tagged ``seed-erratum`` in ``conformance/families/*/examples.py``: its
  note quotes what the seed printed, its ``expected`` is the right value, and the
  reference reproduces it on the operation page;
* :data:`MORE`, the mistakes that are not an array: each names the spec function or
  test that shows the right value; the value is recomputed here and the test must
  exist in ``tests/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from convspec.conformance.catalog import CATALOG
from convspec.spec import conv as spec_conv
from convspec.spec import pool as spec_pool

import docs_examples

ROOT = Path(__file__).resolve().parents[1]


def _plain(text: str) -> str:
    import docs_pages

    return docs_pages.plain(text)


def _seed(text: str) -> str:
    match = re.search(r"[Ss]eed (\d{3})", text)
    return match.group(1) if match else "—"


def _example_tests(family: str) -> list[str]:
    path = ROOT / "tests" / f"test_{family}.py"
    if not path.is_file():
        return []
    return re.findall(r"^def (test_\w*worked_example\w*)\(", path.read_text(), re.M)


def example_errata() -> str:
    entries = []
    for op in CATALOG:
        for number, example in enumerate(op.examples, start=1):
            if "seed-erratum" not in example.tags:
                continue
            docs_examples.check(op, example, docs_examples.run(op, example))  # the right value, recomputed
            tests = _example_tests(op.family)
            shown = (f"[`{op.name}`, example {number}](operations/{op.name}.md#example-{number}), "
                     "run by the reference when these pages are built")
            if tests:
                shown += "; " + ", ".join(f"`tests/test_{op.family}.py::{t}`" for t in tests)
            where = re.sub(r"^seed \d{3}(, )?", "", example.source)
            entries.append(
                f"**Seed {_seed(example.source + ' ' + example.title)}**, {_plain(where)}\n"
                f":   {_plain(example.note)}\n\n"
                f"    *Shown by:* {shown}\n"
            )
    if not entries:
        raise AssertionError("no worked example is tagged seed-erratum: the errata list would be empty")
    return "\n".join(entries)


@dataclass(frozen=True)
class Erratum:
    seed: str
    where: str
    claim: str  # what the seed says
    correct: str  # the right statement (Markdown)
    check: Callable[[], bool]  # recomputes the right value with the spec; must return True
    shown_by: str  # a test name (tests/FILE::NAME) or a spec function


def _test_exists(reference: str) -> bool:
    file, _, name = reference.partition("::")
    path = ROOT / file
    return path.is_file() and re.search(rf"^def {re.escape(name.split('[')[0])}\(", path.read_text(), re.M) is not None


MORE: tuple[Erratum, ...] = (
    Erratum(
        "001", "'Parameter size in convolution layer'",
        "Number of parameters in layer l: K_{l-1} · f · f · K_l",
        "`K_{l-1} f² K_l + K_l`: each of the `K_l` filters has a bias (the same seed's later slides count it: `K_1 (3 L² + 1)`).",
        lambda: spec_conv.conv_parameter_count(32, 64, (3, 3)) == 32 * 3 * 3 * 64 + 64,
        "tests/test_conv.py::test_seed_001_parameter_formula_omits_exactly_the_bias",
    ),
    Erratum(
        "002", "Keras model summary, conv2d_2",
        "18496 = (3x3x3x2+1)x64",
        "`18496 = (3·3·32 + 1)·64`: the kernel is 3x3 over the 32 maps of the previous layer; `(3·3·3·2 + 1)·64` is 3520.",
        lambda: spec_conv.conv_parameter_count(32, 64, (3, 3)) == 18496 and (3 * 3 * 3 * 2 + 1) * 64 == 3520,
        "tests/test_conv.py::test_conv_parameter_count_matches_seed_003_keras_summary",
    ),
    Erratum(
        "000", "LeNet diagram",
        "14×14×6 → 5×5, 16 filters → 10×10×8, with (14 − 5)/2 + 1 under the arrow",
        "`10×10×16`: 16 filters give 16 maps, and the stride is 1: `(14 − 5)/1 + 1 = 10` (`(14 − 5)/2 + 1` is 5.5).",
        lambda: spec_conv.conv_output_shape((1, 6, 14, 14), (16, 6, 5, 5), stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1)) == (1, 16, 10, 10),
        "`convspec.spec.conv.conv_output_shape((1, 6, 14, 14), (16, 6, 5, 5), stride 1) = (1, 16, 10, 10)`, recomputed when these pages are built",
    ),
    Erratum(
        "000", "LeNet Keras code",
        "Conv2D(filters=6, kernel_size=(5, 5), padding='same') on the 32×32×1 input, drawn as 28×28×6",
        "`padding='same'` keeps 32×32; the 28×28×6 of the diagram (and of LeNet) needs `padding='valid'`. "
        "With `'same'` the code's later maps are 16, 12 and 6 wide, and it flattens 6·6·16 = 576 values, not 5·5·16 = 400.",
        lambda: (spec_conv.same_output_length(32, 1), spec_conv.conv_output_length(32, 5, 1, 0, 0, 1)) == (32, 28)
        and [spec_pool.pool_output_length(32, 2, 2, 0, 0, 1), spec_conv.conv_output_length(16, 5, 1, 0, 0, 1), spec_pool.pool_output_length(12, 2, 2, 0, 0, 1)] == [16, 12, 6],
        "`convspec.spec.conv.same_output_length(32, 1) = 32`, `conv_output_length(32, 5, 1, 0, 0, 1) = 28`, recomputed when these pages are built",
    ),
    Erratum(
        "001, 004", "'Same padding'",
        "p = (f − 1)/2 keeps the input size (seed 004: P = (M − 1)/2 is a same convolution)",
        "Only for an odd kernel and stride 1. For an even kernel `(f − 1)/2` is not an integer: `\"same\"` pads `f − 1` in total with the "
        "odd zero on the high side (`same_padding(n, 4, 1, 1) = (1, 2)`); with stride `s` it gives `ceil(n / s)` outputs.",
        lambda: spec_conv.same_padding(10, 4, 1, 1) == (1, 2) and spec_conv.same_output_length(5, 2) == 3,
        "tests/test_conv.py::test_symbolic_same_with_odd_kernel_pads_half_on_each_side_and_keeps_the_length",
    ),
    Erratum(
        "002", "'Convolution theorem'",
        "The Fourier transform of a convolution of two signals is the pointwise product of their Fourier transforms",
        "True for the convolution of the transforms' own kind: for finite sequences the DFT product is the *circular* "
        "convolution. The linear (`\"full\"`) convolution needs both signals zero-padded to `n + k − 1` first.",
        lambda: True,
        "the numeric check on [Convolution vs cross-correlation](convolution-vs-correlation.md#the-convolution-theorem), recomputed when these pages are built",
    ),
)


def more_errata() -> str:
    entries = []
    for erratum in MORE:
        if not erratum.check():
            raise AssertionError(f"erratum of seed {erratum.seed} ({erratum.where}): the spec no longer gives the right value")
        shown = erratum.shown_by
        if shown.startswith("tests/"):
            if not _test_exists(shown):
                raise AssertionError(f"erratum of seed {erratum.seed}: {shown} does not exist")
            shown = f"`{shown}`"
        entries.append(
            f"**Seed {erratum.seed}**, {_plain(erratum.where)}\n"
            f":   *The seed says:* {_plain(erratum.claim)}\n\n"
            f"    *Right:* {erratum.correct}\n\n"
            f"    *Shown by:* {shown}\n"
        )
    return "\n".join(entries)


# Seed 000's LeNet: its Keras code (padding='same' in the first convolution) against its diagram.
LENET_KERAS_CODE = """\
model = keras.Sequential([
    keras.Input(shape=(32, 32, 1)),
    layers.Conv2D(filters=6, kernel_size=(5, 5), activation='relu', padding='same'),
    layers.AveragePooling2D(pool_size=(2, 2), strides=2),
    layers.Conv2D(filters=16, kernel_size=(5, 5), activation='relu'),
    layers.AveragePooling2D(pool_size=(2, 2), strides=2),
    layers.Flatten(),
    layers.Dense(120, activation='relu'),
    layers.Dense(84, activation='relu'),
    layers.Dense(10, activation='softmax'),
])"""


def _lenet(padding: str):
    from convspec.spec import layers as L
    from convspec.spec.summary import summary

    return summary([L.Conv(6, 5, padding=padding), L.Activation("relu"), L.AvgPool(2, 2), L.Conv(16, 5), L.Activation("relu"),
                    L.AvgPool(2, 2), L.Flatten(), L.Dense(120), L.Activation("relu"), L.Dense(84), L.Activation("relu"),
                    L.Dense(10), L.Activation("softmax")], (1, 32, 32))


def lenet_keras() -> str:
    """Seed 000's LeNet Keras code in full, and what it computes next to what the slide's table implies."""
    same, valid = _lenet("same"), _lenet("valid")
    if (same.rows[0].output_shape, same.total_parameters, valid.rows[0].output_shape, valid.total_parameters) != (
        (6, 32, 32), 82_826, (6, 28, 28), 61_706
    ):
        raise AssertionError("seed 000's LeNet: the spec no longer gives 32x32x6 / 82,826 and 28x28x6 / 61,706")
    return "\n".join([
        "The layers of seed 000's Keras code, in full (the first convolution has `padding='same'`):",
        "",
        "```python",
        LENET_KERAS_CODE,
        "```",
        "",
        f"With `padding='same'` the first map is **32×32×6**, not the diagram's 28×28×6, the second convolution "
        f"gives 12×12×16, Flatten gives 6·6·16 = 576 values, and the model has **{same.total_parameters:,} parameters**. "
        f"The slide's table (the diagram's 28×28×6, 400 flattened values) implies **{valid.total_parameters:,}**, "
        "which is what the same code computes with `padding='valid'`. "
        "Both summaries below are computed by `convspec.spec.summary.summary` when these pages are built "
        "(and asserted in `tests/test_summary.py`).",
        "",
        "**The code as written (`padding='same'`)**",
        "",
        "```text",
        same.to_text(),
        "```",
        "",
        "**With `padding='valid'`: the slide's table**",
        "",
        "```text",
        valid.to_text(),
        "```",
        "",
    ])

