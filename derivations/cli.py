"""The ``gradproof`` command: ``tour`` and ``codegen`` (more verbs come with the catalogue)."""

from __future__ import annotations

import argparse
import sys


def _tour(args: argparse.Namespace) -> int:
    from derivations import tour

    tour.run()
    return 0


def _codegen(args: argparse.Namespace) -> int:
    from derivations.files import atomic_write
    from numeric.codegen import module_source

    atomic_write(args.output, module_source(), force=args.force)
    print(f"wrote {args.output}")
    return 0


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``gradproof`` command."""
    top = argparse.ArgumentParser(
        prog="gradproof",
        description="Derive neural-network gradients with SymPy, run them with NumPy, prove them.",
    )
    top.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    verbs = top.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    verbs.add_parser("tour", help="derive the seed's key gradients and check them").set_defaults(
        run=_tour
    )
    codegen = verbs.add_parser("codegen", help="write a standalone NumPy module of the functions")
    codegen.add_argument("-o", "--output", required=True, help="the .py file to write")
    codegen.add_argument("--force", action="store_true", help="replace an existing file")
    codegen.set_defaults(run=_codegen)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the ``gradproof`` command; return its exit status."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, KeyError) as error:
        if args.debug:
            raise
        print(f"gradproof: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
