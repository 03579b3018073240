"""Machine checks of equalities: symbolic proof first, high-precision numbers second.

``prove_equal(a, b)`` raises :class:`ProofError` unless SymPy shows ``a - b == 0``
(after expanding gradproof's primitives to their definitions) and the two sides agree
to 30 digits at random points (mpmath). Piecewise pieces (Abs, Max, Heaviside) are
proven case by case on the sign of their argument.
"""

from __future__ import annotations

import random

import sympy as sp

from symbolic.functions import expand_definitions

_PIECEWISE = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign)


class ProofError(AssertionError):
    """An equality that gradproof was asked to prove does not hold (or could not be shown)."""


def _numeric_mismatch(expr: sp.Expr, trials: int = 3) -> dict | None:
    """Return a point where *expr* is clearly non-zero, or None."""
    rng = random.Random(1234)
    symbols = sorted(expr.free_symbols, key=str)
    for _ in range(trials):
        point = {s: sp.Float(rng.uniform(0.1, 0.9) * rng.choice((-3, 3)), 30) for s in symbols}
        if any(s.is_positive for s in symbols):
            point = {s: abs(v) if s.is_positive else v for s, v in point.items()}
        value = expr.xreplace(point).evalf(30)
        if value.is_number and value.is_finite is not False and abs(value) > 1e-20:
            return point
    return None


def _exponential_free(expr: sp.Expr) -> sp.Expr:
    """Substitute ``s = log(s')`` for every symbol inside an exponential.

    Sums of exponentials of logits then become rational functions, and logarithms of
    them are factored and split, so that ``cancel`` decides the identity quickly.
    """
    inside = set().union(*(e.args[0].free_symbols for e in expr.atoms(sp.exp)))
    positive = {s: sp.log(sp.Dummy(s.name, positive=True)) for s in inside if s.is_real}
    expr = expr.xreplace(positive)
    expr = expr.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.factor(e.args[0])))
    return sp.expand_log(expr, force=True)


def _symbolic_zero(expr: sp.Expr) -> bool:
    candidates = (
        lambda e: sp.expand(sp.fraction(sp.together(_exponential_free(e)))[0]),
        lambda e: sp.cancel(e),
        lambda e: sp.simplify(e),
        lambda e: sp.simplify(sp.expand_log(sp.expand(e), force=True)),
    )
    return any(attempt(expr) == 0 for attempt in candidates)


def _sign_cases(expr: sp.Expr) -> list[sp.Expr]:
    """Split *expr* on the sign of every symbol inside a piecewise function."""
    inner = set()
    for node in expr.atoms(*_PIECEWISE):
        inner |= {s for s in node.free_symbols if s.is_real}
    cases = [expr]
    for s in sorted(inner, key=str):
        p = sp.Symbol(f"{s.name}_pos", positive=True)
        cases = [c.xreplace({s: sign * p}) for c in cases for sign in (1, -1)]
    return cases


def is_zero(expr: sp.Expr) -> bool:
    """Return True when *expr* is proven identically zero (away from kinks)."""
    expr = expand_definitions(sp.sympify(expr)).rewrite(sp.exp)
    if _numeric_mismatch(expr) is not None:
        return False
    return all(_symbolic_zero(case) for case in _sign_cases(expr))


def prove_equal(a: sp.Expr, b: sp.Expr, what: str = "") -> None:
    """Raise :class:`ProofError` unless ``a == b`` is proven.

    Parameters
    ----------
    a, b : sympy.Expr
        The two sides. They are first compared numerically at random points (30 digits).
        If they agree as polynomials in their atoms (functions kept opaque), that is a
        proof; otherwise gradproof's primitives are expanded to their definitions and the
        difference is proven zero.
    what : str
        A short name of the claim, used in the error message.
    """
    difference = expand_definitions(sp.sympify(a) - sp.sympify(b)).rewrite(sp.exp)
    point = _numeric_mismatch(difference)
    if point is not None:
        raise ProofError(f"{what or 'claim'}: {a} != {b} (differs at {point})")
    if sp.expand(sp.sympify(a) - sp.sympify(b)) == 0:
        return
    if not all(_symbolic_zero(case) for case in _sign_cases(difference)):
        raise ProofError(f"{what or 'claim'}: could not prove {a} == {b}")
