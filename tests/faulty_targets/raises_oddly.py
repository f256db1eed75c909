"""A target whose errors are hard to put into words: for tests/test_isolation.py.

relu raises an exception whose ``__str__`` raises; sigmoid raises a ValueError whose message is 50 MB (a tensor
printed in full, a log joined into one string): the table's panel took minutes to lay out it, the check hung at
its end; softmax's SUPPORTS predicate gives a 5 MB reason for refusing every case; flatten calls ``sys.exit``
with an object whose ``__repr__`` raises; VERSIONS (copied into the report) holds a 1 MB version and one whose
``__str__`` raises. Each is a result with a bounded message, never an internal error.
"""

import sys

from convspec import reference


class Mute(Exception):
    def __str__(self):
        raise RuntimeError("no words")


class Unspeakable:
    def __repr__(self):
        raise RuntimeError("no repr")


def relu(x):
    raise Mute()


def sigmoid(x):
    raise ValueError("0.5 " * 12_500_000)


softmax = reference.softmax


def flatten(x):
    sys.exit(Unspeakable())


SUPPORTS = {"softmax": lambda case: "refused: " + "because " * 640_000}
VERSIONS = {"kernels": "1." + "0" * 1_000_000, "build": Mute()}
