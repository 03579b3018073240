"""``gradproof codegen``: a standalone module that needs NumPy only, written atomically."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from derivations.cli import main
from numeric import functions as F
from numeric.files import atomic_write
from symbolic import RESULTS

INPUTS = {
    "z": [[-1000.0, -30.0, 0.0, 1e-8, 30.0, 1000.0], [0.5, -2.0, 3.0, 1.0, 0.0, -1.0]],
    "y": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]],
    "t": [[0.0, 0.0, 1.0, 0.0, 0.0, 0.0], [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]],
    "v": [[1.0, -1.0, 2.0, 0.5, 0.0, 3.0], [0.0, 1.0, 0.0, -1.0, 2.0, 1.0]],
}

RUNNER = textwrap.dedent("""
    import importlib.util, inspect, json, sys
    sys.modules["sympy"] = None          # the generated module must not need SymPy
    spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    inputs = json.loads(sys.argv[2])
    out = {}
    for name in module.__all__:
        function = getattr(module, name)
        args = [inputs[a] for a in inspect.signature(function).parameters]
        out[name] = {"value": function(*args).tolist(), "doc": function.__doc__}
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("codegen") / "gradients.py"
    assert main(["codegen", "-o", str(path)]) == 0
    run = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER, str(path), json.dumps(INPUTS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return path, json.loads(run.stdout)


def test_module_holds_every_function_and_imports_numpy_only(generated):
    path, results = generated
    assert set(results) == set(RESULTS)
    imports = [
        line for line in path.read_text().splitlines() if line.startswith(("import", "from"))
    ]
    assert imports == ["import numpy", "import numpy as np"]


def test_standalone_functions_equal_the_in_process_ones(generated):
    import inspect

    _, results = generated
    for name, out in results.items():
        raw = getattr(F, name).__wrapped__
        args = [np.asarray(INPUTS[a]) for a in inspect.signature(raw).parameters]
        np.testing.assert_array_equal(
            np.asarray(out["value"]), getattr(F, name)(*args), err_msg=name
        )


def test_docstrings_carry_the_formula(generated):
    _, results = generated
    assert "Formula: σ(z)·(1 − σ(z))" in results["sigmoid_grad"]["doc"]
    assert "e^(-z)/(1 + e^(-z))^2" in results["sigmoid_grad"]["doc"]
    assert r"\sigma\left(z\right)" in results["sigmoid_grad"]["doc"]
    assert "Formula: y_j·(v_j − Σ_i (v_i·y_i))" in results["softmax_jvp"]["doc"]
    assert "shifted" in results["log_softmax"]["doc"]


def test_existing_file_is_kept_without_force(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text("my work\n")
    assert main(["codegen", "-o", str(path)]) == 1
    assert path.read_text() == "my work\n"
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "exists" in error and "--force" in error
    assert main(["codegen", "-o", str(path), "--force"]) == 0
    assert "def sigmoid_grad(z):" in path.read_text()


def test_missing_folder_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["codegen", "-o", str(tmp_path / "no" / "such.py")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "does not exist" in error


def test_interrupted_write_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / "gradients.py"
    path.write_text("old\n")

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, "new content that must not appear\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradients.py"]
