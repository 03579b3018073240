"""Property-based tests: the generated functions are finite and in range for any input."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numeric import functions as F

finite64 = st.floats(allow_nan=False, allow_infinity=False, width=64)
finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite64))
def test_sigmoid_and_its_derivative_are_in_range(z):
    with np.errstate(**STRICT):
        s, ds = F.sigmoid(z), F.sigmoid_grad(z)
    quarter = 0.25 * (1 + 2 * np.finfo(float).eps)  # the maximum, up to its last bit
    assert np.all((s >= 0) & (s <= 1)) and np.all((ds >= 0) & (ds <= quarter))
    np.testing.assert_allclose(F.sigmoid(-z) + s, 1, rtol=0, atol=2.3e-16)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 5), st.integers(2, 6)), elements=finite32))
def test_softmax_rows_are_distributions_in_float32(z):
    z = z / 4  # the differences z - max z must stay finite in float32
    with np.errstate(**STRICT):
        y, log_y = F.softmax(z), F.log_softmax(z)
    assert y.dtype == np.float32 and np.all(np.isfinite(log_y))
    np.testing.assert_allclose(y.sum(axis=-1), 1, rtol=1e-5)
    assert np.all(log_y <= 0)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 6)), elements=finite64))
def test_losses_are_finite_for_finite_logits(z):
    z = z / 4
    t = np.eye(z.shape[1])[np.arange(z.shape[0]) % z.shape[1]]
    with np.errstate(**STRICT):
        values = [F.cross_entropy(z, t), F.cross_entropy_grad(z, t), F.bce_grad(z, t)]
    assert all(np.all(np.isfinite(v)) for v in values)
    assert np.all(F.cross_entropy(z, t) >= 0)
