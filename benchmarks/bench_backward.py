"""How much convspec costs on top of native torch in a training step: forward plus ``loss.backward()``.

Run ``python benchmarks/bench_backward.py`` or ``python benchmarks/bench_backward.py --quick``
(smaller batches, fewer repetitions, under a minute). ``--threads N`` sets
``torch.set_num_threads``.

What is measured
----------------
Every row times one training step's worth of work on the same leaf tensors, twice:
through ``torch.nn.functional`` directly (*native*) and through ``convspec.accelerated``
(same meaning). A step is: clear the leaves' ``.grad``, run the forward, and
``out.backward(grad_out)`` with a fixed upstream gradient (what ``loss.backward()``
hands the layer). The returned value is the tuple of the leaves' gradients, which are
compared before timing (``torch.testing.assert_close``), so both sides must compute the
same gradients.

* ``correlate`` 2-D at a ResNet stage (64 channels, 56x56, 3x3, bias), a strided
  ``padding="same"`` one (native: ``F.pad`` with the TensorFlow pads, then ``F.conv2d``),
  and 1-D;
* ``max_pool`` 2x2/2 (VGG) and 3x3/2 with padding 1 (ResNet stem), and one with per-side
  padding that torch cannot take (native: ``F.pad`` with ``-inf``, then ``F.max_pool2d``);
* ``avg_pool`` 2x2/2 and 3x3/1 padding 1 with ``count_include_pad=False`` (Inception);
* ``conv_transpose`` 4x4/2 padding 1 (DCGAN generator) and a ``"same"`` stride-2 one
  (native: ``F.conv_transpose2d`` then the crop by slicing);
* a *control* row: the native step timed against itself (the noise floor).

The machinery (alternating blocks, medians, the ratio and spread columns, the 1.05
target) is ``benchmarks/timing.py``'s, shared with every ``bench_*.py`` script.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec import accelerated
from timing import Case, Settings, control, dims, run_benchmark, tf_same_pads


def training_step(forward, leaves, grad_out):
    """A callable: clear the gradients, forward, backward with ``grad_out``; returns the gradients."""

    def step():
        for leaf in leaves:
            leaf.grad = None
        forward().backward(grad_out)
        return tuple(leaf.grad for leaf in leaves)

    return step


def leaves(*shapes):
    return [torch.randn(*shape, requires_grad=True) for shape in shapes]


def backward_case(name, shape, native, convspec_call, leaf_tensors, has_target=True):
    with torch.no_grad():
        grad_out = torch.randn_like(native())
    return Case(
        name,
        shape,
        native=training_step(native, leaf_tensors, grad_out),
        accelerated=training_step(convspec_call, leaf_tensors, grad_out),
        has_target=has_target,
        tolerance=1e-4,
    )


# ---------------------------------------------------------------------------
# Cases


def correlate_2d(settings: Settings) -> Case:
    x, w, b = leaves((settings.batch, 64, 56, 56), (64, 64, 3, 3), (64,))
    return backward_case(
        "correlate 2-D", f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1",
        lambda: F.conv2d(x, w, b, padding=1), lambda: accelerated.correlate(x, w, b, padding=1), [x, w, b],
    )


def correlate_same_strided(settings: Settings) -> Case:
    x, w = leaves((settings.batch, 64, 56, 56), (128, 64, 3, 3))
    pads = tf_same_pads(x.shape[2:], w.shape[2:], (2, 2))
    return backward_case(
        "correlate same, stride 2", f"x {dims(x.shape)}, w {dims(w.shape)}, F.pad {pads}",
        lambda: F.conv2d(F.pad(x, pads), w, stride=2),
        lambda: accelerated.correlate(x, w, stride=2, padding="same"), [x, w],
    )


def correlate_1d(settings: Settings) -> Case:
    x, w, b = leaves((settings.batch, 64, 1024), (64, 64, 5), (64,))
    return backward_case(
        "correlate 1-D", f"x {dims(x.shape)}, w {dims(w.shape)}, pad 2",
        lambda: F.conv1d(x, w, b, padding=2), lambda: accelerated.correlate(x, w, b, padding=2), [x, w, b],
    )


def max_pool_vgg(settings: Settings) -> Case:
    (x,) = leaves((settings.batch, 64, 112, 112))
    return backward_case(
        "max_pool 2x2/2", f"x {dims(x.shape)}",
        lambda: F.max_pool2d(x, 2), lambda: accelerated.max_pool(x, 2), [x],
    )


def max_pool_stem(settings: Settings) -> Case:
    (x,) = leaves((settings.batch, 64, 112, 112))
    return backward_case(
        "max_pool 3x3/2 pad 1", f"x {dims(x.shape)}",
        lambda: F.max_pool2d(x, 3, 2, 1), lambda: accelerated.max_pool(x, 3, stride=2, padding=1), [x],
    )


def max_pool_per_side(settings: Settings) -> Case:
    """Padding (0, 1) per axis: torch's max_pool2d cannot take it; native pads with -inf by hand."""
    (x,) = leaves((settings.batch, 64, 112, 112))
    return backward_case(
        "max_pool 2x2/2 pad (0,1)", f"x {dims(x.shape)}, F.pad -inf",
        lambda: F.max_pool2d(F.pad(x, [0, 1, 0, 1], value=float("-inf")), 2),
        lambda: accelerated.max_pool(x, 2, padding=((0, 1), (0, 1))), [x],
    )


def avg_pool_vgg(settings: Settings) -> Case:
    (x,) = leaves((settings.batch, 64, 112, 112))
    return backward_case(
        "avg_pool 2x2/2", f"x {dims(x.shape)}",
        lambda: F.avg_pool2d(x, 2), lambda: accelerated.avg_pool(x, 2), [x],
    )


def avg_pool_inception(settings: Settings) -> Case:
    (x,) = leaves((settings.batch, 64, 56, 56))
    return backward_case(
        "avg_pool 3x3/1 pad 1 excl. pad", f"x {dims(x.shape)}",
        lambda: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False),
        lambda: accelerated.avg_pool(x, 3, stride=1, padding=1, count_include_pad=False), [x],
    )


def conv_transpose_dcgan(settings: Settings) -> Case:
    x, w, b = leaves((settings.batch, 128, 16, 16), (128, 64, 4, 4), (64,))
    return backward_case(
        "conv_transpose 4x4/2 pad 1", f"x {dims(x.shape)}, w {dims(w.shape)}",
        lambda: F.conv_transpose2d(x, w, b, stride=2, padding=1),
        lambda: accelerated.conv_transpose(x, w, b, stride=2, padding=1), [x, w, b],
    )


def conv_transpose_same(settings: Settings) -> Case:
    """``"same"`` with stride 2 and a 3x3 kernel: buffer 2n+1, crop (0, 1); native slices the last cell off."""
    x, w = leaves((settings.batch, 128, 16, 16), (128, 64, 3, 3))
    return backward_case(
        "conv_transpose same, stride 2", f"x {dims(x.shape)}, w {dims(w.shape)}, slice",
        lambda: F.conv_transpose2d(x, w, stride=2)[:, :, :-1, :-1],
        lambda: accelerated.conv_transpose(x, w, stride=2, padding="same"), [x, w],
    )


def native_control(settings: Settings) -> Case:
    x, w, b = leaves((settings.batch, 64, 56, 56), (64, 64, 3, 3), (64,))
    case = backward_case("", "", lambda: F.conv2d(x, w, b, padding=1), lambda: F.conv2d(x, w, b, padding=1), [x, w, b])
    return control("native/native", f"x {dims(x.shape)}, w {dims(w.shape)}, pad 1", case.native)


def all_cases(settings: Settings) -> list[Case]:
    return [
        native_control(settings),
        correlate_2d(settings),
        correlate_same_strided(settings),
        correlate_1d(settings),
        max_pool_vgg(settings),
        max_pool_stem(settings),
        max_pool_per_side(settings),
        avg_pool_vgg(settings),
        avg_pool_inception(settings),
        conv_transpose_dcgan(settings),
        conv_transpose_same(settings),
    ]


def main(argv: list[str] | None = None) -> None:
    run_benchmark("backward (forward + loss.backward)", __doc__.splitlines()[0], all_cases, argv)


if __name__ == "__main__":
    main()
