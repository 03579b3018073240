"""The ``gradproof`` command's main job, ``tour``, and its usage errors."""

import subprocess
import sys

import pytest

from derivations.cli import main
from derivations.seed import SEED_VALUES
from numeric import functions


def test_tour_prints_derived_and_proven_results(capsys):
    assert main(["tour"]) == 0
    out = capsys.readouterr().out
    assert "σ(z)·(1 − σ(z))" in out and "e^(-z)/(1 + e^(-z))^2" in out
    assert "y_i·(δ_ij − y_j)" in out and "y_i·(1 − y_i)" in out and "-y_i·y_j" in out
    assert "y_j·Σ_i t_i − t_j" in out and "∂L/∂z_j = y_j − t_j" in out
    assert "NO" not in out
    assert "gradient-checked" in out and "ok: every checked entry passes" in out


@pytest.mark.parametrize("row", SEED_VALUES, ids=lambda r: r.quantity)
def test_generated_functions_reproduce_the_seed_at_its_precision(row):
    assert round(row.compute(functions), row.decimals) == pytest.approx(row.seed, abs=1e-12)


def test_seed_check_can_fail():
    # negative control: the agreement test is not vacuous
    wrong = SEED_VALUES[0].__class__("h1", "", "sigmoid", (0.9,), 0.690)
    assert round(wrong.compute(functions), 3) != 0.690


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND (see gradproof --help)"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["codegen"], "the following arguments are required: -o/--output"),
        (["tour", "--bogus"], "unrecognized arguments: --bogus"),
        (["check", "--method", "forward"], "argument --method: invalid choice: 'forward'"),
        (["train", "xor", "--epochs", "many"], "argument --epochs: invalid int value: 'many'"),
        (["check", "--expr", "x", "--at", "1,two"], "expected numbers separated by commas"),
        (["derive", "--format", "pdf"], "(see gradproof derive --help)"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradproof: error: ") and message in err
    assert len(err.splitlines()) == 1 and "usage:" not in err


def test_console_script_runs():
    run = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "tour"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "gradproof tour" in run.stdout


def test_train_saves_weights_and_never_overwrites_without_force(tmp_path, capsys):
    path = tmp_path / "xor.npz"
    assert main(["train", "xor", "--save", str(path)]) == 0
    saved = path.read_bytes()
    assert main(["train", "xor", "--epochs", "5", "--save", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"gradproof: error: {path} exists; use --force to replace it"
    assert path.read_bytes() == saved
    assert main(["train", "xor", "--epochs", "5", "--save", str(path), "--force"]) == 1  # unsolved
    assert path.read_bytes() != saved
    assert main(["check", "--weights", str(path)]) == 0


def test_plot_without_matplotlib_fails_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert main(["train", "xor", "--plot", str(tmp_path / "xor.png")]) == 1
    captured = capsys.readouterr()
    assert "--plot needs matplotlib: pip install 'gradproof[plot]'" in captured.err
    assert captured.out == "" and not (tmp_path / "xor.png").exists()
