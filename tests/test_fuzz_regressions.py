"""What fuzzing the argument checks found (issue 13), as literal regressions.

Each call below broke one of the rules tests/test_fuzz.py checks: calls both implementations
refuse, which once raised something other than a ``ValueError``/``TypeError`` naming the
argument, or raised differently; valid calls with a stride or dilation past int32 that
torch's kernels refused; the reference accepting a ``longdouble`` input. Each is checked
with :func:`fuzz_helpers.check`, the check the fuzzing applies, and its message or result
is pinned.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convspec import reference
from convspec.conformance import catalog

from fuzz_helpers import Call, _parts, check, normalise, to_torch


# ---------------------------------------------------------------------------------------------
# what the fuzzing found, as literal regressions
# ---------------------------------------------------------------------------------------------

_X1, _W1 = np.ones((1, 1, 3), np.float32), np.ones((1, 1, 2), np.float32)
_X2, _W2 = np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 2, 2), np.float32)
_I1 = np.zeros((1, 1, 3), np.int64)
_ONE = np.ones((1, 1, 1), np.float32)
_BIG = 10**12

# rule: op, arrays, keywords, the exception both raise, a fragment of the (normalised) message
REGRESSIONS = {
    # accelerated: AttributeError ('NoneType' object has no attribute 'shape') from the plan cache's key
    "correlate weight None": ("correlate", (_X1, None), {}, TypeError, "correlate: weight must be a <array>, got None"),
    "convolve x None": ("convolve", (None, _W1), {}, TypeError, "convolve: x must be a <array>, got NoneType"),
    "conv_transpose weight None": ("conv_transpose", (_X1, None), {}, TypeError, "weight must be a <array>, got None"),
    "depthwise_separable pointwise None": ("depthwise_separable", (_X1, _W1, None), {}, TypeError,
                                           "pointwise_weight must be a <array>, got NoneType"),
    # both: a bare "TypeError: 'NoneType' object is not iterable" that named no operation
    "style_loss None layers": ("style_loss", (None, None), {}, TypeError,
                               "style_loss: generated and style must both be arrays (one layer) or both be lists of "
                               "arrays (one per layer), got NoneType and NoneType"),
    "style_loss int and tuple": ("style_loss", (3, (0,)), {}, TypeError, "got int and tuple"),
    "style_loss array and list": ("style_loss", (_X1, [_X1]), {}, TypeError, "got array and list"),
    # both: OverflowError (Python int too large to convert to C ssize_t) from len() of the valid lengths
    "avg_unpool kernel 2**64 + 1": ("avg_unpool", (_X1,), {"kernel_size": 2**64 + 1, "output_size": (1, 1, 3)},
                                    ValueError, "18,446,744,073,709,551,617 lengths)"),
    "max_unpool stride 2**63": ("max_unpool", (_X1, _I1), {"kernel_size": 1, "stride": np.uint64(2**63),
                                                           "output_size": (3,)},
                                ValueError, "9,223,372,036,854,775,808 lengths)"),
    # both: a 100 MB message listing every valid length, 2 s (10**12: never)
    "avg_unpool stride 10**7": ("avg_unpool", (_X1,), {"kernel_size": 1, "stride": 10**7, "output_size": (3,)},
                                ValueError, "(20000001, 20000002, ..., 30000000: 10,000,000 lengths)"),
    "avg_unpool stride 10**12": ("avg_unpool", (_X1,), {"kernel_size": 1, "stride": _BIG, "output_size": (3,)},
                                 ValueError, "1,000,000,000,000 lengths)"),
    # reference: OverflowError (len() of a range of windows past sys.maxsize) before the output-size guard
    "convolve padding 2**63, dilation 10**30": (
        "convolve", (np.ones((1, 4, 4, 4), np.float32), np.ones((2, 2, 1, 1), np.float32)),
        {"padding": 2**63, "dilation": 10**30, "groups": 2}, ValueError,
        "convolve: the output would have shape (1, 2, 18446744073709551620, 18446744073709551620)"),
    # reference: MemoryError (it pads a copy of x); accelerated computed it: the padded input is guarded now
    "correlate padding and stride 10**12": ("correlate", (_X1, _W1), {"padding": _BIG, "stride": _BIG}, ValueError,
                                            "correlate: the padded input would have shape (1, 1, 2000000000003)"),
    "correlate same, dilation 10**12": ("correlate", (_X1, _W1), {"padding": "same", "dilation": _BIG}, ValueError,
                                        "the padded input would have shape (1, 1, 1000000000003)"),
    "depthwise_separable full, dilation and stride 10**12": (
        "depthwise_separable", (_X1, _W1, _ONE), {"padding": "full", "dilation": _BIG, "stride": _BIG}, ValueError,
        "padded input would have shape"),
    # both: MemoryError (reference) / RuntimeError "Storage size calculation overflowed" (accelerated)
    "max_pool same, kernel 10**12": ("max_pool", (np.ones((1, 1, 4, 3), np.float64),),
                                     {"kernel_size": _BIG, "padding": "same", "dilation": (2, 1)}, ValueError,
                                     "the padded input would have shape (1, 1, 1999999999999, 1000000000000)"),
    "max_pool same, kernel and stride 10**12": ("max_pool", (_X1,), {"kernel_size": _BIG, "padding": "same",
                                                                     "stride": _BIG}, ValueError,
                                                "max_pool: the padded input would have shape (1, 1, 1000000000000)"),
    "avg_pool full, kernel and stride 10**12": ("avg_pool", (_X1,), {"kernel_size": _BIG, "padding": "full",
                                                                     "stride": _BIG}, ValueError,
                                                "avg_pool: the padded input would have shape (1, 1, 2000000000001)"),
    # both: MemoryError (reference's scatter buffer) / RuntimeError (torch's int32 dilation)
    "conv_transpose same, dilation 10**12": ("conv_transpose", (_X1, _W1), {"padding": "same", "dilation": _BIG},
                                             ValueError, "the uncropped output would have shape (1, 1, 1000000000003)"),
    # both: "'numpy.int8' object is not iterable" while writing the message (spec/conventions.py:int_per_axis)
    "avg_pool kernel_size np.int8(-1)": ("avg_pool", (_X1,), {"kernel_size": np.int8(-1)}, ValueError,
                                         "avg_pool: kernel_size must be positive, got np.int8(-1)"),
    "max_pool stride np.int64(0)": ("max_pool", (_X1,), {"kernel_size": 2, "stride": np.int64(0)}, ValueError,
                                    "max_pool: stride must be positive, got np.int64(0)"),
    # accelerated: OverflowError / ValueError "Overflow when unpacking long long" from torch's int64 argument
    "avg_pool divisor_override 10**30": ("avg_pool", (_X1,), {"kernel_size": 3, "padding": 1,
                                                              "divisor_override": 10**30},
                                         ValueError, "avg_pool: divisor_override must be at most 2**63 - 1"),
    "avg_pool divisor_override 2**63": ("avg_pool", (_X2[..., :2, :2],), {"kernel_size": 2, "divisor_override": 2**63},
                                        ValueError, "got 9223372036854775808"),
    # both: OverflowError (integer division result too large for a float) while writing the bytes in the message
    "upsample 2-D by 1e300": ("upsample", (_ONE[..., None],), {"scale_factor": 1e300, "mode": "bilinear"},
                              ValueError, "EiB); convspec refuses results over"),
}

# valid calls with a stride or dilation past int32/int64 that the output never sees: torch's kernels raised
# RuntimeError ("value cannot be converted to type int without overflow", "stride should be greater than
# zero") or TypeError ("argument 'stride' failed to unpack ... Overflow when unpacking long long")
INT32_CALLS = {
    "max_pool 2-D, stride 10**12": ("max_pool", (_X2,), {"kernel_size": 2, "stride": _BIG}),
    "max_pool 1-D indices, stride 10**12": ("max_pool", (_X1,), {"kernel_size": 2, "stride": _BIG,
                                                                  "return_indices": True}),
    "max_pool one tap, dilation 10**12": ("max_pool", (_X2,), {"kernel_size": (1, 2), "dilation": (_BIG, 1)}),
    "avg_pool 1-D ceil, stride 10**12": ("avg_pool", (_X1,), {"kernel_size": 2, "stride": _BIG, "ceil_mode": True,
                                                              "padding": 1}),
    "avg_pool 3-D, stride 10**12": ("avg_pool", (np.ones((1, 1, 3, 3, 3), np.float32),), {"kernel_size": 2,
                                                                                          "stride": _BIG}),
    "conv_transpose one input, stride 10**12": ("conv_transpose", (_ONE, _W1), {"stride": _BIG, "output_padding": 2}),
    "conv_transpose one tap, dilation 10**12": ("conv_transpose", (_X1, _ONE), {"dilation": _BIG}),
    "conv_transpose 2-D one input, stride 10**12": ("conv_transpose", (_ONE[..., None],) * 2,
                                                     {"stride": _BIG, "dilation": _BIG}),
    "depthwise_separable stride 2**63": ("depthwise_separable", (_ONE, _ONE, _ONE), {"stride": 2**63}),
    "correlate 2-D stride 2**63": ("correlate", (_X2, _W2), {"stride": (2**63, 1)}),
    "avg_pool divisor_override 2**63 - 1": ("avg_pool", (_X2,), {"kernel_size": 2, "divisor_override": 2**63 - 1}),
}


@pytest.mark.parametrize("rule", list(INT32_CALLS))
def test_strides_past_int32_that_change_nothing_are_computed(rule):
    name, arrays, params = INT32_CALLS[rule]
    op = catalog.get(name)
    check(op, Call(rule, list(arrays), [to_torch(a) for a in arrays], dict(params), "accept"))
    want = op.reference(*arrays, **params)
    got = op.accelerated(*(to_torch(a) for a in arrays), **params)
    for expected, actual in zip(_parts(want), _parts(got)):
        np.testing.assert_array_equal(actual.numpy(), expected)


@pytest.mark.parametrize("rule", list(REGRESSIONS))
def test_what_the_fuzzing_found(rule):
    name, arrays, params, error, fragment = REGRESSIONS[rule]
    op = catalog.get(name)
    call = Call(rule, list(arrays), [to_torch(a) for a in arrays], dict(params))
    check(op, call)  # both refuse alike, quickly, with a ValueError or TypeError
    with pytest.raises(error) as raised:
        op.reference(*arrays, **params)
    assert fragment in normalise(str(raised.value)), str(raised.value)
    assert len(str(raised.value)) < 3000, f"a {len(str(raised.value))}-character message"


def test_longdouble_is_not_a_spec_dtype():
    """The reference accepted float128 (rounding its float64 sums into it); the spec's dtypes are float16/32/64."""
    x = np.ones((1, 1, 3), np.longdouble)
    for name, arrays in (("relu", (x,)), ("correlate", (x, x)), ("correlate", (_X1, _W1.astype(np.longdouble))),
                         ("max_pool", (x, 2)), ("box_iou", (np.ones((1, 4), np.longdouble),) * 2)):
        with pytest.raises(TypeError, match=rf"{name}: \w+ must have a floating-point dtype .* got float128"):
            getattr(reference, name)(*arrays)
    assert reference.relu(np.ones(3, ">f4")).dtype == np.dtype(">f4")  # a byte-swapped float32 is still float32


#: torch's other dtypes that call themselves floating point (float8_e4m3fn, float8_e5m2, ...): none is a spec dtype
_TORCH_ONLY_FLOATS = sorted(
    {d for d in vars(torch).values() if isinstance(d, torch.dtype) and d.is_floating_point}
    - {torch.float16, torch.bfloat16, torch.float32, torch.float64}, key=str)


@pytest.mark.parametrize("name", [op.name for op in catalog.CATALOG])
def test_torch_floating_dtypes_outside_the_spec_are_refused_up_front(name):
    """accelerated checked ``dtype.is_floating_point``, which float8 passes: relu, sigmoid, softmax, correlate, ...
    then failed inside torch (``NotImplementedError: "clamp_min_scalar_cpu" not implemented for 'Float8_e4m3fn'``)
    and flatten returned a float8 result. Each floating input of a worked example, cast to each such dtype."""
    assert _TORCH_ONLY_FLOATS, "torch has no floating dtype beyond the spec's four: nothing to check"
    op = catalog.get(name)
    example = next(e for e in op.examples if not e.symbolic)
    for input_name, array in example.inputs.items():
        if array is None or array.dtype.kind != "f":
            continue
        for dtype in _TORCH_ONLY_FLOATS:
            inputs = {k: None if v is None else torch.from_numpy(np.array(v)) for k, v in example.inputs.items()}
            inputs[input_name] = torch.empty(array.shape, dtype=dtype)  # values do not matter; some can't be cast to
            dtype_text = str(dtype).removeprefix("torch.")
            with pytest.raises(TypeError, match=rf"{name}: {input_name} must have a floating-point dtype .* got {dtype_text};"):
                op.accelerated(*inputs.values(), **example.params)


def _as(kind: str, t: torch.Tensor) -> torch.Tensor:
    return {"sparse_coo": t.to_sparse, "mkldnn": t.to_mkldnn, "meta": lambda: t.to("meta")}[kind]()


@pytest.mark.parametrize("name", [op.name for op in catalog.CATALOG])
def test_sparse_mkldnn_and_meta_tensors_are_refused_even_after_a_dense_call(name):
    """accelerated took any layout and device: sigmoid of a sparse tensor failed in torch.amin (``Could not run
    'aten::amin' with arguments from the 'SparseCPU' backend``), flatten of one in reshape, correlate of a meta x
    on a CPU weight (``Tensor on device cpu is not on the expected device meta!``), while relu, softmax and sobel
    returned sparse, MKL-DNN or meta results. Each input of a worked example (indices too) in each such form,
    after the same call on dense tensors has filled the cache of checked configurations (whose key now holds
    each tensor's device and layout)."""
    op = catalog.get(name)
    example = next(e for e in op.examples if not e.symbolic)
    dense = lambda: {k: None if v is None else torch.from_numpy(np.array(v)) for k, v in example.inputs.items()}
    for input_name, array in example.inputs.items():
        if array is None:
            continue
        for kind in ("sparse_coo", "mkldnn", "meta"):
            if kind == "mkldnn" and array.dtype != np.float32:
                continue  # MKL-DNN tensors are float32 (and bfloat16) only
            op.accelerated(*dense().values(), **example.params)
            inputs = dense()
            inputs[input_name] = _as(kind, inputs[input_name])
            if kind == "meta":
                error, message = ValueError, rf"{name}: {input_name} is a meta tensor, which has a shape but no values"
            else:
                error, message = TypeError, rf"{name}: {input_name} must be a dense \(strided\) torch.Tensor, got layout"
            with pytest.raises(error, match=message):
                op.accelerated(*inputs.values(), **example.params)


def test_a_tensor_on_another_device_is_named_with_both_devices():
    """The rule behind every multi-tensor call (on a machine without a GPU the devices are stand-ins)."""
    from types import SimpleNamespace

    from convspec.accelerated._tensors import check_same_device

    x, weight = SimpleNamespace(device=torch.device("cuda", 0)), SimpleNamespace(device=torch.device("cpu"))
    with pytest.raises(ValueError, match=r"correlate: weight is on device cpu but x is on cuda:0; every tensor "
                                         r"argument of one call must be on one device \(move it with weight.to\(x.device\)\)"):
        check_same_device("correlate", "weight", weight, "x", x)
    check_same_device("correlate", "weight", x, "x", x)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device: x on the GPU, the weight on the CPU")
def test_a_weight_left_on_the_cpu_is_refused_on_a_gpu():
    x, weight = torch.ones(1, 1, 4, 4, device="cuda"), torch.ones(1, 1, 2, 2)
    for _ in range(2):  # the second call after a matching one has filled the cache
        from convspec import accelerated

        accelerated.correlate(x, weight.cuda())
        with pytest.raises(ValueError, match="correlate: weight is on device cpu but x is on cuda:0"):
            accelerated.correlate(x, weight)
