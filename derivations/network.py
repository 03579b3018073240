"""The seed's network derivations: forward equations, chain rule, gradient descent, example.

Sections 2.2, 3.2, 3.3 and 3.4 of the seed, on the 2-2-1 sigmoid network it uses. Every
step is proven by SymPy; the worked example's numbers come from the derived formulas.
"""

from __future__ import annotations

import sympy as sp

from derivations import worked_example
from symbolic import activation_grad
from symbolic.activations import z as z_symbol
from symbolic.functions import sigmoid
from symbolic.steps import Derivation, Rule, Step, numeric_value

x1, x2, t = sp.symbols("x1 x2 t", real=True)
w11, w12, w21, w22, b11, b12 = sp.symbols("w11 w12 w21 w22 b1_1 b1_2", real=True)
v1, v2, b2 = sp.symbols("w1^(2) w2^(2) b^(2)", real=True)


def _network() -> dict[str, sp.Expr]:
    z11, z12 = w11 * x1 + w12 * x2 + b11, w21 * x1 + w22 * x2 + b12
    h1, h2 = sigmoid(z11), sigmoid(z12)
    z2 = v1 * h1 + v2 * h2 + b2
    y = sigmoid(z2)
    return {"z11": z11, "z12": z12, "h1": h1, "h2": h2, "z2": z2, "y": y, "L": (t - y) ** 2 / 2}


def mlp_forward() -> Derivation:
    """Section 2.2: z = W x + b with its shapes (h x n)(n x 1) + (h x 1), then h = sigma(z)."""
    n, h, m = 2, 2, 1
    W1, b1 = sp.MatrixSymbol("W^(1)", h, n), sp.MatrixSymbol("b^(1)", h, 1)
    W2, b2m = sp.MatrixSymbol("W^(2)", m, h), sp.MatrixSymbol("b^(2)", m, 1)
    x = sp.MatrixSymbol("x", n, 1)
    z1 = W1 * x + b1
    hidden = sp.MatrixSymbol("h", h, 1)
    z2 = W2 * hidden + b2m
    steps = (
        Step(
            Rule.DEFINITION,
            z1,
            z1.as_explicit(),
            f"z^(1) = W^(1) x + b^(1): ({h}x{n})({n}x1) + ({h}x1) = ({h}x1)",
            note_zh="隐藏层：z^(1) = W^(1) x + b^(1)",
        ),
        Step(
            Rule.DEFINITION,
            z2,
            z2.as_explicit(),
            f"z^(2) = W^(2) h + b^(2): ({m}x{h})({h}x1) "
            f"+ ({m}x1) = ({m}x1); h = sigma(z^(1)), y = sigma(z^(2)) elementwise",
            note_zh="输出层：z^(2) = W^(2) h + b^(2)，h = σ(z^(1))，y = σ(z^(2))",
        ),
    )
    return Derivation(
        "mlp-forward",
        "Forward propagation of the MLP (section 2.2)",
        sp.Symbol("y"),
        steps,
        title_zh="多层感知机的前向传播",
    )


def chain_rule() -> Derivation:
    """Section 3.4: dL/dw11 as the product of five factors, and the delta recursion."""
    net = _network()
    sigma_grad = activation_grad("sigmoid").display
    factors = (
        net["y"] - t,
        sigma_grad.xreplace({z_symbol: net["z2"]}),
        v1,
        sigma_grad.xreplace({z_symbol: net["z11"]}),
        x1,
    )
    delta2 = factors[0] * factors[1]
    seed = {
        x1: 1,
        x2: 1,
        t: 0,
        w11: sp.Rational(1, 2),
        w12: sp.Rational(1, 2),
        w21: sp.Rational(-1, 2),
        w22: sp.Rational(-1, 2),
        b11: sp.Rational(-1, 5),
        b12: sp.Rational(7, 10),
        v1: 1,
        v2: 1,
        b2: sp.Rational(-1, 2),
    }
    product = sp.Mul(*factors)
    steps = (
        Step(
            Rule.CHAIN,
            sp.Derivative(net["L"], b11),
            delta2 * v1 * factors[3],
            "delta^(1)_1 = (W^(2)T delta^(2))_1 sigma'(z1_1), with delta^(2) = dL/dz2",
            note_zh="递推：δ^(l) = (W^(l+1)ᵀ δ^(l+1)) ⊙ σ'(z^(l))",
        ),
        Step(
            Rule.CHAIN,
            sp.Derivative(net["L"], w11),
            product,
            "w11 -> z1_1 -> h1 -> z2 -> y -> L: dL/dy * dy/dz2 * dz2/dh1 * dh1/dz1_1 * dz1_1/dw11",
            note_zh="w11 → z1_1 → h1 → z2 → y → L 五个因子相乘",
        ),
        Step(
            Rule.EVALUATE,
            sp.Subs(product, *zip(*seed.items(), strict=True)),
            sp.Float(sp.N(product.xreplace(seed), 30), 30),
            "the seed's numbers: 0.649 * 0.228 * 1.0 * 0.214 * 1 = 0.032",
            note_zh="代入种子的数值：0.649 × 0.228 × 1.0 × 0.214 × 1 = 0.032",
        ),
    )
    return Derivation(
        "chain-rule",
        "The chain rule through the network (section 3.4)",
        sp.Derivative(net["L"], w11),
        steps,
        truth=sp.diff(net["L"], w11),
        title_zh="神经网络中的链式法则",
    )


def gradient_descent() -> Derivation:
    """Section 3.3: theta_new = theta - eta grad L, one step on the seed's example."""
    values = worked_example.compute(lambda e: e)
    theta, eta, grad = sp.symbols("theta eta g", real=True)
    update = theta - eta * grad
    point = (theta, eta, grad), (1, worked_example.LEARNING_RATE, values["dL/dW2_1"])
    steps = (
        Step(
            Rule.EVALUATE,
            sp.Subs(update, *point),
            sp.Float(sp.N(update.subs(dict(zip(*point, strict=True))), 30), 30),
            "theta_new = theta - eta dL/dtheta for w1^(2), eta = 0.5: 0.949",
            note_zh="θ_new = θ - η ∂L/∂θ，η = 0.5",
        ),
    )
    return Derivation(
        "gradient-descent", "Gradient descent (section 3.3)", update, steps, title_zh="梯度下降"
    )


def worked_example_derivation() -> Derivation:
    """Section 3.2's numbers, each from the derived formulas, beside the seed's values."""
    exact = worked_example.compute(lambda e: e)
    steps = []
    for row in worked_example.rows():
        flag = "" if row.agrees else f"; differs from the seed at its precision: {row.note}"
        steps.append(
            Step(
                Rule.EVALUATE,
                exact[row.quantity],
                sp.Float(numeric_value(exact[row.quantity], 30), 30),
                f"{row.quantity}: seed {row.seed:.3f}, exact {row.value:.15f}{flag}",
                note_zh=f"{row.quantity}：种子 {row.seed:.3f}，精确值 {row.value:.15f}",
            )
        )
    return Derivation(
        "worked-example",
        "The worked example of section 3.2",
        sp.Symbol("L"),
        tuple(steps),
        title_zh="3.2 节的详细计算实例",
    )
