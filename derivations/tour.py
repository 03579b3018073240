"""``gradproof tour``: the seed's key gradients, derived and proven at run time."""

from __future__ import annotations

from collections.abc import Callable

from derivations.seed import SEED_VALUES
from symbolic import check_generic_jacobian, derive, fused_gradient, softmax_jacobian_generic
from symbolic.render import text


def _sigmoid(out: Callable[[str], None]) -> None:
    result = derive("sigmoid_grad").verify()
    out("1. Sigmoid derivative (seed 3.2)")
    out(f"   sympy.diff(1/(1 + e^(-z)), z) = {text(result.truth)}")
    out(f"   textbook form                 = {text(result.display)}   [proven equal]")
    out(f"   stable form for code          = {text(result.code)}   [proven equal]")


def _softmax(out: Callable[[str], None]) -> None:
    jacobian = softmax_jacobian_generic()
    out("2. Softmax Jacobian, generic C (seed 4.1, step 2.1)")
    out(f"   ∂y_i/∂z_j = {text(jacobian.result)}")
    out(f"   i = j: {text(jacobian.diagonal)};   i ≠ j: {text(jacobian.off_diagonal)}")
    check_generic_jacobian(3)
    out("   proven equal to Matrix.jacobian at C = 3 (the test suite: C = 2..5); the code")
    out(f"   uses the Jacobian-vector product {text(derive('softmax_jvp').index_form)}")


def _cross_entropy(out: Callable[[str], None]) -> None:
    fused = fused_gradient("cross_entropy")
    out("3. Cross-entropy through the softmax (seed 4.1, step 2.2)")
    out(f"   ∂L/∂z_j = {text(fused.general)}")
    out(f"   assume {fused.assumption}:  ∂L/∂z_j = {text(fused.textbook)}")
    out("   (both proven against Matrix calculus for C = 2..5 by the test suite)")


def _sigmoid_steps(out: Callable[[str], None]) -> None:
    from derivations import derive

    out("5. The sigmoid derivation step by step (gradproof derive sigmoid), every step verified")
    for line in derive("sigmoid").text().splitlines():
        out(f"   {line}")


def _worked_example(out: Callable[[str], None]) -> None:
    from derivations.example import quantities
    from derivations.worked_example import rows

    result = rows(quantities())
    agree = sum(row.agrees for row in result)
    out("6. The worked example of section 3.2 through the numeric MLP (gradproof example)")
    out(f"   {agree} of the {len(result)} numbers the seed prints agree at its precision")
    for row in result:
        if not row.agrees:
            out(f"   {row.quantity}: seed {row.seed:.3f}, gradproof {row.value:.6f}; {row.note}")


def _xor(out: Callable[[str], None]) -> None:
    from derivations.training import train_xor

    _, history = train_xor()
    out("7. The seed's 2-2-1 network learns XOR (gradproof train xor)")
    out(
        f"   SGD with eta = 0.5 from the seed's weights: every output within 0.4 of its "
        f"target at epoch {history['solved_at']}"
    )


def _gradient_check(out: Callable[[str], None]) -> None:
    from derivations.example import seed_network
    from derivations.training import XOR_T, XOR_X
    from numeric.netcheck import check_network

    report = check_network(seed_network(), XOR_X, XOR_T, method="complex")
    out("8. Backpropagation on the seed's network, gradient-checked (gradproof check)")
    out("   every entry of dL/dW and dL/db against the complex-step derivative, on XOR:")
    for line in str(report).splitlines():
        out(f"   {line}")


def _seed_numbers(out: Callable[[str], None]) -> None:
    from numeric import functions

    out("4. The generated NumPy functions at the seed's numbers")
    out(f"   {'quantity':<52} {'seed':>8} {'gradproof':>20}  agrees")
    for row in SEED_VALUES:
        value = row.compute(functions)
        agrees = abs(value - row.seed) <= 0.5 * 10.0**-row.decimals + 1e-12
        out(
            f"   {row.quantity:<52} {row.seed:>8.{row.decimals}f} {value:>20.15f}  "
            f"{'yes' if agrees else 'NO'}"
        )


def run(out: Callable[[str], None] = print) -> None:
    """Print the tour: derivations, proofs and the generated functions at the seed's numbers."""
    out("gradproof tour: SymPy derives the seed's gradients now, and each one is proven.\n")
    sections = (
        _sigmoid,
        _softmax,
        _cross_entropy,
        _seed_numbers,
        _sigmoid_steps,
        _worked_example,
        _xor,
        _gradient_check,
    )
    for section in sections:
        section(out)
        out("")
