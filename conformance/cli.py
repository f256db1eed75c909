"""The ``convspec`` command line.

* ``convspec check [TARGET] [--ops a,b] [--examples N] [--seed S] [--profile dev|ci|thorough]
  [--device cpu|cuda] [--report FILE.json] [--junit FILE.xml] [--expected-divergences FILE] [--grad]``
  checks a target (default ``accelerated``; also ``reference``, the library adapters
  ``torch``, ``numpy``, ``scipy``, ``jax``, ``onnxruntime``, ``skimage``, a module or a
  ``.py`` file) against the reference on hypothesis-drawn cases, prints a report, and
  exits 1 if any operation failed (2 on a usage error). ``--grad`` also checks the target's
  backward passes against the reference VJPs (:func:`.runner.run_gradient`).
* ``convspec matrix [--out FILE.md] [--targets a,b] [--examples N]``: every available
  library adapter on every operation it supports, as a markdown page (:mod:`.matrix`).
* ``convspec summary STACK [--input-shape ...] [--json]``: a layer stack's shapes,
  parameters, multiply-adds and receptive fields (:mod:`.summary_command`).
* ``convspec explain OP --param value ...``: a formula, the numbers substituted, the
  result, step by step (:mod:`.explain_command`).
* ``convspec vectors export|verify``: language-neutral test vectors and the check of an
  outside program's results (:mod:`.vectors_command`).
"""

from __future__ import annotations

import argparse
import random
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import explain_command, summary_command, vectors_command
from .catalog import CATALOG, get
from .report import print_report, write_json, write_junit
from .runner import PROFILES, run_check
from .targets import ADAPTERS, DEVICES, load_target


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convspec", description="An executable specification of CNN operations.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="check an implementation against the reference",
        description=(
            "Check TARGET against the reference on hypothesis-drawn valid calls. TARGET is 'accelerated' "
            "(convspec's torch implementation, the default), 'reference', a library adapter "
            f"({', '.join(ADAPTERS)}), an importable module, or a path "
            "to a .py file exposing functions with the reference's names and signatures on numpy arrays."
        ),
    )
    check.add_argument("target", nargs="?", default="accelerated")
    check.add_argument("--ops", help=f"comma-separated operations (default: all of {', '.join(op.name for op in CATALOG)})")
    check.add_argument("--examples", type=int, help="hypothesis examples per operation (default 100, or the profile's)")
    check.add_argument("--seed", type=int, help="random seed; the same seed draws the same cases (default 0; "
                       "with --profile dev or thorough a random seed, printed)")
    check.add_argument("--profile", choices=sorted(PROFILES), help="dev: 25 examples, random seed; ci: 60 "
                       "examples, derandomized (the same cases every run); thorough: 1000 examples, random seed")
    check.add_argument("--device", choices=DEVICES, help="for accelerated, torch and jax (default: accelerated "
                       "uses CUDA when present, the adapters the CPU); cuda where there is none is an error")
    check.add_argument("--report", metavar="FILE.json", help="also write the report as JSON (versions, seed, "
                       "profile, every failure with its case, reason and reproduction)")
    check.add_argument("--junit", metavar="FILE.xml", help="also write JUnit XML: one testcase per operation")
    check.add_argument("--expected-divergences", metavar="FILE", help="a YAML/JSON/TOML file of expected "
                       "divergences (op, a case predicate, reason); matching failures are reported apart")
    check.add_argument("--no-known-divergences", action="store_true", help="do not apply the divergences an "
                       "adapter documents (numpy's and scipy's 'same', ...): report them as failures")
    check.add_argument("--grad", action="store_true", help="also check the backward passes of the differentiable "
                       "operations against the reference VJPs, for targets that provide them (accelerated and torch "
                       "through torch.autograd, jax through jax.vjp, reference, a module's <op>_vjp functions); "
                       "the others are reported as 'no backward'")
    check.set_defaults(handler=_check)
    from . import matrix

    matrix.add_parser(commands)
    summary_command.add_parser(commands)
    explain_command.add_parser(commands)
    vectors_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.handler(args)


def _check(args: argparse.Namespace) -> int:
    # a log file or pipe gets a fixed, wide layout; a terminal keeps its own width
    console = Console() if sys.stdout.isatty() else Console(width=110)
    try:
        target = load_target(args.target, args.device)
        operations = [get(name.strip()) for name in args.ops.split(",")] if args.ops else list(CATALOG)
        settings = resolve_settings(args.profile, args.examples, args.seed)
        divergences = []
        if args.expected_divergences:
            from .divergences import load

            divergences = load(args.expected_divergences)
    except ValueError as error:
        console.print(f"[bold red]convspec check:[/] {error}")
        return 2
    if not any(target.provides(op.name) or (args.grad and target.provides_vjp(op.name)) for op in operations):
        console.print(
            f"[bold red]convspec check:[/] target {target.name!r} defines none of "
            f"{', '.join(op.name for op in operations)}{' (nor their _vjp)' if args.grad else ''}"
        )
        return 2
    examples, seed, derandomize = settings
    drawn = "derandomized" if derandomize else f"seed {seed}"
    profile = f" (profile {args.profile})" if args.profile else ""
    backward = " (and the backward passes)" if args.grad else ""
    console.print(f"Checking [bold]{target.name}[/] against the reference{backward}: {examples} examples per "
                  f"operation, {drawn}{profile}")
    with Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:

        def progress(op: str, total: int):
            task = bar.add_task(op, total=total)
            return lambda: bar.update(task, completed=min(total, bar.tasks[task].completed + 1))

        report = run_check(
            target, operations, examples=examples, random_seed=seed, progress=progress, divergences=divergences,
            profile=args.profile, derandomize=derandomize, known_divergences=not args.no_known_divergences,
            grad=args.grad,
        )
    print_report(report, target, console)
    if args.report:
        write_json(report, target, args.report)
        console.print(f"JSON report: {args.report}", highlight=False)
    if args.junit:
        write_junit(report, target, args.junit)
        console.print(f"JUnit XML: {args.junit}", highlight=False)
    return 1 if report.failed else 0


def resolve_settings(profile: str | None, examples: int | None, seed: int | None) -> tuple[int, int, bool]:
    """(examples, seed, derandomize) from ``--profile``, ``--examples`` and ``--seed`` (explicit values win).

    No profile: 100 examples, seed 0. ``ci`` derandomizes unless a seed is given.
    """
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"--profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    default_examples, derandomize = PROFILES[profile] if profile else (100, False)
    examples = default_examples if examples is None else examples
    if examples < 1:
        raise ValueError(f"--examples must be positive, got {examples}")
    if seed is not None:
        return examples, seed, False
    if profile in ("dev", "thorough"):
        return examples, random.randrange(2**31), False
    return examples, 0, derandomize


if __name__ == "__main__":
    sys.exit(main())
