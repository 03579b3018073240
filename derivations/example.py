"""``gradproof example``: section 3.2's worked example run through the numeric MLP.

The 2-2-1 sigmoid network with the seed's weights, sample (1, 1), target 0, MSE loss and
one SGD step with eta = 0.5. Every quantity the seed prints is taken from the network's
forward pass, its backward pass (the generated functions) and its update, and compared
with the seed at the seed's precision (:mod:`derivations.worked_example`).
"""

from __future__ import annotations

import numpy as np

from derivations import worked_example
from numeric import functions as F
from numeric.mlp import MLP


def seed_network() -> MLP:
    """Return the seed's 2-2-1 sigmoid network with its initial weights (MSE loss)."""
    params = {k: np.array(v, dtype=float) for k, v in worked_example.WEIGHTS.items()}
    return MLP.from_params(params, ["sigmoid", "sigmoid"], "mse")


def quantities() -> dict[str, float]:
    """Return every quantity of the worked example, computed by the numeric MLP."""
    net = seed_network()
    X = np.array([worked_example.SAMPLE], float)
    T = np.array([[worked_example.TARGET]], float)
    zs, activations = net._forward(X)
    grads = net.gradients(X, T)
    eta = float(worked_example.LEARNING_RATE)
    v = {
        "z1_1": zs[0][0, 0],
        "z1_2": zs[0][0, 1],
        "h1": activations[1][0, 0],
        "h2": activations[1][0, 1],
        "z2": zs[1][0, 0],
        "y": activations[2][0, 0],
        "L": net.loss(X, T),
        "dL/dy": F.mse_grad(activations[2], T)[0, 0],
        "sigma'(z2)": F.sigmoid_grad(zs[1])[0, 0],
        "delta2": grads["b2"][0],
        "sigma'(z1_1)": F.sigmoid_grad(zs[0])[0, 0],
        "dL/db2": grads["b2"][0],
        "b2 new": net.b[1][0] - eta * grads["b2"][0],
    }
    for k in (0, 1):
        v[f"delta1_{k + 1}"] = grads["b1"][k]
        v[f"dL/dW2_{k + 1}"] = grads["W2"][0, k]
        v[f"W2_{k + 1} new"] = net.W[1][0, k] - eta * grads["W2"][0, k]
        v[f"b1_{k + 1} new"] = net.b[0][k] - eta * grads["b1"][k]
        for m in (0, 1):
            v[f"dL/dW1_{k + 1}{m + 1}"] = grads["W1"][k, m]
            v[f"W1_{k + 1}{m + 1} new"] = net.W[0][k, m] - eta * grads["W1"][k, m]
    return {name: float(value) for name, value in v.items()}


def table(rows) -> str:
    """Return the rows as a plain-text table."""
    lines = [f"{'quantity':<14} {'seed':>8} {'gradproof (float64)':>20}  agrees  note"]
    for row in rows:
        lines.append(
            f"{row.quantity:<14} {row.seed:>8.3f} {row.value:>20.15f}  "
            f"{'yes' if row.agrees else 'NO':<6}  {row.note}"
        )
    return "\n".join(lines)
