"""gradproof's front: the seed's derivation catalogue, the tour and the command line.

``derive(name)`` returns a verified catalogue :class:`~symbolic.steps.Derivation`;
``derive_expression(text, var)`` does the same for a user's expression.
"""

from __future__ import annotations

from derivations.catalogue import derive, names
from symbolic.steps import Derivation


def derive_expression(text: str, var: str = "x") -> Derivation:
    """Differentiate a user's expression step by step; every step is verified.

    The expression is parsed without ``eval`` (:func:`symbolic.parse.parse_expression`).
    The result is checked against ``sympy.diff`` and a central finite difference.

    Raises
    ------
    symbolic.parse.ExpressionError
        If *text* is not a valid expression in *var*.
    ValueError
        If a function in it has no derivative rule.
    """
    import sympy as sp

    from symbolic.differentiate import derivative_steps
    from symbolic.parse import parse_expression

    expr = parse_expression(text, (var,))
    x = sp.Symbol(var, real=True)
    steps = (derivative_steps(expr, x),)
    derivation = Derivation(
        "expr",
        f"d/d{var} of {text.strip()}",
        sp.Derivative(expr, x),
        steps,
        truth=sp.diff(expr, x),
        title_zh=f"求 {text.strip()} 的导数",
    )
    return derivation.verify()  # includes the finite-difference check


__all__ = ["Derivation", "derive", "derive_expression", "names"]
