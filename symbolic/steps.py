"""Derivations as data: steps (rule, before, after, note), each verified before it is shown.

A :class:`Step` claims ``before == after`` by a named textbook :class:`Rule`. Unevaluated
``Derivative`` objects may appear on either side; verification evaluates them with SymPy's
own ``diff`` (the ground truth) and proves the equality with :func:`symbolic.proof.prove_equal`.
Steps in index notation (``Sum``, ``KroneckerDelta``, ``Indexed``) are checked at every
index value for C = 2 and C = 3 classes. An ``ASSUMPTION`` step holds only under its
stated substitution, which verification applies to ``before`` first.
"""

from __future__ import annotations

import enum
import functools
import itertools
from dataclasses import dataclass, field

import sympy as sp

from symbolic.proof import ProofError, prove_equal


class Rule(enum.Enum):
    """The textbook rule a step applies; the value is the name shown in documents."""

    DEFINITION = "definition"
    REWRITE = "rewrite"
    CONSTANT = "constant rule"
    IDENTITY = "d/dx x = 1"
    SUM = "sum rule"
    CONSTANT_MULTIPLE = "constant multiple rule"
    PRODUCT = "product rule"
    QUOTIENT = "quotient rule"
    POWER = "power rule"
    EXP = "exponential rule"
    LOG = "logarithm rule"
    CHAIN = "chain rule"
    KNOWN = "known derivative"
    COMBINE = "combine"
    SIMPLIFY = "simplify"
    CASE_SPLIT = "case split"
    KRONECKER = "Kronecker-delta combine"
    ASSUMPTION = "assumption"
    SUBSTITUTE = "substitute back"
    EVALUATE = "evaluate"
    NUMERIC_CHECK = "numeric check"


@dataclass(frozen=True)
class Step:
    """One verified equality of a derivation.

    Attributes
    ----------
    rule : Rule
        The rule that justifies ``before == after``.
    before, after : sympy.Expr
        The two sides; unevaluated ``Derivative`` objects are allowed.
    note : str
        One line of justification (why, not what).
    substeps : tuple of Step
        Sub-derivations (e.g. of the inner function of a chain rule).
    given : dict
        The substitution under which the equality holds, applied to both sides after
        derivatives are evaluated: an assumption (``{Sum(t_i): 1}``), a case (``{j: i}``,
        ``{z: p}`` with p > 0) or a definition (``{y: Lambda(k, softmax_k)}``).
    note_zh : str
        The note in Chinese (the seed is bilingual); the English note is used if empty.
    """

    rule: Rule
    before: sp.Expr
    after: sp.Expr
    note: str = ""
    substeps: tuple[Step, ...] = ()
    given: dict = field(default_factory=dict)
    note_zh: str = ""

    def verify(self) -> None:
        """Raise :class:`~symbolic.proof.ProofError` unless this step (and its substeps) hold."""
        for step in self.substeps:
            step.verify()
        before, after = (_given(evaluated(side), self.given) for side in (self.before, self.after))
        check_equal(before, after, f"{self.rule.value}: {self.note or self.before}")


@dataclass(frozen=True)
class Derivation:
    """A named derivation: its steps and the ground truth its result must equal.

    Attributes
    ----------
    name : str
        Catalogue name (``"sigmoid"``) or ``"expr"`` for a user's expression.
    title : str
        One line shown above the steps.
    lhs : sympy.Expr
        What is derived, e.g. ``Derivative(sigmoid(z), z)``.
    steps : tuple of Step
        In order; ``result`` is the ``after`` of the last step that is not an evaluation
        at numbers (those checks come last).
    truth : sympy.Expr or None
        Ground truth (``sympy.diff`` of the definition) that ``result`` must equal; for a
        derivative in one variable the result is also checked by central differences.
    title_zh : str
        The title in Chinese.
    """

    name: str
    title: str
    lhs: sp.Expr
    steps: tuple[Step, ...]
    truth: sp.Expr | None = None
    title_zh: str = ""

    @property
    def result(self) -> sp.Expr:
        """The derived expression: the last step that is not a check at numbers."""
        derived = [s for s in self.steps if s.rule not in (Rule.EVALUATE, Rule.NUMERIC_CHECK)]
        return (derived or self.steps)[-1].after

    def verify(self) -> Derivation:
        """Verify every step and the result against the ground truth; return self."""
        for step in self.steps:
            step.verify()
        if self.truth is not None:
            check_equal(self.truth, self.result, f"{self.name}: result against sympy.diff")
            lhs = self.lhs
            if isinstance(lhs, sp.Derivative) and lhs.expr.free_symbols == set(lhs.variables):
                finite_difference_check(lhs.expr, self.result, lhs.variables[0])
        return self

    def text(self, lang: str = "en") -> str:
        """Return the derivation as plain text with Unicode math."""
        from symbolic.render import derivation_text

        return derivation_text(self, lang)

    def latex(self, lang: str = "en", standalone: bool = False) -> str:
        """Return the derivation as LaTeX (``align*``), optionally a whole document."""
        from symbolic.render import derivation_latex

        return derivation_latex(self, lang, standalone)

    def markdown(self, lang: str = "en") -> str:
        """Return the derivation as Markdown with ``$$`` math (renders on GitHub)."""
        from symbolic.render import derivation_markdown

        return derivation_markdown(self, lang)

    def _repr_latex_(self) -> str:
        return self.latex()

    def _repr_markdown_(self) -> str:
        return self.markdown()


@functools.cache
def evaluated(expr: sp.Expr) -> sp.Expr:
    """Evaluate the derivatives and substitutions in *expr*, once per expression.

    Unlike ``doit()`` this leaves sums over a symbolic number of classes alone (SymPy
    would try to evaluate them, slowly and for nothing); derivations and their checks
    share the cache.
    """
    expr = sp.sympify(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit(deep=False))
    return expr.replace(lambda e: isinstance(e, sp.Subs), lambda e: e.doit())


def _given(expr: sp.Expr, given: dict) -> sp.Expr:
    """Apply a step's stated substitution; an ``IndexedBase`` maps to a ``Lambda`` of its index."""
    for key, value in given.items():
        if isinstance(key, sp.IndexedBase):
            expr = expr.replace(
                lambda e, key=key: isinstance(e, sp.Indexed) and e.base == key,
                lambda e, value=value: value(*e.indices),
            )
        else:
            expr = expr.xreplace({key: value})
    return expr


def flatten(steps: tuple[Step, ...], prefix: str = "") -> list[tuple[str, Step]]:
    """Return ``(number, step)`` pairs in reading order: substeps first, as 2.1, 2.2, ..."""
    out = []
    for index, step in enumerate(steps, 1):
        number = f"{prefix}{index}"
        out += flatten(step.substeps, number + ".")
        out.append((number, step))
    return out


def _is_indexed(expr: sp.Expr) -> bool:
    return bool(expr.atoms(sp.Indexed, sp.KroneckerDelta, sp.Sum))


def _instances(expr: sp.Expr) -> list[dict]:
    """Substitutions that instantiate index notation: C = 2, 3 and every free index value."""
    from symbolic.rowwise import C

    free = sorted((s for s in expr.free_symbols if s.is_integer and s != C), key=str)
    cases = []
    for n in (2, 3):
        for values in itertools.product(range(1, n + 1), repeat=len(free)):
            cases.append({C: n, **dict(zip(free, values, strict=True))})
    return cases


def _explicit(expr: sp.Expr, case: dict) -> sp.Expr:
    expr = expr.xreplace(case).doit()
    return expr.replace(
        lambda e: isinstance(e, sp.Indexed),
        lambda e: sp.Symbol(f"{e.base}{e.indices[0]}", real=True),
    )


def numeric_value(expr: sp.Expr, digits: int = 45) -> sp.Float:
    """Evaluate a number node by node (much faster than ``evalf`` of a nested expression)."""
    nodes = sp.bottom_up(expr, lambda n: n.evalf(digits) if n.is_number and not n.is_Atom else n)
    return sp.Float(nodes.evalf(digits), digits)


def check_equal(a: sp.Expr, b: sp.Expr, what: str) -> None:
    """Prove ``a == b`` after evaluating derivatives; index notation is instantiated."""
    a, b = evaluated(a), evaluated(b)
    if a == b:  # the same expression tree (e.g. a step whose after is SymPy's own diff)
        return
    if isinstance(a, (sp.MatrixBase, sp.MatrixExpr)):
        a, b = sp.Matrix(a.as_explicit()), sp.Matrix(b.as_explicit())
        for index, (left, right) in enumerate(zip(a, b, strict=True)):
            check_equal(left, right, f"{what} [entry {index}]")
        return
    if a.is_number and b.is_number and (a.has(sp.Float) or b.has(sp.Float)):
        left, right = numeric_value(a), numeric_value(b)
        if abs(left - right) > sp.Float("1e-25") * max(1, abs(left)):
            raise ProofError(f"{what}: {sp.N(left, 20)} != {sp.N(right, 20)}")
        return
    if not (_is_indexed(a) or _is_indexed(b)):
        prove_equal(a, b, what)
        return
    cases = _instances(a - b)
    if not cases:
        raise ProofError(f"{what}: no index values to check")
    for case in cases:
        prove_equal(_explicit(a, case), _explicit(b, case), f"{what} at {case}")


__all__ = [
    "Rule",
    "Step",
    "Derivation",
    "flatten",
    "check_equal",
    "finite_difference_check",
    "ProofError",
]


def finite_difference_check(expr: sp.Expr, derivative: sp.Expr, x: sp.Symbol) -> None:
    """Compare *derivative* with a central difference of *expr* at a few points (30 digits).

    The difference is taken at 60 digits with h = 1e-20: its rounding (1e-40) and its
    truncation (h^2 times the third derivative over 6) stay far below the 1e-15 tolerance
    even for steep functions such as exp(exp(exp(x))). Points where either side is not
    finite (a kink, a pole) are skipped.

    Raises
    ------
    ProofError
        If the two differ by more than the difference's own error at any point.
    """
    h = sp.Float("1e-20", 60)
    for point in ("0.3", "-1.7", "2.9"):
        at = sp.Float(point, 60)
        analytic = derivative.xreplace({x: at}).doit().evalf(30)
        left, right = (expr.xreplace({x: at + s * h}).evalf(60) for s in (-1, 1))
        if not all(v.is_finite for v in (analytic, left, right)):
            continue
        numeric = (right - left) / (2 * h)
        if abs(analytic - numeric) > 1e-15 * max(1, abs(analytic)):
            raise ProofError(f"d/d{x} {expr} at {point}: {analytic} != finite difference {numeric}")
