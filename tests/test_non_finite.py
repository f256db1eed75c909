"""NaN and ±inf: every operation's rule (:func:`convspec.spec.non_finite.non_finite_rule`) held by both
implementations (issue 13).

1. every catalog operation states a rule;
2. literal inputs per operation with a NaN and with ±inf placed so the rule predicts exactly which
   outputs are non-finite (and the value of the others), reference and accelerated;
3. per operation, a hypothesis test: a NaN at a drawn position of the first input; the outputs it
   reaches are predicted from the definition (the outputs that change when that one input changes,
   every other input set to ones, so no weight is 0; or the rule's coarser reach where it says so:
   an FFT's whole batch entry, upsampling's interpolation cells, Sobel's 3 x 3 windows), and both
   implementations must be non-finite exactly there and equal the NaN-free computation elsewhere;
4. per operation and sign, the same with ±inf: the non-finite outputs lie inside the NaN reach, the
   others are as computed without it, and inside the reach the two implementations agree on NaN, +inf,
   -inf or finite (an infinity need not reach every output a NaN does: ``relu(-inf) = 0``).
"""

from __future__ import annotations

import importlib
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance import catalog
from convspec.conformance.case import Case
from convspec.conformance.tolerance import compare
from convspec.spec import non_finite

OPERATIONS = catalog.CATALOG
IDS = [op.name for op in OPERATIONS]
NAN, INF = np.nan, np.inf
reference_upsample = importlib.import_module("convspec.reference.upsample")  # the package exports the function


def _call(implementation, name, *arrays, **params):
    """The operation's (first) output as a float64 numpy array."""
    if implementation == "reference":
        with np.errstate(all="ignore"):
            out = getattr(reference, name)(*arrays, **params)
    else:
        tensors = [None if a is None else torch.from_numpy(np.ascontiguousarray(a)) for a in arrays]
        out = getattr(accelerated, name)(*tensors, **params)
        out = tuple(o.numpy() for o in out) if isinstance(out, tuple) else out.numpy()
    return np.asarray(out[0] if isinstance(out, tuple) else out, dtype=np.float64)


BOTH = pytest.mark.parametrize("implementation", ["reference", "accelerated"])


def _same(actual, expected):
    np.testing.assert_array_equal(actual, np.asarray(expected, dtype=np.float64))


# 1. every operation states its rule ----------------------------------------------------------


def test_every_catalog_operation_states_its_non_finite_rule():
    rules = non_finite.non_finite_rules()
    for op in OPERATIONS:
        rule = non_finite.non_finite_rule(op.name)
        assert rule == rules[op.name] and len(rule) > 60, op.name
        assert re.search(r"\*\*(must|should|may)\*\*", rule), f"{op.name}: the rule has no RFC 2119 word"
        assert re.search("nan", rule, re.IGNORECASE), op.name
    assert "circular_convolve" in rules  # the FFT family's direct sibling, not in the catalog
    with pytest.raises(ValueError, match=r"non_finite_rule: op_name must be one of correlate, .*; got 'sharpen'"):
        non_finite.non_finite_rule("sharpen")
    assert "**may**" in non_finite.OVERFLOW and "**must** be finite" in non_finite.OVERFLOW


# 2. literal inputs, both implementations ------------------------------------------------------

F = np.float32


@BOTH
def test_correlate_and_convolve(implementation):
    x = np.array([[[1, NAN, 3, 4, 5]]], F)
    w = np.array([[[1, 0]]], F)  # the NaN reaches output 1 through the zero tap
    _same(_call(implementation, "correlate", x, w), [[[NAN, NAN, 3, 4]]])
    _same(_call(implementation, "convolve", x, w), [[[NAN, NAN, 4, 5]]])
    x = np.array([[[1, INF, 3, 4, 5]]], F)
    w = np.array([[[2, -1]]], F)
    _same(_call(implementation, "correlate", x, w), [[[-INF, INF, 2, 3]]])
    _same(_call(implementation, "correlate", x, np.array([[[1, 0]]], F)), [[[NAN, INF, 3, 4]]])  # 0 * inf
    x = np.array([[[INF, 1, -INF]]], F)
    _same(_call(implementation, "correlate", x, np.ones((1, 1, 3), F)), [[[NAN]]])  # inf - inf
    # weight: its output channel where the tap lands on the input; on the padding NaN (0 * NaN) or the
    # value without the tap; the other channel stays finite
    x = np.array([[[1, 2, 3]]], F)
    w = np.array([[[NAN, 1]], [[1, 1]]], F)
    out = _call(implementation, "correlate", x, w, padding=1)
    _same(out[:, :, 1:], [[[NAN] * 3, [3, 5, 3]]])
    assert np.isnan(out[0, 0, 0]) or out[0, 0, 0] == 1, out
    assert out[0, 1, 0] == 1
    w = np.array([[[INF, 1]]], F)
    out = _call(implementation, "correlate", x, w, padding=1)
    _same(out[:, :, 1:], [[[INF, INF, INF]]])
    assert np.isnan(out[0, 0, 0]) or out[0, 0, 0] == 1, out  # 0 * inf on the padding, or no tap
    # bias: the channel
    _same(_call(implementation, "correlate", x, np.ones((2, 1, 2), F), np.array([NAN, 1], F)), [[[NAN, NAN], [4, 6]]])
    _same(
        _call(implementation, "correlate", np.array([[[-INF, 1]]], F), np.ones((1, 1, 1), F), np.array([INF], F)),
        [[[NAN, INF]]],
    )
    # groups: the NaN stays in its group
    x = np.array([[[1, NAN], [1, 1]]], F)
    _same(_call(implementation, "correlate", x, np.ones((2, 1, 1), F), groups=2), [[[1, NAN], [1, 1]]])


def test_a_nan_weight_tap_that_only_sees_padding_may_be_dropped():
    """Found by the hypothesis test below: with padding "same" and dilation 2 on a length-1 input both taps
    land on the padding; the reference multiplies the zeros (NaN), the accelerated path drops such taps
    (the padding-only value, 0). spec.conv.NON_FINITE allows both; every other case must agree."""
    x = np.array([[[3]], [[1]]], F)
    w = np.array([[[NAN, -2]]], F)
    params = {"padding": "same", "dilation": 2}
    assert np.isnan(_call("reference", "correlate", x, w, **params)).all()
    out = _call("accelerated", "correlate", x, w, **params)
    assert np.isnan(out).all() or (out == 0).all(), out
    out = _call("accelerated", "depthwise_separable", x, w, np.ones((1, 1, 1), F), **params)
    assert np.isnan(out).all() or (out == 0).all(), out


@BOTH
def test_depthwise_separable(implementation):
    x = np.array([[[1, NAN, 3, 4], [1, 1, 1, 1]]], F)
    depthwise = np.ones((2, 1, 2), F)
    pointwise = np.array([[[1], [0]], [[0], [1]]], F)  # output 1 takes channel 0 with weight 0: NaN anyway
    _same(_call(implementation, "depthwise_separable", x, depthwise, pointwise), [[[NAN, NAN, 7], [NAN, NAN, 2]]])
    depthwise = np.array([[[NAN, 1]], [[1, 1]]], F)
    out = _call(implementation, "depthwise_separable", np.ones((1, 2, 4), F), depthwise, pointwise)
    assert np.isnan(out).all()
    pointwise = np.array([[[NAN], [1]], [[1], [1]]], F)
    out = _call(implementation, "depthwise_separable", np.ones((1, 2, 4), F), np.ones((2, 1, 2), F), pointwise)
    _same(out, [[[NAN] * 3, [4] * 3]])


@BOTH
def test_conv_transpose(implementation):
    x = np.array([[[1, NAN, 3]]], F)
    _same(_call(implementation, "conv_transpose", x, np.ones((1, 1, 2), F), stride=3, padding=1), [[[1, 0, NAN, NAN, 0, 3]]])
    w = np.array([[[NAN, 1]]], F)  # weight tap 0 reaches q = 3 p: not the gaps between
    _same(_call(implementation, "conv_transpose", np.array([[[1, 2, 3]]], F), w, stride=3), [[[NAN, 1, 0, NAN, 2, 0, NAN, 3]]])
    w = np.array([[[INF, -1]]], F)
    _same(_call(implementation, "conv_transpose", np.array([[[1, 0]]], F), w), [[[INF, NAN, 0]]])


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
@pytest.mark.parametrize("bad", [NAN, INF])
def test_grouped_conv_transpose_keeps_nan_in_its_group(dtype, bad):
    """torch 2.13's CPU bfloat16 transposed convolution with stride > 1 writes a NaN (or inf) to the wrong
    positions and, grouped, to the wrong channel (x[1, 0, 1] = nan, weight ones, stride 2, groups 2:
    channel 1 gets NaN at 0, 1 instead of channel 0 at 2, 3); the accelerated implementation must not
    (spec.conv_transpose.NON_FINITE)."""
    for groups, per_group, length, kernel, stride in [(2, 1, 3, 2, 2), (4, 1, 3, 2, 1), (2, 2, 5, 3, 2), (3, 2, 4, 1, 3), (8, 1, 7, 3, 2), (1, 3, 5, 2, 2)]:
        channels = groups * per_group
        for where in range(channels):
            x = torch.ones(2, channels, length, dtype=dtype)
            x[1, where, length // 2] = bad
            w = torch.ones(channels, 2, kernel, dtype=dtype)
            out = accelerated.conv_transpose(x, w, groups=groups, stride=stride).float()
            group = where // per_group
            reached = torch.zeros_like(out, dtype=torch.bool)
            start = length // 2 * stride
            reached[1, 2 * group : 2 * group + 2, start : start + kernel] = True
            assert torch.equal(~torch.isfinite(out), reached), (dtype, groups, stride, where, (~torch.isfinite(out)).int())
    x = torch.ones(1, 2, 3, dtype=torch.bfloat16)
    x[0, 0, 1] = bad
    out = accelerated.conv_transpose(x, torch.ones(2, 1, 2, dtype=torch.bfloat16), groups=2, stride=2)
    assert (~torch.isfinite(out)).int().tolist() == [[[0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0]]]
    x = np.ones((1, 4, 3, 3), F)
    x[0, 1, 1, 1] = NAN
    out = _call("reference", "conv_transpose", x, np.ones((4, 1, 2, 2), F), groups=4)
    assert np.isnan(out[0, 1, 1:3, 1:3]).all() and np.isnan(out).sum() == 4


@BOTH
def test_pools(implementation):
    x = np.array([[[1, NAN, 3, INF, -INF, -INF]]], F)
    _same(_call(implementation, "max_pool", x, 2), [[[NAN, INF, -INF]]])
    _same(_call(implementation, "avg_pool", x, 2), [[[NAN, INF, -INF]]])
    _same(_call(implementation, "avg_pool", x, 2, stride=1), [[[NAN, NAN, INF, NAN, -INF]]])
    padded = np.array([[[-INF, 2]]], F)  # padding never wins: -inf is the only input cell of window 0
    _same(_call(implementation, "max_pool", padded, 2, stride=2, padding=1), [[[-INF, 2]]])
    _same(_call(implementation, "avg_pool", padded, 2, padding=1, count_include_pad=False), [[[-INF, 2]]])
    if implementation == "accelerated":
        _, indices = accelerated.max_pool(torch.from_numpy(np.array([[[NAN, 1, NAN, INF]]], F)), 4, return_indices=True)
        assert indices.tolist() == [[[2]]]  # the last NaN
    planes = np.array([[[[1, NAN], [3, 4]], [[1, INF], [3, 4]], [[INF, -INF], [3, 4]], [[-INF, -INF], [-INF, -INF]]]], F)
    _same(_call(implementation, "global_max_pool", planes), np.array([NAN, INF, INF, -INF]).reshape(1, 4, 1, 1))
    _same(_call(implementation, "global_avg_pool", planes), np.array([NAN, INF, NAN, -INF]).reshape(1, 4, 1, 1))


@BOTH
def test_unpools(implementation):
    x = np.array([[[1, NAN, INF]]], F)
    indices = np.array([[[1, 1, 5]]])  # pooled positions 0 and 1 name cell 1: the last (NaN) wins
    _same(_call(implementation, "max_unpool", x, indices, 2), [[[0, NAN, 0, 0, 0, INF]]])
    _same(_call(implementation, "max_unpool", x[:, :, ::-1].copy(), np.array([[[5, 1, 1]]]), 2), [[[0, 1, 0, 0, 0, INF]]])
    _same(_call(implementation, "first_unpool", x, 2), [[[1, 0, NAN, 0, INF, 0]]])
    _same(_call(implementation, "avg_unpool", x, 2, stride=1), [[[1, NAN, NAN, INF]]])
    _same(_call(implementation, "avg_unpool", np.array([[[INF, -INF]]], F), 2, stride=1), [[[INF, NAN, -INF]]])


@BOTH
def test_upsample(implementation):
    x = np.array([[[1, NAN, 3]]], F)
    _same(_call(implementation, "upsample", x, scale_factor=2), [[[1, 1, NAN, NAN, 3, 3]]])
    # align_corners: s = 0, 0.5, 1, 1.5, 2; output 0 has the NaN as its weight-0 neighbour
    _same(_call(implementation, "upsample", x, size=5, mode="linear", align_corners=True), [[[NAN, NAN, NAN, NAN, 3]]])
    # o == n with step 1: a copy, no neighbour
    _same(_call(implementation, "upsample", x, size=3, mode="linear"), [[[1, NAN, 3]]])
    # ... read twice, with weights 1 and 0: an inf there is inf + 0 * inf (torch's kernels)
    _same(_call(implementation, "upsample", np.array([[[1, INF, 3]]], F), size=3, mode="linear"), [[[1, NAN, 3]]])
    y = np.array([[[INF], [1]]], F)  # found by a bfloat16 probe: n = o = 1 under align_corners, a scale 1.25
    _same(_call(implementation, "upsample", y, scale_factor=1.25, mode="linear", align_corners=True), [[[NAN], [1]]])
    _same(_call(implementation, "upsample", np.array([[[1, INF, 3, 4]]], F), scale_factor=1.1, mode="linear", align_corners=True), [[[1, NAN, 3, 4]]])
    y = np.array([[[[1, NAN], [3, 4], [5, 6]]]], F)  # bilinear, rows 3 -> 6, columns 2 -> 2 copied
    out = _call(implementation, "upsample", y, size=(6, 2), mode="bilinear")
    assert np.isnan(out[0, 0, :, 1]).tolist() == [True] * 3 + [False] * 3 and np.isfinite(out[0, 0, :, 0]).all()
    _same(_call(implementation, "upsample", np.array([[[INF, 1]]], F), size=3, mode="linear", align_corners=True), [[[INF, INF, 1]]])
    # the last output (s = 1) reads sample 1 twice, with weights 1 and 0: inf + 0 * inf = NaN, as the rule says
    _same(_call(implementation, "upsample", np.array([[[1, INF]]], F), size=3, mode="linear", align_corners=True), [[[NAN, INF, NAN]]])
    # found by the ±inf hypothesis test: n = 1 -> 3, output 1 has s = 0 exactly (weight 0 on the second read):
    # inf + 0 * inf = NaN in exact arithmetic; torch's float32 coordinate gives it a tiny weight, so inf (the rule's may)
    out = _call(implementation, "upsample", np.array([[[INF]]], F), size=3, mode="linear")
    assert np.isnan(out[0, 0, 0]) and out[0, 0, 2] == INF and not np.isfinite(out[0, 0, 1]), out
    if implementation == "reference":
        assert np.isnan(out[0, 0, 1])


@BOTH
def test_activations(implementation):
    x = np.array([NAN, INF, -INF, -1, 2], F)
    _same(_call(implementation, "relu", x), [NAN, INF, 0, 0, 2])
    _same(_call(implementation, "sigmoid", x[:3]), [NAN, 1, 0])
    rows = np.array([[1, NAN, 0], [1, INF, 0], [-INF, -INF, -INF], [0, -INF, 0]], F)
    out = _call(implementation, "softmax", rows)
    assert np.isnan(out[:3]).all()
    _same(out[3], [0.5, 0, 0.5])
    _same(_call(implementation, "flatten", np.array([[[NAN, INF]], [[1, -INF]]], F)), [[NAN, INF], [1, -INF]])
    x = np.array([[1, NAN], [1, 2]], F)
    _same(_call(implementation, "dense", x, np.array([[1, 0], [0, 1]], F)), [[NAN, NAN], [1, 2]])
    _same(_call(implementation, "dense", x[1:], np.array([[1, NAN], [1, 1]], F), np.array([0, INF], F)), [[NAN, INF]])
    _same(_call(implementation, "dense", np.array([[INF, 0]], F), np.array([[-1, 1], [0, 1]], F)), [[-INF, NAN]])


@BOTH
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_box_iou_refuses_non_finite_coordinates(implementation, bad):
    boxes = np.array([[0, 0, 1, 1], [0, 0, bad, 2]], F)
    message = re.escape("box_iou: boxes2[1] = (0.0, 0.0, ") + ".*is not a valid 'xyxy' box; it must have finite"
    with pytest.raises(ValueError, match=message):
        _call(implementation, "box_iou", boxes[:1], boxes)


@BOTH
def test_style(implementation):
    f = np.array([[[1, INF], [1, 2], [0, 0], [1, -1]]], F)
    _same(
        _call(implementation, "gram_matrix", f),
        [[[INF, INF, NAN, -INF], [INF, 5, 0, -1], [NAN, 0, 0, 0], [-INF, -1, 0, 2]]],
    )
    out = _call(implementation, "gram_matrix", np.array([[[1, NAN], [1, 2]], [[1, 1], [1, 1]]], F))
    assert np.isnan(out[0]).tolist() == [[True, True], [True, False]] and np.isfinite(out[1]).all()  # row and column 0
    generated = np.array([[[1, NAN]], [[1, 2]]], F)
    style = np.ones((1, 1, 2), F)
    out = _call(implementation, "style_loss", generated, style)
    assert np.isnan(out[0]) and np.isfinite(out[1])
    assert np.isnan(_call(implementation, "style_loss", np.ones((2, 1, 2), F), np.array([[[NAN, 1]]], F))).all()
    same_inf = np.array([[[1, INF]], [[1, 2]]], F)
    _same(_call(implementation, "content_loss", same_inf, same_inf), [NAN, 0])  # inf - inf
    _same(_call(implementation, "content_loss", same_inf, np.ones((1, 1, 2), F)), [INF, 1])
    assert np.isnan(_call(implementation, "content_loss", np.ones((2, 1, 2), F), np.array([[[NAN, 1]]], F))).all()


@BOTH
def test_sobel(implementation):
    x = np.zeros((1, 1, 5, 5), F)
    x[0, 0, 2, 2] = INF
    out = _call(implementation, "sobel", x)
    # convolution: G_x = right minus left neighbour, G_y = below minus above; the middle column/row taps are 0
    _same(out[0, 0], [[INF, NAN, -INF]] * 3)
    _same(out[0, 1], [[INF] * 3, [NAN] * 3, [-INF] * 3])
    _same(out[0, 2], [[INF, INF, INF], [INF, NAN, INF], [INF, INF, INF]])
    x[0, 0, 2, 2] = NAN
    out = _call(implementation, "sobel", x, padding="same")
    reached = np.zeros((5, 5), bool)
    reached[1:4, 1:4] = True
    assert (np.isnan(out[0]) == reached).all()


@BOTH
def test_fft_family(implementation):
    x = np.array([[[1, NAN, 3, 4]], [[1, 2, 3, 4]]], F)
    w = np.array([[[1, 0]], [[1, 1]]], F)
    for name in ("fft_convolve", "fft_correlate"):
        out = _call(implementation, name, x, w)
        assert np.isnan(out[0]).all() and np.isfinite(out[1]).all(), name
    out = _call(implementation, "circular_convolve", np.array([[[1, NAN, 3, 4]]], F), np.array([[[1, 0]]], F))
    _same(out, [[[1, NAN, NAN, 4]]])  # y[q] = x[q] + 0 * x[q - 1]


# 3. a NaN at a drawn position: the reach from the definition, both implementations -------------


def _ones_like(case):
    """Every floating input set to ones (bias to zeros): no weight is 0, nothing cancels; the
    integer inputs (max_unpool's switches) kept."""
    return [
        a if a is None or a.dtype.kind != "f" else (np.zeros(a.shape) if name == "bias" else np.ones(a.shape))
        for name, a in case.inputs.items()
    ]


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _changed(op, case, which, position):
    """The outputs that change when element ``position`` of input ``which`` changes (ones elsewhere)."""
    base = _ones_like(case)
    moved = list(base)
    moved[which] = base[which].copy()
    moved[which].flat[position] = 2.0
    return _first(op.reference(*base, **case.params)) != _first(op.reference(*moved, **case.params))


def _upsample_axes(case):
    """The upsample call's checked arguments and, per spatial axis, its taps
    (``reference.upsample.axis_taps``) and whether the axis is copied: a linear mode with ``o == n``
    and ``s = t`` (step 1, or ``align_corners``). Bicubic copies no axis (it always weighs four samples)."""
    x = case.arrays()[0]
    optional = {"cubic_coefficient": case.params["cubic_coefficient"]} if "cubic_coefficient" in case.params else {}
    args = reference_upsample.check_upsample_arguments(
        "upsample", x.shape, scale_factor=case.params.get("scale_factor"), size=case.params.get("size"),
        mode=case.params.get("mode", "nearest"), align_corners=case.params.get("align_corners", False), **optional,
    )
    axes = []
    for axis in range(args.spatial_dims):
        taps = reference_upsample.axis_taps(args, axis)
        copied = args.mode != "bicubic" and len(taps) == args.input_size[axis] and (
            args.align_corners or reference_upsample.step(args, axis) == 1)
        axes.append((taps, copied))
    return args, axes


def _sample_plane(case, position):
    """The sample's flat position as an index, and a mask of its ``(n, c)`` plane."""
    x = case.arrays()[0]
    index = np.unravel_index(position, x.shape)
    plane = np.zeros(x.shape[:2], bool)
    plane[index[:2]] = True
    return index, plane


def _upsample_cells(case, position):
    """Interpolating modes: the outputs whose interpolation cell holds the sample (weight 0 included),
    except along a copied axis (o == n, s = t), where the cell is one sample."""
    _, axes = _upsample_axes(case)
    index, reach = _sample_plane(case, position)
    for axis, (taps, copied) in enumerate(axes):
        i = index[2 + axis]
        hit = np.array([t == i if copied else any(j == i for j, _ in cell) for t, (_, cell) in enumerate(taps)])
        reach = reach[..., None] & hit.reshape((1,) * reach.ndim + (len(taps),))
    return reach


def _upsample_inexact_zero_weights(case, position):
    """The outputs that read the sample with an exact weight of 0 along some axis that is not copied
    (``s`` an integer there): an implementation that computes ``s`` in floating point may weigh it by a
    tiny non-zero number instead, so a ±inf there may give ±inf rather than ``inf · 0 = NaN``
    (``spec.upsample.NON_FINITE``)."""
    if case.params.get("mode", "nearest") in ("nearest", "nearest_exact"):
        x = case.arrays()[0]
        return np.zeros(x.shape[:2] + tuple(reference.upsample(x, **case.params).shape[2:]), bool)
    _, axes = _upsample_axes(case)
    index, reads = _sample_plane(case, position)
    zero = np.zeros_like(reads)
    for axis, (taps, copied) in enumerate(axes):
        i = index[2 + axis]
        hit = np.array([any(j == i for j, _ in cell) for _, cell in taps])
        hit_zero = np.array([not copied and any(j == i and w == 0 for j, w in cell) for _, cell in taps])
        shape = (1,) * reads.ndim + (len(taps),)
        zero = (zero[..., None] & hit.reshape(shape)) | (reads[..., None] & hit_zero.reshape(shape))
        reads = reads[..., None] & hit.reshape(shape)
    return zero


def _sobel_windows(case, position):
    """The 3 x 3 windows that hold the pixel (the kernels' zero taps included), in all three channels."""
    indicator = np.zeros(case.arrays()[0].shape)
    indicator.flat[position] = 1.0
    windows = reference.correlate(indicator, np.ones((1, 1, 3, 3)), padding=case.params.get("padding", "valid")) != 0
    return np.repeat(windows, 3, axis=1)


def _reach(op, case, which, position):
    """Which outputs a NaN at element ``position`` of input ``which`` reaches, by the operation's rule:
    the outputs that change with it, or the rule's coarser set where it states one."""
    name = list(case.inputs)[which]
    changed = _changed(op, case, which, position)
    index = np.unravel_index(position, case.arrays()[which].shape)
    reach = np.zeros_like(changed)
    if op.name == "upsample" and case.params.get("mode", "nearest") not in ("nearest", "nearest_exact"):
        return _upsample_cells(case, position)
    if op.name == "sobel":
        return _sobel_windows(case, position)
    if op.name == "softmax":  # the whole slice along axis (a one-element slice is 1 whatever its value)
        indicator = np.zeros(changed.shape, bool)
        indicator.flat[position] = True
        return np.broadcast_to(indicator.any(axis=case.params.get("axis", -1), keepdims=True), changed.shape)
    if op.name in ("fft_convolve", "fft_correlate"):  # a spectrum: the batch entry, or the output channel
        reach[(index[0],) if name == "x" else (slice(None), index[0])] = True
        return reach
    if name == "pointwise_weight":
        reach[:, index[0]] = True  # the channel
        return reach
    if op.name in ("correlate", "convolve") and name == "weight":
        reach[:, index[0]] = True  # the channel; where the tap lands on the padding, NaN or not
        return changed, reach
    if name == "depthwise_weight":  # one intermediate channel, summed into every output channel
        reach[...] = True
        return changed, reach  # must: where tap k lands on the input (every channel changes)
    return changed


def _poison_site(op, case, data):
    """The case made finite (the drawn data may hold non-finite values already, the activations'
    "floats": the poisoned value is then the only one), its arrays, and a drawn floating input and flat
    position in it; None where no floating input has an element."""
    finite = [a if a is None or a.dtype.kind != "f" else np.nan_to_num(a, nan=0, posinf=1, neginf=-1) for a in case.arrays()]
    case = Case(op.name, dict(zip(case.inputs, finite)), case.params, case.data_kind)
    arrays = case.arrays()
    inputs = [i for i, a in enumerate(arrays) if a is not None and a.dtype.kind == "f" and a.size]
    if not inputs:
        return None
    which = data.draw(st.sampled_from(inputs), label="input")
    position = data.draw(st.integers(0, arrays[which].size - 1), label="position")
    return case, arrays, which, position


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_a_nan_reaches_exactly_the_outputs_the_rule_predicts(op):
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(op.strategy(), st.data())
    def check(case, data):
        site = _poison_site(op, case, data)
        if site is None:  # two empty box sets: nothing to poison
            return
        case, arrays, which, position = site
        poisoned = [None if a is None else a.copy() for a in arrays]
        poisoned[which].flat[position] = np.nan
        if op.name == "box_iou":
            for implementation in ("reference", "accelerated"):
                with pytest.raises(ValueError, match=r"box_iou: boxes[12]\[\d+\] = .* is not a valid"):
                    _call(implementation, op.name, *poisoned, **case.params)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reach = _reach(op, case, which, position)
        must, may = reach if isinstance(reach, tuple) else (reach, reach)  # may: NaN allowed, not required
        zeroed = [None if a is None else a.copy() for a in arrays]
        zeroed[which].flat[position] = 0
        clean = Case(op.name, dict(zip(case.inputs, zeroed)), case.params, case.data_kind)
        expected = _call("reference", op.name, *zeroed, **case.params)
        tolerance = op.tolerance(clean)
        for implementation in ("reference", "accelerated"):
            out = _call(implementation, op.name, *poisoned, **case.params)
            assert out.shape == must.shape, (implementation, out.shape, must.shape)
            where = f"{implementation}: {case.describe()}, NaN at {list(case.inputs)[which]} flat {position}"
            np.testing.assert_array_equal(np.isnan(out) & ~(may & ~must), must, err_msg=where)
            assert not (np.isnan(out) & ~may).any(), where
            kept = np.where(np.isnan(out) & may, expected, out)  # the others: as computed without the NaN
            assert compare(expected, kept, tolerance).passed, where
            if implementation == "accelerated":  # bfloat16 too: torch 2.13's CPU kernels misplaced NaN there
                tensors = [None if a is None else torch.from_numpy(a) for a in poisoned]
                tensors = [t if t is None or not t.dtype.is_floating_point else t.bfloat16() for t in tensors]
                narrow = _first(getattr(accelerated, op.name)(*tensors, **case.params)).float().numpy()
                nan = np.isnan(narrow)
                assert (nan | ~must).all() and not (nan & ~may).any(), f"bfloat16 {where}: {nan.astype(int)}"
            if op.name == "max_pool" and case.params.get("return_indices") and which == 0:  # a NaN window names the NaN
                plane = arrays[0][0, 0].size
                tensors = [torch.from_numpy(poisoned[0])] if implementation == "accelerated" else [poisoned[0]]
                module = accelerated if implementation == "accelerated" else reference
                with np.errstate(all="ignore"):
                    indices = np.asarray(module.max_pool(*tensors, **{k: v for k, v in case.params.items()})[1])
                b, c = np.unravel_index(position, arrays[0].shape)[:2]
                assert (indices[b, c][must[b, c]] == position % plane).all(), where

    check()


def test_bfloat16_convolutions_keep_nan_in_its_windows():
    """torch 2.13's CPU bfloat16 conv1d/conv2d write a NaN to outputs whose window does not hold it
    ([1, 1, nan] with kernel [1, 1]: [nan, nan]; a 1-tap kernel with stride 2 over a NaN at 1, which no
    window holds: [nan, 1, 1, 1, 1]). The accelerated path sums such calls in float32 (spec.conv.NON_FINITE)."""
    def bf16(a):
        return torch.tensor(a, dtype=torch.bfloat16)

    out = accelerated.correlate(bf16([[[1, 1, NAN]]]), bf16([[[1, 1]]])).float()
    assert torch.isnan(out).int().tolist() == [[[0, 1]]]
    out = accelerated.convolve(bf16([[[1, 1, NAN]]]), bf16([[[1, 2]]])).float()
    assert torch.isnan(out).int().tolist() == [[[0, 1]]]
    out = accelerated.correlate(bf16([[[1, NAN, 1, 1, 1, 1, 1, 1, 1]]]), bf16([[[1]]]), stride=2).float()
    assert torch.isfinite(out).all(), out
    out = accelerated.depthwise_separable(bf16([[[1, 1, NAN]]]), bf16([[[1, 1]]]), bf16([[[1]]])).float()
    assert torch.isnan(out).int().tolist() == [[[0, 1]]]
    image = torch.arange(27.0).reshape(1, 1, 3, 9)
    image[0, 0, 0, 3] = NAN
    out = accelerated.sobel(image.bfloat16())
    assert torch.isnan(out.float()).int()[0, :, 0].tolist() == [[0, 1, 1, 1, 0, 0, 0]] * 3


# 4. a ±inf at a drawn position: no further than a NaN, and both implementations alike ----------


def _kind(out):
    """Each output as -2 (NaN), -1 (-inf), 1 (+inf) or 0 (finite)."""
    return np.select([np.isnan(out), np.isneginf(out), np.isposinf(out)], [-2, -1, 1], 0)


@pytest.mark.parametrize("sign", [1, -1], ids=["+inf", "-inf"])
@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_an_infinity_reaches_no_further_than_a_nan_and_both_implementations_agree(op, sign):
    """An infinity's outputs are not all non-finite (``relu(-inf) = 0``, ``max`` over a window with a
    ``-inf``), so the test asks less than of a NaN, for every operation alike: the non-finite outputs lie
    inside the NaN reach; outside it every output is the value computed without the infinity; inside it
    the two implementations agree on which outputs are NaN, +inf, -inf or finite (IEEE arithmetic decides,
    not the summation order), and on the finite values to the operation's tolerance."""
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(op.strategy(), st.data())
    def check(case, data):
        site = _poison_site(op, case, data)
        if site is None or op.name in ("box_iou", "nms"):  # boxes refuse a non-finite coordinate (tested above)
            return
        case, arrays, which, position = site
        poisoned = [None if a is None else a.copy() for a in arrays]
        poisoned[which].flat[position] = sign * np.inf
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reach = _reach(op, case, which, position)
        must, may = reach if isinstance(reach, tuple) else (reach, reach)
        zeroed = [None if a is None else a.copy() for a in arrays]
        zeroed[which].flat[position] = 0
        expected = _call("reference", op.name, *zeroed, **case.params)
        tolerance = op.tolerance(Case(op.name, dict(zip(case.inputs, zeroed)), case.params, case.data_kind))
        where = f"{case.describe()}, {sign * np.inf} at {list(case.inputs)[which]} flat {position}"
        outs = {}
        for implementation in ("reference", "accelerated"):
            out = _call(implementation, op.name, *poisoned, **case.params)
            assert out.shape == must.shape, (implementation, out.shape, must.shape)
            assert not (~np.isfinite(out) & ~may).any(), f"{implementation}: non-finite outside the reach: {where}"
            kept = np.where(may, expected, out)  # outside the reach: the value without the infinity
            assert compare(expected, kept, tolerance).passed, f"{implementation}: {where}"
            outs[implementation] = out
        strict = must & ~(may & ~must)
        kinds = {name: _kind(out) for name, out in outs.items()}
        if op.name == "upsample":  # an exact weight of 0: ±inf or NaN (floating-point coordinates)
            either = _upsample_inexact_zero_weights(case, position) & (kinds["reference"] != 0) & (kinds["accelerated"] != 0)
            kinds["accelerated"] = np.where(either, kinds["reference"], kinds["accelerated"])
        np.testing.assert_array_equal(kinds["accelerated"][strict], kinds["reference"][strict],
                                      err_msg=f"NaN/+inf/-inf/finite differ: {where}")
        both = strict & np.isfinite(outs["reference"]) & np.isfinite(outs["accelerated"])
        ref, acc = np.where(both, outs["reference"], expected), np.where(both, outs["accelerated"], expected)
        assert compare(ref, acc, tolerance).passed, f"finite values in the reach differ: {where}"

    check()
