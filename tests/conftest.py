"""Shared fixtures: a seeded generator and an mpmath oracle.

The oracle keeps 50 correct digits: at a point x it works with 60 + 0.87 |x| digits,
because the raw SymPy forms it evaluates cancel catastrophically at the extremes
(1 + e^{-1000} needs 435 more digits, 1 - tanh(30)^2 needs 26).
"""

import mpmath
import numpy as np
import pytest

mpmath.mp.dps = 50


def working_digits(*points: float) -> int:
    """Digits that keep 50 correct through e^{-2|x|}-sized cancellations at *points*."""
    # beyond |x| = 800 every term that cancels is below float64's smallest subnormal
    needed = 60 + 0.87 * min(800.0, max(abs(float(x)) for x in points))
    return 128 * (int(needed) // 128 + 1)  # a few levels, so mpmath's constants stay cached


GRID = np.concatenate(
    [
        np.linspace(-1000.0, 1000.0, 2001),
        [0.0, 1e-8, -1e-8, 30.0, -30.0, 700.0, -700.0, 1000.0, -1000.0, 720.0, -720.0],
        [-745.0, -740.0, 36.0, -36.0, 1e-300, -1e-300],
    ]
)
"""Where elementwise functions are compared with mpmath: the extremes included."""


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def ulp_error(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Error in units of the last place of the (correctly rounded) reference."""
    tiny = np.finfo(ref.dtype).smallest_subnormal
    return np.abs(got.astype(np.float64) - ref) / np.maximum(np.spacing(np.abs(ref)), tiny)


def relative_error(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Relative error, measured against the smallest normal number for subnormal results."""
    tiny = np.finfo(ref.dtype).tiny
    return np.abs(got - ref) / np.maximum(np.abs(ref), tiny)


def reference(function, points, dtype=np.float64) -> np.ndarray:
    """Evaluate an mpmath function at each point and round to *dtype*."""
    values = []
    for x in points:
        with mpmath.workdps(working_digits(x)):
            values.append(float(function(mpmath.mpf(float(x)))))
    return np.array(values).astype(dtype)
