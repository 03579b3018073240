"""Benchmark gradproof's gradient checker against PyTorch's gradcheck and a plain loop.

What it measures
----------------
A 64-h-10 tanh network with a softmax cross-entropy loss on a batch of 16 random samples
(float64), with h = 15, 150 and 1350, so that the number of parameters P is about 10^3,
10^4 and 10^5. For each, side by side in one process:

* gradproof: ``numeric.netcheck.check_network`` in ``full`` mode with the ``central``,
  ``richardson`` (the default) and ``complex`` references, and in ``directional`` mode;
* a plain loop: 2P forward passes of the same network, one central difference
  (h = 1e-6, PyTorch's step) per entry, the way a hand-written checker does it;
* PyTorch: ``torch.autograd.gradcheck`` on the same function and weights (float64), in
  slow mode (the full numerical Jacobian, 2P forward passes) and in fast mode (one random
  projection). Slow mode and the plain loop grow as P^2 and are skipped above
  ``--slow-max`` (2 * 10^4 by default; at 10^5 they take minutes: the plain loop took 245 s).

Times are medians over ``--repeats`` runs; the implementations take turns within each
repeat. Targets (from issue 5): gradproof's full mode at least 40x faster than PyTorch's
slow gradcheck at P = 10^4 and under 1 s at P = 10^5, with the same accuracy; the
directional mode's number of evaluations flat in P. Accuracy is the normwise error of the
numerical gradient, max |numeric - analytic| / max |analytic|, against the backpropagated
gradient (which the complex step confirms to about 1e-15). PyTorch does not expose its
numerical Jacobian; its slow mode takes the same central differences as the plain loop.

How to run
----------
From the project root::

    pip install torch==2.13.0          # the peer, optional (its columns read n/a)
    python bench/gradcheck.py          # full run, about a minute
    python bench/gradcheck.py --quick  # CI smoke test: P = 10^3 only, one repeat

No result is asserted: the script prints tables and exits 0.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
from tables import print_table  # bench/tables.py, beside this script

from numeric.mlp import MLP
from numeric.netcheck import check_network

try:
    import torch
except ImportError:  # PyTorch is optional: its columns then read "n/a"
    torch = None

HIDDEN = (15, 150, 1350)
"""Hidden widths: P = 65 h + 10 + 10 h ... about 10^3, 10^4, 10^5."""
N_SAMPLES, N_INPUTS, N_CLASSES = 16, 64, 10
PLAIN_STEP = 1e-6
METHODS = ("central", "richardson", "complex")
TARGET_SPEEDUP, TARGET_SECONDS = 40.0, 1.0


def problem(hidden: int, seed: int = 0) -> tuple[MLP, np.ndarray, np.ndarray]:
    """The network, inputs and class labels for one size."""
    rng = np.random.default_rng(seed)
    net = MLP([N_INPUTS, hidden, N_CLASSES], "tanh", "cross_entropy", seed=seed)
    return net, rng.normal(size=(N_SAMPLES, N_INPUTS)), rng.integers(0, N_CLASSES, N_SAMPLES)


def n_params(net: MLP) -> int:
    """The number of scalar parameters."""
    return sum(p.size for p in net.params.values())


def plain_loop(net: MLP, X: np.ndarray, T: np.ndarray) -> dict[str, np.ndarray]:
    """Central differences, one entry at a time: 2P forward passes."""

    def loss() -> float:
        return net.loss(X, T)

    out = {}
    for name, p in net.params.items():
        grad = np.empty_like(p)
        flat, g = p.reshape(-1), grad.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + PLAIN_STEP
            up = loss()
            flat[k] = old - PLAIN_STEP
            down = loss()
            flat[k] = old
            g[k] = (up - down) / (2 * PLAIN_STEP)
        out[name] = grad
    return out


def torch_check(net: MLP, X: np.ndarray, T: np.ndarray, fast: bool) -> bool:
    """``torch.autograd.gradcheck`` of the same loss at the same weights (float64)."""
    inputs = tuple(
        torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in net.params.values()
    )
    x, y = torch.tensor(X), torch.tensor(T)

    def loss(W1, b1, W2, b2):
        return torch.nn.functional.cross_entropy(torch.tanh(x @ W1.T + b1) @ W2.T + b2, y)

    return torch.autograd.gradcheck(loss, inputs, fast_mode=fast)


def normwise(numeric: dict[str, np.ndarray], analytic: dict[str, np.ndarray]) -> float:
    """max |numeric - analytic| / max |analytic| over all entries."""
    error = max(float(np.nanmax(np.abs(numeric[k] - analytic[k]))) for k in analytic)
    return error / max(float(np.max(np.abs(a))) for a in analytic.values())


def timed(body: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    out = body()
    return time.perf_counter() - start, out


def runs(net, X, T, slow: bool) -> dict[str, Callable[[], object]]:
    """Every implementation as a callable, by column name."""
    out: dict[str, Callable[[], object]] = {
        m: (lambda m=m: check_network(net, X, T, method=m)) for m in METHODS
    }
    out["directional"] = lambda: check_network(net, X, T, mode="directional")
    if slow:
        out["plain loop"] = lambda: plain_loop(net, X, T)
    if torch is not None:
        out["torch fast"] = lambda: torch_check(net, X, T, fast=True)
        if slow:
            out["torch slow"] = lambda: torch_check(net, X, T, fast=False)
    return out


def measure(hidden: int, repeats: int, slow_max: int) -> dict:
    """Median seconds, accuracy and verdicts of every implementation for one size."""
    net, X, T = problem(hidden)
    P = n_params(net)
    calls = runs(net, X, T, P <= slow_max)
    check_network(net, X, T, method="complex")  # builds the generated functions once
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    results: dict[str, object] = {}
    names = list(calls)
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            once = repeats == 1 or name in ("plain loop", "torch slow")
            if once and seconds[name]:
                continue
            spent, results[name] = timed(calls[name])
            seconds[name].append(spent)
    analytic = net.gradients(X, T)
    accuracy = {
        m: normwise({p.name: p.reference for p in results[m].parameters}, analytic) for m in METHODS
    }
    if "plain loop" in results:
        accuracy["plain loop"] = normwise(results["plain loop"], analytic)
    return {
        "P": P,
        "seconds": {k: statistics.median(v) for k, v in seconds.items()},
        "accuracy": accuracy,
        "ok": {
            k: (v.ok if hasattr(v, "ok") else v) for k, v in results.items() if k != "plain loop"
        },
        "evaluations": {
            "directional": results["directional"].evaluations,
            "central": results["central"].evaluations,
        },
    }


def _seconds(row: dict, name: str) -> str:
    value = row["seconds"].get(name)
    return "n/a" if value is None else f"{value:.3f}"


def _error(row: dict, name: str) -> str:
    value = row["accuracy"].get(name)
    return "n/a" if value is None else f"{value:.1e}"


def _speedup(row: dict, peer: str, ours: str) -> str:
    if peer not in row["seconds"]:
        return "n/a"
    ratio = row["seconds"][peer] / row["seconds"][ours]
    return f"{ratio:.0f}x" + (" *" if ratio < TARGET_SPEEDUP else "")


def print_tables(rows: list[dict]) -> None:
    """The time, speed-up and accuracy tables."""
    columns = [*METHODS, "directional", "plain loop", "torch slow", "torch fast"]
    print_table(
        "Seconds per full check (median); directional: 3 probes per array",
        ["P", *columns],
        [[str(r["P"]), *(_seconds(r, c) for c in columns)] for r in rows],
        left=1,
    )
    print_table(
        f"Speed-up of gradproof's full mode (* below the {TARGET_SPEEDUP:.0f}x target)",
        ["P", "torch slow/central", "torch slow/richardson", "plain loop/central", "central"],
        [
            [
                str(r["P"]),
                _speedup(r, "torch slow", "central"),
                _speedup(r, "torch slow", "richardson"),
                _speedup(r, "plain loop", "central").rstrip(" *"),
                _seconds(r, "central")
                + (" *" if r["seconds"]["central"] > TARGET_SECONDS and r["P"] > 50000 else ""),
            ]
            for r in rows
        ],
        left=1,
    )
    print_table(
        "Accuracy: max |numeric - analytic| / max |analytic|; evaluations of f",
        ["P", *METHODS, "plain loop", "evals central", "evals directional", "all pass"],
        [
            [
                str(r["P"]),
                *(_error(r, m) for m in [*METHODS, "plain loop"]),
                str(r["evaluations"]["central"]),
                str(r["evaluations"]["directional"]),
                "yes" if all(r["ok"].values()) else "NO",
            ]
            for r in rows
        ],
        left=1,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke test: P = 10^3, once")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--slow-max",
        type=int,
        default=20000,
        help="largest P for the 2P-pass peers (the plain loop and torch's slow mode)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return 0."""
    opts = parse_args(argv)
    hidden = HIDDEN[:1] if opts.quick else HIDDEN
    repeats = 1 if opts.quick else opts.repeats
    torch_version = "not installed" if torch is None else torch.__version__
    print(
        f"gradproof gradient-check benchmark: numpy {np.__version__}, torch {torch_version}, "
        f"python {platform.python_version()}, {platform.machine()}"
    )
    if torch is not None:
        print(f"torch threads: {torch.get_num_threads()}")
        torch_check(*problem(HIDDEN[0]), fast=True)  # PyTorch's first call sets itself up
    rows = [measure(h, repeats, opts.slow_max) for h in hidden]
    print_tables(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
