"""The ``convspec`` command line.

* ``convspec check [TARGET] [--ops a,b] [--examples N] [--seed S] [--profile dev|ci|thorough]
  [--device cpu|cuda] [--report FILE.json] [--junit FILE.xml] [--expected-divergences FILE] [--grad]
  [--jobs N] [--timeout SECONDS] [--load-timeout SECONDS]`` checks a target (default ``accelerated``; also
  ``reference``, the library adapters ``torch``, ``numpy``, ``scipy``, ``jax``, ``onnxruntime``, ``skimage``, a module
  or a ``.py`` file) against the reference on hypothesis-drawn cases, each operation in a worker
  process (:mod:`.isolation`), and prints a report. ``--grad`` also checks the target's backward
  passes against the reference VJPs (:func:`.runner.run_gradient`). Exit status: :data:`EXIT_STATUSES`.
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
import json
import os
import random

from convspec.conformance.commands import explain as explain_command
from convspec.conformance.commands import summary as summary_command
from convspec.conformance.commands import vectors as vectors_command
from . import command_state
from .catalog import CATALOG, named
from .console import start_up_over
from .internal_error import report_internal_error
from .isolation import DEFAULT_TIMEOUT, default_jobs
from .runner import PROFILES
from .targets import ADAPTERS, DEVICES, is_path, load_target

# rich's console and progress bar, the report writers and the merged table are imported where a check
# runs (``_check``, ``_run``): ``convspec --help`` and the other commands start without them

#: seconds a target may take to load (its module's import: torch, JAX or TensorFlow take seconds, a module that
#: waits for something that never comes takes for ever) before ``convspec check`` stops
DEFAULT_LOAD_TIMEOUT = 300.0

#: what each exit status of ``convspec check`` means (also in ``--help`` and the docs)
EXIT_STATUSES = {
    0: "every operation checked passed, or was unsupported, not provided or an expected divergence",
    1: "the target is at fault: an operation failed, raised in SUPPORTS (error), crashed or timed out, or code "
       "the target left running ended the checker's own process",
    2: "usage error: a bad option, a target that does not load (or not within --load-timeout) or provides none "
       "of the operations, an output file that cannot or must not be written; nothing was checked",
    3: "convspec's own internal error (please report it)",
    130: "interrupted by Ctrl-C (SIGINT); 143 by SIGTERM; 128+N where signal N killed the checker's process "
         "(137: SIGKILL, as the out-of-memory killer sends). The reports hold the operations that finished "
         "and list the others as interrupted (a signal the checker caught) or unfinished (its process ended)",
}


def _exit_statuses_text() -> str:
    return "exit status:\n" + "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_STATUSES.items())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convspec", description="An executable specification of CNN operations.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="check an implementation against the reference",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_exit_statuses_text() + "\n\nEach operation runs in a worker process: a target that crashes, exits or "
        "hangs becomes that operation's result (crashed, timed out) with the case that caused it, and the other "
        "operations still run. The --report and --junit files are checked before the run and rewritten after "
        "each operation, so an interrupted or killed run leaves what it had.",
        description=(
            "Check TARGET against the reference on hypothesis-drawn valid calls. TARGET is 'accelerated' "
            "(convspec's torch implementation, the default), 'reference', a library adapter "
            f"({', '.join(ADAPTERS)}), an importable module (also one in the working folder), a package "
            "folder's path, or a path to a .py file, exposing functions with the reference's names and signatures "
            "on numpy arrays."
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
    check.add_argument("--jobs", type=int, metavar="N", help=f"worker processes run at once, one operation each "
                       f"(default: the cores available, {default_jobs()} here)")
    check.add_argument("--timeout", type=float, metavar="SECONDS", default=DEFAULT_TIMEOUT,
                       help=f"the longest one example may run before its worker is killed and the operation reported "
                       f"as timed out (default {DEFAULT_TIMEOUT:g})")
    check.add_argument("--load-timeout", type=float, metavar="SECONDS", default=DEFAULT_LOAD_TIMEOUT,
                       help="the longest the target may take to load (its module's import) before the check stops "
                       f"with exit status 2 (default {DEFAULT_LOAD_TIMEOUT:g}; the console script only)")
    check.add_argument("--coverage", action="store_true", help="also print, per operation, how many checked cases "
                       "fell in each of its named regions (the corners every run visits: padding forms, defaults "
                       "omitted, NaN/inf, ...); the JSON report always carries these counts")
    check.add_argument("--seeds", metavar="LIST", help="run the check once per seed (0-5, or 0,1,7) and print one "
                       "merged table: per operation the seeds it passed and failed at, then the first failure; "
                       "--report then holds every run's report under 'runs'")
    check.add_argument("--max-failures", type=int, default=1, metavar="N",
                       help="after an operation's first shrunk failure, search on for up to N distinct failures "
                            "(a failure is distinct when its reason or its named regions differ; default 1)")
    check.set_defaults(handler=_check)
    from convspec.conformance.commands import matrix

    matrix.add_parser(commands)
    summary_command.add_parser(commands)
    explain_command.add_parser(commands)
    vectors_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _keep_hypothesis_out_of_the_working_folder()
    if args.handler is not _check:  # a check ends its start-up once its target is loaded (_run)
        start_up_over()
    with command_state.held():  # convspec's output and umask, whatever a target's module does to the process's
        try:
            return args.handler(args)
        except KeyboardInterrupt:
            print("convspec: interrupted", file=command_state.err())
            return 130
        except Exception:  # convspec's own fault: one line, exit 3, the traceback on demand
            return report_internal_error("convspec")


def _keep_hypothesis_out_of_the_working_folder() -> None:
    """Hypothesis keeps a ``.hypothesis/`` cache in the current folder; a command pointed at the user's
    project writes nothing there, so it goes to the user's cache folder instead (unless
    ``HYPOTHESIS_STORAGE_DIRECTORY`` says where)."""
    import os
    from pathlib import Path

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    set_hypothesis_home_dir(cache / "convspec" / "hypothesis")


def _usage_error(console, message: str) -> int:
    console.print(f"[bold red]convspec check:[/] {message}", highlight=False)
    return 2


def _check(args: argparse.Namespace) -> int:
    from .merged import parse_seeds
    from .outputs import OutputError, check_output_paths

    console = command_state.console()
    try:
        outputs = check_output_paths({"--report": args.report, "--junit": args.junit})
        if args.jobs is not None and args.jobs < 1:
            raise ValueError(f"--jobs must be a positive integer, got {args.jobs}")
        if args.max_failures < 1:
            raise ValueError(f"--max-failures must be a positive integer, got {args.max_failures}")
        if not args.timeout > 0:
            raise ValueError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
        if not args.load_timeout > 0:
            raise ValueError(f"--load-timeout must be a positive number of seconds, got {args.load_timeout:g}")
        operations = named(args.ops)
        seeds = parse_seeds(args.seeds) if args.seeds is not None else None
        if seeds is not None and args.seed is not None:
            raise ValueError("--seed and --seeds exclude each other: give the one seed in --seeds")
        if seeds is not None and args.junit:
            raise ValueError("--junit takes one run: use --report with --seeds (it holds every run)")
        settings = resolve_settings(args.profile, args.examples, args.seed if seeds is None else seeds[0])
        divergences = []
        if args.expected_divergences:
            from .divergences import load

            divergences = load(args.expected_divergences)
    except (OutputError, ValueError) as error:
        return _usage_error(console, str(error))
    helper = _draw_ahead(operations, settings) if seeds is None else None
    try:
        return _check_loaded(args, console, outputs, operations, seeds, settings, divergences, helper)
    finally:
        if helper is not None:
            helper.stop()


def _load_watchdog(args):
    """A timer that ends the console script's process with exit status 2 if the target has not loaded within
    ``--load-timeout`` seconds: a module whose import waits for what never comes (a lock, a peer process, a
    prompt) hung the check for ever, with nothing printed. None in-process (``cli.main`` from Python: the
    process is the caller's, and so is a stuck import)."""
    import threading

    from .console import end_now, owns_the_process

    if not owns_the_process() or args.load_timeout == float("inf"):
        return None
    message = (f"convspec check: target {args.target!r} did not finish loading (importing its module) within "
               f"{args.load_timeout:g} s; nothing was checked (--load-timeout SECONDS allows longer)")
    watchdog = threading.Timer(args.load_timeout, end_now, args=(2, message))
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def _draw_ahead(operations, settings):
    """Fork the helper that draws the cases ahead while the target loads (:mod:`.ahead`); None where it cannot."""
    from .ahead import start
    from .search import seed_text

    examples, seed, derandomize = settings
    return start([(op.name, seed_text(op.name, seed, derandomize), examples) for op in operations])


def _check_loaded(args, console, outputs, operations, seeds, settings, divergences, helper) -> int:
    """The rest of :func:`_check`, from the target's load on."""
    from .merged import merged_exit_status, merged_json, print_merged
    from .outputs import write_atomically
    from .report import print_coverage, print_report
    from .results import exit_status

    # where a fork server's workers load the target from: a file's or a package folder's path made absolute before
    # the target's module runs, since it may change the working folder
    args.source = os.path.abspath(args.target) if is_path(args.target) else args.target
    watchdog = _load_watchdog(args)
    try:
        target = load_target(args.target, args.device)
    except ValueError as error:
        return _usage_error(console, str(error))
    finally:
        if watchdog is not None:
            watchdog.cancel()
    lacking = [op.name for op in operations
               if not (target.provides(op.name) or (args.grad and target.provides_vjp(op.name)))]
    if len(lacking) == len(operations):
        return _usage_error(console, f"target {target.name!r} defines none of "
                            f"{', '.join(op.name for op in operations)}{' (nor their _vjp)' if args.grad else ''}")
    examples, seed, derandomize = settings
    if seeds is not None:
        console.print(f"Checking [bold]{target.name}[/] against the reference at seeds {', '.join(map(str, seeds))}: "
                      f"{examples} examples per operation each")
        reports = []
        for each in seeds:
            reports.append(_run(args, console, target, operations, divergences, examples, each, False, outputs={},
                                label=f"seed {each}: "))
            if "--report" in outputs:
                unfinished = list(seeds[len(reports):])
                text = json.dumps(merged_json(reports, target, unfinished), indent=2, allow_nan=False) + "\n"
                write_atomically(outputs["--report"], lambda handle: handle.write(text.encode("utf-8")))
            if reports[-1].interrupted:
                break
        print_merged(reports, target, console)
        if "--report" in outputs:
            console.print(f"JSON report: {outputs['--report']}", highlight=False)
        return merged_exit_status(reports)
    drawn = "derandomized" if derandomize else f"seed {seed}"
    profile = f" (profile {args.profile})" if args.profile else ""
    backward = " (and the backward passes)" if args.grad else ""
    console.print(f"Checking [bold]{target.name}[/] against the reference{backward}: {examples} examples per "
                  f"operation, {drawn}{profile}")
    report = _run(args, console, target, operations, divergences, examples, seed, derandomize, outputs, ahead=helper)
    print_report(report, target, console)
    if args.coverage:
        print_coverage(report, console)
    for option, label in (("--report", "JSON report"), ("--junit", "JUnit XML")):
        if option in outputs:
            console.print(f"{label}: {outputs[option]}", highlight=False)
    return exit_status(report)


def _run(args, console, target, operations, divergences, examples, seed, derandomize, outputs, label="", ahead=None):
    """One check of ``operations`` (in worker processes), with a progress bar; the report files are rewritten
    after every operation."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .isolation import can_isolate, fork_safe, run_isolated
    from .report_files import write_json, write_junit
    from .results import with_unfinished
    from .runner import warm_up

    if can_isolate() and fork_safe():  # the workers will be forks of this process: let them inherit a warm one
        warm_up()
    start_up_over()  # the collector back on, the start-up's objects frozen: before the first worker is forked

    names = [operation.name for operation in operations]

    def save(report) -> None:  # after every operation: a killed run keeps what it had, and names what it had not
        if report.state == "running":
            report = with_unfinished(report, names)
        if "--report" in outputs:
            write_json(report, target, outputs["--report"])
        if "--junit" in outputs:
            write_junit(report, target, outputs["--junit"])

    with Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=bool(label),
    ) as bar:

        def progress(op: str, total: int):
            task = bar.add_task(label + op, total=total)
            return lambda: bar.update(task, completed=min(total, bar.tasks[task].completed + 1))

        return run_isolated(
            target, operations, examples=examples, random_seed=seed, progress=progress, divergences=divergences,
            profile=args.profile, derandomize=derandomize, known_divergences=not args.no_known_divergences,
            grad=args.grad, jobs=args.jobs, timeout=args.timeout, on_result=save, source=(args.source, args.device),
            max_failures=args.max_failures, ahead=ahead,
        )


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


if __name__ == "__main__":  # as the console script runs it (its collector rules; its imports are done by now)
    from .console import main as console_main

    console_main()
