"""Print a check report: a table per operation, then each failure with a reproduction snippet.

The same content goes to machines as JSON (:func:`.report_files.report_json`, ``--report FILE.json``:
plus library versions, seed, profile, every failure with its case and reason) and as
JUnit XML (:func:`.report_files.report_junit`, ``--junit FILE.xml``: one testcase per operation).

With ``--grad`` a second table follows, "backward passes": one row per differentiable
operation the target differentiates, each failure with a reproduction that calls the
reference VJP and the target's ``<op>_vjp`` on the same inputs and ``grad_out``; the JSON
report gains a ``"grad"`` section and the JUnit XML one ``<op>.grad`` testcase per operation.
"""

from __future__ import annotations

import dataclasses

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .results import GRAD_SKIPPED, GRAD_STATUSES, STATUSES, GradientFailure, OperationResult, Report
from .targets import Target

_STATUS_STYLE = {
    "passed": "bold green", "failed": "bold red", "not provided": "dim", "unsupported": "yellow",
    "expected divergence": "bold yellow", "no backward": "dim", "not differentiable": "dim",
    "error": "bold red", "crashed": "bold red", "timed out": "bold red", "interrupted": "bold magenta",
    "internal error": "bold magenta", "unfinished": "bold magenta",
}
_SKIPPED = ("not provided", "unsupported")


def print_report(report: Report, target: Target, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"convspec check: {report.target}", title_justify="left")
    table.add_column("operation", no_wrap=True)
    table.add_column("examples", justify="right")
    table.add_column("bit-exact", justify="right")
    any_unsupported = any(r.unsupported for r in report.results)
    any_expected = any(r.expected_count for r in report.results)
    if any_unsupported:
        table.add_column("unsupported", justify="right")
    if any_expected:
        table.add_column("expected div.", justify="right")
    table.add_column("failures", justify="right")
    table.add_column("worst err/tol", justify="right")
    table.add_column("result")
    not_provided = [f"{r.op} ({r.detail})" if r.detail else r.op for r in report.results if r.status == "not provided"]
    for result in report.results:
        provided = result.status != "not provided"
        if not provided:
            continue  # listed in one line under the table
        row = [
            result.op,
            str(result.examples) if provided else "-",
            str(result.exact_examples) if provided else "-",
        ]
        if any_unsupported:
            row.append(str(result.unsupported) if provided else "-")
        if any_expected:
            row.append(str(result.expected_count) if provided else "-")
        row += [
            _failures(result) if provided else "-",
            _ratio(result),
            f"[{_STATUS_STYLE[result.status]}]{result.status.upper()}[/]",
        ]
        table.add_row(*row)
    if table.row_count:
        console.print(table)
    if not_provided:
        console.print(f"[dim]not provided by {report.target}: {', '.join(not_provided)}[/]", highlight=False)
    if table.row_count:
        _print_forward_legend(console, any_unsupported, any_expected)
    for result in report.results:
        if result.unsupported_reasons:
            reasons = "; ".join(f"{reason} ({count})" for reason, count in result.unsupported_reasons.most_common())
            console.print(f"[yellow]{result.op}[/] unsupported: {reasons}", highlight=False)
    for label, result, drawn in short_runs(report):
        console.print(
            f"[bold yellow]{label}: only {drawn} of the {report.examples} random examples asked for ran[/]: hypothesis "
            f"stops drawing when most draws are rejected, and {result.unsupported} were unsupported. Declare the "
            "target's support with SUPPORTS_DRAWS so the draws stay inside it (docs: Check your own implementation).",
            highlight=False,
        )
    for result in report.results:
        for expected in result.expected[:1]:
            console.print(
                f"[bold yellow]{result.op}: expected divergence[/] ({result.expected_count} case(s)): "
                f"{expected.entry.reason}\n  e.g. {expected.case.describe()}: {expected.reason}",
                highlight=False,
            )
    if report.grad_results is not None:
        _print_grad_table(report, console)
    for result in report.results:
        if result.failed:
            _print_failure(result, target, console)
            for number, failure in enumerate(result.more_failures, start=2):
                _print_failure(dataclasses.replace(result, failure=failure), target, console, number=number)
    for result in report.grad_results or ():
        if result.failed:
            _print_failure(result, target, console, backward=True)
            for number, failure in enumerate(result.more_failures, start=2):
                _print_failure(dataclasses.replace(result, failure=failure), target, console, backward=True,
                               number=number)
    _print_unfinished(report, console)
    good = not (report.failed or report.interrupted or report.internal_error)
    console.print(f"[{'bold green' if good else 'bold red'}]{summary_line(report)}[/]")


def short_runs(report: Report) -> list[tuple[str, OperationResult, int]]:
    """``(label, result, drawn)`` for each operation whose check ended without a fault but ran fewer random
    examples than asked (``drawn``: its examples less the regions' explicit cases)."""
    short = []
    for result in report.results + (report.grad_results or []):
        drawn = result.examples - result.region_examples
        if result.status in ("passed", "expected divergence") and drawn < report.examples:
            short.append((result.op if result in report.results else f"{result.op} (grad)", result, drawn))
    return short


def print_coverage(report: Report, console: Console) -> None:
    """``convspec check --coverage``: per operation, how many checked cases (the regions' explicit cases and
    the random draws, shrinking steps included) fell in each named region (:mod:`.regions`)."""
    results = [r for r in report.results + (report.grad_results or []) if r.coverage]
    table = Table(title="coverage: checked cases per named region (--coverage)", title_justify="left")
    table.add_column("operation", no_wrap=True)
    table.add_column("region")
    table.add_column("cases", justify="right")
    unvisited = []
    for result in results:
        label = result.op if result in report.results else f"{result.op} (grad)"
        for index, (region, count) in enumerate(result.coverage.items()):
            if count == 0:
                unvisited.append(f"{label}: {region}")
            shown = f"[bold red]{count}[/]" if count == 0 else str(count)
            table.add_row(label if index == 0 else "", region, shown, end_section=index == len(result.coverage) - 1)
    if not results:
        console.print("[dim]coverage: no operation with named regions was checked[/]")
        return
    console.print(table)
    regions = sum(len(r.coverage) for r in results)
    if unvisited:
        console.print(f"[bold red]{len(unvisited)} of {regions} regions not visited[/] (the target declared their "
                      f"cases unsupported, or the check stopped early): {'; '.join(unvisited)}", highlight=False)
    else:
        console.print(f"[green]every one of the {regions} named regions was visited[/]")


def _print_forward_legend(console: Console, any_unsupported: bool, any_expected: bool) -> None:
    console.print(
        "[dim]examples: the named regions' explicit cases, then the random draws (--coverage: per region). "
        "bit-exact: examples with integer-valued data, compared for exact equality. "
        "worst err/tol: the largest |target - reference| as a fraction of the "
        "rounding-error bound of each output element (must be <= 1)."
        + (" unsupported: drawn cases the target declares it does not handle (skipped, neither passed nor failed)."
           if any_unsupported else "")
        + (" expected div.: failures matching an entry of the expected-divergences file." if any_expected else "")
        + "[/]"
    )


def _print_grad_table(report: Report, console: Console) -> None:
    """The backward passes: one row per operation the target differentiates, the others in lines below."""
    results = report.grad_results or []
    table = Table(title=f"backward passes (--grad): {report.target} against the reference VJPs", title_justify="left")
    for name, justify in (("operation", "left"), ("examples", "right"), ("bit-exact", "right")):
        table.add_column(name, justify=justify, no_wrap=name == "operation")
    any_unsupported = any(r.unsupported for r in results)
    any_expected = any(r.expected_count for r in results)
    if any_unsupported:
        table.add_column("unsupported", justify="right")
    if any_expected:
        table.add_column("expected div.", justify="right")
    table.add_column("failures", justify="right")
    table.add_column("worst err/tol", justify="right")
    table.add_column("grad")
    for result in results:
        if result.status in ("no backward", "not differentiable"):
            continue
        row = [result.op, str(result.examples), str(result.exact_examples)]
        if any_unsupported:
            row.append(str(result.unsupported))
        if any_expected:
            row.append(str(result.expected_count))
        row += [_failures(result), _ratio(result), f"[{_STATUS_STYLE[result.status]}]{result.status.upper()}[/]"]
        table.add_row(*row)
    if table.row_count:
        console.print(table)
    for status in ("no backward", "not differentiable"):
        ops = [r.op for r in results if r.status == status]
        if ops:
            what = (f"{report.target} provides no VJP for" if status == "no backward"
                    else "no reference VJP (not checked backwards)")
            console.print(f"[dim]{status}: {what}: {', '.join(ops)}[/]", highlight=False)
    if table.row_count:
        console.print(
            "[dim]grad: the target's gradients of sum(grad_out * op(inputs)) against the reference VJP, per "
            "argument; bit-exact on integer-valued data where every gradient is a sum of integer products, "
            "else within the rounding-error bound of each gradient element (conformance/gradients.py).[/]"
        )
    for result in results:
        if result.unsupported_reasons:
            reasons = "; ".join(f"{reason} ({count})" for reason, count in result.unsupported_reasons.most_common())
            console.print(f"[yellow]{result.op} (grad)[/] unsupported: {reasons}", highlight=False)
    for result in results:
        for expected in result.expected[:1]:
            console.print(
                f"[bold yellow]{result.op} (grad): expected divergence[/] ({result.expected_count} case(s)): "
                f"{expected.entry.reason}\n  e.g. {expected.case.describe()}: {expected.reason}",
                highlight=False,
            )


def summary_line(report: Report) -> str:
    counts = report.counts()
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    for status in STATUSES[2:]:
        if counts[status]:
            line += f", {counts[status]} {status}"
    if report.grad_results is not None:
        line += f"; backward: {grad_summary_line(report)}"
    if report.interrupted:
        line += f" -- {report.state}"
    return line


def grad_summary_line(report: Report) -> str:
    counts = report.grad_counts()
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    for status in GRAD_STATUSES[2:]:
        if counts[status]:
            line += f", {counts[status]} {status}"
    return line


def _failures(result: OperationResult) -> str:
    if not result.failed:
        return "0"
    if result.status in ("crashed", "timed out") and result.first_failure_example is None:
        return "1" if result.failure is not None else "1 (no case)"
    return f"1 (shrunk; at example {result.first_failure_example})" if result.first_failure_example else "1 (shrunk)"


def _ratio(result: OperationResult) -> str:
    if result.status in _SKIPPED + GRAD_SKIPPED + ("interrupted", "internal error", "unfinished"):
        return "-"
    if result.failed and result.failure is not None and result.failure.comparison is not None:
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


def grad_reproduction_snippet(result: OperationResult, target: Target) -> str:
    """Plain Python that rebuilds the case and ``grad_out`` and compares the target's VJP with the reference's."""
    from .gradients import grad_out_source

    failure = result.failure
    case = failure.case
    names = list(case.inputs)
    call = case.call_source("X").removeprefix(f"X.{case.op}(")
    lines = ["import numpy as np", "from convspec import reference", target.vjp_snippet_setup or target.snippet_setup,
             "", case.input_source(), grad_out_source(failure.grad_out)]
    lines.append(f"expected = reference.{case.op}_vjp(grad_out, {call}")
    lines.append(f"actual = target.{case.op}_vjp(grad_out, {call}")
    lines += [
        "# one gradient per array argument (None where there is none): compare each",
        f"for name, want, got in zip({names!r}, expected, actual):",
        "    if want is None or got is None:",
        "        print(name, 'expected', want is None and 'None' or 'an array', 'got', got is None and 'None' or 'an array')",
        "        continue",
        "    got = np.asarray(got)",
        "    if got.shape != want.shape or got.dtype != want.dtype:",
        "        print(name, 'shape/dtype', got.shape, got.dtype, 'expected', want.shape, want.dtype)",
        "        continue",
        "    differs = ~((got == want) | (np.isnan(got) & np.isnan(want)))  # NaN matches NaN",
        "    if not differs.any():",
        "        print(name, 'identical')",
        "        continue",
        "    at = tuple(int(i) for i in np.argwhere(differs)[0])",
        "    print(f'{name}: {int(differs.sum())} elements differ; first at {at}: {got[at]!r}, expected {want[at]!r}')",
    ]
    return "\n".join(lines)


def reproduction(result: OperationResult, target: Target) -> str:
    if isinstance(result.failure, GradientFailure):
        return grad_reproduction_snippet(result, target)
    return reproduction_snippet(result, target)


#: the panel title of each fault: what the case shown is
_FAULT_TITLES = {
    "failed": "FAILED: {op} (smallest failing case found)",
    "error": "ERROR in user code beside {op} (smallest case found)",
    "crashed": "CRASHED: {op}",
    "timed out": "TIMED OUT: {op}",
    "internal error": "INTERNAL ERROR of convspec on {op} (please report it)",
}


def _print_failure(result: OperationResult, target: Target, console: Console, backward: bool = False,
                   number: int | None = None) -> None:
    """One failure's panel and reproduction; ``number``: the 2nd, 3rd... distinct failure (--max-failures)."""
    failure = result.failure
    op = f"{result.op}{' backward (grad)' if backward else ''}"
    if result.status == "crashed" and result.first_failure_example is not None:
        title = f"CRASHED: {op} (smallest case found)"
    else:
        title = _FAULT_TITLES[result.status].format(op=op)
    if number is not None:
        title += f" — distinct failure {number} (--max-failures)"
    if failure is None:
        console.print(Panel(Text(result.detail), title=title, border_style="red"))
        console.print()
        return
    body = Text.assemble((failure.case.describe(), "bold"), "\n", failure.reason)
    extra = result.detail.partition("\n")[2] if "\n" in result.detail else ""
    if extra:  # a dead worker's last output
        body.append("\n" + extra)
    console.print(Panel(body, title=title, border_style="red"))
    if result.status == "error":  # the operation itself is not what failed: there is nothing to rerun
        console.print()
        return
    console.print("Reproduce (plain Python, copy and run):")
    # soft_wrap: never break a line of the snippet, so it stays valid Python when copied
    console.print(reproduction(result, target), markup=False, highlight=False, soft_wrap=True)
    console.print()


def _print_unfinished(report: Report, console: Console) -> None:
    """Operations that were interrupted or failed inside convspec: one line each."""
    for result in report.results + (report.grad_results or []):
        if result.status == "interrupted":
            console.print(f"[bold magenta]{result.op}: interrupted[/] ({result.detail})", highlight=False)
        elif result.status == "internal error":
            console.print(Panel(Text(result.detail), title=_FAULT_TITLES["internal error"].format(op=result.op),
                                border_style="magenta"))
