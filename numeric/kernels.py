"""Stable NumPy kernels for the elementwise primitives that generated code calls.

NumPy only: a module written by ``gradproof codegen`` carries these functions' source.
Each is exact to a few ULP over the whole range of its dtype and never overflows.

Complex input (the complex-step derivative of :mod:`numeric.gradcheck`) takes the branch
chosen by the real part, so each kernel is analytic near the real axis: its value at
``x + ih`` has imaginary part ``h f'(x)`` to within ``h**3``.
"""

import numpy as np


def log1p_complex(w):
    r"""Return :math:`\log(1 + w)` for complex w, accurate when w is small.

    :math:`\log|1 + w| + i \arg(1 + w)` with :math:`|1 + w|^2 - 1 = a(2 + a) + b^2` for
    :math:`w = a + ib`; NumPy's complex ``log1p`` forms 1 + w and loses the small part.
    """
    a, b = w.real, w.imag
    return 0.5 * np.log1p(a * (2 + a) + b * b) + 1j * np.arctan2(b, 1 + a)


def sigmoid(z):
    r"""Return :math:`\sigma(z) = 1/(1 + e^{-z})` without overflow.

    Uses :math:`e = e^{-|z|} \le 1`: :math:`\sigma(z) = 1/(1+e)` for :math:`z \ge 0` and
    :math:`e/(1+e)` otherwise, so no exponential of a positive number is taken. The
    numerator, 1 or e, is ``maximum(e, z >= 0)`` (e <= 1), a vectorised loop where
    ``numpy.where`` is not.
    """
    z = np.asarray(z)
    if np.iscomplexobj(z):
        e = np.exp(np.where(z.real >= 0, -z, z))
        return np.where(z.real >= 0, 1, e) / (1 + e)
    e = np.empty_like(z)  # then, in place: e^{-|z|}, the numerator, 1 + e, the quotient
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    numerator = np.maximum(e, z >= 0, out=np.empty_like(e))
    e += 1
    return np.divide(numerator, e, out=numerator)


def softplus(z):
    r"""Return :math:`\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})` without overflow."""
    if np.iscomplexobj(z):
        positive = z.real >= 0
        return np.where(positive, z, 0) + log1p_complex(np.exp(np.where(positive, -z, z)))
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def tanh(z):
    r"""Return :math:`\tanh z`; in float64 as :math:`-\operatorname{expm1}(-2|z|) /
    (\operatorname{expm1}(-2|z|) + 2)` with the sign of z.

    NumPy's float64 ``tanh`` has no vectorised loop on CPUs without AVX-512, and this form
    (2 ULP) takes about 0.6 of its time; ``|z|`` is capped at 20, beyond which tanh rounds
    to 1. float32 (vectorised in NumPy) and complex input (analytic) use ``numpy.tanh``.
    """
    z = np.asarray(z)
    if z.dtype != np.float64:
        return np.tanh(z)
    e = np.empty_like(z)  # then, in place: expm1(-2 min(|z|, 20)), -e / (e + 2), sign of z
    np.abs(z, out=e)
    np.minimum(e, 20, out=e)
    e *= -2
    np.expm1(e, out=e)
    denominator = e + 2
    np.negative(e, out=e)
    e /= denominator
    return np.copysign(e, z, out=e)


def heaviside(z):
    r"""Return the step :math:`H(z)` with the convention :math:`H(0) = 0` (relu'(0) = 0)."""
    return (np.real(z) > 0).astype(np.result_type(z, np.float16))


def shifted_logsumexp(s):
    r"""Return :math:`\log \sum_k e^{s_k}` over the last axis, for rows whose maximum is 0.

    One term of the sum is exactly 1; the others are summed without it and the result is
    :math:`\operatorname{log1p}` of that sum, which keeps full relative accuracy when the
    other terms are tiny (plain ``log(sum)`` loses it there).
    """
    if np.iscomplexobj(s):  # the largest term is e^{i phase}: factor it out, then as below
        top = np.argmax(s.real, axis=-1, keepdims=True)
        phase = 1j * np.take_along_axis(s, top, axis=-1).imag
        e = np.exp(s - phase)
        np.put_along_axis(e, top, 0, axis=-1)
        return phase + log1p_complex(np.sum(e, axis=-1, keepdims=True))
    e = np.exp(s)
    np.put_along_axis(e, np.argmax(s, axis=-1, keepdims=True), 0, axis=-1)
    return np.log1p(np.sum(e, axis=-1, keepdims=True))


def as_float(x):
    """Return *x* as an array of a floating (or complex) dtype; integers become float64."""
    x = np.asarray(x)
    if x.dtype.kind not in "biufc":  # NumPy would parse strings such as "inf" as numbers
        raise TypeError(f"expected numbers, got an array of dtype {x.dtype}")
    return x if np.issubdtype(x.dtype, np.inexact) else x.astype(np.float64)


def finish(out, like, shape):
    """Give a generated function's raw output its documented shape and a fresh buffer.

    ``shape`` is ``"sample"`` (one value per row: drop the kept reduction axis), or
    ``"elementwise"``/``"row"`` (the shape and dtype of *like*; constants broadcast).
    """
    out = np.asarray(out)
    if shape == "sample":
        return out[..., 0]
    if out.shape != like.shape or out.dtype != like.dtype or out is like:
        out = np.array(np.broadcast_to(out, like.shape), dtype=like.dtype)
    return out


KERNELS = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "tanh": tanh,
    "heaviside": heaviside,
    "shifted_logsumexp": shifted_logsumexp,
}
"""Kernels by primitive name."""
