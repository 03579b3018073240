"""The seed's derivations, in its order, as verified step-by-step :class:`Derivation` data.

Every ``after`` is computed by SymPy (a derivative, a substitution, a recognised form
from :mod:`symbolic`); nothing is typed in as a result. ``derive(name)`` verifies before
it returns, so an unverified step never reaches a document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import sympy as sp

from symbolic import ACTIVATIONS, LOSSES, activation_grad, fused_gradient, softmax_jacobian_generic
from symbolic.activations import output_substitution, textbook_derivative, z
from symbolic.differentiate import derivative_steps
from symbolic.functions import sigmoid as sigmoid_function
from symbolic.indices import C, i, j, softmax_index, t, y
from symbolic.indices import z as zi
from symbolic.losses import SUM_OF_TARGETS, loss_output_grad
from symbolic.steps import Derivation, Rule, Step


def _check_at_zero(name: str, raw: sp.Expr, display: sp.Expr) -> tuple[Step, ...]:
    at_zero = sp.Subs(raw, z, 0)
    return (
        Step(
            Rule.EVALUATE,
            at_zero,
            at_zero.doit(),
            "at z = 0, from the raw derivative",
            note_zh="在 z = 0 处，用原始导数",
        ),
        Step(
            Rule.EVALUATE,
            sp.Subs(display, z, 0),
            at_zero.doit(),
            "at z = 0, from the textbook form: both ways agree",
            note_zh="在 z = 0 处，用化简后的形式：结果一致",
        ),
    )


def _textbook_steps(name: str, raw: sp.Expr) -> tuple[Step, ...]:
    entry, (_, display) = ACTIVATIONS[name], textbook_derivative(name)
    found = output_substitution(raw, entry)
    if found is None:
        return (Step(Rule.SIMPLIFY, raw, display, f"recognise the derivative of {name}"),)
    kernel, value = found
    substituted = raw.xreplace({kernel: sp.UnevaluatedExpr(value)})
    note = f"{sp.sstr(kernel)} = {sp.sstr(value)}, from y = {sp.sstr(entry.function(z))}"
    return (
        Step(
            Rule.SUBSTITUTE,
            raw,
            substituted.doit(),
            note,
            note_zh=f"由 y = {sp.sstr(entry.function(z))} 得 {sp.sstr(kernel)} = {sp.sstr(value)}",
        ),
        Step(
            Rule.SIMPLIFY,
            substituted.doit(),
            display,
            "in terms of the output y = f(z)",
            note_zh="用输出 y = f(z) 表示",
        ),
    )


def _activation(name: str, title_zh: str) -> Derivation:
    entry = ACTIVATIONS[name]
    definition = entry.definition(z)
    if name == "tanh":
        definition = definition.rewrite(sp.exp)
    differentiation = derivative_steps(definition, z)
    raw = differentiation.after
    steps = (
        Step(
            Rule.REWRITE,
            entry.function(z),
            definition,
            "write the definition out",
            note_zh="写出定义",
        ),
        differentiation,
        *_textbook_steps(name, raw),
    )
    display = activation_grad(name).display
    if name != "relu":
        steps += _check_at_zero(name, raw, display)
    return Derivation(
        name,
        f"Derivative of {name}",
        sp.Derivative(entry.function(z), z),
        steps,
        truth=sp.diff(entry.definition(z), z),
        title_zh=title_zh,
    )


def sigmoid() -> Derivation:
    """Seed 3.2, steps 1-5: sigma' = sigma (1 - sigma), checked at z = 0, maximum 1/4."""
    base = _activation("sigmoid", "Sigmoid 函数的导数")
    # sigma'' = p'(y) sigma' with p(y) = y (1 - y); sigma' > 0, so sigma'' = 0 iff p'(y) = 0
    y_out = sp.Symbol("y", positive=True)
    polynomial = base.result.xreplace({sigmoid_function(z): y_out})
    (root,) = sp.solve(sp.diff(polynomial, y_out), y_out)
    critical = sp.log(root / (1 - root))  # z = sigma^{-1}(y)
    steps = (
        Step(
            Rule.EVALUATE,
            sp.Subs(sp.Derivative(base.result, z), z, critical),
            sp.S.Zero,
            f"sigma'' = 0 only where sigma(z) = {root}, i.e. z = {critical}",
            note_zh=f"σ'' 只在 σ(z) = {root} 即 z = {critical} 处为零",
        ),
        Step(
            Rule.EVALUATE,
            sp.Subs(base.result, z, critical),
            sp.Subs(base.result, z, critical).doit(),
            "the maximum of sigma'",
            note_zh="σ' 的最大值",
        ),
    )
    return Derivation(
        base.name, base.title, base.lhs, (*base.steps, *steps), base.truth, base.title_zh
    )


def relu() -> Derivation:
    """ReLU: the two cases and the stated convention at the kink."""
    p = sp.Symbol("p", positive=True)
    lhs = sp.Derivative(sp.Max(0, z), z)
    steps = (
        Step(
            Rule.CASE_SPLIT,
            lhs,
            sp.S.One,
            "z > 0: max(0, z) = z",
            given={z: p},
            note_zh="z > 0 时 max(0, z) = z",
        ),
        Step(
            Rule.CASE_SPLIT,
            lhs,
            sp.S.Zero,
            "z < 0: max(0, z) = 0",
            given={z: -p},
            note_zh="z < 0 时 max(0, z) = 0",
        ),
        Step(
            Rule.DEFINITION,
            sp.diff(sp.Max(0, z), z),
            activation_grad("relu").display,
            ACTIVATIONS["relu"].note,
            note_zh="约定 relu'(0) = 0（JAX 与 PyTorch 的次梯度）",
        ),
    )
    return Derivation("relu", "Derivative of relu", lhs, steps, title_zh="ReLU 的导数")


def softmax_jacobian() -> Derivation:
    """Seed 4.1 step 2.1: quotient rule, the cases i = j and i != j, combined."""
    jac = softmax_jacobian_generic()
    index = sp.Dummy("a", integer=True, positive=True)  # not k, which the sum binds
    outputs = {y: sp.Lambda(index, softmax_index(index))}
    steps = (
        Step(
            Rule.QUOTIENT,
            sp.Derivative(softmax_index(i), zi[j]),
            jac.raw,
            "differentiate e^{z_i} / sum_k e^{z_k} with respect to z_j",
            note_zh="对 z_j 求 e^{z_i} / Σ_k e^{z_k} 的导数（商法则）",
        ),
        Step(
            Rule.KRONECKER,
            jac.raw,
            jac.contracted,
            "sum_k e^{z_k} delta_jk = e^{z_j}",
            note_zh="Σ_k e^{z_k} δ_jk = e^{z_j}",
        ),
        Step(
            Rule.SUBSTITUTE,
            jac.contracted,
            jac.result,
            "y_i = e^{z_i} / sum_k e^{z_k}",
            given=outputs,
            note_zh="代回 y_i = e^{z_i} / Σ_k e^{z_k}",
        ),
        Step(
            Rule.CASE_SPLIT,
            jac.result,
            jac.diagonal,
            "case i = j",
            given={j: i},
            note_zh="情况 1：i = j",
        ),
        Step(
            Rule.CASE_SPLIT,
            jac.result,
            jac.off_diagonal,
            "case i != j: delta_ij = 0",
            given={sp.KroneckerDelta(i, j): 0},
            note_zh="情况 2：i ≠ j，δ_ij = 0",
        ),
        Step(
            Rule.KRONECKER,
            sp.Piecewise((jac.diagonal, sp.Eq(i, j)), (jac.off_diagonal, True)),
            jac.result,
            "both cases in one formula with delta_ij",
            note_zh="用 δ_ij 把两种情况合成一个公式",
        ),
    )
    return Derivation(
        "softmax-jacobian",
        "The softmax Jacobian",
        steps[0].before,
        steps,
        title_zh="Softmax 的雅可比矩阵",
    )


def _output_gradient(name: str, sum_note: tuple[str, str], delta_note: tuple[str, str]):
    """The loss *name* summed over classes, and the two steps to dL/dy_j."""
    loss = sp.Sum(LOSSES[name].term(y[i], t[i]), (i, 1, C))
    raw = sp.diff(loss, y[j])
    steps = (
        Step(Rule.SUM, sp.Derivative(loss, y[j]), raw, sum_note[0], note_zh=sum_note[1]),
        Step(Rule.KRONECKER, raw, loss_output_grad(name), delta_note[0], note_zh=delta_note[1]),
    )
    return sp.Derivative(loss, y[j]), steps


def cross_entropy() -> Derivation:
    """Seed 4.1 part 1: dL/dy_j = -t_j / y_j (natural logarithm)."""
    x = sp.Symbol("x", positive=True)
    logs = (
        Step(
            Rule.LOG,
            sp.Derivative(sp.log(x), x),
            1 / x,
            "natural logarithm: d/dx ln x = 1/x",
            note_zh="自然对数：d/dx ln x = 1/x",
        ),
        Step(
            Rule.LOG,
            sp.Derivative(sp.log(x, 10), x),
            sp.diff(sp.log(x, 10), x),
            "a base-10 logarithm would add a factor 1/ln 10; cross-entropy uses ln",
            note_zh="以 10 为底时多一个因子 1/ln 10；交叉熵用自然对数",
        ),
    )
    lhs, steps = _output_gradient(
        "cross_entropy",
        ("only the term i = j depends on y_j", "求和中只有第 j 项依赖于 y_j"),
        ("sum over delta_ij", "δ_ij 合并求和"),
    )
    return Derivation(
        "cross-entropy",
        "Cross-entropy: gradient with respect to the outputs",
        lhs,
        (*logs, *steps),
        title_zh="交叉熵对输出概率的梯度",
    )


def _outputs(name: str) -> dict:
    index = sp.Dummy("a", integer=True, positive=True)
    if name == "cross_entropy":
        return {y: sp.Lambda(index, softmax_index(index))}
    return {y: sp.Lambda(index, ACTIVATIONS["sigmoid"].function(zi[index]))}


def _fused(name: str, loss: sp.Expr, note: str) -> tuple[Step, ...]:
    fused = fused_gradient(name)
    steps = (
        Step(
            Rule.CHAIN,
            sp.Derivative(loss, zi[j]),
            fused.raw,
            note,
            note_zh="链式法则：经过输出层对 z_j 求导",
        ),
        Step(
            Rule.KRONECKER,
            fused.raw,
            fused.contracted,
            "contract the Kronecker deltas",
            note_zh="合并克罗内克 δ",
        ),
        Step(
            Rule.SUBSTITUTE,
            fused.contracted,
            fused.general,
            "write the outputs as y",
            given=_outputs(name),
            note_zh="用输出 y 代回",
        ),
    )
    if fused.assumption:
        steps += (
            Step(
                Rule.ASSUMPTION,
                fused.general,
                fused.textbook,
                fused.assumption,
                given={SUM_OF_TARGETS: 1},
                note_zh="假设 Σ_i t_i = 1（one-hot 编码）",
            ),
        )
    return steps


def _seed_methods() -> tuple[Step, ...]:
    """The seed's three evaluations of dL/dz_2 at t = [0, 1, 0], y = [0.2, 0.7, 0.1]."""
    values = {C: 3, j: 2}
    point = {
        **{y[n]: sp.Rational(v, 10) for n, v in ((1, 2), (2, 7), (3, 1))},
        **{t[n]: sp.Integer(v) for n, v in ((1, 0), (2, 1), (3, 0))},
    }
    jacobian = softmax_jacobian_generic().result
    methods = (
        ("method 1: term by term", sp.Sum(-t[i] / y[i] * jacobian, (i, 1, C))),
        (
            "method 2: -t_j (1 - y_j) + y_j sum_{i != j} t_i",
            -t[j] * (1 - y[j]) + y[j] * (SUM_OF_TARGETS - t[j]),
        ),
        ("method 3: y_j - t_j", fused_gradient("cross_entropy").textbook),
    )
    steps = tuple(
        Step(
            Rule.EVALUATE,
            sp.Subs(e.xreplace(values), *zip(*point.items(), strict=True)),
            e.xreplace(values).doit().xreplace(point),
            f"seed 4.1, {label}",
            note_zh=f"种子 4.1，{label}",
        )
        for label, e in methods
    )
    loss = sp.Sum(-t[i] * sp.log(y[i]), (i, 1, C)).xreplace(values)
    return (
        *steps,
        Step(
            Rule.EVALUATE,
            sp.Subs(loss, *zip(*point.items(), strict=True)),
            loss.doit().xreplace(point),
            f"the loss, -ln 0.7 = {sp.N(-sp.log(sp.Rational(7, 10)), 3)}",
            note_zh="损失值",
        ),
    )


def softmax_cross_entropy() -> Derivation:
    """Seed 4.1 part 2: dL/dz_j = y_j sum_i t_i - t_j, and y_j - t_j when sum t = 1."""
    loss = -sp.Sum(t[i] * sp.log(softmax_index(i)), (i, 1, C))
    steps = (*_fused("cross_entropy", loss, "chain rule through the softmax"), *_seed_methods())
    return Derivation(
        "softmax-cross-entropy",
        "Softmax with cross-entropy: gradient of the logits",
        sp.Derivative(loss, zi[j]),
        steps,
        title_zh="Softmax 交叉熵对 logits 的梯度",
    )


def bce_sigmoid() -> Derivation:
    """Sigmoid with binary cross-entropy: dL/dz = y - t."""
    loss = sp.Sum(_bce_term(i), (i, 1, C))
    steps = _fused("bce", loss, "chain rule through the sigmoid")
    return Derivation(
        "bce-sigmoid",
        "Sigmoid with binary cross-entropy",
        sp.Derivative(loss, zi[j]),
        steps,
        title_zh="Sigmoid 二分类交叉熵的梯度",
    )


def _bce_term(index: sp.Symbol) -> sp.Expr:
    return LOSSES["bce"].term(ACTIVATIONS["sigmoid"].function(zi[index]), t[index])


def mse() -> Derivation:
    """Seed 3.2: L = 1/2 sum (t_k - y_k)^2 gives dL/dy_j = -(t_j - y_j)."""
    lhs, steps = _output_gradient(
        "mse",
        ("chain rule on each square", "对每一项平方用链式法则"),
        ("only the term i = j remains", "只剩 i = j 的一项"),
    )
    return Derivation(
        "mse",
        "Mean squared error: gradient with respect to the outputs",
        lhs,
        steps,
        title_zh="均方误差对输出的梯度",
    )


def _perceptron() -> Derivation:
    from derivations.perceptron import derivation

    return derivation()


def _network(name: str) -> Callable[[], Derivation]:
    def build() -> Derivation:
        from derivations import network

        return getattr(network, name)()

    return build


_CATALOGUE: dict[str, Callable[[], Derivation]] = {
    "perceptron-xor": _perceptron,
    "mlp-forward": _network("mlp_forward"),
    "sigmoid": sigmoid,
    "tanh": lambda: _activation("tanh", "tanh 的导数"),
    "relu": relu,
    "softplus": lambda: _activation("softplus", "softplus 的导数"),
    "softmax-jacobian": softmax_jacobian,
    "cross-entropy": cross_entropy,
    "softmax-cross-entropy": softmax_cross_entropy,
    "bce-sigmoid": bce_sigmoid,
    "mse": mse,
    "chain-rule": _network("chain_rule"),
    "gradient-descent": _network("gradient_descent"),
    "worked-example": _network("worked_example_derivation"),
}


def names() -> list[str]:
    """Return the catalogue's derivation names, in the seed's order."""
    return list(_CATALOGUE)


@cache
def derive(name: str) -> Derivation:
    """Return the verified catalogue derivation *name*.

    Raises
    ------
    KeyError
        If *name* is not in the catalogue (the message lists the names).
    """
    if name not in _CATALOGUE:
        raise KeyError(f"unknown derivation {name!r}; known: {', '.join(_CATALOGUE)}")
    return _CATALOGUE[name]().verify()
