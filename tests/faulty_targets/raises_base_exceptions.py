"""A target whose code raises exceptions that ``except Exception`` does not catch: for tests/test_isolation.py.

relu raises KeyboardInterrupt, sigmoid asyncio.CancelledError, softmax GeneratorExit, the VJP of
gram_matrix KeyboardInterrupt, and the SUPPORTS predicate of flatten KeyboardInterrupt; gram_matrix is right. Each was
convspec's "internal error" (exit 3, "please report it"); each is the target's fault, reported with its case.
"""

import asyncio

from convspec import reference


def relu(x):
    raise KeyboardInterrupt


def gram_matrix_vjp(grad_out, x):
    raise KeyboardInterrupt


def sigmoid(x):
    raise asyncio.CancelledError("the target's own task was cancelled")


def softmax(x, **params):
    raise GeneratorExit


def _flatten_supported(case):
    raise KeyboardInterrupt


flatten = reference.flatten
gram_matrix = reference.gram_matrix
SUPPORTS = {"flatten": _flatten_supported}
