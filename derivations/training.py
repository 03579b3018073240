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


def pyplot():
    """Return matplotlib.pyplot with the Agg backend, or explain how to install it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("--plot needs matplotlib: pip install 'gradproof[plot]'") from None
    return plt


def _save(figure, path: Path) -> None:
    import io

    from numeric.files import atomic_write

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    pyplot().close(figure)
    atomic_write(path, buffer.getvalue())


def plot_xor(net: MLP, history: dict, path: Path) -> None:
    """Save the loss curve and the decision boundary as a PNG (matplotlib, atomically)."""
    figure, (left, right) = pyplot().subplots(1, 2, figsize=(9, 4))
    left.plot(range(1, len(history["loss"]) + 1), history["loss"])
    left.set(xlabel="epoch", ylabel="mean loss", yscale="log", title="XOR: loss")
    grid = np.linspace(-0.25, 1.25, 151)
    xx, yy = np.meshgrid(grid, grid)
    out = net.forward(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    right.contourf(xx, yy, out, levels=20, cmap="RdBu_r")
    right.contour(xx, yy, out, levels=[0.5], colors="k")
    right.scatter(XOR_X[:, 0], XOR_X[:, 1], c=XOR_T[:, 0], cmap="RdBu_r", edgecolors="k", s=80)
    right.set(xlabel="x1", ylabel="x2", title="decision boundary (y = 0.5)")
    _save(figure, path)


def plot_history(history: dict, path: Path, title: str) -> None:
    """Save the loss and training-accuracy curves of a run as a PNG (atomically)."""
    figure, (left, right) = pyplot().subplots(1, 2, figsize=(9, 4))
    epochs = range(1, len(history["loss"]) + 1)
    left.plot(epochs, history["loss"])
    left.set(xlabel="epoch", ylabel="mean loss", yscale="log", title=f"{title}: loss")
    right.plot(epochs, [100 * a for a in history["accuracy"]])
    right.set(xlabel="epoch", ylabel="training accuracy (%)", title=f"{title}: accuracy")
    _save(figure, path)


def read_csv(path: Path, target: str | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read numeric feature columns and a class column *target* from a CSV file with a header.

    *target* None means the last column. Returns the features, the class indices and the
    class names (sorted).

    Raises
    ------
    ValueError
        For a missing target column, a non-numeric feature, an empty file or ragged rows.
    """
    import csv

    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or not rows[0]:
        raise ValueError(f"{path}: empty file")
    if len(rows) < 2:
        raise ValueError(f"{path}: needs a header and at least one row")
    header, body = rows[0], rows[1:]
    target = header[-1] if target is None else target
    if target not in header:
        raise ValueError(f"{path}: no column {target!r}; columns: {', '.join(header)}")
    column = header.index(target)
    features = [name for k, name in enumerate(header) if k != column]
    X, labels = [], []
    for line, row in enumerate(body, 2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{line}: expected {len(header)} fields, got {len(row)}")
        try:
            X.append([float(v) for k, v in enumerate(row) if k != column])
        except ValueError:
            raise ValueError(f"{path}:{line}: a feature is not a number") from None
        labels.append(row[column])
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    X = np.array(X, dtype=float)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{path}: features must be finite numbers")
    return X, y, classes if features else []


def train_classifier(
    X: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    *,
    hidden: int = 32,
    epochs: int = 100,
    learning_rate: float = 0.1,
    seed: int = 0,
    test_fraction: float = 0.25,
) -> dict:
    """Standardize, split (seeded), train a tanh MLP with softmax cross-entropy; return scores."""
    if n_classes < 2 or len(X) < 4:
        raise ValueError("need at least two classes and four rows")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    n_test = max(1, round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1.0
    Z = (X - mean) / std
    net = MLP([X.shape[1], hidden, n_classes], "tanh", "cross_entropy", seed=seed)
    history = net.fit(
        Z[train], y[train], epochs=epochs, learning_rate=learning_rate, batch_size=32, seed=seed
    )
    return {
        "train_accuracy": history["accuracy"][-1] if history["accuracy"] else 0.0,
        "test_accuracy": float(np.mean(net.predict(Z[test]) == y[test])),
        "loss": history["loss"][-1] if history["loss"] else float("nan"),
        "n_train": len(train),
        "n_test": len(test),
        "stopped": history["stopped"],
        "net": net,
        "history": history,
    }


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits data set from scikit-learn (installed separately)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise RuntimeError(
            "gradproof train digits needs scikit-learn: pip install scikit-learn"
        ) from None
    data = load_digits()
    return data.data.astype(float), data.target
