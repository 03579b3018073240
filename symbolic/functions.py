"""SymPy primitives that gradproof adds to SymPy's own functions.

Each elementwise primitive knows its elementary definition (``rewrite(sp.exp)``) and
its derivative, which is *derived* from that definition at run time through the
registry (never typed in). The row primitives ``rowsum`` and ``rowmax`` stand for
reductions over the last axis of a batch-first array (one row per sample).
"""

from __future__ import annotations

import sympy as sp


def _latex_call(name: str, printer, arg: sp.Expr, exp: str | None = None) -> str:
    power = "^{" + exp + "}" if exp else ""
    return name + power + r"\left(" + printer._print(arg) + r"\right)"


def _latex_reduction(prefix: str, printer, arg: sp.Expr, exp: str | None) -> str:
    out = prefix + _latex_call("", printer, arg) + "_{k}"
    return rf"\left({out}\right)^{{{exp}}}" if exp else out


class _Primitive(sp.Function):
    """An elementwise activation whose derivative comes from the registry."""

    nargs = 1

    @classmethod
    def definition(cls, u: sp.Expr) -> sp.Expr:
        raise NotImplementedError

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        from symbolic.activations import derivative_form

        return derivative_form(self.func.__name__, self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return self.definition(u)

    def _eval_evalf(self, prec):
        return self.definition(self.args[0])._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class sigmoid(_Primitive):  # noqa: N801 - SymPy convention: functions are lowercase
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`."""

    @classmethod
    def definition(cls, u):
        return 1 / (1 + sp.exp(-u))

    @classmethod
    def eval(cls, u):
        if u.is_zero:
            return sp.S.Half

    def _latex(self, printer, exp=None):
        return _latex_call(r"\sigma", printer, self.args[0], exp)

    def _pretty(self, printer):
        return printer._print_Function(self, func_name="σ")

    def _eval_is_positive(self):
        return self.args[0].is_real


class softplus(_Primitive):  # noqa: N801
    r"""The softplus :math:`\operatorname{softplus}(z) = \log(1 + e^{z})`."""

    @classmethod
    def definition(cls, u):
        return sp.log(1 + sp.exp(u))

    def _latex(self, printer, exp=None):
        return _latex_call(r"\operatorname{softplus}", printer, self.args[0], exp)


class relu(_Primitive):  # noqa: N801
    r"""The rectifier :math:`\operatorname{relu}(z) = \max(0, z)`."""

    @classmethod
    def definition(cls, u):
        return sp.Max(0, u)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.Max(0, u)

    def _latex(self, printer, exp=None):
        return _latex_call(r"\operatorname{ReLU}", printer, self.args[0], exp)


class rowsum(sp.Function):  # noqa: N801
    r"""Sum over the classes of one sample: :math:`\sum_{k=1}^{C} x_k` (row reduction)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        return _latex_reduction(r"\sum_{k=1}^{C} ", printer, self.args[0], exp)


class rowmax(sp.Function):  # noqa: N801
    r"""Maximum over the classes of one sample: :math:`\max_k x_k` (row reduction)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        return _latex_reduction(r"\max_{k} ", printer, self.args[0], exp)


class rowdot(sp.Function):  # noqa: N801
    r"""Dot product over the classes of one sample: :math:`\sum_k a_k b_k` (row reduction).

    The generated code uses it for sums of squares, which ``einsum`` computes without
    a temporary array.
    """

    nargs = 2

    def _latex(self, printer, exp=None):
        a, b = (printer._print(arg) for arg in self.args)
        out = r"\sum_{k=1}^{C} \left(" + a + r"\right)_{k} \left(" + b + r"\right)_{k}"
        return rf"\left({out}\right)^{{{exp}}}" if exp else out


class shifted_logsumexp(sp.Function):  # noqa: N801
    r""":math:`\log \sum_k e^{s_k}` for a row whose maximum is 0 (a max-shifted row).

    The generated code computes it as :math:`\operatorname{log1p}` of the sum of the
    other terms, so that it keeps full relative accuracy when the sum is close to 1.
    """

    nargs = 1

    @classmethod
    def definition(cls, u: sp.Expr) -> sp.Expr:
        return sp.log(rowsum(sp.exp(u)))

    def _latex(self, printer, exp=None):
        out = r"\log \sum_{k=1}^{C} e^{" + printer._print(self.args[0]) + "_{k}}"
        return rf"\left({out}\right)^{{{exp}}}" if exp else out


PRIMITIVES = {cls.__name__: cls for cls in (sigmoid, softplus, relu)}
"""Elementwise primitives by name (the registry refers to them)."""


def expand_definitions(expr: sp.Expr) -> sp.Expr:
    """Return *expr* with every gradproof primitive replaced by its definition."""
    return expr.replace(lambda e: isinstance(e, _Primitive), lambda e: e.definition(e.args[0]))
