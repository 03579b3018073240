"""Finite differences, the numeric oracle: every generated gradient against its function."""

import numpy as np
import pytest

from numeric import functions as F
from symbolic import ELEMENTWISE, LOSSES


def central_difference(f, x, h=1e-6):
    """Central differences of a per-sample scalar (or elementwise) function, entry by entry."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h * max(1.0, abs(x[index]))
        grad[index] = (f(x + step) - f(x - step))[index[:-1]].sum() / (2 * step[index])
    return grad


def max_relative_error(a, n):
    """|a - n| / max(1, |a| + |n|): finite differences carry an absolute error of about
    eps |f| / h, so tiny derivatives are judged on an absolute scale (mpmath tests
    judge them relatively)."""
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1.0)))


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if n != "relu"])
def test_activation_gradient_matches_finite_differences(name, rng):
    z = rng.uniform(-8, 8, 200)
    forward, grad = getattr(F, name), getattr(F, f"{name}_grad")
    h = 1e-6 * np.maximum(1, np.abs(z))
    numeric = (forward(z + h) - forward(z - h)) / (2 * h)
    assert max_relative_error(grad(z), numeric) < 1e-7


def test_relu_gradient_matches_finite_differences_away_from_the_kink(rng):
    z = rng.uniform(-8, 8, 200)
    z = z[np.abs(z) > 1e-3]
    numeric = (F.relu(z + 1e-6) - F.relu(z - 1e-6)) / 2e-6
    assert max_relative_error(F.relu_grad(z), numeric) < 1e-7


def _targets(name, rng, shape):
    if name == "cross_entropy":
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    return rng.uniform(0, 1, shape)


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient_matches_finite_differences(name, rng):
    z = rng.normal(0, 2, (4, 5))
    t = _targets(name, rng, z.shape)
    numeric = central_difference(lambda x: getattr(F, name)(x, t), z)
    assert max_relative_error(getattr(F, f"{name}_grad")(z, t), numeric) < 1e-7


def test_softmax_jvp_matches_a_directional_difference(rng):
    z, v = rng.normal(0, 2, (6, 5)), rng.normal(size=(6, 5))
    h = 1e-6
    numeric = (F.softmax(z + h * v) - F.softmax(z - h * v)) / (2 * h)
    assert max_relative_error(F.softmax_jvp(z, v), numeric) < 1e-7


def test_negative_control_a_wrong_gradient_fails(rng):
    z = rng.uniform(-4, 4, 200)
    s = F.sigmoid(z)
    numeric = (F.sigmoid(z + 1e-6) - F.sigmoid(z - 1e-6)) / 2e-6
    assert max_relative_error(s * (1 + s), numeric) > 1e-2  # sigma(1 + sigma): wrong
    assert max_relative_error(F.sigmoid_grad(z), numeric) < 1e-7
