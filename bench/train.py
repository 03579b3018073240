"""Benchmark training gradproof's MLP against scikit-learn, PyTorch and bare matrix products.

What it measures
----------------
Epoch time
    The digits data set (``sklearn.datasets.load_digits``, 1797 x 64, 10 classes), split
    75/25 stratified (``random_state=0``) and standardized with the train split's mean
    and standard deviation. Networks 64-128-10 and 64-256-256-10 with tanh or sigmoid
    hidden layers and a softmax cross-entropy output are trained with plain SGD (batch 32,
    learning rate 0.1, 20 epochs) by

    * gradproof: ``numeric.mlp.MLP(...).fit(..., optimizer="sgd")``;
    * scikit-learn: ``MLPClassifier(solver="sgd", momentum=0, learning_rate="constant",
      alpha=0)``, run for all 20 epochs (float32 rows feed it float32 input);
    * PyTorch on the CPU: ``nn.Sequential`` of ``Linear`` + ``Tanh``/``Sigmoid``,
      ``CrossEntropyLoss``, ``optim.SGD``, batches cut from a seeded permutation;
    * "gemm": the same batches and shapes in NumPy, only the matrix products (forward
      ``a @ W.T`` per layer, backward ``delta.T @ a`` and ``delta @ W``, into arrays made
      once): the time of the matrix products alone;
    * "numpy": a plain hand-written NumPy MLP on the same batches from the same initial
      weights (``numpy.tanh``, buffers made once, in-place updates, no checks): what a
      NumPy training loop alone reaches.

    Each figure is the total training time divided by the number of epochs, the median of
    3 repeats. The runs are interleaved (each repeat runs every configuration, and the
    implementations take turns in a rotating order) so that machine noise hits all alike.
    Targets: gradproof at most 0.5x scikit-learn and 0.5x PyTorch at the same dtype, and at
    most 1.3x the gemm time on 64-256-256-10.
Accuracy
    Test accuracy of each trained network; target: gradproof within one point of
    scikit-learn. Two controls separate the initialisation and batch order from the
    algorithm: gradproof's SGD steps on scikit-learn's exact path (its initial weights,
    then its per-epoch shuffles from the same RandomState), and the largest weight
    difference between the two after one epoch from those weights without shuffling
    (same batches in the same order, so only rounding is left).
Profile
    Where gradproof's epoch time goes on one configuration (64-256-256-10, tanh, float64),
    each part timed on its own over one epoch's batches: the batch steps and, inside them,
    the matrix products and the generated functions (lambdified bodies; the overhead of
    their public wrappers is shown per call), the optimizer, the epoch's loss and
    accuracy (from the logits the batch steps kept), the input validation, and the rest.

How to run
----------
From the project root; the peers are optional (without them their columns read n/a)::

    pip install scikit-learn torch            # peers for the benchmark only
    python bench/train.py                     # full run, about 3 minutes on 2 cores
    python bench/train.py --quick             # CI smoke test: 2 epochs, 64-128-10
    python bench/train.py --repeats 5 --epochs 10

Without scikit-learn the data are random numbers of the digits' shape. No result is
asserted: the script prints tables and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tables import print_table  # bench/tables.py, beside this script

from numeric import functions as F
from numeric.mlp import MLP, backprop_derivative
from numeric.train import Optimizer, accuracy

try:
    import sklearn
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
except ImportError:  # scikit-learn is optional: its columns then read "n/a"
    sklearn = None

try:
    import torch
except ImportError:  # PyTorch is optional: its columns then read "n/a"
    torch = None

TARGETS = {"sklearn": 0.5, "torch": 0.5, "gemm": 1.3}
"""Upper bounds of gradproof time / peer time (gemm: on :data:`GEMM_TARGET_SIZES` only)."""

GEMM_TARGET_SIZES = (64, 256, 256, 10)
"""The architecture the gemm target applies to."""

ACCURACY_TARGET = 1.0
"""Largest allowed |gradproof - scikit-learn| test accuracy, in percentage points."""

PEERS = ("gradproof", "sklearn", "torch", "gemm", "numpy")
"""Implementations, in table order."""


@dataclass(frozen=True)
class Setup:
    """Training hyper-parameters shared by every implementation."""

    epochs: int
    learning_rate: float = 0.1
    batch_size: int = 32
    seed: int = 0


@dataclass(frozen=True)
class Config:
    """One benchmark configuration: architecture, hidden activation and dtype."""

    sizes: tuple[int, ...]
    activation: str
    dtype: type

    @property
    def label(self) -> list[str]:
        """Table cells naming the configuration."""
        return ["-".join(map(str, self.sizes)), self.activation, np.dtype(self.dtype).name]


@dataclass
class Data:
    """Standardized train and test splits (float64) and where they come from."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    name: str

    def subset(self, n: int) -> Data:
        """The first *n* training and test samples (for warm-up runs)."""
        return Data(self.X_train[:n], self.X_test[:n], self.y_train[:n], self.y_test[:n], "")


@dataclass
class Result:
    """One training run: seconds per epoch and test accuracy (None: not measured)."""

    seconds: float
    accuracy: float | None = None


# --- data -------------------------------------------------------------------------------


def _standardize(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale by the train split's mean and std; constant columns keep scale 1."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std


def _stratified_split(y: np.ndarray, test_size: float, seed: int) -> tuple[np.ndarray, ...]:
    """Train and test indices with each class split in proportion (NumPy only)."""
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test.extend(members[: round(test_size * len(members))])
    test_mask = np.zeros(len(y), bool)
    test_mask[test] = True
    return np.flatnonzero(~test_mask), np.flatnonzero(test_mask)


def load_data(seed: int = 0) -> Data:
    """Digits (or, without scikit-learn, random data of the digits' shape), split 75/25."""
    if sklearn is not None:
        X, y = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        name = "digits (load_digits)"
    else:
        rng = np.random.default_rng(seed)
        X, y = rng.integers(0, 17, (1797, 64)).astype(np.float64), rng.integers(0, 10, 1797)
        train, test = _stratified_split(y, 0.25, seed)
        X_train, X_test, y_train, y_test = X[train], X[test], y[train], y[test]
        name = "random, digits' shape (scikit-learn not installed)"
    X_train, X_test = _standardize(X_train, X_test)
    return Data(X_train, X_test, y_train.astype(np.int64), y_test.astype(np.int64), name)


def batches(n: int, setup: Setup) -> list[list[np.ndarray]]:
    """Per epoch, the index arrays of the batches gradproof draws (same seeded shuffle)."""
    rng = np.random.default_rng(setup.seed)
    epochs = []
    for _ in range(setup.epochs):
        order = rng.permutation(n)
        epochs.append([order[i : i + setup.batch_size] for i in range(0, n, setup.batch_size)])
    return epochs


# --- implementations --------------------------------------------------------------------


def _timed(train: Callable[[], object], epochs: int) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    out = train()
    return (time.perf_counter() - start) / epochs, out


def _test_accuracy(predicted, y_test: np.ndarray) -> float:
    return float(np.mean(np.asarray(predicted) == y_test))


def _net_accuracy(net: MLP, config: Config, data: Data) -> float:
    """Test accuracy of a gradproof network, on test input of the configuration's dtype."""
    return _test_accuracy(net.predict(data.X_test.astype(config.dtype)), data.y_test)


def run_gradproof(config: Config, data: Data, setup: Setup) -> Result:
    """Train gradproof's MLP; the timed part is ``fit`` alone."""
    net = MLP(config.sizes, config.activation, "cross_entropy", seed=setup.seed, dtype=config.dtype)
    X = data.X_train.astype(config.dtype)
    seconds, _ = _timed(
        lambda: net.fit(
            X,
            data.y_train,
            epochs=setup.epochs,
            learning_rate=setup.learning_rate,
            batch_size=setup.batch_size,
            optimizer="sgd",
            seed=setup.seed,
            progress=False,
        ),
        setup.epochs,
    )
    return Result(seconds, _net_accuracy(net, config, data))


def sklearn_initial_params(
    config: Config, seed: int | np.random.RandomState
) -> dict[str, np.ndarray]:
    """scikit-learn's initial weights for *config*, in gradproof's ``W1, b1, ...`` layout.

    As ``MLPClassifier._init_coef`` draws them: per layer, from ``RandomState(seed)`` (or
    from *seed* itself, a RandomState that then goes on to draw the shuffles), the
    weights (fan_in, fan_out) then the biases, uniform in +-sqrt(f / (fan_in + fan_out))
    with f = 2 for logistic and 6 otherwise (gradproof: Glorot, f = 6, biases zero).
    """
    rng = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
    factor = 2.0 if config.activation == "sigmoid" else 6.0
    params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(config.sizes), 1):
        bound = np.sqrt(factor / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-bound, bound, (n_in, n_out)).T
        params[f"b{layer}"] = rng.uniform(-bound, bound, n_out)
    return params


def sklearn_path(config: Config, data: Data, setup: Setup, shuffle: bool = True) -> MLP:
    """gradproof's SGD steps on scikit-learn's exact path; return the trained network.

    ``MLPClassifier.fit`` draws its initial weights and then, each epoch (with
    *shuffle*), a shuffle of the sample order from one ``RandomState(random_state)``;
    here gradproof's ``MLP.gradients`` and ``Optimizer.update`` take the same weights
    and the same batches in the same order, so only rounding separates the two.
    """
    from sklearn.utils import shuffle as shuffled

    rng = np.random.RandomState(setup.seed)
    params = sklearn_initial_params(config, rng)
    net = MLP.from_params(params, config.activation, "cross_entropy", dtype=config.dtype)
    X = data.X_train.astype(config.dtype)
    T, optimizer = net.targets(data.y_train, len(X)), Optimizer("sgd", setup.learning_rate)
    order = np.arange(len(X))
    for _ in range(setup.epochs):
        if shuffle:
            order = shuffled(order, random_state=rng)
        for first in range(0, len(X), setup.batch_size):
            index = order[first : first + setup.batch_size]
            optimizer.update(net.params, net.gradients(X[index], T[index]))
    return net


def run_gradproof_sklearn_path(config: Config, data: Data, setup: Setup) -> Result | None:
    """Test accuracy after :func:`sklearn_path` (None without scikit-learn)."""
    if sklearn is None:
        return None
    return Result(0.0, _net_accuracy(sklearn_path(config, data, setup), config, data))


def same_path_difference(config: Config, data: Data, setup: Setup) -> float | None:
    """Max |weight difference| after one unshuffled epoch from scikit-learn's initial weights.

    Both take the same batches in the same order, so what is left is rounding: a check that
    gradproof's SGD step computes what scikit-learn's does. None without scikit-learn.
    """
    if sklearn is None:
        return None
    one = Setup(1, setup.learning_rate, setup.batch_size, setup.seed)
    model = sklearn_model(config, one).set_params(shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(data.X_train.astype(config.dtype), data.y_train)
    net = sklearn_path(config, data, one, shuffle=False)
    theirs = [*(c.T for c in model.coefs_), *model.intercepts_]
    return max(float(np.abs(a - b).max()) for a, b in zip(net.W + net.b, theirs, strict=True))


def sklearn_model(config: Config, setup: Setup):
    """scikit-learn's MLPClassifier set up as plain SGD that runs every epoch."""
    return MLPClassifier(
        hidden_layer_sizes=config.sizes[1:-1],
        activation="logistic" if config.activation == "sigmoid" else config.activation,
        solver="sgd",
        alpha=0.0,
        batch_size=setup.batch_size,
        learning_rate="constant",
        learning_rate_init=setup.learning_rate,
        momentum=0.0,
        nesterovs_momentum=False,
        max_iter=setup.epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=setup.epochs + 1,
        random_state=setup.seed,
    )


def run_sklearn(config: Config, data: Data, setup: Setup) -> Result | None:
    """Train scikit-learn's MLPClassifier on input of the configuration's dtype."""
    if sklearn is None:
        return None
    model = sklearn_model(config, setup)
    X = data.X_train.astype(config.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached, on purpose
        seconds, _ = _timed(lambda: model.fit(X, data.y_train), setup.epochs)
    predicted = model.predict(data.X_test.astype(config.dtype))
    return Result(seconds, _test_accuracy(predicted, data.y_test))


def sklearn_dtype(config: Config, data: Data) -> str:
    """The dtype scikit-learn's weights have after training on the config's input dtype."""
    small = data.subset(64)
    model = sklearn_model(config, Setup(epochs=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(small.X_train.astype(config.dtype), small.y_train)
    return model.coefs_[0].dtype.name


def torch_model(config: Config, seed: int):
    """``nn.Sequential`` of Linear + Tanh/Sigmoid, Linear logits (PyTorch's default init)."""
    torch.manual_seed(seed)
    activation = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[config.activation]
    layers = []
    for n_in, n_out in itertools.pairwise(config.sizes):
        layers += [torch.nn.Linear(n_in, n_out), activation()]
    dtype = torch.float64 if np.dtype(config.dtype) == np.float64 else torch.float32
    return torch.nn.Sequential(*layers[:-1]).to(dtype), dtype


def _torch_epochs(model, optimizer, X, y, setup: Setup) -> float:
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(setup.seed)
    total = 0.0
    for _ in range(setup.epochs):
        total = 0.0
        order = torch.randperm(len(X), generator=generator)
        for first in range(0, len(X), setup.batch_size):
            index = order[first : first + setup.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[index]), y[index])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
    return total / len(X)


def run_torch(config: Config, data: Data, setup: Setup) -> Result | None:
    """Train the PyTorch network on the CPU (default thread count)."""
    if torch is None:
        return None
    model, dtype = torch_model(config, setup.seed)
    # built outside the timing: the first SGD in a process imports torch._dynamo (~2 s)
    optimizer = torch.optim.SGD(model.parameters(), lr=setup.learning_rate)
    X = torch.from_numpy(data.X_train).to(dtype)
    y = torch.from_numpy(data.y_train)
    seconds, _ = _timed(lambda: _torch_epochs(model, optimizer, X, y, setup), setup.epochs)
    with torch.no_grad():
        logits = model(torch.from_numpy(data.X_test).to(dtype))
    return Result(seconds, _test_accuracy(logits.argmax(dim=1).numpy(), data.y_test))


def gemm_weights(config: Config, seed: int) -> list[np.ndarray]:
    """Weights of gradproof's shapes (n_out, n_in), Glorot-uniform like gradproof's."""
    return MLP(config.sizes, config.activation, "cross_entropy", seed=seed, dtype=config.dtype).W


class GemmBuffers:
    """Preallocated outputs of every matrix product of a batch step, per layer: z,
    dL/dW and dL/da (used by :func:`gemm_epoch` and :func:`numpy_epochs`)."""

    def __init__(self, W: list[np.ndarray], batch_size: int):
        self.z = [np.empty((batch_size, w.shape[0]), w.dtype) for w in W]
        self.grad = [np.empty_like(w) for w in W]
        self.delta = [np.empty((batch_size, w.shape[1]), w.dtype) for w in W]


def gemm_epoch(W: list[np.ndarray], epoch: list[np.ndarray], out: GemmBuffers) -> None:
    """One epoch of the training matrix products alone: no bias, nonlinearity or update.

    *epoch* holds the input batches. The products write into preallocated arrays, as
    gradproof's do (a fresh 256 x 256 output costs about half as much again as the
    product). The output z stands in for dL/dz.
    """
    for a in epoch:
        n, inputs = len(a), []
        for layer, w in enumerate(W):  # forward: z = a @ W.T; z stands in for the activation
            inputs.append(a)
            a = np.matmul(a, w.T, out=out.z[layer][:n])
        delta = a
        for layer in range(len(W) - 1, -1, -1):
            np.matmul(delta.T, inputs[layer], out=out.grad[layer])  # dL/dW
            if layer > 0:  # dL/da of the previous layer
                delta = np.matmul(delta, W[layer], out=out.delta[layer][:n])


def run_gemm(config: Config, data: Data, setup: Setup) -> Result:
    """Time the forward and backward matrix products of gradproof's batches."""
    W = gemm_weights(config, setup.seed)
    X = data.X_train.astype(config.dtype)
    epochs = [[X[index] for index in epoch] for epoch in batches(len(X), setup)]
    out = GemmBuffers(W, setup.batch_size)

    def train() -> None:
        for epoch in epochs:
            gemm_epoch(W, epoch, out)

    return Result(_timed(train, setup.epochs)[0])


def numpy_epochs(W, b, X, T, epochs: list[list[np.ndarray]], eta: float, activation: str):
    """A plain hand-written NumPy MLP: what a NumPy training loop alone reaches.

    The same network, batches and SGD as gradproof's, with nothing but the work itself:
    preallocated buffers, in-place updates, ``numpy.tanh`` (sigmoid as its usual fast
    form ``(1 + tanh(z/2)) / 2``, which is not accurate for very negative z), the fused
    softmax cross-entropy delta and no checks or history.
    """
    out = GemmBuffers(W, max(len(index) for epoch in epochs for index in epoch))
    for epoch in epochs:
        order = np.concatenate(epoch)
        X_epoch, T_epoch, first = X[order], T[order], 0
        for index in epoch:
            n = len(index)
            a, t, inputs = X_epoch[first : first + n], T_epoch[first : first + n], []
            first += n
            for layer, (w, bias) in enumerate(zip(W, b, strict=True)):
                inputs.append(a)
                a = np.matmul(a, w.T, out=out.z[layer][:n])
                a += bias
                if layer < len(W) - 1:
                    if activation == "tanh":
                        np.tanh(a, out=a)
                    else:
                        a *= 0.5
                        np.tanh(a, out=a)
                        a += 1
                        a *= 0.5
            a -= a.max(axis=1, keepdims=True)  # softmax, then dL/dz = (y - t) eta / n
            np.exp(a, out=a)
            a /= a.sum(axis=1, keepdims=True)
            a -= t
            a *= eta / n
            delta = a
            for layer in range(len(W) - 1, -1, -1):
                np.matmul(delta.T, inputs[layer], out=out.grad[layer])
                b[layer] -= delta.sum(axis=0)
                if layer > 0:
                    h, delta = inputs[layer], np.matmul(delta, W[layer], out=out.delta[layer][:n])
                    delta *= 1 - h * h if activation == "tanh" else h * (1 - h)
                W[layer] -= out.grad[layer]


def run_numpy(config: Config, data: Data, setup: Setup) -> Result:
    """Train the plain NumPy MLP from gradproof's initial weights, on the same batches."""
    net = MLP(config.sizes, config.activation, "cross_entropy", seed=setup.seed, dtype=config.dtype)
    X = data.X_train.astype(config.dtype)
    T = net.targets(data.y_train, len(X))
    epochs = batches(len(X), setup)
    seconds, _ = _timed(
        lambda: numpy_epochs(net.W, net.b, X, T, epochs, setup.learning_rate, config.activation),
        setup.epochs,
    )
    return Result(seconds, _net_accuracy(net, config, data))


RUNNERS: dict[str, Callable[[Config, Data, Setup], Result | None]] = {
    "gradproof": run_gradproof,
    "sklearn": run_sklearn,
    "torch": run_torch,
    "gemm": run_gemm,
    "numpy": run_numpy,
}
"""How each implementation trains one configuration (None: the peer is not installed)."""


# --- the interleaved runs ---------------------------------------------------------------


def warm_up(configs: list[Config], data: Data) -> float:
    """One tiny run of everything (lambdify, first-call costs); return the seconds taken."""
    start = time.perf_counter()
    small, setup = data.subset(96), Setup(epochs=1)
    for config in configs:
        for runner in RUNNERS.values():
            runner(config, small, setup)
    return time.perf_counter() - start


def run_all(
    configs: list[Config], data: Data, setup: Setup, repeats: int
) -> dict[tuple[Config, str], list[Result]]:
    """Every configuration with every implementation, *repeats* times, interleaved."""
    results: dict[tuple[Config, str], list[Result]] = {}
    for r in range(repeats):
        for config in configs:
            k = r % len(PEERS)
            for peer in PEERS[k:] + PEERS[:k]:
                result = RUNNERS[peer](config, data, setup)
                if result is not None:
                    results.setdefault((config, peer), []).append(result)
    return results


def median_result(results: list[Result] | None) -> Result | None:
    """The median epoch time and median accuracy of the repeats (None if never run)."""
    if not results:
        return None
    accuracies = [r.accuracy for r in results if r.accuracy is not None]
    acc = statistics.median(accuracies) if accuracies else None
    return Result(statistics.median(r.seconds for r in results), acc)


# --- tables -----------------------------------------------------------------------------


def _ms(result: Result | None) -> str:
    return "n/a" if result is None else f"{result.seconds * 1e3:.1f}"


def _ratio(gp: Result, peer: Result | None, target: float | None) -> str:
    if peer is None:
        return "n/a"
    ratio = gp.seconds / peer.seconds
    flag = " *" if target is not None and ratio > target else "  "
    return f"{ratio:.2f}{flag}"


def time_row(config: Config, medians: dict[str, Result | None]) -> list[str]:
    """Cells: configuration, ms per epoch of each implementation, gradproof ratios."""
    gp = medians["gradproof"]
    gemm_target = TARGETS["gemm"] if config.sizes == GEMM_TARGET_SIZES else None
    return [
        *config.label,
        *(_ms(medians[peer]) for peer in PEERS),
        _ratio(gp, medians["sklearn"], TARGETS["sklearn"]),
        _ratio(gp, medians["torch"], TARGETS["torch"]),
        _ratio(gp, medians["gemm"], gemm_target),
        _ratio(gp, medians["numpy"], None),
    ]


TIME_HEADER = [
    "network",
    "hidden",
    "dtype",
    *PEERS,
    *("gp/sklearn", "gp/torch", "gp/gemm", "gp/numpy"),
]


def _percent(result: Result | None) -> str:
    return "n/a" if result is None or result.accuracy is None else f"{100 * result.accuracy:.2f}"


def _points(a: Result | None, b: Result | None) -> str:
    if a is None or b is None:
        return "n/a"
    points = 100 * (a.accuracy - b.accuracy)
    return f"{points:+.2f}" + (" *" if abs(points) > ACCURACY_TARGET else "  ")


def accuracy_row(
    config: Config, medians: dict[str, Result | None], same_path: float | None
) -> list[str]:
    """Cells: configuration, test accuracies (%), differences to sklearn, same-path check."""
    gp, sk, gp_sk_path = medians["gradproof"], medians["sklearn"], medians["gp-sk-path"]
    return [
        *config.label,
        _percent(gp),
        _percent(sk),
        _points(gp, sk),
        _percent(gp_sk_path),
        _points(gp_sk_path, sk),
        _percent(medians["torch"]),
        "n/a" if same_path is None else f"{same_path:.1e}",
    ]


ACCURACY_HEADER = [
    "network",
    "hidden",
    "dtype",
    "gradproof",
    "sklearn",
    "gp-sk",
    "gp(sk path)",
    "gp(sk path)-sk",
    "torch",
    "same-path |dW|",
]


def _version(module, name: str) -> str:
    return f"{name} {module.__version__}" if module is not None else f"{name} n/a (not installed)"


def print_header(opts: argparse.Namespace, data: Data, warm_seconds: float) -> None:
    """Versions, data, setup and how to read the figures."""
    mode = "--quick smoke test, too short to judge speed" if opts.quick else "full run"
    peers = f"{_version(sklearn, 'scikit-learn')}, {_version(torch, 'PyTorch')}"
    if torch is not None:
        peers += f" (CPU, {torch.get_num_threads()} threads)"
    print(
        f"gradproof training benchmark ({mode}): NumPy {np.__version__}, {peers}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"Figures come from one run on a noisy {os.cpu_count()}-core machine: compare the "
        "ratios, not the absolute times."
    )
    print(
        f"Data: {data.name}, {len(data.X_train)} train / {len(data.X_test)} test samples, "
        "standardized with the train split's mean and std."
    )
    print(
        f"Training: softmax cross-entropy, plain SGD, learning rate {opts.learning_rate:g}, "
        f"batch {opts.batch_size}, {opts.epochs} epochs, seed {opts.seed}; each time is "
        f"total training time / epochs, median of {opts.repeats} interleaved repeat(s)."
    )
    print(f"Warm-up of every implementation (lambdify, first calls): {warm_seconds:.1f} s.")


def print_legend(configs: list[Config], data: Data) -> None:
    """What each column is, and which dtype scikit-learn trains in."""
    dtypes = sorted({np.dtype(c.dtype).name for c in configs})
    trained = "n/a"
    if sklearn is not None:
        trained = ", ".join(
            f"{d} input -> {sklearn_dtype(Config((64, 8, 10), 'tanh', d), data)}" for d in dtypes
        )
    print(
        "\ngradproof: MLP.fit (includes its epoch loss and accuracy, running averages over the "
        "batches); sklearn: MLPClassifier.fit;\n"
        "torch: Sequential + CrossEntropyLoss + SGD loop; gemm: the forward and backward "
        "matrix products alone (into preallocated outputs);\n"
        "numpy: a plain hand-written NumPy MLP (same batches; numpy.tanh, in-place, no "
        "checks): what a NumPy training loop alone reaches.\n"
        f"scikit-learn weights: {trained}.\n"
        f"Targets: gp/sklearn <= {TARGETS['sklearn']}, gp/torch <= {TARGETS['torch']}, gp/gemm "
        f"<= {TARGETS['gemm']} (on {'-'.join(map(str, GEMM_TARGET_SIZES))} only), "
        f"|gp-sk| <= {ACCURACY_TARGET:g} point; * = target missed."
    )


# --- profile ----------------------------------------------------------------------------


def _median_seconds(body: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _run_calls(calls: list[tuple[Callable, tuple]]) -> None:
    """Call each function on its arguments, keeping no result (as a training loop frees them)."""
    for function, args in calls:
        function(*args)


def _calls_seconds(calls: list[tuple[Callable, tuple]], repeats: int) -> float:
    return _median_seconds(lambda: _run_calls(calls), repeats)


def generated_calls(
    net: MLP, zs: list[np.ndarray], activations: list[np.ndarray], T: np.ndarray
) -> list[tuple[str, tuple]]:
    """The generated functions one training step (``MLP._backprop``) makes, with arguments.

    For the benchmark's fused softmax + cross-entropy output. Forward: each hidden layer's
    activation of its z (the step stops at the output's logits); backward: the fused
    output delta, then each hidden layer's derivative, of its activation a
    (``NAME_grad_output``) or of its z (``NAME_grad``), as the step takes it.
    """
    hidden = net.activations[:-1]
    calls = [(name, (z,)) for name, z in zip(hidden, zs, strict=False)]
    calls.append((f"{net.loss_name}_grad", (zs[-1], T)))
    for layer, name in enumerate(hidden):
        grad, of_output = backprop_derivative(name)
        calls.append((grad, (activations[layer + 1] if of_output else zs[layer],)))
    return calls


@dataclass
class ProfileInputs:
    """A freshly initialised network and one epoch of its batches, ready to time.

    ``seen`` holds the batches' loss inputs (the logits) in batch order, as ``fit`` keeps
    them for the epoch's loss and accuracy, and ``T_seen`` the targets in that order.
    """

    net: MLP
    X: np.ndarray
    y: np.ndarray
    T: np.ndarray
    batches: list[tuple[np.ndarray, np.ndarray]]
    calls: list[list[tuple[str, tuple]]]
    seen: np.ndarray
    T_seen: np.ndarray


def profile_inputs(config: Config, data: Data, setup: Setup) -> ProfileInputs:
    """The network, one-hot targets, the first epoch's batches and their generated calls."""
    net = MLP(config.sizes, config.activation, "cross_entropy", seed=setup.seed, dtype=config.dtype)
    X = data.X_train.astype(config.dtype)
    T = net.targets(data.y_train, len(X))
    epoch = batches(len(X), setup)[0]
    pairs = [(X[index], T[index]) for index in epoch]
    calls, seen = [], []
    for Xb, Tb in pairs:
        zs, activations = net._forward(Xb, output=not net.fused)
        calls.append(generated_calls(net, zs, activations, Tb))
        seen.append(net._loss_input(zs, activations))
    T_seen = T[np.concatenate(epoch)]
    return ProfileInputs(net, X, data.y_train, T, pairs, calls, np.concatenate(seen), T_seen)


def _component_parts(p: ProfileInputs, setup: Setup) -> dict[str, Callable[[], object]]:
    """Each part of gradproof's training, as a callable doing one epoch's worth of it."""
    net, pairs = p.net, p.batches
    buffers, eta = net._buffers(setup.batch_size), setup.learning_rate
    gemm_out = GemmBuffers(net.W, setup.batch_size)
    grads = []
    for Xb, Tb in pairs:  # the step writes into buffers: keep a copy of each batch's eta g
        net._backprop(Xb, Tb, buffers, eta)
        grads.append({name: g.copy() for name, g in buffers.grads.items()})
    params = {name: value.copy() for name, value in net.params.items()}
    optimizer = Optimizer("sgd", eta)
    bodies = [(getattr(F, n).__wrapped__, a) for calls in p.calls for n, a in calls]

    def evaluation() -> tuple[float, float]:
        loss = float(np.mean(net._per_sample_loss(p.seen, p.T_seen)))
        return loss, accuracy(net, None, p.T_seen, net._outputs(p.seen))

    return {
        "steps": lambda: _run_calls([(net._backprop, (*pair, buffers, eta)) for pair in pairs]),
        "gemm": lambda: gemm_epoch(net.W, [b[0] for b in pairs], gemm_out),
        "bodies": lambda: _run_calls(bodies),
        "update": lambda: _run_calls([(optimizer._apply, (params, g)) for g in grads]),
        "evaluation": evaluation,
        "validation": lambda: net.targets(p.y, len(net._inputs(p.X))),
    }


def component_times(
    p: ProfileInputs, config: Config, data: Data, setup: Setup, rounds: int
) -> dict[str, float]:
    """Median seconds per epoch of ``fit`` and of each part, measured in interleaved rounds."""
    parts = _component_parts(p, setup)
    samples: dict[str, list[float]] = {"epoch": [], **{name: [] for name in parts}}
    for _ in range(rounds):
        samples["epoch"].append(run_gradproof(config, data, setup).seconds)
        for name, part in parts.items():
            samples[name].append(_median_seconds(part, 1))
    times = {name: statistics.median(values) for name, values in samples.items()}
    times["validation"] /= setup.epochs  # once per fit
    return times


def _per_function_rows(p: ProfileInputs, repeats: int, epoch: float) -> list[list[str]]:
    """Per generated function: calls per epoch, ms per epoch of the body and with wrapper."""
    rows = []
    for name in dict.fromkeys(n for n, _ in p.calls[0]):
        args = [a for calls in p.calls for n, a in calls if n == name]
        body = _calls_seconds([(getattr(F, name).__wrapped__, a) for a in args], repeats)
        wrapped = _calls_seconds([(getattr(F, name), a) for a in args], repeats)
        rows.append(
            [
                name,
                str(len(args)),
                f"{body * 1e3:.2f}",
                f"{100 * body / epoch:.1f}%",
                f"{wrapped * 1e3:.2f}",
                f"{1e6 * (wrapped - body) / len(args):.1f}",
            ]
        )
    return rows


FUNCTION_HEADER = ["function", "calls/epoch", "body ms", "share", "wrapped ms", "µs/call"]


def profile_rows(config: Config, data: Data, setup: Setup, repeats: int) -> tuple[list, list]:
    """Rows of the breakdown table and of the per-function table for *config*."""
    p = profile_inputs(config, data, setup)
    t = component_times(p, config, data, setup, max(repeats, 5))
    epoch = t["epoch"]
    n_batches, n_layers = len(p.batches), len(p.net.W)

    def row(name: str, calls: str, seconds: float) -> list[str]:
        return [name, calls, f"{seconds * 1e3:.2f}", f"{100 * seconds / epoch:.1f}%"]

    inner = t["steps"] - t["gemm"] - t["bodies"]
    outer = epoch - t["steps"] - t["update"] - t["evaluation"] - t["validation"]
    breakdown = [
        row("epoch: MLP.fit time / epochs", "1", epoch),
        row("  batch steps: MLP._backprop", str(n_batches), t["steps"]),
        row(
            "    matrix products (forward + backward)",
            str(n_batches * (3 * n_layers - 1)),
            t["gemm"],
        ),
        row(
            "    generated functions (lambdified bodies)",
            str(n_batches * len(p.calls[0])),
            t["bodies"],
        ),
        row("    rest: bias adds, sums, delta * f', / n, lookups, Python", "-", inner),
        row("  Optimizer._apply (sgd: theta -= eta g, in place)", str(n_batches), t["update"]),
        row("  epoch loss + accuracy from the batches' logits", "1", t["evaluation"]),
        row("  input validation (MLP._inputs + MLP.targets)", f"1/{setup.epochs}", t["validation"]),
        row("  rest of fit: shuffle, X[batch], logit copies, checks, Python", "-", outer),
    ]
    return breakdown, _per_function_rows(p, max(repeats, 5), epoch)


def print_profile(config: Config, data: Data, setup: Setup, repeats: int) -> None:
    """Where gradproof's epoch time goes on *config* (each part timed on its own)."""
    breakdown, functions = profile_rows(config, data, setup, repeats)
    title = f"Where gradproof's epoch time goes: {', '.join(config.label)}"
    print_table(title, ["part", "calls/epoch", "ms/epoch", "share"], breakdown, left=1)
    print(
        "Each part is timed on its own over the first epoch's batches, alternating with whole "
        "fits (median of\n>= 5 rounds); the rest rows are differences, so they also absorb "
        "cache effects and noise."
    )
    print_table(
        "Generated functions in one epoch of batch steps (body = lambdified code; wrapped = "
        "numeric.functions.NAME,\nwith as_float + finish; µs/call = wrapper overhead per call)",
        FUNCTION_HEADER,
        functions,
        left=1,
    )


# --- main -------------------------------------------------------------------------------

FULL = dict(
    epochs=20, repeats=3, sizes=((64, 128, 10), (64, 256, 256, 10)), profile=(64, 256, 256, 10)
)
"""The full run: 20 epochs, 3 interleaved repeats, both architectures."""

QUICK = dict(epochs=2, repeats=1, sizes=((64, 128, 10),), profile=(64, 128, 10))
"""``--quick``, the CI smoke test: 2 epochs, 1 repeat, the small network."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``--quick`` is a smoke test for CI."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 epochs, 64-128-10, 1 repeat")
    parser.add_argument("--epochs", type=int, help="epochs per run (default 20, quick 2)")
    parser.add_argument("--repeats", type=int, help="interleaved repeats (default 3, quick 1)")
    parser.add_argument("--learning-rate", type=float, default=0.1, help="default 0.1")
    parser.add_argument("--batch-size", type=int, default=32, help="default 32")
    parser.add_argument("--seed", type=int, default=0, help="split, init, shuffle (default 0)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile tables")
    opts = parser.parse_args(argv)
    for key, value in (QUICK if opts.quick else FULL).items():
        if getattr(opts, key, None) is None:
            setattr(opts, key, value)
    return opts


def configs_for(opts: argparse.Namespace) -> list[Config]:
    """Every architecture x hidden activation x dtype of the run."""
    return [
        Config(sizes, activation, dtype)
        for sizes in opts.sizes
        for activation in ("tanh", "sigmoid")
        for dtype in (np.float64, np.float32)
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return the exit status (always 0)."""
    opts = parse_args(argv)
    setup = Setup(opts.epochs, opts.learning_rate, opts.batch_size, opts.seed)
    data, configs = load_data(opts.seed), configs_for(opts)
    print_header(opts, data, warm_up(configs, data))
    print_legend(configs, data)
    results = run_all(configs, data, setup, opts.repeats)
    medians = {
        config: {peer: median_result(results.get((config, peer))) for peer in PEERS}
        for config in configs
    }
    rows = [time_row(config, medians[config]) for config in configs]
    print_table("Epoch time (ms per epoch)", TIME_HEADER, rows, left=3)
    for config in configs:  # deterministic, so one untimed run each
        medians[config]["gp-sk-path"] = run_gradproof_sklearn_path(config, data, setup)
    rows = [
        accuracy_row(config, medians[config], same_path_difference(config, data, setup))
        for config in configs
    ]
    print_table(
        "Test accuracy (%; differences in percentage points)", ACCURACY_HEADER, rows, left=3
    )
    print(
        "gp(sk path): gradproof's SGD steps from scikit-learn's initial weights on its batches, "
        "in its order\n(its init differs from gradproof's: random biases, and a bound of "
        "sqrt(2 / (fan_in + fan_out)) for logistic).\nsame-path |dW|: max |weight difference| "
        "after one epoch without shuffling from those weights (rounding only)."
    )
    if not opts.no_profile:
        print_profile(Config(opts.profile, "tanh", np.float64), data, setup, opts.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
