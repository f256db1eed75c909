"""The bias gradient sums grad_out over the batch but takes only the first output position, instead
of summing over every position the bias was added to.
"""

from itertools import product

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.windows import resolve_padding, span, window_starts, zero_pad
from convspec.spec.conventions import check_conv_arguments

PLANTED_BUG = "correlate_vjp: the bias gradient is not summed over the spatial positions (only the first is taken)"
OP = "correlate"


def correlate_vjp(grad_out, x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    args = check_conv_arguments(OP, x.shape, weight.shape, None if bias is None else bias.shape,
                                stride=stride, padding=padding, dilation=dilation, groups=groups)
    g, xs, w = accumulator(grad_out), accumulator(x), accumulator(weight)
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    x_padded = zero_pad(xs, pads)
    starts = [window_starts(n, span(k, d), s)
              for n, k, d, s in zip(x_padded.shape[2:], args.kernel_size, args.dilation, args.stride)]
    grad_x_padded, grad_w = zeros(x_padded.shape, like=xs), zeros(w.shape, like=w)
    cin, cout = args.in_channels // args.groups, args.out_channels // args.groups
    for o in product(*(range(len(a)) for a in starts)):
        start = [a[i] for a, i in zip(starts, o)]
        for tap in product(*(range(k) for k in args.kernel_size)):
            p = tuple(s0 + d * t for s0, d, t in zip(start, args.dilation, tap))
            for grp in range(args.groups):
                ic, oc = slice(grp * cin, (grp + 1) * cin), slice(grp * cout, (grp + 1) * cout)
                up = g[(slice(None), oc) + o]
                grad_x_padded[(slice(None), ic) + p] += up @ w[(oc, slice(None)) + tap]
                grad_w[(oc, slice(None)) + tap] += up.T @ x_padded[(slice(None), ic) + p]
    interior = (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(args.input_size, pads))
    grad_b = None if bias is None else g.sum(axis=0)[(slice(None),) + (0,) * (g.ndim - 2)].astype(bias.dtype)
    return grad_x_padded[interior].astype(x.dtype), grad_w.astype(weight.dtype), grad_b
