"""A safe parser for user expressions: Python's ``ast`` grammar, a whitelist, no ``eval``.

Only decimal numbers, the declared variables, ``pi``, ``e``, ``+ - * /``, powers (``**``
or ``^``, which binds as in maths: ``-x^2`` is ``-(x**2)``), parentheses and the functions
in :data:`FUNCTIONS` are accepted. Three passes each report the column of the first problem:
the characters (printable ASCII only, so that no look-alike can be NFKC-normalised into a
name by Python), the syntax tree (node types, names, calls and literals on a whitelist,
nesting bounded) and the values SymPy builds (constants finite, real and within float64,
exponents and exact numbers bounded). Nothing is executed.
:func:`symbolic.timelimit.with_time_limit` bounds the time of what is done with the
expression afterwards.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import string
import sys
import unicodedata

import sympy as sp

from symbolic.functions import relu, sigmoid, softplus

FUNCTIONS = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "abs": sp.Abs,
    "sin": sp.sin,
    "cos": sp.cos,
    "tanh": sp.tanh,
    "erf": sp.erf,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "relu": relu,
    "max": sp.Max,
    "min": sp.Min,
}
"""Functions a user expression may call, by name: one argument each, except :data:`VARIADIC`."""
VARIADIC = frozenset({"max", "min"})
"""Functions that take two or more arguments."""
CONSTANTS = {"pi": sp.pi, "e": sp.E}
MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT, MAX_DIGITS, MAX_CONSTANT_CALLS = 2000, 60, 1000, 100, 4
"""Bounds: characters; nesting (of parentheses, and of the tree, where a flat chain such as
``a + b - c`` counts once); the size of a constant exponent; digits of an exact number;
functions nested in a constant (SymPy's time to decide the sign of ``sigmoid(sigmoid(...
(1)))``, which it does on construction, grows exponentially with the nesting)."""

_CHARACTERS = frozenset(string.ascii_letters + string.digits + " +-*/^().,_")
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # decimal literals only
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_DIGITS_BOUND = 10**MAX_DIGITS
_NOT_REAL = (sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity, sp.I)
_NAMES = {  # the node types that get past the character scan; others show their class name
    ast.IfExp: "if-else expression",
    ast.BoolOp: "'and'/'or'",
    ast.Compare: "comparison",
    ast.Tuple: "tuple (a comma outside a call)",
    ast.Starred: "starred argument",
    ast.GeneratorExp: "generator",
}


class ExpressionError(ValueError):
    """A user expression that gradproof will not parse (the message says where and why)."""


class TimeLimitError(ExpressionError):
    """Deriving or verifying a user expression took longer than its time limit."""


def _arithmetic_chain(node: ast.AST, child: ast.AST) -> bool:
    """Whether *child* continues the left spine of ``a + b - c * d ...`` (not nesting)."""
    return (
        isinstance(node, ast.BinOp)
        and type(node.op) in _ARITHMETIC
        and child is node.left
        and isinstance(child, ast.BinOp)
        and type(child.op) in _ARITHMETIC
    )


def _scan(text: str) -> None:
    """Reject characters outside the grammar and unbalanced or too deep parentheses."""
    opened: list[int] = []
    for column, char in enumerate(text, 1):
        if not char.isascii():
            name = unicodedata.name(char, "unnamed")
            raise ExpressionError(
                f"non-ASCII character U+{ord(char):04X} ({name}) at column {column}; "
                "expressions are ASCII only"
            )
        if char not in _CHARACTERS:
            raise ExpressionError(f"character {char!r} is not allowed at column {column}")
        if char == "(":
            opened.append(column)
            if len(opened) > MAX_DEPTH:
                raise ExpressionError(
                    f"parentheses nested deeper than {MAX_DEPTH} at column {column}"
                )
        elif char == ")" and not opened:
            raise ExpressionError(f"unmatched ')' at column {column}")
        elif char == ")":
            opened.pop()
    if opened:
        raise ExpressionError(f"'(' at column {opened[-1]} is never closed")


def _after(source: str, offset: int) -> int:
    """Offset of the first character at or after *offset* that is not a blank or a ')'."""
    return len(source) - len(source[offset:].lstrip(" )"))


def _problem(node: ast.expr, source: str, variables: tuple[str, ...]) -> tuple[int, str] | None:
    """Return ``(offset, message)`` if *node* itself is outside the grammar, else None."""
    where = node.col_offset
    if isinstance(node, ast.BinOp) and not isinstance(node.op, (*_ARITHMETIC, ast.Pow)):
        start = _after(source, node.left.end_col_offset)  # the operator, e.g. //
        symbol = source[start : node.right.col_offset].strip(" (")
        return start, f"operator {symbol!r} is not allowed"
    if isinstance(node, ast.UnaryOp) and type(node.op) not in _UNARY:
        return where, f"operator {type(node.op).__name__.lower()!r} is not allowed"
    if isinstance(node, ast.Name) and node.id in FUNCTIONS:
        return where, f"function {node.id!r} must be called, as in {node.id}(x)"
    if isinstance(node, ast.Name) and node.id not in variables and node.id not in CONSTANTS:
        return where, f"unknown name {node.id!r} (variables: {', '.join(variables)})"
    if isinstance(node, ast.Constant):
        return _literal_problem(node, source[where : node.end_col_offset])
    if isinstance(node, ast.Call):
        return _call_problem(node, source)
    if isinstance(node, ast.Attribute):
        name_offset = node.end_col_offset - len(node.attr)
        return name_offset, f"attribute access '.{node.attr}' is not allowed"
    if not isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Name)):
        return where, f"{_NAMES.get(type(node), type(node).__name__)} is not allowed"
    return None


def _literal_problem(node: ast.Constant, literal: str) -> tuple[int, str] | None:
    if not isinstance(node.value, (int, float)) or not _NUMBER.fullmatch(literal):
        return node.col_offset, f"{literal!r} is not a decimal number"
    if isinstance(node.value, int) and len(literal) > MAX_DIGITS:
        return node.col_offset, f"integer with more than {MAX_DIGITS} digits"
    if not math.isfinite(node.value):
        return node.col_offset, "number out of the float64 range"
    return None


def _call_problem(node: ast.Call, source: str) -> tuple[int, str] | None:
    if not isinstance(node.func, ast.Name):  # e.g. exp(x)(y): the column of the second (
        return _after(source, node.func.end_col_offset), "only the named functions can be called"
    name = node.func.id
    if name not in FUNCTIONS:
        return node.col_offset, f"unknown function {name!r}; known: {', '.join(FUNCTIONS)}"
    if node.keywords:
        return node.col_offset, f"{name}() takes no keyword arguments"
    if name in VARIADIC and len(node.args) < 2:
        return node.col_offset, f"{name}() takes at least 2 arguments ({len(node.args)} given)"
    if name not in VARIADIC and len(node.args) != 1:
        return node.col_offset, f"{name}() takes 1 argument ({len(node.args)} given)"
    return None


def _check(tree: ast.Expression, source: str, variables: tuple[str, ...]) -> tuple[int, str] | None:
    """Return the leftmost ``(offset, message)`` outside the grammar, or None; no recursion."""
    problems, stack = [], [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        problem = _problem(node, source, variables)
        if problem is None and depth > MAX_DEPTH:
            problem = node.col_offset, f"expression nested deeper than {MAX_DEPTH}"
        if problem is not None:
            problems.append(problem)
        if depth > MAX_DEPTH:
            continue
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            children.remove(node.func)  # a known function's name, checked by _call_problem
        for child in children:
            if isinstance(child, ast.expr):
                stack.append((child, depth if _arithmetic_chain(node, child) else depth + 1))
    return min(problems, default=None)


def _digits(base: sp.Expr) -> float:
    """Digits (log10) of the largest exact number that a power of *base* raises with it."""
    digits = 0.0
    for factor in sp.Mul.make_args(base):  # SymPy distributes integer powers over a product
        number, power = (factor.base, factor.exp) if factor.is_Pow else (factor, sp.S.One)
        if number.is_Rational and power.is_Rational:
            digits = max(digits, math.log10(max(abs(number.p), number.q)) * abs(float(power)))
    return digits


def _calls(expr: sp.Expr) -> int:
    """How deeply function applications nest in *expr*; walked without recursion."""
    deepest, stack = 0, [(expr, 0)]
    while stack:
        part, depth = stack.pop()
        depth += part.is_Function
        deepest = max(deepest, depth)
        stack.extend((arg, depth) for arg in part.args)
    return deepest


class _Builder:
    """Build the SymPy expression of a checked tree, and check the numbers it computes.

    ``build`` returns each part with its value, a 15-digit Float when the part has no
    variable (else None), computed from the values of its own parts: checking a constant
    costs one evaluation at float64 numbers, however deeply it nests (``evalf`` of a deep
    exact constant can take minutes).
    """

    def __init__(self, variables: dict[str, sp.Symbol], columns: list[int]):
        self.names, self.columns = {**CONSTANTS, **variables}, columns

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(f"{message} at column {self.columns[node.col_offset]}")

    def number(self, value: sp.Expr | None, node: ast.AST) -> sp.Float | None:
        """Return *value* as a Float (None stays None); it must be a real float64 number."""
        if value is None:
            return None
        if value.is_Rational and max(abs(value.p), value.q) >= _DIGITS_BOUND:
            raise self.fail(node, f"number with more than {MAX_DIGITS} digits")
        try:
            value = value.evalf(15)
            real = value.is_Number and value.is_finite
        except (ArithmeticError, TypeError, ValueError):
            real = False
        if not real:
            raise self.fail(node, "constant that is not a finite real number")
        if abs(float(value)) > sys.float_info.max:
            raise self.fail(node, "constant out of the float64 range")
        return value

    def real(self, expr: sp.Expr, node: ast.AST) -> sp.Expr:
        if expr.has(*_NOT_REAL):
            raise self.fail(node, "not a finite real number (SymPy makes it I, oo or nan)")
        return expr

    def build(self, node: ast.AST) -> tuple[sp.Expr, sp.Float | None]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, *self.build(node.left), *self.build(node.right))
        if isinstance(node, ast.BinOp):
            return self.chain(node)
        if isinstance(node, ast.UnaryOp):
            expr, value = self.build(node.operand)
            sign = _UNARY[type(node.op)]
            return sign(expr), None if value is None else sign(value)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name):
            expr = self.names[node.id]
            return expr, expr.evalf(15) if node.id in CONSTANTS else None
        expr = sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        return expr, expr.evalf(15)

    def chain(self, node: ast.BinOp) -> tuple[sp.Expr, sp.Float | None]:
        """``a + b - c * d / e``: walk the left spine iteratively (its length is not depth)."""
        spine = []
        while isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            spine.append(node)
            node = node.left
        expr, value = self.build(node)
        for link in reversed(spine):
            right, right_value = self.build(link.right)
            if isinstance(link.op, ast.Div) and (right == 0 or right_value == 0):
                raise self.fail(link.right, "division by zero")
            operation = _ARITHMETIC[type(link.op)]
            expr = operation(expr, right)
            if value is not None and right_value is not None:
                value = self.number(operation(value, right_value), link)
            else:
                value = None
            for coefficient in (expr.as_coeff_Mul()[0], expr.as_coeff_Add()[0]):  # cheap
                self.number(coefficient, link)  # e.g. 1e200*x*1e200
        return expr, value

    def power(self, node: ast.BinOp, base, base_value, exponent, exponent_value):
        if exponent_value is not None and abs(exponent_value) > MAX_EXPONENT:
            raise self.fail(node.right, f"exponent larger than {MAX_EXPONENT}")
        if exponent.is_Rational and _digits(base) * abs(float(exponent)) >= MAX_DIGITS:
            raise self.fail(node, f"power with more than {MAX_DIGITS} digits")
        value = None
        if base_value is not None and exponent_value is not None:
            value = self.number(base_value**exponent_value, node)
        return self.real(base**exponent, node), value

    def call(self, node: ast.Call) -> tuple[sp.Expr, sp.Float | None]:
        function = FUNCTIONS[node.func.id]
        exprs, values = zip(*(self.build(arg) for arg in node.args), strict=True)
        if all(e.is_number for e in exprs) and max(map(_calls, exprs)) >= MAX_CONSTANT_CALLS:
            raise self.fail(
                node, f"constant with functions nested deeper than {MAX_CONSTANT_CALLS}"
            )
        value = None if None in values else self.number(function(*values), node)
        return self.real(function(*exprs), node), value


def _finished(expr: sp.Expr) -> sp.Expr:
    """Check the numbers of the whole expression (SymPy may have merged or distributed some)."""
    for number in expr.atoms(sp.Rational):
        if max(abs(number.p), number.q) >= _DIGITS_BOUND:
            raise ExpressionError(f"the expression has a number with more than {MAX_DIGITS} digits")
    for number in expr.atoms(sp.Float):
        if not abs(float(number)) <= sys.float_info.max:
            raise ExpressionError("the expression has a number out of the float64 range")
    if expr.has(*_NOT_REAL):
        raise ExpressionError("the expression is not real or not finite (it has I, oo or nan)")
    return expr


def parse_expression(text: str, variables: tuple[str, ...] = ("x",)) -> sp.Expr:
    """Parse *text* into a SymPy expression in the real *variables*, without ``eval``.

    Raises
    ------
    ExpressionError
        For anything outside the grammar or its bounds, with a one-line message that
        gives the column (counted from 1) of the first problem.

    Examples
    --------
    >>> parse_expression("x*sigmoid(x)^2 + max(x, 0)")
    x*sigmoid(x)**2 + Max(0, x)
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    for name in variables:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or name in {*FUNCTIONS, *CONSTANTS}:
            raise ExpressionError(f"invalid variable name {name!r}")
    _scan(text)
    tree, source, columns = _tree(text)
    problem = _check(tree, source, variables)
    if problem is not None:
        raise ExpressionError(f"{problem[1]} at column {columns[problem[0]]}")
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return _finished(_Builder(symbols, columns).build(tree.body)[0])


def _tree(text: str) -> tuple[ast.Expression, str, list[int]]:
    """Return the syntax tree, the source it was read from and the column of each offset."""
    # ^ is a power, as in maths; in Python it is xor, with a lower precedence than * and +
    blank, stripped = len(text) - len(text.lstrip(" ")), text.lstrip(" ")
    source = stripped.replace("^", "**")
    columns = [blank + i + 1 for i, char in enumerate(stripped) for _ in char.replace("^", "^^")]
    columns.append(len(text) + 1)  # columns count from 1; the last one is the end
    try:
        return ast.parse(source, mode="eval"), source, columns
    except SyntaxError as error:
        offset = min(error.offset or len(source) + 1, len(source) + 1) - 1
        message = " ".join(str(error.msg).split())
        raise ExpressionError(f"syntax error at column {columns[offset]}: {message}") from None
    except (RecursionError, MemoryError):  # the scan bounds nesting; this is a second guard
        raise ExpressionError(f"expression nested deeper than {MAX_DEPTH}") from None


__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "VARIADIC",
    "ExpressionError",
    "TimeLimitError",
    "parse_expression",
]
