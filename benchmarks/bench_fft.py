"""Direct convolution vs convolution by the FFT, by kernel size: where the FFT starts to win.

Run ``python benchmarks/bench_fft.py`` (about a minute) or ``--quick``. ``--threads N`` sets
``torch.set_num_threads``.

What is measured
----------------
One image size, ``(batch, 4, 128, 128)`` with a ``(4, 4, k, k)`` kernel, ``mode="full"``
(padding ``"full"``), for growing ``k``. Each row times ``convspec.accelerated.convolve``
(direct: ``F.conv2d`` with the kernel flipped; its cost grows as ``k^2``) in the "native"
column against ``convspec.accelerated.fft_convolve`` (``torch.fft``: its cost grows with the
transform length ``L = next power of two >= n + k - 1``, nearly independent of ``k``) in the
"accel" column. ``ratio`` is fft / direct: below 1 the FFT is faster. The outputs of each
pair are compared first (relative and absolute 1e-3 in float32: the FFT's error grows with
the signals' norms, not with one output's terms). The machinery (alternating blocks, medians,
spread) is ``benchmarks/timing.py``'s; the last line states the crossover: the smallest
kernel size from which on the FFT is faster in every measured row.

A second table times ``correlate``'s ``method`` keyword on the same image with ``padding="same"``:
``method="direct"`` (native column) against ``method="fft"`` and ``method="auto"`` (accel column) at
k = 3, 19 and 31, with the method :func:`convspec.spec.fft.choose_method` picks for ``"auto"``:
the speed-up of ``"auto"`` at large kernels, and its cost (none) at small ones.
"""

from __future__ import annotations

import os
import time

import torch

from convspec import accelerated
from convspec.spec.fft import choose_method
from timing import Case, Settings, Table, on_device, parse_arguments, print_header, run_case, settings_from, use_device

KERNELS = (3, 5, 7, 9, 11, 13, 15, 19, 25, 31)
SIZE = 128
CHANNELS = 4


def cases(settings: Settings) -> list[Case]:
    rows = []
    x = torch.randn(settings.batch, CHANNELS, SIZE, SIZE)
    for k in KERNELS:
        w = torch.randn(CHANNELS, CHANNELS, k, k) / k
        rows.append(
            Case(
                f"k = {k:2d}",
                f"x {settings.batch}x{CHANNELS}x{SIZE}x{SIZE}, w {CHANNELS}x{CHANNELS}x{k}x{k}, full",
                native=lambda x=x, w=w: accelerated.convolve(x, w, padding="full"),
                accelerated=lambda x=x, w=w: accelerated.fft_convolve(x, w, mode="full"),
                has_target=False,
                tolerance=1e-3,
            )
        )
    return rows


METHOD_KERNELS = (3, 19, 31)


def method_cases(settings: Settings) -> list[Case]:
    """``correlate(method="direct")`` against ``method="fft"`` and ``method="auto"``, ``padding="same"``."""
    rows = []
    x = torch.randn(settings.batch, CHANNELS, SIZE, SIZE)
    for k in METHOD_KERNELS:
        w = torch.randn(CHANNELS, CHANNELS, k, k) / k
        picked = choose_method(tuple(x.shape), tuple(w.shape), padding="same")
        for method in ("fft", "auto"):
            rows.append(Case(
                f"k = {k:2d}, {method}" + (f" ({picked})" if method == "auto" else ""),
                f"x {settings.batch}x{CHANNELS}x{SIZE}x{SIZE}, w {CHANNELS}x{CHANNELS}x{k}x{k}, same",
                native=lambda x=x, w=w: accelerated.correlate(x, w, padding="same"),
                accelerated=lambda x=x, w=w, m=method: accelerated.correlate(x, w, padding="same", method=m),
                has_target=False,
                tolerance=1e-3,
            ))
    return rows


def crossover(rows) -> int | None:
    """The smallest k such that the FFT is faster for it and every larger measured k."""
    answer = None
    for case, timing in reversed(rows):
        if timing.ratio >= 1.0:
            break
        answer = int(case.name.split("=")[1])
    return answer


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(__doc__.splitlines()[0], argv)
    settings = settings_from(arguments)
    if arguments.threads is not None:
        torch.set_num_threads(arguments.threads)
    device = use_device(arguments.device)  # --device cuda (benchmarks/gpu.sh): blocks timed to completion
    torch.manual_seed(0)
    started = time.perf_counter()
    table_cases = on_device(device, lambda: cases(settings))  # the tensors made on the device
    table = Table.fitted(table_cases)
    print_header("fft_convolve (accel) vs direct convolve (native column)", settings, arguments.quick, table,
                 arguments.device)
    rows = [(case, run_case(case, settings, table)) for case in table_cases]
    k = crossover(rows)
    print()
    if k is None:
        print(f"Crossover: the direct convolution is faster for every kernel up to {KERNELS[-1]} on this machine.")
    else:
        print(f"Crossover on this machine: the FFT is faster from kernel size k = {k} on "
              f"({SIZE}x{SIZE} image, {CHANNELS} channels in and out, {torch.get_num_threads()} threads).")
    print()
    more = on_device(device, lambda: method_cases(settings))
    table = Table.fitted(more)
    print_header("correlate(method=fft|auto) (accel) vs correlate(method=direct) (native column)", settings,
                 arguments.quick, table, arguments.device)
    for case in more:
        run_case(case, settings, table)
    print(f"\n{time.perf_counter() - started:.0f} s in all; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
