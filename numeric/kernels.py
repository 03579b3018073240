"""Stable NumPy kernels for the elementwise primitives that generated code calls.

NumPy only: a module written by ``gradproof codegen`` carries these functions' source.
Each is exact to a few ULP over the whole range of its dtype and never overflows.
"""

import numpy as np


def sigmoid(z):
    r"""Return :math:`\sigma(z) = 1/(1 + e^{-z})` without overflow.

    Uses :math:`e = e^{-|z|} \le 1`: :math:`\sigma(z) = 1/(1+e)` for :math:`z \ge 0` and
    :math:`e/(1+e)` otherwise, so no exponential of a positive number is taken.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def softplus(z):
    r"""Return :math:`\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})` without overflow."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def heaviside(z):
    r"""Return the step :math:`H(z)` with the convention :math:`H(0) = 0` (relu'(0) = 0)."""
    return (z > 0).astype(np.result_type(z, np.float16))


def shifted_logsumexp(s):
    r"""Return :math:`\log \sum_k e^{s_k}` over the last axis, for rows whose maximum is 0.

    One term of the sum is exactly 1; the others are summed without it and the result is
    :math:`\operatorname{log1p}` of that sum, which keeps full relative accuracy when the
    other terms are tiny (plain ``log(sum)`` loses it there).
    """
    e = np.exp(s)
    np.put_along_axis(e, np.argmax(s, axis=-1, keepdims=True), 0, axis=-1)
    return np.log1p(np.sum(e, axis=-1, keepdims=True))


def as_float(x):
    """Return *x* as an array of a floating (or complex) dtype; integers become float64."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.inexact) else x.astype(np.float64)


def finish(out, like, shape):
    """Give a generated function's raw output its documented shape and a fresh buffer.

    ``shape`` is ``"sample"`` (one value per row: drop the kept reduction axis), or
    ``"elementwise"``/``"row"`` (the shape and dtype of *like*; constants broadcast).
    """
    out = np.asarray(out)
    if shape == "sample":
        return out[..., 0]
    if out.shape != like.shape or out is like:
        out = np.array(np.broadcast_to(out, like.shape), dtype=like.dtype)
    return out


KERNELS = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "heaviside": heaviside,
    "shifted_logsumexp": shifted_logsumexp,
}
"""Kernels by primitive name."""
