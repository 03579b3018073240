"""``gradproof train``: the seed's network on XOR (and, later, users' data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from derivations.example import seed_network
from numeric.mlp import MLP

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([[0], [1], [1], [0]], dtype=float)
MARGIN = 0.6
"""Solved: every output within 1 - MARGIN = 0.4 of its target (right side of 0.5, with room)."""


def train_xor(
    epochs: int = 5000,
    learning_rate: float = 0.5,
    hidden: int = 2,
    seed: int = 0,
    batch_size: int = 1,
) -> tuple[MLP, dict]:
    """Train the seed's 2-2-1 sigmoid network (its own initial weights) on XOR with SGD.

    With ``hidden != 2`` the weights are initialised from *seed* instead. Returns the
    network and its history; ``history["solved_at"]`` is the first epoch at which all four
    outputs are within 0.4 of their targets, 100 % accuracy with a margin (0 if never).
    """
    if hidden == 2:
        net = seed_network()
    else:
        net = MLP([2, hidden, 1], ["sigmoid", "sigmoid"], "mse", seed=seed)
    history: dict = {"loss": [], "accuracy": [], "stopped": "", "solved_at": 0}
    rng = np.random.default_rng(seed)
    while len(history["loss"]) < epochs and not history["solved_at"] and not history["stopped"]:
        chunk = 1  # one epoch at a time: stop at the first epoch with 100 % accuracy
        part = net.fit(
            XOR_X,
            XOR_T,
            epochs=chunk,
            learning_rate=learning_rate,
            batch_size=batch_size,
            seed=int(rng.integers(2**31)),
        )
        if np.all(np.abs(net.forward(XOR_X) - XOR_T) < 1 - MARGIN):
            history["solved_at"] = len(history["loss"]) + 1
        history["loss"] += part["loss"]
        history["accuracy"] += part["accuracy"]
        history["stopped"] = part["stopped"]
    return net, history


def plot_xor(net: MLP, history: dict, path: Path) -> None:
    """Save the loss curve and the decision boundary as a PNG (matplotlib, atomically)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("--plot needs matplotlib: pip install 'gradproof[plot]'") from None
    import io

    from numeric.files import atomic_write

    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    left.plot(range(1, len(history["loss"]) + 1), history["loss"])
    left.set(xlabel="epoch", ylabel="mean loss", yscale="log", title="XOR: loss")
    grid = np.linspace(-0.25, 1.25, 151)
    xx, yy = np.meshgrid(grid, grid)
    out = net.forward(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    right.contourf(xx, yy, out, levels=20, cmap="RdBu_r")
    right.contour(xx, yy, out, levels=[0.5], colors="k")
    right.scatter(XOR_X[:, 0], XOR_X[:, 1], c=XOR_T[:, 0], cmap="RdBu_r", edgecolors="k", s=80)
    right.set(xlabel="x1", ylabel="x2", title="decision boundary (y = 0.5)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    atomic_write(path, buffer.getvalue())
