"""Targets: the implementations a check can be pointed at.

A target is a set of functions with the reference's names and signatures that
take and return numpy arrays. ``convspec check`` accepts:

* ``accelerated`` — convspec's torch implementation (CUDA when available, else CPU);
* ``reference`` — the reference itself (a self-check of the machinery);
* ``torch``, ``numpy``, ``scipy``, ``jax``, ``onnxruntime``, ``skimage`` — adapters that call
  a library's own operations (``conformance/adapters/<name>.py``) to show where its
  semantics agree with the specification, where they differ, and what it refuses;
* a module name (``mypackage.myconv``) or a path to a ``.py`` file exposing any of
  ``correlate``, ``convolve``, ``depthwise_separable``, ... Operations the module
  does not define are reported as "not provided", neither passed nor failed.

A target may declare which configurations of an operation it supports: a module-level
``SUPPORTS = {"correlate": fn, ...}`` where ``fn(case)`` returns ``True`` for a case it
handles, or a string (the reason) for one it does not. Unsupported cases are skipped and
counted as "unsupported", never passed or failed. A function that raises
``NotImplementedError`` (or ``convspec.conformance.Unsupported``) on a case refuses it the same
way, with its message as the reason. ``SUPPORTS_DRAWS`` declares limits (ranks, dtypes, data
kinds, padding forms, groups) that also narrow the draws, so a narrow target gets its full
example budget (:mod:`.draws`). ``VERSIONS = {"mylib": "1.2"}`` is copied into the JSON report.

The protocol for your own target (a complete example)::

    # myconv.py -- check it with:  convspec check myconv.py
    import numpy as np

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        ...  # return an np.ndarray of shape (N, C_out, *out), dtype x.dtype

Backward passes (``convspec check TARGET --grad``): a target declares that it can
differentiate an operation by providing its vector-Jacobian product with the reference's
name and signature, ``<op>_vjp(grad_out, *inputs, **params)`` (``convspec.reference.<op>_vjp``):
numpy arrays in, and a tuple with one gradient of ``L = sum(grad_out * <op>(*inputs))`` per
array argument out, each of that argument's shape and dtype, ``None`` where the argument is
``None`` or integer (max_unpool's indices)::

    def correlate_vjp(grad_out, x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        ...  # return (grad_x, grad_weight, grad_bias or None)

A module may define a ``<op>_vjp`` without the forward ``<op>`` (then only the backward is
checked). ``SUPPORTS`` applies to both directions. The built-in targets: ``reference``
(the reference VJPs: a self-check), ``accelerated`` (``torch.autograd`` through
``convspec.accelerated``), ``torch`` (``torch.autograd`` through the adapter's ``F.*`` calls)
and ``jax`` (``jax.vjp`` through the adapter's ``jax.lax``/``jax.image`` calls); the other
adapters have no backward ("no backward" in the report, neither passed nor failed).
Internally a :class:`Target` carries them in ``vjps`` (op name -> numpy VJP).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

from .case import Case, UserCodeError, users_interrupt
from .catalog import BY_NAME, CATALOG
from .draws import check_declaration, limits_for, outside
from . import command_state, fp_environment, load_guard, oracle_guard
from .target_text import bounded, error_text, plain_text, value_text

#: the adapters to third-party libraries: target name -> (module in convspec.conformance, extra to install)
ADAPTERS = {
    "torch": ("adapters.torch", "torch"),
    "numpy": ("adapters.numpy", None),
    "scipy": ("adapters.scipy", "adapters"),
    "jax": ("adapters.jax", "adapters"),
    "onnxruntime": ("adapters.onnxruntime", "adapters"),
    "skimage": ("adapters.skimage", "adapters"),
    "tensorflow": ("adapters.tensorflow", "tensorflow"),
    "keras-tensorflow": ("adapters.keras:tensorflow_target", "keras"),
    "keras-jax": ("adapters.keras:jax_target", "keras"),
    "keras-torch": ("adapters.keras:torch_target", "keras"),
    "tinygrad": ("adapters.tinygrad", "tinygrad"),
}
DEVICES = ("cpu", "cuda")

Support = Callable[[Case], "bool | str"]


@dataclass(frozen=True)
class Target:
    """A named set of numpy-in, numpy-out functions, and how to call them in a snippet."""

    name: str
    functions: dict[str, Callable]
    snippet_setup: str  # Python lines that make `target` callable in a reproduction snippet
    snippet_wraps_torch: bool = False
    supports: dict[str, Support] = field(default_factory=dict)  # op -> case -> True or the reason it is not
    strategies: dict[str, Callable] = field(default_factory=dict)  # op -> () -> strategy, narrower than the catalog's
    versions: dict[str, str] = field(default_factory=dict)  # library -> version, for the report
    device: str = "cpu"
    known_divergences: tuple = ()  # divergences.Divergence entries the adapter documents (applied by default)
    vjps: dict[str, Callable] = field(default_factory=dict)  # op -> numpy VJP with the reference's signature
    vjp_snippet_setup: str | None = None  # lines that make `target.<op>_vjp` callable (default: snippet_setup)
    known_grad_divergences: tuple = ()  # divergences of the backward passes only (the forward's apply too)
    draws: dict[str, dict] = field(default_factory=dict)  # SUPPORTS_DRAWS: op or "*" -> key -> allowed (.draws)
    # modules the workers' fork server may import once, before it forks them (imports that start no thread:
    # each worker then skips them); only for a target whose library cannot be forked (jax, tensorflow)
    preload: tuple[str, ...] = ()
    # op -> why a name the module defines is not taken as the operation ("an int, not a function")
    not_functions: dict[str, str] = field(default_factory=dict)
    # signal number -> the disposition the module set at import, which the checker's process set back
    # (:func:`load_target`); each worker, the target's process, gets it again
    signals: dict[int, object] = field(default_factory=dict)

    def draw_limits(self, op: str) -> dict[str, tuple]:
        """The declared limits on ``op``'s draws (:mod:`.draws`); empty when there are none."""
        return limits_for(self.draws, op) if self.draws else {}

    def provides(self, op: str) -> bool:
        return op in self.functions

    def provides_vjp(self, op: str) -> bool:
        return op in self.vjps

    def unsupported_reason(self, op: str, case: Case) -> str | None:
        """None when the target handles ``case``; otherwise why not (a short sentence)."""
        limits = self.draw_limits(op)
        if limits:
            reason = outside(limits, BY_NAME[op].complete(case) if op in BY_NAME else case)  # defaults count
            if reason is not None:
                return reason
        predicate = self.supports.get(op)
        if predicate is None:
            return None
        try:
            verdict = predicate(case)
        except BaseException as error:  # the target's own code: its fault is a result, not a crash of ours
            if users_interrupt(error):
                raise
            raise UserCodeError(case, f"error in SUPPORTS[{op!r}]: {error_text(error)}") from None
        if verdict is True:
            return None
        return bounded(verdict) if isinstance(verdict, str) and verdict else "not supported by the target"


#: whether :func:`load_target` has run in this process: from then on, code convspec does not own (a user's module,
#: a library an adapter imports) may have started threads, registered exit handlers or loaded native libraries
#: whose exit is not to be trusted (:mod:`.console` then ends the process itself)
loaded_foreign_code = False


def load_target(spec: str, device: str | None = None) -> Target:
    """Resolve ``accelerated``, ``reference``, an adapter name, a module name or a ``.py`` path to a :class:`Target`.

    ``device`` (``"cpu"`` or ``"cuda"``) applies to ``accelerated``, ``torch`` and ``jax``;
    ``None`` keeps the target's default (``accelerated``: CUDA when present; the adapters: CPU).
    Asking for CUDA where there is none, or for a device a target cannot use, raises ``ValueError``.

    numpy's floating-point error handling (``np.seterr``) and print options (``np.set_printoptions``) are
    process-wide: a module that sets them when imported (``np.seterr(all="raise")``, a ``formatter`` that prints
    two decimals: debugging habits) would set them for convspec's own code too, which then stopped on an
    underflow as an internal error, or wrote the reproducing program's arrays with two decimals, so that it no
    longer reproduced. So whatever the load left is given to the target's own code only (its functions, VJPs
    and ``SUPPORTS`` predicates run under it), and convspec goes on with the settings it had. The same holds for
    the thread's floating-point environment (:mod:`.fp_environment`: rounding, traps, flush-to-zero), which a
    target may also change inside a call: ``torch.set_flush_denormal(True)`` made the reference flush
    subnormals too, and a target that flushes them passed.

    A ``.py`` file may import the modules beside it (``from myhelpers import im2col``), as it could when run with
    ``python file.py``: its folder is added to the *end* of ``sys.path``, so that a file there named like a
    module convspec uses later (``secrets.py``, ``rich.py``) cannot stand in for it; a sibling named like an
    installed module loses to the installed one.

    An interval timer the load armed (``signal.alarm(5)`` or ``signal.setitimer`` at import, a watchdog of the
    module's own) would signal this process, convspec's, in the middle of a check: ``SIGALRM`` ends a process
    and took the report with it. So a timer that was not running before the load and is after it is stopped
    (a forked worker does not inherit timers either); one that was already running (a caller's own,
    ``pytest-timeout``'s) is left as it is. Signals the load blocked (``signal.pthread_sigmask(SIG_BLOCK,
    {SIGINT, SIGTERM})``, which a library may do before it starts its threads) are unblocked: blocked in this
    thread they made Ctrl-C do nothing for the rest of the check, and every worker inherited them. Resource
    limits the load lowered (``resource.setrlimit``: open files, file size, CPU time, memory) are raised back to
    what they were, as far as the hard limits it left allow: 24 open files made the checker's next pipe an
    internal error (exit 3), a file size of 0 killed it with SIGXFSZ as it wrote the report. The workers, which
    run the reference too, get the checker's limits. Modules imported before the load that it replaced or
    removed in ``sys.modules`` are put back, and so are the hooks for exceptions nobody caught
    (:func:`.load_guard.give_hooks_back`). A module that replaces a numpy function (``np.maximum =
    ...``) is refused (:mod:`.oracle_guard`).
    """
    global loaded_foreign_code
    loaded_foreign_code = True  # first: a module that fails to import may have started something already
    before = np.geterr(), np.get_printoptions()
    environment = fp_environment.current()
    depth = sys.getrecursionlimit()
    timers = load_guard.idle_timers()
    blocked = load_guard.blocked_signals()
    dispositions = load_guard.signal_dispositions()
    limits = load_guard.resource_limits()
    hooks = load_guard.exception_hooks()
    _base_versions()  # importlib.metadata and email, imported before the target's code can stand in for them
    modules = dict(sys.modules)
    numpy_names = oracle_guard.snapshot()
    try:
        target = _load_target(spec, device)
        replaced = numpy_names.replaced()
        if replaced:
            raise ValueError(f"target {spec!r}: {oracle_guard.replaced_message(replaced, 'when imported')}")
    finally:
        numpy_names.restore()
        changed = load_guard.set_back_dispositions(dispositions)
        load_guard.raise_limits_back(limits)
        load_guard.give_modules_back(modules)
        load_guard.give_hooks_back(hooks)
        left = np.geterr(), np.get_printoptions()
        np.seterr(**before[0])
        np.set_printoptions(**before[1])
        environment_left = fp_environment.current()
        fp_environment.set_to(environment)
        load_guard.keep_depth(depth)
        load_guard.stop_timers_started(timers)
        load_guard.set_back_blocked(blocked)
    if changed:
        target = replace(target, signals={**target.signals, **changed})
    return _under_targets_settings(target, *left, fp_environment.Kept(environment_left), depth,
                                   numpy_changed=left != before)


def _under_targets_settings(target: Target, errstate: dict, printoptions: dict, environment: fp_environment.Kept,
                            depth: int, *, numpy_changed: bool) -> Target:
    """``target`` with each of its own callables run under the floating-point environment ``environment`` keeps
    (always: a call may change it), followed by :func:`.load_guard.keep_depth` (``depth``), and, where its load changed
    them, under numpy's error handling ``errstate`` and print options ``printoptions``."""

    def wrapped(function):
        def under_numpy_settings(*args, **kwargs):
            with np.errstate(**errstate), np.printoptions(**printoptions):
                return function(*args, **kwargs)

        call = under_numpy_settings if numpy_changed else function

        @functools.wraps(function)
        def under_targets_settings(*args, **kwargs):
            try:
                return environment.call(call, *args, **kwargs)
            finally:
                load_guard.keep_depth(depth)

        return under_targets_settings

    return replace(target, functions={op: wrapped(f) for op, f in target.functions.items()},
                   vjps={op: wrapped(f) for op, f in target.vjps.items()},
                   supports={op: wrapped(f) for op, f in target.supports.items()})


def _load_target(spec: str, device: str | None) -> Target:
    if device is not None and device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    if spec == "reference":
        _cpu_only(spec, device)
        from convspec import reference

        return Target("reference", _collect(reference), "from convspec import reference as target",
                      versions=_base_versions(), vjps=_collect_vjps(reference))
    if spec == "accelerated":
        return _accelerated_target(device)
    if spec in ADAPTERS:
        module_name, extra = ADAPTERS[spec]
        module_name, _, entry = module_name.partition(":")  # "module:function" where one module has several targets
        adapter = importlib.import_module(f"convspec.conformance.{module_name}")
        try:
            return getattr(adapter, entry or "target")(device)
        except ImportError as error:
            hint = f"pip install 'convspec[{extra}]'" if extra else "pip install numpy"
            raise ValueError(f"target {spec!r} needs {error.name or 'a library that is missing'} ({hint})") from None
    if spec.endswith(".py") or Path(spec).is_file():
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"target {spec!r}: no such file")
        module_name = f"convspec_target_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        folder = str(path.resolve().parent)
        if folder not in sys.path:  # its own modules beside it import, as under `python file.py`: see the docstring
            sys.path.append(folder)
        _importing(spec, lambda: module_spec.loader.exec_module(module))
        setup = (
            "import importlib.util, sys\n"
            f"sys.path.append({folder!r})  # the modules beside the target\n"
            f"_spec = importlib.util.spec_from_file_location({path.stem!r}, {str(path.resolve())!r})\n"
            "target = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(target)"
        )
        _cpu_only(spec, device)
        return _module_target(str(path), module, setup)
    name, folder, package = _module_name(spec)
    if folder is not None and folder not in sys.path:
        sys.path.append(folder)

    def not_found(error: ImportError) -> ValueError:
        if _findable(name.partition(".")[0]) and getattr(error, "name", None) != name:  # found; an import in it failed
            return ValueError(f"target {spec!r} failed to import: {_one_line(error)}")
        known = ", ".join(repr(adapter) for adapter in ("accelerated", "reference", *ADAPTERS))
        return ValueError(
            f"target {spec!r} is not one of {known}, an importable module, a package folder or a .py file ({error})")

    module = _importing(spec, lambda: importlib.import_module(name), not_found)
    if package is not None and package not in {Path(place).resolve() for place in getattr(module, "__path__", ())}:
        raise ValueError(f"target {spec!r}: the name {name!r} is taken by {getattr(module, '__file__', None) or name}, "
                         "which Python finds first; rename the folder, or give its __init__.py as the target")
    _cpu_only(spec, device)
    setup = f"import {name} as target"
    if folder is not None:
        setup = f"import sys\nsys.path.append({folder!r})  # where the target was found\n{setup}"
    return _module_target(spec, module, setup)


def is_path(spec: str) -> bool:
    """Whether :func:`load_target` reads ``spec`` as a file or folder here (not as a name it knows, which comes
    first): what must be made absolute for a process that may start in another folder."""
    if spec in ("reference", "accelerated", *ADAPTERS):
        return False
    return os.path.isfile(spec) or (os.path.isdir(spec) and not _is_module_name(spec))


def _is_module_name(spec: str) -> bool:
    """Whether ``spec`` reads as a dotted module name (``mypkg.conv``), not as a path (``./mypkg``, ``src/mypkg``)."""
    return all(part.isidentifier() for part in spec.split("."))


def _module_name(spec: str) -> tuple[str, str | None, Path | None]:
    """The module to import for ``spec``, the folder to add to the end of ``sys.path`` for it (None: none), and
    the package folder ``spec`` names, if it is a path to one (None otherwise).

    ``convspec check mypkg`` run in the folder that holds ``mypkg/`` (or ``mypkg.py``) found nothing: the console
    script's ``sys.path`` does not hold the working folder, as ``python -c "import mypkg"`` run there does. A name
    Python cannot find otherwise is looked for in the working folder; a path to a package folder (``./mypkg``,
    ``src/mypkg``) is imported by its name from the folder above it. Either folder goes to the end of
    ``sys.path``, as a ``.py`` file's does (see :func:`load_target`)."""
    is_name = _is_module_name(spec)
    if not is_name and Path(spec).is_dir():
        package = Path(spec).resolve()
        if not package.name.isidentifier():
            raise ValueError(f"target {spec!r}: a folder whose name {package.name!r} cannot be a module's")
        return package.name, str(package.parent), package
    top = spec.partition(".")[0]
    if is_name and not _findable(top):
        here = Path.cwd()
        if (here / top).is_dir() or (here / f"{top}.py").is_file():
            return spec, str(here), None
    return spec, None, None


def _findable(name: str) -> bool:
    try:
        return bool(name) and importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _one_line(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"it called sys.exit({value_text(error.code)})"
    return error_text(error).replace("\n", " ")


def _importing(spec: str, execute: Callable[[], object],
               not_found: Callable[[ImportError], ValueError] | None = None):
    """Run a target module's code and return what ``execute`` returns; anything it raises (or ``sys.exit``)
    becomes a usage error naming the target (an ImportError the one ``not_found`` makes of it, where given).

    A module may fork while it is imported (to start a server of its own) and let the copy fall through, back
    into the import and into convspec: the copy then ran a second check beside the first, which wrote the
    same reports and told the first process a second status. A copy that comes back is ended here, and a
    recursion limit the module lowered is raised again, and modules it replaced in ``sys.modules`` are put back,
    before convspec's code goes on (:func:`.load_guard.keep_depth`, :func:`.load_guard.give_modules_back`)."""
    process = os.getpid()
    depth = sys.getrecursionlimit()
    modules = dict(sys.modules)
    descriptors = command_state.own_descriptors()
    try:
        result = execute()
    except BaseException as error:
        load_guard.end_a_copy(spec, process)
        load_guard.keep_depth(depth)
        load_guard.give_modules_back(modules)
        if users_interrupt(error):
            raise
        if not_found is not None and isinstance(error, ImportError):
            raise not_found(error) from None
        raise ValueError(f"target {spec!r} failed to import: {_one_line(error)}") from None
    load_guard.end_a_copy(spec, process)
    load_guard.keep_depth(depth)
    load_guard.give_modules_back(modules)
    load_guard.refuse_closed_descriptors(spec, descriptors)
    return result


def _module_target(name: str, module, setup: str) -> Target:
    functions = _collect(module)
    declared_versions = getattr(module, "VERSIONS", None) or {}
    if not isinstance(declared_versions, dict):
        raise ValueError(f"target {name!r}: VERSIONS must be a dict of name -> version (copied into the report), "
                         f"got {type(declared_versions).__name__}")
    versions = {**_base_versions(), **{plain_text(k): plain_text(v) for k, v in declared_versions.items()}}
    vjps = _collect_vjps(module)
    declared = getattr(module, "SUPPORTS", None) or {}
    if not isinstance(declared, dict):
        raise ValueError(f"target {name!r}: SUPPORTS must be a dict of operation name -> function(case), "
                         f"got {type(declared).__name__}")
    for op, predicate in declared.items():
        if not callable(predicate):
            raise ValueError(f"target {name!r}: SUPPORTS[{op!r}] must be a function(case), got "
                             f"{type(predicate).__name__}")
    unknown = sorted(set(declared) - {op.name for op in CATALOG})
    if unknown:
        raise ValueError(f"target {name!r}: SUPPORTS names operations the catalog lacks: {', '.join(map(str, unknown))}")
    supports = {op: fn for op, fn in declared.items() if op in functions or op in vjps}
    draws = check_declaration(name, getattr(module, "SUPPORTS_DRAWS", None) or {}, {op.name for op in CATALOG})
    return Target(name, functions, setup, supports=supports, versions=versions, vjps=vjps, draws=draws,
                  not_functions=_not_functions(module))


def _not_functions(module) -> dict[str, str]:
    """The operations' names the module defines as something that cannot be called (``sigmoid = 5``, a submodule
    named ``flatten``): not provided, and the report says why."""
    found = {}
    for op in CATALOG:
        value = getattr(module, op.name, None)
        if value is not None and not callable(value):
            kind = type(value).__name__
            found[op.name] = f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}, not a function"
    return found


def namespace(name: str, device: str | None = None) -> SimpleNamespace:
    """A target's functions as attributes (``namespace('torch').correlate(x, w)``, ``.correlate_vjp(g, x, w)``),
    for reproduction snippets."""
    target = load_target(name, device)
    return SimpleNamespace(**target.functions, **{f"{op}_vjp": fn for op, fn in target.vjps.items()})


def adapter_setup(name: str, device: str | None, what: str) -> str:
    """The snippet lines that make ``target`` an adapter's functions (numpy in, numpy out)."""
    return (
        "from convspec.conformance.targets import namespace\n"
        f"target = namespace({name!r}, {device!r})  # {what}, numpy in and out"
    )


def _cpu_only(spec: str, device: str | None) -> None:
    if device not in (None, "cpu"):
        raise ValueError(f"target {spec!r} runs on the CPU only; --device {device} applies to accelerated, torch and jax")


@functools.cache
def _base_versions() -> dict[str, str]:
    """The versions every report names: convspec, numpy, hypothesis (read before any target code runs: see
    :func:`load_target`)."""
    from importlib.metadata import PackageNotFoundError, version

    import hypothesis

    try:
        convspec_version = version("convspec")
    except PackageNotFoundError:
        convspec_version = "unknown"
    return {"convspec": convspec_version, "numpy": np.__version__, "hypothesis": hypothesis.__version__}


def _collect(module) -> dict[str, Callable]:
    return {op.name: getattr(module, op.name) for op in CATALOG if callable(getattr(module, op.name, None))}


def _collect_vjps(module) -> dict[str, Callable]:
    """The module's ``<op>_vjp`` functions, by operation name."""
    return {op.name: getattr(module, f"{op.name}_vjp") for op in CATALOG
            if callable(getattr(module, f"{op.name}_vjp", None))}


def accelerated_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def torch_device(device: str | None, default: str) -> str:
    """``device`` checked against what torch has here (``None``: ``default``, where ``"auto"`` picks CUDA if present)."""
    import torch

    if device is None:
        device = accelerated_device() if default == "auto" else default
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: torch finds no CUDA device here (torch.cuda.is_available() is False)")
    return device


def _accelerated_target(device: str | None = None) -> Target:
    """Wrap convspec.accelerated so it takes and returns numpy arrays."""
    try:
        import torch
    except ImportError:
        raise ValueError("target 'accelerated' needs torch: pip install 'convspec[torch]'") from None
    from convspec import accelerated
    from convspec.accelerated._backend import checking_flags

    device = torch_device(device, "auto")

    def wrap(fn: Callable) -> Callable:
        def on_numpy(*arrays, **params):
            tensors = [None if a is None else torch.from_numpy(np.ascontiguousarray(a)).to(device) for a in arrays]
            # TF32 would round float32 inputs to 10-bit mantissas; the float32 tolerance assumes float32 arithmetic
            with torch.no_grad(), checking_flags():
                result = fn(*tensors, **params)
            if isinstance(result, tuple):  # e.g. max_pool(..., return_indices=True)
                return tuple(part.cpu().numpy() for part in result)
            return result.cpu().numpy()

        on_numpy.__name__ = fn.__name__
        return on_numpy

    from .gradients import GRADIENT_OP_NAMES, torch_vjp

    functions = {name: wrap(fn) for name, fn in _collect(accelerated).items()}
    # the backward passes: torch.autograd through the same functions
    vjps = {name: torch_vjp(fn, device) for name, fn in _collect(accelerated).items() if name in GRADIENT_OP_NAMES}
    setup = f"import torch\nfrom convspec import accelerated as target  # on {device}"
    versions = {**_base_versions(), "torch": torch.__version__}
    return Target(f"accelerated ({device})", functions, setup, snippet_wraps_torch=True, versions=versions, device=device,
                  vjps=vjps, vjp_snippet_setup=adapter_setup("accelerated", device, "convspec.accelerated with autograd"))
