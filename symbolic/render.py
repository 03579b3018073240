"""One-line renderings of SymPy expressions in the seed's notation (terminal and LaTeX).

Plain text uses Unicode: ``σ(z)·(1 − σ(z))``, ``y_i·(δ_ij − y_j)``, ``Σ_k e^(z_k)``.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter


class TextPrinter(StrPrinter):
    """StrPrinter with the seed's symbols (σ, δ, Σ, subscripts) on one line.

    Factors print simplest first (``σ(z)·(1 − σ(z))``) and terms positive first
    (``δ_ij − y_j``), as the seed writes them.
    """

    printmethod = "_gradproof_text"  # bypass objects' own _sympystr (Indexed has one)

    def _print_Mul(self, expr):
        coeff, factors = expr.as_coeff_mul()
        if coeff.is_negative:
            return "-" + self._print(sp.Mul(-coeff, *factors, evaluate=False))
        numer = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        denom = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        numer.sort(key=lambda f: (f.is_Add, sp.default_sort_key(f)))
        parts = [self._print(coeff)] if coeff != 1 else []
        parts += [self.parenthesize(f, 50) for f in numer]
        out = "·".join(parts) or "1"
        if denom:
            below = "·".join(self.parenthesize(f, 50) for f in denom)
            out += "/" + (f"({below})" if len(denom) > 1 else below)
        return out

    def _print_Add(self, expr, order=None):
        terms = sorted(expr.args, key=lambda a: a.could_extract_minus_sign())
        out = self._print(terms[0])
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                out += " − " + self.parenthesize(-term, 40)
            else:
                out += " + " + self.parenthesize(term, 40)
        return out

    def _print_sigmoid(self, expr):
        return f"σ({self._print(expr.args[0])})"

    def _print_Indexed(self, expr):
        return f"{expr.base}_{''.join(map(self._print, expr.indices))}"

    def _print_KroneckerDelta(self, expr):
        return f"δ_{''.join(map(self._print, expr.args))}"

    def _print_Sum(self, expr):
        ((index, _, _),) = expr.limits
        return f"Σ_{index} {self.parenthesize(expr.function, 60)}"

    def _print_exp(self, expr):
        return f"e^({self._print(expr.args[0])})"

    def _print_Derivative(self, expr):
        variables = "".join(f"∂{self._print(v)}" for v in expr.variables)
        return f"∂{self._print(expr.expr)}/{variables}"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Pow(self, expr, rational=False):
        if isinstance(expr.base, sp.Sum) and expr.exp.is_positive:
            return f"({self._print(expr.base)})^{self.parenthesize(expr.exp, 60)}"
        return super()._print_Pow(expr, rational)

    def _print_Heaviside(self, expr):
        return f"H({self._print(expr.args[0])})"


def text(expr: sp.Expr) -> str:
    """Return *expr* on one line of Unicode text, e.g. ``σ(z)·(1 - σ(z))``."""
    return TextPrinter().doprint(expr).replace("**", "^")


def latex(expr: sp.Expr) -> str:
    """Return the LaTeX of *expr* (gradproof primitives print as in the seed)."""
    return sp.latex(expr)
