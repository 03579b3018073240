"""The seed's derivations: verified, equal to the symbolic core, and the seed's numbers."""

import pytest
import sympy as sp

from derivations import derive, names
from derivations.cli import main
from symbolic import activation_grad, fused_gradient, softmax_jacobian_generic
from symbolic.steps import Rule


@pytest.mark.parametrize("name", names())
def test_every_catalogue_derivation_verifies_and_renders(name):
    derivation = derive(name)
    for lang in ("en", "zh"):
        assert derivation.text(lang).count("\n") >= len(derivation.steps)
        assert r"\begin{align*}" in derivation.latex(lang)
        assert "$$" in derivation.markdown(lang)
    assert derivation._repr_latex_() == derivation.latex()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softplus"])
def test_activation_results_equal_the_symbolic_core(name):
    assert derive(name).result == activation_grad(name).display


def test_seed_sigmoid_steps_and_numbers():
    derivation = derive("sigmoid")
    rules = [s.rule for s in derivation.steps]
    assert rules[:2] == [Rule.REWRITE, Rule.CHAIN]
    assert "u = 1 + exp(-z)" in derivation.steps[1].note
    values = [s.after for s in derivation.steps if s.rule is Rule.EVALUATE]
    assert values == [sp.Rational(1, 4)] * 3  # 0.25 both ways, and the maximum


def test_softmax_results_equal_the_symbolic_core():
    assert derive("softmax-jacobian").result == softmax_jacobian_generic().result
    fused = fused_gradient("cross_entropy")
    derivation = derive("softmax-cross-entropy")
    assert derivation.result == fused.textbook
    assumption = [s for s in derivation.steps if s.rule is Rule.ASSUMPTION]
    assert len(assumption) == 1 and assumption[0].before == fused.general


def test_seed_three_methods_and_loss():
    evaluations = [
        s.after for s in derive("softmax-cross-entropy").steps if s.rule is Rule.EVALUATE
    ]
    assert evaluations[:3] == [sp.Rational(-3, 10)] * 3
    assert round(float(evaluations[3]), 3) == 0.357


def test_bce_and_mse_gradients():
    assert derive("bce-sigmoid").result == fused_gradient("bce").general
    j = sp.Symbol("j", integer=True, positive=True)
    y, t = sp.IndexedBase("y"), sp.IndexedBase("t")
    assert derive("mse").result == y[j] - t[j]


def test_cli_derive_formats(capsys):
    assert main(["derive", "sigmoid", "--format", "latex"]) == 0
    assert r"\sigma\left(z\right) \left(1 - \sigma\left(z\right)\right)" in capsys.readouterr().out
    assert main(["derive", "sigmoid", "--format", "latex", "--standalone"]) == 0
    document = capsys.readouterr().out
    assert document.startswith(r"\documentclass") and document.rstrip().endswith(r"\end{document}")
    assert main(["derive", "softmax-jacobian", "--format", "markdown", "--lang", "zh"]) == 0
    assert "商法则" in capsys.readouterr().out
    assert main(["derive", "--list"]) == 0
    assert capsys.readouterr().out.split() == names()


@pytest.mark.parametrize(
    "argv", [["derive", "nope"], ["derive", "--expr", "os.system('ls')"], ["derive"]]
)
def test_cli_derive_usage_errors_are_one_line_exit_2(argv, capsys):
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("gradproof: error:")
