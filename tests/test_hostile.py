"""Hostile and malformed expressions: each is refused quickly, with one line, running nothing.

The corpus covers the known ways into ``eval``/``sympify`` (dunder walks, builtins,
SymPy constructors, f-strings, walrus, comprehensions, keywords, starred arguments),
every operator and literal outside the grammar, Unicode look-alikes that Python's NFKC
normalisation would turn into ASCII names, and inputs built to exhaust the parser, SymPy
or the derivation (length, nesting, huge numbers and exponents). The tests run in an
empty folder and payloads would create a file there or set an environment variable, so
execution would be seen.
"""

import ast
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derivations import derive_expression
from symbolic.parse import ExpressionError, TimeLimitError, _check, parse_expression

SENTINEL_FILE, SENTINEL_VARIABLE = "pwned", "GRADPROOF_PWNED"

INJECTION = [
    "__import__('os').system('touch pwned')",
    '__import__("os").system("touch pwned")',
    "__import__(x).system(x)",
    "__import__('os').environ.__setitem__('GRADPROOF_PWNED', '1')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.__class__.__mro__",
    "x.func",
    "sigmoid.__globals__",
    "exp.__globals__['__builtins__']",
    "getattr(x, '__class__')",
    "getattr(x, x)",
    'exec(\'open("pwned", "w")\')',
    "exec(x)",
    "eval('1')",
    "eval(x)",
    "open('pwned', 'w')",
    "open(x)",
    "compile(x, x, x)",
    "globals()",
    "vars()",
    "breakpoint()",
    "print(x)",
    "lambda: __import__('os')",
    "(lambda x: x)(1)",
    'f\'{__import__("os").system("touch pwned")}\'',
    "(x:=1)",
    "[x for x in (1, 2)]",
    "(x for x in x)",
    "{x: 1}",
    "{x}",
    "exp(*x)",
    "exp(**x)",
    "exp(x=1)",
    "Function('f')(x)",
    "Symbol('x')",
    "Symbol(x)",
    "sympify(x)",
    "S(1)",
    "Integer(1)",
    "x.subs(x, 1)",
    "__builtins__",
    "__import__",
    "__class__",
    "_",
    "x; __import__('os')",
    "x\n__import__('os')",
    "x # __import__('os')",
    "import os",
    "await x",
    "(yield x)",
]
"""Ways into ``eval``, ``exec`` and ``sympify``."""

OUTSIDE_GRAMMAR = [
    "b'x'",
    "'x'",
    '"x"',
    "x[0]",
    "exp(x)[0]",
    "x if x else x",
    "x < 1",
    "x == x",
    "x is x",
    "x in x",
    "x and x",
    "not x",
    "x & x",
    "x | x",
    "x << 1",
    "~x",
    "x % 2",
    "x // 2",
    "x @ x",
    "x, x",
    "1j",
    "0x10",
    "1_000",
    "True",
    "None",
    "...",
    "factorial(x)",
    "x!",
    "gamma(x)",
    "y",
    "nan",
    "inf",
    "oo",
    "zoo",
    "I",
    "x(x)",
    "exp(x)(x)",
    "pi(x)",
    "exp",
]
"""Operators, literals, names and calls that the grammar does not have."""

MALFORMED = [
    "",
    "   ",
    "\n",
    "\t",
    "\x00",
    "(x",
    "x)",
    "((x)",
    "x +",
    "* x",
    "x ^",
    "x ** * 2",
    "x,",
    "x;",
    "x\t+ 1",
    "x\\\n+ 1",
    "x\r+ 1",
    "sigmoid(x, x)",
    "max()",
    "max(x)",
    "exp()",
    "sqrt(x, 2)",
    "log(x, 2)",
    "exp(,)",
]
"""Broken syntax, forbidden whitespace and wrong numbers of arguments."""

UNICODE = [
    "ｅｘｐ(x)",
    "х",
    "__ｉｍｐｏｒｔ__('os')",
    "2*𝑥",
    "ℯ^x",
    "x²",
    "ⅹ",
    "x\u00a0+ 1",
    "x\u200b",
    "x\u2028+ 1",
    "x\ufeff",
]
"""Look-alikes that NFKC-normalise to ASCII names, and invisible or line-breaking spaces."""

EXHAUSTING = [
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 999 + "x" + ")" * 999,
    "-" * 10_000 + "x",
    "-" * 1_999 + "x",
    "x**" * 666 + "x",
    "exp(" * 399 + "x" + ")" * 399,
    "1" + "0" * 100_000,
    "1" + "0" * 101,
    "x+" * 1_000 + "x",
    "9**9**9**9",
    "x**(10**10)",
    "10**1000",
    "2**10000",
    "(10*x)**1000",
    "((9*x)**1000)**1000",
    "2*9**99*9**99",
    "exp(exp(exp(exp(1000))))",
    "sigmoid(" * 59 + "1" + ")" * 59,
    "tanh(" * 59 + "2" + ")" * 59,
    "exp(1000)",
    "1e309",
    "1e308*10",
    "1e200*x*1e200",
    "x**1e300",
    "1/0",
    "x/0",
    "x/(x - x)",
    "log(0)",
    "sqrt(-1)",
    "0**-1",
    "(x - x)^-1",
    "sqrt(-x^2)",
]
"""Inputs built to exhaust the parser, SymPy or the derivation."""

CORPUS = INJECTION + OUTSIDE_GRAMMAR + MALFORMED + UNICODE + EXHAUSTING


def _id(text: str) -> str:
    return ascii(text[:40]) + (f"...({len(text)})" if len(text) > 40 else "")


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Run in an empty folder; afterwards, no file was created and no variable was set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SENTINEL_VARIABLE, raising=False)
    yield tmp_path
    assert list(tmp_path.iterdir()) == []
    assert SENTINEL_VARIABLE not in os.environ


def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(CORPUS) >= 50 and len(set(CORPUS)) == len(CORPUS)


@pytest.mark.skipif(shutil.which("touch") is None, reason="needs the touch command")
def test_the_sentinels_would_see_execution(tmp_path, monkeypatch):
    # negative control: executed, two payloads of the corpus leave their marks
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SENTINEL_VARIABLE, raising=False)
    eval(INJECTION[0])
    eval(INJECTION[3])
    assert (tmp_path / SENTINEL_FILE).exists() and os.environ[SENTINEL_VARIABLE] == "1"


def _refuses(function, text: str) -> str:
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        function(text)
    assert time.perf_counter() - start < 2, "a safety bound, not a benchmark"
    message = str(info.value)
    assert message and len(message.splitlines()) == 1 and "\n" not in message
    assert isinstance(info.value, ValueError)
    return message


@pytest.mark.parametrize("text", CORPUS, ids=_id)
def test_the_parser_refuses(text, sandbox):
    _refuses(parse_expression, text)


@pytest.mark.parametrize("text", CORPUS, ids=_id)
def test_the_derivation_refuses(text, sandbox):
    _refuses(derive_expression, text)


def _python_reads(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return "#" not in text  # a comment is only text to Python: the character scan refuses it


@pytest.mark.parametrize(
    "text", [t for t in INJECTION + OUTSIDE_GRAMMAR if _python_reads(t)], ids=_id
)
def test_the_tree_whitelist_alone_refuses(text):
    # defence in depth: most payloads stop at the character scan; the second pass,
    # on Python's own syntax tree, must refuse them too
    assert _check(ast.parse(text, mode="eval"), text, ("x",)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "sigmoid(x)**sigmoid(x)**sigmoid(x)**sigmoid(x)",
        "exp(exp(exp(exp(x))))",
    ],
)
def test_expressions_too_slow_to_derive_hit_the_time_limit(text, sandbox):
    # valid expressions whose derivation and verification take minutes
    start = time.perf_counter()
    with pytest.raises(TimeLimitError, match=r"time limit of 0\.5 s"):
        derive_expression(text, time_limit=0.5)
    assert time.perf_counter() - start < 2


CLI_PAYLOADS = [
    "__import__('os').system('touch pwned')",
    "__ｉｍｐｏｒｔ__('os')",
    "(" * 10_000 + "x" + ")" * 10_000,
    "9**9**9**9",
    "x\n__import__('os')",
    "",
]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Run ``gradproof derive --expr PAYLOAD`` for each payload, all at once, in an empty folder."""
    folder = tmp_path_factory.mktemp("cli")
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop(SENTINEL_VARIABLE, None)
    command = [sys.executable, "-m", "derivations.cli", "derive", "--expr"]
    runs = {
        payload: subprocess.Popen(
            [*command, payload],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for payload in CLI_PAYLOADS
    }
    results = {payload: run.communicate(timeout=120) for payload, run in runs.items()}
    return folder, {payload: (runs[payload].returncode, *results[payload]) for payload in runs}


@pytest.mark.parametrize("payload", CLI_PAYLOADS, ids=_id)
def test_the_command_line_reports_one_error_line(payload, cli_runs):
    folder, results = cli_runs
    status, out, err = results[payload]
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("gradproof: error: --expr: ")
    assert "Traceback" not in err
    assert list(folder.iterdir()) == []
