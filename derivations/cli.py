"""The ``gradproof`` command: ``tour``, ``derive``, ``codegen`` and ``document``."""

from __future__ import annotations

import argparse
import os
import sys


def _tour(args: argparse.Namespace) -> int:
    from derivations import tour

    tour.run()
    return 0


def _derive(args: argparse.Namespace) -> int:
    import derivations

    if args.list:
        for name in derivations.names():
            print(name)
        return 0
    from symbolic.parse import ExpressionError

    if args.expr is not None:
        try:
            derivation = derivations.derive_expression(args.expr, args.var)
        except ExpressionError as error:
            raise UsageError(f"--expr: {error}") from None
    elif args.name is not None:
        if args.name not in derivations.names():
            raise UsageError(
                f"unknown derivation {args.name!r}; known: {', '.join(derivations.names())}"
            )
        derivation = derivations.derive(args.name)
    else:
        raise UsageError("derive needs a NAME, --list or --expr")
    if args.format == "latex":
        print(derivation.latex(args.lang, args.standalone), end="")
    elif args.format == "markdown":
        print(derivation.markdown(args.lang), end="")
    else:
        print(derivation.text(args.lang), end="")
    return 0


def _example(args: argparse.Namespace) -> int:
    import json

    from derivations.example import quantities, table
    from derivations.worked_example import rows

    result = rows(quantities())
    if args.json:
        print(json.dumps([row.to_dict() for row in result], indent=1))
    else:
        print("Section 3.2's worked example through the numeric MLP (float64):")
        print(table(result))
    return 0


def _train_table(args: argparse.Namespace) -> int:
    from derivations import training

    if args.data == "digits":
        X, y = training.digits()
        classes = [str(c) for c in range(10)]
    else:
        if args.target is None:
            raise UsageError("training on a CSV file needs --target COLUMN")
        X, y, classes = training.read_csv(args.data, args.target)
    scores = training.train_classifier(
        X,
        y,
        len(classes),
        hidden=args.hidden,
        epochs=args.epochs,
        learning_rate=args.lr,
        seed=args.seed,
    )
    if scores["stopped"]:
        print(f"stopped: {scores['stopped']}")
    print(
        f"{args.data}: {len(X)} rows, {X.shape[1]} features, {len(classes)} classes; "
        f"{X.shape[1]}-{args.hidden}-{len(classes)} tanh network, softmax cross-entropy, SGD "
        f"(eta = {args.lr}, batch 32, {args.epochs} epochs)"
    )
    print(
        f"train accuracy {100 * scores['train_accuracy']:.1f} % ({scores['n_train']} rows), "
        f"held-out accuracy {100 * scores['test_accuracy']:.1f} % ({scores['n_test']} rows)"
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from derivations.training import plot_xor, train_xor

    if (args.epochs is not None and args.epochs < 1) or (
        args.hidden is not None and args.hidden < 1
    ):
        raise UsageError("--epochs and --hidden must be positive")
    if not args.lr > 0:
        raise UsageError("--lr must be greater than 0")
    if args.data != "xor":
        args.epochs, args.hidden = args.epochs or 100, args.hidden or 32
        args.lr = 0.1 if args.lr == 0.5 else args.lr
        return _train_table(args)
    args.epochs, args.hidden = args.epochs or 5000, args.hidden or 2
    net, history = train_xor(args.epochs, args.lr, args.hidden, args.seed)
    if history["stopped"]:
        print(f"stopped: {history['stopped']}")
    solved = history["solved_at"]
    print(
        f"XOR, 2-{args.hidden}-1 sigmoid network, MSE, SGD (eta = {args.lr}, one sample per "
        f"step): final loss {history['loss'][-1]:.6f}, accuracy "
        f"{100 * history['accuracy'][-1]:.0f} %"
    )
    print(
        f"100 % accuracy (every output within 0.4 of its target) at epoch {solved}"
        if solved
        else "100 % accuracy with margin not reached: try more --epochs or another --seed"
    )
    print(
        "outputs:",
        " ".join(
            f"{x} -> {y:.3f}"
            for x, y in zip(
                ["00", "01", "10", "11"],
                net.forward([[0, 0], [0, 1], [1, 0], [1, 1]])[:, 0],
                strict=True,
            )
        ),
    )
    if args.plot:
        plot_xor(net, history, args.plot)
        print(f"wrote {args.plot}")
    return 0 if solved else 1


def _codegen(args: argparse.Namespace) -> int:
    from numeric.codegen import module_source
    from numeric.files import atomic_write

    atomic_write(args.output, module_source(), force=args.force)
    print(f"wrote {args.output}")
    return 0


def _document(args: argparse.Namespace) -> int:
    from derivations.document import default_folder, write_documents

    folder = default_folder() if args.output is None else args.output
    for path in write_documents(folder, pdf=args.pdf):
        print(f"wrote {path}")
    return 0


class UsageError(ValueError):
    """A command line that cannot be carried out as written (exit status 2)."""


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
    derive = verbs.add_parser("derive", help="print a derivation step by step, verified")
    derive.add_argument("name", nargs="?", help="a catalogue derivation (see --list)")
    derive.add_argument("--list", action="store_true", help="list the catalogue")
    derive.add_argument("--expr", help='differentiate an expression, e.g. "x*sigmoid(x)"')
    derive.add_argument("--var", default="x", help="the variable of --expr (default x)")
    derive.add_argument("--format", choices=("text", "latex", "markdown"), default="text")
    derive.add_argument("--lang", choices=("en", "zh"), default="en")
    derive.add_argument("--standalone", action="store_true", help="a whole LaTeX document")
    derive.set_defaults(run=_derive)
    example = verbs.add_parser("example", help="the seed's worked example through the MLP")
    example.add_argument("--json", action="store_true", help="print the rows as JSON")
    example.set_defaults(run=_example)
    train = verbs.add_parser("train", help="train on xor, digits or a CSV file")
    train.add_argument("data", help="xor, digits, or FILE.csv (with --target)")
    train.add_argument("--target", help="the class column of a CSV file")
    train.add_argument("--epochs", type=int, help="default 5000 (xor), 100 (others)")
    train.add_argument("--lr", type=float, default=0.5, help="learning rate (xor: 0.5, else 0.1)")
    train.add_argument("--hidden", type=int, help="hidden units: 2 for xor (the seed's), else 32")
    train.add_argument("--seed", type=int, default=0, help="shuffling (and init if hidden != 2)")
    train.add_argument("--plot", help="save the loss curve and decision boundary (PNG)")
    train.set_defaults(run=_train)
    codegen = verbs.add_parser("codegen", help="write a standalone NumPy module of the functions")
    codegen.add_argument("-o", "--output", required=True, help="the .py file to write")
    codegen.add_argument("--force", action="store_true", help="replace an existing file")
    codegen.set_defaults(run=_codegen)
    document = verbs.add_parser(
        "document", help="write every derivation as .tex and .md files (and one PDF)"
    )
    document.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="an existing folder (default: the derivations package folder)",
    )
    document.add_argument(
        "--pdf", action="store_true", help="also compile gradproof-derivations.pdf (pdflatex)"
    )
    document.set_defaults(run=_document)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the ``gradproof`` command; return its exit status."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `gradproof derive --list | head -3`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UsageError as error:
        if args.debug:
            raise
        print(f"gradproof: error: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        if args.debug:
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"gradproof: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
