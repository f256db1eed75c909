"""NaN, +inf and -inf: what a non-finite input does to every operation's outputs (issue 13).

Each family module states its rules in one place, a module-level ``NON_FINITE`` dict
(operation name -> a markdown paragraph, RFC 2119 words); this module collects them:
:func:`non_finite_rule` gives one operation's paragraph, :func:`non_finite_rules` all of them.
The shared vocabulary:

* IEEE 754 arithmetic decides what a value that reaches an output does there:
  ``NaN · w = NaN`` (``w = 0`` included), ``0 · ±inf = NaN``, ``±inf · w = ±inf`` with the
  sign of ``w`` (``w ≠ 0``), ``inf - inf = NaN``; a sum holding ``+inf`` and ``-inf`` is NaN.
  An operation that only selects or copies (max, unpool, nearest upsampling, flatten, relu)
  does no arithmetic: the value is copied as it is.
* **Reach**: an output that no non-finite input reaches **must** be the value computed
  without it, in both implementations (finite, and within the operation's tolerance of
  the reference). "Reaches" is stated per operation below, from the definition's sums:
  a tap counts even when its weight is 0 (``0 · NaN`` is computed, not skipped).
* :data:`OVERFLOW`: finite inputs whose sums exceed the dtype's range.

Example: ``correlate([[[1, nan, 3, 4]]], [[[1, 0]]])`` is ``[[[nan, nan, 3]]]``: output 1's
window holds the NaN with weight 0, output 2's window does not hold it.

Worked example of the overflow rule: ``global_avg_pool`` of a float32 ``4 x 4`` map of
``3e38`` is ``3e38`` in the reference (float64 sums) and ``inf`` in the accelerated path
(float32 sums): ``Σ|x| = 4.8e39`` exceeds float32's ``3.4e38``, so both are allowed.
"""

from __future__ import annotations

import importlib

OVERFLOW = (
    "Finite inputs, sums past the range of the accumulation: a sum of products (a convolution, an average, "
    "a gram matrix, a loss, a spectrum) **must** be accumulated at least in float32 for float16 and bfloat16 "
    "inputs (their sums **must not** overflow where a float32 sum would not), and in the dtype itself for float32 "
    "and float64. Where ``Σ|x·w|`` (the same sum on absolute values) exceeds the largest finite value of that "
    "accumulation dtype, an implementation **may** return ±inf or NaN for that output even when the exact result "
    "is representable (the reference sums in float64 and is then finite; the accelerated path sums float32 in "
    "float32 at native speed). Where ``Σ|x·w|`` is at most half that largest finite value the output **must** be "
    "finite (when it is representable in the output dtype)."
)

# the spec modules that hold a NON_FINITE dict, in the catalog's order
FAMILIES = ("conv", "conv_transpose", "pool", "unpool", "upsample", "activations", "detection", "style", "filters", "fft")


def non_finite_rules() -> dict[str, str]:
    """Every operation's rule, ``{name: markdown paragraph}``, collected from the family modules."""
    rules: dict[str, str] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"convspec.spec.{family}")
        for name, rule in module.NON_FINITE.items():
            if name in rules:
                raise AssertionError(f"INTERNAL: {name} states its non-finite rule twice (spec.{family})")
            rules[name] = rule
    return rules


def non_finite_rule(op_name: str) -> str:
    """The markdown paragraph that says what NaN and ±inf in each input of ``op_name`` do.

    >>> non_finite_rule("relu").startswith("Elementwise")
    True
    """
    rules = non_finite_rules()
    if not isinstance(op_name, str) or op_name not in rules:
        raise ValueError(f"non_finite_rule: op_name must be one of {', '.join(rules)}; got {op_name!r}")
    return rules[op_name]
