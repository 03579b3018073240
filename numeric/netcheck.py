r"""Gradient-check an MLP: its batch loss as a function of the parameters, evaluated in bulk.

Moving one entry of layer l changes only one column of that layer's pre-activations,
:math:`z^{(l)}_{:,i} \mathrel{+}= s\,a^{(l-1)}_{:,j}` for :math:`W^{(l)}_{ij}` (or
:math:`+= s` for :math:`b^{(l)}_i`), so the layers below are shared by every perturbation,
the next layer changes by a rank-one term
:math:`(f(z^{(l)}_{:,i} + \dots) - a^{(l)}_{:,i})\, W^{(l+1)}_{:,i}{}^T`, and the layers
above run once for a whole block of perturbations as one batched pass. A full check of
P parameters therefore costs a few vectorised passes, not 2P Python-level forward passes.
The loss is computed in float64 (complex128 for the complex step) whatever the network's
dtype, from the same generated functions the network uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from numeric.gradcheck import Evaluator, Options, Report, run
from numeric.mlp import MLP, _fn

BLOCK_ELEMENTS = 1 << 17
"""Perturbations are evaluated in blocks of at most this many array elements (1 MiB in
float64, so that a block's temporaries stay in cache)."""
THREADS = min(4, os.cpu_count() or 1)
"""Threads that evaluate blocks side by side (1.5x faster on 2 cores, measured)."""


class NetworkLoss(Evaluator):
    """The mean batch loss of *net* on (X, T) as a function of its named parameters."""

    def __init__(self, net: MLP, X: np.ndarray, T: np.ndarray):
        self.net = net
        self.params = {k: np.array(v, np.float64) for k, v in net.params.items()}
        self.X, self.T = np.asarray(X, np.float64), np.asarray(T, np.float64)
        self.W = [self.params[f"W{k}"] for k in range(1, len(net.W) + 1)]
        self.b = [self.params[f"b{k}"] for k in range(1, len(net.b) + 1)]
        self.activations = net._activation_functions()
        self.z, self.a = self._forward(self.W, self.b)
        # unit-major copies: the rows a block of perturbations gathers are contiguous
        self.z_units = [np.ascontiguousarray(z.T) for z in self.z]
        self.a_units = [np.ascontiguousarray(a.T) for a in self.a]
        self.W_units = [np.ascontiguousarray(w.T) for w in self.W]

    def _forward(self, W: list, b: list) -> tuple[list, list]:
        z, a = [], [self.X]
        for k, (w, bias, f) in enumerate(zip(W, b, self.activations, strict=True)):
            z.append(a[-1] @ w.T + bias)
            if k < len(W) - 1:
                a.append(f(z[-1]))
        return z, a

    def _loss(self, logits: np.ndarray) -> np.ndarray:
        """The mean loss over samples for logits of shape (..., n_samples, n_outputs)."""
        outputs = logits if self.net.fused else self.activations[-1](logits)
        return _fn(self.net.loss_name)(outputs, self.T)[..., 0].mean(axis=-1)

    def __call__(self, params: dict[str, np.ndarray]) -> float | complex:
        layers = range(1, len(self.W) + 1)
        z, _ = self._forward([params[f"W{k}"] for k in layers], [params[f"b{k}"] for k in layers])
        return self._loss(z[-1]).item()

    def value(self) -> float:
        """The loss at the network's parameters."""
        return self._loss(self.z[-1]).item()

    def values(self, name: str, index: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """The loss with entry ``index[k]`` of parameter *name* moved by ``steps[k]``."""
        layer = int(name[1:]) - 1
        out = np.empty(len(index), np.result_type(steps, np.float64))
        width = max(w.shape[0] for w in self.W[layer + 1 :] + self.W[-1:])  # per perturbation
        block = max(1, BLOCK_ELEMENTS // (len(self.X) * width))
        parts = [slice(first, first + block) for first in range(0, len(index), block)]

        def run(part: slice) -> None:
            out[part] = self._block(name[0], layer, np.asarray(index[part]), steps[part])

        if THREADS > 1 and len(parts) > 1:  # NumPy releases the GIL in its array loops
            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(run, parts))
        else:
            for part in parts:
                run(part)
        return out

    def _block(self, kind: str, layer: int, index: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Losses for one block: index and steps are 1-D; arrays are (block, n_samples, ...)."""
        if kind == "W":
            rows, columns = np.unravel_index(index, self.W[layer].shape)
            moved = self.z_units[layer][rows] + steps[:, None] * self.a_units[layer][columns]
        else:
            rows = index
            moved = self.z_units[layer][rows] + steps[:, None]
        if layer == len(self.W) - 1:  # an output unit: replace its column of logits
            logits = np.repeat(self.z[-1][None], len(index), axis=0).astype(moved.dtype)
            logits[np.arange(len(index)), :, rows] = moved
            return self._loss(logits)
        change = self.activations[layer](moved) - self.a_units[layer + 1][rows]
        # unit-major (units, block, samples): reductions over units run along long rows
        z = self.W[layer + 1][:, rows, None] * change
        z += self.z_units[layer + 1][:, None, :]
        z = z.transpose(1, 2, 0)  # (block, samples, units), as the generated functions expect
        for k in range(layer + 2, len(self.W)):
            z = self.activations[k - 1](z) @ self.W[k].T + self.b[k]
        return self._loss(z)


def check_network(
    net: MLP,
    X,
    T,
    *,
    method: str = "richardson",
    mode: str = "full",
    samples: int = 10,
    probes: int = 3,
    seed: int | None = 0,
    step: float | None = None,
    gradients: Callable[[MLP, np.ndarray, np.ndarray], Mapping] | None = None,
    verbose: bool = False,
) -> Report:
    r"""Check the backpropagated gradients of *net*'s mean batch loss on (X, T).

    Parameters
    ----------
    net : MLP
        The network; float32 networks are checked against float64 references.
    X, T : array_like
        Inputs (n_samples, n_inputs) and targets (class indices or rows).
    method, mode, samples, probes, seed, step, verbose
        As in :func:`numeric.gradcheck.gradcheck`.
    gradients : callable, optional
        ``gradients(net, X, T) -> {"W1": ..., "b1": ...}``, the claimed gradient
        (default: ``MLP.gradients``, the network's own backpropagation).

    Returns
    -------
    Report
        One line per parameter, the worst entry named (e.g. ``W1[1,0]``).

    Examples
    --------
    >>> net = MLP([2, 3, 1], "tanh", "bce", seed=0)
    >>> check_network(net, [[0.0, 1.0], [1.0, 0.5]], [[1.0], [0.0]]).ok
    True
    """
    X = net._inputs(X)
    T = net.targets(T, len(X))
    claimed = MLP.gradients if gradients is None else gradients
    evaluator = NetworkLoss(net, X, T)

    def analytic() -> dict[str, np.ndarray]:
        return dict(claimed(net, X, T))

    options = Options(method, mode, samples, probes, seed, step, verbose)
    return run(evaluator, analytic, net.dtype, options)
