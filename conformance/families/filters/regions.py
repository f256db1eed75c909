"""Named regions of the classic filters: ``sobel``.

``sobel`` is a 3x3 convolution of an ``(N, 1, H, W)`` image with two fixed kernels plus a
magnitude channel, so its corners are the convolution's padding forms (told apart by a
non-square image and unequal per-axis values), the keyword left at its default, the sign
rule (a convolution, not a correlation: ``G_x > 0`` where the image brightens to the
right), the Euclidean magnitude (not ``|G_x| + |G_y|``, no squares that overflow), batches,
non-finite data and every dtype. See :mod:`.regions` for what a region is and how a check
uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import normalize_padding

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, distinct_integers, general_floats, has_nonfinite, rng_for

KERNEL = (3, 3)


def sobel_case(tag: str, size, params: dict, *, batch: int = 1, dtype: str = "float32", fill=distinct_integers,
               image: np.ndarray | None = None) -> Case:
    """One explicit call: an ``(batch, 1, *size)`` image from ``fill`` (or ``image``, broadcast over the batch)."""
    rng = rng_for("sobel", tag)
    if image is None:
        x = fill((batch, 1, *size), dtype, rng)
    else:
        x = np.broadcast_to(np.asarray(image, dtype=dtype), (batch, 1, *np.shape(image))).copy()
    return Case("sobel", {"x": x}, dict(params), data_kind(x))


def _padding(case: Case):
    return case.params.get("padding", "valid")


def _pairs(case: Case):
    """The resolved ``(lo, hi)`` padding per spatial axis."""
    size = tuple(case.inputs["x"].shape[2:])
    return resolve_padding(normalize_padding("sobel", _padding(case), 2), size, KERNEL, (1, 1), (1, 1))


def _is_per_axis_ints(padding) -> bool:
    return isinstance(padding, (tuple, list)) and all(isinstance(p, int) for p in padding) and len(set(padding)) > 1


def _is_unequal_per_side(padding) -> bool:
    return isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) and p[0] != p[1] for p in padding)


def _is_mixed(padding) -> bool:
    return (isinstance(padding, (tuple, list)) and any(isinstance(p, int) for p in padding)
            and any(isinstance(p, (tuple, list)) for p in padding))


def _plane(case: Case):
    """``(a, b)`` when every image is the ramp ``x[i, j] = c + a i + b j`` (rows ``a``, columns ``b``), else None."""
    x = case.inputs["x"]
    if x.dtype.kind != "f" or x.shape[0] == 0 or min(x.shape[2:]) < 2 or not np.all(np.isfinite(x)):
        return None
    down, right = np.diff(x, axis=2), np.diff(x, axis=3)
    a, b = down.reshape(-1)[0], right.reshape(-1)[0]
    if np.all(down == a) and np.all(right == b):
        return float(a), float(b)
    return None


def _brightens(case: Case, axis: int) -> bool:
    """The image is a ramp that brightens along ``axis`` only (0: downwards, 1: to the right)."""
    plane = _plane(case)
    return plane is not None and plane[axis] > 0 and plane[1 - axis] == 0


def _diagonal(case: Case) -> bool:
    plane = _plane(case)
    return plane is not None and plane[0] != 0 and plane[1] != 0


def _corner_nonfinite(case: Case) -> bool:
    """Non-finite values only at the image's corners, with ``'valid'`` padding: each lies in one window, at a
    corner tap where both kernels are nonzero."""
    x = case.inputs["x"]
    if not has_nonfinite(case) or _padding(case) not in ("valid", 0) or min(x.shape[2:]) < 4:
        return False
    inner = x.copy()
    inner[:, :, [0, 0, -1, -1], [0, -1, 0, -1]] = 0
    return bool(np.all(np.isfinite(inner)))


def _largest(case: Case) -> float:
    x = case.inputs["x"]
    with np.errstate(invalid="ignore"):
        return float(np.nanmax(np.abs(x.astype(np.float64)), initial=0.0)) if x.size else 0.0


def _corner_image(shape, dtype: str, rng) -> np.ndarray:
    x = distinct_integers(shape, dtype, rng)  # shape (2, 1, H, W)
    x[0, 0, 0, 0], x[0, 0, -1, -1] = np.nan, np.inf  # batch 0: NaN and +inf in different windows
    x[1, 0, 0, -1] = -np.inf  # batch 1: one -inf, the other windows finite
    return x


def REGIONS() -> dict[str, list[Region]]:
    c = sobel_case
    rows, cols = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    return {"sobel": [
        Region("padding left at its default", "'valid' when not passed: the output shrinks by 2 on each axis",
               lambda case: "padding" not in case.params, (c("default", (5, 7), {}, batch=2),)),
        Region("'valid' passed", "no padding", lambda case: _padding(case) == "valid" and "padding" in case.params,
               (c("valid", (6, 4), {"padding": "valid"}),)),
        Region("int padding > 0", "p zeros on both sides of both axes",
               lambda case: isinstance(_padding(case), int) and _padding(case) > 0,
               (c("int-1", (4, 5), {"padding": 1}), c("int-2", (3, 4), {"padding": 2}))),
        Region("per-axis padding, unequal values", "padding (p0, p1) pads the rows (H) by p0 and the columns (W) by p1",
               lambda case: _is_per_axis_ints(_padding(case)),
               (c("per-axis", (5, 4), {"padding": (0, 2)}), c("per-axis-2", (4, 6), {"padding": (2, 1)}))),
        Region("per-side padding, lo != hi", "each (lo, hi) pair pads the low side by lo and the high side by hi",
               lambda case: _is_unequal_per_side(_padding(case)),
               (c("per-side", (5, 4), {"padding": ((0, 2), (1, 0))}),
                c("per-side-2", (3, 4), {"padding": ((2, 1), (0, 1))}))),
        Region("per-axis int and (lo, hi) pair mixed", "an int entry pads its axis on both sides, a pair per side",
               lambda case: _is_mixed(_padding(case)), (c("mixed", (4, 5), {"padding": (1, (2, 0))}),)),
        Region("'same'", "one zero on each side: the output keeps H x W", lambda case: _padding(case) == "same",
               (c("same", (4, 6), {"padding": "same"}),)),
        Region("'same_lower'", "for the odd 3x3 kernel identical to 'same': one zero on each side",
               lambda case: _padding(case) == "same_lower", (c("same-lower", (5, 3), {"padding": "same_lower"}),)),
        Region("'full'", "two zeros on each side: the output grows by 2 on each axis",
               lambda case: _padding(case) == "full", (c("full", (3, 5), {"padding": "full"}),)),
        Region("image smaller than the kernel, padded", "an axis shorter than 3 is valid once padded to 3",
               lambda case: min(case.inputs["x"].shape[2:]) < 3,
               (c("small-same", (1, 2), {"padding": "same"}), c("small-per-side", (2, 1), {"padding": ((1, 0), 2)}))),
        Region("smallest valid image", "a 3x3 image, no padding: one output per channel",
               lambda case: all(lo + n + hi == 3 for n, (lo, hi) in zip(case.inputs["x"].shape[2:], _pairs(case))),
               (c("3x3", (3, 3), {}),)),
        Region("non-square image", "H is axis 2 and W axis 3: G_x along W, G_y along H, output H' x W'",
               lambda case: case.inputs["x"].shape[2] != case.inputs["x"].shape[3],
               (c("tall", (7, 4), {"padding": 1}), c("wide", (3, 8), {}))),
        Region("brightening to the right", "a convolution: G_x > 0 and G_y = 0 where the image brightens with +x",
               lambda case: _brightens(case, 1), (c("ramp-right", (4, 5), {}, image=3 * cols[:4, :5] - 4),)),
        Region("brightening downwards", "a convolution: G_y > 0 and G_x = 0 where the image brightens with +y",
               lambda case: _brightens(case, 0), (c("ramp-down", (5, 4), {"padding": "valid"}, image=2 * rows[:, :4] - 3),)),
        Region("both gradients nonzero", "the magnitude is sqrt(G_x^2 + G_y^2), not |G_x| + |G_y| or max",
               _diagonal, (c("ramp-diagonal", (5, 6), {}, image=3 * rows - 4 * cols, dtype="float64"),)),
        Region("batch > 1", "each image of the batch filtered on its own, in order",
               lambda case: case.inputs["x"].shape[0] > 1, (c("batch-3", (4, 4), {"padding": "same"}, batch=3),)),
        Region("empty batch", "a batch of 0 gives an empty (0, 3, H', W') output",
               lambda case: case.inputs["x"].shape[0] == 0, (c("empty", (5, 4), {"padding": (1, 0)}, batch=0),)),
        Region("NaN and ±inf at a corner tap", "a NaN makes its window's three outputs NaN; an inf makes them ±inf, inf",
               _corner_nonfinite,
               (c("nonfinite", (4, 5), {}, batch=2, fill=_corner_image),
                c("nonfinite-64", (5, 4), {"padding": "valid"}, batch=2, fill=_corner_image, dtype="float64"))),
        Region("gradients whose squares overflow", "the magnitude is the true sqrt(G_x^2 + G_y^2) (hypot): no overflow",
               lambda case: case.dtype in ("float16", "float32")
               and 8 * _largest(case) > np.sqrt(np.finfo(case.dtype).max),
               (c("overflow-32", (4, 4), {"padding": 1},
                  fill=lambda shape, dtype, rng: distinct_integers(shape, dtype, rng) * np.float32(2.0**62)),
                c("overflow-16", (4, 4), {}, dtype="float16",
                  fill=lambda shape, dtype, rng: distinct_integers(shape, dtype, rng, high=9) * np.float16(16)))),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", (5, 6), {"padding": "same"}, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", (5, 5), {"padding": 1}, dtype="float64", fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (4, 5), {"padding": "full"}, dtype="float16"),
                c("float16-floats", (4, 4), {}, dtype="float16", fill=general_floats))),
    ]}
