"""gradproof's front: the seed's derivation catalogue, the tour and the command line.

``derive(name)`` returns a verified catalogue :class:`~symbolic.steps.Derivation`;
``derive_expression(text, var)`` does the same for a user's expression.
"""

from __future__ import annotations

from derivations.catalogue import derive, names
from symbolic.steps import Derivation


def derive_expression(text: str, var: str = "x", time_limit: float | None = None) -> Derivation:
    """Differentiate a user's expression step by step; every step is verified.

    The expression is parsed without ``eval`` (:func:`symbolic.parse.parse_expression`).
    The result is checked against ``sympy.diff`` and a central finite difference.
    Parsing, deriving and verifying together may take *time_limit* seconds: None means
    :data:`symbolic.timelimit.TIME_LIMIT` (10 s), ``math.inf`` no limit. The limit is a
    ``SIGALRM`` timer, so it applies in the main thread of a POSIX system only
    (:func:`symbolic.timelimit.with_time_limit`).

    Raises
    ------
    symbolic.parse.ExpressionError
        If *text* is not a valid expression in *var*.
    symbolic.parse.TimeLimitError
        If the time limit runs out (a subclass of ``ExpressionError``).
    ValueError
        If a function in it has no derivative rule.
    DerivationError
        If SymPy cannot carry out or prove a step (a ``ValueError``).
    """
    import sympy as sp

    from symbolic.differentiate import derivative_steps
    from symbolic.parse import parse_expression
    from symbolic.proof import ProofError
    from symbolic.timelimit import with_time_limit

    def derive_and_verify() -> Derivation:
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

    try:
        return with_time_limit(time_limit, derive_and_verify)
    except (ProofError, ArithmeticError, TypeError, RecursionError) as error:
        # SymPy could not finish or prove a step: say so on one line, never a traceback
        reason = " ".join(str(error).split())
        reason = reason if len(reason) <= 200 else reason[:197] + "..."
        raise DerivationError(
            f"could not derive and verify d/d{var} {text.strip()}: {reason}"
        ) from None


class DerivationError(ValueError):
    """SymPy could not carry out or prove a step of the derivation of a valid expression."""


__all__ = ["Derivation", "DerivationError", "derive", "derive_expression", "names"]
