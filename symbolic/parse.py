"""A safe parser for user expressions: Python's ``ast`` grammar, a whitelist, no ``eval``.

Only numbers, the declared variables, ``+ - * / ** ^``, parentheses and the functions in
:data:`FUNCTIONS` are accepted; anything else (attributes, subscripts, strings, lambdas,
keywords, unknown names) is rejected with its column. The expression is never executed:
the syntax tree is walked and SymPy objects are built from it.
"""

from __future__ import annotations

import ast

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
"""Functions a user expression may call, by name."""
CONSTANTS = {"pi": sp.pi, "e": sp.E}
MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT, MAX_DIGITS = 2000, 60, 1000, 100
_OPERATORS = {
    ast.Add: sp.Add,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: sp.Mul,
    ast.Div: lambda a, b: a / b,
}


class ExpressionError(ValueError):
    """A user expression that gradproof will not parse (the message says where and why)."""


def _fail(node: ast.AST | None, message: str) -> ExpressionError:
    where = (
        f" at column {node.col_offset + 1}"
        if node is not None and hasattr(node, "col_offset")
        else ""
    )
    return ExpressionError(f"{message}{where}")


def _power(base: sp.Expr, exponent: sp.Expr, node: ast.AST) -> sp.Expr:
    if exponent.is_number and abs(exponent) > MAX_EXPONENT:
        raise _fail(node, f"exponent larger than {MAX_EXPONENT}")
    if base.is_number and exponent.is_number and abs(base) > MAX_EXPONENT:
        raise _fail(node, f"power of a number larger than {MAX_EXPONENT}")
    return base**exponent


class _Builder:
    def __init__(self, variables: dict[str, sp.Symbol]):
        self.names = {**CONSTANTS, **variables}

    def build(self, node: ast.AST, depth: int = 0) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise _fail(node, f"expression nested deeper than {MAX_DEPTH}")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise _fail(node, f"{type(node).__name__.lower()} is not allowed")
        return method(node, depth + 1)

    def _Expression(self, node, depth):
        return self.build(node.body, depth)

    def _Constant(self, node, depth):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _fail(node, f"{type(node.value).__name__} literals are not allowed")
        if isinstance(node.value, int) and len(str(abs(node.value))) > MAX_DIGITS:
            raise _fail(node, f"integer with more than {MAX_DIGITS} digits")
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)

    def _Name(self, node, depth):
        if node.id not in self.names:
            raise _fail(node, f"unknown name {node.id!r}")
        return self.names[node.id]

    def _UnaryOp(self, node, depth):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _fail(node, "only unary + and - are allowed")
        value = self.build(node.operand, depth)
        return -value if isinstance(node.op, ast.USub) else value

    def _BinOp(self, node, depth):
        left, right = self.build(node.left, depth), self.build(node.right, depth)
        if isinstance(node.op, (ast.Pow, ast.BitXor)):
            return _power(left, right, node)
        if type(node.op) not in _OPERATORS:
            raise _fail(node, f"operator {type(node.op).__name__} is not allowed")
        return _OPERATORS[type(node.op)](left, right)

    def _Call(self, node, depth):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", type(node.func).__name__.lower())
            raise _fail(node, f"unknown function {name!r}; known: {', '.join(FUNCTIONS)}")
        if node.keywords or not node.args:
            raise _fail(node, f"{node.func.id}() takes positional arguments only")
        return FUNCTIONS[node.func.id](*(self.build(a, depth) for a in node.args))


def parse_expression(text: str, variables: tuple[str, ...] = ("x",)) -> sp.Expr:
    """Parse *text* into a SymPy expression in the real *variables*, without ``eval``.

    Raises
    ------
    ExpressionError
        For anything outside the grammar, with the column of the problem.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    for name in variables:
        if not name.isidentifier() or name in FUNCTIONS or name in CONSTANTS:
            raise ExpressionError(f"invalid variable name {name!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"syntax error at column {error.offset or 0}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression nested deeper than {MAX_DEPTH}") from None
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return _Builder(symbols).build(tree)
