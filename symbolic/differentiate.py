"""A rule-tracing differentiator: d/dx of any expression, as verified textbook steps.

``derivative_steps(expr, x)`` returns one :class:`~symbolic.steps.Step` per rule applied
(sum, constant multiple, product, quotient, power, exponential, logarithm, chain rule with
a named substitution u, known derivatives of the registry's functions and SymPy's
elementary functions), nested as the expression is. Each step's ``after`` is computed
from its children, and every step is proven against SymPy's own ``diff``.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from symbolic.steps import Rule, Step

U = sp.Symbol("u", real=True)


def _d(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    return sp.Derivative(expr, x, evaluate=False)


def _known(function: sp.FunctionClass) -> sp.Expr:
    """d/du f(u) for a one-argument function, from SymPy (registry primitives: textbook form)."""
    derivative = sp.diff(function(U), U)
    if derivative.has(sp.Derivative, sp.Subs):
        raise ValueError(f"no derivative rule for {function.__name__}")
    return derivative


def _chain(expr: sp.Expr, inner: sp.Expr, outer: sp.Expr, x: sp.Symbol, rule: Rule) -> Step:
    """f(g(x)): if g is x, a one-line ``rule``; else the chain rule with u = g(x)."""
    if inner == x:
        return Step(rule, _d(expr, x), outer.xreplace({U: x}))
    child = derivative_steps(inner, x)
    return Step(
        Rule.CHAIN,
        _d(expr, x),
        outer.xreplace({U: inner}) * child.after,
        note=f"u = {sp.sstr(inner)}; d/du = {sp.sstr(outer)} ({rule.value})",
        substeps=(child,),
    )


def _sum(expr: sp.Add, x: sp.Symbol) -> Step:
    children = tuple(derivative_steps(term, x) for term in expr.args)
    return Step(Rule.SUM, _d(expr, x), sp.Add(*(c.after for c in children)), substeps=children)


def _mul(expr: sp.Mul, x: sp.Symbol) -> Step:
    constant, rest = expr.as_independent(x, as_Add=False)
    if constant != 1:
        child = derivative_steps(rest, x)
        return Step(Rule.CONSTANT_MULTIPLE, _d(expr, x), constant * child.after, substeps=(child,))
    numer, denom = sp.fraction(expr)
    if denom.has(x) and numer.has(x):
        f, g = derivative_steps(numer, x), derivative_steps(denom, x)
        after = (f.after * denom - numer * g.after) / denom**2
        return Step(Rule.QUOTIENT, _d(expr, x), after, "(f/g)' = (f' g - f g') / g^2", (f, g))
    first, second = expr.args[0], sp.Mul(*expr.args[1:])
    a, b = derivative_steps(first, x), derivative_steps(second, x)
    after = a.after * second + first * b.after
    return Step(Rule.PRODUCT, _d(expr, x), after, "(f g)' = f' g + f g'", (a, b))


def _pow(expr: sp.Pow, x: sp.Symbol) -> Step:
    base, exponent = expr.args
    if exponent.has(x):
        rewritten = sp.exp(exponent * sp.log(base))
        child = derivative_steps(rewritten, x)
        note = f"{sp.sstr(expr)} = exp({sp.sstr(exponent * sp.log(base))})"
        return Step(Rule.REWRITE, _d(expr, x), child.after, note, (child,))
    return _chain(expr, base, exponent * U ** (exponent - 1), x, Rule.POWER)


def _function(expr: sp.Expr, x: sp.Symbol) -> Step:
    if len(expr.args) != 1:
        raise ValueError(f"no derivative rule for {expr.func.__name__} with {len(expr.args)} args")
    rule = {sp.exp: Rule.EXP, sp.log: Rule.LOG}.get(expr.func, Rule.KNOWN)
    return _chain(expr, expr.args[0], _known(expr.func), x, rule)


_RULES: dict[type, Callable[[sp.Expr, sp.Symbol], Step]] = {
    sp.Add: _sum,
    sp.Mul: _mul,
    sp.Pow: _pow,
}


def derivative_steps(expr: sp.Expr, x: sp.Symbol) -> Step:
    """Return the step tree of d/dx *expr*; its ``after`` is the derivative.

    Raises
    ------
    ValueError
        For a function with no derivative rule (e.g. several arguments).
    """
    if not expr.has(x):
        return Step(Rule.CONSTANT, _d(expr, x), sp.S.Zero)
    if expr == x:
        return Step(Rule.IDENTITY, _d(expr, x), sp.S.One)
    handler = _RULES.get(type(expr))
    if handler is not None:
        return handler(expr, x)
    if isinstance(expr, sp.Function) or isinstance(expr, sp.Abs):
        return _function(expr, x)
    raise ValueError(f"no derivative rule for {type(expr).__name__}")
