"""The paper's figures: one registry for the book and the `pgrid figure` command."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pgrid.book import figures

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAPER = [f"fig{k}" for k in range(1, 6)] + [f"figS{k}" for k in range(1, 11)]


def _run(*args, **kw):
    env = {**os.environ, "PGRID_PROGRESS": "0", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "pgrid", *args], capture_output=True, text=True, env=env, **kw
    )


def test_list_names_every_paper_figure():
    out = _run("figure", "--list")
    assert out.returncode == 0, out.stderr
    listed = {line.split()[0] for line in out.stdout.splitlines() if line.strip()}
    assert set(figures.FIGURES) <= listed
    for fig in PAPER:  # every paper figure, as itself or through its panels
        assert fig in figures.PAPER_FIGURES and set(figures.PAPER_FIGURES[fig]) <= listed, fig
    assert list(figures.PAPER_FIGURES) == PAPER


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf8")
    assert re.search(r'\[project\.scripts\]\s*\npgrid = "pgrid\.__main__:main"', text)


def test_figure_names_and_errors():
    assert figures.names("fig2") == ("fig2a", "fig2b", "fig2c")
    assert figures.names("fig2a") == ("fig2a",) and figures.names("figS10") == ("figS10",)
    with pytest.raises(ValueError, match="unknown figure 'fig9'.*fig1"):
        figures.names("fig9")
    with pytest.raises(ValueError, match="several panels"):
        figures.spec("fig3")
    out = _run("figure", "fig9", "-o", "x")
    assert out.returncode == 2 and "unknown figure 'fig9'" in out.stderr


def test_every_figure_resolves_and_is_published_by_its_chapter():
    """One code path: each spec's functions exist, and its chapter computes, draws and publishes it
    (figures.compute / figures.plot / figures.publish under the figure's caption label)."""
    for name, s in figures.FIGURES.items():
        assert callable(s.compute) and callable(s.plot), name
        text = (BOOK / f"{s.chapter}.md").read_text(encoding="utf8")
        assert f"name: {s.label}" in text, (name, s.label)
        assert f'figures.publish("{name}"' in text, f"{s.chapter}.md does not publish {name}"
        assert f'figures.plot("{name}"' in text, (
            f"{s.chapter}.md does not draw {name} with figures.plot"
        )
        for dep in s.requires:
            assert dep in figures.FIGURES, (name, dep)


def test_figure_command_writes_pdf_svg_and_netcdf_with_provenance(tmp_path):
    out = _run("figure", "figS1", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr + out.stdout
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["figS1.nc", "figS1.pdf", "figS1.svg"]
    assert (tmp_path / "out" / "figS1.pdf").read_bytes()[:5] == b"%PDF-"
    assert b"<svg" in (tmp_path / "out" / "figS1.svg").read_bytes()[:2000]
    import pgrid
    from pgrid import analytic

    ds = pgrid.load(tmp_path / "out" / "figS1.nc")
    a = ds.attrs
    assert a["figure"] == "figS1" and a["paper_figure"] == "Fig. S1"
    assert a["command"] == f"pgrid figure figS1 -o {tmp_path / 'out'}"
    assert a["pgrid_version"] == pgrid.__version__
    from pgrid.provenance import source_hash

    assert a["pgrid_source_hash"] == source_hash()
    assert a["git_commit"]  # a commit in a checkout, "unknown" elsewhere
    libs = json.loads(a["library_versions"])
    assert {"python", "numpy", "scipy", "numba", "qutip", "xarray", "matplotlib"} <= set(libs)
    assert json.loads(a["parameters"]) == {"n0s": [1.0, 10.0]}
    # the data are the figure's numbers, recomputed: the closed form of Eq. (S14)
    import numpy as np

    x = ds.occupation.values[1]
    np.testing.assert_allclose(
        ds.exact.values[1], analytic.s14_coherent_cutoff(x, 10.0), rtol=1e-12
    )


def test_publish_writes_the_downloads_only_where_asked(tmp_path, monkeypatch, capsys):
    import matplotlib

    matplotlib.use("Agg")
    ds = figures.compute("figS1")
    fig = figures.plot("figS1", ds)
    monkeypatch.delenv("PGRID_FIGURE_DIR", raising=False)
    figures.publish("figS1", ds, fig)
    first = capsys.readouterr().out
    assert "figS1.pdf, figS1.svg, figS1.nc" in first and "pgrid figure figS1 -o DIR" in first
    monkeypatch.setenv("PGRID_FIGURE_DIR", str(tmp_path))
    figures.publish("figS1", ds, fig)
    assert capsys.readouterr().out == first  # the same text wherever the files go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figS1.nc", "figS1.pdf", "figS1.svg"]


def test_status_page_names_the_command_of_every_figure():
    from pgrid.book import reproduction

    assert reproduction.figure_command("Fig. 2") == "pgrid figure fig2 -o DIR"
    assert reproduction.figure_command("Fig. S10") == "pgrid figure figS10 -o DIR"
    assert reproduction.figure_command("Eq. S41") is None
    html = (BOOK / "status.ipynb").read_text(encoding="utf8")
    for fig in PAPER:
        assert f"pgrid figure {fig} -o DIR" in html, fig
