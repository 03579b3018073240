"""The user-expression parser: its grammar, its columns, its bounds and its time limit.

Two oracles for the grammar: hand-written SymPy expressions, and (property-based) an
independent evaluation of randomly generated expressions with Python's ``math``.
"""

import ast
import math
import signal
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derivations import derive_expression
from symbolic.functions import relu, sigmoid, softplus
from symbolic.parse import (
    FUNCTIONS,
    MAX_CONSTANT_CALLS,
    MAX_DEPTH,
    MAX_LENGTH,
    VARIADIC,
    ExpressionError,
    TimeLimitError,
    parse_expression,
)
from symbolic.timelimit import TIME_LIMIT, with_time_limit

x, y = sp.symbols("x y", real=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", x),
        ("3", sp.Integer(3)),
        ("1.5e-3*x", sp.Float("1.5e-3") * x),
        (".5 + 1.", sp.Float(1.5)),
        ("x^2", x**2),
        ("x**2", x**2),
        ("2^3^2", sp.Integer(512)),  # right-associative, as in maths
        ("-x^2", -(x**2)),
        ("2 + 3*4", sp.Integer(14)),
        ("x/2/2", x / 4),
        ("(x + 1)*(x - 1)", (x + 1) * (x - 1)),
        ("+x", x),
        ("x ++ 1", x + 1),  # valid Python: x + (+1); accepted on purpose
        ("2*-x", -2 * x),
        ("pi*x + e", sp.pi * x + sp.E),
        ("e^x", sp.exp(x)),
        ("max(x, 0, 1)", sp.Max(x, 1)),
        ("x*sigmoid(x)", x * sigmoid(x)),
        ("softplus(x) - relu(x)", softplus(x) - relu(x)),
        ("  x + 1  ", x + 1),
    ],
)
def test_the_grammar_builds_the_expected_expression(text, expected):
    assert parse_expression(text) == expected


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_is_callable(name):
    text = f"{name}(x, 1)" if name in VARIADIC else f"{name}(x)"
    args = (x, 1) if name in VARIADIC else (x,)
    assert parse_expression(text) == FUNCTIONS[name](*args)


def test_several_variables():
    assert parse_expression("x*y + y^2", ("x", "y")) == x * y + y**2


@pytest.mark.parametrize("name", ["", "1x", "exp", "pi", "__class__", "x.y", "х"])
def test_invalid_variable_names_are_rejected(name):
    with pytest.raises(ExpressionError, match="invalid variable name"):
        parse_expression("1", (name,))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.__class__", r"attribute access '\.__class__' is not allowed at column 3"),
        ("x.y(x)", r"attribute access '\.y' is not allowed at column 3"),
        ("x[0]", r"character '\[' is not allowed at column 2"),
        ("'x'", r"""character "'" is not allowed at column 1"""),
        ("lambda: x", r"character ':' is not allowed at column 7"),
        ("exp(x, base=2)", r"character '=' is not allowed at column 12"),
        ("x # comment", r"character '#' is not allowed at column 3"),
        ("x\n+ 1", r"character '\\n' is not allowed at column 2"),
        ("x\t+ 1", r"character '\\t' is not allowed at column 2"),
        ("y", r"unknown name 'y' \(variables: x\) at column 1"),
        ("1 + x + __class__", r"unknown name '__class__' .*at column 9"),
        ("  y", r"unknown name 'y' .*at column 3"),
        ("foo(x) + bar", r"unknown function 'foo'; known: exp, log, .* at column 1"),
        ("__import__(x).system(x)", r"unknown function '__import__'.* at column 1"),
        ("exp", r"function 'exp' must be called, as in exp\(x\) at column 1"),
        ("exp(x)(x)", r"only the named functions can be called at column 7"),
        ("sigmoid(x, x)", r"sigmoid\(\) takes 1 argument \(2 given\) at column 1"),
        ("exp()", r"exp\(\) takes 1 argument \(0 given\) at column 1"),
        ("x + max(x)", r"max\(\) takes at least 2 arguments \(1 given\) at column 5"),
        ("exp(**x)", r"exp\(\) takes no keyword arguments at column 1"),
        ("exp(*x)", r"starred argument is not allowed at column 5"),
        ("x // 2", r"operator '//' is not allowed at column 3"),
        ("(x) //(2)", r"operator '//' is not allowed at column 5"),
        ("not x", r"operator 'not' is not allowed at column 1"),
        ("x if x else x", r"if-else expression is not allowed at column 1"),
        ("x and x", r"'and'/'or' is not allowed at column 1"),
        ("x is x", r"comparison is not allowed at column 1"),
        ("x, x", r"tuple \(a comma outside a call\) is not allowed at column 1"),
        ("1j", r"'1j' is not a decimal number at column 1"),
        ("x + 0x1F", r"'0x1F' is not a decimal number at column 5"),
        ("1_000", r"'1_000' is not a decimal number at column 1"),
        ("True", r"'True' is not a decimal number at column 1"),
        ("x +", r"syntax error at column 4: invalid syntax"),
        ("(x", r"'\(' at column 1 is never closed"),
        ("x)", r"unmatched '\)' at column 2"),
    ],
)
def test_rejections_name_the_problem_and_its_column(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("ｅｘｐ(x)", 1),  # fullwidth letters: NFKC makes them 'exp'
        ("х", 1),  # Cyrillic small ha
        ("__ｉｍｐｏｒｔ__(x)", 3),  # NFKC makes it __import__
        ("2*𝑥", 3),  # mathematical italic x
        ("ℯ^x", 1),  # script e
        ("x²", 2),  # superscript two
        ("x\u00a0+ 1", 2),  # no-break space
        ("x\u200b", 2),  # zero-width space
        ("x\u2028+ 1", 2),  # line separator: the message must still be one line
    ],
)
def test_non_ascii_is_rejected_at_its_column(text, column):
    with pytest.raises(
        ExpressionError, match=rf"non-ASCII character U\+[0-9A-F]{{4,5}} .*column {column};"
    ) as info:
        parse_expression(text)
    assert len(str(info.value).splitlines()) == 1


def test_why_non_ascii_is_rejected_before_python_sees_it():
    # Python NFKC-normalises identifiers: a whitelist applied after ast.parse would see
    # '__import__' and 'exp', not what the user typed
    assert unicodedata.normalize("NFKC", "ｅｘｐ") == "exp"
    assert ast.parse("__ｉｍｐｏｒｔ__", mode="eval").body.id == "__import__"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x+" * (MAX_LENGTH // 2) + "x", f"longer than {MAX_LENGTH} characters"),
        (
            "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1),
            f"deeper than {MAX_DEPTH} at column 61",
        ),
        ("-" * (MAX_DEPTH + 1) + "x", f"nested deeper than {MAX_DEPTH}"),
        ("x**" * (MAX_DEPTH + 1) + "x", f"nested deeper than {MAX_DEPTH}"),
        ("1" * 101, "integer with more than 100 digits at column 1"),
        ("9**9**9**9", "exponent larger than 1000 at column 7"),
        ("x**1001", "exponent larger than 1000 at column 4"),
        ("x**(10**10)", "exponent larger than 1000 at column 5"),
        ("10**100", "power with more than 100 digits at column 1"),
        ("(10*x)**100", "power with more than 100 digits at column 1"),
        ("2*9**99*9**99", "number with more than 100 digits at column 1"),
        ("1e309", "number out of the float64 range at column 1"),
        ("1e308*10", "constant out of the float64 range at column 1"),
        ("1e200*x*1e200", "constant out of the float64 range at column 1"),
        ("exp(710)", "constant out of the float64 range at column 1"),
        ("exp(exp(exp(exp(1000))))", "constant out of the float64 range at column 13"),
        (
            "x*" + "sigmoid(" * 5 + "1" + ")" * 5,
            f"functions nested deeper than {MAX_CONSTANT_CALLS} at column 3",
        ),
        ("x/0", "division by zero at column 3"),
        ("x/(x - x)", "division by zero at column 4"),
        ("log(0)", "constant that is not a finite real number at column 1"),
        ("x*sqrt(-1)", "constant that is not a finite real number at column 3"),
        ("(x - x)^-1", r"not a finite real number \(SymPy makes it I, oo or nan\) at column 1"),
        ("sqrt(-x^2)", r"not a finite real number \(SymPy makes it I, oo or nan\) at column 1"),
    ],
    ids=lambda text: ascii(text[:30]) + (f"...({len(text)})" if len(text) > 30 else ""),
)
def test_bounds_are_clear_errors(text, message):
    start = time.perf_counter()
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "text",
    [
        "x+" * (MAX_LENGTH // 2 - 1) + "x",  # 1,999 characters: a flat sum is not nesting
        "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH,
        "1" * 100,
        "x**1000",
        "10**99",
        "exp(709)",
        "1e308",
        "max(" + "x, " * 600 + "1)",
        "sigmoid(" * 4 + "1" + ")" * 4,
        "sigmoid(" * 59 + "x" + ")" * 59,
    ],
    ids=lambda text: ascii(text[:30]) + (f"...({len(text)})" if len(text) > 30 else ""),
)
def test_inputs_at_the_bounds_are_accepted(text):
    start = time.perf_counter()
    assert isinstance(parse_expression(text), sp.Expr)
    assert time.perf_counter() - start < 2


def _busy() -> None:
    count = 0
    while True:
        count += 1


def _stubborn() -> None:
    """Swallow the first alarms with a bare except, as a careless library might."""
    for _ in range(3):
        try:
            _busy()
        except BaseException:  # the point of the test
            pass
    _busy()


@pytest.mark.parametrize("function", [_busy, _stubborn])
def test_time_limit_stops_python_code_and_cleans_up(function):
    def previous(signum, frame):
        raise AssertionError("the previous handler must not run")

    old = signal.signal(signal.SIGALRM, previous)
    try:
        start = time.perf_counter()
        with pytest.raises(TimeLimitError, match=r"^took longer than the time limit of 0\.2 s$"):
            with_time_limit(0.2, function)
        assert time.perf_counter() - start < 1.5
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) is previous
    finally:
        signal.signal(signal.SIGALRM, old)


def test_time_limit_error_is_an_expression_error_and_a_value_error():
    assert issubclass(TimeLimitError, ExpressionError) and issubclass(TimeLimitError, ValueError)
    assert TIME_LIMIT == 10


def test_time_limit_returns_results_and_passes_errors_through():
    handler = signal.getsignal(signal.SIGALRM)
    assert with_time_limit(5, lambda a, b: a + b, 2, 3) == 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with pytest.raises(KeyError):
        with_time_limit(5, {}.__getitem__, "missing")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_no_time_limit_when_infinite_or_outside_the_main_thread():
    assert with_time_limit(math.inf, signal.getitimer, signal.ITIMER_REAL) == (0.0, 0.0)
    results = []
    worker = threading.Thread(target=lambda: results.append(with_time_limit(0.01, time.sleep, 0.1)))
    worker.start()
    worker.join()
    assert results == [None]  # it ran to the end: no limit applies outside the main thread


def test_a_running_timer_of_someone_else_is_left_alone():
    old = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100)
        remaining = with_time_limit(0.01, lambda: signal.getitimer(signal.ITIMER_REAL)[0])
        assert remaining > 99
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("seconds", [0, -1, math.nan])
def test_time_limit_must_be_positive(seconds):
    with pytest.raises(ValueError, match="time limit must be positive"):
        with_time_limit(seconds, time.time)


def test_derivation_has_a_time_limit():
    # a tower of sigmoids: deriving and verifying it takes minutes
    start = time.perf_counter()
    with pytest.raises(TimeLimitError):
        derive_expression("sigmoid(x)**sigmoid(x)**sigmoid(x)**sigmoid(x)", time_limit=0.5)
    assert time.perf_counter() - start < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- property-based: random text, and random well-formed expressions -----------------

TOKENS = [*"x()+-*/^,. 0123456789e_", "**", "pi", "1e308", "1e-400", "9**9", "__class__"]
TOKENS += [*FUNCTIONS, "'", "[", "]", ":", "=", "#", ";", "\n", "\t", "lambda", "if", "else"]
TOKENS += ["and", "not", "is", "for", "in", "ｅ", "х", "\u2028", "\x00"]


def _parses_or_rejects_cleanly(text: str) -> None:
    start = time.perf_counter()
    try:
        assert isinstance(parse_expression(text), sp.Expr)
    except ExpressionError as error:
        assert str(error) and len(str(error).splitlines()) == 1
    assert time.perf_counter() - start < 2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.lists(st.sampled_from(TOKENS), max_size=80).map("".join))
def test_random_text_is_parsed_or_rejected_cleanly(text):
    _parses_or_rejects_cleanly(text)


EPS = 2.0**-52
Value = tuple[float, float] | None
"""A value by ``math`` and a bound of its rounding error in units of EPS (first order),
or None where ``math`` fails, the number is out of the parser's bounds, or the evaluation
is ill-conditioned (a divisor or logarithm whose exact value may be 0)."""


@dataclass(frozen=True)
class Node:
    """A generated expression: its text, and its evaluation by ``math`` at a point.

    The text has only the parentheses that Python's precedence needs (``precedence``:
    1 for + -, 2 for * /, 3 for unary minus, 4 for a power, 5 for an atom), so that the
    test also checks the parser's precedence and associativity.
    """

    text: str
    evaluate: Callable[[float], Value]
    constant: bool
    has_power: bool = False
    precedence: int = 5


def _wrap(node: Node, minimum: int) -> str:
    return node.text if node.precedence >= minimum else f"({node.text})"


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


REFERENCE = {  # the second oracle: each function of the grammar in Python's math
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "erf": math.erf,
    "sigmoid": _sigmoid,
    "softplus": lambda a: max(a, 0.0) + math.log1p(math.exp(-abs(a))),
    "relu": lambda a: max(a, 0.0),
    "max": max,
    "min": min,
}


def test_the_reference_covers_every_function():
    assert set(REFERENCE) == set(FUNCTIONS)


def _combine(text: str, rule, children: tuple[Node, ...], precedence: int, power=False) -> Node:
    """A node whose value is ``rule(*child values)`` -> ``(value, scale)`` (None: ill-posed)."""
    constant = all(child.constant for child in children)

    def evaluate(point: float) -> Value:
        values = [child.evaluate(point) for child in children]
        try:
            result = None if None in values else rule(*values)
        except (ArithmeticError, ValueError):
            return None
        if result is None or not math.isfinite(result[0]) or abs(result[0]) > 1e200:
            return None  # out of float64 in math, and kept away from the bound in SymPy
        if constant and abs(result[0]) > 1e99:
            return None  # an exact number with more than 100 digits: the parser says no
        return result[0], result[1] + abs(result[0])

    has_power = power or any(child.has_power for child in children)
    return Node(text, evaluate, constant, has_power, precedence)


def _divide(a, b):
    if abs(b[0]) <= 1e3 * EPS * b[1]:
        return None  # the divisor may be 0 exactly in SymPy
    value = a[0] / b[0]
    return value, (a[1] + abs(value) * b[1]) / abs(b[0])


BINARY = {
    "+": lambda a, b: (a[0] + b[0], a[1] + b[1]),
    "-": lambda a, b: (a[0] - b[0], a[1] + b[1]),
    "*": lambda a, b: (a[0] * b[0], abs(a[0]) * b[1] + abs(b[0]) * a[1]),
    "/": _divide,
}


def _call_rule(name: str):
    def rule(*args):
        a, scale = args[0][0], max(arg[1] for arg in args)
        if name in ("log", "sqrt") and abs(a) <= 1e3 * EPS * scale:
            return None  # the argument may be 0 exactly in SymPy
        value = REFERENCE[name](*(arg[0] for arg in args))
        if name == "exp":
            scale *= value
        elif name in ("log", "sqrt"):
            scale /= abs(a) if name == "log" else 2 * math.sqrt(abs(a))
        return value, scale

    return rule


def _binary(op: str, gap: str, a: Node, b: Node) -> Node:
    level = 1 if op in "+-" else 2  # left-associative: a right operand of the same level needs ()
    text = f"{_wrap(a, level)}{gap}{op}{gap}{_wrap(b, level + 1)}"
    return _combine(text, BINARY[op], (a, b), level)


def _negate(a: Node) -> Node:
    return _combine(f"-{_wrap(a, 3)}", lambda u: (-u[0], u[1]), (a,), 3)


def _power(a: Node, op: str, k: int) -> Node:
    def rule(u):
        return u[0] ** k, k * max(1.0, abs(u[0])) ** (k - 1) * u[1]

    # -x**2 is -(x**2) and x**2**3 is x**(2**3): a base that is not an atom needs ()
    return _combine(f"{_wrap(a, 5)}{op}{k}", rule, (a,), 4, power=True)


def _call(name: str, args: list[Node]) -> Node:
    text = f"{name}({', '.join(arg.text for arg in args)})"
    return _combine(text, _call_rule(name), tuple(args), 5)


def _leaf(text: str, value: float | None = None) -> Node:
    if value is None:  # the variable
        return Node(text, lambda point: (point, abs(point)), constant=False)
    return Node(text, lambda point: (value, abs(value)), constant=True)


def _extend(children):
    return st.one_of(
        children.map(_negate),
        st.builds(
            _binary, st.sampled_from(sorted(BINARY)), st.sampled_from(["", " "]), children, children
        ),
        # no power of a power: exact numbers would outgrow the parser's 100-digit bound
        st.builds(
            _power,
            children.filter(lambda a: not a.has_power),
            st.sampled_from(["^", "**"]),
            st.integers(2, 3),
        ),
        st.builds(
            lambda name, a: _call(name, [a]),
            st.sampled_from(sorted(set(FUNCTIONS) - VARIADIC)),
            children,
        ),
        st.builds(
            _call, st.sampled_from(sorted(VARIADIC)), st.lists(children, min_size=2, max_size=3)
        ),
    )


EXPRESSIONS = st.recursive(
    st.one_of(
        st.just(_leaf("x")),
        st.integers(0, 9).map(lambda n: _leaf(str(n), n)),
        st.sampled_from([0.5, 1.5, 2.25]).map(lambda v: _leaf(str(v), v)),
        st.sampled_from([("pi", math.pi), ("e", math.e)]).map(lambda c: _leaf(*c)),
    ),
    _extend,
    max_leaves=12,
)
"""Well-formed expressions of the grammar in x, each with its evaluation by ``math``."""


@settings(max_examples=200, deadline=None)
@given(EXPRESSIONS, st.floats(-4, 4, allow_nan=False))
def test_random_expressions_parse_to_their_value(node, point):
    reference = node.evaluate(point)
    assume(reference is not None)
    expr = parse_expression(node.text)
    got = float(expr.xreplace({x: sp.Float(point, 30)}).evalf(30))
    assert abs(got - reference[0]) <= 1e3 * EPS * max(1.0, reference[1]), node.text


@settings(max_examples=100, deadline=None)
@given(EXPRESSIONS, st.integers(0, 10_000), st.sampled_from(TOKENS))
def test_mutated_expressions_are_parsed_or_rejected_cleanly(node, where, token):
    where %= len(node.text) + 1
    _parses_or_rejects_cleanly(node.text[:where] + token + node.text[where:])
    _parses_or_rejects_cleanly(node.text[:where] + node.text[where + 1 :])
