"""Targeted rewrites: textbook arrangements and numerically stable forms, as data.

``simplify`` is the wrong tool for textbook end forms (it turns sigma' into
1/(4 cosh^2(z/2))). gradproof instead applies small identities from the table
:data:`STABLE_REWRITES`, each one proven by :func:`symbolic.proof.prove_equal` in the
tests, and arranges polynomials in the forward output ``y`` the way textbooks do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symbolic.functions import sigmoid, softplus

_u = sp.Wild("u", properties=[lambda e: e.is_real is not False])


@dataclass(frozen=True)
class Rewrite:
    """An identity ``lhs = rhs`` in the wildcard ``u``, applied left to right."""

    name: str
    lhs: sp.Expr
    rhs: sp.Expr
    when: Callable[[sp.Expr], bool] = lambda u: True

    def _try(self, node: sp.Expr) -> sp.Expr | None:
        if node.func != self.lhs.func or not node.has(*self._heads):
            return None  # SymPy's matcher is slow; most nodes fail these cheap tests
        match = node.match(self.lhs)
        if match is not None and _u in match and self.when(match[_u]):
            return self.rhs.xreplace(match)
        return None

    @property
    def _heads(self) -> tuple[type, ...]:
        return tuple({type(f) for f in self.lhs.atoms(sp.Function)})

    def apply(self, expr: sp.Expr) -> sp.Expr:
        """Return *expr* with this identity applied wherever its left side occurs."""
        return sp.bottom_up(expr, self._visit)

    def _visit(self, node: sp.Expr) -> sp.Expr:
        found = self._try(node)
        if found is not None:
            return found
        if type(node) is type(self.lhs) and isinstance(node, (sp.Add, sp.Mul)):
            width = len(self.lhs.args)
            for combo in itertools.combinations(node.args, width):
                found = self._try(node.func(*combo))
                if found is not None:
                    rest = list(node.args)
                    for arg in combo:
                        rest.remove(arg)
                    return node.func(found, *rest)
        return node


def _stable_bump(u: sp.Expr) -> sp.Expr:
    # e^{-|u|} / (1 + e^{-|u|})^2: the exponent is never positive, so nothing overflows
    return sp.exp(-sp.Abs(u)) / (1 + sp.exp(-sp.Abs(u))) ** 2


STABLE_REWRITES: tuple[Rewrite, ...] = (
    Rewrite("1 - σ(u) = σ(-u)", 1 - sigmoid(_u), sigmoid(-_u)),
    Rewrite(
        "1 - tanh²(u) = 4 σ(2u) σ(-2u)",
        1 - sp.tanh(_u) ** 2,
        4 * sigmoid(2 * _u) * sigmoid(-2 * _u),
    ),
    Rewrite(
        "σ(u) σ(-u) = e^{-|u|} / (1 + e^{-|u|})²", sigmoid(_u) * sigmoid(-_u), _stable_bump(_u)
    ),
    Rewrite("log σ(u) = -softplus(-u)", sp.log(sigmoid(_u)), -softplus(-_u)),
    Rewrite(
        "softplus(-u) = softplus(u) - u",
        softplus(_u),
        softplus(-_u) + _u,
        when=lambda u: u.could_extract_minus_sign(),
    ),
)
"""Identities that turn display forms into forms that neither overflow nor cancel."""


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Apply :data:`STABLE_REWRITES` until nothing changes."""
    for _ in range(10):
        before = expr
        for rule in STABLE_REWRITES:
            expr = rule.apply(expr)
        if expr == before:
            return expr
    return expr


def _flip_linear(factor: sp.Expr, y: sp.Symbol) -> bool:
    """True for a linear factor ``a y + b`` with ``b < 0 < a``, shown as ``-(|b| - a y)``."""
    poly = sp.Poly(factor, y)
    if poly.degree() != 1:
        return False
    a, b = poly.all_coeffs()
    return bool(b.is_negative and a.is_positive)


def textbook_polynomial(expr: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """Arrange a polynomial in *y* as a textbook would: ``y(1 - y)``, ``1 - y^2``.

    The factored form (with factors written ``1 - y`` rather than ``y - 1``) is used
    unless the expanded form is shorter.
    """
    coeff, factors = sp.factor_list(sp.expand(expr), y)
    parts = []
    for factor, power in factors:
        if _flip_linear(factor, y):
            factor, coeff = -factor, coeff * (-1) ** power
        parts.append(factor**power)
    factored = sp.Mul(coeff, *parts)
    expanded = sp.expand(expr)
    return expanded if sp.count_ops(expanded) < sp.count_ops(factored) else factored
