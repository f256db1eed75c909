"""Shared machinery of the ``bench_*.py`` scripts: side-by-side timing, output checks, the table.

Each script builds a list of :class:`Case` rows (a native torch call and the
``convspec.accelerated`` call that means the same) and hands it to
:func:`run_benchmark`, which parses ``--quick`` / ``--threads`` / ``--block-ms``,
checks every pair's outputs, times the pairs and prints the table and the rows over
the target. ``--device cuda`` creates every case's tensors on the GPU (torch's default
device) and ends each timed block with ``torch.cuda.synchronize()``. The scripts import this module as ``timing``: run as
``python benchmarks/bench_X.py``, Python puts ``benchmarks/`` first on ``sys.path``.

How it is timed
---------------
After a few warm-up calls, the two callables are timed in alternating blocks
(native, accelerated, accelerated, native, ...) with ``time.perf_counter``; a
block repeats a call enough times to last at least ``--block-ms``. Each row
reports the median per-call time of each side, and the ratio column is the median
of the per-repetition ratios accelerated/native (pairing neighbouring blocks
cancels slow drifts in machine load). ``spread`` is the interquartile range of
those per-repetition ratios.

A noisy row is measured longer, by a rule that never looks at the ratio itself: while the
median's standard error, estimated from the spread (:func:`median_error`), is over
:data:`MEDIAN_ERROR` (0.02), the row takes as many repetitions again, up to
:data:`MAX_ROUNDS` times in all; the ratio is the median of all of them, and the row says
how many it took (``ok, 45 reps``). Deciding by the precision alone, never by whether the
ratio is over the target, keeps the extra repetitions from favouring either verdict.
Worked example: 15 ratios with a spread of 0.20 give a standard error of about
0.93 x 0.20 / sqrt(15) = 0.048, so 15 more are taken; at 45 with the same spread it is 0.028,
and the row stops there (three rounds).

How to read it
--------------
``ratio`` 1.00 means convspec costs nothing over the native call; the target is
``ratio <= 1.05`` wherever torch has the operation natively (or a direct
composition stands in for it). A *control* row times the native call against
itself: its distance from 1.00 is the noise of this machine at this moment; read
the other ratios against it. Rows marked ``(no target)`` (the control, the
overhead probes on tiny inputs) are informative only.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import numpy as np
import torch

TARGET_RATIO = 1.05
T = TypeVar("T")
WARMUP_CALLS = 3
#: the standard error of a row's median ratio under which one round of repetitions is enough (:func:`median_error`)
MEDIAN_ERROR = 0.02
#: the most rounds of ``Settings.repeats`` repetitions a noisy row takes
MAX_ROUNDS = 3


@dataclass(frozen=True)
class Settings:
    """How much work one run does: ``--quick`` shrinks every number here."""

    batch: int
    batch_3d: int
    repeats: int
    block_seconds: float


QUICK = Settings(batch=2, batch_3d=1, repeats=7, block_seconds=0.03)
FULL = Settings(batch=8, batch_3d=2, repeats=15, block_seconds=0.10)


@dataclass(frozen=True)
class Case:
    """One row of the table: a native torch call and the convspec call that means the same."""

    name: str
    shape: str
    native: Callable[[], object]
    accelerated: Callable[[], object]
    has_target: bool = True  # False where the ratio is informative, not a goal
    tolerance: float = 1e-5  # rtol and atol of the output check


@dataclass(frozen=True)
class Timing:
    """Median seconds per call of both sides, and the per-repetition ratios second/first."""

    first_seconds: float
    second_seconds: float
    ratios: list[float]
    rounds: int = 1  # rounds of repetitions taken (more than 1: a noisy row, see median_error)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> float:
        """Interquartile range of the per-repetition ratios."""
        return interquartile_range(self.ratios)


def interquartile_range(values: Sequence[float]) -> float:
    """The third quartile of ``values`` less the first (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    lower, _, upper = statistics.quantiles(values, n=4)
    return upper - lower


def dims(shape) -> str:
    return "x".join(map(str, shape))


def tf_same_pads(sizes, kernel, stride) -> list[int]:
    """TensorFlow SAME padding as ``F.pad`` wants it: ``(lo, hi)`` per axis, last axis first.

    ``total = max((ceil(n / s) - 1) * s + k - n, 0)``, ``lo = total // 2``, ``hi = total - lo``.
    """
    pads = []
    for n, k, s in zip(reversed(sizes), reversed(kernel), reversed(stride)):
        total = max((math.ceil(n / s) - 1) * s + k - n, 0)
        lo = total // 2
        pads += [lo, total - lo]
    return pads


def control(name: str, shape: str, native: Callable[[], object]) -> Case:
    """A native call timed against itself: the noise floor of the run."""
    return Case(f"control ({name})", shape, native=native, accelerated=native, has_target=False)


# ---------------------------------------------------------------------------
# Timing


def _no_sync() -> None:
    pass


# ``torch.cuda.synchronize`` when the run is on a GPU (``--device cuda``): a block of calls
# ends when the device has finished them, not when the launches return
_sync: Callable[[], None] = _no_sync


def seconds_per_call(fn: Callable[[], object], calls: int) -> float:
    _sync()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    _sync()
    return (time.perf_counter() - start) / calls


def calls_per_block(fn: Callable[[], object], block_seconds: float) -> int:
    """How many calls of ``fn`` last at least ``block_seconds`` (``fn`` already warm)."""
    one_call = min(seconds_per_call(fn, 1) for _ in range(3))
    return max(1, math.ceil(block_seconds / max(one_call, 1e-9)))


def median_error(ratios: Sequence[float]) -> float:
    """The standard error of the median of ``ratios``, estimated from their spread: for roughly normal values
    it is 1.2533 sigma / sqrt(n), and sigma is about IQR / 1.349, so about 0.93 IQR / sqrt(n). Example: 15 ratios
    with an interquartile range of 0.2 give 0.93 * 0.2 / sqrt(15) = 0.048."""
    if len(ratios) < 2:
        return math.inf
    return 1.2533 / 1.349 * interquartile_range(ratios) / math.sqrt(len(ratios))


def time_side_by_side(first: Callable[[], object], second: Callable[[], object], settings: Settings) -> Timing:
    """Time ``first`` and ``second`` in alternating blocks of the same number of calls: ``settings.repeats``
    repetitions, and as many again while the median's standard error is over :data:`MEDIAN_ERROR` (at most
    :data:`MAX_ROUNDS` rounds in all)."""
    for _ in range(WARMUP_CALLS):
        first()
        second()
    calls = calls_per_block(first, settings.block_seconds)
    first_times, second_times, ratios = [], [], []
    rounds = 0
    while rounds == 0 or (rounds < MAX_ROUNDS and median_error(ratios) > MEDIAN_ERROR):
        rounds += 1
        for repetition in range(settings.repeats):
            if repetition % 2 == 0:
                a = seconds_per_call(first, calls)
                b = seconds_per_call(second, calls)
            else:
                b = seconds_per_call(second, calls)
                a = seconds_per_call(first, calls)
            first_times.append(a)
            second_times.append(b)
            ratios.append(b / a)
    return Timing(statistics.median(first_times), statistics.median(second_times), ratios, rounds)


# ---------------------------------------------------------------------------
# Checking


def _as_tensor(value: object) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    return torch.as_tensor(np.asarray(value), device="cpu")


def check_outputs_match(name: str, expected: object, actual: object, tolerance: float = 1e-5) -> None:
    """Stop the script, loudly, when the two sides of a row disagree (tuples: element by element)."""
    if isinstance(expected, tuple) or isinstance(actual, tuple):
        if not (isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual)):
            sys.exit(f"\nOUTPUT MISMATCH in {name!r}: one side returns {len(expected)} values, the other {len(actual)}.")
        for position, (e, a) in enumerate(zip(expected, actual)):
            check_outputs_match(f"{name}, output {position}", e, a, tolerance)
        return
    try:
        torch.testing.assert_close(_as_tensor(actual), _as_tensor(expected), rtol=tolerance, atol=tolerance)
    except AssertionError as error:
        sys.exit(f"\nOUTPUT MISMATCH in {name!r}: the two sides compute different things.\n{error}")


# ---------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class Table:
    """Column widths fitted to the cases' names and shapes."""

    name_width: int
    shape_width: int

    @classmethod
    def fitted(cls, cases: Sequence[Case]) -> Table:
        return cls(max(len("case"), *(len(c.name) for c in cases)), max(len("shape"), *(len(c.shape) for c in cases)))

    def row(self, *cells: str) -> str:
        name, shape, *numbers, verdict = cells
        columns = [f"{name:<{self.name_width}}", f"{shape:<{self.shape_width}}"]
        columns += [f"{n:>10}" for n in numbers[:2]] + [f"{n:>7}" for n in numbers[2:]]
        return " ".join(columns) + f"  {verdict}"

    @property
    def width(self) -> int:
        return self.name_width + self.shape_width + 2 * 11 + 2 * 8 + 14


def device_name(device: str) -> str:
    if device == "cpu":
        return "CPU"
    return f"{device} ({torch.cuda.get_device_name(torch.device(device))})"


def print_header(title: str, settings: Settings, quick: bool, table: Table, device: str = "cpu") -> None:
    print(f"{title}: convspec.accelerated vs native torch  ({'--quick' if quick else 'full run'})")
    print(
        f"torch {torch.__version__}, torch.get_num_threads() = {torch.get_num_threads()}, "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}, float32, {device_name(device)}"
    )
    print(
        f"{settings.repeats} alternating repetitions per side (up to {MAX_ROUNDS * settings.repeats} for a noisy row), "
        f"blocks of >= {settings.block_seconds * 1e3:.0f} ms; medians; ratio = accelerated / native"
    )
    print()
    print(table.row("case", "shape", "native ms", "accel ms", "ratio", "spread", ""))
    print("-" * table.width)


def verdict(case: Case, timing: Timing) -> str:
    """The row's last column: whether it is within the target, and how many repetitions a noisy row took."""
    taken = f", {len(timing.ratios)} reps" if timing.rounds > 1 else ""
    if not case.has_target:
        return f"(no target{taken})"
    return ("ok" if timing.ratio <= TARGET_RATIO else f"OVER {TARGET_RATIO:.2f}") + taken


def run_case(case: Case, settings: Settings, table: Table) -> Timing:
    """Check the outputs agree, time the pair, print the row."""
    check_outputs_match(case.name, case.native(), case.accelerated(), case.tolerance)
    timing = time_side_by_side(case.native, case.accelerated, settings)
    print(
        table.row(
            case.name,
            case.shape,
            f"{timing.first_seconds * 1e3:.3f}",
            f"{timing.second_seconds * 1e3:.3f}",
            f"{timing.ratio:.3f}",
            f"{timing.spread:.3f}",
            verdict(case, timing),
        ),
        flush=True,
    )
    return timing


def report_over_target(rows: list[tuple[Case, Timing]]) -> None:
    over = [(case, timing) for case, timing in rows if case.has_target and timing.ratio > TARGET_RATIO]
    print()
    if not over:
        print(f"Every row with a target is within ratio {TARGET_RATIO:.2f}.")
        return
    print(f"Over the {TARGET_RATIO:.2f} target (compare with the control row's distance from 1.00):")
    for case, timing in over:
        print(f"  {case.name}: {timing.ratio:.3f} (spread {timing.spread:.3f})")


# ---------------------------------------------------------------------------
# Command line


def parse_arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller batches, fewer repetitions (under a minute)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    parser.add_argument("--block-ms", type=float, default=None, help="minimum length of one timed block")
    parser.add_argument(
        "--device", default="cpu",
        help="where the tensors live: cpu (default) or cuda[:N]; blocks are timed to the device's completion",
    )
    return parser.parse_args(argv)


def use_device(device: str) -> torch.device:
    """Check ``device`` and time to its completion there; returns it, for :func:`on_device` to make the cases in.

    Exits with a clear message when a CUDA device is asked for and torch has none. The device is *not*
    made torch's global default: ``torch.set_default_device`` installs a function mode through which every
    torch call made from Python then passes (about 1.5 µs a call, more on a tensor's attributes), which
    would tax the accelerated side's few Python-level torch calls several times over (a tiny correlate
    measured 16 µs instead of 7.7 µs). Only the cases' tensors are made there, inside :func:`on_device`.
    """
    global _sync
    kind = torch.device(device).type
    if kind == "cuda":
        if not torch.cuda.is_available():
            sys.exit(
                f"--device {device}: torch {torch.__version__} sees no CUDA device "
                "(torch.cuda.is_available() is False); run on a machine with a GPU and a CUDA build of torch"
            )
        _sync = torch.cuda.synchronize
    elif kind != "cpu":
        sys.exit(f"--device {device}: only cpu and cuda are supported")
    return torch.device(device)


def on_device(device: torch.device, make: Callable[[], T]) -> T:
    """``make()`` with ``device`` as the default of torch's factories (``torch.randn``...): the cases'
    tensors are made there; the calls timed later run outside this context, as a user's would."""
    with device:
        return make()


def settings_from(arguments: argparse.Namespace) -> Settings:
    settings = QUICK if arguments.quick else FULL
    if arguments.block_ms is not None:
        settings = dataclasses.replace(settings, block_seconds=arguments.block_ms / 1e3)
    return settings


def run_benchmark(
    title: str,
    description: str,
    make_cases: Callable[[Settings], list[Case]],
    argv: list[str] | None = None,
    after: Callable[[Settings], None] | None = None,
) -> None:
    """A whole script: arguments, header, one row per case, ``after`` (an extra section), the summary."""
    arguments = parse_arguments(description, argv)
    settings = settings_from(arguments)
    if arguments.threads is not None:
        torch.set_num_threads(arguments.threads)
    device = use_device(arguments.device)
    torch.manual_seed(0)
    started = time.perf_counter()
    cases = on_device(device, lambda: make_cases(settings))
    table = Table.fitted(cases)
    print_header(title, settings, arguments.quick, table, arguments.device)
    rows = [(case, run_case(case, settings, table)) for case in cases]
    if after is not None:
        after(settings)
    report_over_target(rows)
    print(f"\n{time.perf_counter() - started:.0f} s in all; load average now {os.getloadavg()[0]:.1f}")
