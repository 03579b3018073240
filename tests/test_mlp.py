"""The numeric MLP: backprop on the generated functions against finite differences."""

import json

import numpy as np
import pytest

from derivations.cli import main
from numeric import functions as F
from numeric.mlp import MLP, ShapeError, backprop_derivative
from numeric.train import Optimizer
from symbolic import ELEMENTWISE, LOSSES, OUTPUT_GRADS, derive

HIDDEN = [a for a in ELEMENTWISE if a != "relu"]  # relu is checked away from its kink below


def _data(loss, rng, n=5, n_out=3):
    X = rng.normal(size=(n, 4))
    if loss == "cross_entropy":
        return X, np.eye(n_out)[rng.integers(0, n_out, n)]
    return X, rng.uniform(0, 1, (n, n_out))


def _central(net, X, T, p, index, h):
    old = p[index]
    p[index] = old + h
    up = net.loss(X, T)
    p[index] = old - h
    down = net.loss(X, T)
    p[index] = old
    return (up - down) / (2 * h)


def _finite_differences(net, X, T, h=1e-4):
    """Central differences with one Richardson extrapolation: error O(h^4) + eps/h."""
    out = {}
    for name, p in net.params.items():
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            coarse, fine = (_central(net, X, T, p, index, step) for step in (h, h / 2))
            grad[index] = (4 * fine - coarse) / 3
        out[name] = grad
    return out


def _max_relative_error(a, n):
    return max(
        float(np.max(np.abs(a[k] - n[k]) / np.maximum(np.abs(a[k]) + np.abs(n[k]), 1e-8)))
        for k in a
    )


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradients_match_finite_differences(hidden, loss, rng):
    net = MLP([4, 5, 3, 3], hidden, loss, seed=1)
    X, T = _data(loss, rng)
    assert _max_relative_error(net.gradients(X, T), _finite_differences(net, X, T)) < 1e-7


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "softmax", "softplus"])
def test_mse_after_any_output_matches_finite_differences(output, rng):
    net = MLP([4, 5, 3], ["tanh", output], "mse", seed=2)
    X, T = _data("mse", rng)
    assert _max_relative_error(net.gradients(X, T), _finite_differences(net, X, T)) < 1e-7


def test_relu_network_away_from_kinks(rng):
    net = MLP([4, 6, 3], "relu", "cross_entropy", seed=3)
    X, T = _data("cross_entropy", rng)
    assert _max_relative_error(net.gradients(X, T), _finite_differences(net, X, T)) < 1e-6


def test_negative_control_a_wrong_gradient_is_caught(rng):
    net = MLP([4, 5, 3], "sigmoid", "cross_entropy", seed=1)
    X, T = _data("cross_entropy", rng)
    grads = net.gradients(X, T)
    grads["W1"] = grads["W1"].T.copy().reshape(grads["W1"].shape)  # a transposed-style bug
    assert _max_relative_error(grads, _finite_differences(net, X, T)) > 1e-2


def test_worked_example_against_an_independent_computation():
    from derivations.example import quantities

    values = quantities()
    s = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h = s(np.array([0.5 + 0.5 - 0.2, -0.5 - 0.5 + 0.7]))
    y = s(h.sum() - 0.5)
    delta2 = y * y * (1 - y)
    delta1 = delta2 * h * (1 - h)
    assert values["y"] == pytest.approx(y, rel=1e-12)
    assert values["delta2"] == pytest.approx(delta2, rel=1e-12)
    assert [values["delta1_1"], values["delta1_2"]] == pytest.approx(delta1, rel=1e-12)
    assert values["W1_21 new"] == pytest.approx(-0.5 - 0.5 * delta1[1], rel=1e-12)


def test_example_json_rows(capsys):
    assert main(["example", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 27 and set(rows[0]) == {"quantity", "seed", "value", "agrees", "note"}
    assert [r["quantity"] for r in rows if not r["agrees"]] == ["W2_2 new"]
    assert all(abs(r["value"] - r["seed"]) <= 5e-4 for r in rows if r["agrees"])


def test_xor_is_learnt_from_the_seeds_weights(capsys):
    assert main(["train", "xor"]) == 0
    out = capsys.readouterr().out
    assert "100 % accuracy (every output within 0.4 of its target) at epoch" in out


def test_training_lowers_the_loss(rng):
    X = rng.normal(size=(60, 4))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    for optimizer in ("sgd", "momentum", "adam"):
        net = MLP([4, 8, 2], "tanh", "cross_entropy", seed=0)
        history = net.fit(
            X,
            labels,
            epochs=30,
            learning_rate=0.05,
            batch_size=8,
            optimizer=optimizer,
            seed=0,
            progress=False,
        )
        assert history["loss"][-1] < 0.7 * history["loss"][0], optimizer


@pytest.mark.parametrize("name", OUTPUT_GRADS)
def test_derivative_of_the_output_is_proven_and_equals_the_z_form(name):
    derive(f"{name}_grad_output").verify()  # SymPy: display == diff of the definition
    z = np.linspace(-30.0, 30.0, 601)
    of_output = F.generated(f"{name}_grad_output")(F.generated(name)(z))
    # absolute agreement: where f(z) rounds to 1, 1 - f(z) is 0 and the z-form is tiny
    np.testing.assert_allclose(of_output, F.generated(f"{name}_grad")(z), rtol=1e-12, atol=1e-15)


def test_backprop_takes_the_derivative_of_the_output_where_sympy_derived_it():
    assert backprop_derivative("tanh") == ("tanh_grad_output", True)
    assert backprop_derivative("sigmoid") == ("sigmoid_grad_output", True)
    assert backprop_derivative("softplus") == ("softplus_grad", False)  # sigma(z): no y-form
    assert backprop_derivative("tanh", from_output=False) == ("tanh_grad", False)


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("hidden", [a for a in OUTPUT_GRADS if a != "relu"])
def test_training_step_gradients_match_finite_differences(hidden, loss, rng):
    """fit's batch step, with the derivatives of the stored activations."""
    net = MLP([4, 5, 3, 3], hidden, loss, seed=1)
    X, T = _data(loss, rng)
    buffers = net._buffers(len(X))
    net._backprop(X, net.targets(T, len(X)), buffers)
    assert _max_relative_error(buffers.grads, _finite_differences(net, X, T)) < 1e-7


def test_gradients_keep_relative_accuracy_through_a_saturated_unit():
    params = {"W1": [[25.0]], "b1": [0.0], "W2": [[1.0]], "b2": [0.0]}
    net = MLP.from_params(params, ["tanh", "identity"], "mse")
    X, T = np.array([[1.0]]), np.array([[0.0]])
    # tanh(25) rounds to 1 and dL/dy = 1: dL/db1 = tanh'(25) = 4 e^{-50} / (1 + e^{-50})^2
    assert net.gradients(X, T)["b1"][0] == pytest.approx(4 * np.exp(-50.0), rel=1e-14)
    buffers = net._buffers(1)  # the training step's 1 - a^2 is exactly 0 there
    net._backprop(X, T, buffers)
    assert buffers.grads["b1"][0] == 0.0


def test_gradients_are_fresh_arrays(rng):
    net = MLP([4, 5, 3], "tanh", "cross_entropy", seed=0)
    X, T = _data("cross_entropy", rng)
    first = net.gradients(X, T)
    kept = {k: v.copy() for k, v in first.items()}
    net.gradients(X[:2], T[:2])
    assert all(np.array_equal(first[k], kept[k]) for k in kept)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_in_place_updates_leave_the_gradients_alone(optimizer, rng):
    params = {"W1": rng.normal(size=(3, 2))}
    g = {"W1": rng.normal(size=(3, 2))}
    before, grad = params["W1"].copy(), g["W1"].copy()
    update = Optimizer(optimizer, 0.1)
    update.update(params, g)
    update.update(params, g)
    np.testing.assert_array_equal(g["W1"], grad)
    steps = 2 * 0.1 * grad if optimizer == "sgd" else (0.1 + 0.9 * 0.1 + 0.1) * grad
    np.testing.assert_allclose(params["W1"], before - steps, rtol=1e-14)


@pytest.mark.parametrize(("hidden", "loss"), [("tanh", "cross_entropy"), ("softplus", "mse")])
def test_fit_takes_the_plain_sgd_steps(hidden, loss, rng):
    """The in-place hot loop equals theta <- theta - eta dL/dtheta on the shuffled batches."""
    X, T = _data(loss, rng, n=20)
    net, plain = (MLP([4, 6, 5, 3], hidden, loss, seed=4) for _ in range(2))
    history = net.fit(X, T, epochs=2, learning_rate=0.1, batch_size=6, seed=7, progress=False)
    order, losses = np.random.default_rng(7), []
    for _ in range(2):
        shuffled, total = order.permutation(len(X)), 0.0
        for first in range(0, len(X), 6):
            batch = shuffled[first : first + 6]
            total += plain.loss(X[batch], T[batch]) * len(batch)  # before the batch's step
            for name, g in plain.gradients(X[batch], T[batch]).items():
                plain.params[name] -= 0.1 * g
        losses.append(total / len(X))
    for name, value in plain.params.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, atol=1e-15)
    # the history is the running mean of the batch losses, as Keras and PyTorch loops report
    assert history["loss"] == pytest.approx(losses, rel=1e-12)


def test_full_batch_history_is_the_loss_and_accuracy_before_the_step(rng):
    X = rng.normal(size=(30, 4))
    labels = (X[:, 0] > 0).astype(int)
    net = MLP([4, 5, 2], "sigmoid", "cross_entropy", seed=0)
    loss, accuracy = net.loss(X, labels), float(np.mean(net.predict(X) == labels))
    history = net.fit(X, labels, epochs=1, learning_rate=0.1, progress=False)
    assert history["loss"] == [pytest.approx(loss, rel=1e-14)]
    assert history["accuracy"] == [accuracy]


def test_float32_training_stays_float32(rng):
    net = MLP([4, 6, 3], "sigmoid", "cross_entropy", seed=0, dtype=np.float32)
    X, T = _data("cross_entropy", rng)
    net.fit(X, T, epochs=3, learning_rate=0.1, progress=False)
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert net.gradients(X, T)["W1"].dtype == np.float32


def test_divergence_stops_and_keeps_the_last_finite_weights():
    X = np.array([[1e150, -1e150]])
    net = MLP([2, 2], "identity", "mse", seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    history = net.fit(X, [[0.0, 0.0]], epochs=5, learning_rate=1.0, progress=False)
    assert "kept the weights" in history["stopped"]
    assert all(np.all(np.isfinite(v)) for v in net.params.values())
    assert len(history["loss"]) < 5 or before


def test_save_and_load_round_trip(tmp_path, rng):
    net = MLP([3, 4, 2], "tanh", "cross_entropy", seed=5)
    path = tmp_path / "weights.npz"
    net.save(path)
    again = MLP.load(path, "tanh", "cross_entropy")
    X = rng.normal(size=(4, 3))
    np.testing.assert_array_equal(again.forward(X), net.forward(X))


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: MLP([2, 3], "swish", "mse"), ValueError, "unknown activation 'swish'"),
        (lambda: MLP([2, 3], "tanh", "hinge"), ValueError, "unknown loss 'hinge'"),
        (lambda: MLP([2], "tanh", "mse"), ValueError, "at least two"),
        (lambda: MLP([2, 3, 2], ["tanh", "sigmoid"], "cross_entropy"), ValueError, "needs output"),
        (
            lambda: MLP([2, 3], "tanh", "mse").forward(np.zeros((4, 3))),
            ShapeError,
            r"\(n_samples, 2\)",
        ),
        (lambda: MLP([2, 3], "tanh", "mse").forward([[np.nan, 0]]), ValueError, "NaN"),
        (
            lambda: MLP([2, 3], "tanh", "cross_entropy").loss([[0, 0]], np.array([3])),
            ValueError,
            "class labels",
        ),
        (
            lambda: MLP([2, 3], "tanh", "mse").fit(
                [[0, 0]], [[0, 0, 0]], epochs=1, learning_rate=0
            ),
            ValueError,
            "learning_rate must be positive",
        ),
        (
            lambda: MLP.from_params({"W1": np.zeros((2, 2)), "b1": np.zeros(3)}),
            ShapeError,
            "do not chain",
        ),
    ],
)
def test_bad_input_raises_clear_errors(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_train_on_a_csv_file(tmp_path, capsys, rng):
    X = rng.normal(size=(120, 3))
    labels = np.where(X[:, 0] - X[:, 2] > 0, "up", "down")
    path = tmp_path / "data.csv"
    lines = ["a,b,c,label"] + [
        f"{a},{b},{c},{label}" for (a, b, c), label in zip(X, labels, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    assert main(["train", str(path), "--target", "label", "--epochs", "60"]) == 0
    out = capsys.readouterr().out
    held_out = float(out.split("held-out accuracy ")[1].split(" %")[0])
    assert held_out >= 85.0


@pytest.mark.parametrize(
    ("content", "argv_tail", "message"),
    [
        ("a,b\n1,x\n2,y\n", ["--target", "b"], "need at least two classes"),
        ("a,b\n1\n", ["--target", "b"], "expected 2 fields"),
        ("a,b\nfoo,x\n", ["--target", "b"], "not a number"),
        ("a,b\n1,x\n", ["--target", "nope"], "no column 'nope'"),
    ],
)
def test_malformed_csv_is_one_line_and_exit_1(tmp_path, capsys, content, argv_tail, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["train", str(path), *argv_tail]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error
