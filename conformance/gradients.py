"""Backward passes, checked: the tolerance models of the gradients and the machinery that compares VJPs.

One implementation, shared by ``convspec check TARGET --grad`` (:func:`convspec.conformance.runner.run_gradient`)
and ``tests/test_gradients.py`` (which checks the reference VJPs themselves against autograd,
finite differences and the adjoint identity):

* :data:`GRADIENT_OPS`: the catalog's differentiable operations, those with a reference VJP
  ``convspec.reference.<op>_vjp(grad_out, *inputs, **params)`` (the gradients of
  ``L = sum(grad_out * <op>(*inputs))``, one per array argument, ``None`` where there is none);
* :func:`draw_grad_out`: the upstream gradient of a case, of the forward output's shape, dtype and data kind;
* :func:`gradient_tolerances`: one tolerance per array argument, derived per operation from
  rounding-error bounds -- bit for bit where every gradient is a sum of integer products and
  the data are integer-valued, ``γ_n · Σ|terms|`` otherwise; each family's model is
  ``gradient_tolerances`` in ``conformance/families/<family>/tolerances.py``, dispatched by family;
* :func:`torch_gradients`, :func:`torch_vjp`, :func:`autograd_vjp`: ``torch.autograd.grad``
  as a numpy-in, numpy-out VJP (``convspec.accelerated``, the torch adapter);
  :func:`jax_gradients`: ``jax.vjp`` likewise (the jax adapter);
* :func:`compare_gradients`, :func:`vjp_disagreement`, :func:`search_for_disagreement`:
  a candidate VJP against expected gradients (autograd, or the reference VJP) under those tolerances.

Neither torch nor jax is imported here until a function that needs it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from convspec import reference

from convspec.conformance import catalog
from .case import Case
# the families' shared pieces, re-exported (tests/test_gradients.py imports magnitudes and style_magnitudes from here)
from .gradient_bounds import U64, Bound, magnitudes, reference_vjp  # noqa: F401
from .families.style.tolerances import style_magnitudes  # noqa: F401
from .strategies import random_array
from .target_text import value_text
from .tolerance import Comparison, compare

#: the differentiable operations of the catalog: those with a reference VJP
GRADIENT_OPS = tuple(op for op in catalog.CATALOG if hasattr(reference, f"{op.name}_vjp"))
GRADIENT_OP_NAMES = frozenset(op.name for op in GRADIENT_OPS)


def draw_grad_out(op, case: Case, seed: int) -> np.ndarray:
    """``grad_out`` of the forward output's shape, of the case's dtype and data kind."""
    return random_array(op.output_shape(case), case.dtype, case.data_kind, np.random.default_rng(seed))


# ---------------------------------------------------------------------------
# Autograd (torch) and jax.vjp as numpy-in, numpy-out VJPs


def _is_floating(array) -> bool:
    return array is not None and np.asarray(array).dtype.kind == "f"


def torch_leaves(arrays: Sequence, device: str = "cpu") -> list:
    """Tensors of ``arrays`` on ``device``: floating ones as leaves that require grad, integer ones as they are."""
    import torch

    tensors = []
    for array in arrays:
        if array is None:
            tensors.append(None)
            continue
        tensor = torch.from_numpy(np.ascontiguousarray(array)).to(device)
        tensors.append(tensor.requires_grad_(True) if tensor.dtype.is_floating_point else tensor)
    return tensors


def torch_gradients(out, tensors: Sequence, grad_out: np.ndarray) -> tuple:
    """``torch.autograd.grad(out, leaves, grad_outputs=grad_out)`` as numpy, one entry per tensor.

    ``out`` may be a tuple (max_pool's values and indices: the indices carry no gradient);
    ``None`` for a tensor that is ``None`` or does not require grad; zeros where autograd
    finds the output independent of a leaf.
    """
    import torch

    if isinstance(out, tuple):
        out = out[0]
    wanted = [t for t in tensors if t is not None and t.requires_grad]
    upstream = torch.from_numpy(np.ascontiguousarray(grad_out)).to(out.device)
    grads = iter(torch.autograd.grad(out, wanted, grad_outputs=upstream, allow_unused=True))
    result = []
    for tensor in tensors:
        if tensor is None or not tensor.requires_grad:
            result.append(None)
            continue
        grad = next(grads)
        dtype = np.dtype(str(tensor.dtype).removeprefix("torch."))
        result.append(np.zeros(tuple(tensor.shape), dtype=dtype) if grad is None else grad.detach().cpu().numpy())
    return tuple(result)


def torch_vjp(forward: Callable, device: str = "cpu") -> Callable:
    """A numpy VJP ``vjp(grad_out, *arrays, **params)`` of ``forward(*tensors, **params)`` by autograd.

    TF32 is off (the float32 tolerance assumes float32 arithmetic), as in the forward check.
    """

    def vjp(grad_out, *arrays, **params):
        import torch

        from convspec.accelerated._backend import checking_flags

        tensors = torch_leaves(arrays, device)
        with torch.enable_grad(), checking_flags():
            return torch_gradients(forward(*tensors, **params), tensors, grad_out)

    vjp.__name__ = f"{getattr(forward, '__name__', 'forward')}_vjp"
    return vjp


def autograd_vjp(op, case: Case, grad_out: np.ndarray, device: str = "cpu") -> tuple:
    """``torch.autograd.grad`` of ``convspec.accelerated.<op>`` with ``grad_outputs=grad_out``; ``None`` where no gradient."""
    return torch_vjp(op.accelerated, device)(grad_out, *case.copies(), **case.params)


def jax_gradients(forward: Callable, arrays: Sequence, grad_out: np.ndarray) -> tuple:
    """``jax.vjp`` of ``forward(*primals)`` (one primal per floating array) with cotangent ``grad_out``, as numpy.

    ``forward`` receives jax arrays for the floating entries of ``arrays`` (in order) and
    returns the output (or a tuple whose first entry is the output); the gradients come
    back in each array's dtype, ``None`` for ``None`` and integer arrays.
    """
    import jax

    positions = [i for i, a in enumerate(arrays) if _is_floating(a)]
    # device_put copies each array as it is; jnp.asarray (and .astype on a jax array) would compile a
    # conversion program per shape and dtype
    primals = [jax.device_put(np.asarray(arrays[i])) for i in positions]

    def first(*values):
        out = forward(*values)
        return out[0] if isinstance(out, tuple) else out

    out, pullback = jax.vjp(first, *primals)
    grads = pullback(jax.device_put(np.asarray(grad_out).astype(np.dtype(out.dtype), copy=False)))
    result: list = [None] * len(arrays)
    for i, grad in zip(positions, grads):
        result[i] = np.asarray(grad).astype(np.asarray(arrays[i]).dtype)
    return tuple(result)


# ---------------------------------------------------------------------------
# The tolerance model of the backward passes: one per family, dispatched here


def gradient_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """One tolerance per array argument (``None`` where there is no gradient), from rounding-error bounds.

    Every gradient element is a sum of products. ``terms`` is an upper bound on how many
    roundings a product passes through on its way into the sum (Higham §3.1: any order
    of summation, ``|err| <= γ_terms · Σ|terms|``); ``Σ|terms|`` is the reference VJP of
    the absolute values (:func:`~convspec.conformance.gradient_bounds.magnitudes`). Integer-valued
    data make every such sum exact (``SumOfProducts.exact``).

    Each differentiable family derives its own in ``gradient_tolerances(case, grad_out)`` of
    ``conformance/families/<family>/tolerances.py`` (conv, conv_transpose, pool, unpool, upsample,
    activations, style); this function finds the case's family in the catalog and calls it.
    """
    op = catalog.BY_NAME.get(case.op)
    model = None
    if op is not None:
        module = importlib.import_module(f"convspec.conformance.families.{op.family}.tolerances")
        model = getattr(module, "gradient_tolerances", None)
    if model is None:
        raise AssertionError(f"no gradient tolerance model for {case.op!r}")
    return model(case, grad_out)


# ---------------------------------------------------------------------------
# The checker: a candidate VJP against expected gradients


@dataclass(frozen=True)
class GradientMismatch:
    """Why a candidate's gradients differ from the expected ones: the argument and what differs."""

    argument: str | None  # None: the result as a whole (not a tuple of the right length)
    reason: str
    comparison: Comparison | None = None


def compare_gradients(op, case: Case, grad_out: np.ndarray, expected: Sequence, actual,
                      against: str = "autograd") -> tuple[GradientMismatch | None, list[Comparison]]:
    """Compare ``actual`` (a candidate's gradients) with ``expected`` under :func:`gradient_tolerances`.

    Returns the first mismatch (``None`` when all agree) and the comparisons made, one per
    gradient compared (for the worst ratio and the bit-exact count).
    """
    names = list(case.inputs)
    if not isinstance(actual, (tuple, list)) or len(actual) != len(names):
        got = f"{len(actual)} entries" if isinstance(actual, (tuple, list)) else type(actual).__name__
        return GradientMismatch(None, f"expected a tuple of {len(names)} gradients ({', '.join(names)}), got {got}"), []
    tolerances = gradient_tolerances(case, grad_out)
    comparisons = []
    for name, want, got, tolerance in zip(names, expected, actual, tolerances):
        if want is None or got is None:
            if (want is None) != (got is None):
                return GradientMismatch(
                    name, f"gradient of {name}: expected {'None' if want is None else 'an array'}, got {value_text(got)}"), comparisons
            continue
        if not isinstance(got, np.ndarray):
            return GradientMismatch(name, f"gradient of {name}: {type(got).__name__}, not a numpy.ndarray"), comparisons
        if got.shape != want.shape or got.dtype != want.dtype:
            return GradientMismatch(
                name, f"gradient of {name}: shape/dtype {got.shape}/{got.dtype}, {against} {want.shape}/{want.dtype}"
            ), comparisons
        with np.errstate(over="ignore"):  # diff / bound where the bound is a subnormal
            comparison = compare(want, got, tolerance)
        comparisons.append(comparison)
        if not comparison.passed:
            return GradientMismatch(
                name,
                f"gradient of {name} differs from {against} "
                f"({'bit-for-bit' if comparison.exact else 'rounding-error bound'}): {comparison.describe()}",
                comparison,
            ), comparisons
    return None, comparisons


def grad_out_source(grad_out: np.ndarray) -> str:
    """A Python line that rebuilds ``grad_out`` exactly."""
    return Case("grad_out", {"grad_out": grad_out}, {}, "floats").input_source()


def vjp_disagreement(op, case: Case, grad_out: np.ndarray, candidate, expected=None) -> str | None:
    """``None`` when ``candidate(grad_out, *inputs, **params)`` agrees with autograd; else what differs.

    ``expected``: the gradients to compare with (default: :func:`autograd_vjp` through
    ``convspec.accelerated``).
    """
    against = "autograd" if expected is None else "the expected gradients"
    if expected is None:
        expected = autograd_vjp(op, case, grad_out)
    actual = candidate(grad_out.copy(), *case.copies(), **case.params)
    mismatch, _ = compare_gradients(op, case, grad_out, expected, actual, against)
    if mismatch is None:
        return None
    return f"{op.name}_vjp on {case.describe()}: {mismatch.reason}\n{case.input_source()}\n{grad_out_source(grad_out)}"


def search_for_disagreement(op, candidate, examples: int, shrink: bool = True) -> None:
    """Draw ``examples`` cases with the op's strategy; raise AssertionError at the first disagreement with autograd."""
    phases = (Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if shrink else ())

    @settings(max_examples=examples, derandomize=True, database=None, phases=phases)
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        problem = vjp_disagreement(op, case, draw_grad_out(op, case, seed), candidate)
        assert problem is None, problem

    check()
