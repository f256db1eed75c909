"""A module that defines none of the catalog's operations (tests/test_isolation.py)."""


def my_convolution(x, w):
    return x
