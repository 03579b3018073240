"""Plain-text tables shared by the benchmark scripts (run them from the project root)."""


def print_table(title: str, header: list[str], rows: list[list[str]], left: int = 2) -> None:
    """Print a fixed-width table: the first *left* columns left-aligned, the rest right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(f"\n{title}")
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
