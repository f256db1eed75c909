"""Conformance reports for the tutorials, produced by running ``convspec check`` when the docs are built.

The text is what ``convspec check TARGET`` prints to a file or pipe (rich's fixed
110-column layout, no progress bars), with this checkout's absolute path replaced
by ``.`` so the pages do not depend on where they were built.
"""

from __future__ import annotations

import html
import importlib.util
import io
from functools import lru_cache
from pathlib import Path

from rich.console import Console

from convspec.conformance.catalog import CATALOG, get
from convspec.conformance.isolation import run_isolated
from convspec.conformance.report import print_report
from convspec.conformance.results import exit_status
from convspec.conformance.runner import run_check
from convspec.conformance.targets import load_target

ROOT = Path(__file__).resolve().parents[1]

# The planted-bug module the report tutorial runs: the first of these whose imports work here
# (the kernel-flip mutant wraps convspec.accelerated and needs torch).
MUTANT_PREFERENCE = ("missing_kernel_flip.py", "upsample_no_half_pixel.py")


def _report_text(path: Path, examples: int = 100, seed: int = 0) -> tuple[str, bool]:
    relative = path.relative_to(ROOT)
    target = load_target(str(relative))
    report = run_check(target, list(CATALOG), examples=examples, random_seed=seed)
    buffer = io.StringIO()
    console = Console(file=buffer, width=110, force_terminal=False, color_system=None, highlight=False)
    console.print(f"Checking {target.name} against the reference: {examples} examples per operation, seed {seed}")
    print_report(report, target, console)
    text = buffer.getvalue().replace(str(ROOT) + "/", "./").replace(str(ROOT), ".")
    return text, report.failed


def _block(command: str, text: str, failed: bool) -> str:
    status = 1 if failed else 0
    return f'<pre class="cs-terminal"><code>$ {html.escape(command)}\n{html.escape(text.rstrip())}\n$ echo $?\n{status}</code></pre>\n'


@lru_cache(maxsize=None)
def _mutant() -> Path:
    for name in MUTANT_PREFERENCE:
        path = ROOT / "tests" / "mutants" / name
        if not path.is_file():
            continue
        spec = importlib.util.spec_from_file_location(f"docs_mutant_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except ImportError:
            continue
        return path
    raise FileNotFoundError(f"none of the tutorial's mutants {MUTANT_PREFERENCE} could be loaded from tests/mutants/")


def _mutant_module():
    path = _mutant()
    spec = importlib.util.spec_from_file_location(f"docs_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def myconv_report() -> str:
    path = ROOT / "docs" / "tutorials" / "myconv.py"
    text, failed = _report_text(path)
    text = text.replace("./docs/tutorials/myconv.py", "myconv.py").replace("docs/tutorials/myconv.py", "myconv.py")
    return _block("convspec check myconv.py", text, failed)


def kerasconv_source() -> str:
    return "```python\n" + (ROOT / "docs" / "tutorials" / "kerasconv.py").read_text().rstrip() + "\n```\n"


def kerasconv_report() -> str:
    """``convspec check kerasconv.py --examples 40``: a Keras Conv2D layer, its SUPPORTS_DRAWS and refusals."""
    path = ROOT / "docs" / "tutorials" / "kerasconv.py"
    text, failed = _report_text(path, examples=40)
    text = text.replace("./docs/tutorials/kerasconv.py", "kerasconv.py").replace("docs/tutorials/kerasconv.py",
                                                                                 "kerasconv.py")
    return _block("convspec check kerasconv.py --examples 40", text, failed)


def divergences_format() -> str:
    """The expected-divergences file format, from the docstring of :mod:`convspec.conformance.divergences`
    (the one place it is written), as Markdown."""
    from convspec.conformance import divergences

    lines = (divergences.__doc__ or "").strip().splitlines()
    out, in_code = [], False
    for line in lines[2:]:  # the first line is the module's title
        if line.endswith("::"):
            out.append(line[:-1])
            out.append("")
            out.append("```yaml")
            in_code = True
            continue
        if in_code and not line and out[-1] == "```yaml":
            continue
        if in_code and line and not line.startswith("    "):
            out.append("```")
            in_code = False
        out.append(line[4:] if in_code else line.replace("``", "`"))
    if in_code:
        out.append("```")
    return "\n".join(out).strip() + "\n"


def mutant_report() -> str:
    path = _mutant()
    text, failed = _report_text(path)
    return _block(f"convspec check {path.relative_to(ROOT)}", text, failed)


def mutant_name() -> str:
    module = _mutant_module()
    path = _mutant()
    return (
        f"`{path.relative_to(ROOT)}`, whose planted bug is: *{html.escape(module.PLANTED_BUG)}* "
        f"(it breaks {', '.join(f'`{op}`' for op in module.BUGGY_OPS)})"
    )


def faulty_report(name: str, ops: str, examples: int = 20, timeout: float | None = None) -> str:
    """What ``convspec check`` prints for one of the faulty targets of ``tests/faulty_targets/`` (run
    in worker processes, as the command runs it), with the exit status the command returns."""
    path = ROOT / "tests" / "faulty_targets" / name
    relative = path.relative_to(ROOT)
    target = load_target(str(relative))
    options = {} if timeout is None else {"timeout": timeout}
    report = run_isolated(target, [get(op) for op in ops.split(",")], examples=examples, jobs=2,
                          source=(str(relative), None), **options)
    for result in report.results:  # before the panels are laid out, so their borders stay aligned
        result.detail = _without_local_paths(result.detail)
    buffer = io.StringIO()
    console = Console(file=buffer, width=110, force_terminal=False, color_system=None, highlight=False)
    console.print(f"Checking {target.name} against the reference: {examples} examples per operation, seed 0")
    print_report(report, target, console)
    text = buffer.getvalue().replace(str(ROOT) + "/", "./").replace(str(ROOT), ".")
    command = f"convspec check {relative} --ops {ops} --examples {examples}"
    command += f" --timeout {timeout:g}" if timeout is not None else ""
    return (f'<pre class="cs-terminal"><code>$ {html.escape(command)}\n{html.escape(text.rstrip())}\n'
            f'$ echo $?\n{exit_status(report)}</code></pre>\n')


def _without_local_paths(text: str) -> str:
    """A stack trace names folders of the machine that built the page: the interpreter's and this checkout."""
    import sysconfig

    paths = sysconfig.get_paths()
    for folder in sorted({paths["purelib"], paths["stdlib"]}, key=len, reverse=True):
        text = text.replace(folder, "<python>")
    return text.replace(str(ROOT) + "/", "./")


def crash_report() -> str:
    return faulty_report("crashes.py", "correlate,convolve,max_pool,avg_pool,relu")


def hang_report() -> str:
    return faulty_report("hangs.py", "correlate,relu", timeout=2)


def supports_error_report() -> str:
    return faulty_report("bad_supports.py", "correlate,relu")
