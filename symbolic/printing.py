"""NumPy code from derived results: lambdify with gradproof's stable printers.

Row reductions print inline as ufunc reductions, ``numpy.add.reduce(x, axis=-1,
keepdims=True)`` (``numpy.sum`` is the same reduction behind a Python wrapper that costs
more than summing a batch of short rows). The elementwise primitives print as calls to
stable kernels named ``_k_<name>``, which the caller supplies (:mod:`numeric.kernels`
in-process, their source in a written module). Max-shifted forms bind
``shifted = z - max(z)`` once, before SymPy's CSE.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from symbolic.functions import rowdot, rowmax, rowsum
from symbolic.render import signed_sum
from symbolic.result import Result
from symbolic.rowwise import SHIFTED, T, V, Z

ROWS = (Z, T, V, SHIFTED)

KERNELS = ("sigmoid", "softplus", "tanh", "heaviside", "shifted_logsumexp")
"""Primitives printed as calls to stable NumPy kernels ``_k_<name>``."""


class StablePrinter(NumPyPrinter):
    """NumPyPrinter that knows gradproof's primitives (dispatch by class name)."""

    def _reduce(self, ufunc: str, expr: sp.Expr) -> str:
        function = self._module_format(f"numpy.{ufunc}.reduce")
        return f"{function}({self._print(expr.args[0])}, axis=-1, keepdims=True)"

    def _print_rowsum(self, expr: sp.Expr) -> str:
        return self._reduce("add", expr)

    def _print_rowdot(self, expr: sp.Expr) -> str:
        a, b = (self._print(arg) for arg in expr.args)
        return f'{self._module_format("numpy.einsum")}("...i,...i->...", {a}, {b})[..., None]'

    def _print_rowmax(self, expr: sp.Expr) -> str:
        return self._reduce("maximum", expr)

    def _print_Add(self, expr: sp.Expr, order=None) -> str:
        # positive terms first: ``y - t`` is one pass over the arrays, ``-t + y`` two
        return signed_sum(self, expr)

    def _print_exp(self, expr: sp.Expr) -> str:
        # e^{n a} = (e^{a})^n: n a may overflow the dtype where a does not (float32 tanh')
        n, rest = expr.args[0].as_coeff_Mul()
        if n.is_Integer and abs(n) > 1:
            inner = self._print(sp.exp(sp.sign(n) * rest, evaluate=False))
            return f"{inner}**{abs(n)}"
        return f"{self._module_format('numpy.exp')}({self._print(expr.args[0])})"

    def _print_sigmoid(self, expr: sp.Expr) -> str:
        return f"_k_sigmoid({self._print(expr.args[0])})"

    def _print_tanh(self, expr: sp.Expr) -> str:
        return f"_k_tanh({self._print(expr.args[0])})"

    def _print_softplus(self, expr: sp.Expr) -> str:
        return f"_k_softplus({self._print(expr.args[0])})"

    def _print_shifted_logsumexp(self, expr: sp.Expr) -> str:
        return f"_k_shifted_logsumexp({self._print(expr.args[0])})"

    def _print_relu(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.maximum')}({self._print(expr.args[0])}, 0)"

    def _print_Heaviside(self, expr: sp.Expr) -> str:
        if len(expr.args) != 2 or expr.args[1] != 0:
            raise ValueError(f"{expr}: only the convention H(0) = 0 has a kernel")
        return f"_k_heaviside({self._print(expr.args[0])})"


def argument_names(result: Result) -> tuple[str, ...]:
    """Return the Python argument names of the generated function for *result*."""
    if result.arg_names:
        return result.arg_names
    lower = {Z: "z", T: "t", V: "v"}
    return tuple(lower.get(a, a.name) for a in result.args)


def code_form(result: Result) -> sp.Expr:
    """Return ``result.code`` with the argument names of the generated function."""
    renames, _ = _arguments(result, None)
    return result.code.xreplace({SHIFTED: sp.Symbol("shifted"), **renames})


def _arguments(result: Result, names: tuple[str, ...] | None) -> tuple[dict, list[sp.Symbol]]:
    names = names or argument_names(result)
    plain = [sp.Symbol(n) for n in names]
    return dict(zip(result.args, plain, strict=True)), plain


def _row_dots(code: sp.Expr) -> sp.Expr:
    """``rowsum(a*b) -> rowdot(a, b)`` for two row factors (``a*a`` included).

    einsum makes one pass and no temporary for ``a*b``; CSE then binds a repeated factor
    once.
    """

    def two_rows(e: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
        if not isinstance(e, rowsum):
            return None
        arg = e.args[0]
        if arg.is_Pow and arg.exp == 2:
            return arg.base, arg.base
        factors = sp.Mul.make_args(arg)
        return tuple(factors) if len(factors) == 2 and all(f.has(*ROWS) for f in factors) else None

    return code.replace(lambda e: two_rows(e) is not None, lambda e: rowdot(*two_rows(e)))


def lambdify_result(
    result: Result, namespace: dict, names: tuple[str, ...] | None = None
) -> Callable:
    """Turn ``result.code`` into a vectorised, batch-first NumPy function.

    Parameters
    ----------
    result : Result
        A derived result; its ``code`` form is used.
    namespace : dict
        Everything the code calls: ``numpy`` and the kernels ``_k_<name>`` for :data:`KERNELS`.
    names : tuple of str, optional
        Argument names; by default ``z``, ``t``, ``v`` for the row symbols.
    """
    renames, args = _arguments(result, names)
    shifted = sp.Symbol("shifted")
    code = _row_dots(result.code).xreplace({SHIFTED: shifted, **renames})
    first = renames.get(Z)

    def cse(exprs):
        replacements, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("x"), list=False)
        uses = sum(e.count(shifted) for _, e in replacements) + reduced.count(shifted)
        if uses == 1:  # inline: no large temporary outlives its single use
            inline = {shifted: first - rowmax(first)}
            return [(s, e.xreplace(inline)) for s, e in replacements], reduced.xreplace(inline)
        if uses > 1:
            replacements = [(shifted, first - rowmax(first)), *replacements]
        return replacements, reduced

    return sp.lambdify(
        args, code, modules=[namespace], printer=StablePrinter, cse=cse, docstring_limit=None
    )
