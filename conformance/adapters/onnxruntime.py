"""Target ``onnxruntime``: one single-node ONNX model per call, built with ``onnx.helper``, run on the CPU.

The attribute mapping (ONNX opset 21; https://onnx.ai/onnx/operators/):

==================  =====================================================================
convspec            ONNX
==================  =====================================================================
padding pairs       ``pads = [x1_begin, x2_begin, ..., x1_end, x2_end]`` (all the lows, then all the highs)
``"valid"``         ``auto_pad="VALID"``
``"same"``          ``auto_pad="SAME_UPPER"`` (the odd cell at the end)
``"same_lower"``    ``auto_pad="SAME_LOWER"`` (the odd cell at the start)
``"full"``          ``pads`` of ``d(k-1)`` on every side
correlate           ``Conv(X, W, B)`` with ``strides``, ``dilations``, ``group``, ``kernel_shape``
convolve            ``Conv`` on the kernel flipped along every spatial axis (ONNX has no true convolution)
depthwise_separable ``Conv(group=C_in)`` then a 1x1 ``Conv``, two nodes of one graph
conv_transpose      ``ConvTranspose(X, W, B)``: ``pads`` crop the scatter buffer, ``output_padding``
                    adds cells at the end; ``"same"``/``"same_lower"`` as ``auto_pad`` SAME_UPPER/LOWER,
                    which fix the output at ``n * stride`` (``output_shape`` is not used)
max_pool            ``MaxPool(X) -> Y, Indices`` with ``ceil_mode``, ``dilations``, ``storage_order=0``
                    (row-major). ONNX's indices are flat over the whole ``(N, C, *spatial)`` tensor;
                    convspec's are per ``(n, c)`` plane: the adapter subtracts ``(n*C + c) * plane``.
avg_pool            ``AveragePool`` with ``ceil_mode``, ``count_include_pad``; no ``divisor_override``
                    in ONNX (unsupported); ``dilations`` when ``dilation > 1`` (opset 19)
global_*_pool       ``GlobalMaxPool`` / ``GlobalAveragePool``
max_unpool          ``MaxUnpool(X, I, output_shape)`` with ``kernel_shape``, ``strides``, ``pads``;
                    indices converted to ONNX's whole-tensor flat form
upsample            ``Resize(X, roi="", scales | sizes)``: ``nearest`` -> ``mode="nearest"``,
                    ``coordinate_transformation_mode="asymmetric"``, ``nearest_mode="floor"``;
                    ``nearest_exact`` -> ``half_pixel`` + ``round_prefer_ceil``; the linear modes ->
                    ``mode="linear"`` with ``half_pixel`` (or ``align_corners``); ``bicubic`` ->
                    ``mode="cubic"``, ``cubic_coeff_a``, ``exclude_outside=0`` (taps past an edge clamp)
==================  =====================================================================

Which dtypes each operator runs in is probed when the target loads (onnxruntime's CPU
provider has no float16 or float64 kernel for several of them); the others are unsupported.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, linear_axis_kept_unchanged, pool_args,
    pool_pads, safely,
    unpool_default_differs,
    unpool_args,
    upsample_args,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, adapter_setup

OPSET = 21
ONNX_DOCS = "https://onnx.ai/onnx/operators/"


def _same_shortfall(case: Case) -> bool:
    """'same' conv_transpose where the scatter buffer is shorter than n * stride (a kernel span below the stride)."""
    if case.params.get("padding") not in ("same", "same_lower"):
        return False
    args = conv_transpose_args(case)
    return any((n - 1) * s + d * (k - 1) + 1 + a < n * s for n, k, s, d, a in
               zip(args.input_size, args.kernel_size, args.stride, args.dilation, args.output_padding))


def _same_dilated_pool(case: Case) -> bool:
    return case.params.get("padding") in ("same", "same_lower") and any(d != 1 for d in pool_args(case).dilation)


def _same_negative_total(case: Case) -> bool:
    """'same' pooling where the window's span is so short against the stride that the total padding is negative."""
    if case.params.get("padding") not in ("same", "same_lower"):
        return False
    args = pool_args(case)
    return any((-(-n // s) - 1) * s + d * (k - 1) + 1 - n < 0
               for n, k, s, d in zip(args.input_size, args.kernel_size, args.stride, args.dilation))


KNOWN_DIVERGENCES = tuple(
    Divergence(
        op, "ONNX's SAME pad_shape, (out - 1) * stride + span - n, is negative when the stride exceeds the "
        "window's span; onnxruntime does not clamp it at 0: MaxPool with the Indices output starts the window "
        "inside the input (reads the wrong cell), without it refuses ('padding values must be non-negative'). "
        "convspec, as TensorFlow, pads max(total, 0)", predicate=_same_negative_total,
    )
    for op in ("max_pool", "avg_pool")
) + (
    Divergence(
        "conv_transpose", "onnxruntime's ConvTranspose with auto_pad SAME_UPPER/SAME_LOWER returns fewer than "
        "n * stride cells when the kernel's span is shorter than the stride; the ONNX spec (output_shape = "
        "input_shape * strides) and onnx.reference.ReferenceEvaluator give n * stride, zero-filled, as convspec "
        f"({ONNX_DOCS}onnx__ConvTranspose.html)", predicate=_same_shortfall,
    ),
) + tuple(
    Divergence(
        op, f"onnxruntime's {name} with auto_pad SAME_UPPER/SAME_LOWER and dilations > 1 sizes the padding "
        "(and the output) from the undilated kernel; the ONNX spec's pad_shape uses the dilated span "
        f"((kernel - 1) * dilation + 1), as convspec ({ONNX_DOCS}onnx__{name}.html)", predicate=_same_dilated_pool,
    )
    for op, name in (("max_pool", "MaxPool"), ("avg_pool", "AveragePool"))
) + (
    Divergence(
        "global_max_pool", "onnxruntime's GlobalMaxPool starts from the lowest finite float: a plane of -inf "
        "gives -3.4028235e+38 (float32), not -inf", expression="bool(np.isneginf(inputs['x']).any())",
    ),
) + tuple(
    Divergence(
        op, "onnxruntime's MaxPool and GlobalMaxPool keep a NaN only when it is a window's first cell: a later "
        "NaN loses every comparison, so max(2, nan) gives 2 (onnxruntime 1.32); the ONNX spec leaves NaN "
        "undefined there, and convspec (as torch) propagates it", expression="bool(np.isnan(inputs['x']).any())",
    )
    for op in ("max_pool", "global_max_pool")
) + (
    Divergence(
        "upsample", "with scales that leave an axis's length unchanged (2 samples scaled by 1.25), onnxruntime's "
        "linear Resize copies that axis; convspec interpolates it with the step 1/scale, as on every other axis "
        "(spec/upsample.py)", predicate=linear_axis_kept_unchanged,
    ),
)
_TYPES = {"float16": 10, "float32": 1, "float64": 11}  # onnx.TensorProto element types


def _auto_pad(padding, kernel, dilation, pads=None) -> dict:
    """``auto_pad`` or ``pads`` for a padding; ``pads`` (the resolved pairs) replaces a 'same' mode with dilation,
    which onnxruntime's Conv refuses ("Dilation not supported for AutoPadType::SAME_UPPER")."""
    if pads is not None and padding in ("same", "same_lower") and any(d != 1 for d in dilation):
        return {"pads": [lo for lo, _ in pads] + [hi for _, hi in pads]}
    if padding == "valid":
        return {"auto_pad": "VALID"}
    if padding == "same":
        return {"auto_pad": "SAME_UPPER"}
    if padding == "same_lower":
        return {"auto_pad": "SAME_LOWER"}
    if padding == "full":
        edge = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return {"pads": edge + edge}
    return {"pads": [lo for lo, _ in padding] + [hi for _, hi in padding]}


class _Runtime:
    """Builds and runs single-node models; remembers which (operator, dtype) onnxruntime refuses."""

    def __init__(self):
        import onnx
        import onnxruntime

        onnxruntime.set_default_logger_severity(4)  # refusals come back as exceptions; keep stderr quiet
        self.onnx, self.ort = onnx, onnxruntime
        self.options = onnxruntime.SessionOptions()
        self.options.log_severity_level = 3
        self.options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL

    def run(self, nodes, inputs: dict[str, np.ndarray], outputs: list[tuple[str, str]]):
        """``nodes``: (op_type, input names, output names, attributes); ``outputs``: (name, dtype)."""
        helper, onnx = self.onnx.helper, self.onnx
        graph_inputs = [
            helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(a.dtype), list(a.shape))
            for name, a in inputs.items()
        ]
        graph_outputs = [
            helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), None)
            for name, dtype in outputs
        ]
        made = [helper.make_node(op, ins, outs, **attrs) for op, ins, outs, attrs in nodes]
        graph = helper.make_graph(made, "convspec", graph_inputs, graph_outputs)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 10
        session = self.ort.InferenceSession(model.SerializeToString(), self.options, providers=["CPUExecutionProvider"])
        return session.run([name for name, _ in outputs], {k: np.ascontiguousarray(v) for k, v in inputs.items()})


def _probe(runtime: _Runtime) -> dict[str, set[str]]:
    """Which dtypes onnxruntime's CPU provider runs each operator in (a tiny model each)."""
    tries = {
        "Conv": lambda x: runtime.run([("Conv", ["x", "w"], ["y"], {})], {"x": x, "w": x[:1, :1, :1]}, [("y", x.dtype)]),
        "ConvTranspose": lambda x: runtime.run([("ConvTranspose", ["x", "w"], ["y"], {})],
                                               {"x": x, "w": x[:1, :1, :1]}, [("y", x.dtype)]),
        "MaxPool": lambda x: runtime.run([("MaxPool", ["x"], ["y", "i"], {"kernel_shape": [1]})], {"x": x},
                                         [("y", x.dtype), ("i", "int64")]),
        "AveragePool": lambda x: runtime.run([("AveragePool", ["x"], ["y"], {"kernel_shape": [1]})], {"x": x},
                                             [("y", x.dtype)]),
        "GlobalMaxPool": lambda x: runtime.run([("GlobalMaxPool", ["x"], ["y"], {})], {"x": x}, [("y", x.dtype)]),
        "GlobalAveragePool": lambda x: runtime.run([("GlobalAveragePool", ["x"], ["y"], {})], {"x": x},
                                                   [("y", x.dtype)]),
        "MaxUnpool": lambda x: runtime.run([("MaxUnpool", ["x", "i"], ["y"], {"kernel_shape": [1]})],
                                           {"x": x, "i": np.zeros(x.shape, np.int64)}, [("y", x.dtype)]),
        "Resize": lambda x: runtime.run([("Resize", ["x", "", "s"], ["y"], {"mode": "nearest"})],
                                        {"x": x, "s": np.ones(3, np.float32)}, [("y", x.dtype)]),
    }
    found = {}
    for op, attempt in tries.items():
        found[op] = set()
        for dtype in _TYPES:
            try:
                attempt(np.ones((1, 1, 2), dtype))
                found[op].add(dtype)
            except Exception:  # NOT_IMPLEMENTED: no kernel for this type
                pass
    return found


def target(device: str | None = None) -> Target:
    if device not in (None, "cpu"):
        raise ValueError("target 'onnxruntime' runs on the CPU only here (CPUExecutionProvider)")
    import onnx
    import onnxruntime

    runtime = _Runtime()
    kernels = _probe(runtime)

    def dtype_check(operator: str, case: Case) -> tuple[bool, str]:
        return (case.dtype not in kernels[operator],
                f"{case.dtype} (onnxruntime's CPU {operator} has kernels for {', '.join(sorted(kernels[operator])) or 'none'})")

    def conv_attrs(args) -> dict:
        return {"kernel_shape": list(args.kernel_size), "strides": list(args.stride),
                "dilations": list(args.dilation),
                **_auto_pad(args.padding, args.kernel_size, args.dilation, conv_pads(args))}

    def _conv(x, weight, bias, params, flip):
        args = conv_args(Case("correlate", {"x": x, "weight": weight, "bias": bias}, params, "floats"))
        w = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * args.spatial_dims] if flip else weight
        inputs = {"x": x, "w": np.ascontiguousarray(w)}
        if bias is not None:
            inputs["b"] = bias
        node = ("Conv", list(inputs), ["y"], {**conv_attrs(args), "group": args.groups})
        return runtime.run([node], inputs, [("y", x.dtype)])[0]

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups), False)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups), True)

    def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
        case = Case("depthwise_separable", {"x": x, "depthwise_weight": depthwise_weight,
                                            "pointwise_weight": pointwise_weight, "bias": bias},
                    dict(stride=stride, padding=padding, dilation=dilation), "floats")
        args = depthwise_args(case)
        inputs = {"x": x, "dw": depthwise_weight, "pw": pointwise_weight}
        if bias is not None:
            inputs["b"] = bias
        nodes = [
            ("Conv", ["x", "dw"], ["t"], {**conv_attrs(args), "group": x.shape[1]}),
            ("Conv", ["t", "pw"] + (["b"] if bias is not None else []), ["y"], {}),
        ]
        return runtime.run(nodes, inputs, [("y", x.dtype)])[0]

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        case = Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                         groups=groups), "floats")
        args = conv_transpose_args(case)
        inputs = {"x": x, "w": weight}
        if bias is not None:
            inputs["b"] = bias
        attrs = {"kernel_shape": list(args.kernel_size), "strides": list(args.stride),
                 "dilations": list(args.dilation), "group": args.groups,
                 "output_padding": list(args.output_padding),
                 **_auto_pad(args.padding, args.kernel_size, args.dilation)}
        return runtime.run([("ConvTranspose", list(inputs), ["y"], attrs)], inputs, [("y", x.dtype)])[0]

    def pool_attrs(args, dilated: bool) -> dict:
        attrs = {"kernel_shape": list(args.kernel_size), "strides": list(args.stride),
                 "ceil_mode": int(args.ceil_mode), **_auto_pad(args.padding, args.kernel_size, args.dilation)}
        if dilated:
            attrs["dilations"] = list(args.dilation)
        return attrs

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        args = pool_args(Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         dilation=dilation, ceil_mode=ceil_mode,
                                                         return_indices=return_indices), "floats"))
        attrs = {**pool_attrs(args, True), "storage_order": 0}
        y, flat = runtime.run([("MaxPool", ["x"], ["y", "i"], attrs)], {"x": x}, [("y", x.dtype), ("i", "int64")])
        if not return_indices:
            return y
        plane = int(np.prod(x.shape[2:]))
        offsets = (np.arange(x.shape[0] * x.shape[1], dtype=np.int64) * plane).reshape(x.shape[:2] + (1,) * (x.ndim - 2))
        return y, flat - offsets  # ONNX: flat over the whole tensor; convspec: per (n, c) plane

    def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        args = pool_args(Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         dilation=dilation, ceil_mode=ceil_mode,
                                                         count_include_pad=count_include_pad,
                                                         divisor_override=divisor_override), "floats"))
        if divisor_override is not None:
            raise ValueError("onnxruntime adapter: unsupported: ONNX AveragePool has no divisor_override")
        # AveragePool's dilations (opset 19): passed only when dilated, so undilated calls are as before
        dilated = any(d > 1 for d in args.dilation)
        attrs = {**pool_attrs(args, dilated), "count_include_pad": int(bool(count_include_pad))}
        return runtime.run([("AveragePool", ["x"], ["y"], attrs)], {"x": x}, [("y", x.dtype)])[0]

    def global_max_pool(x):
        return runtime.run([("GlobalMaxPool", ["x"], ["y"], {})], {"x": x}, [("y", x.dtype)])[0]

    def global_avg_pool(x):
        return runtime.run([("GlobalAveragePool", ["x"], ["y"], {})], {"x": x}, [("y", x.dtype)])[0]

    def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
        args = unpool_args(Case("max_unpool", {"x": x, "indices": indices},
                                dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                     output_size=output_size), "floats"))
        from convspec.spec.unpool import unpool_output_shape

        shape = unpool_output_shape(args)
        plane = int(np.prod(shape[2:]))
        offsets = (np.arange(x.shape[0] * x.shape[1], dtype=np.int64) * plane).reshape(x.shape[:2] + (1,) * (x.ndim - 2))
        attrs = {"kernel_shape": list(args.kernel_size), "strides": list(args.stride),
                 "pads": [lo for lo, _ in args.padding] + [hi for _, hi in args.padding]}
        inputs = {"x": x, "i": (indices + offsets).astype(np.int64)}
        names = ["x", "i"]
        if output_size is not None:
            inputs["shape"] = np.array(shape, dtype=np.int64)
            names.append("shape")
        return runtime.run([("MaxUnpool", names, ["y"], attrs)], inputs, [("y", x.dtype)])[0]

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
        args = upsample_args(Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                                            align_corners=align_corners,
                                                            cubic_coefficient=cubic_coefficient), "floats"))
        if args.mode == "nearest":
            attrs = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}
        elif args.mode == "nearest_exact":
            attrs = {"mode": "nearest", "coordinate_transformation_mode": "half_pixel",
                     "nearest_mode": "round_prefer_ceil"}
        elif args.mode == "bicubic":  # Keys' a as cubic_coeff_a; exclude_outside=0: taps past an edge read the edge
            attrs = {"mode": "cubic", "cubic_coeff_a": float(args.cubic_coefficient), "exclude_outside": 0,
                     "coordinate_transformation_mode": "align_corners" if align_corners else "half_pixel"}
        else:
            attrs = {"mode": "linear",
                     "coordinate_transformation_mode": "align_corners" if align_corners else "half_pixel"}
        inputs = {"x": x}
        if args.size is not None:
            inputs["sizes"] = np.array(x.shape[:2] + tuple(args.size), dtype=np.int64)
            names = ["x", "", "", "sizes"]
        else:
            inputs["scales"] = np.array([1.0, 1.0] + [float(f) for f in args.scale_factor], dtype=np.float32)
            names = ["x", "", "scales"]
        return runtime.run([("Resize", names, ["y"], attrs)], inputs, [("y", x.dtype)])[0]

    def _conv_supports(case):
        conv_args(case)
        return first_reason(dtype_check("Conv", case))

    def _depthwise_supports(case):
        depthwise_args(case)
        return first_reason(dtype_check("Conv", case))

    def _transpose_supports(case):
        args = conv_transpose_args(case)
        return first_reason(
            dtype_check("ConvTranspose", case),
            (any(a >= s for a, s in zip(args.output_padding, args.stride)),
             "output_padding >= stride (onnxruntime refuses it, even where dilation > stride allows it)"),
        )

    def _pads_below_kernel(args) -> tuple[bool, str]:
        pads = pool_pads(args)
        return (any(lo >= k or hi >= k for (lo, hi), k in zip(pads, args.kernel_size)),
                "a padding side >= kernel_size (onnxruntime: 'Pad should be smaller than kernel')")

    def _max_pool_supports(case):
        args = pool_args(case)
        return first_reason(dtype_check("MaxPool", case),
                            (args.spatial_dims > 3, f"{args.spatial_dims}-D input ('Unsupported pooling size')"),
                            _pads_below_kernel(args))

    def _avg_pool_supports(case):
        args = pool_args(case)
        return first_reason(dtype_check("AveragePool", case),
                            (args.spatial_dims > 3, f"{args.spatial_dims}-D input ('Unsupported pooling size')"),
                            (args.divisor_override is not None, "divisor_override (ONNX AveragePool has none)"),
                            _pads_below_kernel(args))

    def _global_supports(operator):
        def check(case):
            rank = case.inputs["x"].ndim - 2
            return first_reason(dtype_check(operator, case),
                                (rank > 3, f"{rank}-D input ('Unsupported pooling size')"))
        return check

    def _unpool_supports(case):
        args = unpool_args(case)
        default = unpool_default_differs(case)
        return first_reason(
            dtype_check("MaxUnpool", case), (bool(default), default),
            (args.spatial_dims > 3, f"{args.spatial_dims}-D input (onnxruntime's MaxUnpool: 'Unsupported pooling size')"),
            (any((n - 1) * s + k - lo - hi <= 0 for n, k, s, (lo, hi) in
                 zip(args.input_size, args.kernel_size, args.stride, args.padding)),
             "(n-1)s + k - pads <= 0 (onnxruntime checks its default length even when output_shape is given)"),
        )

    def _upsample_supports(case):
        upsample_args(case)
        return first_reason(dtype_check("Resize", case))

    functions = {fn.__name__: fn for fn in (correlate, convolve, depthwise_separable, conv_transpose, max_pool,
                                            avg_pool, global_max_pool, global_avg_pool, max_unpool, upsample)}
    supports = {
        "correlate": _conv_supports, "convolve": _conv_supports, "depthwise_separable": _depthwise_supports,
        "conv_transpose": _transpose_supports, "max_pool": _max_pool_supports, "avg_pool": _avg_pool_supports,
        "global_max_pool": _global_supports("GlobalMaxPool"), "global_avg_pool": _global_supports("GlobalAveragePool"),
        "max_unpool": _unpool_supports, "upsample": _upsample_supports,
    }
    return Target(
        "onnxruntime", functions, adapter_setup("onnxruntime", None, f"single-node ONNX models (opset {OPSET})"),
        supports={op: safely(fn) for op, fn in supports.items()},
        versions={**_base_versions(), "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__},
        known_divergences=KNOWN_DIVERGENCES,
    )
