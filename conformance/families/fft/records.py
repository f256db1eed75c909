"""The ``fft`` family's catalog records: ``fft_convolve``, ``fft_correlate``.

Each :class:`~convspec.conformance.operation.Operation` names the reference function, the strategy that
draws valid calls (``strategies.py``), the tolerance model and the spec's output shape (``tolerances.py``),
the worked examples (``examples.py``) and a one-line summary. :data:`convspec.conformance.catalog.CATALOG`
is every family's ``OPERATIONS`` in the catalog's order.
"""

from __future__ import annotations

from convspec import reference

from convspec.conformance.families.fft import examples, strategies, tolerances
from convspec.conformance.operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        name="fft_convolve",
        family="fft",
        reference=reference.fft_convolve,
        strategy=lambda: strategies.fft_cases("fft_convolve"),
        tolerance=tolerances.fft_tolerance,
        output_shape=tolerances.fft_output_shape,
        examples=examples.FFT_CONVOLVE_EXAMPLES,
        summary="Convolution by the convolution theorem: zero-pad to n + k - 1 or more, multiply the spectra, invert, crop (full, same, valid).",
    ),
    Operation(
        name="fft_correlate",
        family="fft",
        reference=reference.fft_correlate,
        strategy=lambda: strategies.fft_cases("fft_correlate"),
        tolerance=tolerances.fft_tolerance,
        output_shape=tolerances.fft_output_shape,
        examples=examples.FFT_CORRELATE_EXAMPLES,
        summary="Cross-correlation through the FFT: fft_convolve with the kernel flipped; equal to correlate with padding full, same or 0.",
    ),
)
