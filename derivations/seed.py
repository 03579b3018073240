"""The numbers printed in the seed (shared/seed/mlp-backprop-tutorial.md) that a single
generated function reproduces: inputs, the function, and the value the seed prints.

These are the *source text's* numbers, kept as data to compare against; every value
gradproof reports is computed by the generated functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeedValue:
    """One printed value of the seed and the generated function that reproduces it."""

    quantity: str
    section: str
    function: str
    args: tuple
    seed: float
    decimals: int = 3
    pick: tuple = ()

    def compute(self, functions) -> float:
        """Evaluate the generated function at the seed's inputs."""
        value = getattr(functions, self.function)(*(np.asarray(a, float) for a in self.args))
        return float(np.asarray(value)[self.pick] if self.pick else value)


_T = [[0.0, 1.0, 0.0]]
_LOG_Y = np.log([[0.2, 0.7, 0.1]]).tolist()  # logits whose softmax is the seed's y

SEED_VALUES = (
    SeedValue("h1 = σ(0.8)", "3.2 step 1", "sigmoid", (0.8,), 0.690),
    SeedValue("h2 = σ(-0.3)", "3.2 step 1", "sigmoid", (-0.3,), 0.426),
    SeedValue("y = σ(0.616)", "3.2 step 1", "sigmoid", (0.616,), 0.649),
    SeedValue("σ'(0)", "3.2 verification", "sigmoid_grad", (0.0,), 0.25, 2),
    SeedValue("σ'(z2) = y(1 - y)", "3.2 step 2", "sigmoid_grad", (0.616,), 0.228),
    SeedValue("σ'(z1_1) = h1(1 - h1)", "3.2 step 2", "sigmoid_grad", (0.8,), 0.214),
    SeedValue(
        "L = ½(t - y)², y = 0.649, t = 0",
        "3.2 step 1",
        "mse",
        ([[0.649]], [[0.0]]),
        0.211,
        pick=(0,),
    ),
    SeedValue(
        "∂L/∂y = -(t - y)", "3.2 step 2", "mse_grad", ([[0.649]], [[0.0]]), 0.649, pick=(0, 0)
    ),
    SeedValue(
        "cross-entropy, y = [0.2, 0.7, 0.1], t = [0, 1, 0]",
        "4.1",
        "cross_entropy",
        (_LOG_Y, _T),
        0.357,
        pick=(0,),
    ),
    SeedValue(
        "∂L/∂z_2 = y_2 - t_2", "4.1", "cross_entropy_grad", (_LOG_Y, _T), -0.300, pick=(0, 1)
    ),
)
"""Seed values reproduced by one generated function each (the tour's table)."""
