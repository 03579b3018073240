"""Derivatives of the elementwise activations, derived by SymPy from their definitions.

For each registry activation SymPy differentiates the elementary definition; the
result is then brought to the textbook form by a recogniser (never by ``simplify``):

1. it is written as a polynomial in the forward output ``y = f(z)``, by solving the
   definition for one of its sub-expressions (``e^{-z} = (1 - y)/y`` gives
   ``sigma' = y (1 - y)``);
2. otherwise, a derivative that *is* another registry activation is written as that
   activation (``softplus' = sigma``);
3. a registry convention fixes the value at a kink (``relu'(0) = 0``).

The stable code form comes from :data:`symbolic.rewrite.STABLE_REWRITES`.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from symbolic.proof import is_zero
from symbolic.registry import ACTIVATIONS, ELEMENTWISE, Activation
from symbolic.result import Result
from symbolic.rewrite import stabilize, textbook_polynomial

z = sp.Symbol("z", real=True)
_y = sp.Symbol("y", real=True)


def _as_other_activation(raw: sp.Expr, name: str) -> sp.Expr | None:
    for other in ELEMENTWISE:
        entry = ACTIVATIONS[other]
        candidate = entry.definition(z)
        if other != name and candidate.has(z) and candidate != z and is_zero(raw - candidate):
            return entry.function(z)
    return None


def _substitute(expr: sp.Expr, kernel: sp.Expr, u: sp.Dummy) -> sp.Expr:
    """Replace *kernel* by *u*; for ``kernel = e^a`` also ``e^{n a} -> u^n`` (rational n)."""
    if isinstance(kernel, sp.exp):
        expr = expr.replace(
            lambda e: isinstance(e, sp.exp) and (e.args[0] / kernel.args[0]).is_Rational,
            lambda e: u ** (e.args[0] / kernel.args[0]),
        )
    return expr.xreplace({kernel: u})


def _solve_linear(in_u: sp.Expr, u: sp.Dummy) -> sp.Expr | None:
    """Solve ``y = in_u`` for *u* when that is a linear equation after clearing denominators."""
    numer, denom = sp.fraction(sp.together(in_u))
    if not (numer.is_polynomial(u) and denom.is_polynomial(u)):
        return None
    equation = sp.Poly(_y * denom - numer, u)
    if equation.degree() != 1:
        return None
    return sp.cancel(-equation.nth(0) / equation.nth(1))


def output_substitution(raw: sp.Expr, entry: Activation) -> tuple[sp.Expr, sp.Expr] | None:
    """Find ``(kernel, value)``: a sub-expression of the definition and its value in ``f(z)``.

    For the sigmoid, ``(e^{-z}, (1 - sigma(z))/sigma(z))``: substituting it into *raw*
    leaves a polynomial in the output. Returns None when no sub-expression works.
    """
    definition = entry.definition(z)
    kernels = sorted(
        (e for e in sp.preorder_traversal(definition) if e.has(z) and e != z),
        key=sp.count_ops,
    )
    for kernel in kernels:
        u = sp.Dummy("u")
        in_u, raw_u = _substitute(definition, kernel, u), _substitute(raw, kernel, u)
        if in_u.has(z) or raw_u.has(z):
            continue
        solution = _solve_linear(in_u, u)
        if solution is not None and sp.cancel(raw_u.xreplace({u: solution})).is_polynomial(_y):
            return kernel, solution.xreplace({_y: entry.function(z)})
    return None


def in_terms_of_output(raw: sp.Expr, entry: Activation) -> sp.Expr | None:
    """Write *raw* (an expression in z) as a polynomial in the output ``y = f(z)``.

    Returns None when no sub-expression of the definition can be solved for.
    """
    found = output_substitution(raw, entry)
    if found is None:
        return None
    kernel, value = found
    y = entry.function(z)
    in_y = sp.cancel(_substitute(raw, kernel, _y).xreplace({_y: value}).xreplace({y: _y}))
    return textbook_polynomial(in_y, _y).xreplace({_y: y})


def _with_convention(raw: sp.Expr, entry: Activation) -> sp.Expr:
    if entry.grad_at_zero is None:
        return raw
    return raw.replace(
        lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(e.args[0], entry.grad_at_zero)
    )


def textbook_derivative(name: str) -> tuple[sp.Expr, sp.Expr]:
    """Return ``(raw, textbook)``: SymPy's derivative of the definition and its textbook form."""
    entry = ACTIVATIONS[name]
    raw = sp.diff(entry.definition(z), z)
    if not raw.has(z):
        return raw, raw
    form = in_terms_of_output(raw, entry)
    if form is None:
        form = _as_other_activation(raw, name)
    return raw, _with_convention(form if form is not None else raw, entry)


@cache
def activation_grad(name: str) -> Result:
    """Derive ``NAME_grad``: the elementwise derivative of activation *name*.

    Examples
    --------
    >>> activation_grad("sigmoid").display
    (1 - sigmoid(z))*sigmoid(z)
    """
    raw, display = textbook_derivative(name)
    return Result(
        name=f"{name}_grad",
        lhs=sp.Derivative(ACTIVATIONS[name].function(z), z),
        display=display,
        code=stabilize(display),
        args=(z,),
        truth=_with_convention(raw, ACTIVATIONS[name]),
    )


@cache
def activation(name: str) -> Result:
    """Return the forward activation *name* as a result (display = code = f(z))."""
    entry = ACTIVATIONS[name]
    return Result(
        name=name,
        lhs=entry.function(z),
        display=entry.function(z),
        code=stabilize(entry.function(z)),
        args=(z,),
        truth=entry.definition(z),
    )


def _step_of_output(expr: sp.Expr, entry: Activation) -> sp.Expr:
    """Write a step ``H(z)`` as ``H(f(z))``: equal when f(z) > 0 exactly where z > 0 (relu).

    The equality is not assumed: :meth:`Result.verify` proves the result against SymPy's
    derivative, so an activation for which the step changes fails there.
    """
    y = entry.function(z)
    return expr.replace(
        lambda e: isinstance(e, sp.Heaviside) and e.args[0] == z,
        lambda e: sp.Heaviside(y, *e.args[1:]),
    )


@cache
def activation_grad_output(name: str) -> Result:
    r"""Derive ``NAME_grad_output``: the derivative of *name* as a function of its output.

    The textbook derivative is already a polynomial in ``y = f(z)`` where the recogniser
    finds one (sigmoid, tanh); a step ``H(z)`` becomes ``H(f(z))`` (relu). The generated
    function takes the stored activation ``y`` instead of ``z``, so backpropagation makes
    one cheap pass (``y (1 - y)``, ``1 - y^2``) where the stable z-form makes several. Its
    accuracy is absolute, not relative: where y rounds to 1, ``1 - y`` is 0, not a tiny
    number (the z-form ``NAME_grad`` keeps that).

    Raises
    ------
    ValueError
        If the derivative is not a function of the output alone (softplus: sigma(z)).

    Examples
    --------
    >>> activation_grad_output("tanh").index_form
    1 - y**2
    """
    entry, grad = ACTIVATIONS[name], activation_grad(name)
    y = entry.function(z)
    display = _step_of_output(grad.display, entry)
    in_y = display.xreplace({y: _y})
    if in_y.has(z):
        raise ValueError(f"{name}' = {grad.display} is not a function of the output {y}")
    return Result(
        name=f"{name}_grad_output",
        lhs=grad.lhs,
        display=display,
        code=display,  # stabilize() would bring z back (1 - sigma(z) -> sigma(-z))
        args=(y,),
        truth=grad.truth,
        arg_names=("y",),
        index_form=in_y,
    )


def derivative_form(name: str, u: sp.Expr) -> sp.Expr:
    """Return the textbook derivative of activation *name* evaluated at *u*."""
    return activation_grad(name).display.xreplace({z: u})
