"""The report of a gradient check: statuses, one line per parameter, JSON, assert_ok.

A report never prints whole matrices: each parameter gets one line naming its worst entry
(``W1[1,0]``), with the analytic and numeric values, the tolerance and the step, and the
whole text is at most :data:`MAX_LINES` lines.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

import numpy as np

METHODS = {
    "central": "central differences, h = eps^(1/3) max(1, |x|)",
    "richardson": "Richardson extrapolation of central differences at h and h/2, "
    "h = eps^(1/5) max(1, |x|)",
    "complex": "complex step, h = 1e-20",
    "mpmath": "mpmath at 50 digits (exact; expressions and primitives only)",
}
"""Numerical references by name, with the one-line description the report prints."""

MODES = {
    "full": "every entry",
    "sample": "a random sample of entries of every parameter",
    "directional": "random directions, then bisection to the bad entry",
}
"""Which entries are checked, by name."""

MAX_LINES = 20


class Status(enum.Enum):
    """The verdict on one checked entry (or one parameter: its worst entry's)."""

    PASS = "PASS"
    KINK = "KINK"  # one-sided derivatives differ and the analytic value lies between them
    STEP_UNDERFLOW = "STEP_UNDERFLOW"  # x + h == x: the difference says nothing
    NONDETERMINISTIC = "NONDETERMINISTIC"  # f or grad differ on a second call
    NONFINITE = "NONFINITE"  # the analytic value, a function value, or both are not finite
    FAIL = "FAIL"


SEVERITY = list(Status)
"""Statuses from best to worst; arrays of statuses hold these indices."""
PASS, KINK, STEP_UNDERFLOW, NONDETERMINISTIC, NONFINITE, FAIL = range(len(SEVERITY))
PASSING = (Status.PASS, Status.KINK)


class GradientCheckError(AssertionError):
    """Raised by :meth:`Report.assert_ok`; the message is the report."""


@dataclass
class Parameter:
    """The check of one parameter (array): counts, the worst entry and its figures."""

    name: str
    shape: tuple[int, ...]
    checked: int
    counts: dict[str, int]
    status: Status
    worst: str
    analytic: float
    numeric: float
    tolerance: float
    step: float
    max_rel_error: float
    note: str = ""
    probes: bool = False
    reference: np.ndarray | None = field(default=None, repr=False)
    """The numerical derivative of every checked entry (NaN elsewhere); None for probes."""

    def to_dict(self) -> dict:
        """The check as JSON-ready data."""
        return {
            "name": self.name,
            "shape": list(self.shape),
            "status": self.status.value,
            "checked": self.checked,
            "unit": "probes" if self.probes else "entries",
            "counts": self.counts,
            "max_rel_error": _number(self.max_rel_error),
            "worst": {
                "entry": self.worst,
                "analytic": _number(self.analytic),
                "numeric": _number(self.numeric),
                "abs_error": _number(abs(self.analytic - self.numeric)),
                "tolerance": _number(self.tolerance),
                "step": _number(self.step),
            },
            "note": self.note,
        }


def _number(value: float) -> float | str:
    value = float(value)
    return value if math.isfinite(value) else str(value)


@dataclass
class Report:
    """The result of a gradient check; ``str(report)`` is its text (at most 20 lines)."""

    method: str
    mode: str
    evaluations: int
    parameters: list[Parameter]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every checked entry passes (a KINK passes when bracketed)."""
        return all(p.status in PASSING for p in self.parameters)

    @property
    def max_rel_error(self) -> float:
        """The largest CS231n relative error over all checked entries."""
        return max((p.max_rel_error for p in self.parameters), default=0.0)

    def assert_ok(self) -> None:
        """Raise :class:`GradientCheckError` with the report's text unless :attr:`ok`."""
        if not self.ok:
            raise GradientCheckError("\n" + str(self))

    def to_dict(self) -> dict:
        """The report as JSON-ready data."""
        return {
            "ok": self.ok,
            "method": self.method,
            "mode": self.mode,
            "evaluations": self.evaluations,
            "max_rel_error": _number(self.max_rel_error),
            "parameters": [p.to_dict() for p in self.parameters],
            "notes": self.notes,
        }

    def __str__(self) -> str:
        head = [
            f"gradient check: {METHODS[self.method]}; mode {self.mode} ({MODES[self.mode]}); "
            f"{self.evaluations} evaluations of f",
            f"{'parameter':<10} {'status':<9} {'checked':>9} {'max rel err':>11}  {'worst':<10}"
            f" {'analytic':>16} {'numeric':>16} {'tolerance':>9} {'step':>8}",
        ]
        shown = sorted(self.parameters, key=lambda p: -SEVERITY.index(p.status))
        room = MAX_LINES - len(head) - 1 - min(len(self.notes), 2)
        if len(shown) > room:
            shown, hidden = shown[: room - 1], shown[room - 1 :]
        else:
            hidden = []
        order = {id(p): k for k, p in enumerate(self.parameters)}
        lines = [_line(p) for p in sorted(shown, key=lambda p: order[id(p)])]
        if hidden:
            statuses = sorted({p.status.value for p in hidden})
            lines.append(f"... {len(hidden)} more parameters ({', '.join(statuses)})")
        failed = [p for p in self.parameters if p.status not in PASSING]
        kinks = sum(p.counts.get("KINK", 0) for p in self.parameters)
        if failed:
            verdict = "FAILED: " + ", ".join(f"{p.name} {p.status.value}" for p in failed)
        else:
            verdict = "ok: every checked entry passes"
            if kinks:
                verdict += f" ({kinks} at kinks, bracketed by the one-sided derivatives)"
        return "\n".join(head + lines + [verdict] + self.notes[:2])


def _line(p: Parameter) -> str:
    checked = f"{p.checked} probes" if p.probes else f"{p.checked}/{math.prod(p.shape)}"
    step = f"{p.step:>8.1e}" if math.isfinite(p.step) else f"{'-':>8}"
    text = (
        f"{p.name:<10} {p.status.value:<9} {checked:>9} {p.max_rel_error:>11.1e}  "
        f"{p.worst:<10} {p.analytic:>16.9e} {p.numeric:>16.9e} {p.tolerance:>9.1e} {step}"
    )
    return text + (f"  {p.note}" if p.note else "")


def entry_name(name: str, shape: tuple[int, ...], flat: int) -> str:
    """Return the entry's name in index notation, e.g. ``W1[1,0]``."""
    if not shape:
        return name
    return f"{name}[{','.join(str(int(k)) for k in np.unravel_index(flat, shape))}]"
