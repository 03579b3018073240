"""Time rendering the whole derivation catalogue (target: under 5 s from a cold process).

What it measures
----------------
Cold
    A fresh ``python`` process imports gradproof, then derives (with every step verified)
    and renders every catalogue derivation as text, LaTeX (standalone) and Markdown, in
    English. The process's wall time is measured from outside (interpreter start and
    ``import sympy`` included); inside, the import and the render are timed separately.
    The median over ``--runs`` processes is reported.
Warm
    In this process, after one full rendering: the time of a second rendering. Derivations
    are cached per process (``derivations.derive``), so this is the printers' cost alone.

How to run
----------
From the project root, with gradproof installed (``pip install -e .``)::

    python bench/render.py           # 3 cold runs, then warm
    python bench/render.py --quick   # 1 cold run (CI smoke test)

No result is asserted: the script prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 5.0
"""Seconds: the whole catalogue, from a cold process."""

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """
import json, time
start = time.perf_counter()
import derivations
imported = time.perf_counter()
for name in derivations.names():
    d = derivations.derive(name)
    d.text("en"), d.latex("en", standalone=True), d.markdown("en")
done = time.perf_counter()
print(json.dumps({"import": imported - start, "render": done - imported,
                  "count": len(derivations.names())}))
"""


def render_all() -> int:
    """Derive and render every catalogue derivation in this process; return how many."""
    import derivations

    for name in derivations.names():
        d = derivations.derive(name)
        d.text("en"), d.latex("en", standalone=True), d.markdown("en")
    return len(derivations.names())


def cold_run() -> dict:
    """Run the snippet in a fresh interpreter; return its timings and the wall time."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"bench/render.py: the cold run failed:\n{run.stderr[-3000:]}")
    return {**json.loads(run.stdout.splitlines()[-1]), "wall": wall}


def main(argv: list[str] | None = None) -> int:
    """Print cold and warm timings of rendering the whole catalogue."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3, help="cold processes (default 3)")
    options.add_argument("--quick", action="store_true", help="one cold run (CI smoke test)")
    args = options.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)

    colds = [cold_run() for _ in range(runs)]
    render_all()  # first rendering in this process: derive and cache
    start = time.perf_counter()
    count = render_all()
    warm = time.perf_counter() - start

    def median(key: str) -> float:
        return statistics.median(c[key] for c in colds)

    def spread(key: str) -> str:
        values = [c[key] for c in colds]
        return f"{min(values):.2f} to {max(values):.2f}" if len(values) > 1 else "-"

    print(f"Rendering the catalogue: {count} derivations, text + LaTeX + Markdown (en)")
    print(f"Python {platform.python_version()}, {platform.machine()}, {runs} cold run(s)")
    print()
    print(f"{'measure':<44}{'median s':>10}  {'range s':>14}")
    rows = (
        ("cold process, wall (start + import + render)", median("wall"), spread("wall")),
        ("  of which import derivations (SymPy)", median("import"), spread("import")),
        ("  of which derive + render", median("render"), spread("render")),
        ("warm: second rendering in one process", warm, "-"),
    )
    for label, value, span in rows:
        print(f"{label:<44}{value:>10.2f}  {span:>14}")
    verdict = "under" if median("wall") < TARGET else "OVER"
    print()
    print(f"target: cold wall time under {TARGET:g} s -> {verdict} ({median('wall'):.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
