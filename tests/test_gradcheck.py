"""The gradient checker itself: negative controls, kinks, non-finite values, reports."""

import json

import numpy as np
import pytest

from derivations.cli import main
from numeric import functions as F
from numeric.gradcheck import GradientCheckError, Status, gradcheck
from numeric.mlp import MLP
from numeric.netcheck import check_network

METHODS = ("central", "richardson", "complex")
MODES = ("full", "sample", "directional")


def _net(sizes, activations, loss, seed=1, dtype=np.float64, n=5):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activations, loss, seed=seed, dtype=dtype)
    X = rng.normal(size=(n, sizes[0]))
    T = (
        rng.integers(0, sizes[-1], n)
        if loss == "cross_entropy"
        else rng.uniform(size=(n, sizes[-1]))
    )
    return net, X, T


def _backprop(net, X, T, hidden_grad=None, softmax_vjp=None):
    """A plain backward pass written out in the test, with one piece replaceable.

    *hidden_grad(z)* replaces the hidden activation's derivative, *softmax_vjp(y, g)* the
    product of the softmax Jacobian with dL/dy (softmax output with the MSE loss).
    """
    X, T = net._inputs(X), net.targets(T, len(X))
    zs, activations = [], [X]
    for W, b, name in zip(net.W, net.b, net.activations, strict=True):
        zs.append(activations[-1] @ W.T + b)
        activations.append(getattr(F, name)(zs[-1]))
    y = activations[-1]
    if net.activations[-1] == "softmax" and net.loss_name == "mse":
        vjp = softmax_vjp or (lambda y, g: y * (g - np.sum(y * g, axis=1, keepdims=True)))
        delta = vjp(y, y - T)
    else:
        delta = getattr(F, f"{net.loss_name}_grad")(zs[-1], T)
    delta = delta / len(X)
    grads = {}
    for layer in range(len(net.W) - 1, -1, -1):
        grads[f"W{layer + 1}"] = delta.T @ activations[layer]
        grads[f"b{layer + 1}"] = delta.sum(axis=0)
        if layer:
            derivative = hidden_grad or getattr(F, f"{net.activations[layer - 1]}_grad")
            delta = (delta @ net.W[layer]) * derivative(zs[layer - 1])
    return grads


def _sigma_one_plus_sigma(z):
    s = F.sigmoid(z)
    return s * (1 + s)


def _wrong_softmax_diagonal(y, g):
    # J = diag(y) - y y^T with the diagonal y_i (1 + y_i) in place of y_i (1 - y_i)
    return y * (g - np.sum(y * g, axis=1, keepdims=True)) + 2 * y * y * g


CONTROLS = {
    "transposed W2": (
        ([3, 3, 3], "tanh", "mse"),
        lambda net, X, T: {**net.gradients(X, T), "W2": net.gradients(X, T)["W2"].T},
    ),
    "sign flip in b1": (
        ([3, 4, 2], "sigmoid", "bce"),
        lambda net, X, T: {**net.gradients(X, T), "b1": -net.gradients(X, T)["b1"]},
    ),
    "missing 1/N": (
        ([3, 4, 3], "tanh", "cross_entropy"),
        lambda net, X, T: {k: v * len(X) for k, v in net.gradients(X, T).items()},
    ),
    "index shift in W1": (
        ([3, 4, 3], "softplus", "cross_entropy"),
        lambda net, X, T: {**net.gradients(X, T), "W1": np.roll(net.gradients(X, T)["W1"], 1)},
    ),
    "sigma(1 + sigma)": (
        ([3, 4, 2], "sigmoid", "mse"),
        lambda net, X, T: _backprop(net, X, T, hidden_grad=_sigma_one_plus_sigma),
    ),
    "softmax Jacobian diagonal": (
        ([3, 4, 3], ["tanh", "softmax"], "mse"),
        lambda net, X, T: _backprop(net, X, T, softmax_vjp=_wrong_softmax_diagonal),
    ),
}


def test_the_written_out_backprop_is_right():
    """The controls below break one piece of a backward pass that is otherwise right."""
    for (sizes, activations, loss), _ in CONTROLS.values():
        net, X, T = _net(sizes, activations, loss)
        assert check_network(net, X, T, gradients=_backprop).ok


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("control", CONTROLS)
def test_every_mode_catches_every_negative_control(control, method, mode):
    (sizes, activations, loss), wrong = CONTROLS[control]
    net, X, T = _net(sizes, activations, loss)
    report = check_network(net, X, T, method=method, mode=mode, samples=4, gradients=wrong)
    assert not report.ok
    assert any(p.status == Status.FAIL for p in report.parameters)
    with pytest.raises(GradientCheckError, match="FAILED"):
        report.assert_ok()


def test_directional_mode_locates_the_bad_entry():
    net, X, T = _net([6, 8, 3], "tanh", "cross_entropy")

    def one_wrong_entry(net, X, T):
        grads = net.gradients(X, T)
        grads["W1"][5, 2] *= 1.01
        return grads

    report = check_network(net, X, T, mode="directional", gradients=one_wrong_entry)
    (w1,) = [p for p in report.parameters if p.status == Status.FAIL]
    assert w1.worst == "W1[5,2]"
    assert "bisection" in w1.note
    assert report.evaluations < 2 * 4 * net.W[0].size  # cheaper than checking every entry


SMOOTH = [
    ([2, 2, 1], "sigmoid", "mse"),
    ([4, 5, 3], "tanh", "cross_entropy"),
    ([3, 4, 4, 2], "softplus", "bce"),
    ([3, 4, 3], ["sigmoid", "softmax"], "mse"),
]


@pytest.mark.parametrize("architecture", SMOOTH)
def test_smooth_networks_pass_with_tight_errors(architecture):
    net, X, T = _net(*architecture)
    richardson = check_network(net, X, T, method="richardson")
    complex_step = check_network(net, X, T, method="complex")
    assert richardson.ok and complex_step.ok
    assert richardson.max_rel_error < 1e-9
    assert complex_step.max_rel_error < 1e-13
    assert all(p.counts == {"PASS": int(np.prod(p.shape))} for p in complex_step.parameters)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(3))
def test_float32_networks_pass_without_false_failures(seed, method, mode):
    net, X, T = _net([5, 8, 6, 3], "tanh", "cross_entropy", seed=seed, dtype=np.float32)
    report = check_network(net, X, T, method=method, mode=mode)
    assert report.ok, str(report)
    assert "float32" in str(report)


def _relu_at_kink():
    """A ReLU network with one hidden pre-activation exactly 0 for one sample."""
    net, X, T = _net([2, 3, 1], "relu", "mse", seed=3)
    X[0] = [0.5, -1.25]
    net.b[0][0] = -(X[:1] @ net.W[0].T)[0, 0]
    assert (X @ net.W[0].T + net.b[0])[0, 0] == 0.0
    return net, X, T


@pytest.mark.parametrize("method", METHODS)
def test_relu_exactly_at_a_kink_is_a_kink_not_a_failure(method):
    net, X, T = _relu_at_kink()
    report = check_network(net, X, T, method=method)
    assert report.ok, str(report)
    kinks = sum(p.counts.get("KINK", 0) for p in report.parameters)
    assert kinks >= 2  # b1[0] and the W1[0, j]: z1[0, 0] moves through 0
    (b1,) = [p for p in report.parameters if p.name == "b1"]
    assert b1.status == Status.KINK and b1.worst == "b1[0]"
    assert "KINK" in str(report) and "kink" in str(report)


def test_a_wrong_value_at_a_kink_still_fails():
    net, X, T = _relu_at_kink()

    def outside(net, X, T):
        grads = net.gradients(X, T)
        grads["b1"][0] += 1.0  # outside both one-sided derivatives
        return grads

    report = check_network(net, X, T, gradients=outside)
    assert not report.ok
    (b1,) = [p for p in report.parameters if p.name == "b1"]
    assert b1.status == Status.FAIL and "at a kink" in b1.note


def _quietly(f):
    def wrapped(x):
        with np.errstate(invalid="ignore", divide="ignore"):
            return f(x)

    return wrapped


def test_nonfinite_on_both_sides():
    report = gradcheck(
        _quietly(lambda x: np.sum(np.log(x))), _quietly(lambda x: np.log(x)), np.array([-1.0])
    )
    (x,) = report.parameters
    assert x.status == Status.NONFINITE and x.note.startswith("both: analytic and f(x+h)")
    assert x.worst == "x[0]" and not report.ok


def test_nonfinite_analytic_side_only():
    report = gradcheck(lambda x: np.sum(x**2), _quietly(lambda x: 2 * x / (x - 1)), np.ones(2))
    (x,) = report.parameters
    assert x.status == Status.NONFINITE and x.note == "analytic"


def test_nonfinite_numeric_side_names_the_evaluation():
    # sqrt at 0: f(x - h) is NaN, the claimed one-sided derivative finite
    report = gradcheck(
        _quietly(lambda x: np.sum(np.sqrt(x))), lambda x: np.array([1e3, 0.5]), np.array([0.0, 1.0])
    )
    (x,) = report.parameters
    assert x.status == Status.NONFINITE and x.note == "numeric: f(x-h), f(x-h/2)"


def test_nondeterministic_function_and_gradient():
    rng = np.random.default_rng(0)
    noisy = gradcheck(lambda x: np.sum(x**2) + 1e-9 * rng.normal(), lambda x: 2 * x, np.ones(3))
    assert noisy.parameters[0].status == Status.NONDETERMINISTIC and not noisy.ok
    jittery = gradcheck(
        lambda x: np.sum(x**2), lambda x: 2 * x + 1e-12 * rng.normal(size=3), np.ones(3)
    )
    assert jittery.parameters[0].status == Status.NONDETERMINISTIC
    assert "grad differs" in jittery.parameters[0].note


def test_step_underflow_is_reported():
    report = gradcheck(lambda x: np.sum(x**2), lambda x: 2 * x, np.array([1.0, 2.0]), step=1e-30)
    assert report.parameters[0].status == Status.STEP_UNDERFLOW and not report.ok


def test_named_arrays_and_the_report():
    rng = np.random.default_rng(2)
    x = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=3)}

    def f(p):
        return np.sum(np.tanh(p["W"] @ np.ones(2) + p["b"]) ** 2)

    def grad(p):
        t = np.tanh(p["W"] @ np.ones(2) + p["b"])
        d = 2 * t * (1 - t**2)
        return {"W": np.outer(d, np.ones(2)), "b": d}

    report = gradcheck(f, grad, x)
    assert report.ok and report.max_rel_error < 1e-9
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] and [p["name"] for p in data["parameters"]] == ["W", "b"]
    assert data["parameters"][0]["worst"]["entry"].startswith("W[")
    assert data["evaluations"] == report.evaluations == 2 + 4 * 9


def test_report_is_at_most_20_lines_and_names_the_worst_entry():
    net = MLP([3] + [4] * 14 + [2], "tanh", "bce", seed=0)
    X, T = np.ones((2, 3)), np.ones((2, 2))

    def wrong(net, X, T):
        grads = net.gradients(X, T)
        grads["W3"][1, 0] += 0.5
        return grads

    report = check_network(net, X, T, method="complex", gradients=wrong)
    text = str(report)
    assert len(text.splitlines()) <= 20
    assert "W3[1,0]" in text and "analytic" in text and "numeric" in text
    assert "more parameters" in text


def test_the_cost_is_stated_before_running(capsys):
    report = gradcheck(lambda x: np.sum(x**2), lambda x: 2 * x, np.ones(4), verbose=True)
    assert "18 evaluations of f planned" in capsys.readouterr().err
    assert report.evaluations == 18


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"method": "forward"}, ValueError, "unknown method"),
        ({"mode": "all"}, ValueError, "unknown mode"),
        ({"mode": "directional", "probes": 2}, ValueError, "at least 3"),
        ({"samples": 0}, ValueError, "samples"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        gradcheck(lambda x: np.sum(x**2), lambda x: 2 * x, np.ones(2), **kwargs)


def test_bad_functions():
    with pytest.raises(ValueError, match="shape"):
        gradcheck(lambda x: np.sum(x**2), lambda x: 2 * x[:1], np.ones(2))
    with pytest.raises(ValueError, match="scalar"):
        gradcheck(lambda x: x**2, lambda x: 2 * x, np.ones(2))
    with pytest.raises(TypeError, match="complex-safe"):
        gradcheck(lambda x: np.sum(np.real(x) ** 2), lambda x: 2 * x, np.ones(2), method="complex")
    with pytest.raises(ValueError, match="NaN"):
        gradcheck(lambda x: np.sum(x**2), lambda x: 2 * x, np.array([np.nan]))


# --- gradproof check ----------------------------------------------------------------------


def test_cli_checks_the_seed_network_by_default(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "2-2-1 network (sigmoid, sigmoid; mse loss), the seed's weights" in out
    assert "W1[" in out and "ok: every checked entry passes" in out
    assert len(out.splitlines()) <= 21


def test_cli_json_report(capsys):
    assert main(["check", "--json", "--method", "complex", "--mode", "sample"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["method"] == "complex" and data["mode"] == "sample"
    assert [p["name"] for p in data["parameters"]] == ["W1", "b1", "W2", "b2"]
    assert all(p["max_rel_error"] < 1e-13 for p in data["parameters"])


def test_cli_exits_1_when_a_gradient_is_wrong(monkeypatch, capsys):
    right = MLP.gradients

    def wrong(self, X, T):
        return {k: -v for k, v in right(self, X, T).items()}

    monkeypatch.setattr(MLP, "gradients", wrong)
    assert main(["check", "--mode", "directional"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_cli_checks_expressions_and_primitives(capsys):
    assert main(["check", "--expr", "x*sigmoid(x)", "--method", "mpmath"]) == 0
    assert "its NumPy derivative at 9 points" in capsys.readouterr().out
    assert main(["check", "--expr", "relu(x)", "--at=-1,0,2"]) == 0
    out = capsys.readouterr().out
    assert "KINK" in out and "the generated relu_grad" in out
    assert main(["check", "--expr", "log(x)", "--method", "complex"]) == 0
    assert "left out (not finite there): x=-30" in capsys.readouterr().out


def test_cli_checks_saved_weights_on_a_csv_file(tmp_path, capsys):
    net = MLP([3, 5, 2], "tanh", "cross_entropy", seed=4)
    net.save(tmp_path / "net.npz")
    rows = ["a,b,c,label", "0.5,1,-1,yes", "1,0.25,2,no", "-1,2,0,yes"]
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n")
    argv = ["check", "--weights", str(tmp_path / "net.npz"), "--data", str(tmp_path / "data.csv")]
    assert main([*argv, "--activation", "tanh", "--loss", "cross_entropy"]) == 0
    assert "3-5-2 network (tanh, softmax; cross_entropy loss)" in capsys.readouterr().out
    assert main([*argv, "--layers", "3,4,2"]) == 1
    assert "holds a 3-5-2 network, not 3,4,2" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["check", "--layers", "2,x"], 2, "--layers: expected sizes"),
        (["check", "--method", "mpmath"], 2, "--method mpmath is for --expr"),
        (["check", "--mode", "directional", "--probes", "2"], 2, "at least 3"),
        (["check", "--expr", "x +"], 2, "--expr:"),
        (["check", "--expr", "__import__('os').system('touch pwned')"], 2, "not allowed"),
        (["check", "--expr", "9**9**9**9"], 2, "exponent larger than 1000"),
        (["check", "--expr", "x", "--method", "mpmath", "--mode", "directional"], 2, "mpmath"),
        (["check", "--weights", "missing.npz"], 1, "missing.npz"),
        (["check", "--activation", "swish"], 1, "unknown activation 'swish'"),
        (["check", "--layers", "3,2,1", "--data", "missing.csv"], 1, "missing.csv"),
    ],
)
def test_cli_errors_are_one_line(argv, status, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == status
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_malformed_files_are_one_line_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "garbage.npz").write_text("not a zip file\n")
    np.save(tmp_path / "one.npy", np.ones(3))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    np.savez(tmp_path / "partial.npz", W1=np.ones((2, 2)))
    np.savez(tmp_path / "apart.npz", W1=np.ones((2, 2)), b1=np.ones(3), W2=np.ones((1, 2)), b2=[1])
    (tmp_path / "text.csv").write_text("a,b,label\n1,x,yes\n")
    (tmp_path / "ragged.csv").write_text("a,b,label\n1,2,yes\n3,4\n")
    (tmp_path / "wide.csv").write_text("a,b,c,label\n1,2,3,yes\n")
    (tmp_path / "nan.csv").write_text("a,b,label\n1,nan,yes\n")
    (tmp_path / "empty.csv").write_text("")
    cases = {
        "--weights garbage.npz": "garbage.npz: not an .npz file of weights",
        "--weights one.npz": "one.npz: one array, not an .npz file",
        "--weights partial.npz": "partial.npz: params needs W1, b1, W2, b2, ...; missing ['b1']",
        "--weights apart.npz": "apart.npz: W1 (2, 2) and b1 (3,) do not chain",
        "--data text.csv": "text.csv:2: a feature is not a number",
        "--data ragged.csv": "ragged.csv:3: expected 3 fields, got 2",
        "--data wide.csv": "wide.csv has 3 feature columns; the network takes 2 inputs",
        "--data nan.csv": "nan.csv: features must be finite numbers",
        "--data empty.csv": "empty.csv: empty file",
        "--data .": "Is a directory",
    }
    for argv, message in cases.items():
        assert main(["check", *argv.split()]) == 1, argv
        err = capsys.readouterr().err
        assert message in err and len(err.splitlines()) == 1, (argv, err)
