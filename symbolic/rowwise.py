"""Row algebra: expressions over one sample's row of C classes, and their instances.

A row expression uses the row symbols ``Z`` (logits), ``T`` (targets), ``V`` (a
vector to multiply by a Jacobian) and the reductions ``rowsum``/``rowmax``; it is
exactly what the generated NumPy code computes on a batch-first array. ``explicit``
instantiates a row expression at a fixed number of classes C, so that it can be
compared with SymPy's own ``Matrix.jacobian`` results; ``to_index`` writes it in the
index notation of the seed for documents.
"""

from __future__ import annotations

import sympy as sp

from symbolic.functions import rowdot, rowmax, rowsum, shifted_logsumexp

Z, T, V = sp.symbols("Z T V", real=True)
ROW_SYMBOLS = (Z, T, V)
_LOWER = {Z: "z", T: "t", V: "v"}
SHIFTED = sp.Symbol("S", real=True)
"""The shifted row ``Z - rowmax(Z)``; stable forms are written in it (see ``shift_by_max``)."""
SHIFT = sp.Symbol("m", real=True)
"""Any per-row constant; ``rowmax`` instantiates to it (results must not depend on it)."""

C = sp.Symbol("C", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True, positive=True)
INDEXED = {s: sp.IndexedBase(_LOWER[s]) for s in ROW_SYMBOLS}


def row_vector(symbol: sp.Symbol, n_classes: int) -> list[sp.Symbol]:
    """Return the components ``z_1 ... z_C`` of a row symbol."""
    return list(sp.symbols(f"{_LOWER[symbol]}1:{n_classes + 1}", real=True))


def explicit(expr: sp.Expr, n_classes: int) -> list[sp.Expr]:
    """Instantiate a row expression at C = *n_classes*: one expression per class."""
    rows = {s: row_vector(s, n_classes) for s in ROW_SYMBOLS}
    expr = unshift(expr)

    def walk(e: sp.Expr) -> list[sp.Expr]:
        if e in rows:
            return rows[e]
        if isinstance(e, rowsum):
            return [sp.Add(*walk(e.args[0]))] * n_classes
        if isinstance(e, rowmax):
            return [SHIFT] * n_classes
        if isinstance(e, rowdot):
            left, right = walk(e.args[0]), walk(e.args[1])
            return [sp.Add(*(a * b for a, b in zip(left, right, strict=True)))] * n_classes
        if isinstance(e, shifted_logsumexp):
            return walk(e.definition(e.args[0]))
        if not e.args:
            return [e] * n_classes
        parts = [walk(a) for a in e.args]
        return [e.func(*column) for column in zip(*parts, strict=True)]

    return walk(expr)


def _outside_reductions(expr: sp.Expr) -> set:
    if isinstance(expr, (rowsum, rowmax, shifted_logsumexp)):  # one value per row
        return set()
    if expr in ROW_SYMBOLS or expr == SHIFTED:
        return {expr}
    return set().union(*(_outside_reductions(a) for a in expr.args)) if expr.args else set()


def split_sums(expr: sp.Expr) -> sp.Expr:
    """Split every ``rowsum`` of a sum into a sum of ``rowsum`` s (linearity of the sum)."""

    def visit(node: sp.Expr) -> sp.Expr:
        if not isinstance(node, rowsum):
            return node
        terms = sp.Add.make_args(sp.expand(node.args[0], deep=False))
        return sp.Add(*(rowsum(term) for term in terms)) if len(terms) > 1 else node

    return sp.bottom_up(expr, visit)


def pull_constants(expr: sp.Expr) -> sp.Expr:
    """Move row-constant factors out of every ``rowsum`` (linearity of the sum)."""

    def visit(node: sp.Expr) -> sp.Expr:
        if not isinstance(node, rowsum):
            return node
        factors = sp.Mul.make_args(node.args[0])
        inside = [f for f in factors if _outside_reductions(f)]
        outside = [f for f in factors if not _outside_reductions(f)]
        return sp.Mul(*outside) * rowsum(sp.Mul(*inside)) if outside else node

    return sp.bottom_up(expr, visit)


def shift_by_max(expr: sp.Expr) -> sp.Expr:
    r"""Rewrite ``exp(Z)`` forms as ``exp(Z - max Z)`` forms, which never overflow.

    Uses :math:`e^{z_k} = e^{m} e^{z_k - m}` for the row constant :math:`m`, takes
    :math:`e^{m}` out of every row sum and cancels it (or splits it off a log); the
    log-sum-exp of the shifted row becomes :class:`~symbolic.functions.shifted_logsumexp`.
    The result is written in the row symbol :data:`SHIFTED` (= ``Z - rowmax(Z)``),
    which the generated code computes once; :func:`unshift` substitutes it back.
    """
    expr = sp.expand(
        expr.xreplace({Z: SHIFTED + SHIFT}),
        power_exp=True,
        mul=False,
        multinomial=False,
        log=False,
        basic=False,
    )
    expr = sp.expand_log(pull_constants(expr), force=True)
    expr = expr.xreplace({sp.log(rowsum(sp.exp(SHIFTED))): shifted_logsumexp(SHIFTED)})
    return expr.xreplace({SHIFT: rowmax(Z)})


def unshift(expr: sp.Expr) -> sp.Expr:
    """Substitute ``S = Z - rowmax(Z)`` back into a shifted expression."""
    return expr.xreplace({SHIFTED: Z - rowmax(Z)})


def to_index(expr: sp.Expr, index: sp.Symbol = j) -> sp.Expr:
    """Write a row expression in index notation: ``Z -> z_j``, ``rowsum -> Sum_k``."""

    def walk(e: sp.Expr, idx: sp.Symbol) -> sp.Expr:
        if e in INDEXED:
            return INDEXED[e][idx]
        if isinstance(e, rowsum):
            return sp.Sum(walk(e.args[0], k), (k, 1, C))
        if isinstance(e, rowmax):
            return sp.Function("max")(walk(e.args[0], k))
        if not e.args:
            return e
        return e.func(*(walk(a, idx) for a in e.args))

    return walk(expr, index)
