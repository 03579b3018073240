"""Training: SGD exactly as in the seed (theta <- theta - eta grad), momentum and Adam.

Mini-batches are drawn from a seeded shuffle; the loop keeps a history of loss and
accuracy per epoch and stops, keeping the last finite weights, if the loss stops being
finite. A tqdm progress bar is shown for runs longer than a second when tqdm is installed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Optimizer:
    """Update rules: ``sgd`` (theta - eta g), ``momentum`` (mu = 0.9) and ``adam``."""

    name: str
    learning_rate: float
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    state: dict = field(default_factory=dict)
    steps: int = 0

    def __post_init__(self):
        if self.name not in ("sgd", "momentum", "adam"):
            raise ValueError(f"unknown optimizer {self.name!r}; known: sgd, momentum, adam")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update *params* in place from *grads*."""
        self.steps += 1
        for name, g in grads.items():
            params[name] -= self._step(name, g)

    def _step(self, name: str, g: np.ndarray) -> np.ndarray:
        if self.name == "sgd":
            return self.learning_rate * g
        if self.name == "momentum":
            v = self.state[name] = self.momentum * self.state.get(name, 0) + self.learning_rate * g
            return v
        m, v = self.state.get(name, (0, 0))
        beta1, beta2 = self.betas
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        self.state[name] = (m, v)
        m_hat, v_hat = m / (1 - beta1**self.steps), v / (1 - beta2**self.steps)
        return self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


def accuracy(net, X, T, outputs: np.ndarray | None = None) -> float:
    """Fraction of samples whose predicted class equals the target's.

    *outputs* are the network's outputs for X when already computed.
    """
    predicted = net.predict(X) if outputs is None else net.classes(outputs)
    if net.loss_name == "mse":
        return float(np.mean(np.round(predicted) == np.round(T)))
    if T.shape[1] == 1:
        return float(np.mean(predicted == (T[:, 0] > 0.5)))
    return float(np.mean(predicted == np.argmax(T, axis=1)))


def _progress(epochs: int, seconds_per_epoch: float, show: bool | None):
    if show is False or (show is None and seconds_per_epoch * epochs < 1.0):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", leave=False)


def fit(
    net,
    X,
    y,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int | None = None,
    optimizer: str = "sgd",
    seed: int | None = None,
    progress: bool | None = None,
) -> dict:
    """Train *net* in place with mini-batch gradient descent (``MLP.fit``).

    ``sgd`` is the seed's theta <- theta - eta dL/dtheta, with the loss the mean over the
    batch; ``momentum`` and ``adam`` are the usual variants. *y* holds class indices or
    target rows. Returns ``{"loss": [...], "accuracy": [...], "stopped": str}`` per epoch.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    X = net._inputs(X)
    T = net.targets(y, len(X))
    size = len(X) if batch_size is None else int(batch_size)
    if size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    rng, update = np.random.default_rng(seed), Optimizer(optimizer, learning_rate)
    history: dict = {"loss": [], "accuracy": [], "stopped": ""}
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected below
        return _epochs(net, X, T, size, rng, update, history, epochs, progress, start)


def _epochs(net, X, T, size, rng, update, history, epochs, progress, start) -> dict:
    params, bar = net.params, None
    for epoch in range(1, epochs + 1):
        saved = {k: v.copy() for k, v in params.items()}
        order = rng.permutation(len(X)) if size < len(X) else np.arange(len(X))
        for first in range(0, len(X), size):
            batch = order[first : first + size]
            update.update(params, net._backprop(X[batch], T[batch]))
        zs, activations = net._forward(X)  # one pass for the epoch's loss and accuracy
        loss = float(np.mean(net._per_sample_loss(zs, activations, T)))
        if not (np.isfinite(loss) and all(np.all(np.isfinite(p)) for p in params.values())):
            for k, v in saved.items():
                params[k][...] = v
            history["stopped"] = (
                f"loss became {loss} at epoch {epoch}; kept the weights of epoch {epoch - 1}"
            )
            break
        history["loss"].append(loss)
        history["accuracy"].append(accuracy(net, X, T, activations[-1]))
        if epoch == 1:
            bar = _progress(epochs, time.perf_counter() - start, progress)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return history
