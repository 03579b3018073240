r"""The softmax output layer: its Jacobian (generic C and explicit C) and its row results.

The generic derivation works in index notation, :math:`y_i = e^{z_i} / \sum_k e^{z_k}`;
SymPy differentiates it, gradproof contracts the Kronecker deltas and recognises the
outputs, giving :math:`\partial y_i / \partial z_j = y_i(\delta_{ij} - y_j)`. The explicit
derivation uses ``Matrix.jacobian`` at a fixed C; the two are checked against each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from symbolic.indices import C, contract, i, in_softmax_outputs, j, softmax_index, to_row, v, y, z
from symbolic.proof import prove_equal
from symbolic.registry import ACTIVATIONS
from symbolic.result import Result
from symbolic.rowwise import V, Z, row_vector, shift_by_max
from symbolic.steps import evaluated

SOFTMAX_ROW = ACTIVATIONS["softmax"].definition(Z)


@dataclass(frozen=True)
class SoftmaxJacobian:
    r"""The generic-C softmax Jacobian, from SymPy's derivative to the textbook form.

    Attributes
    ----------
    raw : sympy.Expr
        ``sympy.diff`` of :math:`e^{z_i}/\sum_k e^{z_k}` with respect to :math:`z_j`.
    contracted : sympy.Expr
        The same with every :math:`\sum_k f(k)\,\delta_{jk}` contracted to :math:`f(j)`.
    result : sympy.Expr
        :math:`y_i(\delta_{ij} - y_j)`.
    diagonal, off_diagonal : sympy.Expr
        The cases :math:`i = j` (:math:`y_i(1 - y_i)`) and :math:`i \ne j` (:math:`-y_i y_j`).
    """

    raw: sp.Expr
    contracted: sp.Expr
    result: sp.Expr
    diagonal: sp.Expr
    off_diagonal: sp.Expr


@cache
def softmax_jacobian_generic() -> SoftmaxJacobian:
    """Derive the softmax Jacobian for a generic number of classes C."""
    raw = evaluated(sp.Derivative(softmax_index(i), z[j]))
    contracted = contract(raw)
    result = sp.factor_terms(in_softmax_outputs(contracted))
    diagonal = sp.factor_terms(result.xreplace({j: i}))
    off_diagonal = result.replace(lambda e: isinstance(e, sp.KroneckerDelta), lambda e: 0)
    return SoftmaxJacobian(raw, contracted, result, diagonal, sp.expand(off_diagonal))


def _explicit_softmax(n_classes: int) -> tuple[list[sp.Symbol], sp.Matrix]:
    zs = row_vector(Z, n_classes)
    total = sp.Add(*(sp.exp(zk) for zk in zs))
    return zs, sp.Matrix([sp.exp(zk) / total for zk in zs])


@cache
def softmax_jacobian(n_classes: int) -> sp.Matrix:
    """Derive the softmax Jacobian at a fixed number of classes with ``Matrix.jacobian``.

    Returns the matrix in the logits ``z1 ... zC``; :func:`check_generic_jacobian`
    proves it equal to the generic :math:`y_i(\\delta_{ij} - y_j)` instantiated at C.
    """
    if not 2 <= n_classes <= 10:
        raise ValueError(f"n_classes must be between 2 and 10, got {n_classes}")
    zs, softmax = _explicit_softmax(n_classes)
    return softmax.jacobian(zs)


def check_generic_jacobian(n_classes: int) -> None:
    """Prove that the generic Jacobian, instantiated at *n_classes*, equals ``Matrix.jacobian``."""
    raw = softmax_jacobian(n_classes)
    _, softmax = _explicit_softmax(n_classes)
    generic = softmax_jacobian_generic().result
    for a in range(n_classes):
        for b in range(n_classes):
            entry = generic.xreplace({i: a + 1, j: b + 1}).replace(
                lambda e: isinstance(e, sp.Indexed), lambda e: softmax[e.indices[0] - 1]
            )
            prove_equal(entry, raw[a, b], f"softmax Jacobian [{a + 1},{b + 1}] at C={n_classes}")


def _explicit_log_softmax(n_classes: int) -> list[sp.Expr]:
    return [sp.log(p) for p in _explicit_softmax(n_classes)[1]]


def _explicit_jvp(n_classes: int) -> list[sp.Expr]:
    zs, softmax = _explicit_softmax(n_classes)
    return list(softmax.jacobian(zs).T * sp.Matrix(row_vector(V, n_classes)))


@cache
def softmax() -> Result:
    """Return the softmax as a row result, with its max-shifted code form."""
    return Result(
        "softmax",
        sp.Function("softmax")(Z),
        SOFTMAX_ROW,
        shift_by_max(SOFTMAX_ROW),
        (Z,),
        lambda n: list(_explicit_softmax(n)[1]),
        shape="row",
    )


@cache
def log_softmax() -> Result:
    r"""Derive :math:`\log y_j = z_j - \log \sum_k e^{z_k}` and its max-shifted form."""
    display = sp.expand_log(sp.log(SOFTMAX_ROW), force=True)
    return Result(
        "log_softmax",
        sp.log(sp.Function("softmax")(Z)),
        display,
        shift_by_max(display),
        (Z,),
        _explicit_log_softmax,
        shape="row",
    )


@cache
def softmax_jvp() -> Result:
    r"""Derive the Jacobian-vector product :math:`y_j (v_j - \sum_i y_i v_i)`.

    The Jacobian is symmetric, so this is also the vector-Jacobian product that the
    backward pass needs; no C x C matrix is ever formed.
    """
    jvp = sp.factor_terms(contract(sp.Sum(v[i] * softmax_jacobian_generic().result, (i, 1, C))))
    display = to_row(jvp, SOFTMAX_ROW)
    return Result(
        "softmax_jvp",
        sp.Symbol(r"J^{T} v"),
        display,
        shift_by_max(display),
        (Z, V),
        _explicit_jvp,
        shape="row",
        index_form=jvp,
    )


__all__ = [
    "SoftmaxJacobian",
    "softmax_jacobian_generic",
    "softmax_jacobian",
    "check_generic_jacobian",
    "softmax",
    "log_softmax",
    "softmax_jvp",
    "y",
]
