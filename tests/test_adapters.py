"""Each library adapter on a few operations, with a small example count (the libraries are the
`adapters` extra; an adapter's tests skip only when its library is not installed).

An adapter must agree with the reference wherever it declares support, apart from the
divergences it documents (each a finding: which side is the odd one out, with the docs)."""

from __future__ import annotations

import numpy as np
import pytest

from convspec.conformance import catalog
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import load_target

EXAMPLES = 12
LIBRARY = {"torch": "torch", "numpy": "numpy", "scipy": "scipy", "jax": "jax", "onnxruntime": "onnxruntime",
           "skimage": "skimage"}
OPS = {
    "torch": ("correlate", "conv_transpose", "max_pool", "avg_pool", "max_unpool", "upsample"),
    "numpy": ("correlate", "convolve"),
    "scipy": ("correlate", "max_pool"),
    "jax": ("correlate", "conv_transpose", "max_pool", "avg_pool", "upsample"),
    "onnxruntime": ("correlate", "conv_transpose", "max_pool", "avg_pool", "max_unpool", "upsample"),
    "skimage": ("max_pool", "avg_pool"),
}
CASES = [(name, op) for name, ops in OPS.items() for op in ops]


@pytest.fixture(scope="module")
def targets():
    return {}


def _target(targets, name):
    pytest.importorskip(LIBRARY[name])
    if name not in targets:
        targets[name] = load_target(name)
    return targets[name]


@pytest.mark.parametrize("name, op", CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_adapter_agrees_where_it_claims_support(targets, name, op):
    target = _target(targets, name)
    result = run_operation(catalog.get(op), target, examples=EXAMPLES, derandomize=True,
                           divergences=target.known_divergences)
    assert result.status in ("passed", "expected divergence"), (
        f"{target.name}: {op}: {result.status}: "
        + (f"{result.failure.case.describe()}: {result.failure.reason}" if result.failure else "")
    )
    assert result.examples > 0, f"{target.name}: no supported {op} case drawn: {dict(result.unsupported_reasons)}"
    for reason in result.unsupported_reasons:
        assert isinstance(reason, str) and reason, f"{target.name}: {op}: an unsupported case needs a reason"


@pytest.mark.parametrize("name", sorted(OPS))
def test_adapter_refuses_what_it_declares_unsupported(targets, name):
    """A case the adapter calls unsupported raises a clear error if called anyway (never a silent wrong answer)
    or, for the libraries that refuse it themselves, an error from the library."""
    target = _target(targets, name)
    op = catalog.get(OPS[name][0])
    found = []

    from hypothesis import given, settings

    @settings(max_examples=200, database=None, deadline=None, derandomize=True)
    @given(op.strategy())
    def hunt(case):
        if len(found) < 3 and target.unsupported_reason(op.name, case) is not None:
            found.append(case)

    hunt()
    for case in found:
        try:
            target.functions[op.name](*case.copies(), **case.params)
        except Exception:
            continue  # refused, as declared
        # a library may compute an unsupported case anyway; then the adapter must not claim support for it
        assert target.unsupported_reason(op.name, case) is not None


def test_numpy_same_is_same_lower_for_even_kernels():
    """The finding the numpy adapter documents, by hand: numpy's 'same' puts an even kernel's extra zero low."""
    from convspec import reference

    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([1.0, 10.0])
    assert np.correlate(x, w, "same").tolist() == [10.0, 21.0, 32.0, 43.0]  # windows start at -1: 0*1 + 1*10, ...
    as_lower = reference.correlate(x[None, None], w[None, None], padding="same_lower")[0, 0]
    as_same = reference.correlate(x[None, None], w[None, None], padding="same")[0, 0]
    assert as_lower.tolist() == [10.0, 21.0, 32.0, 43.0] and as_same.tolist() == [21.0, 32.0, 43.0, 4.0]


def test_onnxruntime_max_pool_indices_are_per_plane(targets):
    target = _target(targets, "onnxruntime")
    x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    values, indices = target.functions["max_pool"](x, 2, return_indices=True)
    assert values.tolist() == (x[..., 1::2]).tolist() and indices.tolist() == [[[1, 3]] * 3] * 2


def test_scipy_maximum_filter_skips_nan():
    """The scipy.ndimage finding, by hand: a NaN inside the window does not win the maximum."""
    ndimage = pytest.importorskip("scipy.ndimage")
    y = ndimage.maximum_filter(np.array([1.0, np.nan, 3.0]), size=3, mode="constant", cval=-np.inf)
    assert not np.isnan(y).all()  # convspec's max_pool: every window holding the NaN is NaN


def _declared(target, case) -> bool:
    """Whether one of the target's known divergences covers this case (whatever the failure's wording)."""
    return any(d.applies_to(case.op) and d.matches(case, "") for d in target.known_divergences)


@pytest.mark.parametrize("name", ["torch", "onnxruntime"])
def test_linear_axis_of_unchanged_length_is_copied_and_declared(targets, name):
    """2 samples scaled by 1.25 stay 2 samples: the library copies [0, 10]; convspec interpolates with the
    step 1/1.25 (s = (t + 1/2) * 4/5 - 1/2 = 7/10 at t = 1, so 0 + 7/10 * 10 = 7), by hand."""
    from convspec import reference
    from convspec.conformance.case import Case

    target = _target(targets, name)
    x = np.array([[[0.0, 10.0]]], dtype=np.float32)
    params = {"scale_factor": 1.25, "mode": "linear", "align_corners": False}
    assert target.functions["upsample"](x, **params).tolist() == [[[0.0, 10.0]]]
    assert np.allclose(reference.upsample(x, **params), [[[0.0, 7.0]]])
    assert _declared(target, Case("upsample", {"x": x}, params, "integers"))


def test_onnxruntime_max_pool_keeps_nan_only_as_a_windows_first_cell(targets):
    from convspec.conformance.case import Case

    target = _target(targets, "onnxruntime")
    x = np.array([[[np.nan, 1.0, 2.0, np.nan]]], dtype=np.float32)
    got = target.functions["max_pool"](x, 2)
    assert np.isnan(got[0, 0, 0]) and got[0, 0, 1] == 2.0  # convspec: nan, nan
    assert _declared(target, Case("max_pool", {"x": x}, {"kernel_size": 2}, "floats"))



# [0, 0, 0, 256] resized to 8 with Keys' a = -1/2, half-pixel, by hand. W(d) = 3/2|d|^3 - 5/2|d|^2 + 1 for
# |d| <= 1, -1/2(|d|^3 - 5|d|^2 + 8|d| - 4) for 1 < |d| < 2: W(1/4) = 111/128, W(3/4) = 29/128,
# W(5/4) = -9/128, W(7/4) = -3/128 (they sum to 1). s = t/2 - 1/4; the taps are j = floor(s) - 1 .. floor(s) + 2
# and only x[3] = 256 is non-zero. t = 3 (s = 5/4): j = 3 at d = -7/4: -6; t = 4 (s = 7/4): d = -5/4: -18.
# t = 5 (s = 9/4): j = 3 (d = -3/4) and j = 4 (d = -7/4), past the edge. Clamped to x[3] (convspec, torch,
# ONNX exclude_outside=0): 256 (29 - 3)/128 = 52; t = 6: 256 (111 - 9)/128 = 204; t = 7 (j = 3, 4, 5):
# 256 (111 + 29 - 3)/128 = 274. Dropped and renormalised (scale_and_translate): t = 5 keeps j = 1, 2, 3 with
# weights summing to (-9 + 111 + 29)/128 = 131/128: 256 * 29/131 = 56.67; t = 6: 256 * 111/137 = 207.42;
# t = 7 keeps j = 2, 3: 256 * 111/102 = 278.59.
CUBIC_ROW = np.array([[[[0.0, 0.0, 0.0, 256.0]]]], dtype=np.float32)
CUBIC_PARAMS = {"size": (1, 8), "mode": "bicubic", "align_corners": False, "cubic_coefficient": -0.5}
CUBIC_CLAMPED = [0, 0, 0, -6, -18, 52, 204, 274]
CUBIC_RENORMALISED = [0, 0, 0, -6, -18, 256 * 29 / 131, 256 * 111 / 137, 256 * 111 / 102]


def test_cubic_row_by_hand_in_the_reference_and_onnxruntime(targets):
    from convspec import reference

    assert reference.upsample(CUBIC_ROW, **CUBIC_PARAMS)[0, 0, 0].tolist() == CUBIC_CLAMPED
    target = _target(targets, "onnxruntime")
    assert np.allclose(target.functions["upsample"](CUBIC_ROW, **CUBIC_PARAMS)[0, 0, 0], CUBIC_CLAMPED, atol=1e-4)


def test_jax_cubic_renormalises_at_the_edge_and_is_declared(targets):
    from convspec.conformance.case import Case

    target = _target(targets, "jax")
    got = np.asarray(target.functions["upsample"](CUBIC_ROW, **CUBIC_PARAMS))[0, 0, 0]
    assert np.allclose(got, CUBIC_RENORMALISED, atol=1e-4), got
    assert _declared(target, Case("upsample", {"x": CUBIC_ROW}, CUBIC_PARAMS, "integers"))
    interior = Case("upsample", {"x": np.ones((1, 1, 1, 1), np.float32)}, {**CUBIC_PARAMS, "size": (1, 1)},
                    "integers")  # one sample to one: s = 0, the taps past the edges have weight W(±1) = W(2) = 0
    assert not _declared(target, interior)
    assert target.unsupported_reason("upsample", Case("upsample", {"x": CUBIC_ROW}, {**CUBIC_PARAMS,
                                                      "cubic_coefficient": -0.75}, "integers"))


def test_jax_compile_options_are_named_and_fall_back_to_xla_defaults(targets, monkeypatch):
    """The jax adapter's programs compile with FAST_COMPILE on the CPU, named in the report's versions;
    CONVSPEC_JAX_COMPILE=default, a GPU, or an option this jaxlib refuses leave XLA's defaults, and an option
    the user sets in XLA_FLAGS is left to XLA_FLAGS."""
    target = _target(targets, "jax")
    import jax

    from convspec.conformance.adapters import jax as adapter

    monkeypatch.delenv("XLA_FLAGS", raising=False)
    monkeypatch.delenv("CONVSPEC_JAX_COMPILE", raising=False)
    fast = dict(adapter.FAST_COMPILE)
    assert fast["xla_backend_optimization_level"] == 0
    assert adapter._compile_options(jax, "cpu") == fast
    assert target.versions["jax compile options"] == ", ".join(f"{k}={v}" for k, v in fast.items())
    assert adapter._compile_options(jax, "gpu") == {}
    monkeypatch.setenv("XLA_FLAGS", "--xla_backend_optimization_level=2")
    assert adapter._compile_options(jax, "cpu") == {k: v for k, v in fast.items()
                                                    if k != "xla_backend_optimization_level"}
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setattr(adapter, "FAST_COMPILE", adapter.FAST_COMPILE + (("xla_no_such_option_here", 1),))
    assert adapter._compile_options(jax, "cpu") == {}
    monkeypatch.setenv("CONVSPEC_JAX_COMPILE", "default")
    assert adapter._compile_options(jax, "cpu") == {}


def test_onnxruntime_dilated_average_pool_by_hand(targets):
    """x = [1, 2, 4, 8, 16], kernel 2, dilation 2, stride 1, padding 1: taps (-1, 1), (0, 2), (1, 3), (2, 4),
    (3, 5). Counted padding: [2/2, 5/2, 10/2, 20/2, 8/2] = [1, 2.5, 5, 10, 4]; not counted: the first and last
    windows hold one input tap each: [2, 2.5, 5, 10, 8]. With 'same' (output ceil(5/1) = 5, total padding
    d(k - 1) = 2) convspec gives the same; onnxruntime's SAME_UPPER pads by the undilated k - 1 = 1 and returns
    4 values (declared)."""
    from convspec import reference
    from convspec.conformance.case import Case

    target = _target(targets, "onnxruntime")
    x = np.array([[[1.0, 2.0, 4.0, 8.0, 16.0]]], dtype=np.float32)
    for include, expected in ((True, [1, 2.5, 5, 10, 4]), (False, [2, 2.5, 5, 10, 8])):
        params = {"kernel_size": 2, "stride": 1, "padding": 1, "dilation": 2, "count_include_pad": include}
        assert reference.avg_pool(x, **params)[0, 0].tolist() == expected
        assert target.functions["avg_pool"](x, **params)[0, 0].tolist() == expected
    same = {"kernel_size": 2, "stride": 1, "padding": "same", "dilation": 2, "count_include_pad": False}
    assert reference.avg_pool(x, **same)[0, 0].tolist() == [2, 2.5, 5, 10, 8]
    assert target.functions["avg_pool"](x, **same).shape[-1] == 4
    assert _declared(target, Case("avg_pool", {"x": x}, same, "integers"))
