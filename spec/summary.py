"""Model summaries: per layer the output shape, parameters, multiply-adds and receptive field.

``summary(layers, input_shape)`` is Keras' ``model.summary()`` for a sequential stack of
:mod:`convspec.spec.layers`, computed from the closed forms, with symbolic input sizes
allowed. Shapes are printed ``(None, C, *spatial)``: the batch axis is ``None`` and not
counted, channels first (Keras prints channels last: its ``(None, 26, 26, 32)`` is
``(None, 32, 26, 26)`` here). Multiply-adds are per sample (see
:mod:`convspec.spec.layers` for what each count counts); the receptive field columns
are the size and jump of :mod:`convspec.spec.receptive_field`, one value per spatial
axis joined by ``x``.

Stacks come from Python (a list of layers), from a ``torch.nn.Sequential``
(:func:`layers_from_torch`, torch imported only there) or from a JSON/YAML file
(:func:`layers_from_file`)::

    {"input_shape": [1, 28, 28],
     "layers": [{"type": "conv", "c_out": 32, "kernel_size": 3}, {"type": "max_pool", "kernel_size": 2}]}

Example: seed 002's MNIST convnet has 93,322 parameters.

>>> from convspec.spec.layers import Conv, MaxPool, Flatten, Dense
>>> mnist = [Conv(32, 3), MaxPool(2), Conv(64, 3), MaxPool(2), Conv(64, 3), Flatten(), Dense(64), Dense(10)]
>>> summary(mnist, (1, 28, 28)).total_parameters
93322
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import NamedTuple, Sequence

import sympy

from . import layers as L
from .conventions import check_size
from .receptive_field import receptive_fields

_KIND_NAMES = {cls: name for name, cls in L.LAYER_TYPES.items()}


@dataclass(frozen=True)
class Row:
    """One layer of a summary. ``field`` is one :class:`AxisField` per input spatial axis, ``()`` for a
    flat input, ``None`` where no recurrence form exists (from that layer on)."""

    name: str
    kind: str
    output_shape: tuple
    weights: object
    biases: object
    parameters: object
    multiply_adds: object
    field: tuple | None


def _total(values):
    return L.tidy(sympy.Add(*values)) if any(isinstance(v, sympy.Basic) for v in values) else sum(values)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _plain(value):
    """JSON-friendly: ints stay ints, sympy numbers and expressions become strings (``"floor(n/2) - 2"``)."""
    value = L.tidy(value)
    return value if isinstance(value, int) else str(value)


@dataclass(frozen=True)
class Summary:
    """The rows of a stack and their totals; :meth:`to_text` prints a Keras-like table."""

    input_shape: tuple
    rows: tuple[Row, ...]

    @property
    def total_parameters(self):
        return _total([row.parameters for row in self.rows])

    @property
    def total_weights(self):
        return _total([row.weights for row in self.rows])

    @property
    def total_biases(self):
        return _total([row.biases for row in self.rows])

    @property
    def total_multiply_adds(self):
        return _total([row.multiply_adds for row in self.rows])

    @property
    def output_shape(self) -> tuple:
        return self.rows[-1].output_shape if self.rows else self.input_shape

    def to_dict(self) -> dict:
        """Everything, JSON-friendly (ints, and strings for symbolic values)."""

        def field(row: Row):
            if row.field is None:
                return None
            return {key: [_plain(getattr(f, key)) for f in row.field] for key in ("size", "jump", "start")}

        return {
            "input_shape": [_plain(v) for v in self.input_shape],
            "layers": [
                {
                    "name": row.name,
                    "type": row.kind,
                    "output_shape": [_plain(v) for v in row.output_shape],
                    "weights": _plain(row.weights),
                    "biases": _plain(row.biases),
                    "parameters": _plain(row.parameters),
                    "multiply_adds": _plain(row.multiply_adds),
                    "receptive_field": field(row),
                }
                for row in self.rows
            ],
            "total_parameters": _plain(self.total_parameters),
            "total_weights": _plain(self.total_weights),
            "total_biases": _plain(self.total_biases),
            "total_multiply_adds": _plain(self.total_multiply_adds),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_text(self) -> str:
        """A plain-text table in the layout of Keras' ``model.summary()``."""
        header = ("Layer (type)", "Output Shape", "Param #", "Mult-adds", "RF size", "RF jump")
        body = [
            (
                f"{row.name} ({row.kind})",
                "(" + ", ".join(["None"] + [str(v) for v in row.output_shape]) + ")",
                _number(row.parameters),
                _number(row.multiply_adds),
                _axes(row.field, "size"),
                _axes(row.field, "jump"),
            )
            for row in self.rows
        ]
        widths = [max(len(line[i]) for line in [header, *body]) + 3 for i in range(len(header))]
        rule = "=" * (sum(widths) - 3)

        def line(cells):
            return "".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

        shape = "(" + ", ".join(["None"] + [str(v) for v in self.input_shape]) + ")"
        total = _number(self.total_parameters)
        return "\n".join(
            [f"Input: {shape}", line(header), rule]
            + [line(cells) for cells in body]
            + [
                rule,
                f"Total params: {total} (weights {_number(self.total_weights)}, biases {_number(self.total_biases)})",
                f"Trainable params: {total}",
                "Non-trainable params: 0",
                f"Total multiply-adds: {_number(self.total_multiply_adds)} (per sample)",
            ]
        )


def _axes(field, key: str) -> str:
    if field is None:
        return "-"
    if not field:
        return ""
    values = [L.tidy(getattr(f, key)) for f in field]
    if all(isinstance(v, int) for v in values):
        return "x".join(map(str, values))
    return "(" + ", ".join(map(str, values)) + ")"


def summary(layers: Sequence[L.Layer], input_shape, names: Sequence[str] | None = None) -> Summary:
    """The :class:`Summary` of ``layers`` applied in order to one sample of ``input_shape`` ``(C, *spatial)``.

    Layer names default to Keras' style, the type name and a count per type
    (``conv_1``, ``max_pool_1``, ``conv_2``, ...). Sizes may be sympy symbols
    (:func:`convspec.spec.layers.size_symbol`).
    """
    layers = list(layers)
    for index, layer in enumerate(layers):
        if not isinstance(layer, L.Layer):
            raise TypeError(f"summary: layers[{index}] must be a convspec.spec.layers layer, got {layer!r}")
    if names is not None and len(names) != len(layers):
        raise ValueError(f"summary: {len(names)} names for {len(layers)} layers")
    shape = first = L.check_shape("summary", input_shape, spatial=False)
    fields_ = receptive_fields(layers, shape, strict=False)
    counts: dict[str, int] = {}
    rows = []
    for index, (layer, field) in enumerate(zip(layers, fields_)):
        key = _KIND_NAMES.get(type(layer), type(layer).__name__.lower())
        counts[key] = counts.get(key, 0) + 1
        name = names[index] if names is not None else f"{key}_{counts[key]}"
        out = layer.output_shape(shape)
        rows.append(Row(
            name, layer.kind, out, layer.weights(shape), layer.biases(shape), layer.parameters(shape),
            layer.multiply_adds(shape), field,
        ))
        shape = out
    return Summary(first, tuple(rows))


# ---------------------------------------------------------------------------------------
# Shapes written as text
# ---------------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def parse_size(entry) -> object:
    """An int, or a name for a symbolic size (a positive integer symbol): ``28``, ``"28"``, ``"n"``."""
    if isinstance(entry, bool) or type(entry).__module__ == "numpy" and type(entry).__name__ in ("bool_", "bool"):
        raise TypeError(f"input_shape: an entry must be an int or a symbol name, got the bool {entry!r}")
    if hasattr(entry, "__index__") and not isinstance(entry, str):
        return check_size("input_shape", "an entry", entry)
    if isinstance(entry, str):
        text = entry.strip()
        if re.fullmatch(r"[0-9]+", text):
            return check_size("input_shape", "an entry", int(text))
        if _NAME.match(text):
            return L.size_symbol(text)
    raise ValueError(
        f"input_shape: entry {entry!r} is neither an int nor a symbol name (letters, digits, _; e.g. n or W_in)"
    )


def parse_shape(text_or_entries) -> tuple:
    """``"1,28,28"`` -> ``(1, 28, 28)``; ``"3,n,n"`` -> ``(3, n, n)`` with ``n`` a positive integer symbol.

    >>> parse_shape("3, n, n")
    (3, n, n)
    """
    entries = text_or_entries.split(",") if isinstance(text_or_entries, str) else list(text_or_entries)
    if not entries or (len(entries) == 1 and not str(entries[0]).strip()):
        raise ValueError("input_shape: empty; give C and the spatial sizes, e.g. 1,28,28 (no batch axis)")
    return tuple(parse_size(entry) for entry in entries)


# ---------------------------------------------------------------------------------------
# Stacks from files
# ---------------------------------------------------------------------------------------


class LayerStack(NamedTuple):
    """A stack read from a file: its layers and the input shape it declares (``None`` if it declares none)."""

    layers: list
    input_shape: tuple | None


def layer_from_dict(entry: dict, where: str = "layer") -> L.Layer:
    """One layer from ``{"type": ..., **hyperparameters}``; the keys are the layer class's field names."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: must be a mapping with a 'type' key, got {entry!r}")
    kind = entry.get("type")
    if kind not in L.LAYER_TYPES:
        raise ValueError(f"{where}: unknown type {kind!r}; known types: {', '.join(L.LAYER_TYPES)}")
    cls = L.LAYER_TYPES[kind]
    allowed = {f.name: f for f in fields(cls)}
    unknown = sorted(set(entry) - set(allowed) - {"type"})
    if unknown:
        raise ValueError(
            f"{where} ({kind}): unknown key(s) {', '.join(map(repr, unknown))}; "
            f"{kind} takes {', '.join(allowed) or 'no keys'}"
        )
    missing = [name for name, f in allowed.items() if f.default is MISSING and f.default_factory is MISSING and name not in entry]
    if missing:
        raise ValueError(f"{where} ({kind}): missing required key(s) {', '.join(map(repr, missing))}")
    try:
        return cls(**{key: value for key, value in entry.items() if key != "type"})
    except (TypeError, ValueError) as error:
        raise type(error)(f"{where}: {error}") from None


def layers_from_file(path) -> LayerStack:
    """Read ``{"input_shape": [...], "layers": [{"type": ...}, ...]}`` from a ``.json``, ``.yaml`` or ``.yml`` file.

    ``input_shape`` is optional (``(C, *spatial)``, no batch axis; names such as ``"n"``
    are symbolic sizes). Unknown types and keys are ``ValueError``s naming them.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"layers_from_file: no such file {str(path)!r}")
    text = path.read_text()
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"layers_from_file: {path} is not valid JSON: {error}") from None
        except RecursionError:
            raise ValueError(f"layers_from_file: {path} nests lists or mappings deeper than a parser goes") from None
    elif path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(f"layers_from_file: {path} is not valid YAML: {error}") from None
        except RecursionError:
            raise ValueError(f"layers_from_file: {path} nests lists or mappings deeper than a parser goes") from None
    else:
        raise ValueError(f"layers_from_file: {path} must end in .json, .yaml or .yml, got {path.suffix or 'no suffix'!r}")
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise ValueError(f"layers_from_file: {path} must hold a mapping with a 'layers' list")
    unknown = sorted(set(data) - {"layers", "input_shape"})
    if unknown:
        raise ValueError(f"layers_from_file: {path}: unknown top-level key(s) {', '.join(map(repr, unknown))}; "
                         "allowed: 'input_shape', 'layers'")
    layers = [layer_from_dict(entry, f"{path}: layers[{i}]") for i, entry in enumerate(data["layers"])]
    shape = data.get("input_shape")
    return LayerStack(layers, None if shape is None else parse_shape(shape))


# ---------------------------------------------------------------------------------------
# Stacks from torch
# ---------------------------------------------------------------------------------------

_ACTIVATIONS = (
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh",
    "Hardsigmoid", "Hardswish", "Softplus", "Softsign", "Softmax", "Softmax2d", "LogSoftmax", "Softmin",
    "Tanhshrink", "Identity", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
)
_UPSAMPLE_MODES = {"nearest": "nearest", "nearest-exact": "nearest_exact", "linear": "linear",
                   "bilinear": "bilinear", "trilinear": "trilinear"}


def layers_from_torch(module) -> list[L.Layer]:
    """The convspec layers of a ``torch.nn.Sequential`` (nested ones are expanded in order).

    Supported: ``Conv{1,2,3}d`` (``padding_mode="zeros"``), ``ConvTranspose{1,2,3}d``,
    ``MaxPool``, ``AvgPool``, ``AdaptiveAvgPool``/``AdaptiveMaxPool`` with output size 1
    (global pools), ``MaxUnpool``, ``Upsample``, ``Flatten`` (``start_dim=1, end_dim=-1``),
    ``Linear``, and the parameterless element-wise modules (``ReLU``, ``Sigmoid``,
    ``Tanh``, ``Softmax``, ``Dropout``, ``Identity``, ...) as :class:`~convspec.spec.layers.Activation`.
    Anything else is a ``ValueError`` naming the module. torch is imported here only.
    """
    try:
        import torch.nn as nn
    except ImportError:
        raise ImportError("layers_from_torch needs torch: pip install 'convspec[torch]'") from None
    if not isinstance(module, nn.Sequential):
        raise TypeError(f"layers_from_torch: expected a torch.nn.Sequential, got {type(module).__name__}")
    result: list[L.Layer] = []
    for name, child in module.named_children():
        if isinstance(child, nn.Sequential):
            result.extend(layers_from_torch(child))
        else:
            result.append(_from_module(nn, name, child))
    return result


def _refuse(name: str, child, why: str) -> ValueError:
    return ValueError(f"layers_from_torch: module {name!r} ({child!r}) {why}")


def _from_module(nn, name: str, child) -> L.Layer:
    kind = type(child).__name__
    if isinstance(child, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
        if child.padding_mode != "zeros":
            raise _refuse(name, child, f"has padding_mode={child.padding_mode!r}; only 'zeros' is supported")
        common = dict(c_out=child.out_channels, kernel_size=tuple(child.kernel_size), stride=tuple(child.stride),
                      dilation=tuple(child.dilation), groups=child.groups, bias=child.bias is not None,
                      c_in=child.in_channels)
        padding = child.padding if isinstance(child.padding, str) else tuple(child.padding)
        if child.transposed:
            return L.ConvTranspose(padding=padding, output_padding=tuple(child.output_padding), **common)
        return L.Conv(padding=padding, **common)
    if isinstance(child, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
        return L.MaxPool(child.kernel_size, child.stride, child.padding, child.dilation, child.ceil_mode)
    if isinstance(child, (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        return L.AvgPool(child.kernel_size, child.stride, child.padding, child.ceil_mode, child.count_include_pad,
                         getattr(child, "divisor_override", None))
    adaptive = {nn.AdaptiveAvgPool1d: L.GlobalAvgPool, nn.AdaptiveAvgPool2d: L.GlobalAvgPool,
                nn.AdaptiveAvgPool3d: L.GlobalAvgPool, nn.AdaptiveMaxPool1d: L.GlobalMaxPool,
                nn.AdaptiveMaxPool2d: L.GlobalMaxPool, nn.AdaptiveMaxPool3d: L.GlobalMaxPool}
    if type(child) in adaptive:
        size = child.output_size
        if not all(v == 1 for v in (size if isinstance(size, tuple) else (size,))):
            raise _refuse(name, child, f"has output_size={size!r}; only output size 1 (a global pool) is supported")
        return adaptive[type(child)]()
    if isinstance(child, (nn.MaxUnpool1d, nn.MaxUnpool2d, nn.MaxUnpool3d)):
        return L.MaxUnpool(child.kernel_size, child.stride, child.padding)
    if isinstance(child, nn.Upsample):
        if child.mode not in _UPSAMPLE_MODES:
            raise _refuse(name, child, f"has mode={child.mode!r}; supported: {', '.join(_UPSAMPLE_MODES)}")
        return L.Upsample(child.scale_factor, child.size, _UPSAMPLE_MODES[child.mode], bool(child.align_corners))
    if isinstance(child, nn.Flatten):
        if child.start_dim != 1 or child.end_dim != -1:
            raise _refuse(name, child, "must flatten everything but the batch axis (start_dim=1, end_dim=-1)")
        return L.Flatten()
    if isinstance(child, nn.Linear):
        return L.Dense(child.out_features, child.bias is not None, child.in_features)
    if kind in _ACTIVATIONS and isinstance(child, getattr(nn, kind)):
        return L.Activation(kind.lower())
    raise _refuse(name, child, f"of type {kind} is not supported by convspec's layer arithmetic")
