"""One-line renderings of SymPy expressions in the seed's notation (terminal and LaTeX).

Plain text uses Unicode: ``σ(z)·(1 − σ(z))``, ``y_i·(δ_ij − y_j)``, ``Σ_k e^(z_k)``.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter as SymPyLatexPrinter
from sympy.printing.str import StrPrinter


def signed_sum(printer, expr: sp.Add, minus: str = "-") -> str:
    """Print a sum with its positive terms first: ``y - t``, ``δ_ij − y_j``."""
    terms = sorted(expr.args, key=lambda term: term.could_extract_minus_sign())
    out = printer._print(terms[0])
    for term in terms[1:]:
        sign, term = (f" {minus} ", -term) if term.could_extract_minus_sign() else (" + ", term)
        out += sign + printer.parenthesize(term, 40)
    return out


class TextPrinter(StrPrinter):
    """StrPrinter with the seed's symbols (σ, δ, Σ, subscripts) on one line.

    Factors print simplest first (``σ(z)·(1 − σ(z))``) and terms positive first
    (``δ_ij − y_j``), as the seed writes them.
    """

    printmethod = "_gradproof_text"  # bypass objects' own _sympystr (Indexed has one)

    def _print_Mul(self, expr):
        coeff, factors = expr.as_coeff_mul()
        if coeff.is_negative:
            return "-" + self._print(sp.Mul(-coeff, *factors, evaluate=False))
        numer = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        denom = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        numer.sort(key=lambda f: (f.is_Add, isinstance(f, sp.Function), sp.default_sort_key(f)))
        parts = [self._print(coeff)] if coeff != 1 else []
        parts += [self.parenthesize(f, 50) for f in numer]
        out = "·".join(parts) or "1"
        if denom:
            below = "·".join(self.parenthesize(f, 50) for f in denom)
            out += "/" + (f"({below})" if len(denom) > 1 else below)
        return out

    def _print_Add(self, expr, order=None):
        return signed_sum(self, expr, "−")

    def _print_sigmoid(self, expr):
        return f"σ({self._print(expr.args[0])})"

    def _print_Indexed(self, expr):
        return f"{expr.base}_{''.join(map(self._print, expr.indices))}"

    def _print_KroneckerDelta(self, expr):
        return f"δ_{''.join(map(self._print, expr.args))}"

    def _print_Sum(self, expr):
        ((index, _, _),) = expr.limits
        return f"Σ_{index} {self.parenthesize(expr.function, 60)}"

    def _print_exp(self, expr):
        return f"e^({self._print(expr.args[0])})"

    def _print_Derivative(self, expr):
        ((variable, _),) = expr.variable_count
        d = "∂" if isinstance(variable, sp.Indexed) else "d"
        body = self._print(expr.expr)
        if expr.expr.is_Add or expr.expr.is_Mul or expr.expr.is_Pow:
            body = f"({body})"
        return f"{d}/{d}{self._print(variable)} {body}"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Pow(self, expr, rational=False):
        if isinstance(expr.base, sp.Sum) and expr.exp.is_positive:
            return f"({self._print(expr.base)})^{self.parenthesize(expr.exp, 60)}"
        return super()._print_Pow(expr, rational)

    def _print_Heaviside(self, expr):
        at_zero = f", H(0) = {self._print(expr.args[1])}" if len(expr.args) > 1 else ""
        return f"H({self._print(expr.args[0])}{at_zero})"

    def _print_MatrixBase(self, expr):
        rows = ["; ".join(self._print(e) for e in expr.row(r)) for r in range(expr.rows)]
        return "[" + " | ".join(rows) + "]"

    def _print_MatrixElement(self, expr):
        return f"{self._print(expr.parent)}_{expr.i + 1}{expr.j + 1}"

    def _print_Piecewise(self, expr):
        pieces = [
            f"{self._print(e)} if {self._print(c)}"
            if c is not sp.true
            else f"{self._print(e)} otherwise"
            for e, c in expr.args
        ]
        return "{" + "; ".join(pieces) + "}"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Subs(self, expr):
        where = ", ".join(
            f"{self._print(v)} = {self._print(p)}"
            for v, p in zip(expr.variables, expr.point, strict=True)
        )
        return f"[{self._print(expr.expr)}] at {where}"


def text(expr: sp.Expr) -> str:
    """Return *expr* on one line of Unicode text, e.g. ``σ(z)·(1 - σ(z))``."""
    return TextPrinter().doprint(expr).replace("**", "^")


def _textbook_order(args) -> list:
    """Numbers first, then simple factors, then sums: ``2 σ(z) (1 - σ(z))``."""
    return sorted(
        args,
        key=lambda f: (
            not f.is_Number,
            f.is_Add,
            isinstance(f, sp.Function),
            sp.default_sort_key(f),
        ),
    )


class LatexPrinter(SymPyLatexPrinter):
    """SymPy's LaTeX printer with the seed's ordering and explicit derivative brackets."""

    def __init__(self, settings=None):
        super().__init__({"order": "none", **(settings or {})})

    def _print_Mul(self, expr):
        if not isinstance(expr, sp.Mul):  # SymPy prints 1/x through here
            return super()._print_Mul(expr)
        if expr.could_extract_minus_sign():
            return "- " + self.parenthesize(-expr, 49)
        return super()._print_Mul(sp.Mul(*_textbook_order(expr.args), evaluate=False))

    def _print_Add(self, expr, order=None):
        return signed_sum(self, expr)

    def _print_Derivative(self, expr):
        ((variable, _),) = expr.variable_count
        body = self._print(expr.expr)
        if expr.expr.is_Add or expr.expr.is_Mul or expr.expr.is_Pow:
            body = rf"\left({body}\right)"
        d = r"\partial" if isinstance(variable, sp.Indexed) else "d"
        return rf"\frac{{{d}}}{{{d} {self._print(variable)}}} {body}"


def latex(expr: sp.Expr) -> str:
    """Return the LaTeX of *expr* in the seed's notation (σ, textbook factor order)."""
    return LatexPrinter().doprint(expr)


RULE_ZH = {
    "definition": "定义",
    "rewrite": "重写",
    "constant rule": "常数法则",
    "d/dx x = 1": "d/dx x = 1",
    "sum rule": "加法法则",
    "constant multiple rule": "常数倍法则",
    "product rule": "乘积法则",
    "quotient rule": "商法则",
    "power rule": "幂法则",
    "exponential rule": "指数法则",
    "logarithm rule": "对数法则",
    "chain rule": "链式法则",
    "known derivative": "已知导数",
    "combine": "合并结果",
    "simplify": "化简",
    "case split": "分情况讨论",
    "Kronecker-delta combine": "克罗内克 δ 合并",
    "assumption": "假设",
    "substitute back": "代回",
    "evaluate": "代入数值",
    "numeric check": "数值验证",
}
"""Rule names in the seed's Chinese wording (链式法则, 商法则, ...)."""

_WORDS = {"en": ("Step", "verified"), "zh": ("步骤", "已验证")}


def _labels(derivation, lang: str) -> tuple[str, list[tuple[str, str, str, object]]]:
    from symbolic.steps import flatten

    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}; choose en or zh")
    title = derivation.title_zh if lang == "zh" and derivation.title_zh else derivation.title
    rows = []
    for number, step in flatten(derivation.steps):
        rule = RULE_ZH[step.rule.value] if lang == "zh" else step.rule.value
        note = step.note_zh if lang == "zh" and step.note_zh else step.note
        rows.append((number, rule, note, step))
    return title, rows


def derivation_text(derivation, lang: str = "en") -> str:
    """Render a derivation as numbered plain-text steps with Unicode math."""
    title, rows = _labels(derivation, lang)
    word = _WORDS[lang][0]
    lines = [title, "=" * len(title)]
    for number, rule, note, step in rows:
        lines.append(f"{word} {number} ({rule}){': ' + note if note else ''}")
        lines.append(f"    {text(step.before)} = {text(step.after)}")
    lines.append(f"=> {text(derivation.lhs)} = {text(derivation.result)}")
    return "\n".join(lines) + "\n"


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
}


def latex_escape(words: str) -> str:
    """Escape LaTeX's special characters in running text."""
    return "".join(_LATEX_SPECIALS.get(c, c) for c in words)


def derivation_latex(derivation, lang: str = "en", standalone: bool = False) -> str:
    """Render a derivation as LaTeX: numbered steps in ``align*`` with their rule names."""
    title, rows = _labels(derivation, lang)
    word = _WORDS[lang][0]
    lines = [r"\begin{align*}"]
    for number, rule, note, step in rows:
        label = latex_escape(f"{word} {number} ({rule})" + (f": {note}" if note else ""))
        lines.append(rf"\intertext{{{label}}}")
        # before and after on rows of their own: long index expressions fit the page
        lines.append(rf"& {latex(step.before)} \\")
        lines.append(rf"&= {latex(step.after)} \\")
    lines.append(
        rf"\intertext{{$\Rightarrow$}} & {latex(derivation.lhs)} \\ &= {latex(derivation.result)}"
    )
    lines.append(r"\end{align*}")
    body = rf"\section*{{{latex_escape(title)}}}" + "\n" + "\n".join(lines) + "\n"
    return _document(body, lang) if standalone else body


def _document(body: str, lang: str) -> str:
    cjk = (r"\usepackage{CJKutf8}", r"\begin{CJK}{UTF8}{gbsn}", r"\end{CJK}")
    pre, begin, end = cjk if lang == "zh" else ("", "", "")
    return "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{amsmath,amssymb}",
            pre,
            r"\begin{document}",
            begin,
            body,
            end,
            r"\end{document}",
            "",
        ]
    )


def derivation_markdown(derivation, lang: str = "en") -> str:
    """Render a derivation as Markdown with ``$$`` display math (GitHub renders it)."""
    title, rows = _labels(derivation, lang)
    word = _WORDS[lang][0]
    lines = [f"### {title}", ""]
    for number, rule, note, step in rows:
        lines += [
            f"**{word} {number}** ({rule}){': ' + note if note else ''}",
            "",
            f"$$ {latex(step.before)} = {latex(step.after)} $$",
            "",
        ]
    lines += [f"$$ {latex(derivation.lhs)} = {latex(derivation.result)} $$", ""]
    return "\n".join(lines)
