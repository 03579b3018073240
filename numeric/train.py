"""Training: SGD exactly as in the seed (theta <- theta - eta grad), momentum and Adam.

Mini-batches are drawn from a seeded shuffle; the loop keeps a history of loss and
accuracy per epoch (running averages over the epoch's batches) and stops, keeping the last
finite weights, if the loss stops being finite. A tqdm progress bar is shown for runs
longer than a second when tqdm is installed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Optimizer:
    """Update rules: ``sgd`` (theta - eta g), ``momentum`` (mu = 0.9) and ``adam``.

    ``sgd`` and ``momentum`` are linear in g, so ``fit`` folds eta into the backward pass
    (it scales the output delta, one (n_samples, n_outputs) array, instead of every
    gradient) and updates from the products eta g; :meth:`update` takes plain gradients.
    """

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

    @property
    def _gradient_scale(self) -> float:
        """The factor the gradients given to :meth:`_apply` carry: eta (1 for adam)."""
        return 1.0 if self.name == "adam" else self.learning_rate

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update *params* in place from the gradients *grads* (which are left unchanged)."""
        scale = self._gradient_scale
        self._apply(params, {name: scale * g for name, g in grads.items()})

    def _apply(self, params: dict[str, np.ndarray], scaled: dict[str, np.ndarray]) -> None:
        """Update *params* in place from ``_gradient_scale * g`` (the training hot path)."""
        self.steps += 1
        for name, g in scaled.items():
            params[name] -= self._step(name, g)

    def _step(self, name: str, g: np.ndarray) -> np.ndarray:
        if self.name == "sgd":  # g is already eta g
            return g
        if self.name == "momentum":  # v <- mu v + eta g, in place
            v = self.state.get(name)
            if v is None:
                v = self.state[name] = np.zeros_like(g)
            v *= self.momentum
            v += g
            return v
        m, v = self.state.get(name, (0, 0))
        beta1, beta2 = self.betas
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        self.state[name] = (m, v)
        m_hat, v_hat = m / (1 - beta1**self.steps), v / (1 - beta2**self.steps)
        return self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


def accuracy(net, X, T, outputs: np.ndarray | None = None) -> float:
    """Fraction of samples whose predicted class equals the target's.

    *outputs* are the network's outputs for X when already computed. For ``mse`` it is
    the fraction of outputs that round to the rounded target.
    """
    return float(np.mean(_hits(net, net.forward(X) if outputs is None else outputs, T)))


def _hits(net, outputs: np.ndarray, T: np.ndarray) -> np.ndarray:
    """True where a prediction is right (per sample; per output for ``mse``)."""
    predicted = net.classes(outputs)
    if net.loss_name == "mse":
        return np.round(predicted) == np.round(T)
    if T.shape[1] == 1:
        return predicted == (T[:, 0] > 0.5)
    return predicted == np.argmax(T, axis=1)


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

    Each epoch's loss and accuracy are running averages over its batches, as
    scikit-learn's ``loss_curve_``, Keras and the usual PyTorch loops report them: each
    batch counts with the weights it was trained from (before its update), so no extra
    pass over the training set is made. Evaluate ``net.loss(X, y)`` and :func:`accuracy`
    for the figures at the final weights.
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


def _epoch(net, X, T, size, update, params, buffers, seen) -> tuple[float, float]:
    """One epoch of batch steps on shuffled X, T; return the mean loss and accuracy.

    Each batch's forward pass (before its update) leaves its loss input, the logits or
    the outputs, in the rows of *seen*; the generated loss then runs once per epoch, so
    the figures are the running averages over the batches.
    """
    for first in range(0, len(X), size):
        batch = slice(first, first + size)
        zs, activations = net._backprop(X[batch], T[batch], buffers, update._gradient_scale)
        seen[batch] = net._loss_input(zs, activations)
        update._apply(params, buffers.grads)
    loss = float(np.mean(net._per_sample_loss(seen, T)))
    return loss, float(np.mean(_hits(net, net._outputs(seen), T)))


def _epochs(net, X, T, size, rng, update, history, epochs, progress, start) -> dict:
    params, bar = net.params, None
    buffers, saved = net._buffers(min(size, len(X))), {k: v.copy() for k, v in params.items()}
    seen = np.empty_like(T)
    for epoch in range(1, epochs + 1):
        for k, v in params.items():
            np.copyto(saved[k], v)
        if size < len(X):  # one gather per epoch: the batches are then slices (views)
            order = rng.permutation(len(X))
            shuffled = X[order], T[order]
        else:
            shuffled = X, T
        loss, hit_rate = _epoch(net, *shuffled, size, update, params, buffers, seen)
        if not (np.isfinite(loss) and all(np.all(np.isfinite(p)) for p in params.values())):
            for k, v in saved.items():
                params[k][...] = v
            history["stopped"] = (
                f"loss became {loss} at epoch {epoch}; kept the weights of epoch {epoch - 1}"
            )
            break
        history["loss"].append(loss)
        history["accuracy"].append(hit_rate)
        if epoch == 1:
            bar = _progress(epochs, time.perf_counter() - start, progress)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return history
