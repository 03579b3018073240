"""Softmax: the generic-C Jacobian in index notation against explicit Matrix.jacobian."""

import pytest
import sympy as sp

from symbolic import (
    check_generic_jacobian,
    log_softmax,
    softmax,
    softmax_jacobian,
    softmax_jacobian_generic,
    softmax_jvp,
)
from symbolic.indices import C, i, j, v, y
from symbolic.proof import is_zero
from symbolic.rowwise import Z, explicit


def test_generic_jacobian_textbook_form():
    jacobian = softmax_jacobian_generic()
    assert jacobian.result == y[i] * (sp.KroneckerDelta(i, j) - y[j])
    assert jacobian.diagonal == y[i] * (1 - y[i])
    assert jacobian.off_diagonal == -y[i] * y[j]
    assert jacobian.raw.has(sp.KroneckerDelta, sp.Sum)
    assert not jacobian.contracted.has(
        sp.KroneckerDelta(j, sp.Symbol("k", integer=True, positive=True))
    )


@pytest.mark.parametrize("n_classes", [2, 3, 4, 5])
def test_generic_jacobian_equals_matrix_jacobian(n_classes):
    check_generic_jacobian(n_classes)


@pytest.mark.parametrize("n_classes", range(2, 11))
def test_explicit_jacobian_rows_sum_to_zero_and_it_is_symmetric(n_classes):
    jacobian = softmax_jacobian(n_classes)
    assert jacobian.shape == (n_classes, n_classes)
    assert is_zero(sum(jacobian[0, :]))
    assert is_zero(sum(jacobian[:, n_classes - 1]))
    assert is_zero(jacobian[0, 1] - jacobian[1, 0])
    assert is_zero(jacobian[n_classes - 1, 0] - jacobian[0, n_classes - 1])


def test_explicit_jacobian_rejects_unsupported_sizes():
    with pytest.raises(ValueError, match="between 2 and 10"):
        softmax_jacobian(11)


@pytest.mark.parametrize("result", [softmax, log_softmax, softmax_jvp], ids=lambda f: f.__name__)
def test_row_results_are_proven_for_c_2_to_5(result):
    result().verify()


def test_jvp_is_the_jax_form_without_a_matrix():
    jvp = softmax_jvp()
    assert jvp.index_form == y[j] * (v[j] - sp.Sum(v[i] * y[i], (i, 1, C)))
    assert "Matrix" not in sp.srepr(jvp.code)


def test_softmax_rows_sum_to_one():
    assert is_zero(sp.Add(*explicit(softmax().code, 4)) - 1)


def test_code_does_not_depend_on_the_shift():
    shift = sp.Symbol("m", real=True)
    for part in explicit(log_softmax().code, 3):
        assert is_zero(sp.diff(part, shift))


def test_wrong_softmax_diagonal_is_rejected():
    from dataclasses import replace

    from symbolic import ProofError
    from symbolic.functions import rowsum

    y_row = sp.exp(Z) / rowsum(sp.exp(Z))
    wrong = replace(softmax_jvp(), display=y_row * (1 + y_row) * sp.Symbol("V", real=True))
    with pytest.raises(ProofError):
        wrong.verify(classes=(3,))
