"""Names are typed once: everything else is generated from the registry."""

import numpy as np
import pytest

from numeric import functions
from numeric.kernels import KERNELS
from symbolic import ACTIVATIONS, ELEMENTWISE, LOSSES, RESULTS, derive
from symbolic.printing import KERNELS as PRINTED_KERNELS
from symbolic.printing import StablePrinter


def test_results_are_generated_from_the_registry():
    expected = {n for a in ELEMENTWISE for n in (a, f"{a}_grad")}
    expected |= {"softmax", "log_softmax", "softmax_jvp"}
    expected |= {n for loss in LOSSES for n in (loss, f"{loss}_grad")}
    expected |= {f"{a}_grad_output" for a in ELEMENTWISE if ACTIVATIONS[a].output_grad}
    assert set(RESULTS) == expected


def test_public_contract_names_exist():
    names = """sigmoid sigmoid_grad tanh tanh_grad relu relu_grad softplus softplus_grad
        identity identity_grad softmax log_softmax softmax_jvp mse mse_grad
        cross_entropy cross_entropy_grad bce bce_grad""".split()
    assert set(names) <= set(dir(functions))
    for name in names:
        assert callable(getattr(functions, name))


def test_unknown_names_are_clear_errors():
    with pytest.raises(AttributeError, match="no attribute 'sigmoidd'"):
        functions.sigmoidd  # noqa: B018
    with pytest.raises(KeyError, match="unknown result 'nope'"):
        derive("nope")


def test_every_printed_kernel_exists_and_prints():
    assert set(PRINTED_KERNELS) == set(KERNELS)
    for name in PRINTED_KERNELS:
        assert hasattr(StablePrinter, f"_print_{name}") or name == "heaviside"


def test_losses_pair_with_registered_outputs():
    for loss in LOSSES.values():
        assert loss.output in ACTIVATIONS


def test_loss_argument_names_follow_the_contract():
    import inspect

    from numeric.codegen import function_source

    assert "def mse_grad(y, t):" in function_source("mse_grad")
    assert "def cross_entropy_grad(z, t):" in function_source("cross_entropy_grad")
    assert "def softmax_jvp(z, v):" in function_source("softmax_jvp")
    assert list(inspect.signature(functions.bce_grad.__wrapped__).parameters) == ["z", "t"]


def test_generated_functions_take_the_right_number_of_arrays():
    with pytest.raises(TypeError, match=r"takes 2 arrays \(z, t\), got 1"):
        functions.cross_entropy(np.zeros((1, 3)))
