"""THE registry: every activation and loss gradproof knows, named once.

Everything else (derivations, generated NumPy functions, documents, tests) iterates
these two tables. Entries hold *definitions* only; derivatives are computed by SymPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symbolic.functions import relu, rowsum, sigmoid, softplus


@dataclass(frozen=True)
class Activation:
    """An activation: its display function, its definition and its conventions.

    ``function(u)`` is what documents show (``sigma(z)``); ``definition(u)`` is the
    elementary expression SymPy differentiates. A ``rowwise`` activation (softmax)
    acts on a whole row ``Z`` of logits, with reductions written as ``rowsum``.
    ``output_grad`` claims that the derivative is a function of the output ``y = f(z)``
    alone; SymPy then derives ``NAME_grad_output(y)`` (and fails loudly if the claim is
    wrong), so that backpropagation can reuse the stored activation.
    """

    function: Callable[[sp.Expr], sp.Expr]
    definition: Callable[[sp.Expr], sp.Expr]
    kind: str = "elementwise"
    grad_at_zero: sp.Expr | None = None
    note: str = ""
    output_grad: bool = False


@dataclass(frozen=True)
class Loss:
    """A per-sample loss ``L = sum_k term(y_k, t_k)`` and the output it pairs with.

    The paired output activation is the one whose fused gradient ``dL/dz`` is
    derived (softmax with cross-entropy, sigmoid with binary cross-entropy).
    """

    term: Callable[[sp.Expr, sp.Expr], sp.Expr]
    output: str
    note: str = ""


def _identity(u: sp.Expr) -> sp.Expr:
    return u


def _softmax(u: sp.Expr) -> sp.Expr:
    return sp.exp(u) / rowsum(sp.exp(u))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid, sigmoid.definition, output_grad=True),
    "tanh": Activation(sp.tanh, sp.tanh, output_grad=True),
    "relu": Activation(
        relu,
        relu.definition,
        grad_at_zero=sp.S.Zero,
        note="relu'(0) is taken as 0, the subgradient JAX and PyTorch use",
        output_grad=True,
    ),
    "softplus": Activation(softplus, softplus.definition),
    "identity": Activation(_identity, _identity, output_grad=True),
    "softmax": Activation(
        _softmax, _softmax, kind="rowwise", note="output layer; rows are samples"
    ),
}

LOSSES: dict[str, Loss] = {
    "mse": Loss(lambda y, t: (t - y) ** 2 / 2, output="identity"),
    "cross_entropy": Loss(lambda y, t: -t * sp.log(y), output="softmax", note="natural logarithm"),
    "bce": Loss(
        lambda y, t: -(t * sp.log(y) + (1 - t) * sp.log(1 - y)),
        output="sigmoid",
        note="summed over the outputs",
    ),
}

ELEMENTWISE = tuple(n for n, a in ACTIVATIONS.items() if a.kind == "elementwise")
"""Names of the elementwise activations, in registry order."""

OUTPUT_GRADS = tuple(n for n in ELEMENTWISE if ACTIVATIONS[n].output_grad)
"""Elementwise activations whose derivative is derived as a function of their output."""
