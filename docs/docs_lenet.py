"""The LeNet tutorial's generated parts: seed 000's LeNet summarised by ``convspec.spec`` when the site is built.

The stack is ``docs/tutorials/lenet.yaml`` (the seed's Keras code: ``padding='same'`` in the first
convolution), read by :func:`convspec.spec.summary.layers_from_file` as ``convspec summary`` reads it.
The slide's diagram (28×28×6 after the first convolution) is the same stack with ``padding='valid'``
there (:func:`slide_stack`). :func:`summary_table` puts the two side by side, one row per Keras layer of the
seed's code (an activation, a layer of its own in convspec with no parameters, is folded into the layer
before it, as Keras does); :func:`cli_output` is what ``convspec summary docs/tutorials/lenet.yaml`` prints,
produced by the command's own ``run``.

Example: the first row reads ``conv1 | Conv2D(6, (5, 5)) | 32×32×6 | 156 = 150 + 6 | 28×28×6 | 156``;
the totals are 82,826 (the code) and 61,706 (the slide).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
from pathlib import Path

from convspec.spec import layers as L
from convspec.spec.summary import Summary, layers_from_file, summary

ROOT = Path(__file__).resolve().parents[1]
LAYER_FILE = ROOT / "docs" / "tutorials" / "lenet.yaml"

# the seed's Keras layers, in order: (variable in seed 000's code, the layer as the code writes it)
KERAS_LAYERS = (
    ("conv1", "Conv2D(6, (5, 5), padding='same', activation='relu')"),
    ("pool1", "AveragePooling2D((2, 2), strides=(2, 2))"),
    ("conv2", "Conv2D(16, (5, 5), padding='valid', activation='relu')"),
    ("pool2", "AveragePooling2D((2, 2), strides=(2, 2))"),
    ("flatten", "Flatten()"),
    ("fc1", "Dense(120, activation='relu')"),
    ("fc2", "Dense(84, activation='relu')"),
    ("outputs", "Dense(10, activation='softmax')"),
)

# what the tutorial's prose states; the build stops if the spec disagrees
CODE_FIRST_MAP, CODE_PARAMETERS = (6, 32, 32), 82_826
SLIDE_FIRST_MAP, SLIDE_PARAMETERS = (6, 28, 28), 61_706


def code_stack():
    stack = layers_from_file(LAYER_FILE)
    return stack.layers, stack.input_shape


def slide_stack():
    """The same layers with ``padding='valid'`` in the first convolution (the diagram's 28×28×6)."""
    layers, shape = code_stack()
    first = next(i for i, layer in enumerate(layers) if isinstance(layer, L.Conv))
    return layers[:first] + [dataclasses.replace(layers[first], padding="valid")] + layers[first + 1:], shape


def _summaries() -> tuple[Summary, Summary]:
    code, slide = summary(*code_stack()), summary(*slide_stack())
    if (code.rows[0].output_shape, code.total_parameters, slide.rows[0].output_shape, slide.total_parameters) != (
        CODE_FIRST_MAP, CODE_PARAMETERS, SLIDE_FIRST_MAP, SLIDE_PARAMETERS
    ):
        raise AssertionError(
            f"seed 000's LeNet: the spec gives {code.rows[0].output_shape} / {code.total_parameters} (code) and "
            f"{slide.rows[0].output_shape} / {slide.total_parameters} (slide); the tutorial states "
            f"{CODE_FIRST_MAP} / {CODE_PARAMETERS} and {SLIDE_FIRST_MAP} / {SLIDE_PARAMETERS}"
        )
    return code, slide


def _layers(result: Summary) -> list:
    """The rows of the Keras layers: each activation folded into the row before it (same shape, no parameters)."""
    rows = []
    for row in result.rows:
        if row.kind == "Activation":
            if row.parameters != 0 or row.output_shape != rows[-1].output_shape:
                raise AssertionError(f"LeNet summary: activation {row.name} changes the shape or has parameters")
            continue
        rows.append(row)
    if len(rows) != len(KERAS_LAYERS):
        raise AssertionError(f"LeNet summary: {len(rows)} layers besides the activations, the seed's code has {len(KERAS_LAYERS)}")
    return rows


def _shape(shape: tuple) -> str:
    """``(6, 32, 32)`` -> ``32×32×6`` (the slide's height × width × maps); ``(576,)`` -> ``576``."""
    channels, *spatial = shape
    return "×".join(str(v) for v in (*spatial, channels))


def _parameters(row) -> str:
    if not row.parameters:
        return "0"
    return f"{row.parameters:,} = {row.weights:,} + {row.biases:,}"


def summary_table() -> str:
    code, slide = _summaries()
    lines = [
        "| layer | seed 000's Keras code | output, as coded | parameters | output, as the slide draws it | parameters |",
        "|---|---|---|---:|---|---:|",
        f"| input | `Input(shape=(32, 32, 1))` | {_shape(code.input_shape)} | | {_shape(slide.input_shape)} | |",
    ]
    for (name, keras), a, b in zip(KERAS_LAYERS, _layers(code), _layers(slide)):
        mark = lambda text, differs: f"**{text}**" if differs else text  # noqa: E731 (bold: not what the slide has)
        lines.append(f"| `{name}` | `{keras}` | {mark(_shape(a.output_shape), a.output_shape != b.output_shape)} "
                     f"| {mark(_parameters(a), a.parameters != b.parameters)} "
                     f"| {_shape(b.output_shape)} | {_parameters(b)} |")
    lines.append(f"| **total** | | | **{code.total_parameters:,}** | | **{slide.total_parameters:,}** |")
    return "\n".join(lines) + "\n"


def cli_output() -> str:
    """What ``convspec summary docs/tutorials/lenet.yaml`` prints, produced by the command's own ``run``."""
    from convspec.conformance.commands import summary as command

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = command.run(argparse.Namespace(source=str(LAYER_FILE), input_shape=None, json=False))
    if status != 0:
        raise AssertionError(f"convspec summary {LAYER_FILE} exited {status}")
    return "```console\n$ convspec summary docs/tutorials/lenet.yaml\n" + out.getvalue().rstrip() + "\n```\n"


def layer_file() -> str:
    return "```yaml\n" + LAYER_FILE.read_text().rstrip() + "\n```\n"
