r"""Losses: per-sample values and gradients, derived through the paired output layer.

For a loss :math:`L = \sum_i \ell(y_i, t_i)` SymPy differentiates, in index notation,
both with respect to the outputs (:math:`\partial L/\partial y_j`) and, with the output
activation substituted, with respect to the logits (the fused :math:`\partial L/\partial z_j`).
For softmax with cross-entropy the general result is :math:`y_j \sum_i t_i - t_j`; it
becomes :math:`y_j - t_j` only under the assumption :math:`\sum_i t_i = 1`, which is a
separate, visible step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from symbolic.activations import z as scalar_z
from symbolic.functions import rowsum
from symbolic.indices import C, contract, i, in_softmax_outputs, j, softmax_index, t, to_row, y, z
from symbolic.registry import ACTIVATIONS, LOSSES
from symbolic.result import Result
from symbolic.rewrite import stabilize
from symbolic.rowwise import T, Z, pull_constants, row_vector, shift_by_max, split_sums
from symbolic.steps import evaluated

SUM_OF_TARGETS = sp.Sum(t[i], (i, 1, C))
ONE_HOT = "sum_i t_i = 1 (one-hot or probability targets)"
_t = sp.Symbol("t", real=True)


@dataclass(frozen=True)
class FusedGradient:
    r"""The derivation of :math:`\partial L / \partial z_j` through the output activation.

    Attributes
    ----------
    raw : sympy.Expr
        ``sympy.diff`` of the loss with the output activation substituted.
    contracted : sympy.Expr
        The same with the Kronecker deltas contracted.
    general : sympy.Expr
        In terms of the outputs, without assumptions (``y_j sum_i t_i - t_j``).
    textbook : sympy.Expr
        Under :attr:`assumption`, if the general form needs one (``y_j - t_j``).
    assumption : str
        The assumption used for :attr:`textbook`, or ``""``.
    """

    raw: sp.Expr
    contracted: sp.Expr
    general: sp.Expr
    textbook: sp.Expr
    assumption: str


def _output_index(name: str, index: sp.Symbol) -> sp.Expr:
    entry = ACTIVATIONS[LOSSES[name].output]
    # the primitive (sigma), whose derivative is the registry's derived, proven one
    return softmax_index(index) if entry.kind == "rowwise" else entry.function(z[index])


def _output_row(name: str) -> sp.Expr:
    return ACTIVATIONS[LOSSES[name].output].function(Z)


def _arg_names(name: str) -> tuple[str, str]:
    # with an identity output the logits are the outputs: mse(y, t)
    return ("y", "t") if LOSSES[name].output == "identity" else ("z", "t")


def _loss_index(name: str, outputs: sp.Expr) -> sp.Expr:
    return sp.Sum(LOSSES[name].term(outputs, t[i]), (i, 1, C))


def _by_denominator(expr: sp.Expr) -> sp.Expr:
    """Collect the terms of *expr* over common denominators: ``-t/y + (1 - t)/(1 - y)``."""
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(expr):
        numer, denom = sp.fraction(term)
        groups[denom] = groups.get(denom, sp.S.Zero) + numer
    return sp.Add(*(sp.factor_terms(n) / d for d, n in groups.items()))


@cache
def loss_output_grad(name: str) -> sp.Expr:
    r"""Derive :math:`\partial L / \partial y_j` for loss *name* (generic C, index form)."""
    return _by_denominator(contract(sp.diff(_loss_index(name, y[i]), y[j])))


def _in_outputs(name: str, contracted: sp.Expr) -> sp.Expr:
    entry = ACTIVATIONS[LOSSES[name].output]
    if entry.kind == "rowwise":
        return in_softmax_outputs(contracted)
    output = sp.Symbol("y", real=True)
    scalar = sp.expand(sp.cancel(contracted.xreplace({z[j]: scalar_z, t[j]: _t})))
    form = scalar.xreplace({entry.function(scalar_z): output})
    if form.has(scalar_z):
        raise ValueError(
            f"could not write {scalar} in terms of the output {entry.function(scalar_z)}"
        )
    return form.xreplace({output: y[j], _t: t[j]})


@cache
def fused_gradient(name: str) -> FusedGradient:
    r"""Derive :math:`\partial L / \partial z_j` through the paired output activation."""
    raw = evaluated(sp.Derivative(_loss_index(name, _output_index(name, i)), z[j]))
    contracted = contract(raw)
    general = _in_outputs(name, contracted)
    if general.has(SUM_OF_TARGETS):
        return FusedGradient(
            raw, contracted, general, sp.expand(general.xreplace({SUM_OF_TARGETS: 1})), ONE_HOT
        )
    return FusedGradient(raw, contracted, general, general, "")


def _explicit_loss(name: str, n_classes: int) -> sp.Expr:
    zs, ts = row_vector(Z, n_classes), row_vector(T, n_classes)
    entry = ACTIVATIONS[LOSSES[name].output]
    if entry.kind == "rowwise":
        total = sp.Add(*(sp.exp(zk) for zk in zs))
        outputs = [sp.exp(zk) / total for zk in zs]
    else:
        outputs = [entry.definition(zk) for zk in zs]
    return sp.Add(*(LOSSES[name].term(yk, tk) for yk, tk in zip(outputs, ts, strict=True)))


def _stable_value(name: str, display: sp.Expr) -> sp.Expr:
    if ACTIVATIONS[LOSSES[name].output].kind == "rowwise":
        # -sum t (s - L) = L sum t - sum t s: a row dot product, no (s - L) temporary
        return split_sums(shift_by_max(sp.expand_log(display, force=True)))
    stable = stabilize(display)
    # expanding collects softplus(z) - t z in BCE; other losses stay as displayed
    return sp.expand(stable) if stable != display else stable


@cache
def loss(name: str) -> Result:
    """Return the per-sample loss *name* as a function of the logits and the targets."""
    display = rowsum(LOSSES[name].term(_output_row(name), T))
    return Result(
        name,
        sp.Symbol("L"),
        display,
        pull_constants(_stable_value(name, display)),
        (Z, T),
        lambda n: [_explicit_loss(name, n)] * n,
        shape="sample",
        arg_names=_arg_names(name),
    )


@cache
def loss_grad(name: str) -> Result:
    r"""Return :math:`\partial L/\partial z` of loss *name* (general form, no assumptions)."""
    display = to_row(fused_gradient(name).general, _output_row(name))
    code = shift_by_max(display) if display.has(rowsum) else stabilize(display)

    def truth(n: int) -> list[sp.Expr]:
        value = _explicit_loss(name, n)
        return [sp.diff(value, zk) for zk in row_vector(Z, n)]

    return Result(
        f"{name}_grad",
        sp.Derivative(sp.Symbol("L"), Z),
        display,
        code,
        (Z, T),
        truth,
        shape="row",
        arg_names=_arg_names(name),
        index_form=fused_gradient(name).general,
    )


__all__ = [
    "FusedGradient",
    "loss_output_grad",
    "fused_gradient",
    "loss",
    "loss_grad",
    "SUM_OF_TARGETS",
    "ONE_HOT",
    "C",
    "i",
    "j",
]
