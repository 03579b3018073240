"""The value type of every derived result: display form, code form and their proofs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symbolic.proof import ProofError, prove_equal
from symbolic.rowwise import explicit

CHECKED_CLASSES = (2, 3, 4, 5)
"""Numbers of classes at which row results are checked against explicit SymPy calculus."""


@dataclass(frozen=True)
class Result:
    """One derived formula, in the two forms gradproof needs.

    Attributes
    ----------
    name : str
        The name of the generated NumPy function (``"sigmoid_grad"``).
    lhs : sympy.Expr
        What is computed, e.g. ``Derivative(sigmoid(z), z)``.
    display : sympy.Expr
        The textbook form, for documents (``sigma(z) (1 - sigma(z))``).
    code : sympy.Expr
        The numerically stable form that is lambdified (``e^{-|z|}/(1+e^{-|z|})^2``).
    args : tuple of sympy.Symbol
        Arguments of the generated function, in order.
    truth : sympy.Expr or callable
        Ground truth: ``sympy.diff`` of the raw definition for elementwise results;
        for row results a function ``C -> [component, ...]`` built with explicit
        ``Matrix`` calculus at C classes.
    shape : {"elementwise", "row", "sample"}
        Output shape: like the input, like one row per sample, or one value per sample.
    assumptions : tuple of str
        Assumptions the display form needs beyond the definitions (e.g. ``sum t = 1``).
    arg_names : tuple of str, optional
        Python argument names of the generated function (default ``z``, ``t``, ``v``).
    index_form : sympy.Expr, optional
        For row results, the display form in the seed's index notation, in terms of the
        outputs ``y`` where it has them (``y_j (v_j - sum_i y_i v_i)``); for the
        ``NAME_grad_output`` results, the derivative in the output ``y`` (``1 - y^2``).
    """

    name: str
    lhs: sp.Expr
    display: sp.Expr
    code: sp.Expr
    args: tuple[sp.Symbol, ...]
    truth: sp.Expr | Callable[[int], list[sp.Expr]]
    shape: str = "elementwise"
    assumptions: tuple[str, ...] = ()
    arg_names: tuple[str, ...] | None = None
    index_form: sp.Expr | None = None

    def verify(self, classes: tuple[int, ...] = CHECKED_CLASSES) -> Result:
        """Prove ``display == truth`` and ``code == display``; return self.

        Row results are proven at each number of classes in *classes*.

        Raises
        ------
        ProofError
            If either equality does not hold.
        """
        if callable(self.truth):
            for n_classes in classes:
                truth = self.truth(n_classes)
                for form, expr in (("code", self.code), ("display", self.display)):
                    got = explicit(expr, n_classes)
                    for a, b in zip(got, truth, strict=True):
                        prove_equal(a, b, f"{self.name} {form} at C={n_classes}")
        else:
            prove_equal(self.display, self.truth, f"{self.name}: display form")
            prove_equal(self.code, self.display, f"{self.name}: stable form")
        return self


__all__ = ["Result", "ProofError", "CHECKED_CLASSES"]
