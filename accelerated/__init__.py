"""convspec.accelerated: fast torch implementations, same names and signatures as the reference.

Requires torch (``pip install 'convspec[torch]'``). Functions take and return
``torch.Tensor`` and run on the device their inputs live on.
"""

from .conv import convolve, correlate, depthwise_separable

__all__ = ["convolve", "correlate", "depthwise_separable"]
