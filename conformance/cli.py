"""The ``convspec`` command line.

* ``convspec check [TARGET] [--ops a,b] [--examples N] [--seed S]`` checks a target
  (default ``accelerated``) against the reference on hypothesis-drawn cases, prints
  a report, and exits 1 if any operation failed (2 on a usage error).
* ``convspec summary STACK [--input-shape ...] [--json]``: a layer stack's shapes,
  parameters, multiply-adds and receptive fields (:mod:`.summary_command`).
* ``convspec explain OP --param value ...``: a formula, the numbers substituted, the
  result, step by step (:mod:`.explain_command`).
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import explain_command, summary_command
from .catalog import CATALOG, get
from .report import print_report
from .runner import run_check
from .targets import load_target


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convspec", description="An executable specification of CNN operations.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="check an implementation against the reference",
        description=(
            "Check TARGET against the reference on hypothesis-drawn valid calls. TARGET is 'accelerated' "
            "(convspec's torch implementation, the default), 'reference', an importable module, or a path "
            "to a .py file exposing functions with the reference's names and signatures on numpy arrays."
        ),
    )
    check.add_argument("target", nargs="?", default="accelerated")
    check.add_argument("--ops", help=f"comma-separated operations (default: all of {', '.join(op.name for op in CATALOG)})")
    check.add_argument("--examples", type=int, default=100, help="hypothesis examples per operation (default 100)")
    check.add_argument("--seed", type=int, default=0, help="random seed; the same seed draws the same cases (default 0)")
    check.set_defaults(handler=_check)
    summary_command.add_parser(commands)
    explain_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.handler(args)


def _check(args: argparse.Namespace) -> int:
    # a log file or pipe gets a fixed, wide layout; a terminal keeps its own width
    console = Console() if sys.stdout.isatty() else Console(width=110)
    try:
        target = load_target(args.target)
        operations = [get(name.strip()) for name in args.ops.split(",")] if args.ops else list(CATALOG)
        if args.examples < 1:
            raise ValueError(f"--examples must be positive, got {args.examples}")
    except ValueError as error:
        console.print(f"[bold red]convspec check:[/] {error}")
        return 2
    if not any(target.provides(op.name) for op in operations):
        console.print(
            f"[bold red]convspec check:[/] target {target.name!r} defines none of "
            f"{', '.join(op.name for op in operations)}"
        )
        return 2
    console.print(f"Checking [bold]{target.name}[/] against the reference: {args.examples} examples per operation, seed {args.seed}")
    with Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:

        def progress(op: str, total: int):
            task = bar.add_task(op, total=total)
            return lambda: bar.update(task, completed=min(total, bar.tasks[task].completed + 1))

        report = run_check(target, operations, examples=args.examples, random_seed=args.seed, progress=progress)
    print_report(report, target, console)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
