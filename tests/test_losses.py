"""Losses: dL/dy in index notation and the fused dL/dz through the output activation."""

import pytest
import sympy as sp

from symbolic import LOSSES, fused_gradient, loss, loss_grad, loss_output_grad
from symbolic.indices import C, i, j, t, y
from symbolic.losses import ONE_HOT, SUM_OF_TARGETS
from symbolic.proof import is_zero


def test_output_gradients_match_the_seed():
    assert loss_output_grad("mse") == y[j] - t[j]  # -(t - y)
    assert loss_output_grad("cross_entropy") == -t[j] / y[j]
    assert is_zero(loss_output_grad("bce") - (-t[j] / y[j] + (1 - t[j]) / (1 - y[j])))


@pytest.mark.parametrize("name", list(LOSSES))
def test_output_gradient_equals_explicit_diff(name):
    ys, ts = sp.symbols("y1:4", positive=True), sp.symbols("t1:4", real=True)
    total = sum(LOSSES[name].term(a, b) for a, b in zip(ys, ts, strict=True))
    for n in range(3):
        generic = loss_output_grad(name).xreplace({y[j]: ys[n], t[j]: ts[n]})
        assert is_zero(generic - sp.diff(total, ys[n]))


def test_softmax_cross_entropy_needs_the_one_hot_assumption():
    fused = fused_gradient("cross_entropy")
    assert fused.general == y[j] * sp.Sum(t[i], (i, 1, C)) - t[j]
    assert fused.textbook == y[j] - t[j]
    assert fused.assumption == ONE_HOT
    assert fused.general.has(SUM_OF_TARGETS)
    # with targets that do not sum to one the two forms differ
    values = {y[j]: sp.Rational(7, 10), t[j]: sp.Rational(1, 2), SUM_OF_TARGETS: sp.Rational(4, 5)}
    assert fused.general.xreplace(values) != fused.textbook.xreplace(values)


@pytest.mark.parametrize("name", ["bce", "mse"])
def test_fused_gradients_are_y_minus_t(name):
    fused = fused_gradient(name)
    assert fused.general == y[j] - t[j]
    assert fused.assumption == ""


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_values_are_proven(name):
    loss(name).verify()


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradients_are_proven(name):
    loss_grad(name).verify()


def test_stable_loss_forms_use_logits():
    from symbolic.functions import shifted_logsumexp, softplus

    assert loss("bce").code.has(softplus)
    assert loss("cross_entropy").code.has(shifted_logsumexp)
    assert not loss("cross_entropy").code.has(sp.log)


@pytest.mark.parametrize("name", ["mse", "cross_entropy"])
def test_row_dot_printing_rewrite_is_an_identity(name):
    from symbolic.printing import _row_dots
    from symbolic.rowwise import explicit

    code = loss(name).code
    rewritten = _row_dots(code)
    assert rewritten != code
    for n_classes in (2, 3):
        for a, b in zip(explicit(code, n_classes), explicit(rewritten, n_classes), strict=True):
            assert is_zero(a - b)
