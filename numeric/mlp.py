"""A NumPy multilayer perceptron whose backward pass runs on the SymPy-derived functions.

Notation follows the seed: layer l computes ``z^(l) = W^(l) a^(l-1) + b^(l)`` with
``W^(l)`` of shape (n_out, n_in), and ``a^(l) = f(z^(l))``; arrays are batch-first, so
in code ``z = a @ W.T + b``. The activation derivatives and the loss gradients come from
:mod:`numeric.functions` (generated from :mod:`symbolic`): ``NAME_grad_output(a)`` of the
stored activation where SymPy derived one (sigmoid, tanh, relu, identity), else
``NAME_grad(z)``. No derivative formula is written here.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Sequence

import numpy as np

from numeric import functions as F
from numeric import train
from symbolic import ACTIVATIONS, ELEMENTWISE, LOSSES, RESULTS


def _fn(name: str):
    """The lambdified body of the generated function *name*.

    The MLP validates its inputs once, at its public methods; inside, it calls the bodies
    directly, without the wrappers' per-call conversions (row reductions keep their axis).
    """
    return F.generated(name).__wrapped__


@functools.cache
def backprop_derivative(name: str, from_output: bool = True) -> tuple[str, bool]:
    """Return the generated derivative of activation *name* and whether it takes a (else z).

    With *from_output*, ``NAME_grad_output(a)``: one cheap pass over the stored activation
    (``a (1 - a)``, ``1 - a^2``), where SymPy derived it. Otherwise, and for activations
    without that form (softplus), the stable z-form ``NAME_grad(z)`` (several passes).
    """
    if from_output and f"{name}_grad_output" in RESULTS:
        return f"{name}_grad_output", True
    return f"{name}_grad", False


class _Buffers:
    """The arrays and functions of training steps on batches of up to *n_samples* rows.

    Made once per ``fit`` (and per ``gradients`` call): the step's matrix products, bias
    adds and gradients go into these arrays (``out=``, ``+=``), so the hot loop allocates
    only what the generated functions return. ``grads`` maps ``W1, b1, ...`` to the
    gradient arrays the step fills. ``activation`` holds each layer's generated function
    and ``derivative`` each hidden layer's ``(NAME_grad or NAME_grad_output, takes_a)``
    (see :func:`backprop_derivative`), looked up once rather than per batch.
    """

    def __init__(self, net: MLP, n_samples: int, from_output: bool = True):
        self.z = [np.empty((n_samples, len(b)), net.dtype) for b in net.b]
        self.dl_da = [np.empty((n_samples, W.shape[1]), net.dtype) for W in net.W[1:]]
        self.grads = {name: np.empty_like(p) for name, p in net.params.items()}
        self.grad_W = [self.grads[f"W{layer}"] for layer in range(1, len(net.W) + 1)]
        self.grad_b = [self.grads[f"b{layer}"] for layer in range(1, len(net.b) + 1)]
        self.activation = net._activation_functions()
        self.derivative = []
        for name in net.activations[:-1]:
            derivative, takes_a = backprop_derivative(name, from_output)
            self.derivative.append((_fn(derivative), takes_a))


@contextlib.contextmanager
def _in_range(dtype: np.dtype):
    """Turn an overflow in a forward or backward pass into one clear ValueError."""
    try:
        with np.errstate(over="raise", invalid="raise"):
            yield
    except FloatingPointError as error:
        raise ValueError(
            f"the inputs are too large for {dtype.name}: {error} (standardize them)"
        ) from None


class ShapeError(ValueError):
    """An array whose shape does not fit the network."""


def _check_name(name: str, known, what: str) -> str:
    if name not in known:
        raise ValueError(f"unknown {what} {name!r}; known: {', '.join(known)}")
    return name


def _activations(activations: str | Sequence[str], loss: str, n_layers: int) -> list[str]:
    if isinstance(activations, str):
        hidden = _check_name(activations, ELEMENTWISE, "activation")
        return [hidden] * (n_layers - 1) + [LOSSES[loss].output]
    names = list(activations)
    if len(names) != n_layers:
        raise ValueError(f"expected {n_layers} activations (one per layer), got {len(names)}")
    for name in names[:-1]:
        _check_name(name, ELEMENTWISE, "hidden activation")
    _check_name(names[-1], ACTIVATIONS, "output activation")
    if names[-1] != LOSSES[loss].output and loss != "mse":
        # bce and cross_entropy are generated from logits through their paired output
        raise ValueError(
            f"loss {loss!r} needs output activation {LOSSES[loss].output!r}, not {names[-1]!r}"
        )
    return names


class MLP:
    r"""A multilayer perceptron with any depth and width.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_inputs, n_hidden..., n_outputs)``.
    activations : str or sequence of str
        One registry name per layer (the last must be the loss's output activation), or one
        name for all hidden layers; the output layer then takes the loss's pairing:
        softmax for ``cross_entropy``, sigmoid for ``bce``, identity for ``mse``.
    loss : {"mse", "bce", "cross_entropy"}
        Per sample :math:`\tfrac12\sum_k (t_k - y_k)^2`, summed binary cross-entropy, or
        :math:`-\sum_k t_k \log y_k`; the batch loss is the mean over samples.
    seed : int, optional
        Seed of the weight initialisation (Glorot uniform; biases zero).
    dtype : numpy dtype
        float64 by default; float32 is supported.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "mse",
        seed: int | None = None,
        dtype=np.float64,
    ):
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes needs at least two positive sizes, got {layer_sizes}")
        self.loss_name = _check_name(loss, LOSSES, "loss")
        self.activations = _activations(activations, loss, len(sizes) - 1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        rng = np.random.default_rng(seed)
        self.W, self.b = [], []
        for n_in, n_out in itertools.pairwise(sizes):
            limit = np.sqrt(6.0 / (n_in + n_out))
            self.W.append(rng.uniform(-limit, limit, (n_out, n_in)).astype(self.dtype))
            self.b.append(np.zeros(n_out, self.dtype))

    @classmethod
    def from_params(
        cls,
        params: dict,
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "mse",
        dtype=np.float64,
    ) -> MLP:
        """Build a network from ``{"W1": ..., "b1": ..., "W2": ...}`` (seed notation)."""
        n_layers = sum(1 for key in params if key.startswith("W"))
        expected = [f"{p}{layer}" for layer in range(1, n_layers + 1) for p in "Wb"]
        missing = [name for name in expected if name not in params]
        if n_layers == 0 or missing:
            raise ValueError(f"params needs W1, b1, W2, b2, ...; missing {missing or ['W1']}")
        W = [
            np.atleast_2d(np.asarray(params[f"W{layer}"], dtype))
            for layer in range(1, n_layers + 1)
        ]
        b = [
            np.atleast_1d(np.asarray(params[f"b{layer}"], dtype))
            for layer in range(1, n_layers + 1)
        ]
        sizes = [W[0].shape[1]] + [w.shape[0] for w in W]
        for layer, (w, bias) in enumerate(zip(W, b, strict=True), 1):
            if w.shape[1] != sizes[layer - 1] or bias.shape != (w.shape[0],):
                raise ShapeError(f"W{layer} {w.shape} and b{layer} {bias.shape} do not chain")
        net = cls(sizes, activations, loss, dtype=dtype)
        net.W, net.b = W, b
        return net

    @property
    def layer_sizes(self) -> list[int]:
        """``[n_inputs, n_hidden..., n_outputs]``, read off the weights."""
        return [self.W[0].shape[1]] + [w.shape[0] for w in self.W]

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by name, ``W1, b1, W2, b2, ...`` (the arrays themselves)."""
        out = {}
        for layer, (w, b) in enumerate(zip(self.W, self.b, strict=True), 1):
            out[f"W{layer}"], out[f"b{layer}"] = w, b
        return out

    def _inputs(self, X) -> np.ndarray:
        X = np.asarray(X, self.dtype)
        X = X.reshape(1, -1) if X.ndim == 1 else X
        if X.ndim != 2 or X.shape[1] != self.W[0].shape[1]:
            raise ShapeError(
                f"X must have shape (n_samples, {self.W[0].shape[1]}), got {np.shape(X)}"
            )
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinite values")
        return X

    def _activation_functions(self) -> list:
        """The generated function of each layer's activation (lambdified bodies)."""
        return [_fn(name) for name in self.activations]

    def _forward(
        self, X: np.ndarray, output: bool = True, buffers: _Buffers | None = None
    ) -> tuple[list, list]:
        """Return the pre-activations z and activations a of every layer (a[0] = X).

        With ``output=False`` the last activation is not computed (a fused gradient needs
        only the logits). With *buffers* the z arrays are written into them.
        """
        functions = self._activation_functions() if buffers is None else buffers.activation
        zs, activations, last = [], [X], len(self.W) - 1
        for layer, (W, b) in enumerate(zip(self.W, self.b, strict=True)):
            out = None if buffers is None else buffers.z[layer][: len(X)]
            z = np.matmul(activations[-1], W.T, out=out)
            z += b
            zs.append(z)
            if output or layer < last:
                activations.append(functions[layer](z))
        return zs, activations

    def _buffers(self, n_samples: int) -> _Buffers:
        """Arrays for training steps on batches of up to *n_samples* rows (see ``fit``)."""
        return _Buffers(self, n_samples)

    def forward(self, X) -> np.ndarray:
        """Return the network's outputs y for inputs X of shape (n_samples, n_inputs)."""
        X = self._inputs(X)
        with _in_range(self.dtype):
            return self._forward(X)[1][-1]

    def targets(self, T, n_samples: int) -> np.ndarray:
        """Return T as a (n_samples, n_outputs) array; class indices become one-hot."""
        n_out = self.W[-1].shape[0]
        T = np.asarray(T)
        if T.ndim == 1 and np.issubdtype(T.dtype, np.integer) and n_out > 1:
            if T.min(initial=0) < 0 or T.max(initial=0) >= n_out:
                raise ValueError(f"class labels must lie in 0..{n_out - 1}")
            T = np.eye(n_out, dtype=self.dtype)[T]
        T = np.asarray(T, self.dtype).reshape(n_samples, -1)
        if T.shape[1] != n_out:
            raise ShapeError(f"T must have shape ({n_samples}, {n_out}), got {T.shape}")
        if not np.all(np.isfinite(T)):
            raise ValueError("T contains NaN or infinite values")
        return T

    @property
    def fused(self) -> bool:
        """True when the output activation is the loss's pairing (one fused dL/dz)."""
        return self.activations[-1] == LOSSES[self.loss_name].output

    def _loss_input(self, zs: list, activations: list) -> np.ndarray:
        """What the generated loss takes from a forward pass: logits z if fused, else y."""
        # paired losses are generated from the logits; mse after another output takes y
        return zs[-1] if self.fused else activations[-1]

    def _per_sample_loss(self, inputs: np.ndarray, T: np.ndarray) -> np.ndarray:
        """The generated loss of each sample, from :meth:`_loss_input`."""
        return _fn(self.loss_name)(inputs, T)

    def _outputs(self, inputs: np.ndarray) -> np.ndarray:
        """The outputs y, from :meth:`_loss_input` (a fused forward pass stops at z)."""
        return _fn(self.activations[-1])(inputs) if self.fused else inputs

    def loss(self, X, T) -> float:
        """Return the mean over samples of the per-sample loss."""
        X = self._inputs(X)
        T = self.targets(T, len(X))
        with _in_range(self.dtype):
            zs, activations = self._forward(X, output=not self.fused)
            inputs = self._loss_input(zs, activations)
            return float(np.mean(self._per_sample_loss(inputs, T)))

    def _output_delta(self, zs, activations, T) -> np.ndarray:
        """dL/dz of the output layer, per sample."""
        if self.fused:
            # the derived fused gradient: y * sum(t) - t (softmax + cross-entropy),
            # y - t (sigmoid + BCE, identity + MSE)
            return _fn(f"{self.loss_name}_grad")(zs[-1], T)
        dl_dy = _fn("mse_grad")(activations[-1], T)
        if self.activations[-1] == "softmax":
            return _fn("softmax_jvp")(zs[-1], dl_dy)
        return dl_dy * _fn(f"{self.activations[-1]}_grad")(zs[-1])

    def gradients(self, X, T) -> dict[str, np.ndarray]:
        """Return dL/dW1, dL/db1, ... of the mean batch loss, by backpropagation.

        The hidden derivatives are the stable z-forms ``NAME_grad(z)``, so every entry is
        accurate relative to its size, even through saturated units. ``fit`` takes the
        cheaper ``NAME_grad_output(a)`` of the stored activation, accurate in absolute
        terms (as scikit-learn and PyTorch compute them): where tanh(z) rounds to 1,
        ``1 - a^2`` is 0, not e^{-2|z|}.
        """
        X = self._inputs(X)
        T, buffers = self.targets(T, len(X)), _Buffers(self, len(X), from_output=False)
        with _in_range(self.dtype):
            self._backprop(X, T, buffers)
        return buffers.grads

    def _backprop(
        self, X: np.ndarray, T: np.ndarray, buffers: _Buffers, scale: float = 1.0
    ) -> tuple[list, list]:
        """Backpropagate on validated arrays into ``buffers.grads`` (the training hot path).

        The gradients are multiplied by *scale* (``fit`` passes the learning rate, which
        then multiplies the output delta, not every gradient). The hidden derivatives are
        the ones *buffers* was made with (see :func:`backprop_derivative`). Returns the
        forward pass's z and activations (the output one only if unfused).
        """
        zs, activations = self._forward(X, output=not self.fused, buffers=buffers)
        delta = self._output_delta(zs, activations, T)  # a fresh array: scaled in place
        if scale == 1.0:
            delta /= len(X)  # the mean over the batch, rounded once
        else:
            delta *= scale / len(X)
        for layer in range(len(self.W) - 1, -1, -1):
            np.matmul(delta.T, activations[layer], out=buffers.grad_W[layer])
            np.add.reduce(delta, axis=0, out=buffers.grad_b[layer])
            if layer > 0:  # delta^(l) = (W^(l+1)^T delta^(l+1)) * f'(z^(l)), seed 3.4
                delta = np.matmul(delta, self.W[layer], out=buffers.dl_da[layer - 1][: len(X)])
                derivative, takes_a = buffers.derivative[layer - 1]
                # f'(z^(l)) from the stored a^(l) = f(z^(l)) where SymPy derived that form
                delta *= derivative(activations[layer] if takes_a else zs[layer - 1])
        return zs, activations

    fit = train.fit

    def save(self, path) -> None:
        """Write the parameters W1, b1, ... to a ``.npz`` file, atomically."""
        import io

        from numeric.files import atomic_write

        buffer = io.BytesIO()
        np.savez(buffer, **self.params)
        atomic_write(path, buffer.getvalue())

    @classmethod
    def load(
        cls, path, activations: str | Sequence[str] = "sigmoid", loss: str = "mse", dtype=np.float64
    ) -> MLP:
        """Read parameters written by :meth:`save` and build the network.

        Raises
        ------
        OSError
            If *path* cannot be read.
        ValueError
            If it is not an ``.npz`` file of W1, b1, W2, b2, ... that chain.
        """
        import zipfile

        try:
            data = np.load(path, allow_pickle=False)
        except (ValueError, zipfile.BadZipFile, EOFError):
            raise ValueError(f"{path}: not an .npz file of weights (W1, b1, ...)") from None
        if not isinstance(data, np.lib.npyio.NpzFile):  # a plain .npy array
            raise ValueError(f"{path}: one array, not an .npz file of weights (W1, b1, ...)")
        with data:
            params = {k: data[k] for k in data.files}
        try:
            return cls.from_params(params, activations, loss, dtype)
        except ValueError as error:
            raise type(error)(f"{path}: {error}") from None

    def predict(self, X) -> np.ndarray:
        """Return class indices (argmax, or y > 0.5 for one sigmoid output); MSE: the outputs."""
        return self.classes(self.forward(X))

    def classes(self, y: np.ndarray) -> np.ndarray:
        """Turn outputs into predictions (see :meth:`predict`)."""
        if self.loss_name == "mse":
            return y
        if y.shape[1] == 1:
            return (y[:, 0] > 0.5).astype(int)
        return np.argmax(y, axis=1)
