"""What the builders' command lines share (helpers.publishing.commands). Each builder's own ``main`` is tested with
its module (test_site.py, test_slides.py, test_handouts.py)."""

from __future__ import annotations

from pathlib import Path

from helpers.publishing import commands
from helpers.publishing.notebooks import NOTEBOOKS_DIR


def test_builder_parser_has_the_shared_options():
    parser = commands.builder_parser("helpers.publishing.x", "First paragraph.\n\nMore.", Path("out"), "where to")
    assert parser.prog == "python -m helpers.publishing.x" and parser.description == "First paragraph."
    args = parser.parse_args([])
    assert (args.notebooks, args.out) == (NOTEBOOKS_DIR, Path("out"))
    args = parser.parse_args(["--notebooks", "nb", "--out", "elsewhere"])
    assert (args.notebooks, args.out) == (Path("nb"), Path("elsewhere"))


def test_run_build_prints_the_page_or_one_error_line(tmp_path, capsys):
    assert commands.run_build(lambda: "report", lambda report: tmp_path / "index.html") == (0, "report")
    assert capsys.readouterr().out == f"open {(tmp_path / 'index.html').as_uri()}\n"
    assert commands.run_build(lambda: "report", lambda report: None) == (0, "report")
    assert capsys.readouterr().out == ""

    def broken():
        raise ValueError("notebooks_dir='x' is not a folder")

    assert commands.run_build(broken, lambda report: None) == (1, None)
    captured = capsys.readouterr()
    assert captured.err == "error: notebooks_dir='x' is not a folder\n" and captured.out == ""
