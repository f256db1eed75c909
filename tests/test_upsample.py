"""The upsampling family: upsample (nearest, nearest_exact, linear, bilinear, trilinear).

Sections:

1. the spec's closed forms (output length, coordinate mappings, counts) against the
   reference's enumeration and exact coordinates, symbolically and on drawn numbers;
2. output shapes, including more than three spatial axes and decimal scale factors;
3. where torch's arithmetic differs from the exact answer, and that convspec.accelerated
   gives the exact one anyway;
4. dtypes, autograd and the execution paths of the accelerated implementation;
5. bad input: the reference and the accelerated implementation raise the same error,
   and no implementation modifies or returns its input;
6. the tolerance model of the linear modes;
7. the catalog's literal worked examples.

The properties (nearest as numpy.repeat and average unpooling, align_corners, linear
ramps, bit copies) are in tests/test_upsample_properties.py; the shared helpers in
tests/upsample_helpers.py.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import convspec.spec.upsample as spec_upsample
from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.families.upsample.strategies import ROUNDING_BOUNDARIES, SCALE_FACTORS
from convspec.conformance.families.upsample.tolerances import upsample_tolerance
from convspec.conformance.tolerance import compare

from upsample_helpers import (
    IMPLEMENTATIONS,
    INTERPOLATING,
    LINEAR,
    NEAREST,
    OP,
    accelerated_upsample,
    assert_identical,
    assert_within_model,
    describe,
    reference_upsample,
    run,
    scale_value,
)


# --------------------------------------------------------------------------------------
# 1. Closed forms vs the reference
# --------------------------------------------------------------------------------------


def test_spec_docstring_examples_hold():
    result = doctest.testmod(spec_upsample, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 10, result


@st.composite
def axes(draw, modes=spec_upsample.MODES):
    """One axis of a call: mode, align_corners, n, and a size or a scale factor."""
    mode = draw(st.sampled_from(modes))
    align = mode in INTERPOLATING and draw(st.booleans())
    n = draw(st.integers(1, 30))
    if draw(st.booleans()):
        return mode, align, n, {"size": draw(st.integers(1, 90))}
    factor = draw(st.sampled_from(SCALE_FACTORS + (Fraction(7, 3), 0.29, 1.16)))
    n = max(n, math.ceil(1 / scale_value(factor)))
    return mode, align, n, {"scale_factor": factor}


def _arguments(mode, align, n, given_):
    spatial = spec_upsample.INTERPOLATING_MODES.get(mode, 1)
    shape = (1, 1) + (n,) * spatial
    return spec_upsample.check_upsample_arguments(
        "upsample", shape, scale_factor=given_.get("scale_factor"), size=given_.get("size"),
        mode=mode, align_corners=align,
    )


@given(axes())
def test_output_length_closed_form_equals_reference_enumeration(axis):
    mode, align, n, given_ = axis
    args = _arguments(mode, align, n, given_)
    enumerated = reference_upsample.output_length(args, 0)
    assert args.output_size[0] == enumerated, f"n={n}, {given_}: spec {args.output_size[0]}, reference {enumerated}"
    if "scale_factor" in given_:
        sigma = scale_value(given_["scale_factor"])
        assert enumerated == spec_upsample.output_length(n, sigma) == math.floor(n * sigma)
        # the definition: the unit cells [t, t + 1) that fit in [0, n sigma)
        assert enumerated <= n * sigma < enumerated + 1


@given(axes())
def test_coordinate_closed_forms_equal_reference_taps(axis):
    mode, align, n, given_ = axis
    args = _arguments(mode, align, n, given_)
    o, r = args.output_size[0], args.steps[0]
    assert r == reference_upsample.step(args, 0), f"step for n={n}, {given_}"
    what = f"{mode}, align_corners={align}, n={n}, {given_}"
    for t, (s, neighbours) in enumerate(reference_upsample.axis_taps(args, 0)):
        if mode == "nearest":
            assert neighbours == ((spec_upsample.nearest_source(t, n, r), 1),), f"{what}, t={t}"
        elif mode == "nearest_exact":
            assert neighbours == ((spec_upsample.nearest_exact_source(t, n, r), 1),), f"{what}, t={t}"
        elif mode == "bicubic":
            closed = spec_upsample.align_corners_source(t, n, o) if align else spec_upsample.cubic_half_pixel_source(t, r)
            assert s == closed, f"{what}, t={t}: spec s = {closed}, reference {s}"
            assert neighbours == spec_upsample.cubic_taps(closed, n, Fraction(-3, 4)), f"{what}, t={t}"
            assert sum(w for _, w in neighbours) == 1  # Keys' weights sum to 1 for every a
        else:
            closed = spec_upsample.linear_source(t, n, o, r, align)
            assert s == closed, f"{what}, t={t}: spec s = {closed}, reference {s}"
            i0, i1, lam = spec_upsample.linear_neighbours(closed, n)
            assert neighbours == ((i0, 1 - lam), (i1, lam)), f"{what}, t={t}"
            assert 0 <= i0 <= i1 <= n - 1 and 0 <= lam < 1


def test_symbolic_coordinate_mappings():
    t, n, o, r = spec_upsample.t, spec_upsample.n, spec_upsample.o, spec_upsample.r
    assert spec_upsample.nearest_source() == sympy.Min(sympy.floor(t * r), n - 1)
    assert spec_upsample.nearest_exact_source() == sympy.Min(sympy.floor((t + sympy.Rational(1, 2)) * r), n - 1)
    half_pixel = spec_upsample.half_pixel_source()
    assert half_pixel == sympy.Max((t + sympy.Rational(1, 2)) * r - sympy.Rational(1, 2), 0)
    # unclamped, the centre of output cell t, (t + 1/2) r, is the centre of input sample s: s + 1/2
    unclamped = half_pixel.args[1] if half_pixel.args[0] == 0 else half_pixel.args[0]
    assert sympy.simplify(unclamped + sympy.Rational(1, 2) - (t + sympy.Rational(1, 2)) * r) == 0
    corners = spec_upsample.align_corners_source()
    assert corners.subs(o, 1) == 0
    at = corners.subs(o, o + 1)  # o >= 2 branch: the ends meet
    assert sympy.simplify(at.subs(t, 0)) == 0 and sympy.simplify(at.subs(t, o) - (n - 1)) == 0
    assert spec_upsample.output_length() == sympy.floor(spec_upsample.n * spec_upsample.sigma)
    assert spec_upsample.coordinate_step() == n / o
    assert spec_upsample.coordinate_step(sigma=spec_upsample.sigma) == 1 / spec_upsample.sigma


def test_counts():
    assert spec_upsample.upsample_parameter_count() == 0
    c, b, o = spec_upsample.channels, spec_upsample.batch, spec_upsample.o
    for mode, dims in spec_upsample.LINEAR_MODES.items():
        count = spec_upsample.upsample_multiply_adds(mode, (o,) * dims)
        assert sympy.simplify(count - b * c * o**dims * 2**dims) == 0, mode
    assert spec_upsample.upsample_multiply_adds("nearest", (o, o)) == 0
    assert spec_upsample.upsample_multiply_adds("bilinear", (4, 6), 3, 2) == 2 * 3 * 24 * 4
    # 2^D taps per output: what the reference's corner loop visits
    x = np.ones((1, 1, 2, 3))
    args = spec_upsample.check_upsample_arguments("upsample", x.shape, scale_factor=2, size=None, mode="bilinear", align_corners=False)
    taps = [reference_upsample.axis_taps(args, a) for a in range(2)]
    visited = sum(len(t0[1]) * len(t1[1]) for t0, t1 in product(*taps))
    assert visited == spec_upsample.upsample_multiply_adds("bilinear", args.output_size, 1, 1)


# --------------------------------------------------------------------------------------
# 2. Shapes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    "shape, params, expected",
    [
        ((1, 1, 5), {"scale_factor": 1.5}, (1, 1, 7)),
        ((2, 3, 4, 6), {"scale_factor": (0.5, Fraction(1, 3))}, (2, 3, 2, 2)),
        # the float 1/3 stands for its decimal 0.3333333333333333, and 6 times that is below 2 (torch: 2)
        ((2, 3, 4, 6), {"scale_factor": (0.5, 1 / 3)}, (2, 3, 2, 1)),
        ((1, 1, 10), {"scale_factor": 0.7}, (1, 1, 7)),
        ((1, 1, 100), {"scale_factor": 0.29}, (1, 1, 29)),  # torch: 28
        ((1, 1, 25), {"scale_factor": 1.16}, (1, 1, 29)),  # torch: 28
        ((1, 1, 9), {"scale_factor": Fraction(2, 3)}, (1, 1, 6)),
        ((1, 2, 3, 2, 2, 2), {"scale_factor": 2}, (1, 2, 6, 4, 4, 4)),  # 4 spatial axes, nearest only
        ((1, 1, 3, 4), {"size": (5, 1)}, (1, 1, 5, 1)),
        ((0, 2, 3), {"size": 6}, (0, 2, 6)),  # an empty batch
    ],
)
def test_output_shape(implementation, shape, params, expected):
    x = np.zeros(shape, dtype=np.float32)
    assert run(implementation, x, **params).shape == expected, describe(x, params)
    args = spec_upsample.check_upsample_arguments(
        "upsample", shape, scale_factor=params.get("scale_factor"), size=params.get("size"), mode="nearest", align_corners=False
    )
    assert spec_upsample.upsample_output_shape(shape, args) == expected


# --------------------------------------------------------------------------------------
# 3. Where torch differs (torch 2.13, CPU), and convspec.accelerated does not
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode, n, params", ROUNDING_BOUNDARIES, ids=[f"{m}-{n}-{p}" for m, n, p in ROUNDING_BOUNDARIES])
def test_torch_float32_nearest_index_rounds_across_exact_boundaries(mode, n, params):
    x = np.arange(n, dtype=np.float32)[None, None]
    exact = reference.upsample(x, mode=mode, **params)
    torch_result = F.interpolate(torch.from_numpy(x), mode=mode.replace("_", "-"), **params).numpy()
    assert exact.shape == torch_result.shape
    differs = np.argwhere(exact != torch_result)
    assert len(differs) > 0, f"torch now agrees with the exact index for {mode} {n} {params}: update spec/upsample.py's findings"
    t = int(differs[0][-1])
    assert torch_result[0, 0, t] == exact[0, 0, t] - 1, "torch reads the sample before the exact boundary"
    assert_identical(exact, run("accelerated", x, mode=mode, **params), f"accelerated {mode} {n} {params}")


def test_torch_output_length_is_the_float64_product_floored():
    x = torch.zeros(1, 1, 100)
    assert F.interpolate(x, scale_factor=0.29).shape[-1] == 28, "torch now gives 29: update the findings"
    assert accelerated.upsample(x, scale_factor=0.29).shape[-1] == 29 == math.floor(100 * Fraction(29, 100))
    assert accelerated.upsample(torch.zeros(1, 1, 10), scale_factor=0.7).shape[-1] == 7  # the binary 0.7 would give 6


@pytest.mark.parametrize("mode, shape, scale", [("linear", (1, 1, 2), 1.1), ("bilinear", (1, 1, 2, 3), (1.1, 2)), ("trilinear", (1, 1, 3, 2, 2), (1.25, 1.2, 2))])
def test_torch_linear_copies_axes_of_unchanged_length_and_accelerated_does_not(mode, shape, scale):
    x = np.arange(math.prod(shape), dtype=np.float64).reshape(shape) * 10
    exact = reference.upsample(x, scale_factor=scale, mode=mode)
    torch_result = F.interpolate(torch.from_numpy(x), scale_factor=scale, mode=mode).numpy()
    assert exact.shape == torch_result.shape
    assert not np.allclose(exact, torch_result), "torch now interpolates these axes: update the findings"
    case = Case("upsample", {"x": x}, {"scale_factor": scale, "mode": mode}, "integers")
    assert_within_model(exact, run("accelerated", x, scale_factor=scale, mode=mode), case, f"{mode} {shape} {scale}")
    if mode == "linear":  # [0, 10] -> s = 0, 19/22 -> [0, 95/11]
        assert exact[0, 0].tolist() == [0.0, float(Fraction(95, 11))]


def _is_listed_boundary(case: Case) -> bool:
    mode, n = case.params["mode"], case.inputs["x"].shape[-1]
    return any(
        mode == m and n == length and all(case.params.get(k) == v for k, v in given_.items())
        for m, length, given_ in ROUNDING_BOUNDARIES
    )


def test_torch_agrees_elsewhere_on_drawn_cases():
    """Away from the three findings torch's F.interpolate is within the tolerance model (exact for nearest)."""

    @given(OP.strategy())
    def check(case):
        x = case.inputs["x"]
        params = dict(case.params)
        mode = params.pop("mode")
        if params.pop("cubic_coefficient", -0.75) != -0.75:
            return  # torch's bicubic has a = -0.75 only
        args = spec_upsample.check_upsample_arguments(
            "upsample", x.shape, scale_factor=params.get("scale_factor"), size=params.get("size"), mode=mode,
            align_corners=params.get("align_corners", False),
        )
        if args.spatial_dims > 3 or _is_listed_boundary(case):
            return  # torch has no 4-D kernels; the listed boundaries are finding 1
        if args.scale_factor is not None:
            if any(math.floor(n * float(s)) != o for n, s, o in zip(args.input_size, args.scale_factor, args.output_size)):
                return  # finding 2: torch's float64 length differs
            if mode in LINEAR and not args.align_corners and any(
                n == o and r != 1 for n, o, r in zip(args.input_size, args.output_size, args.steps)
            ):
                return  # finding 3: torch copies that axis
            params["scale_factor"] = tuple(float(s) for s in args.scale_factor)
        result = F.interpolate(torch.from_numpy(x), mode=mode.replace("_", "-"), **params).numpy()
        comparison = compare(OP.reference(x, **case.params), result, OP.tolerance(case))
        assert comparison.passed, f"torch on {case.describe()}: {comparison.describe()}"

    check()


# --------------------------------------------------------------------------------------
# 4. dtypes, autograd, execution paths of the accelerated implementation
# --------------------------------------------------------------------------------------

DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(
    "mode, shape, params",
    [
        ("nearest", (2, 3, 5), {"scale_factor": 1.5}),
        ("nearest_exact", (1, 2, 4, 3), {"size": (7, 2)}),
        ("nearest", (1, 1, 2, 2, 2, 3), {"scale_factor": 2}),
        ("nearest", (1, 1, 2), {"size": 82}),
        ("linear", (2, 2, 5), {"scale_factor": 1.1}),
        ("bilinear", (1, 2, 3, 4), {"size": (5, 7), "align_corners": True}),
        ("trilinear", (1, 1, 3, 2, 4), {"scale_factor": (2, 1.5, 0.75)}),
        ("bicubic", (1, 2, 3, 4), {"size": (7, 5)}),  # torch's native kernel (a = -0.75)
        ("bicubic", (2, 1, 4, 3), {"scale_factor": (1.5, 0.7), "cubic_coefficient": -0.5}),  # the 4-tap sum
        ("bicubic", (1, 1, 3, 3), {"size": (5, 2), "align_corners": True, "cubic_coefficient": -1.0}),
    ],
)
def test_dtypes(dtype, mode, shape, params):
    """The output keeps the dtype; values agree with the reference on the same (rounded) inputs."""
    rng = np.random.default_rng(3)
    x64 = torch.from_numpy(rng.uniform(-2, 2, size=shape)).to(dtype)
    y = accelerated.upsample(x64, mode=mode, **params)
    assert y.dtype == dtype
    as_float64 = x64.double().numpy()  # the values the dtype holds, exactly
    expected = reference.upsample(as_float64, mode=mode, **params)
    if mode in NEAREST:
        assert_identical(expected, y.double().numpy(), f"{dtype} {mode} {params}")
        return
    name = str(dtype).removeprefix("torch.")
    model = upsample_tolerance(Case("upsample", {"x": as_float64}, {**params, "mode": mode}, "floats"), dtype=name)
    comparison = compare(expected, y.double().numpy(), model)
    assert comparison.passed, f"{dtype} {mode} {params}: {comparison.describe()}"


@pytest.mark.parametrize(
    "mode, shape, params",
    [
        ("nearest", (1, 2, 3), {"scale_factor": 2}),
        ("nearest", (1, 1, 2), {"size": 82}),  # exact-index gather
        ("nearest_exact", (1, 1, 2, 2, 2, 2), {"size": (3, 1, 4, 2)}),  # 4 spatial axes
        ("linear", (2, 1, 4), {"size": 7}),
        ("linear", (1, 1, 2), {"scale_factor": 1.1}),  # the replicated-sample path
        ("bilinear", (1, 2, 3, 3), {"scale_factor": (1.5, 0.75), "align_corners": False}),
        ("bilinear", (1, 1, 2, 3), {"size": (4, 5), "align_corners": True}),
        ("trilinear", (1, 1, 2, 2, 3), {"scale_factor": 1.5}),
        ("bicubic", (1, 2, 3, 4), {"size": (5, 6), "align_corners": False}),
        ("bicubic", (1, 1, 3, 2), {"scale_factor": 1.5, "align_corners": True, "cubic_coefficient": -0.5}),
    ],
)
def test_autograd(mode, shape, params):
    x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0), requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: accelerated.upsample(v, mode=mode, **params), (x,))


def test_native_nearest_path_is_taken_where_exact_and_gather_elsewhere():
    plan = accelerated_upsample._plan("upsample", (1, 1, 8, 8), 2, None, "nearest", False)
    x = torch.zeros(1, 1, 8, 8)
    assert accelerated_upsample._native_indices_are_exact(x, plan)
    boundary = accelerated_upsample._plan("upsample", (1, 1, 2), None, 82, "nearest", False)
    assert not accelerated_upsample._native_indices_are_exact(torch.zeros(1, 1, 2), boundary)
    assert accelerated_upsample._plan("upsample", (1, 1, 2), 1.1, None, "linear", False).copied_axes == (0,)
    assert accelerated_upsample._plan("upsample", (1, 1, 2), 1.1, None, "linear", True).copied_axes == ()


def test_plan_cache_tells_equal_but_different_arguments_apart():
    x = torch.zeros(1, 1, 3)
    accelerated.upsample(x, scale_factor=1)
    with pytest.raises(TypeError, match="scale_factor"):
        accelerated.upsample(x, scale_factor=True)
    accelerated.upsample(x, size=[4])
    accelerated.upsample(x, size=[4])  # unhashable-free key from a list: cached, same result
    with pytest.raises(TypeError, match="align_corners"):
        accelerated.upsample(x, size=4, mode="linear", align_corners=1)


def test_channels_last_and_non_contiguous_inputs():
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 2, size=(2, 3, 4, 5)).astype(np.float32)
    for mode, params in (("nearest", {"scale_factor": 2}), ("bilinear", {"size": (7, 3)}), ("nearest", {"size": (3, 82)})):
        expected = reference.upsample(x, mode=mode, **params)
        for tensor in (torch.from_numpy(x).to(memory_format=torch.channels_last), torch.from_numpy(x.transpose(0, 1, 3, 2).copy()).transpose(2, 3)):
            y = accelerated.upsample(tensor, mode=mode, **params).numpy()
            case = Case("upsample", {"x": x}, {**params, "mode": mode}, "floats")
            assert compare(expected, y, upsample_tolerance(case)).passed, f"{mode} {params}"


# --------------------------------------------------------------------------------------
# 5. Bad input
# --------------------------------------------------------------------------------------

X3 = np.zeros((1, 1, 3), dtype=np.float32)
X4 = np.zeros((1, 1, 3, 3), dtype=np.float32)

BAD_CALLS = [
    # (x, params, exception, words the message must contain)
    (X3, {"scale_factor": 2, "size": 6}, ValueError, ["exactly one of scale_factor and size", "both"]),
    (X3, {}, ValueError, ["exactly one of scale_factor and size", "neither"]),
    (X3, {"scale_factor": 0}, ValueError, ["scale_factor", "positive", "0"]),
    (X3, {"scale_factor": -1.5}, ValueError, ["scale_factor", "positive", "-1.5"]),
    (X3, {"scale_factor": float("inf")}, ValueError, ["scale_factor", "finite", "inf"]),
    (X3, {"scale_factor": float("nan")}, ValueError, ["scale_factor", "finite", "nan"]),
    (X3, {"scale_factor": 0.2}, ValueError, ["scale_factor=0.2", "floor(3 * 1/5) = 0", "at least one"]),
    (X3, {"scale_factor": "2"}, TypeError, ["scale_factor", "'2'", "str"]),
    (X3, {"scale_factor": True}, TypeError, ["scale_factor", "True", "bool"]),
    (X4, {"scale_factor": (2, 2, 2)}, ValueError, ["scale_factor", "3 entries", "2 spatial dim"]),
    (X3, {"size": 0}, ValueError, ["size", "positive", "0"]),
    (X4, {"size": (4, -1)}, ValueError, ["size", "positive", "(4, -1)"]),
    (X3, {"size": 2.5}, TypeError, ["size", "2.5", "float"]),
    (X4, {"size": (4,)}, ValueError, ["size", "1 entries", "2 spatial dim"]),
    (X3, {"size": 4, "mode": "bicubic"}, ValueError, ["mode='bicubic'", "exactly 2 spatial", "has 1", "2-D images only"]),
    (X3, {"size": 4, "mode": "lanczos"}, ValueError, ["mode", "'nearest', 'nearest_exact', 'linear', 'bilinear', 'trilinear', 'bicubic'", "'lanczos'"]),
    (X4, {"size": 4, "mode": "bilinear", "cubic_coefficient": -0.5}, ValueError, ["cubic_coefficient=-0.5", "only to mode='bicubic'", "mode='bilinear'", "-0.75"]),
    (X4, {"size": 4, "mode": "bicubic", "cubic_coefficient": float("nan")}, ValueError, ["cubic_coefficient", "finite", "nan"]),
    (X4, {"size": 4, "mode": "bicubic", "cubic_coefficient": "-0.5"}, TypeError, ["cubic_coefficient", "real number", "'-0.5'", "str"]),
    (X4, {"size": 4, "mode": "bicubic", "cubic_coefficient": True}, TypeError, ["cubic_coefficient", "True", "bool"]),
    (X3, {"size": 4, "mode": "nearest-exact"}, ValueError, ["mode", "'nearest-exact'", "torch spells it", "'nearest_exact'"]),
    (X3, {"size": 4, "mode": "cubic"}, ValueError, ["mode must be one of", "'cubic'"]),
    (X3, {"size": 4, "mode": 1}, TypeError, ["mode", "str", "1"]),
    (X3, {"size": 4, "mode": "bilinear"}, ValueError, ["mode='bilinear'", "exactly 2 spatial", "has 1", "mode='linear'"]),
    (X4, {"size": 4, "mode": "linear"}, ValueError, ["mode='linear'", "exactly 1 spatial", "has 2", "mode='bilinear'"]),
    (np.zeros((1, 1, 2, 2, 2, 2), np.float32), {"size": 4, "mode": "trilinear"}, ValueError, ["exactly 3", "has 4", "'nearest'"]),
    (X3, {"size": 4, "mode": "nearest", "align_corners": True}, ValueError, ["align_corners=True", "linear modes", "mode='nearest'"]),
    (X3, {"size": 4, "mode": "nearest_exact", "align_corners": True}, ValueError, ["align_corners=True", "mode='nearest_exact'"]),
    (X3, {"size": 4, "mode": "linear", "align_corners": "yes"}, TypeError, ["align_corners", "bool", "'yes'"]),
    (np.zeros((1, 1, 3), np.int32), {"size": 4}, TypeError, ["x", "floating-point", "int32"]),
    (np.zeros((1, 3), np.float32), {"size": 4}, ValueError, ["x", "(N, C, *spatial)", "(1, 3)"]),
    (np.zeros((1, 1, 0), np.float32), {"size": 4}, ValueError, ["x", "empty axis", "(1, 1, 0)"]),
]


@pytest.mark.parametrize("x, params, error, words", BAD_CALLS, ids=[f"{i}-{p}" for i, (_, p, _, _) in enumerate(BAD_CALLS)])
def test_bad_input_raises_the_same_clear_error(x, params, error, words):
    messages = []
    for implementation in IMPLEMENTATIONS:
        arg = x if implementation == "reference" else torch.from_numpy(x.copy())
        module = reference if implementation == "reference" else accelerated
        with pytest.raises(error) as raised:
            module.upsample(arg, **params)
        message = str(raised.value)
        assert message.startswith("upsample: "), message
        for word in words:
            assert word in message, f"{implementation}: {word!r} not in {message!r}"
        messages.append(message)
    assert messages[0] == messages[1], f"reference and accelerated differ:\n{messages[0]}\n{messages[1]}"


def test_a_non_array_is_refused_by_each_implementation():
    with pytest.raises(TypeError, match="upsample: x must be a numpy.ndarray"):
        reference.upsample([[[1.0, 2.0]]], size=4)
    with pytest.raises(TypeError, match="upsample: x must be a torch.Tensor"):
        accelerated.upsample(np.zeros((1, 1, 2), np.float32), size=4)


@pytest.mark.parametrize(
    "mode, shape, params",
    [
        ("nearest", (1, 2, 3), {"scale_factor": 1}),  # the identity
        ("nearest", (1, 2, 2), {"size": 82}),  # exact-index gather
        ("nearest", (1, 2, 3, 3, 3, 3), {"size": 3}),  # 4 spatial axes, the identity
        ("linear", (1, 2, 2), {"scale_factor": 1.1}),  # the replicated-sample path
        ("bilinear", (1, 2, 3, 3), {"size": (3, 3)}),
    ],
)
def test_inputs_are_neither_modified_nor_returned(mode, shape, params):
    x = torch.arange(float(math.prod(shape))).reshape(shape)
    before = x.clone()
    y = accelerated.upsample(x, mode=mode, **params)
    assert torch.equal(x, before)
    y.add_(1)
    assert torch.equal(x, before), "the output shares memory with the input"
    array = before.numpy().copy()
    out = reference.upsample(array, mode=mode, **params)
    out += 1
    assert np.array_equal(array, before.numpy())


# --------------------------------------------------------------------------------------
# 6. The tolerance model of the linear modes
# --------------------------------------------------------------------------------------


def _linear_case(dtype="float32", n=40, size=97, align=False):
    rng = np.random.default_rng(11)
    x = rng.uniform(-2, 2, size=(1, 2, n)).astype(dtype)
    return Case("upsample", {"x": x}, {"size": size, "mode": "linear", "align_corners": align}, "floats")


def test_interpolation_bound_scales_with_precision_and_coordinates():
    small, large = _linear_case(n=4, size=9), _linear_case(n=40, size=97)
    b_small, b_large = upsample_tolerance(small).bound(), upsample_tolerance(large).bound()
    assert (b_small > 0).all() and (b_large > 0).all()
    assert b_large[..., -1].max() > b_small[..., -1].max(), "far coordinates have more slack than near ones"
    assert upsample_tolerance(_linear_case("float16")).bound().min() > upsample_tolerance(_linear_case("float32")).bound().max()


def interpolate_at(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """1-D linear interpolation of x (..., n) at coordinates s (float64), the border repeated."""
    n = x.shape[-1]
    s = np.clip(s, 0, None)
    i0 = np.minimum(np.floor(s).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = s - i0
    return x.astype(np.float64)[..., i0] * (1 - lam) + x.astype(np.float64)[..., i1] * lam


@pytest.mark.parametrize("align", [False, True])
def test_torch_float32_coordinates_are_inside_and_real_errors_outside_the_bound(align):
    case = _linear_case(n=40, size=97, align=align)
    x = case.inputs["x"]
    expected = reference.upsample(x, **case.params)
    model = upsample_tolerance(case)
    native = F.interpolate(torch.from_numpy(x), size=97, mode="linear", align_corners=align).numpy()
    assert compare(expected, native, model).passed
    native64 = F.interpolate(torch.from_numpy(x).double(), size=97, mode="linear", align_corners=align)
    assert compare(expected, native64.float().numpy(), model).passed
    # rounding the float32 result to float16 precision is a real error: outside
    assert compare(expected, native.astype(np.float16).astype(np.float32), model).worst_ratio > 1
    # every coordinate off by 1/1000 of a sample: outside
    t = np.arange(97)
    s = t * 39 / 96 if align else (t + 0.5) * 40 / 97 - 0.5
    assert compare(expected, interpolate_at(x, s + 1e-3).astype(np.float32), model).worst_ratio > 1
    assert compare(expected, interpolate_at(x, s).astype(np.float32), model).passed


def test_float16_coordinates_exceed_the_float32_bound():
    case = _linear_case(n=40, size=97)
    x = case.inputs["x"]
    r = np.float16(40 / 97)
    s = ((np.arange(97, dtype=np.float16) + np.float16(0.5)) * r - np.float16(0.5)).astype(np.float64)
    sloppy = interpolate_at(x, s).astype(np.float32)
    assert compare(reference.upsample(x, **case.params), sloppy, upsample_tolerance(case)).worst_ratio > 1


# --------------------------------------------------------------------------------------
# 7. Worked examples
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", OP.examples, ids=[e.title for e in OP.examples])
def test_worked_examples(example):
    x = example.inputs["x"]
    what = f"{example.title} ({example.source})"
    if example.symbolic:
        y = reference.upsample(x, **example.params)
        assert y.shape == example.expected.shape, what
        for got, want in zip(y.flatten(), example.expected.flatten()):
            assert sympy.simplify(sympy.sympify(got) - sympy.sympify(want)) == 0, f"{what}: {got} != {want}"
        return
    case = Case("upsample", {"x": x}, example.params, "floats")
    for implementation in IMPLEMENTATIONS:
        y = run(implementation, x, **example.params)
        assert y.shape == example.expected.shape and y.dtype == x.dtype, what
        comparison = compare(example.expected, y, OP.tolerance(case))
        assert comparison.passed, f"{implementation}: {what}: {comparison.describe()}"


def test_bicubic_tolerance_tells_coefficients_and_edge_rules_apart():
    """The bicubic model passes torch's float32 bicubic (a = -0.75) and rejects a = -0.5's answer for the same
    call, and the renormalised edge (jax/TF) of the hand-worked row [0, 0, 0, 256] (56.67 where convspec has 52)."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-4, 4, size=(1, 2, 4, 5)).astype(np.float32)
    params = {"size": (7, 9), "mode": "bicubic", "align_corners": False}
    torch_out = F.interpolate(torch.from_numpy(x), size=(7, 9), mode="bicubic", align_corners=False).numpy()
    model = upsample_tolerance(Case("upsample", {"x": x}, params, "floats"))
    assert compare(reference.upsample(x, **params), torch_out, model).passed
    other = {**params, "cubic_coefficient": -0.5}
    assert not compare(reference.upsample(x, **other), torch_out,
                       upsample_tolerance(Case("upsample", {"x": x}, other, "floats"))).passed
    row = np.array([[[[0.0, 0.0, 0.0, 256.0]]]], dtype=np.float32)
    edge = {"size": (1, 8), "mode": "bicubic", "cubic_coefficient": -0.5}
    renormalised = np.array([[[[0, 0, 0, -6, -18, 256 * 29 / 131, 256 * 111 / 137, 256 * 111 / 102]]]], np.float32)
    assert not compare(reference.upsample(row, **edge), renormalised,
                       upsample_tolerance(Case("upsample", {"x": row}, edge, "integers"))).passed


_EXACT_WEIGHTS = st.fractions(min_value=-4, max_value=4, max_denominator=10**6) | st.integers(-4, 4)


@given(st.lists(_EXACT_WEIGHTS, min_size=1, max_size=4))
def test_rounded_product_is_the_exact_product_rounded_once(weights):
    """The reference's float weights: the numerators over the denominators equals ``float(prod)`` bit for bit."""
    from convspec.reference.upsample import rounded_product

    assert rounded_product(weights).hex() == float(math.prod(Fraction(w) for w in weights)).hex()


def test_rounded_product_rounds_a_halfway_product_to_even():
    """(1 + 2^-53) (1 + 2^-53) = 1 + 2^-52 + 2^-106: above the halfway point, so it rounds up, not to 1."""
    from convspec.reference.upsample import rounded_product

    step = Fraction(1, 2**53)
    assert rounded_product([1 + step, 1 + step]) == 1 + 2.0**-52
    assert rounded_product([1 + step, 1]) == 1.0  # exactly halfway: to even
