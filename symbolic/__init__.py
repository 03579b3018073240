"""gradproof's symbolic engine: SymPy derives every gradient at run time.

The registry (:data:`ACTIVATIONS`, :data:`LOSSES`) names each function once;
:data:`RESULTS` lists every derived result by the name of its generated NumPy function.
This package imports SymPy only (never NumPy at module level, never numeric/derivations).
"""

from __future__ import annotations

from collections.abc import Callable

from symbolic.activations import activation, activation_grad, activation_grad_output
from symbolic.functions import relu, rowmax, rowsum, sigmoid, softplus
from symbolic.losses import fused_gradient, loss, loss_grad, loss_output_grad
from symbolic.proof import ProofError, prove_equal
from symbolic.registry import ACTIVATIONS, ELEMENTWISE, LOSSES, OUTPUT_GRADS
from symbolic.result import Result
from symbolic.rewrite import STABLE_REWRITES
from symbolic.softmax import (
    check_generic_jacobian,
    log_softmax,
    softmax,
    softmax_jacobian,
    softmax_jacobian_generic,
    softmax_jvp,
)


def _results() -> dict[str, Callable[[], Result]]:
    table: dict[str, Callable[[], Result]] = {}
    for name in ELEMENTWISE:
        table[name] = lambda name=name: activation(name)
        table[f"{name}_grad"] = lambda name=name: activation_grad(name)
    for name in OUTPUT_GRADS:
        table[f"{name}_grad_output"] = lambda name=name: activation_grad_output(name)
    table.update(softmax=softmax, log_softmax=log_softmax, softmax_jvp=softmax_jvp)
    for name in LOSSES:
        table[name] = lambda name=name: loss(name)
        table[f"{name}_grad"] = lambda name=name: loss_grad(name)
    return table


RESULTS = _results()
"""Every derived result, by the name of its NumPy function, as a zero-argument factory."""


def derive(name: str) -> Result:
    """Return the derived result *name* (e.g. ``"sigmoid_grad"``), computed on first use.

    Raises
    ------
    KeyError
        If *name* is not a known result; the message lists the known names.
    """
    try:
        return RESULTS[name]()
    except KeyError:
        raise KeyError(f"unknown result {name!r}; known: {', '.join(RESULTS)}") from None


__all__ = [
    "ACTIVATIONS",
    "ELEMENTWISE",
    "LOSSES",
    "OUTPUT_GRADS",
    "RESULTS",
    "STABLE_REWRITES",
    "ProofError",
    "Result",
    "activation",
    "activation_grad",
    "activation_grad_output",
    "check_generic_jacobian",
    "derive",
    "fused_gradient",
    "log_softmax",
    "loss",
    "loss_grad",
    "loss_output_grad",
    "prove_equal",
    "relu",
    "rowmax",
    "rowsum",
    "sigmoid",
    "softmax",
    "softmax_jacobian",
    "softmax_jacobian_generic",
    "softmax_jvp",
    "softplus",
]
