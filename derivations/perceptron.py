"""``perceptron-xor`` (seed 1.1): a single-layer perceptron cannot compute XOR.

Linear separability of all 16 two-input Boolean functions, decided exactly in SymPy rationals:
a witness ``(w1, w2, b)`` or a Farkas certificate whose weighted sum of conditions reads 0 > 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import sympy as sp

from symbolic.proof import ProofError
from symbolic.steps import Derivation, Rule, Step

w1, w2, b = sp.symbols("w1 w2 b", real=True)
WEIGHTS = (w1, w2, b)
"""The unknowns of the perceptron ``y = step(w1 x1 + w2 x2 + b)``."""

INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
"""The order of every truth table: outputs at (0,0), (0,1), (1,0), (1,1)."""

XOR = (0, 1, 1, 0)

FUNCTIONS: tuple[tuple[str, Callable[[bool, bool], bool]], ...] = (
    ("FALSE", lambda x1, x2: False),
    ("AND", lambda x1, x2: x1 and x2),
    ("x1 AND NOT x2", lambda x1, x2: x1 and not x2),
    ("x1", lambda x1, x2: x1),
    ("NOT x1 AND x2", lambda x1, x2: not x1 and x2),
    ("x2", lambda x1, x2: x2),
    ("XOR", lambda x1, x2: x1 != x2),
    ("OR", lambda x1, x2: x1 or x2),
    ("NOR", lambda x1, x2: not (x1 or x2)),
    ("XNOR", lambda x1, x2: x1 == x2),
    ("NOT x2", lambda x1, x2: not x2),
    ("x1 OR NOT x2", lambda x1, x2: x1 or not x2),
    ("NOT x1", lambda x1, x2: not x1),
    ("NOT x1 OR x2", lambda x1, x2: not x1 or x2),
    ("NAND", lambda x1, x2: not (x1 and x2)),
    ("TRUE", lambda x1, x2: True),
)
"""The 16 two-input Boolean functions by their conventional names, as Python operators."""


def step(z: sp.Expr) -> int:
    """The perceptron's activation: ``step(z) = 1 if z > 0 else 0`` (decided exactly)."""
    return 1 if bool(sp.Gt(z, 0)) else 0


def linear_form(x: Sequence[int], evaluate: bool = True) -> sp.Expr:
    """Return the pre-activation ``w1*x1 + w2*x2 + b`` at the input *x*.

    With ``evaluate=False`` the products stay visible (``w1*0 + w2*1 + b``).
    """
    if evaluate:
        return w1 * x[0] + w2 * x[1] + b
    products = (
        sp.Mul(w, sp.Integer(xi), evaluate=False) for w, xi in zip(WEIGHTS[:2], x, strict=True)
    )
    return sp.Add(*products, b, evaluate=False)


def _check_table(truth_table: Sequence[int]) -> tuple[int, ...]:
    table = tuple(int(y) for y in truth_table)
    if len(table) != len(INPUTS) or set(table) - {0, 1} or table != tuple(truth_table):
        raise ValueError(f"a truth table is 4 outputs in {{0, 1}}, got {truth_table!r}")
    return table


def conditions(truth_table: Sequence[int]) -> tuple[sp.Rel, ...]:
    r"""Return the four conditions on ``(w1, w2, b)`` for computing *truth_table*.

    .. math:: w \cdot x + b > 0 \text{ where } f(x) = 1, \qquad
              w \cdot x + b \le 0 \text{ where } f(x) = 0.
    """
    table = _check_table(truth_table)
    return tuple(
        sp.Gt(linear_form(x), 0) if y else sp.Le(linear_form(x), 0)
        for x, y in zip(INPUTS, table, strict=True)
    )


def _rows(table: tuple[int, ...]) -> tuple[sp.Matrix, list[bool]]:
    """Conditions moved to one side, ``g_k = s_k (x1, x2, 1)·(w1, w2, b) {>, >=} 0``.

    ``s_k = +1`` (strict) where ``f = 1`` and ``s_k = -1`` (non-strict) where ``f = 0``.
    """
    sign = [1 if y else -1 for y in table]
    rows = sp.Matrix([[s * x[0], s * x[1], s] for s, x in zip(sign, INPUTS, strict=True)])
    return rows, [bool(y) for y in table]


def check_witness(truth_table: Sequence[int], weights: dict) -> dict:
    """Return *weights* if they satisfy all four conditions exactly; raise ProofError if not."""
    weights = {s: sp.Rational(weights[s]) for s in WEIGHTS}
    failed = [c for c in conditions(truth_table) if c.xreplace(weights) is not sp.true]
    if failed:
        raise ProofError(f"{weights} violates {failed} for {tuple(truth_table)}")
    return weights


def witness(truth_table: Sequence[int]) -> dict | None:
    r"""Return exact weights ``{w1, w2, b}`` computing *truth_table*, or None if none exist.

    The conditions are homogeneous in ``v = (w1, w2, b)``: if ``v`` satisfies them, so
    does ``v / \min_{f=1} g_k(v)``. Strict ``g_k > 0`` may therefore be replaced by
    ``g_k \ge 1`` without losing solutions. The rows ``(x1, x2, 1)`` have rank 3, so the
    polyhedron ``A v \ge c`` is pointed: it is non-empty iff one of its vertices (three
    constraints tight, solved exactly) satisfies the fourth. The smallest vertex is returned.
    """
    table = _check_table(truth_table)
    rows, strict = _rows(table)
    rhs = sp.Matrix([1 if s else 0 for s in strict])
    vertices = []
    for tight in itertools.combinations(range(len(INPUTS)), 3):
        sub = rows.extract(list(tight), [0, 1, 2])
        if sub.det() != 0:
            v = sub.LUsolve(rhs.extract(list(tight), [0]))
            if all(g >= 0 for g in rows * v - rhs):
                vertices.append(tuple(v))
    if not vertices:
        return None
    best = min(vertices, key=lambda v: (sum(abs(t) for t in v), v))
    return check_witness(table, dict(zip(WEIGHTS, best, strict=True)))


def combination(truth_table: Sequence[int], multipliers: Sequence[int]) -> sp.Expr:
    """Return ``Σ_{f=1} λ_k (w·x_k + b) − Σ_{f=0} λ_k (w·x_k + b)``, unevaluated.

    Zero multipliers are left out and unit multipliers are not written.
    """
    terms = []
    for x, y, lam in zip(INPUTS, _check_table(truth_table), multipliers, strict=True):
        coefficient = sp.Rational(lam) if y else -sp.Rational(lam)
        if coefficient == 1:
            terms.append(linear_form(x))
        elif coefficient != 0:
            terms.append(sp.Mul(coefficient, linear_form(x), evaluate=False))
    return sp.Add(*terms, evaluate=False)


def check_certificate(truth_table: Sequence[int], multipliers: Sequence[int]) -> dict:
    r"""Verify a Farkas certificate exactly and return it; raise ProofError if it fails.

    With ``g_k`` the conditions moved to one side (``g_k > 0`` where ``f = 1``,
    ``g_k \ge 0`` where ``f = 0``), a certificate is ``λ \ge 0`` with
    ``\sum_k λ_k g_k \equiv 0`` in ``(w1, w2, b)`` and ``\sum_{f=1} λ_k > 0``. Adding the
    conditions with these weights then gives ``0 > 0``, which no weights satisfy.
    """
    table = _check_table(truth_table)
    lam = tuple(sp.Rational(m) for m in multipliers)
    if len(lam) != len(INPUTS) or any(m < 0 for m in lam):
        raise ProofError(f"multipliers {lam} must be 4 non-negative numbers")
    combined = combination(table, lam)
    value = sp.expand(combined.doit())
    coefficients = {s: value.coeff(s) for s in WEIGHTS}
    strict = sum(m for m, y in zip(lam, table, strict=True) if y)
    if value != 0 or strict <= 0 or sp.Gt(value, 0) is not sp.false:
        raise ProofError(f"{lam} gives {value} {'>' if strict > 0 else '>='} 0: no contradiction")
    return {
        "multipliers": lam,
        "conditions": conditions(table),
        "combination": combined,
        "coefficients": coefficients,
        "combined": sp.StrictGreaterThan(value, 0, evaluate=False),
    }


def _primitive(values: Sequence[sp.Rational]) -> tuple[sp.Integer, ...]:
    """Scale non-negative rationals by a positive factor to coprime integers."""
    scaled = [v * sp.ilcm(*(sp.Rational(v).q for v in values), 1) for v in values]
    divisor = sp.igcd(*(int(v) for v in scaled))
    return tuple(sp.Integer(int(v) // divisor) for v in scaled)


def _vertex(rows: sp.Matrix, strict: list[bool], support: tuple[int, ...]) -> list | None:
    """Solve ``Σ_T λ_k g_k ≡ 0, Σ_{T, f=1} λ_k = 1`` on *support*; return a unique λ ≥ 0."""
    lam = sp.symbols(f"lambda0:{len(strict)}")
    free = [lam[k] for k in support]
    equations = [sum(lam[k] * rows[k, j] for k in support) for j in range(rows.cols)]
    equations.append(sum(lam[k] for k in support if strict[k]) - 1)
    for solution in sp.linsolve(equations, free):
        if not sp.Tuple(*solution).free_symbols and all(v >= 0 for v in solution):
            chosen = dict(zip(support, solution, strict=True))
            return [chosen.get(k, sp.Integer(0)) for k in range(len(strict))]
    return None


def certificate(truth_table: Sequence[int]) -> dict | None:
    r"""Return a verified Farkas certificate that *truth_table* is not separable, or None.

    Certificates are the points of ``\{λ \ge 0: \sum_k λ_k g_k \equiv 0,
    \sum_{f=1} λ_k = 1\}``, a pointed polyhedron. It is non-empty iff it has a vertex, i.e. a
    support ``T`` on which ``sympy.linsolve`` finds a unique, non-negative solution. Supports are
    tried smallest first; the multipliers are scaled to coprime integers.
    """
    table = _check_table(truth_table)
    rows, strict = _rows(table)
    for size in range(1, len(INPUTS) + 1):
        for support in itertools.combinations(range(len(INPUTS)), size):
            values = _vertex(rows, strict, support)
            if values is not None:
                return check_certificate(table, _primitive(values))
    return None


def separable(truth_table: Sequence[int]) -> tuple[bool, dict | None]:
    r"""Decide exactly whether ``y = step(w1 x1 + w2 x2 + b)`` can compute *truth_table*.

    Returns ``(True, witness)`` with exact weights satisfying
    ``w \cdot x + b > 0`` where ``f = 1`` and ``w \cdot x + b \le 0`` where ``f = 0``, or
    ``(False, certificate)`` (see :func:`check_certificate`). By Motzkin's transposition
    theorem exactly one of the two exists; finding neither raises RuntimeError.
    """
    found = witness(truth_table)
    if found is not None:
        return True, found
    proof = certificate(truth_table)
    if proof is None:
        raise RuntimeError(f"neither a witness nor a certificate for {tuple(truth_table)}")
    return False, proof


def xor_certificate() -> dict:
    r"""Return the exact Farkas certificate that no perceptron computes XOR.

    .. math:: λ_2 (w_2 + b) + λ_3 (w_1 + b) - λ_1 b - λ_4 (w_1 + w_2 + b) \equiv 0

    with ``λ = (1, 1, 1, 1)`` computed by :func:`certificate`; the weighted sum of the seed's
    four conditions then reads ``0 > 0``. Keys: ``multipliers``, ``conditions``,
    ``combination``, ``coefficients`` (of w1, w2, b, all 0) and ``combined`` (``0 > 0``).
    """
    proof = certificate(XOR)
    if proof is None:
        raise ProofError("no Farkas certificate found for XOR")
    return proof


def truth_table(function: Callable[[bool, bool], bool]) -> tuple[int, ...]:
    """Evaluate a Boolean function of (x1, x2) at :data:`INPUTS`."""
    return tuple(int(bool(function(bool(x1), bool(x2)))) for x1, x2 in INPUTS)


def boolean_functions() -> list[dict]:
    """Return all 16 two-input Boolean functions with their separability, decided exactly.

    Each entry has ``name``, ``truth_table``, ``separable``, and either ``witness``
    (``{w1, w2, b}`` as rationals) or ``certificate`` (as :func:`check_certificate`).
    """
    out = []
    for name, function in FUNCTIONS:
        table = truth_table(function)
        ok, evidence = separable(table)
        out.append(
            {
                "name": name,
                "truth_table": table,
                "separable": ok,
                "witness": evidence if ok else None,
                "certificate": None if ok else evidence,
            }
        )
    return out


def _condition_note(x: Sequence[int], y: int) -> str:
    relation = ">" if y else "<="
    return f"({x[0]},{x[1]}) -> {y}: w1*{x[0]} + w2*{x[1]} + b {relation} 0"


def derivation() -> Derivation:
    r"""Return ``perceptron-xor``: the seed's four XOR conditions and their contradiction.

    Steps 1-4 evaluate ``w_1 x_1 + w_2 x_2 + b`` at each input. Step 5 adds the strict
    conditions and subtracts the non-strict ones with the multipliers of
    :func:`xor_certificate`: the sum must be ``> 0``, yet it is identically ``0``.
    """
    proof = xor_certificate()
    steps = [
        Step(Rule.DEFINITION, linear_form(x, evaluate=False), linear_form(x), _condition_note(x, y))
        for x, y in zip(INPUTS, XOR, strict=True)
    ]
    combined = proof["combination"]
    note = (
        f"multipliers {tuple(int(m) for m in proof['multipliers'])}: conditions 2 and 3 give"
        " a sum > 0, conditions 1 and 4 subtract something <= 0, so the total is > 0; it is"
        " identically 0, so 0 > 0, a contradiction: no (w1, w2, b) computes XOR"
    )
    steps.append(Step(Rule.COMBINE, combined, sp.expand(combined.doit()), note))
    title = "A single-layer perceptron cannot compute XOR"
    return Derivation("perceptron-xor", title, lhs=combined, steps=tuple(steps), truth=None)
