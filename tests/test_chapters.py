"""Every chapter's committed notebook is executed and in sync with its MyST source."""

from pathlib import Path

import jupytext
import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(
    md
    for md in BOOK.glob("*.md")
    if md.read_text(encoding="utf8").startswith("---")
    and "jupytext" in md.read_text(encoding="utf8")[:400]
)


def test_there_are_chapters():
    assert CHAPTERS, "no MyST notebook chapters found in book/"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_in_sync_with_markdown(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), (
        f"{ipynb.name} missing: run `python scripts/regenerate_notebooks.py {md.stem}`"
    )
    src = [c.source for c in jupytext.read(md).cells if c.cell_type == "code"]
    nb = nbformat.read(ipynb, as_version=4)
    committed = [c.source for c in nb.cells if c.cell_type == "code"]
    assert src == committed, (
        f"{md.name} changed after {ipynb.name} was executed: run "
        f"`python scripts/regenerate_notebooks.py {md.stem}`"
    )
    # "Try it" cells are tagged skip-execution (not run by the book) and nbval-skip (not by nbval)
    run = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "skip-execution" not in c.metadata.get("tags", [])
    ]
    assert all(c.execution_count is not None for c in run), f"{ipynb.name} is not fully executed"
    # errors raised while displaying a result leave an error output without stopping execution
    errors = [
        k
        for k, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, f"{ipynb.name}: error output in cell(s) {errors}"
    for c in nb.cells:
        tags = c.metadata.get("tags", [])
        assert ("skip-execution" in tags) == ("nbval-skip" in tags), (
            f"{ipynb.name}: a skip-execution cell must also be tagged nbval-skip (and vice versa)"
        )


@pytest.mark.parametrize("md", [m for m in CHAPTERS if m.stem != "status"], ids=lambda p: p.stem)
def test_chapter_opens_with_an_overview_and_ends_with_try_it(md):
    # the reader's contract: what the chapter reproduces and what to take away first, and a
    # code cell inviting a parameter change last
    nb = jupytext.read(md)
    text = md.read_text(encoding="utf8")
    assert (
        "## Overview" in text and "take away" in text.split("## ", 3)[1] + text.split("## ", 3)[2]
    ), f"{md.name}: start with an Overview that says what to take away"
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[-1].startswith("## Try it"), f"{md.name}: end with a '## Try it' section"
    try_it = nb.cells[-2]
    assert try_it.cell_type == "code" and "skip-execution" in try_it.metadata.get("tags", []), (
        f"{md.name}: the cell before the versions cell must be a Try-it code cell (tagged skip-execution, nbval-skip)"
    )


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_ends_with_the_versions_it_was_computed_with(md):
    # every chapter's last cell (input hidden) says which pgrid (version, source hash, commit), Python,
    # numpy, scipy, numba and qutip computed it; nbval compares it through the sanitizer's placeholder
    last = jupytext.read(md).cells[-1]
    assert last.cell_type == "code" and "remove-input" in last.metadata.get("tags", []), (
        f"{md.name}: the last cell must be the hidden versions cell"
    )
    assert "show_versions()" in last.source, (
        f"{md.name}: the last cell must call pgrid.book.environment.show_versions()"
    )
    outputs = nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells[-1].get("outputs", [])
    text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    for name in ("Computed with pgrid", "git", "Python", "numpy", "scipy", "numba", "qutip"):
        assert name in text, (
            f"{md.with_suffix('.ipynb').name}: versions line lacks {name!r}: {text!r}"
        )


def test_versions_line_is_sanitized_for_nbval():
    import configparser
    import re

    from pgrid.book.environment import versions_line

    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(BOOK / "nbval_sanitize.cfg")
    line = versions_line()
    for section in cfg.sections():
        line = re.sub(cfg[section]["regex"], cfg[section]["replace"], line)
    assert line == "Computed with pgrid VERSIONS"


def test_one_chapter_validates_on_its_own(tmp_path):
    """`pytest book/model.ipynb` alone must pass as in the full run (the SVG skip and PGRID_PROGRESS=0
    live in the root conftest.py, which pytest loads for book/ paths too)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PGRID_PROGRESS"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "book/model.ipynb"],
        cwd=BOOK.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


@pytest.mark.parametrize("md", [m for m in CHAPTERS if m.stem != "status"], ids=lambda p: p.stem)
def test_chapter_opens_with_its_key_results(md):
    # issue 31: the findings with their numbers first, in an admonition right under the title,
    # pointing at the status page where the verdicts are collected
    text = md.read_text(encoding="utf8")
    body = text.split("\n# ", 1)[1]
    first_section = body.split("\n## ", 1)[0]
    assert "```{admonition} Key results" in first_section, (
        f"{md.name}: open with a 'Key results' admonition before the first section"
    )
    box = first_section.split("```{admonition} Key results", 1)[1].split("\n```", 1)[0]
    assert any(ch.isdigit() for ch in box) and "{doc}`status`" in box, (
        f"{md.name}: the key results state numbers and link the status page"
    )


def test_chapters_read_as_prose():
    # issue 31's measures (scripts/book_metrics.py prints them per chapter): the code a reader
    # sees is short and fits the column; verification is folded (hide-input)
    import sys

    sys.path.insert(0, str(BOOK.parent / "scripts"))
    import book_metrics

    total = {"code": 0, "wide": 0, "words": 0, "outputs": 0}
    for name in book_metrics.chapters():
        for key, value in book_metrics.metrics(name).items():
            total[key] += value
    assert total["code"] <= 800, f"{total['code']} visible code lines (at most 800)"
    assert total["wide"] == 0, f"{total['wide']} visible code lines over 88 characters"
    assert total["words"] >= 12 * total["code"], (
        f"{total['words']} words of prose for {total['code']} visible code lines (12 per line)"
    )
