"""How much convspec's convolution family costs on top of native torch.

Run ``python benchmarks/bench_conv.py`` (about 1-3 minutes on 2 CPU cores) or
``python benchmarks/bench_conv.py --quick`` (smaller batches, fewer repetitions,
under a minute). ``--threads N`` sets ``torch.set_num_threads``; by default torch
keeps its own default (one thread per core), and the header states the number.

What is measured
----------------
Every row times two callables on the same tensors: the *native* torch call a user
would write by hand, and the ``convspec.accelerated`` call that means the same:

* ``correlate`` in 1-, 2- and 3-D against ``F.conv1d`` / ``F.conv2d`` / ``F.conv3d``;
* a depthwise ``correlate`` (``groups == C_in``) against ``F.conv2d(groups=C_in)``;
* ``padding="same"`` with stride 2 against ``F.pad`` (the TensorFlow SAME pads,
  computed by hand: ``timing.tf_same_pads``) followed by ``F.conv2d``;
* ``convolve`` against ``F.conv2d`` with the kernel ``torch.flip``-ped;
* ``depthwise_separable`` against a depthwise ``F.conv2d`` then a 1x1 ``F.conv2d``;
* an *overhead probe*: a 1x1x8x8 input, where the arithmetic is nearly free and
  the ratio shows convspec's per-call Python work (argument checks, padding
  resolution) against torch's own dispatch;
* a *control* row: the native call timed against itself. Its distance from 1.00
  is the noise of this machine at this moment; read the other ratios against it.

Before timing, each pair's outputs are compared (``torch.testing.assert_close``
at float32 precision); a mismatch stops the script with the difference.

A last section times the numpy reference (``convspec.reference.correlate``) on a
test-sized call and compares it with native torch on the same numbers.

How it is timed
---------------
(The machinery is shared by every ``bench_*.py`` script: ``benchmarks/timing.py``.)
After a few warm-up calls, the two callables are timed in alternating blocks
(native, accelerated, accelerated, native, ...) with ``time.perf_counter``; a
block repeats a call enough times to last at least ``--block-ms``. Each row
reports the median per-call time of each side, and the ratio column is the median
of the per-repetition ratios accelerated/native (pairing neighbouring blocks
cancels slow drifts in machine load). ``spread`` is the interquartile range of
those per-repetition ratios.

How to read it
--------------
``ratio`` 1.00 means convspec costs nothing over the native call; the target is
``ratio <= 1.05`` wherever torch has the operation natively. Rows over the target
are listed at the end. Expect the overhead probe to be over it: it measures a
fixed cost of some microseconds per call, which a real-sized input hides.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convspec import accelerated, reference
from timing import Case, Settings, check_outputs_match, control, dims, run_benchmark, tf_same_pads, time_side_by_side


# ---------------------------------------------------------------------------
# Cases


def correlate_case(name: str, x, w, b, padding: int, native_conv) -> Case:
    return Case(
        name,
        f"x {dims(x.shape)}, w {dims(w.shape)}, pad {padding}",
        native=lambda: native_conv(x, w, b, padding=padding),
        accelerated=lambda: accelerated.correlate(x, w, b, padding=padding),
    )


def correlate_1d(settings: Settings) -> Case:
    x, w, b = torch.randn(settings.batch, 64, 1024), torch.randn(64, 64, 5), torch.randn(64)
    return correlate_case("correlate 1-D", x, w, b, 2, F.conv1d)


def correlate_2d(settings: Settings) -> Case:
    x, w, b = torch.randn(settings.batch, 64, 56, 56), torch.randn(64, 64, 3, 3), torch.randn(64)
    return correlate_case("correlate 2-D", x, w, b, 1, F.conv2d)


def correlate_3d(settings: Settings) -> Case:
    x, w, b = torch.randn(settings.batch_3d, 16, 16, 32, 32), torch.randn(16, 16, 3, 3, 3), torch.randn(16)
    return correlate_case("correlate 3-D", x, w, b, 1, F.conv3d)


def native_control(settings: Settings) -> Case:
    """The 2-D native call against itself: the noise floor."""
    x, w, b = torch.randn(settings.batch, 64, 56, 56), torch.randn(64, 64, 3, 3), torch.randn(64)
    return control("native/native", f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1", lambda: F.conv2d(x, w, b, padding=1))


def depthwise(settings: Settings) -> Case:
    channels = 64
    x, w = torch.randn(settings.batch, channels, 56, 56), torch.randn(channels, 1, 3, 3)
    return Case(
        "depthwise correlate",
        f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1, groups {channels}",
        native=lambda: F.conv2d(x, w, padding=1, groups=channels),
        accelerated=lambda: accelerated.correlate(x, w, padding=1, groups=channels),
    )


def strided_same(settings: Settings, kernel: int) -> Case:
    """``padding="same"`` with stride 2; native pads by hand with the TensorFlow SAME rule."""
    stride = 2
    x, w = torch.randn(settings.batch, 64, 56, 56), torch.randn(64, 64, kernel, kernel)
    pads = tf_same_pads(x.shape[2:], w.shape[2:], (stride, stride))
    return Case(
        f"same, stride 2, {kernel}x{kernel}",
        f"x {dims(x.shape)}, w {dims(w.shape)}, F.pad {pads}",
        native=lambda: F.conv2d(F.pad(x, pads), w, stride=stride),
        accelerated=lambda: accelerated.correlate(x, w, stride=stride, padding="same"),
    )


def convolve(settings: Settings) -> Case:
    x, w, b = torch.randn(settings.batch, 64, 56, 56), torch.randn(64, 64, 3, 3), torch.randn(64)
    return Case(
        "convolve (flipped kernel)",
        f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1",
        native=lambda: F.conv2d(x, torch.flip(w, (2, 3)), b, padding=1),
        accelerated=lambda: accelerated.convolve(x, w, b, padding=1),
    )


def depthwise_separable(settings: Settings) -> Case:
    channels, out_channels = 64, 128
    x = torch.randn(settings.batch, channels, 56, 56)
    dw, pw, b = torch.randn(channels, 1, 3, 3), torch.randn(out_channels, channels, 1, 1), torch.randn(out_channels)
    return Case(
        "depthwise_separable",
        f"x {dims(x.shape)}, dw {dims(dw.shape)}, pw {dims(pw.shape)}, pad 1",
        native=lambda: F.conv2d(F.conv2d(x, dw, padding=1, groups=channels), pw, b),
        accelerated=lambda: accelerated.depthwise_separable(x, dw, pw, b, padding=1),
    )


def overhead_probe(settings: Settings) -> Case:
    x, w = torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3)
    return Case(
        "overhead probe (tiny)",
        f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1",
        native=lambda: F.conv2d(x, w, padding=1),
        accelerated=lambda: accelerated.correlate(x, w, padding=1),
        has_target=False,
    )


def all_cases(settings: Settings) -> list[Case]:
    return [
        native_control(settings),
        correlate_2d(settings),
        correlate_1d(settings),
        correlate_3d(settings),
        depthwise(settings),
        strided_same(settings, kernel=3),
        strided_same(settings, kernel=4),
        convolve(settings),
        depthwise_separable(settings),
        overhead_probe(settings),
    ]


# ---------------------------------------------------------------------------
# The numpy reference


def report_reference(settings: Settings) -> None:
    """The numpy reference on a test-sized call, against native torch on the same numbers."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 8, 8), dtype=np.float32)
    w = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)
    x_t, w_t = torch.from_numpy(x), torch.from_numpy(w)

    def reference_call():
        return reference.correlate(x, w, padding="same")

    def native_call():
        return F.conv2d(x_t, w_t, padding="same")

    def accelerated_call():
        return accelerated.correlate(x_t, w_t, padding="same")

    check_outputs_match("reference correlate", native_call(), reference_call())
    check_outputs_match("accelerated correlate (small)", native_call(), accelerated_call())
    versus_reference = time_side_by_side(native_call, reference_call, settings)
    versus_accelerated = time_side_by_side(native_call, accelerated_call, settings)
    print()
    print("numpy reference, x 2x3x8x8 float32, w 4x3x3x3, padding='same' (a typical test-size call):")
    print(f"  convspec.reference.correlate   {versus_reference.second_seconds * 1e3:10.3f} ms per call "
          f"({versus_reference.second_seconds:.2e} s)")
    print(f"  F.conv2d(padding='same')       {versus_reference.first_seconds * 1e3:10.3f} ms per call")
    print(f"  convspec.accelerated.correlate {versus_accelerated.second_seconds * 1e3:10.3f} ms per call")
    print(f"  ratio reference / native   = {versus_reference.ratio:8.1f}  (spread {versus_reference.spread:.1f})")
    print(f"  ratio accelerated / native = {versus_accelerated.ratio:8.3f}  (spread {versus_accelerated.spread:.3f})")


def main(argv: list[str] | None = None) -> None:
    run_benchmark("convolution", __doc__.splitlines()[0], all_cases, argv, after=report_reference)


if __name__ == "__main__":
    main()
