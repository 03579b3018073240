"""perceptron-xor (seed 1.1): exact separability of the 16 two-input Boolean functions."""

import dataclasses

import pytest
import sympy as sp

from derivations.perceptron import (
    INPUTS,
    WEIGHTS,
    XOR,
    b,
    boolean_functions,
    certificate,
    check_certificate,
    check_witness,
    conditions,
    derivation,
    separable,
    step,
    w1,
    w2,
    witness,
    xor_certificate,
)
from symbolic.proof import ProofError
from symbolic.steps import Rule

XNOR = (1, 0, 0, 1)
AND = (0, 0, 0, 1)
OR = (0, 1, 1, 1)


@pytest.fixture(scope="module")
def functions():
    return boolean_functions()


def _one_sided(table):
    """(g_k, strict) with g_k = f(x) = 1 ? w·x + b : -(w·x + b), checked independently."""
    return [
        (s * (w1 * x1 + w2 * x2 + b), s == 1)
        for (x1, x2), s in zip(INPUTS, [1 if y else -1 for y in table], strict=True)
    ]


@pytest.mark.parametrize("table", [XOR, XNOR])
def test_certificate_is_nonnegative_and_cancels_exactly(table):
    proof = certificate(table)
    lam = proof["multipliers"]
    assert all(isinstance(m, sp.Rational) and m >= 0 for m in lam)
    total = sp.expand(sum(m * g for m, (g, _) in zip(lam, _one_sided(table), strict=True)))
    assert total == 0
    assert sp.Poly(total, *WEIGHTS).coeffs() == [0]
    assert sum(m for m, (_, strict) in zip(lam, _one_sided(table), strict=True) if strict) > 0
    assert proof["combined"] == sp.StrictGreaterThan(0, 0, evaluate=False)
    assert sp.Gt(proof["combined"].lhs, proof["combined"].rhs) is sp.false


def test_xor_certificate_matches_the_seed():
    proof = xor_certificate()
    assert proof["multipliers"] == (1, 1, 1, 1)
    seed = (sp.Le(b, 0), sp.Gt(w2 + b, 0), sp.Gt(w1 + b, 0), sp.Le(w1 + w2 + b, 0))
    assert proof["conditions"] == seed
    assert proof["coefficients"] == {w1: 0, w2: 0, b: 0}
    assert sp.expand(proof["combination"].doit()) == 0


@pytest.mark.parametrize(
    "multipliers", [(1, 1, 1, 2), (2, 1, 1, 1), (1, 1, 0, 1), (-1, 1, 1, 1), (1, 1, 1)]
)
def test_perturbed_xor_certificate_is_rejected(multipliers):
    with pytest.raises(ProofError):
        check_certificate(XOR, multipliers)


def test_zero_multipliers_cancel_but_prove_nothing():
    # the empty combination is identically 0 but reads 0 >= 0, which is no contradiction
    with pytest.raises(ProofError, match="no contradiction"):
        check_certificate(XOR, (0, 0, 0, 0))


def test_exactly_fourteen_separable_and_the_others_are_xor_and_xnor(functions):
    assert len(functions) == 16
    assert len({f["truth_table"] for f in functions}) == 16
    assert sum(f["separable"] for f in functions) == 14
    hard = {f["name"]: f["truth_table"] for f in functions if not f["separable"]}
    assert hard == {"XOR": XOR, "XNOR": XNOR}
    names = [f["name"] for f in functions]
    assert names[:2] == ["FALSE", "AND"] and names[-2:] == ["NAND", "TRUE"]


def test_witness_and_certificate_are_alternatives(functions):
    for f in functions:
        assert (witness(f["truth_table"]) is None) != (certificate(f["truth_table"]) is None)
        assert (f["witness"] is None) != (f["certificate"] is None)


def test_every_witness_satisfies_its_conditions_exactly(functions):
    for f in functions:
        if not f["separable"]:
            continue
        weights = f["witness"]
        assert all(isinstance(weights[s], sp.Rational) for s in WEIGHTS)
        for g, strict in _one_sided(f["truth_table"]):
            value = g.xreplace(weights)
            assert value > 0 if strict else value >= 0, (f["name"], g, weights)
        assert all(c.xreplace(weights) is sp.true for c in conditions(f["truth_table"]))


@pytest.mark.parametrize("table", [AND, OR])
def test_and_or_witnesses_classify_every_input(table):
    ok, weights = separable(table)
    assert ok
    outputs = tuple(step(weights[w1] * x1 + weights[w2] * x2 + weights[b]) for x1, x2 in INPUTS)
    assert outputs == table


def test_boundary_weights_are_rejected():
    # w·x + b = 0 at (1, 1) must give 0, so AND with b = -2 fails (strictness is checked)
    with pytest.raises(ProofError):
        check_witness(AND, {w1: 1, w2: 1, b: -2})
    assert step(sp.Integer(0)) == 0


@pytest.mark.parametrize("bad", [(0, 1, 1), (0, 1, 2, 0), (0, 1, 0.5, 0)])
def test_malformed_truth_table(bad):
    with pytest.raises(ValueError):
        separable(bad)


def test_derivation_verifies():
    d = derivation().verify()
    assert d.name == "perceptron-xor"
    assert d.title == "A single-layer perceptron cannot compute XOR"
    assert d.truth is None
    assert [s.rule for s in d.steps] == [Rule.DEFINITION] * 4 + [Rule.COMBINE]
    assert d.steps[0].note == "(0,0) -> 0: w1*0 + w2*0 + b <= 0"
    assert [s.after for s in d.steps[:4]] == [b, w2 + b, w1 + b, w1 + w2 + b]
    assert d.steps[1].before != d.steps[1].after  # the products are shown, not evaluated
    assert d.result == 0 and "0 > 0" in d.steps[-1].note


@pytest.mark.parametrize("index", [1, 4])
def test_corrupted_step_is_rejected(index):
    d = derivation()
    steps = list(d.steps)
    steps[index] = dataclasses.replace(steps[index], after=steps[index].after + w1)
    with pytest.raises(ProofError):
        dataclasses.replace(d, steps=tuple(steps)).verify()
