"""Benchmark gradproof's generated NumPy functions against hand-written NumPy and SciPy.

What it measures
----------------
Speed
    Median time per call (``timeit``, several repeats) of every generated function in
    :mod:`numeric.functions` and of its peers: hand-written, numerically stable NumPy
    and, where it has the function, :mod:`scipy.special`. gradproof and its peers are
    timed interleaved in one process. Elementwise functions run on 10**6 values uniform
    in [-20, 20] (float64 and float32); row functions on a batch-first (10**4, 100)
    array (logits uniform in [-20, 20], one-hot targets, ``v`` standard normal). The
    headline is the ratio gradproof / fastest peer (target: at most 1.10).
Accuracy
    Elementwise: max error in ULP against mpmath at 50 digits on 4066 points in
    [-1000, 1000] plus 0, +-1e-8, +-30, +-700, +-1000, in float64 and float32. Rows: max
    relative error against mpmath on a 50 x 10 array, some rows with huge logits (working
    precision raised per row so that 50 digits survive the cancellations). Both count
    non-finite outputs and the points that raise NumPy floating-point warnings.

How to run
----------
From the project root (SciPy is optional: ``pip install -e '.[bench]'``)::

    python bench/functions.py            # full run, about 40 s
    python bench/functions.py --quick    # smoke test for CI: tiny sizes, a few seconds

No result is asserted: the script prints tables and exits 0.
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import sys
import time
import timeit
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
from tables import print_table  # bench/tables.py, beside this script

try:
    import scipy
    import scipy.special as sps
except ImportError:  # SciPy is optional: its columns then read "n/a"
    scipy = sps = None

COLUMNS = ("numpy", "numpy-alt", "scipy")
"""Peer columns, in table order. A case lacking a column prints "-" there."""

TARGET = 1.10
"""Target for gradproof time / fastest peer time."""

SPECIAL_POINTS = (0.0, 1e-8, -1e-8, 30.0, -30.0, 700.0, -700.0, 1000.0, -1000.0)
"""Points added to the elementwise accuracy grid."""

DIGITS = 50
"""mpmath working precision (decimal digits) for the references."""


# --- hand-written NumPy peers (the docstring is the legend entry) -----------------------


def _np_sigmoid(z):
    """e = exp(-|z|); where(z >= 0, 1, e) / (1 + e)"""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def _np_sigmoid_grad(z):
    """e = exp(-|z|); e / (1 + e)**2"""
    e = np.exp(-np.abs(z))
    return e / (1 + e) ** 2


def _np_sigmoid_grad_naive(z):
    """s = stable sigmoid(z); s * (1 - s)  (naive)"""
    s = _np_sigmoid(z)
    return s * (1 - s)


def _np_tanh(z):
    """tanh(z)"""
    return np.tanh(z)


def _np_tanh_grad(z):
    """1 - tanh(z)**2"""
    return 1 - np.tanh(z) ** 2


def _np_tanh_grad_cosh(z):
    """1 / cosh(z)**2"""
    return 1 / np.cosh(z) ** 2


def _np_relu(z):
    """maximum(z, 0)"""
    return np.maximum(z, 0)


def _np_relu_grad(z):
    """(z > 0).astype(z.dtype)"""
    return (z > 0).astype(z.dtype)


def _np_heaviside(z):
    """heaviside(z, 0)"""
    return np.heaviside(z, 0)


def _np_softplus_logaddexp(z):
    """logaddexp(0, z)"""
    return np.logaddexp(0, z)


def _np_softplus(z):
    """maximum(z, 0) + log1p(exp(-|z|))"""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _np_softmax(z):
    """e = exp(z - max(z)); e / sum(e)"""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _np_softmax_inplace(z):
    """same as numpy, in place: e = exp(z - max); e /= sum(e)"""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _np_log_softmax(z):
    """s = z - max(z); s - log(sum(exp(s)))"""
    s = z - z.max(axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def _np_log_softmax_inplace(z):
    """same as numpy, in place: s -= log(sum(exp(s)))"""
    s = z - z.max(axis=-1, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=-1, keepdims=True))
    return s


def _np_logsumexp(z):
    m = z.max(axis=-1)
    return m + np.log(np.exp(z - m[..., None]).sum(axis=-1))


def _np_softmax_jvp(z, v):
    """y = softmax(z); y * (v - sum(y * v))"""
    y = _np_softmax(z)
    return y * (v - (y * v).sum(axis=-1, keepdims=True))


def _np_cross_entropy(z, t):
    """-sum(t * log_softmax(z))"""
    return -(t * _np_log_softmax(z)).sum(axis=-1)


def _np_cross_entropy_lse(z, t):
    """logsumexp(z) * sum(t) - sum(t * z)  (max-shifted logsumexp)"""
    return _np_logsumexp(z) * t.sum(axis=-1) - (t * z).sum(axis=-1)


def _np_cross_entropy_grad(z, t):
    """softmax(z) * sum(t) - t"""
    return _np_softmax(z) * t.sum(axis=-1, keepdims=True) - t


def _np_bce(z, t):
    """sum(logaddexp(0, z) - t * z)"""
    return (np.logaddexp(0, z) - t * z).sum(axis=-1)


def _np_bce_stable(z, t):
    """sum(maximum(z, 0) + log1p(exp(-|z|)) - t * z)"""
    return (_np_softplus(z) - t * z).sum(axis=-1)


def _np_bce_grad(z, t):
    """stable sigmoid(z) - t"""
    return _np_sigmoid(z) - t


def _np_mse(y, t):
    """0.5 * sum((t - y)**2)"""
    return 0.5 * ((t - y) ** 2).sum(axis=-1)


def _np_mse_einsum(y, t):
    """d = t - y; 0.5 * einsum('ij,ij->i', d, d)"""
    d = t - y
    return 0.5 * np.einsum("...i,...i->...", d, d)


def _np_mse_grad(y, t):
    """y - t"""
    return y - t


# --- scipy.special peers ----------------------------------------------------------------


def _sp_expit(z):
    """scipy.special.expit(z)"""
    return sps.expit(z)


def _sp_sigmoid_grad(z):
    """expit(z) * expit(-z)"""
    return sps.expit(z) * sps.expit(-z)


def _sp_softplus(z):
    """scipy.special.softplus(z)"""
    return sps.softplus(z)


def _sp_softplus_log_expit(z):
    """-log_expit(-z)"""
    return -sps.log_expit(-z)


def _sp_softmax(z):
    """scipy.special.softmax(z, axis=-1)"""
    return sps.softmax(z, axis=-1)


def _sp_log_softmax(z):
    """scipy.special.log_softmax(z, axis=-1)"""
    return sps.log_softmax(z, axis=-1)


def _sp_softmax_jvp(z, v):
    """y = softmax(z, axis=-1); y * (v - sum(y * v))"""
    y = sps.softmax(z, axis=-1)
    return y * (v - (y * v).sum(axis=-1, keepdims=True))


def _sp_cross_entropy(z, t):
    """logsumexp(z, axis=-1) * sum(t) - sum(t * z)"""
    return sps.logsumexp(z, axis=-1) * t.sum(axis=-1) - (t * z).sum(axis=-1)


def _sp_cross_entropy_grad(z, t):
    """softmax(z, axis=-1) * sum(t) - t"""
    return sps.softmax(z, axis=-1) * t.sum(axis=-1, keepdims=True) - t


def _sp_bce(z, t):
    """sum(softplus(z) - t * z)"""
    return (_scipy_softplus()(z) - t * z).sum(axis=-1)


def _sp_bce_grad(z, t):
    """expit(z) - t"""
    return sps.expit(z) - t


def _scipy_softplus() -> Callable | None:
    """scipy.special.softplus (SciPy >= 1.15), else -log_expit(-z); None without SciPy."""
    if sps is None:
        return None
    return _sp_softplus if hasattr(sps, "softplus") else _sp_softplus_log_expit


def _scipy(peer: Callable) -> Callable | None:
    """*peer* if SciPy is installed, else None (printed as "n/a")."""
    return peer if sps is not None else None


# --- mpmath references ------------------------------------------------------------------


def _ref_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _ref_sigmoid_grad(z):
    return mpmath.exp(-z) / (1 + mpmath.exp(-z)) ** 2


def _ref_tanh_grad(z):
    return 1 / mpmath.cosh(z) ** 2


def _ref_relu(z):
    return max(z, mpmath.mpf(0))


def _ref_relu_grad(z):
    return mpmath.mpf(1 if z > 0 else 0)


def _ref_softplus(z):
    # log(1 + exp(z)), with log1p: 1 + exp(-150) would round to 1 at 50 digits
    return mpmath.log1p(mpmath.exp(z))


def _ref_softmax(z, t, v):
    e = [mpmath.exp(x) for x in z]
    total = mpmath.fsum(e)
    return [x / total for x in e]


def _ref_log_softmax(z, t, v):
    lse = mpmath.log(mpmath.fsum(mpmath.exp(x) for x in z))
    return [x - lse for x in z]


def _ref_softmax_jvp(z, t, v):
    y = _ref_softmax(z, t, v)
    dot = mpmath.fsum(a * b for a, b in zip(y, v, strict=True))
    return [a * (b - dot) for a, b in zip(y, v, strict=True)]


def _ref_cross_entropy(z, t, v):
    return -mpmath.fsum(a * b for a, b in zip(t, _ref_log_softmax(z, t, v), strict=True))


def _ref_cross_entropy_grad(z, t, v):
    total = mpmath.fsum(t)
    return [a * total - b for a, b in zip(_ref_softmax(z, t, v), t, strict=True)]


def _ref_bce(z, t, v):
    return mpmath.fsum(_ref_softplus(a) - b * a for a, b in zip(z, t, strict=True))


def _ref_bce_grad(z, t, v):
    return [_ref_sigmoid(a) - b for a, b in zip(z, t, strict=True)]


def _ref_mse(y, t, v):
    return mpmath.fsum((b - a) ** 2 for a, b in zip(y, t, strict=True)) / 2


def _ref_mse_grad(y, t, v):
    return [a - b for a, b in zip(y, t, strict=True)]


# --- cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A generated function (by name), its peers by column and its mpmath reference.

    ``args`` spells the arguments of row functions: ``z`` logits (also ``y`` for mse),
    ``t`` one-hot targets, ``v`` a tangent.
    """

    name: str
    peers: dict[str, Callable | None]
    reference: Callable
    args: str = "z"


def elementwise_cases() -> list[Case]:
    """The elementwise functions and their peers."""
    return [
        Case("sigmoid", {"numpy": _np_sigmoid, "scipy": _scipy(_sp_expit)}, _ref_sigmoid),
        Case(
            "sigmoid_grad",
            {
                "numpy": _np_sigmoid_grad,
                "numpy-alt": _np_sigmoid_grad_naive,
                "scipy": _scipy(_sp_sigmoid_grad),
            },
            _ref_sigmoid_grad,
        ),
        Case("tanh", {"numpy": _np_tanh}, mpmath.tanh),
        Case(
            "tanh_grad", {"numpy": _np_tanh_grad, "numpy-alt": _np_tanh_grad_cosh}, _ref_tanh_grad
        ),
        Case("relu", {"numpy": _np_relu}, _ref_relu),
        Case("relu_grad", {"numpy": _np_relu_grad, "numpy-alt": _np_heaviside}, _ref_relu_grad),
        Case(
            "softplus",
            {
                "numpy": _np_softplus_logaddexp,
                "numpy-alt": _np_softplus,
                "scipy": _scipy_softplus(),
            },
            _ref_softplus,
        ),
        Case("softplus_grad", {"numpy": _np_sigmoid, "scipy": _scipy(_sp_expit)}, _ref_sigmoid),
    ]


def row_cases() -> list[Case]:
    """The row functions (softmax family and losses) and their peers."""
    return [
        Case(
            "softmax",
            {"numpy": _np_softmax, "numpy-alt": _np_softmax_inplace, "scipy": _scipy(_sp_softmax)},
            _ref_softmax,
        ),
        Case(
            "log_softmax",
            {
                "numpy": _np_log_softmax,
                "numpy-alt": _np_log_softmax_inplace,
                "scipy": _scipy(_sp_log_softmax),
            },
            _ref_log_softmax,
        ),
        Case(
            "softmax_jvp",
            {"numpy": _np_softmax_jvp, "scipy": _scipy(_sp_softmax_jvp)},
            _ref_softmax_jvp,
            "zv",
        ),
        Case(
            "cross_entropy",
            {
                "numpy": _np_cross_entropy,
                "numpy-alt": _np_cross_entropy_lse,
                "scipy": _scipy(_sp_cross_entropy),
            },
            _ref_cross_entropy,
            "zt",
        ),
        Case(
            "cross_entropy_grad",
            {"numpy": _np_cross_entropy_grad, "scipy": _scipy(_sp_cross_entropy_grad)},
            _ref_cross_entropy_grad,
            "zt",
        ),
        Case(
            "bce",
            {"numpy": _np_bce, "numpy-alt": _np_bce_stable, "scipy": _scipy(_sp_bce)},
            _ref_bce,
            "zt",
        ),
        Case(
            "bce_grad", {"numpy": _np_bce_grad, "scipy": _scipy(_sp_bce_grad)}, _ref_bce_grad, "zt"
        ),
        Case("mse", {"numpy": _np_mse, "numpy-alt": _np_mse_einsum}, _ref_mse, "zt"),
        Case("mse_grad", {"numpy": _np_mse_grad}, _ref_mse_grad, "zt"),
    ]


def candidates(case: Case, generated: dict[str, Callable]) -> dict[str, Callable]:
    """gradproof's function and the available peers of *case*, by label."""
    peers = {label: fn for label, fn in case.peers.items() if fn is not None}
    return {"gradproof": generated[case.name], **peers}


def warm_up(cases: list[Case]) -> tuple[dict[str, Callable], float]:
    """Build (SymPy + lambdify) every generated function; return them and the seconds taken."""
    from numeric import functions as F

    start = time.perf_counter()
    generated = {case.name: getattr(F, case.name) for case in cases}
    return generated, time.perf_counter() - start


# --- timing -----------------------------------------------------------------------------


def _loops(timer: timeit.Timer, min_time: float) -> int:
    """Calls per measurement so that one measurement lasts about *min_time* seconds."""
    once = timer.timeit(1)
    return max(1, int(min_time / max(once, 1e-9)))


def median_times(
    calls: dict[str, Callable[[], object]], repeats: int, min_time: float
) -> dict[str, float]:
    """Median seconds per call of each callable, measured interleaved (rotating order)."""
    timers = {label: timeit.Timer(call) for label, call in calls.items()}
    loops = {label: _loops(timer, min_time) for label, timer in timers.items()}
    samples: dict[str, list[float]] = {label: [] for label in calls}
    labels = list(calls)
    for r in range(repeats):
        k = r % len(labels)
        for label in labels[k:] + labels[:k]:
            samples[label].append(timers[label].timeit(loops[label]) / loops[label])
    return {label: statistics.median(s) for label, s in samples.items()}


def _format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _peer_cell(case: Case, column: str, times: dict[str, float]) -> str:
    if column not in case.peers:
        return "-"
    return _format_time(times[column]) if column in times else "n/a"


def timing_row(
    case: Case, args: tuple, generated: dict[str, Callable], opts: argparse.Namespace
) -> list[str]:
    """Time gradproof and the peers of *case* on *args*; return one table row."""
    calls = {
        label: functools.partial(fn, *args) for label, fn in candidates(case, generated).items()
    }
    times = median_times(calls, opts.repeats, opts.min_time)
    peers = {label: t for label, t in times.items() if label != "gradproof"}
    fastest = min(peers, key=peers.__getitem__)
    ratio = times["gradproof"] / peers[fastest]
    flag = " *" if ratio > TARGET else "  "
    return [
        case.name,
        f"{ratio:.2f}{flag}",
        fastest,
        _format_time(times["gradproof"]),
        *(_peer_cell(case, column, times) for column in COLUMNS),
    ]


TIMING_HEADER = ["function", "gp/fastest", "fastest", "gradproof", *COLUMNS]


# --- accuracy ---------------------------------------------------------------------------


def accuracy_grid(n_points: int) -> np.ndarray:
    """*n_points* evenly spaced in [-1000, 1000] plus :data:`SPECIAL_POINTS`, sorted."""
    return np.unique(np.concatenate([np.linspace(-1000.0, 1000.0, n_points), SPECIAL_POINTS]))


def reference_values(values, function: Callable) -> tuple[np.ndarray, np.ndarray]:
    """mpmath *function* at each value, as float64 ``hi + lo`` (a double-double)."""
    with mpmath.workdps(DIGITS):
        return double_double([function(mpmath.mpf(float(x))) for x in values])


def double_double(exact: list) -> tuple[np.ndarray, np.ndarray]:
    """Split mpf values (a list, or a list of equal-length lists) into float64 hi + lo."""
    hi = np.array(exact, dtype=np.float64)
    with mpmath.workdps(DIGITS):
        flat = np.ravel(np.array(exact, dtype=object))
        lo = np.array([float(r - h) for r, h in zip(flat, hi.ravel(), strict=True)])
    return hi, lo.reshape(hi.shape)


def ulp_errors(got: np.ndarray, hi: np.ndarray, lo: np.ndarray, dtype) -> np.ndarray:
    """|got - ref| in units of the spacing of ``ref`` in *dtype* (at least one subnormal)."""
    spacing = np.maximum(np.spacing(np.abs(hi.astype(dtype))), np.finfo(dtype).smallest_subnormal)
    with np.errstate(all="ignore"):
        return np.abs((got.astype(np.float64) - hi) - lo) / spacing.astype(np.float64)


def _warns(fn: Callable, *args) -> bool:
    """Whether fn(*args) emits a warning under NumPy's default error handling."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
            fn(*args)
    return bool(caught)


def count_warned(fn: Callable, *args) -> int:
    """Number of rows (first-axis entries) of *args* on which fn warns."""
    if not _warns(fn, *args):
        return 0
    return sum(_warns(fn, *(a[i : i + 1] for a in args)) for i in range(len(args[0])))


def _format_error(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.2e}"


def elementwise_accuracy(fn: Callable, points: np.ndarray, ref: tuple, dtype) -> list[str]:
    """Cells: max ULP (or nonfinite@z), the z where it occurs, #non-finite, #warnings."""
    with np.errstate(all="ignore"):
        got = np.asarray(fn(points))
    bad = ~np.isfinite(got)
    warned = count_warned(fn, points)
    if bad.any():
        z = points[np.argmax(bad)]
        return [f"nonfinite@{z:g}", f"{z:g}", str(bad.sum()), str(warned)]
    errors = ulp_errors(got, *ref, dtype)
    worst = int(np.argmax(errors))
    at = f"{points[worst]:g}" if errors[worst] > 0 else "-"
    return [_format_error(errors[worst]), at, "0", str(warned)]


def elementwise_accuracy_rows(
    case: Case, generated: dict[str, Callable], grid: np.ndarray
) -> list[list[str]]:
    """One table row per implementation of *case*: float64 then float32 cells."""
    points = {dtype: grid.astype(dtype) for dtype in (np.float64, np.float32)}
    refs = {dtype: reference_values(p, case.reference) for dtype, p in points.items()}
    rows = []
    for label, fn in candidates(case, generated).items():
        cells = [
            c
            for dtype, p in points.items()
            for c in elementwise_accuracy(fn, p, refs[dtype], dtype)
        ]
        rows.append([case.name, label, *cells])
    return rows


ELEMENT_ACCURACY_HEADER = [
    "function",
    "impl",
    "f64 max ulp",
    "at z",
    "nonfinite",
    "warned",
    "f32 max ulp",
    "at z",
    "nonfinite",
    "warned",
]


def accuracy_rows_data(n_rows: int, n_classes: int, seed: int) -> tuple[np.ndarray, ...]:
    """Logits ``z`` (some rows huge), one-hot ``t``, tangent ``v`` for the row accuracy."""
    rng = np.random.default_rng(seed)
    huge = [-1000.0, -700.0, 700.0, 1000.0]
    steps = 0.5 * np.arange(n_classes)
    special = np.array(
        [
            1000.0 - steps,
            -1000.0 + steps,
            700.0 - steps,
            rng.choice(huge, n_classes),
            rng.choice(huge, n_classes),
            rng.choice([-1000.0, 0.0, 1000.0], n_classes),
            np.full(n_classes, 1000.0),
            np.full(n_classes, -1000.0),
            rng.uniform(-1000.0, 1000.0, n_classes),
            rng.uniform(-1000.0, 1000.0, n_classes),
        ]
    )
    z = np.concatenate([special, rng.uniform(-20.0, 20.0, (n_rows, n_classes))])[:n_rows]
    rng.shuffle(z)
    t = np.eye(n_classes)[rng.integers(n_classes, size=n_rows)]
    return z, t, rng.standard_normal((n_rows, n_classes))


def guard_digits(row: np.ndarray) -> int:
    """Extra digits so that 50 survive in a row: terms span e^-(range), t - sigmoid cancels."""
    return int(np.ceil((np.ptp(row) + np.abs(row).max()) / np.log(10))) + 10


def _row_reference(case: Case, z, t, v) -> tuple[np.ndarray, np.ndarray]:
    """mpmath reference of a row case, row by row, as double-double ``hi + lo``."""

    def row(i: int):
        with mpmath.workdps(DIGITS + guard_digits(z[i])):
            out = case.reference(*([mpmath.mpf(float(x)) for x in a[i]] for a in (z, t, v)))
        return out if isinstance(out, list) else [out]

    return double_double([row(i) for i in range(len(z))])


def relative_errors(got: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> tuple[float, ...]:
    """Max componentwise and per-row normwise relative error, and max absolute error.

    Relative errors divide by ``max(|ref|, tiny)``; normwise by the row's largest ``|ref|``.
    """
    tiny = np.finfo(np.float64).tiny
    got = got.reshape(hi.shape)
    with np.errstate(all="ignore"):
        diff = np.abs((got - hi) - lo)
        componentwise = diff / np.maximum(np.abs(hi), tiny)
        normwise = diff.max(axis=-1) / np.maximum(np.abs(hi).max(axis=-1), tiny)
    return float(componentwise.max()), float(normwise.max()), float(diff.max())


def row_accuracy_rows(
    case: Case, generated: dict[str, Callable], data: tuple[np.ndarray, ...]
) -> list[list[str]]:
    """One table row per implementation of *case*: relative errors, bad and warned rows."""
    args = tuple(dict(zip("ztv", data, strict=True))[a] for a in case.args)
    hi, lo = _row_reference(case, *data)
    rows = []
    for label, fn in candidates(case, generated).items():
        with np.errstate(all="ignore"):
            got = np.asarray(fn(*args))
        bad = ~np.isfinite(got.reshape(hi.shape)).all(axis=-1)
        if bad.any():
            errors = [f"nonfinite@row{np.argmax(bad)}"] * 3
        else:
            errors = [f"{e:.1e}" for e in relative_errors(got, hi, lo)]
        rows.append([case.name, label, *errors, str(bad.sum()), str(count_warned(fn, *args))])
    return rows


ROW_ACCURACY_HEADER = [
    "function",
    "impl",
    "max rel err",
    "normwise",
    "max abs err",
    "bad rows",
    "warned rows",
]


# --- output -----------------------------------------------------------------------------


def print_legend(cases: list[Case]) -> None:
    """Print what each peer column computes, per function."""
    print("\nPeers (gradproof = numeric.functions.<name>, generated by SymPy + lambdify):")
    width = max(len(case.name) for case in cases)
    for case in cases:
        for column, fn in case.peers.items():
            doc = fn.__doc__ if fn is not None else "SciPy not installed"
            print(f"  {case.name.ljust(width)}  {column.ljust(9)}  {doc}")


def print_header(opts: argparse.Namespace, lambdify_seconds: float) -> None:
    """Versions, sizes and how to read the figures."""
    scipy_version = scipy.__version__ if scipy is not None else "n/a (not installed)"
    mode = "--quick smoke test, sizes too small to judge speed" if opts.quick else "full run"
    print(
        f"gradproof function benchmark ({mode}): NumPy {np.__version__}, SciPy "
        f"{scipy_version}, mpmath {mpmath.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}"
    )
    print(
        f"Times are medians of {opts.repeats} interleaved repeat(s) from one run "
        f"(per call, >= {opts.min_time:g} s per measurement); "
        f"gp/fastest = gradproof time / fastest peer time, target <= {TARGET:.2f}, "
        f"* = above target."
    )
    print(
        f"SymPy + lambdify warm-up of all generated functions: {lambdify_seconds:.2f} s "
        f"(excluded from timings)."
    )


# --- main -------------------------------------------------------------------------------

FULL = dict(repeats=9, min_time=0.05, n=10**6, rows=(10**4, 100), grid=4066, acc_rows=50)
"""Sizes of the full run: elementwise n, row-timing shape, accuracy grid and rows."""

QUICK = dict(repeats=1, min_time=0.0, n=1000, rows=(100, 10), grid=45, acc_rows=20)
"""Sizes of ``--quick``, the CI smoke test."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``--quick`` shrinks every size for a CI smoke test."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke mode: tiny sizes, 1 repeat, ~50-point accuracy grid",
    )
    parser.add_argument("--repeats", type=int, help="timing repeats (default 9, quick 1)")
    parser.add_argument(
        "--min-time", type=float, help="seconds per measurement (default 0.05, quick 0)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    opts = parser.parse_args(argv)
    for key, value in (QUICK if opts.quick else FULL).items():
        if getattr(opts, key, None) is None:
            setattr(opts, key, value)
    return opts


def run_timings(opts: argparse.Namespace, generated: dict[str, Callable]) -> None:
    """Print the elementwise (float64, float32) and row timing tables."""
    rng = np.random.default_rng(opts.seed)
    x = rng.uniform(-20.0, 20.0, opts.n)
    for dtype in (np.float64, np.float32):
        xd = x.astype(dtype)
        rows = [timing_row(case, (xd,), generated, opts) for case in elementwise_cases()]
        print_table(
            f"Speed, elementwise, {np.dtype(dtype).name}, n = {opts.n:,}", TIMING_HEADER, rows
        )
    n, c = opts.rows
    data = dict(
        z=rng.uniform(-20.0, 20.0, (n, c)),
        t=np.eye(c)[rng.integers(c, size=n)],
        v=rng.standard_normal((n, c)),
    )
    rows = [
        timing_row(case, tuple(data[a] for a in case.args), generated, opts) for case in row_cases()
    ]
    print_table(f"Speed, rows, float64, shape ({n:,}, {c}), one-hot t", TIMING_HEADER, rows)


def run_accuracy(opts: argparse.Namespace, generated: dict[str, Callable]) -> None:
    """Print the elementwise ULP table and the row relative-error table."""
    grid = accuracy_grid(opts.grid)
    rows = [
        r for case in elementwise_cases() for r in elementwise_accuracy_rows(case, generated, grid)
    ]
    print_table(
        f"Accuracy, elementwise: max error in ULP vs mpmath ({DIGITS} digits) on "
        f"{len(grid)} points in [-1000, 1000] (warned = points raising NumPy "
        f"warnings)",
        ELEMENT_ACCURACY_HEADER,
        rows,
    )
    data = accuracy_rows_data(opts.acc_rows, 10, opts.seed)
    rows = [r for case in row_cases() for r in row_accuracy_rows(case, generated, data)]
    print_table(
        f"Accuracy, rows: error vs mpmath ({DIGITS} digits) on ({opts.acc_rows}, 10) "
        f"logits incl. rows of +-700/+-1000 (relative: denominators >= float64 tiny)",
        ROW_ACCURACY_HEADER,
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status (always 0: nothing is asserted)."""
    opts = parse_args(argv)
    generated, seconds = warm_up(elementwise_cases() + row_cases())
    print_header(opts, seconds)
    print_legend(elementwise_cases() + row_cases())
    run_timings(opts, generated)
    run_accuracy(opts, generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
