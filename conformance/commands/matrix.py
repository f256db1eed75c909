"""``convspec matrix``: every available library adapter on every operation it supports, as a markdown page.

    convspec matrix --out docs/conformance-matrix.md            # the page the docs site shows
    convspec matrix --targets torch,scipy --examples 30         # to stdout

Each (library, operation) cell says whether the library agrees with the specification on
the cases it supports, differs as its adapter documents (a known divergence: the finding,
which of the two is the odd one out, and the library's docs), or fails; below the table,
each library's section lists what it cannot express and the smallest counterexample of
every disagreement. The adapters' mappings are in ``conformance/adapters/<library>.py``. Each operation runs
in a worker process (:mod:`convspec.conformance.isolation`): a library that crashes or hangs gets a **CRASHES** or **HANGS** cell,
and the page is written all the same. Each library is first imported in an interpreter of its own: one whose import
crashes, or does not end within ``--load-timeout`` seconds, is listed as not run, with that reason.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

from convspec.conformance import command_state
from convspec.conformance.catalog import CATALOG, comma_names
from convspec.conformance.outputs import MATRIX_MARK, OutputError, check_output_paths, write_atomically
from convspec.conformance.isolation import run_isolated, signal_name
from convspec.conformance.results import OperationResult
from convspec.conformance.targets import ADAPTERS, load_target

DEFAULT_EXAMPLES = 60
DEFAULT_SEED = 0
DEFAULT_LOAD_TIMEOUT = 300.0


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "matrix", help="run every library adapter and write the conformance matrix (markdown)",
        description="Run every available library adapter (torch, numpy, scipy, jax, onnxruntime, skimage, tensorflow, "
                    "keras-tensorflow, keras-jax, keras-torch, tinygrad) on every "
                    "operation it provides and write a markdown page: agreements, known divergences, failures, "
                    "the smallest counterexample of each, library versions.",
    )
    parser.add_argument("--out", metavar="FILE.md", help="write the page here (default: print it); a new file, an "
                        "empty one or an earlier page of this command, never another file (checked before the run)")
    parser.add_argument("--targets", help=f"comma-separated adapters (default: all of {', '.join(ADAPTERS)})")
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES, help=f"examples per operation (default {DEFAULT_EXAMPLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--load-timeout", type=float, metavar="SECONDS", default=DEFAULT_LOAD_TIMEOUT,
                        help="a library whose import has not ended after this long is listed as not run "
                             f"(default {DEFAULT_LOAD_TIMEOUT:g})")
    parser.set_defaults(handler=_matrix)


def _matrix(args: argparse.Namespace) -> int:
    try:  # each adapter once, in the order first named; --targets "" (an empty shell variable) is not "every adapter"
        names = list(ADAPTERS) if args.targets is None else comma_names(args.targets, "--targets", "adapter")
    except ValueError as error:
        print(f"convspec matrix: {error}", file=command_state.err())
        return 2
    unknown = [n for n in names if n not in ADAPTERS]
    if unknown or args.examples < 1 or not args.load_timeout > 0:
        print(f"convspec matrix: unknown adapter(s) {', '.join(unknown)}" if unknown
              else "convspec matrix: --examples must be positive" if args.examples < 1
              else f"convspec matrix: --load-timeout must be a positive number of seconds, got {args.load_timeout:g}",
              file=command_state.err())
        return 2
    try:  # before the run, which takes minutes: never over a file that is not an earlier page of this command
        out = check_output_paths({"--out": args.out}).get("--out")
    except OutputError as error:
        print(f"convspec matrix: {error}", file=command_state.err())
        return 2
    command = "convspec matrix" + (f" --out {args.out}" if args.out else "") + (
        f" --targets {args.targets}" if args.targets else "") + f" --examples {args.examples} --seed {args.seed}"
    page = build_page(names, examples=args.examples, seed=args.seed, command=command,
                      progress=lambda text: print(text, file=command_state.err()), load_timeout=args.load_timeout)
    if out is not None:
        write_atomically(out, lambda handle: handle.write(page.encode("utf-8")))
        print(f"wrote {args.out}", file=command_state.err())
    else:
        command_state.out().write(page)
    return 0


def run_matrix(names, *, examples: int, seed: int, progress=None, load_timeout: float = DEFAULT_LOAD_TIMEOUT):
    """{adapter: (target or None, the reason it is missing, {op: OperationResult})}.

    Each operation runs in a worker process, as under ``convspec check`` (:func:`.isolation.run_isolated`), so a
    library that crashes or hangs on an operation gets that cell (**CRASHES**, **HANGS**) and the page is still
    written (run in this process, such a crash took the command and the page with it). The adapters are loaded
    in this process (the workers are its copies), each after :func:`load_faults` found that its import ends."""
    results = {}
    faults = load_faults(names, load_timeout)
    for name in names:
        fault = faults[name]
        if fault is not None:
            results[name] = (None, fault, {})
            continue
        try:
            target = load_target(name)
        except ValueError as error:
            results[name] = (None, str(error), {})
            continue
        operations = [operation for operation in CATALOG if target.provides(operation.name)]

        def announce(label: str, total: int, name=name):
            if progress:
                progress(f"{name}: {label}")
            return None

        report = run_isolated(target, operations, examples=examples, random_seed=seed, source=(name, None),
                              progress=announce)
        results[name] = (target, None, {result.op: result for result in report.results})
    return results


#: what the interpreter of :func:`load_fault` runs: the load, as this command does it, then one word on the
#: descriptor it is given ("loaded", or "raised" for an exception, whose message this process reports itself),
#: and an exit that no thread or exit handler the import left can hold up; a module that closed the descriptor
#: leaves only the exit status: 0 once loaded
_LOAD = """import os, sys
from convspec.conformance.targets import load_target

def say(word):
    try:
        os.write(int(sys.argv[2]), word)
    except OSError:
        pass

try:
    load_target(sys.argv[1])
except BaseException:
    say(b"raised")
    os._exit(1)
say(b"loaded")
os._exit(0)
"""


def load_fault(name: str, timeout: float) -> str | None:
    """Why loading adapter (or target) ``name`` in this process would end or hang the command, or None.

    The load is tried first in a new interpreter, in a session of its own: where the library's import crashed
    (a segfault in an extension module), ended the interpreter (``os._exit``) or never ended (a lock, a license
    server), it took ``convspec matrix`` and its page with it, or hung it with nothing printed. A load that
    raises is not a fault here: this process loads it next and reports the exception's own message."""
    return load_faults([name], timeout)[name]


def load_faults(names, timeout: float) -> dict[str, str | None]:
    """:func:`load_fault` of each of ``names``, the interpreters run side by side (``timeout`` counts from the
    start of all of them): the probes add the slowest import to the command's time, not the sum of them."""
    deadline = time.monotonic() + timeout
    probes = {}
    for name in dict.fromkeys(names):
        read_end, write_end = os.pipe()
        try:
            probes[name] = read_end, subprocess.Popen(
                [sys.executable, "-c", _LOAD, name, str(write_end)], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,), start_new_session=True)
        finally:
            os.close(write_end)
    return {name: _fault(probe, read_end, deadline, timeout) for name, (read_end, probe) in probes.items()}


def _fault(probe: subprocess.Popen, read_end: int, deadline: float, timeout: float) -> str | None:
    """What :func:`load_fault` says of ``probe``, given until ``deadline`` (``time.monotonic()``) to exit; the probe
    and whatever its import started in its session are ended. The word is read only once the probe has exited
    (or been killed), without waiting: a process the import detached may hold the write end open."""
    try:
        code = probe.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        code = None
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(probe.pid, signal.SIGKILL)
    probe.wait()
    os.set_blocking(read_end, False)
    with os.fdopen(read_end, "rb") as said:
        try:
            word = said.read(16) or b""
        except BlockingIOError:
            word = b""
    if word in (b"loaded", b"raised") or (word == b"" and code == 0):
        return None
    if code is None:
        return f"its import did not end within {timeout:g} s (--load-timeout SECONDS allows longer)"
    if code < 0:
        return f"its import crashed the interpreter (signal {-code}, {signal_name(-code)})"
    return f"its import ended the interpreter (exit status {code}) before it finished"


def _cell(result: OperationResult | None) -> str:
    if result is None:
        return "·"
    if result.status == "passed":
        return f"agrees ({result.examples})"
    if result.status == "expected divergence":
        return f"**differs** ({result.expected_count} of {result.examples}; known)"
    if result.status == "failed":
        return "**FAILS**"
    return _FAULT_CELLS.get(result.status, "unsupported")


#: the cells of what is neither an answer nor a refusal: the library's process died, hung, or code beside it raised
_FAULT_CELLS = {"crashed": "**CRASHES**", "timed out": "**HANGS**", "error": "**error**",
                "internal error": "internal error"}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build_page(names, *, examples: int, seed: int, command: str, progress=None,
               load_timeout: float = DEFAULT_LOAD_TIMEOUT) -> str:
    results = run_matrix(names, examples=examples, seed=seed, progress=progress, load_timeout=load_timeout)
    available = [n for n in names if results[n][0] is not None]
    ops = [op.name for op in CATALOG if any(op.name in results[n][2] for n in available)]
    lines = [
        "# Conformance matrix of other libraries",
        "",
        MATRIX_MARK,
        "",
        "Which of convspec's operations other libraries compute the same way, on the configurations each "
        "can express. Each library is wrapped by an adapter (`conformance/adapters/<library>.py`, whose "
        "docstring spells out the parameter mapping) and checked exactly like `convspec check LIBRARY`: "
        f"{examples} hypothesis-drawn valid cases per operation (seed {seed}), compared with the reference "
        "under the rounding-error tolerance (integer-valued data bit for bit).",
        "",
        f"Regenerate this page with `{command}` "
        "(it takes a few minutes; the libraries are the `adapters`, `tensorflow`, `keras` and `tinygrad` extras). "
        "A single library: `convspec check torch` (or `numpy`, `scipy`, `jax`, `onnxruntime`, `skimage`, "
        "`tensorflow`, `keras-tensorflow`, `keras-jax`, `keras-torch`, `tinygrad`).",
        "",
        "* **agrees (N)**: N supported cases checked, all within tolerance;",
        "* **differs (known)**: some cases differ as the adapter documents; the finding below says which "
        "side is the odd one out, with the library's documentation;",
        "* **FAILS**: an undocumented disagreement (the smallest counterexample is below);",
        "* **CRASHES**, **HANGS**: the library's process died, or one case ran past the timeout (the case is below);",
        "* **unsupported**: the library cannot express any drawn case; **·**: the library has no such operation.",
        "",
        "| operation | " + " | ".join(f"`{n}`" for n in available) + " |",
        "|---|" + "---|" * len(available),
    ]
    for op in ops:
        lines.append(f"| `{op}` | " + " | ".join(_cell(results[n][2].get(op)) for n in available) + " |")
    missing = [n for n in names if results[n][0] is None]
    if missing:
        lines += ["", "Not run (library not installed here, or its import failed): "
                  + "; ".join(f"`{n}` ({_md(results[n][1])})" for n in missing) + "."]
    lines += ["", "## Versions", "", "| library | version |", "|---|---|"]
    versions = {}
    for name in available:
        versions.update(results[name][0].versions)
    for library, version in sorted(versions.items()):
        lines.append(f"| {library} | {version} |")
    for name in available:
        target, _, by_op = results[name]
        lines += ["", f"## {name}", ""]
        module = sys.modules.get(f"convspec.conformance.{ADAPTERS[name][0]}")
        summary = (module.__doc__ or "").strip().splitlines()[0] if module else ""
        if summary:
            lines += [_md(summary.replace("``", "`")), ""]
        for op, result in by_op.items():
            lines.append(f"### `{name}`: `{op}`")
            lines.append("")
            lines.append(f"{_cell(result)}; {result.unsupported} drawn case(s) unsupported.")
            if result.unsupported_reasons:
                lines.append("")
                lines.append("Cannot express: " + "; ".join(
                    f"{_md(reason)} ({count})" for reason, count in result.unsupported_reasons.most_common()) + ".")
            for smallest in result.expected:
                lines += ["", f"**Finding:** {_md(smallest.entry.reason)}", "",
                          "Smallest counterexample drawn:", "", "```text", smallest.case.describe(),
                          smallest.reason, "```"]
            if result.status in _FAULT_CELLS:  # the detail names the case and holds the worker's last output
                lines += ["", f"**{result.status.capitalize()}:**", "", "```text", result.detail or result.status,
                          "```"]
            elif result.failed and result.failure is not None:
                failure = result.failure
                lines += ["", "**Undocumented disagreement** (shrunk):", "", "```text", failure.case.describe(),
                          failure.reason, "```"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
