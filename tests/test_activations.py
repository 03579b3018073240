"""Elementwise activations: SymPy's derivative, the textbook form, the stable form."""

import pytest
import sympy as sp

from symbolic import ACTIVATIONS, ELEMENTWISE, STABLE_REWRITES, ProofError, activation_grad
from symbolic.activations import z
from symbolic.functions import sigmoid, softplus
from symbolic.proof import prove_equal


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_is_sympys_diff_of_the_definition(name):
    result = activation_grad(name)
    ground_truth = sp.diff(ACTIVATIONS[name].definition(z), z)
    if ACTIVATIONS[name].grad_at_zero is None:
        assert result.truth == ground_truth
    prove_equal(result.display, ground_truth.subs(sp.Heaviside(z), sp.Heaviside(z, 0)))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_display_and_stable_forms_are_proven(name):
    activation_grad(name).verify()


def test_sigmoid_derivative_in_terms_of_its_output():
    # plain simplify would give 1/(4 cosh(z/2)^2); the recogniser gives the textbook form
    assert activation_grad("sigmoid").display == sigmoid(z) * (1 - sigmoid(z))
    assert not activation_grad("sigmoid").display.has(sp.exp, sp.cosh)


def test_textbook_forms_of_the_other_activations():
    assert activation_grad("tanh").display == 1 - sp.tanh(z) ** 2
    assert activation_grad("softplus").display == sigmoid(z)
    assert activation_grad("identity").display == 1


def test_relu_convention_at_zero_is_stated_and_applied():
    assert activation_grad("relu").display == sp.Heaviside(z, 0)
    assert activation_grad("relu").display.subs(z, 0) == 0
    assert "relu'(0)" in ACTIVATIONS["relu"].note


def test_stable_forms_never_exponentiate_a_positive_number():
    for name in ("sigmoid", "tanh"):
        code = activation_grad(name).code
        for power in code.atoms(sp.exp):
            assert power.args[0].subs(z, 1000) <= 0 and power.args[0].subs(z, -1000) <= 0


def test_primitive_derivatives_come_from_the_registry():
    x = sp.Symbol("x", real=True)
    assert sp.diff(sigmoid(x), x) == sigmoid(x) * (1 - sigmoid(x))
    assert sp.diff(softplus(x), x) == sigmoid(x)


def test_sigmoid_derivative_maximum_is_a_quarter_at_zero():
    derivative = activation_grad("sigmoid").truth
    critical = sp.solve(sp.diff(derivative, z), z)
    assert critical == [0]
    assert derivative.subs(z, 0) == sp.Rational(1, 4)
    assert activation_grad("sigmoid").display.subs(z, 0) == sp.Rational(1, 4)


@pytest.mark.parametrize("rule", STABLE_REWRITES, ids=lambda r: r.name)
def test_every_stable_rewrite_is_an_identity(rule):
    u = sp.Symbol("u", real=True)
    wild = next(iter(rule.lhs.atoms(sp.Wild)))
    prove_equal(rule.lhs.xreplace({wild: u}), rule.rhs.xreplace({wild: u}), rule.name)


def test_mutation_sigma_one_plus_sigma_is_rejected():
    wrong = sigmoid(z) * (1 + sigmoid(z))
    with pytest.raises(ProofError, match="differs at"):
        prove_equal(wrong, sp.diff(sigmoid.definition(z), z), "mutant")


def test_mutation_in_a_result_fails_verify():
    from dataclasses import replace

    good = activation_grad("sigmoid")
    with pytest.raises(ProofError):
        replace(good, display=sigmoid(z) * (1 + sigmoid(z))).verify()
    with pytest.raises(ProofError):
        replace(good, code=sp.exp(-sp.Abs(z)) / (1 + sp.exp(-sp.Abs(z)))).verify()
