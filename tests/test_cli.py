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


@pytest.mark.parametrize("row", SEED_VALUES, ids=lambda r: r.quantity)
def test_generated_functions_reproduce_the_seed_at_its_precision(row):
    assert round(row.compute(functions), row.decimals) == pytest.approx(row.seed, abs=1e-12)


def test_seed_check_can_fail():
    # negative control: the agreement test is not vacuous
    wrong = SEED_VALUES[0].__class__("h1", "", "sigmoid", (0.9,), 0.690)
    assert round(wrong.compute(functions), 3) != 0.690


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["codegen"], ["tour", "--bogus"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_console_script_runs():
    run = subprocess.run(
        [sys.executable, "-m", "derivations.cli", "tour"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "gradproof tour" in run.stdout
