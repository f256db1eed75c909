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
