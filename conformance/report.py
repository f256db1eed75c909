"""Print a check report: a table per operation, then each failure with a reproduction snippet."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from .runner import OperationResult, Report
from .targets import Target

_STATUS_STYLE = {"passed": "bold green", "failed": "bold red", "not provided": "dim"}


def print_report(report: Report, target: Target, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"convspec check: {report.target}", title_justify="left")
    table.add_column("operation", no_wrap=True)
    table.add_column("examples", justify="right")
    table.add_column("bit-exact", justify="right")
    table.add_column("failures", justify="right")
    table.add_column("worst err/tol", justify="right")
    table.add_column("result")
    for result in report.results:
        table.add_row(
            result.op,
            str(result.examples) if result.status != "not provided" else "-",
            str(result.exact_examples) if result.status != "not provided" else "-",
            ("1 (shrunk)" if result.failed else "0") if result.status != "not provided" else "-",
            _ratio(result),
            f"[{_STATUS_STYLE[result.status]}]{result.status.upper()}[/]",
        )
    console.print(table)
    console.print(
        "[dim]bit-exact: examples with integer-valued data, compared for exact equality. "
        "worst err/tol: the largest |target - reference| as a fraction of the "
        "rounding-error bound of each output element (must be <= 1).[/]"
    )
    for result in report.results:
        if result.failed:
            _print_failure(result, target, console)
    passed = sum(r.status == "passed" for r in report.results)
    failed = sum(r.failed for r in report.results)
    missing = sum(r.status == "not provided" for r in report.results)
    summary = f"{passed} passed, {failed} failed" + (f", {missing} not provided" if missing else "")
    console.print(f"[{'bold red' if failed else 'bold green'}]{summary}[/]")


def _ratio(result: OperationResult) -> str:
    if result.status == "not provided":
        return "-"
    if result.failed and result.failure.comparison is not None:
        return f"{result.failure.comparison.worst_ratio:.3g}"
    if result.failed:
        return "-"
    return f"{result.worst_ratio:.3g}"


def reproduction_snippet(result: OperationResult, target: Target) -> str:
    case = result.failure.case
    lines = ["import numpy as np", "from convspec import reference", target.snippet_setup, "", case.input_source()]
    names = [name for name, array in case.inputs.items() if array is not None]
    lines.append(f"expected = {case.call_source('reference')}")
    if target.snippet_wraps_torch:
        for name in names:
            lines.append(f"{name}_t = torch.from_numpy({name})")
        torch_case_call = case.call_source("target")
        for name in names:
            torch_case_call = torch_case_call.replace(f"({name},", f"({name}_t,").replace(f" {name},", f" {name}_t,")
        lines.append(f"actual = {torch_case_call}")
    else:
        lines.append(f"actual = {case.call_source('target')}")
    lines += [
        "# an operation may return several arrays (max_pool's values and indices): compare each",
        "for want, got in zip(expected if isinstance(expected, tuple) else (expected,),",
        "                     actual if isinstance(actual, tuple) else (actual,)):",
        "    got = got.numpy() if hasattr(got, 'numpy') else np.asarray(got)",
        "    if got.shape != want.shape:",
        "        print('shape', got.shape, 'expected', want.shape)",
        "        continue",
        "    differs = ~((got == want) | (np.isnan(got) & np.isnan(want)))  # NaN matches NaN",
        "    if not differs.any():",
        "        print('identical')",
        "        continue",
        "    at = tuple(int(i) for i in np.argwhere(differs)[0])",
        "    print(f'{int(differs.sum())} elements differ; first at {at}: {got[at]!r}, expected {want[at]!r}')",
    ]
    return "\n".join(lines)


def _print_failure(result: OperationResult, target: Target, console: Console) -> None:
    failure = result.failure
    body = f"[bold]{failure.case.describe()}[/]\n{failure.reason}"
    console.print(Panel(body, title=f"FAILED: {result.op} (smallest failing case found)", border_style="red"))
    console.print("Reproduce (plain Python, copy and run):")
    # soft_wrap: never break a line of the snippet, so it stays valid Python when copied
    console.print(reproduction_snippet(result, target), markup=False, highlight=False, soft_wrap=True)
    console.print()
