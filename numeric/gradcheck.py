r"""A gradient checker with exact references, tolerances from error estimates, located reports.

For every checked entry :math:`x_i` the claimed (analytic) derivative :math:`a_i` is compared
with a numerical reference :math:`n_i` computed in float64:

``central``
    :math:`D(h) = (f(x + h e_i) - f(x - h e_i)) / 2h` with :math:`h = \epsilon^{1/3}
    \max(1, |x_i|)` (:math:`\epsilon` the unit roundoff of f), made exact as
    :math:`(x_i + h) - x_i`; 2 evaluations per entry.
``richardson`` (default)
    :math:`(4 D(h/2) - D(h)) / 3`, one Richardson step, whose error is estimated by
    :math:`|D(h) - D(h/2)| / 3`; 4 evaluations per entry. Its truncation error is
    :math:`O(h^4)`, so the step that balances it against rounding is larger,
    :math:`h = \epsilon^{1/5} \max(1, |x_i|)`.
``complex``
    :math:`\operatorname{Im} f(x + i h e_i) / h` with :math:`h = 10^{-20}`: no subtraction, so
    accurate to a few :math:`\epsilon`; 1 evaluation per entry, for code that is analytic in
    its inputs (gradproof's generated functions are).

An entry passes when :math:`|a_i - n_i| \le 10\,\hat e_i + \text{floor}_i`, where
:math:`\hat e_i` is the estimated error of :math:`n_i` (truncation plus the rounding of the
differences, :math:`\epsilon (|f_+| + |f_-|) / 2h`) and the floor covers the analytic
gradient's own rounding, :math:`16\,\epsilon_a (|a_i| + \max_j |a_j|)` with
:math:`\epsilon_a` the unit roundoff of its dtype. Entries that fail are examined again with
one-sided differences at two steps: when the left and right derivatives differ by a jump that
does not shrink with the step, the entry sits at a kink and is reported ``KINK``, which
passes when the analytic value lies between them (a subgradient). The relative error
:math:`|a - n| / \max(|a| + |n|, \text{tiny})` of the CS231n notes is reported as well.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from numeric.report import (
    FAIL,
    KINK,
    METHODS,
    MODES,
    NONFINITE,
    PASS,
    SEVERITY,
    STEP_UNDERFLOW,
    GradientCheckError,
    Parameter,
    Report,
    Status,
    entry_name,
)

__all__ = ["GradientCheckError", "Options", "Report", "Status", "gradcheck", "run"]

EVALUATIONS_PER_ENTRY = {"central": 2, "richardson": 4, "complex": 1, "mpmath": 1}
SAFETY = 10.0
"""The estimated error of the numerical reference is multiplied by this before comparing."""
FLOOR = 16.0
"""The analytic side may be off by ``FLOOR * eps_a * (|a_i| + max |a|)`` (its rounding)."""
COMPLEX_STEP = 1e-20
MAX_REEXAMINED = 200
"""At most this many failing entries per parameter are re-examined for kinks."""


# --- what is checked ---------------------------------------------------------------------


class Evaluator:
    """A scalar function of named float64 arrays, evaluated at perturbed points.

    Subclasses override :meth:`values` to evaluate many one-entry perturbations at once
    (see :class:`numeric.netcheck.NetworkLoss`).
    """

    eps = float(np.finfo(np.float64).eps)
    f0 = float("nan")

    def __init__(self, f: Callable, params: dict[str, np.ndarray], single: bool):
        self.f, self.params, self.single = f, params, single

    def base(self, name: str) -> float:
        """The value that differences along parameter *name* start from (f at the point)."""
        return self.f0

    def derivatives(self, name: str, index: np.ndarray) -> np.ndarray:
        """Exact derivatives (method ``mpmath``); only for functions given as expressions."""
        raise TypeError("method 'mpmath' needs f as an expression: use method='richardson'")

    def _scalar(self, params: dict[str, np.ndarray]) -> np.ndarray:
        value = np.asarray(self.f(params["x"] if self.single else params))
        if value.size != 1:
            raise ValueError(f"f must return a scalar, got an array of shape {value.shape}")
        return value.reshape(())

    def __call__(self, params: dict[str, np.ndarray]) -> float | complex:
        return self._scalar(params).item()

    def value(self) -> float:
        """f at the point; a float32 result makes float32's rounding the one to allow for."""
        value = self._scalar(self.params)
        if value.dtype.kind == "f":
            self.eps = max(self.eps, float(np.finfo(value.dtype).eps))
        return value.item()

    def along(self, name: str, direction: np.ndarray, step: float | complex) -> float | complex:
        """f with ``params[name]`` moved by ``step * direction``."""
        moved = dict(self.params)
        moved[name] = self.params[name] + step * direction
        return self(moved)

    def values(self, name: str, index: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """f at ``x + steps[k] e_{index[k]}`` in parameter *name*, for every k."""
        param, out = self.params[name], []
        for flat, step in zip(index, steps, strict=True):
            direction = np.zeros(param.shape)
            direction.flat[flat] = 1.0
            out.append(self.along(name, direction, step))
        return np.array(out)


# --- numerical references ----------------------------------------------------------------


@dataclass
class _Numeric:
    """Numerical derivatives of m entries (or probes) and their error estimates."""

    value: np.ndarray
    estimate: np.ndarray
    step: np.ndarray
    nonfinite: np.ndarray  # "" or which evaluation was not finite
    evaluations: int


def _steps(
    scale: np.ndarray, x: np.ndarray, eps: float, step: float | None, order: int = 2
) -> np.ndarray:
    """The steps for a difference of truncation order *order*: eps^(1/(order + 1)) scale."""
    h = eps ** (1 / (order + 1)) * scale if step is None else np.full(len(scale), float(step))
    return (x + h) - x  # the step actually taken


def _nonfinite(*labelled: tuple[str, np.ndarray]) -> np.ndarray:
    out = np.full(len(labelled[0][1]), "", dtype=object)
    for label, values in labelled:
        bad = ~np.isfinite(values)
        out[bad] = np.where(out[bad] == "", label, out[bad] + ", " + label)
    return out


def _numeric(
    probe: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x: np.ndarray,
    scale: np.ndarray,
    f0: float,
    method: str,
    eps: float,
    step: float | None,
) -> _Numeric:
    """Differentiate along m coordinates; ``probe(which, steps)`` evaluates f there."""
    m = len(x)
    which = np.arange(m)
    if method == "complex":
        v = probe(which, np.full(m, 1j * COMPLEX_STEP))
        if m and not np.iscomplexobj(v):
            raise TypeError(
                "f is not complex-safe (it dropped the imaginary part): use method='richardson'"
            )
        value = v.imag / COMPLEX_STEP
        estimate = 4 * eps * np.abs(value)
        return _Numeric(value, estimate, np.full(m, COMPLEX_STEP), _nonfinite(("f(x+ih)", v)), m)
    h = _steps(scale, x, eps, step, 2 if method == "central" else 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        fp, fm = np.split(probe(np.r_[which, which], np.r_[h, -h]), 2)
        d1 = (fp - fm) / (2 * h)
        round1 = eps * (np.abs(fp) + np.abs(fm)) / (2 * h)
        if method == "central":
            # truncation h^2 |f'''| / 6, estimated as h |D+ - D-| / 6s, taking f''' ~ f'' / s
            truncation = np.abs((fp - f0) - (f0 - fm)) / (6 * scale)
            value, estimate, evaluations = d1, round1 + truncation, 2 * m
            labels = (("f(x+h)", fp), ("f(x-h)", fm))
        else:
            gp, gm = np.split(probe(np.r_[which, which], np.r_[h / 2, -h / 2]), 2)
            d2 = (gp - gm) / h
            round2 = eps * (np.abs(gp) + np.abs(gm)) / h
            value = (4 * d2 - d1) / 3
            estimate = np.abs(d1 - d2) / 3 + (4 * round2 + round1) / 3
            evaluations = 4 * m
            labels = (("f(x+h)", fp), ("f(x-h)", fm), ("f(x+h/2)", gp), ("f(x-h/2)", gm))
    return _Numeric(value, estimate, h, _nonfinite(*labels), evaluations)


@dataclass
class _Verdicts:
    status: np.ndarray  # indices into SEVERITY
    numeric: np.ndarray
    tolerance: np.ndarray
    note: np.ndarray  # of str
    evaluations: int


def _judge(
    a: np.ndarray,
    numeric: _Numeric,
    floor: np.ndarray,
    probe: Callable,
    x: np.ndarray,
    scale: np.ndarray,
    f0: float,
    eps: float,
    step: float | None,
) -> _Verdicts:
    """Give every entry its status; re-examine failures for kinks."""
    n = numeric.value.astype(np.float64)
    with np.errstate(invalid="ignore"):
        tolerance = SAFETY * numeric.estimate + floor
        error = np.abs(a - n)
        status = np.where(error <= tolerance, PASS, FAIL)
    note = np.full(len(a), "", dtype=object)
    status[numeric.step == 0] = STEP_UNDERFLOW
    note[numeric.step == 0] = "x + h == x"
    bad_a, bad_n = ~np.isfinite(a), numeric.nonfinite != ""
    status[bad_a | bad_n] = NONFINITE
    note[bad_a & bad_n] = "both: analytic and " + numeric.nonfinite[bad_a & bad_n]
    note[bad_a & ~bad_n] = "analytic"
    note[~bad_a & bad_n] = "numeric: " + numeric.nonfinite[~bad_a & bad_n]
    failing = np.flatnonzero(status == FAIL)
    with np.errstate(divide="ignore", invalid="ignore"):
        failing = failing[np.argsort(-(error[failing] / tolerance[failing]))][:MAX_REEXAMINED]
    evaluations = 0
    if len(failing):
        evaluations = _reexamine(
            failing, a, n, tolerance, status, note, floor, probe, x, scale, f0, eps, step
        )
    return _Verdicts(status, n, tolerance, note, evaluations)


def _reexamine(failing, a, n, tolerance, status, note, floor, probe, x, scale, f0, eps, step):
    """One-sided differences at h and h/2 tell a kink from a wrong gradient."""
    h = _steps(scale[failing], x[failing], eps, step)
    h = np.where(h == 0, eps ** (1 / 3) * scale[failing], h)
    steps = np.r_[h, -h, h / 2, -h / 2]
    fp, fm, gp, gm = np.split(probe(np.r_[failing, failing, failing, failing], steps), 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        right1, left1 = (fp - f0) / h, (f0 - fm) / h
        right2, left2 = 2 * (gp - f0) / h, 2 * (f0 - gm) / h
        noise = SAFETY * eps * (abs(f0) + np.abs(gp) + np.abs(gm)) * 2 / h
        jump1, jump2 = right1 - left1, right2 - left2
        kink = (np.abs(jump2) > 0.75 * np.abs(jump1)) & (np.abs(jump2) > noise)
        slack = tolerance[failing] + np.abs(right1 - right2) + np.abs(left1 - left2) + noise
        low, high = np.minimum(left2, right2) - slack, np.maximum(left2, right2) + slack
        analytic = a[failing]
        bracketed = (low <= analytic) & (analytic <= high)
        # away from a kink: the central difference at h/2, with its own estimate
        central = (gp - gm) / h
        central_tol = floor[failing] + SAFETY * (
            eps * (np.abs(gp) + np.abs(gm)) / h + np.abs(jump2) * h / (12 * scale[failing])
        )
        smooth_pass = ~kink & (np.abs(analytic - central) <= central_tol)
    for k, entry in enumerate(failing):
        if kink[k] and bracketed[k]:
            nearest = min(left2[k], right2[k], key=lambda d: abs(d - analytic[k]))
            status[entry], n[entry] = KINK, nearest
            note[entry] = f"kink: one-sided {left2[k]:.6g} | {right2[k]:.6g}"
        elif kink[k]:
            note[entry] = f"at a kink, outside the one-sided {left2[k]:.6g} | {right2[k]:.6g}"
        elif smooth_pass[k]:
            status[entry], n[entry], tolerance[entry] = PASS, central[k], central_tol[k]
    return 4 * len(failing)


# --- the check ---------------------------------------------------------------------------


def _as_params(x) -> tuple[dict[str, np.ndarray], bool]:
    if isinstance(x, Mapping):
        params = {str(k): _float_array(v, str(k)) for k, v in x.items()}
        if not params:
            raise ValueError("x is an empty mapping: nothing to check")
        return params, False
    return {"x": _float_array(x, "x")}, True


def _float_array(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if not (np.issubdtype(array.dtype, np.number) and not np.iscomplexobj(array)):
        raise TypeError(f"{name} must be a real numeric array, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _analytic(grads, params: dict, single: bool) -> dict[str, np.ndarray]:
    if single and not isinstance(grads, Mapping):
        grads = {"x": grads}
    if not isinstance(grads, Mapping):
        raise TypeError("grad must return a mapping of arrays when x is a mapping")
    out = {}
    for name, param in params.items():
        if name not in grads:
            raise ValueError(f"the gradient has no entry {name!r}")
        g = np.asarray(grads[name])
        if g.shape != param.shape:
            raise ValueError(f"gradient {name} has shape {g.shape}, the parameter {param.shape}")
        out[name] = g
    return out


def _same(first: np.ndarray, second: np.ndarray) -> bool:
    return np.array_equal(np.asarray(first), np.asarray(second), equal_nan=True)


def evaluations(sizes: Mapping[str, int], method: str, mode: str, samples: int, probes: int) -> int:
    """Return the number of evaluations of f a check will make (before any re-examination)."""
    _validate(method, mode, samples, probes)
    per = EVALUATIONS_PER_ENTRY[method]
    if mode == "full":
        entries = sum(sizes.values())
    elif mode == "sample":
        entries = sum(min(size, samples) for size in sizes.values())
    else:
        entries = probes * len(sizes)
    return 2 + per * entries


def _validate(method: str, mode: str, samples: int, probes: int) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    if method == "mpmath" and mode == "directional":
        raise ValueError("method 'mpmath' checks entries: use mode 'full' or 'sample'")
    if probes < 3:
        raise ValueError(f"probes must be at least 3 (zero-mean random directions), got {probes}")


@dataclass(frozen=True)
class Options:
    """How a check runs: the reference, which entries, the random choices (validated)."""

    method: str = "richardson"
    mode: str = "full"
    samples: int = 10
    probes: int = 3
    seed: int | None = 0
    step: float | None = None
    verbose: bool = False

    def __post_init__(self):
        _validate(self.method, self.mode, self.samples, self.probes)


def run(
    evaluator: Evaluator,
    analytic: Callable[[], dict[str, np.ndarray]],
    dtype: np.dtype,
    options: Options,
) -> Report:
    """Check *analytic* (called twice, for determinism) against *evaluator*'s function.

    *dtype* is the analytic gradient's (it sets the rounding allowed to it).
    """
    eps_analytic = float(np.finfo(dtype).eps)
    sizes = {name: p.size for name, p in evaluator.params.items()}
    planned = evaluations(sizes, options.method, options.mode, options.samples, options.probes)
    if options.verbose:
        print(f"gradient check: {planned} evaluations of f planned", file=sys.stderr)
    f0, f0_again = evaluator.value(), evaluator.value()
    evaluator.f0 = float(np.real(f0))
    first, second = analytic(), analytic()
    rng = np.random.default_rng(options.seed)
    context = _Context(evaluator, options, eps_analytic)
    parameters, extra = [], 0
    for name, param in evaluator.params.items():
        a = np.asarray(first[name], np.float64)
        if options.mode == "directional":
            check, used = _directional(context, name, a, options.probes, rng)
        else:
            chosen = np.arange(param.size)
            if options.mode == "sample" and param.size > options.samples:
                chosen = np.sort(rng.choice(param.size, options.samples, replace=False))
            check, used = _entries(context, name, a, chosen)
        if not _same(first[name], second[name]):
            noise = np.nanmax(np.abs(np.asarray(first[name], float) - second[name]))
            check.status, check.note = Status.NONDETERMINISTIC, f"grad differs by {noise:.1e}"
        if not _same(f0, f0_again):
            check.status = Status.NONDETERMINISTIC
            check.note = f"f differs by {abs(f0 - f0_again):.1e} between two calls"
        parameters.append(check)
        extra += used
    notes = []
    if eps_analytic > np.finfo(np.float64).eps:
        notes.append(f"the analytic gradient is {np.dtype(dtype).name}; references are in float64")
    return Report(options.method, options.mode, 2 + extra, parameters, notes)


@dataclass
class _Context:
    evaluator: Evaluator
    options: Options
    eps_analytic: float


def _entries(ctx: _Context, name: str, a_all: np.ndarray, chosen: np.ndarray):
    ev, x_all = ctx.evaluator, ctx.evaluator.params[name].ravel()
    a, x = a_all.ravel()[chosen], x_all[chosen]
    scale = np.maximum(1.0, np.abs(x))

    def probe(which, steps):
        return ev.values(name, chosen[which], steps)

    f0 = ev.base(name)
    if ctx.options.method == "mpmath":
        exact = ev.derivatives(name, chosen)
        nonfinite = _nonfinite(("mpmath", exact))
        numeric = _Numeric(exact, np.zeros(len(a)), np.full(len(a), np.nan), nonfinite, len(a))
    else:
        numeric = _numeric(probe, x, scale, f0, ctx.options.method, ev.eps, ctx.options.step)
    top = np.max(np.abs(a_all), initial=0.0) if np.all(np.isfinite(a_all)) else 0.0
    floor = FLOOR * ctx.eps_analytic * (np.abs(a) + top)
    v = _judge(a, numeric, floor, probe, x, scale, f0, ev.eps, ctx.options.step)
    check = _summary(name, ev.params[name].shape, chosen, a, v, numeric.step)
    check.reference = np.full(ev.params[name].shape, np.nan)
    check.reference.flat[chosen] = v.numeric
    return check, numeric.evaluations + v.evaluations


def _summary(name, shape, labels, a, v: _Verdicts, steps, probes: bool = False) -> Parameter:
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.abs(a - v.numeric)
        relative = error / np.maximum(np.abs(a) + np.abs(v.numeric), np.finfo(np.float64).tiny)
        badness = np.where(np.isfinite(error), error / v.tolerance, np.inf)
    severity = v.status
    worst = int(np.lexsort((np.nan_to_num(badness, nan=np.inf), severity))[-1]) if len(a) else 0
    counts = {
        SEVERITY[code].value: int(count)
        for code, count in enumerate(np.bincount(severity, minlength=len(SEVERITY)))
        if count
    }
    label = labels[worst] if probes else entry_name(name, shape, labels[worst])
    finite = relative[np.isfinite(relative)]
    return Parameter(
        name=name,
        shape=tuple(shape),
        checked=len(a),
        counts=counts,
        status=SEVERITY[int(severity.max())] if len(a) else Status.PASS,
        worst=str(label),
        analytic=float(a[worst]) if len(a) else 0.0,
        numeric=float(v.numeric[worst]) if len(a) else 0.0,
        tolerance=float(v.tolerance[worst]) if len(a) else 0.0,
        step=float(steps[worst]) if len(a) else 0.0,
        max_rel_error=float(finite.max()) if len(finite) else float("nan"),
        note=str(v.note[worst]) if len(a) else "",
        probes=probes,
    )


def _directional(ctx: _Context, name: str, a_all: np.ndarray, probes: int, rng):
    """K random zero-mean directions; on a failure, bisect down to one entry."""
    ev = ctx.evaluator
    x = ev.params[name]
    directions = [_direction(rng, x.shape, np.arange(x.size)) for _ in range(probes)]
    v, evaluations = _probe_directions(ctx, name, a_all, directions)
    check = _summary(
        name, x.shape, [f"probe {k + 1}" for k in range(probes)], v[0], v[1], v[2], probes=True
    )
    if check.status != Status.FAIL:
        return check, evaluations
    candidates = np.arange(x.size)
    while len(candidates) > 1:
        halves = np.array_split(candidates, 2)
        for half in halves:
            result, used = _probe_directions(ctx, name, a_all, [_direction(rng, x.shape, half)])
            evaluations += used
            if result[1].status[0] == FAIL:
                candidates = half
                break
        else:
            break  # each half passes alone: the error is spread out
    if len(candidates) == 1:
        entry, used = _entries(ctx, name, a_all, candidates)
        evaluations += used
        if entry.status == Status.FAIL:
            entry.checked, entry.probes = probes, True
            entry.counts = check.counts
            entry.note = f"located by bisection; {entry.note}".rstrip("; ")
            return entry, evaluations
    check.note = f"not located to one entry ({len(candidates)} candidates)"
    return check, evaluations


def _direction(rng, shape, support: np.ndarray) -> np.ndarray:
    u = np.zeros(int(np.prod(shape)))
    u[support] = rng.standard_normal(len(support))
    return (u / np.max(np.abs(u))).reshape(shape)


def _probe_directions(ctx: _Context, name: str, a_all: np.ndarray, directions: list):
    ev = ctx.evaluator
    x_norm = np.max(np.abs(ev.params[name]), initial=0.0)
    k = len(directions)

    def probe(which, steps):
        return np.array(
            [ev.along(name, directions[w], s) for w, s in zip(which, steps, strict=True)]
        )

    a = np.array([np.sum(a_all * u) for u in directions])
    scale = np.full(k, max(1.0, x_norm))
    zero = np.zeros(k)
    f0 = ev.base(name)
    numeric = _numeric(probe, zero, scale, f0, ctx.options.method, ev.eps, ctx.options.step)
    floor = (
        FLOOR
        * ctx.eps_analytic
        * np.array([np.sum(np.abs(a_all * u)) + abs(s) for u, s in zip(directions, a, strict=True)])
    )
    v = _judge(a, numeric, floor, probe, zero, scale, f0, ev.eps, ctx.options.step)
    return (a, v, numeric.step), numeric.evaluations + v.evaluations


def gradcheck(
    f: Callable,
    grad: Callable,
    x,
    *,
    method: str = "richardson",
    mode: str = "full",
    samples: int = 10,
    probes: int = 3,
    seed: int | None = 0,
    step: float | None = None,
    verbose: bool = False,
) -> Report:
    r"""Check that ``grad(x)`` is the gradient of the scalar function ``f(x)``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It is called with float64 arrays (complex128 for
        ``method="complex"``), with *x*'s structure.
    grad : callable
        ``grad(x) -> array`` (or a mapping of arrays when *x* is a mapping), the claimed
        gradient; its dtype sets the rounding the check allows it.
    x : array_like or mapping of str to array_like
        The point, a single array or named arrays (``{"W1": ..., "b1": ...}``).
    method : {"richardson", "central", "complex"}
        The numerical reference (see the module docstring).
    mode : {"full", "sample", "directional"}
        Every entry (``2P + 1`` evaluations for ``central``), *samples* random entries of
        every array, or *probes* random zero-mean directions per array (cost independent
        of the size; a failure is localised by bisection).
    samples, probes, seed : int
        Entries per array in ``sample`` mode, directions per array in ``directional`` mode
        (at least 3), and the seed of the random choices.
    step : float, optional
        An absolute step replacing :math:`\epsilon^{1/3} \max(1, |x_i|)`.
    verbose : bool
        Print the planned number of evaluations to stderr before running.

    Returns
    -------
    Report
        ``report.ok``, ``str(report)`` (at most 20 lines), ``report.to_dict()``,
        ``report.assert_ok()``.

    Examples
    --------
    >>> import numpy as np
    >>> report = gradcheck(lambda x: np.sum(x**3), lambda x: 3 * x**2, np.array([1.0, -2.0]))
    >>> report.ok, report.max_rel_error < 1e-9
    (True, True)
    >>> gradcheck(lambda x: np.sum(x**3), lambda x: 2 * x**2, np.array([1.0, -2.0])).ok
    False
    """
    options = Options(method, mode, samples, probes, seed, step, verbose)
    params, single = _as_params(x)
    evaluator = Evaluator(f, params, single)

    def analytic() -> dict[str, np.ndarray]:
        return _analytic(grad(params["x"] if single else params), params, single)

    dtypes = [g.dtype for g in analytic().values() if g.dtype.kind == "f"]
    dtype = max(dtypes, key=lambda d: np.finfo(d).eps, default=np.dtype(np.float64))
    return run(evaluator, analytic, dtype, options)
