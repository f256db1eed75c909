"""``convspec check --seeds 0-5``: one check per seed, and one merged table.

A derandomized or single-seed run draws one set of cases; different seeds draw different ones, and
divergences that live in a narrow corner often show up at one seed only. ``--seeds`` runs the whole
check once per seed (each run exactly ``convspec check --seed N``) and prints, per operation, at
which seeds it passed and failed, then the failure of the first failing seed (its reproduction
snippet reruns it). The exit status is the worst of the runs'.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table

from .outputs import REPORT_FORMAT
from .report import _STATUS_STYLE, _print_failure
from .report_files import report_json
from .results import FAULTS, Report, exit_status
from .targets import Target

#: the order in which one operation's statuses over several seeds are summed up: the first present wins
_PRECEDENCE = ("internal error", "crashed", "timed out", "error", "failed", "interrupted", "unfinished",
               "expected divergence", "passed", "unsupported", "not provided")


def parse_seeds(text: str) -> list[int]:
    """``"0-5"`` -> 0..5; ``"0,1,7"``; ``"0-2,2026"``: non-negative integers, each once, in the order given."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ValueError(f"--seeds takes non-negative integers and ranges such as 0-5 or 0,1,7; got {text!r}")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        if high < low:
            raise ValueError(f"--seeds range {part!r} runs backwards")
        if high - low >= 1000:
            raise ValueError(f"--seeds range {part!r} has over 1000 seeds")
        seeds += [seed for seed in range(low, high + 1) if seed not in seeds]
    return seeds


def overall_status(statuses: list[str]) -> str:
    """One operation's status over several runs: the most severe one (:data:`_PRECEDENCE`)."""
    return next(status for status in _PRECEDENCE if status in statuses)


def print_merged(reports: list[Report], target: Target, console: Console) -> None:
    """The merged table: per operation, the seeds it passed and failed at, and the first failure."""
    table = Table(title=f"convspec check: {target.name}, seeds {', '.join(str(r.seed) for r in reports)}",
                  title_justify="left")
    for column, justify in (("operation", "left"), ("examples", "right"), ("passed at", "left"),
                            ("faults at", "left"), ("result", "left")):
        table.add_column(column, justify=justify, no_wrap=column == "operation")
    first_failures = []
    for index, result in enumerate(reports[0].results):
        runs = [(report.seed, report.results[index]) for report in reports if index < len(report.results)]
        statuses = [r.status for _, r in runs]
        if set(statuses) == {"not provided"}:
            continue
        status = overall_status(statuses)
        passed = [str(seed) for seed, r in runs if r.status in ("passed", "expected divergence")]
        faulty = [(seed, r) for seed, r in runs if r.status in FAULTS]
        table.add_row(result.op, str(sum(r.examples for _, r in runs)), ", ".join(passed) or "-",
                      ", ".join(f"{seed} ({r.status})" for seed, r in faulty) or "-",
                      f"[{_STATUS_STYLE[status]}]{status.upper()}[/]")
        if faulty:
            first_failures.append(faulty[0])
    console.print(table)
    for seed, result in first_failures:
        console.print(f"[bold]{result.op}[/]: the first failing seed is {seed} "
                      f"(rerun it alone with --seed {seed})", highlight=False)
        _print_failure(result, target, console)
    statuses = [exit_status(report) for report in reports]
    faults = sum(any(r.status in FAULTS for r in (report.results + (report.grad_results or []))) for report in reports)
    line = f"{len(reports)} seed(s): {faults} with a fault, {len(reports) - faults} without"
    console.print(f"[{'bold red' if any(statuses) else 'bold green'}]{line}[/]", highlight=False)


def merged_exit_status(reports: list[Report]) -> int:
    """The worst run's exit status: an interruption first, then an internal error (3), then a fault (1)."""
    statuses = [exit_status(report) for report in reports]
    for status in (130, 143, 3, 1):
        if status in statuses:
            return status
    return 0


def merged_json(reports: list[Report], target: Target, unfinished: list[int] | tuple = ()) -> dict:
    """The JSON of a ``--seeds`` run: every finished run's report (each in the single-run format) under ``runs``.

    ``unfinished``: the seeds still to run. The file is rewritten after each seed; while seeds remain its
    ``state`` is ``"running"`` and its ``exit_status`` None, so that a run whose process ended midway (the
    out-of-memory killer, a thread of the target's) does not leave the finished seeds' exit status 0 standing
    for the whole. At the end ``state`` is the last run's (``"complete"``, or ``"interrupted (SIGINT)"`` with the
    seeds never run still listed)."""
    ended = not unfinished or reports[-1].interrupted
    return {"format": REPORT_FORMAT, "state": reports[-1].state if ended else "running",
            "seeds": [report.seed for report in reports], "seeds_unfinished": list(unfinished),
            "exit_status": merged_exit_status(reports) if ended else None,
            "runs": [report_json(report, target) for report in reports]}
