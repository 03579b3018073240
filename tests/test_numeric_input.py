"""Property-based tests of the numeric entry points: a result, or a clear ValueError/TypeError.

Warnings are errors in this suite, so an overflow or an invalid operation inside fails too.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from numeric import MLP, check_network, gradcheck
from numeric import functions as F

any64 = st.floats(width=64)  # NaN, infinities and the extremes included
shapes = array_shapes(min_dims=0, max_dims=3, max_side=4)


def _net(loss: str) -> MLP:
    return MLP([3, 4, 2], "tanh", loss, seed=0)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["mse", "bce", "cross_entropy"]),
    arrays(np.float64, shapes, elements=any64),
    arrays(np.float64, shapes, elements=st.floats(0, 1)),
)
def test_mlp_returns_finite_results_or_raises_a_clear_error(loss, X, T):
    net = _net(loss)
    try:
        y, value, grads = net.forward(X), net.loss(X, T), net.gradients(X, T)
    except ValueError as error:  # ShapeError is a ValueError
        message = str(error)
        assert message and "\n" not in message
        assert any(word in message for word in ("shape", "NaN", "infinite", "labels", "too large"))
        return
    assert y.shape == (len(np.atleast_2d(X)), 2) and np.all(np.isfinite(y))
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, (4, 3), elements=st.floats(-1e300, 1e300)))
def test_huge_inputs_give_finite_outputs_without_warnings(X):
    for loss in ("mse", "bce", "cross_entropy"):
        net = _net(loss)
        assert np.all(np.isfinite(net.forward(X)))
        assert np.isfinite(net.loss(X, np.ones((4, 2)) / 2))


@pytest.mark.parametrize("name", ["sigmoid", "tanh_grad", "softmax", "log_softmax", "bce"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_generated_functions_take_any_array_like_or_say_why_not(name, data):
    function = getattr(F, name)
    value = data.draw(
        st.one_of(
            arrays(np.float64, array_shapes(min_dims=1, max_dims=3), elements=st.floats(-50, 50)),
            arrays(np.int64, array_shapes(min_dims=1, max_dims=2), elements=st.integers(-5, 5)),
            st.lists(st.floats(-50, 50), min_size=1, max_size=4),
            st.text(max_size=3),
        )
    )
    args = [value, value] if name == "bce" else [value]  # bce(z, t)
    try:
        out = function(*args)
    except (ValueError, TypeError) as error:
        assert str(error) and "\n" not in str(error)
        return
    assert np.all(np.isfinite(out))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=3), elements=any64))
def test_gradcheck_takes_any_point_or_says_why_not(x):
    try:
        report = gradcheck(lambda v: np.sum(np.sin(v)), np.cos, x, method="complex")
    except ValueError as error:
        assert "NaN or infinite" in str(error)
        assert not np.all(np.isfinite(x))
        return
    assert report.ok


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (3, 3), elements=st.floats(-1e3, 1e3)), st.integers(0, 1))
def test_check_network_passes_backprop_at_any_reasonable_point(X, label):
    net = _net("cross_entropy")
    assert check_network(net, X, np.full(3, label), method="complex").ok
