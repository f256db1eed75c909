"""Helpers shared by the unpooling family's tests (tests/test_unpool*.py).

The operations, PyTorch's native pooling and transposed convolutions by rank, running
an operation in either implementation, integer-valued data, exact comparison.
"""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.unpool.strategies import block_unpool_cases, max_unpool_cases
from convspec.spec import unpool as spec_unpool

from implementations import IMPLEMENTATIONS, run, to_numpy, to_torch  # noqa: F401 (shared by the family tests)

OPS = ("max_unpool", "avg_unpool", "first_unpool")
_NATIVE_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_NATIVE_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def assert_identical(expected, actual, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        index = tuple(int(i) for i in np.argwhere(actual != expected)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def cases(op: str):
    return max_unpool_cases() if op == "max_unpool" else block_unpool_cases(op)


def _size(case: Case) -> tuple[int, ...]:
    return BY_NAME[case.op].output_shape(case)[2:]


def _args(case: Case) -> spec_unpool.UnpoolArguments:
    return spec_unpool.check_unpool_arguments(case.op, case.inputs["x"].shape, **case.params)


def _integer_case(case: Case) -> Case:
    x = case.inputs["x"]
    values = np.round(x.astype(np.float64) * 2).clip(-8, 8).astype(x.dtype)  # integer-valued, small
    return Case(case.op, {**case.inputs, "x": values}, case.params, "integers")
