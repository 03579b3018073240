"""``gradproof document``: committed documents are fresh, and the LaTeX compiles."""

import shutil
import subprocess

import pytest

import derivations
from derivations import document
from derivations.cli import main

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex not installed (Debian: texlive-latex-base texlive-latex-recommended; "
    ".ci/run installs them)",
)


def test_committed_documents_are_fresh():
    stale = document.stale_documents(document.default_folder())
    assert stale == [], (
        f"derivations/ documents are stale or missing: {', '.join(stale)}; "
        "run `gradproof document` (and delete files of derivations no longer in the catalogue)"
    )


def test_documents_cover_the_catalogue_and_index_links_them():
    files = document.documents()
    names = derivations.names()
    assert set(files) == {f"{n}.{ext}" for n in names for ext in ("tex", "md")} | {"index.md"}
    for name in names:
        assert f"]({name}.md)" in files["index.md"] and f"]({name}.tex)" in files["index.md"]
        assert files[f"{name}.tex"].startswith(r"\documentclass")
        assert r"\begin{align*}" in files[f"{name}.tex"]


def test_stale_documents_detects_changed_missing_and_orphan_files(tmp_path):
    files = document.documents()
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert document.stale_documents(tmp_path) == []
    (tmp_path / "sigmoid.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "mse.tex").unlink()
    (tmp_path / "retired.tex").write_text("", encoding="utf-8")
    assert document.stale_documents(tmp_path) == ["sigmoid.md", "mse.tex", "retired.tex"]


@needs_pdflatex
@pytest.mark.parametrize("name", ["sigmoid", "softmax-cross-entropy"])
def test_standalone_latex_compiles_with_pdflatex(name, tmp_path):
    (tmp_path / f"{name}.tex").write_text(
        derivations.derive(name).latex("en", standalone=True), encoding="utf-8"
    )
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
        check=False,
    )
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    assert run.returncode == 0, document.log_summary(log)
    assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
    assert "Missing character" not in log


@needs_pdflatex
def test_write_documents_with_pdf(tmp_path):
    written = document.write_documents(tmp_path, pdf=True)
    assert [p.name for p in written[-2:]] == ["index.md", document.PDF]
    assert len(written) == 2 * len(derivations.names()) + 2
    assert (tmp_path / document.PDF).read_bytes().startswith(b"%PDF")
    assert document.stale_documents(tmp_path) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files


@needs_pdflatex
def test_compile_failure_is_one_line_with_the_tex_error():
    source = "\\documentclass{article}\n\\begin{document}\n\\nosuchcommand\n\\end{document}\n"
    with pytest.raises(RuntimeError, match=r"Undefined control sequence\. l\.3") as failure:
        document.compile_pdf(source)
    assert "\n" not in str(failure.value)


def test_document_into_a_missing_folder_exits_1(tmp_path, capsys):
    assert main(["document", "-o", str(tmp_path / "missing")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("gradproof: error: folder ") and "does not exist" in captured.err


def test_document_pdf_without_pdflatex_exits_1_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(document.shutil, "which", lambda _: None)
    assert main(["document", "-o", str(tmp_path), "--pdf"]) == 1
    assert capsys.readouterr().err == (
        "gradproof: error: pdflatex not found: "
        "install texlive-latex-base and texlive-latex-recommended\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_document_prints_one_line_per_file(tmp_path, capsys):
    assert main(["document", "-o", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"wrote {tmp_path / name}" for name in document.documents()]


def test_log_summary_without_an_error_line_keeps_the_last_lines():
    assert document.log_summary("a\n\nb\nc\nd\n") == "b c d"
    assert document.log_summary("") == "no log"
    assert len(document.log_summary("! " + "x" * 1000)) == 300
