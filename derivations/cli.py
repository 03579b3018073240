"""The ``gradproof`` command: tour, derive, example, train, check, codegen and document."""

from __future__ import annotations

import argparse
import math
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
    if args.plot:
        training.plot_history(scores["history"], args.plot, args.data)
    if args.save:
        scores["net"].save(args.save)
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
    for path in (args.plot, args.save):
        if path:
            print(f"wrote {path}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from derivations.training import XOR_T, XOR_X, plot_xor, train_xor

    if (args.epochs is not None and args.epochs < 1) or (
        args.hidden is not None and args.hidden < 1
    ):
        raise UsageError("--epochs and --hidden must be positive")
    if not args.lr > 0:
        raise UsageError("--lr must be greater than 0")
    for path in (args.plot, args.save):
        if path and os.path.exists(path) and not args.force:
            raise FileExistsError(f"{path} exists; use --force to replace it")
    if args.plot:
        from derivations.training import pyplot

        pyplot()  # before training: fail now if matplotlib is missing
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
        f"step): final loss {net.loss(XOR_X, XOR_T):.6f}, accuracy "
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
    if args.save:
        net.save(args.save)
        print(f"wrote {args.save}")
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


def _check(args: argparse.Namespace) -> int:
    import json

    from derivations import check
    from numeric.gradcheck import Options, evaluations

    if args.method == "mpmath" and args.expr is None:
        raise UsageError("--method mpmath is for --expr (networks: central, richardson, complex)")
    options = {"method": args.method, "mode": args.mode, "samples": args.samples}
    options |= {"probes": args.probes, "seed": args.seed}
    try:
        Options(**options)  # the library's own validation, reported as a usage error
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.expr is not None:
        from symbolic.parse import ExpressionError

        try:
            prepared = check.prepare_expression(args.expr, args.var, args.at)
        except ExpressionError as error:
            raise UsageError(f"--expr: {error}") from None
        described, sizes = f"d/d{args.var} {args.expr}", prepared.sizes

        def run() -> object:
            return prepared(**options)

    else:
        from numeric.netcheck import check_network

        net, X, T, described = check.network(args)
        sizes = {name: p.size for name, p in net.params.items()}

        def run() -> object:
            return check_network(net, X, T, **options)

    if not args.json:
        planned = evaluations(sizes, args.method, args.mode, args.samples, args.probes)
        print(f"checking {described}: {planned} evaluations planned", flush=True)
    report = run()
    if args.json:
        print(json.dumps({"checked": described, **report.to_dict()}, indent=1))
    else:
        print(report)
    return 0 if report.ok else 1


class UsageError(ValueError):
    """A command line that cannot be carried out as written (exit status 2)."""


def _numbers(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}"
        ) from None
    if not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected finite numbers, got {text!r}")
    return values


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (:class:`UsageError`), not usage text."""

    def error(self, message: str):
        raise UsageError(f"{message} (see {self.prog} --help)")


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``gradproof`` command."""
    top = _Parser(
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
    train.add_argument("--plot", help="save the loss curve (and XOR's decision boundary), PNG")
    train.add_argument("--save", help="save the trained weights (.npz, for gradproof check)")
    train.add_argument("--force", action="store_true", help="replace existing --plot/--save files")
    train.set_defaults(run=_train)
    codegen = verbs.add_parser("codegen", help="write a standalone NumPy module of the functions")
    codegen.add_argument("-o", "--output", required=True, help="the .py file to write")
    codegen.add_argument("--force", action="store_true", help="replace an existing file")
    codegen.set_defaults(run=_codegen)
    check = verbs.add_parser(
        "check", help="gradient-check a network (default: the seed's XOR network) or --expr"
    )
    check.add_argument("--layers", help="layer sizes, e.g. 2,2,1 (default: the seed's)")
    check.add_argument("--activation", default="sigmoid", help="hidden activation (sigmoid)")
    check.add_argument("--loss", default="mse", help="mse, bce or cross_entropy (mse)")
    check.add_argument("--weights", help="a .npz file of W1, b1, ... (gradproof train, MLP.save)")
    check.add_argument("--data", help="a CSV file of inputs and a class column (see --target)")
    check.add_argument("--target", help="the class column of --data (default: the last)")
    check.add_argument(
        "--method", choices=("central", "richardson", "complex", "mpmath"), default="richardson"
    )
    check.add_argument("--mode", choices=("full", "sample", "directional"), default="full")
    check.add_argument("--samples", type=int, default=10, help="entries per array (sample mode)")
    check.add_argument("--probes", type=int, default=3, help="directions per array (>= 3)")
    check.add_argument("--seed", type=int, default=0, help="weights (with --layers) and sampling")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--expr", help='check the derivative of an expression, e.g. "x*sigmoid(x)"')
    check.add_argument("--var", default="x", help="the variable of --expr (default x)")
    check.add_argument(
        "--at", type=_numbers, help="points for --expr, e.g. --at=-3,0,2.5 (default -30..30)"
    )
    check.set_defaults(run=_check)
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
    try:
        args = parser().parse_args(argv)
    except UsageError as error:
        print(f"gradproof: error: {error}", file=sys.stderr)
        return 2
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
