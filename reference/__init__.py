"""convspec.reference: the oracle. Slow, readable numpy loops that read like the definitions.

Never uses torch, scipy or a library convolution, and never imports the spec's
closed-form sizes: window positions are enumerated from the definition.
"""

from .conv import convolve, correlate, depthwise_separable

__all__ = ["convolve", "correlate", "depthwise_separable"]
