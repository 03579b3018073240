"""Index notation for generic C: Kronecker-delta contraction and row conversion.

SymPy differentiates ``Sum(..., (i, 1, C))`` with respect to ``z[j]`` correctly but
leaves sums of Kronecker deltas, and ``doit()`` turns them into range Piecewise guards.
gradproof contracts ``sum_i f(i) delta_ij = f(j)`` itself, for an index j declared to
lie in 1..C, and converts the result to the row algebra of :mod:`symbolic.rowwise`.
"""

from __future__ import annotations

import sympy as sp

from symbolic.functions import rowsum
from symbolic.rowwise import INDEXED, C, i, j, k

z, t, v, y = (sp.IndexedBase(name) for name in "ztvy")


def _contract_sum(node: sp.Sum) -> sp.Expr:
    ((bound, low, high),) = node.limits
    total = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(node.function)):
        deltas = [
            f for f in sp.Mul.make_args(term) if isinstance(f, sp.KroneckerDelta) and f.has(bound)
        ]
        if deltas:
            other = next(a for a in deltas[0].args if a != bound)
            total += (term / deltas[0]).xreplace({bound: other})
            continue
        outside, inside = term.as_independent(bound, as_Add=False)
        total += outside * sp.Sum(inside, (bound, low, high))
    return total


def contract(expr: sp.Expr) -> sp.Expr:
    """Contract every ``Sum`` over a Kronecker delta (indices assumed in 1..C)."""
    return sp.expand(sp.bottom_up(expr, lambda e: _contract_sum(e) if isinstance(e, sp.Sum) else e))


def softmax_index(index: sp.Symbol) -> sp.Expr:
    """Return :math:`e^{z_i} / \\sum_k e^{z_k}` at *index*."""
    return sp.exp(z[index]) / sp.Sum(sp.exp(z[k]), (k, 1, C))


def in_softmax_outputs(expr: sp.Expr) -> sp.Expr:
    """Rewrite ``e^{z_i} / sum_k e^{z_k}`` as ``y_i`` everywhere in *expr*."""
    total = sp.Dummy("Sigma", positive=True)
    expr = expr.xreplace({sp.Sum(sp.exp(z[k]), (k, 1, C)): total})
    expr = expr.replace(
        lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Indexed),
        lambda e: y[e.args[0].indices[0]] * total,
    )
    result = sp.expand(sp.cancel(expr))
    if result.has(total):
        raise ValueError(f"could not write {expr} in terms of softmax outputs")
    return result


_ROW_OF = {z: sp.Symbol("Z", real=True), t: sp.Symbol("T", real=True), v: sp.Symbol("V", real=True)}
assert set(_ROW_OF.values()) == set(INDEXED)


def to_row(expr: sp.Expr, outputs: sp.Expr) -> sp.Expr:
    """Convert an index expression with free index j to the row algebra.

    ``z_j -> Z``, ``t_j -> T``, ``v_j -> V``, ``y_j -> outputs`` and a sum over a bound
    index becomes ``rowsum``. A term coupling two indices raises ``ValueError``.
    """

    def walk(e: sp.Expr) -> sp.Expr:
        if isinstance(e, sp.Indexed):
            return outputs if e.base == y else _ROW_OF[e.base]
        if isinstance(e, sp.Sum):
            return rowsum(walk(e.function))
        if isinstance(e, sp.KroneckerDelta):
            raise ValueError(f"{e} couples two indices; contract it first")
        return e.func(*(walk(a) for a in e.args)) if e.args else e

    return walk(expr)


__all__ = [
    "C",
    "i",
    "j",
    "k",
    "z",
    "t",
    "v",
    "y",
    "contract",
    "softmax_index",
    "in_softmax_outputs",
    "to_row",
]
