"""``gradproof check``: gradient-check the seed's network, a user's network, or an expression.

A network is checked with :func:`numeric.netcheck.check_network`. For an expression,
gradproof derives the derivative (every step verified), turns expression and derivative
into NumPy functions with the same stable printer as the generated functions, and checks
the NumPy derivative at a set of points against finite differences, the complex step, or
mpmath at 50 digits (``method="mpmath"``). For a registry primitive (``sigmoid(x)``,
``tanh(x)``, ...) the generated ``NAME_grad`` function itself is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from numeric.gradcheck import Evaluator, Options, Report, run

POINTS = (-30.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 30.0)
"""Where an expression's derivative is checked unless the user says otherwise."""
DIGITS = 50


def _numpy_function(expr: sp.Expr, x: sp.Symbol):
    from numeric.functions import NAMESPACE
    from symbolic.printing import StablePrinter
    from symbolic.rewrite import stabilize

    return sp.lambdify(x, stabilize(expr), modules=[NAMESPACE], printer=StablePrinter)


class _Expression(Evaluator):
    """A function of one variable, checked at each point as a parameter of its own."""

    def __init__(self, f, exact, points: Sequence[float], var: str):
        self.f, self.exact = f, exact
        self.params = {_label(var, p): np.array(float(p)) for p in points}

    def _term(self, x):
        return np.asarray(self.f(x) + 0 * x)  # constants broadcast to x's shape and dtype

    def value(self) -> float:
        return self(self.params)

    def base(self, name: str) -> float:
        return float(self._term(self.params[name]))

    def __call__(self, params):
        return sum(self._term(p) for p in params.values()).item()

    def along(self, name, direction, step):
        return self._term(self.params[name] + step * direction).item()

    def values(self, name, index, steps):
        return self._term(self.params[name] + np.asarray(steps))

    def derivatives(self, name, index):
        with mpmath.workdps(DIGITS):
            return np.array([float(self.exact(mpmath.mpf(float(self.params[name]))))])


def _label(var: str, point: float) -> str:
    return f"{var}={point:g}"


@dataclass
class ExpressionCheck:
    """A prepared check of an expression's derivative; call it to run the check."""

    evaluator: _Expression
    grad: Callable
    notes: list[str]

    @property
    def sizes(self) -> dict[str, int]:
        """One entry per point (for the number of evaluations)."""
        return {name: 1 for name in self.evaluator.params}

    def analytic(self) -> dict[str, np.ndarray]:
        """The NumPy derivative at every point."""
        return {
            name: np.asarray(self.grad(p) + 0 * p, np.float64)
            for name, p in self.evaluator.params.items()
        }

    def __call__(self, **options) -> Report:
        report = run(self.evaluator, self.analytic, np.dtype(np.float64), Options(**options))
        report.notes[:0] = self.notes[:1]
        report.notes += self.notes[1:]
        return report


def prepare_expression(
    text: str, var: str = "x", points: Sequence[float] | None = None
) -> ExpressionCheck:
    """Derive the expression's derivative and choose the points (see :func:`check_expression`)."""
    from derivations import derive_expression
    from numeric import functions as F
    from symbolic.functions import expand_definitions
    from symbolic.registry import ELEMENTWISE

    derivation = derive_expression(text, var)
    expr, x = derivation.lhs.expr, derivation.lhs.variables[0]
    f = _numpy_function(expr, x)
    primitive = None
    if isinstance(expr, sp.Function) and expr.func.__name__ in ELEMENTWISE and expr.args == (x,):
        primitive = expr.func.__name__
    grad = getattr(F, f"{primitive}_grad") if primitive else _numpy_function(derivation.result, x)
    exact_f = sp.lambdify(x, expand_definitions(expr), modules="mpmath")

    def exact(point):
        return mpmath.diff(exact_f, point)

    chosen, skipped = [], []
    with np.errstate(all="ignore"):
        for p in POINTS if points is None else points:
            value, slope = np.asarray(f(np.array(p)), complex), np.asarray(grad(np.array(p)))
            finite = np.isfinite(value) & (value.imag == 0) & np.isfinite(slope)
            (chosen if finite else skipped).append(float(p))
    if not chosen:
        raise ValueError(f"{text}: not finite at any of the points {', '.join(map(str, skipped))}")
    function = f"the generated {primitive}_grad" if primitive else "its NumPy derivative"
    notes = [f"d/d{var} {text.strip()}: {function} at {len(chosen)} points"]
    if skipped:
        left_out = ", ".join(_label(var, p) for p in skipped)
        notes.append(f"left out (not finite there): {left_out}")
    return ExpressionCheck(_Expression(f, exact, chosen, var), grad, notes)


def check_expression(
    text: str, var: str = "x", points: Sequence[float] | None = None, **options
) -> Report:
    """Check the NumPy derivative gradproof derives for the expression *text*.

    Points where the expression or its derivative is not a finite real number (``log``
    at 0, ``sqrt`` at 0) are left out, and the report says which. *options* are those of
    :func:`numeric.gradcheck.gradcheck` (``method`` may also be ``"mpmath"``).

    Examples
    --------
    >>> check_expression("x*sigmoid(x)", method="mpmath").ok
    True
    """
    return prepare_expression(text, var, points)(**options)


def _layers(text: str) -> list[int]:
    from derivations.cli import UsageError

    try:
        sizes = [int(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"--layers: expected sizes like 2,2,1, got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise UsageError(f"--layers: expected at least two positive sizes, got {text!r}")
    return sizes


def network(args) -> tuple:
    """Build the network and data that ``gradproof check`` checks, and describe them.

    The seed's 2-2-1 network and the four XOR inputs by default; ``--layers`` draws
    weights with ``--seed``, ``--weights`` loads them, ``--data`` reads a CSV file.
    """
    from derivations.example import seed_network
    from derivations.training import XOR_T, XOR_X, read_csv
    from numeric.mlp import MLP

    loss, activation = args.loss, args.activation
    if args.weights is not None:
        net = MLP.load(args.weights, activation, loss)
        source = f"weights from {args.weights}"
        sizes = net.layer_sizes
        if args.layers is not None and _layers(args.layers) != sizes:
            raise ValueError(
                f"{args.weights} holds a {'-'.join(map(str, sizes))} network, not {args.layers}"
            )
    elif args.layers is not None:
        net = MLP(_layers(args.layers), activation, loss, seed=args.seed)
        source = f"random weights (seed {args.seed})"
    else:
        seed = seed_network()  # 2-2-1, sigmoid in both layers, MSE
        if (activation, loss) != ("sigmoid", "mse"):
            seed = MLP.from_params(seed.params, activation, loss)
        net, source = seed, "the seed's weights"
    sizes = net.layer_sizes
    n_in, n_out = sizes[0], sizes[-1]
    if args.data is not None:
        X, y, _ = read_csv(args.data, args.target)
        if X.shape[1] != n_in:
            raise ValueError(
                f"{args.data} has {X.shape[1]} feature columns; the network takes {n_in} inputs"
            )
        T = y if loss == "cross_entropy" or n_out > 1 else y.astype(float).reshape(-1, 1)
        data = f"{len(X)} rows of {args.data}"
    elif n_in == 2 and n_out == 1:
        X, T, data = XOR_X, XOR_T, "the four XOR inputs"
    else:
        rng = np.random.default_rng(args.seed)
        X = rng.normal(size=(8, n_in))
        T = rng.integers(0, n_out, 8) if loss == "cross_entropy" else rng.uniform(size=(8, n_out))
        data = f"8 random samples (seed {args.seed})"
    described = (
        f"{'-'.join(map(str, sizes))} network ({', '.join(net.activations)}; {loss} loss), "
        f"{source}, on {data}"
    )
    return net, X, T, described
