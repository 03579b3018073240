"""Section 3.2's worked example, computed from the derived formulas, beside the seed's numbers.

The 2-2-1 sigmoid network with the seed's weights, sample (1, 1), target 0, MSE loss and
eta = 0.5. Every quantity is computed twice with the same derived formulas: exactly
(SymPy, shown to 15 digits) and the way the seed does it, rounding each intermediate to
three decimals (half up). A seed value that the exact computation does not reproduce at
its precision is flagged, with the rounded recomputation that explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sympy as sp

from symbolic import activation_grad, loss_output_grad
from symbolic.activations import z as z_symbol
from symbolic.functions import sigmoid
from symbolic.indices import j, t, y
from symbolic.steps import numeric_value

R = sp.Rational
WEIGHTS = {
    "W1": ((R(1, 2), R(1, 2)), (R(-1, 2), R(-1, 2))),
    "b1": (R(-1, 5), R(7, 10)),
    "W2": ((1, 1),),
    "b2": (R(-1, 2),),
}
"""The seed's initial weights (section 3.2), as exact numbers."""
SAMPLE, TARGET, LEARNING_RATE = (1, 1), 0, R(1, 2)

SEED_VALUES = {
    "z1_1": 0.8,
    "z1_2": -0.3,
    "h1": 0.690,
    "h2": 0.426,
    "z2": 0.616,
    "y": 0.649,
    "L": 0.211,
    "dL/dy": 0.649,
    "sigma'(z2)": 0.228,
    "delta2": 0.148,
    "sigma'(z1_1)": 0.214,
    "delta1_1": 0.032,
    "delta1_2": 0.036,
    "dL/dW2_1": 0.102,
    "dL/dW2_2": 0.063,
    "W2_1 new": 0.949,
    "W2_2 new": 0.968,
    "dL/db2": 0.148,
    "b2 new": -0.574,
    "dL/dW1_11": 0.032,
    "dL/dW1_12": 0.032,
    "W1_11 new": 0.484,
    "W1_12 new": 0.484,
    "W1_21 new": -0.518,
    "W1_22 new": -0.518,
    "b1_1 new": -0.216,
    "b1_2 new": 0.682,
}
"""Every quantity section 3.2 prints, with the value it prints."""


def round3(value: sp.Expr) -> sp.Rational:
    """Round to three decimals, half up, as the seed does by hand."""
    decimal = Decimal(str(numeric_value(value, 30))).quantize(Decimal("0.001"), ROUND_HALF_UP)
    return sp.Rational(str(decimal))


def _sigma_grad(u: sp.Expr) -> sp.Expr:
    return activation_grad("sigmoid").display.xreplace({z_symbol: u})


def _dl_dy(output: sp.Expr) -> sp.Expr:
    return loss_output_grad("mse").xreplace({y[j]: output, t[j]: TARGET})


def compute(keep: Callable[[sp.Expr], sp.Expr]) -> dict[str, sp.Expr]:
    """Forward pass, backward pass and one SGD step; *keep* is applied to every intermediate."""
    W1, b1, W2, b2 = (WEIGHTS[n] for n in ("W1", "b1", "W2", "b2"))
    v: dict[str, sp.Expr] = {}
    for k in (0, 1):
        v[f"z1_{k + 1}"] = keep(sum(W1[k][m] * SAMPLE[m] for m in (0, 1)) + b1[k])
        v[f"h{k + 1}"] = keep(sigmoid(v[f"z1_{k + 1}"]))
    v["z2"] = keep(W2[0][0] * v["h1"] + W2[0][1] * v["h2"] + b2[0])
    v["y"] = keep(sigmoid(v["z2"]))
    v["L"] = keep((TARGET - v["y"]) ** 2 / 2)
    v["dL/dy"] = keep(_dl_dy(v["y"]))
    v["sigma'(z2)"] = keep(_sigma_grad(v["z2"]).xreplace({sigmoid(v["z2"]): v["y"]}))
    v["delta2"] = keep(v["dL/dy"] * v["sigma'(z2)"])
    for k in (0, 1):
        h = v[f"h{k + 1}"]
        v[f"sigma'(z1_{k + 1})"] = keep(
            _sigma_grad(v[f"z1_{k + 1}"]).xreplace({sigmoid(v[f"z1_{k + 1}"]): h})
        )
        v[f"delta1_{k + 1}"] = keep(v["delta2"] * W2[0][k] * v[f"sigma'(z1_{k + 1})"])
        v[f"dL/dW2_{k + 1}"] = keep(v["delta2"] * h)
        v[f"W2_{k + 1} new"] = keep(W2[0][k] - keep(LEARNING_RATE * v[f"dL/dW2_{k + 1}"]))
        for m in (0, 1):
            v[f"dL/dW1_{k + 1}{m + 1}"] = keep(v[f"delta1_{k + 1}"] * SAMPLE[m])
            grad = keep(LEARNING_RATE * v[f"dL/dW1_{k + 1}{m + 1}"])
            v[f"W1_{k + 1}{m + 1} new"] = keep(W1[k][m] - grad)
        v[f"b1_{k + 1} new"] = keep(b1[k] - keep(LEARNING_RATE * v[f"delta1_{k + 1}"]))
    v["dL/db2"] = v["delta2"]
    v["b2 new"] = keep(b2[0] - keep(LEARNING_RATE * v["delta2"]))
    return v


@dataclass(frozen=True)
class Row:
    """One quantity: the seed's value, ours, and whether they agree at the seed's precision."""

    quantity: str
    seed: float | None
    value: float
    agrees: bool
    note: str

    def to_dict(self) -> dict:
        """Return the row as the JSON object ``{quantity, seed, value, agrees, note}``."""
        return {
            "quantity": self.quantity,
            "seed": self.seed,
            "value": self.value,
            "agrees": self.agrees,
            "note": self.note,
        }


def rows(values: dict[str, float] | None = None) -> list[Row]:
    """Return every quantity the seed prints, compared honestly with *values*.

    *values* defaults to the exact SymPy computation; ``gradproof example`` passes the
    numeric MLP's float64 values.
    """
    rounded = compute(round3)
    if values is None:
        exact = compute(lambda e: e)
        values = {name: float(numeric_value(exact[name], 30)) for name in SEED_VALUES}
    out = []
    for name, seed in SEED_VALUES.items():
        value = float(values[name])
        agrees = abs(value - seed) <= 0.0005 + 1e-12
        note = ""
        if not agrees:
            again = float(rounded[name])
            note = (
                f"the seed rounds every intermediate to 3 decimals; redone that way: "
                f"{again:.3f}" + (" (reproduces the seed)" if again == seed else "")
            )
        out.append(Row(name, seed, value, agrees, note))
    return out


def table() -> str:
    """Return the rows as a plain-text table."""
    lines = [f"{'quantity':<14} {'seed':>8} {'exact':>20}  agrees  note"]
    for row in rows():
        lines.append(
            f"{row.quantity:<14} {row.seed:>8.3f} {row.value:>20.15f}  "
            f"{'yes' if row.agrees else 'NO':<6}  {row.note}"
        )
    return "\n".join(lines)
