"""Targets: the implementations a check can be pointed at.

A target is a set of functions with the reference's names and signatures that
take and return numpy arrays. ``convspec check`` accepts:

* ``accelerated`` — convspec's torch implementation (CUDA when available, else CPU);
* ``reference`` — the reference itself (a self-check of the machinery);
* a module name (``mypackage.myconv``) or a path to a ``.py`` file exposing any of
  ``correlate``, ``convolve``, ``depthwise_separable``, ... Operations the module
  does not define are reported as "not provided", neither passed nor failed.

The protocol for your own target (a complete example)::

    # myconv.py -- check it with:  convspec check myconv.py
    import numpy as np

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        ...  # return an np.ndarray of shape (N, C_out, *out), dtype x.dtype
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .catalog import CATALOG


@dataclass(frozen=True)
class Target:
    """A named set of numpy-in, numpy-out functions, and how to call them in a snippet."""

    name: str
    functions: dict[str, Callable]
    snippet_setup: str  # Python lines that make `target` callable in a reproduction snippet
    snippet_wraps_torch: bool = False

    def provides(self, op: str) -> bool:
        return op in self.functions


def load_target(spec: str) -> Target:
    """Resolve ``accelerated``, ``reference``, a module name or a ``.py`` path to a :class:`Target`."""
    if spec == "reference":
        from convspec import reference

        return Target("reference", _collect(reference), "from convspec import reference as target")
    if spec == "accelerated":
        return _accelerated_target()
    if spec.endswith(".py") or Path(spec).is_file():
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"target {spec!r}: no such file")
        module_name = f"convspec_target_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        module_spec.loader.exec_module(module)
        setup = (
            "import importlib.util\n"
            f"_spec = importlib.util.spec_from_file_location({path.stem!r}, {str(path.resolve())!r})\n"
            "target = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(target)"
        )
        return Target(str(path), _collect(module), setup)
    try:
        module = importlib.import_module(spec)
    except ImportError as error:
        raise ValueError(
            f"target {spec!r} is not 'accelerated', 'reference', an importable module or a .py file ({error})"
        ) from None
    return Target(spec, _collect(module), f"import {spec} as target")


def _collect(module) -> dict[str, Callable]:
    return {op.name: getattr(module, op.name) for op in CATALOG if callable(getattr(module, op.name, None))}


def accelerated_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _accelerated_target() -> Target:
    """Wrap convspec.accelerated so it takes and returns numpy arrays."""
    try:
        import torch
    except ImportError:
        raise ValueError("target 'accelerated' needs torch: pip install 'convspec[torch]'") from None
    from convspec import accelerated

    device = accelerated_device()

    def wrap(fn: Callable) -> Callable:
        def on_numpy(*arrays, **params):
            tensors = [None if a is None else torch.from_numpy(np.ascontiguousarray(a)).to(device) for a in arrays]
            # TF32 would round float32 inputs to 10-bit mantissas; the float32 tolerance assumes float32 arithmetic
            with torch.no_grad(), torch.backends.cudnn.flags(enabled=True, allow_tf32=False):
                result = fn(*tensors, **params)
            if isinstance(result, tuple):  # e.g. max_pool(..., return_indices=True)
                return tuple(part.cpu().numpy() for part in result)
            return result.cpu().numpy()

        on_numpy.__name__ = fn.__name__
        return on_numpy

    functions = {name: wrap(fn) for name, fn in _collect(accelerated).items()}
    setup = f"import torch\nfrom convspec import accelerated as target  # on {device}"
    return Target(f"accelerated ({device})", functions, setup, snippet_wraps_torch=True)
