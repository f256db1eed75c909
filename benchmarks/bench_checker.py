"""How fast the conformance checker runs: examples per second of the default ``convspec check accelerated``.

Run ``python benchmarks/bench_checker.py`` (about a minute on 2 CPU cores) or ``--quick`` (one run of
each). ``--device cuda`` checks on the GPU (as ``benchmarks/gpu.sh`` passes it to every script); ``--runs N``
repeats the full check N times (default 3, ``--quick`` 1); ``--jobs N`` is passed on to ``convspec check``.

What is measured
----------------
Unlike the other scripts this one prints absolute numbers, not ratios: the checker has no native
counterpart. Each run is a fresh process, exactly what a user types:

* **start-up**: the wall time of ``convspec check accelerated --ops flatten --examples 1``: importing
  convspec and torch, loading the target, the warm-up, one worker and the report; what every run pays
  before its examples (the best of the runs: the machine's load only adds to it);
* **the default check**: ``convspec check accelerated`` (every operation, 100 examples each plus the
  named regions' cases, seed 0, one worker process per core) with ``--report`` to count the examples
  checked; per run the wall time, the examples per second of wall time, the examples per second past
  the start-up (examples / (wall - start-up)), and the CPU seconds of the command and its workers (user
  + system: what the work costs, whatever else the machine runs at the time).

Worked example: 3,071 examples in 3.02 s of wall time with a 1.22 s start-up print 1,017 examples/s overall
and 3,071 / 1.80 = 1,706 examples/s past the start-up. The default check draws its cases ahead while
the target loads (:mod:`convspec.conformance.ahead`), so part of its work is hidden in the start-up: the
rate past the start-up is an upper bound of the workers' rate, not the workers' rate itself.

Each run is ``python -m convspec.conformance``, what the ``convspec`` console script runs (its garbage
collector rules: :mod:`convspec.conformance.console`). The header says whether convspec's modules run from
cached bytecode: ``make`` compiles them (the Makefile's ``bytecode``), as pip does for a wheel; an editable
install where ``PYTHONDONTWRITEBYTECODE`` is set compiles the package again at every start (about 0.1 s).
``--costs`` also prints the median run's seconds per operation in the form of
:data:`convspec.conformance.schedule.SECONDS`, the estimates the checker orders its workers by.

How to read it
--------------
The issue's target is >= 1,000 examples/s for the default check on 2 cores, start-up < 1 s. The wall
time depends on what else the machine runs (a shared machine: compare the CPU seconds too, and the load
average printed with each run); the median run is the one to quote.

Where the start-up goes (measured here, an idle machine; under load every figure grows by up to half):
importing torch 0.75-0.85 s, which the accelerated target needs; importing convspec's checker about 0.23 s from
cached bytecode, 0.1 s more without (sympy is not among it: the spec imports it only for symbolic work,
:mod:`convspec.spec.symbolic`), hypothesis 0.09 s and numpy 0.05 s of it; the warm-up 0.08 s. The interpreter's
exit, 0.13 s of which 0.1 s were libtorch's C++ destructors, is skipped since the console script ends a process
that loaded a target itself (``os._exit``, after flushing: a target's threads and exit handlers could hang that
exit or change its status; :mod:`convspec.conformance.console`): 1.08-1.19 s in all. The numpy and reference
targets start in about 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 1000.0  # examples per second (issue 18)
TARGET_STARTUP = 1.0  # seconds


def convspec_command() -> list[str]:
    """``convspec`` as this Python runs it (the venv's console script calls the same ``main``)."""
    return [sys.executable, "-m", "convspec.conformance"]


def timed(arguments: list[str]) -> tuple[float, float, int]:
    """Run ``convspec`` with ``arguments``; (wall seconds, CPU seconds of it and its workers, exit status)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(convspec_command() + arguments, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode not in (0, 1):  # 1: the target failed an operation; still a timing
        sys.exit(f"bench_checker: convspec {' '.join(arguments)} exited {completed.returncode}:\n"
                 f"{completed.stderr[-2000:]}")
    return wall, cpu, completed.returncode


def bytecode() -> str:
    """Whether convspec's modules run from cached bytecode (``make`` compiles them; see the Makefile's
    ``bytecode``): without it every command compiles the package again, about 0.1 s more start-up."""
    import importlib.util

    stale = []
    for folder in ("conformance", "spec", "reference", "accelerated"):
        for source in (ROOT / folder).rglob("*.py"):
            cached = Path(importlib.util.cache_from_source(str(source)))
            if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
                stale.append(source)
    if not stale:
        return "bytecode: cached for every module"
    return (f"bytecode: {len(stale)} module(s) not compiled or changed since (run `make bytecode`): "
            "they are compiled at every start")


def costs(report: dict) -> str:
    """The operations' seconds from a report, as :data:`convspec.conformance.schedule.SECONDS` holds them."""
    lines = [f'    "{op["op"]}": {op["seconds"]:.2f},' for op in report["operations"]]
    return "SECONDS = {\n" + "\n".join(lines) + "\n}"


def load() -> str:
    try:
        return "load %.1f" % os.getloadavg()[0]
    except OSError:
        return "load ?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--runs", type=int, help="full checks to time (default 3, --quick 1)")
    parser.add_argument("--device", default=None, help="passed to convspec check (cpu or cuda)")
    parser.add_argument("--jobs", type=int, help="passed to convspec check (default: one worker per core)")
    parser.add_argument("--costs", action="store_true", help="also print each operation's seconds of the median "
                        "run as convspec.conformance.schedule's table (the order the workers start in)")
    args, _ = parser.parse_known_args(argv)  # the ratio scripts' --threads/--block-ms do not apply here
    runs = args.runs or (1 if args.quick else 3)
    if runs < 1:
        parser.error(f"--runs must be a positive integer, got {runs}")
    common = ["check", "accelerated"] + (["--device", args.device] if args.device else []) + (
        ["--jobs", str(args.jobs)] if args.jobs else [])

    print(f"convspec check speed: {' '.join(['convspec'] + common)}, {runs} run(s), "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} core(s)")
    print(f"  {bytecode()}")
    startups = []
    for _ in range(runs):
        wall, cpu, _status = timed(common + ["--ops", "flatten", "--examples", "1"])
        startups.append(wall)
        print(f"  start-up  {wall:6.2f} s wall  {cpu:6.2f} CPU-s  ({load()})")
    startup = min(startups)

    rates = []
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        for index in range(runs):
            wall, cpu, status = timed(common + ["--report", str(report)])
            checked = json.loads(report.read_text())
            examples = sum(op["examples"] for op in checked["operations"])
            overall = examples / wall
            past = examples / max(wall - startup, 1e-9)
            rates.append((overall, past, wall, cpu, examples, checked))
            print(f"  check {index + 1}   {wall:6.2f} s wall  {cpu:6.2f} CPU-s  {examples} examples  "
                  f"{overall:6.0f} examples/s  ({past:.0f}/s past the start-up; {load()}"
                  f"{'; the target FAILED an operation' if status else ''})")
    overall, past, wall, cpu, examples, median_report = sorted(rates, key=lambda r: r[:5])[len(rates) // 2]
    print(f"median: {overall:.0f} examples/s overall ({examples} examples in {wall:.2f} s, {cpu:.2f} CPU-s), "
          f"{past:.0f}/s past the start-up; start-up {startup:.2f} s")
    print(f"targets: >= {TARGET_RATE:.0f} examples/s: {'met' if overall >= TARGET_RATE else 'NOT met'} overall, "
          f"{'met' if past >= TARGET_RATE else 'NOT met'} past the start-up; start-up < {TARGET_STARTUP:g} s: "
          f"{'met' if startup < TARGET_STARTUP else 'NOT met'}")
    if len(rates) > 1:
        spread = max(r[2] for r in rates) - min(r[2] for r in rates)
        print(f"wall-time spread over the runs: {spread:.2f} s (the machine's load)")
    if args.costs:
        print("\nthe median run's seconds per operation (conformance/schedule.py):\n" + costs(median_report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
