"""How much convspec's activations and dense layer cost on top of native torch.

Run ``python benchmarks/bench_activations.py`` (under a minute on 2 CPU cores) or ``--quick``.
``--threads N`` sets ``torch.set_num_threads``; ``--block-ms`` the length of one timed block.
Timing, output check and table: ``benchmarks/timing.py`` (alternating blocks, median of
per-repetition ratios, as ``bench_conv.py``).

What is measured
----------------
Every row times ``convspec.accelerated`` against the native torch call that means the same, on
the same tensors: ``relu`` against ``torch.relu``, ``sigmoid`` against ``torch.sigmoid`` (convspec
adds one read-only pass, ``torch.amin``, to find whether any element lies in the far negative tail
where ``torch.sigmoid`` underflows to 0 early, and only then a ``torch.where`` with ``exp``: this table
prices the pass, about 0.4x a sigmoid, the cost of a right answer below -88.7 in float32), ``softmax`` against ``torch.softmax``, ``flatten`` against
``torch.flatten(x, 1)`` and ``dense`` against ``F.linear``. Inputs: a feature map of
``N x 64 x 56 x 56`` and, for softmax and dense, ``N x 1000`` logits and ``N x 4096`` features
into 1000 outputs. An overhead probe (a 1x8 input: convspec's fixed per-call cost, its argument
checks) has no target; a control row times ``torch.relu`` against itself (the noise of the machine).

Before timing, each pair's outputs are compared; a mismatch stops the script.

How to read it
--------------
``ratio`` = accelerated / native; 1.00 means no overhead, the target is 1.05 (rows over it are
listed at the end). Read every ratio against the control row's distance from 1.00.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark


def all_cases(settings: Settings) -> list[Case]:
    x = torch.randn(settings.batch, 64, 56, 56)
    logits = torch.randn(settings.batch, 1000) * 4
    features = torch.randn(settings.batch, 4096)
    weight, bias = torch.randn(1000, 4096) / 64, torch.randn(1000)
    tiny = torch.randn(1, 8)
    return [
        control("native/native", f"x {dims(x.shape)}, torch.relu", lambda: torch.relu(x)),
        Case("relu", f"x {dims(x.shape)}", native=lambda: torch.relu(x), accelerated=lambda: accelerated.relu(x)),
        Case("sigmoid", f"x {dims(x.shape)}", native=lambda: torch.sigmoid(x), accelerated=lambda: accelerated.sigmoid(x)),
        Case("softmax (last axis)", f"x {dims(logits.shape)}",
             native=lambda: torch.softmax(logits, dim=-1), accelerated=lambda: accelerated.softmax(logits)),
        Case("softmax (channels)", f"x {dims(x.shape)}, axis 1",
             native=lambda: torch.softmax(x, dim=1), accelerated=lambda: accelerated.softmax(x, axis=1)),
        Case("flatten", f"x {dims(x.shape)}",
             native=lambda: torch.flatten(x, 1), accelerated=lambda: accelerated.flatten(x)),
        Case("dense", f"x {dims(features.shape)}, weight {dims(weight.shape)}, bias",
             native=lambda: F.linear(features, weight, bias), accelerated=lambda: accelerated.dense(features, weight, bias),
             tolerance=1e-4),
        Case("overhead probe (tiny)", f"x {dims(tiny.shape)}, softmax",
             native=lambda: torch.softmax(tiny, dim=-1), accelerated=lambda: accelerated.softmax(tiny), has_target=False),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("activations", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
