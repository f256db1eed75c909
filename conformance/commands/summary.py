"""``convspec summary``: a Keras-like summary of a sequential stack, from a file or a Python object.

Usage::

    convspec summary model.yaml                     # the file's input_shape
    convspec summary model.json --input-shape 3,n,n # symbolic sizes: n is a positive integer
    convspec summary mypackage.models:lenet --input-shape 1,32,32 --json
    convspec summary path/to/models.py:net --input-shape 1,28,28

``FILE_OR_IMPORT_PATH`` is a ``.json``/``.yaml``/``.yml`` layer file
(:func:`convspec.spec.summary.layers_from_file`), or ``module:attribute`` /
``module.attribute`` / ``file.py:attribute`` naming a ``torch.nn.Sequential``, a list of
:mod:`convspec.spec.layers` layers, or a function of no arguments returning either.
``--input-shape`` is ``C,*spatial`` without the batch axis and overrides the file's.

:func:`add_parser` adds the subcommand to an ``argparse`` subparsers object;
:func:`run` executes parsed arguments and returns the exit status: 0, or 2 for a
usage error (printed to stderr).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

# the spec's layer records and summary are imported where a summary is made: the other commands (``convspec
# check``) start without them

_FILE_SUFFIXES = (".json", ".yaml", ".yml")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``summary`` to ``subparsers`` (from ``parser.add_subparsers()``); its default ``handler`` is :func:`run`."""
    parser = subparsers.add_parser(
        "summary",
        help="print the output shapes, parameters, multiply-adds and receptive fields of a layer stack",
        description=(
            "Summarise a sequential stack like Keras' model.summary(): per layer the output shape "
            "(None, C, *spatial), parameters, multiply-adds per sample and receptive field size/jump. "
            "FILE_OR_IMPORT_PATH is a .json/.yaml layer file, or module:attr / file.py:attr naming a "
            "torch.nn.Sequential or a list of convspec.spec.layers layers."
        ),
    )
    parser.add_argument("source", metavar="FILE_OR_IMPORT_PATH")
    parser.add_argument(
        "--input-shape",
        help="C,*spatial without the batch axis, e.g. 1,28,28; names are symbolic sizes, e.g. 3,n,n",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the summary of ``args.source``; 0 on success, 2 on a usage error."""
    from convspec.spec.summary import parse_shape, summary

    try:
        stack = load_stack(args.source)
        shape = parse_shape(args.input_shape) if args.input_shape else stack.input_shape
        if shape is None:
            raise ValueError(f"{args.source} declares no input shape; give --input-shape, e.g. --input-shape 1,28,28")
        result = summary(stack.layers, shape)
    except (ValueError, TypeError, ImportError, AttributeError) as error:
        print(f"convspec summary: {error}", file=sys.stderr)
        return 2
    print(result.to_json() if args.json else result.to_text())
    return 0


def load_stack(source: str) -> LayerStack:
    """The layers (and declared input shape, if any) that ``source`` names."""
    from convspec.spec.summary import layers_from_file

    if source.endswith(_FILE_SUFFIXES):
        return layers_from_file(source)
    return _as_stack(source, _import(source))


def _import(source: str):
    module_part, sep, attribute = source.rpartition(":")
    if not sep:
        module_part, _, attribute = source.rpartition(".")
    if not module_part or not attribute:
        raise ValueError(
            f"{source!r} is neither a .json/.yaml/.yml file nor module:attribute, module.attribute or file.py:attribute"
        )
    if module_part.endswith(".py"):
        path = Path(module_part)
        if not path.is_file():
            raise ValueError(f"{source!r}: no such file {module_part!r}")
        spec = importlib.util.spec_from_file_location(f"convspec_summary_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(module_part)
        except ImportError as error:
            raise ValueError(f"{source!r}: cannot import {module_part!r} ({error})") from None
    value = module
    for name in attribute.split("."):
        if not hasattr(value, name):
            raise ValueError(f"{source!r}: {module_part!r} has no attribute {attribute!r}")
        value = getattr(value, name)
    return value


def _as_stack(source: str, value, called: bool = False) -> LayerStack:
    from convspec.spec import layers as L
    from convspec.spec.summary import LayerStack, layers_from_torch

    if isinstance(value, LayerStack):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, L.Layer) for v in value):
        return LayerStack(list(value), None)
    if hasattr(value, "named_children") and hasattr(value, "parameters"):  # a torch.nn.Module
        return LayerStack(layers_from_torch(value), None)
    if callable(value) and not called:
        try:
            made = value()
        except TypeError as error:
            raise TypeError(f"{source!r}: calling it with no arguments failed: {error}") from None
        return _as_stack(source, made, called=True)
    raise TypeError(
        f"{source!r} names {type(value).__name__}, not a torch.nn.Sequential, a list of convspec layers, "
        "or a function of no arguments returning one"
    )
