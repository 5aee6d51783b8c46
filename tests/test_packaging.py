"""The distribution: the wheel `pip wheel .` builds works installed outside the checkout."""

import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf8")
    listed = set(
        re.search(r"^packages = \[(.*)\]$", text, re.M)
        .group(1)
        .replace('"', "")
        .replace(" ", "")
        .split(",")
    )
    found = {
        p.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for p in (ROOT / "pgrid").rglob("__init__.py")
    }
    assert found | {"pgrid.book.data"} == listed, (
        "update [tool.setuptools] packages in pyproject.toml"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, installed with --target into a folder outside the checkout (dependencies from this
    environment)."""
    import shutil

    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy of what the distribution is made of (setuptools writes build/)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        src.mkdir(exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    for name in ("pgrid", "data"):
        shutil.copytree(
            ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(src),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp / "dist"),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    wheel = next((tmp / "dist").glob("pgrid_microgrids-*.whl"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--target",
            str(tmp / "site"),
            str(wheel),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return tmp, wheel


def _python(tmp, code, **env):
    environ = {
        k: v for k, v in os.environ.items() if k not in ("PGRID_DATA_DIR", "PGRID_FIGURE_DIR")
    }
    environ.update(PYTHONPATH=str(tmp / "site"), PGRID_PROGRESS="0", MPLBACKEND="Agg", **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp,
        capture_output=True,
        text=True,
        env=environ,
    )


def test_wheel_installs_with_its_dependencies_into_a_clean_venv(installed, tmp_path):
    """A clean virtual environment, the wheel and what its metadata declares (pinned to requirements.txt's
    versions, which pip's cache holds after the README install), and a dataset saved and loaded."""
    tmp, wheel = installed
    venv = tmp_path / "venv"
    out = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf8").splitlines()
        if line.strip() and not line.startswith(("#", "-e"))
    ]
    (tmp_path / "constraints.txt").write_text("\n".join(pins) + "\n")
    py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    out = subprocess.run(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-c",
            str(tmp_path / "constraints.txt"),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    code = textwrap.dedent("""
        import os, tempfile, pgrid
        from pgrid.xarray_io import network_attrs, network_from_attrs
        net = pgrid.chain(2, gain=4.0, loss=8.0, gamma=0.1)
        path = os.path.join(tempfile.mkdtemp(), "s.nc")
        pgrid.save(pgrid.steady_state(net), path)
        back = pgrid.load(path)
        assert network_attrs(network_from_attrs(back.attrs)) == network_attrs(net)
        print("ok", bool(back.stable))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = subprocess.run(
        [str(py), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**env, "PGRID_PROGRESS": "0"},
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok True", out.stdout + out.stderr


def test_wheel_contents(installed):
    _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    for f in (
        "pgrid/__init__.py",
        "pgrid/book/figures/pgrid.mplstyle",
        "pgrid/book/data/fig4b.npz",
        "pgrid/book/data/fig4b.json",
        "pgrid/book/data/fig_s2.npz",
    ):
        assert f in names, f
    assert any(n.endswith("licenses/LICENSE") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pgrid = pgrid.__main__:main" in zipfile.ZipFile(wheel).read(entry).decode()
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Name: pgrid-microgrids" in meta


def test_installed_package_works_outside_the_checkout(installed):
    tmp, _ = installed
    out = _python(
        tmp,
        f"""
        import numpy as np, pgrid
        from pathlib import Path
        assert Path(pgrid.__file__).resolve().is_relative_to(Path({str(tmp / "site")!r}).resolve()), pgrid.__file__
        net = pgrid.chain(2, gain=4.0, loss=2.0, gamma=0.1, n_th=1.0)
        ens = pgrid.simulate(net, dt=0.02, t_relax=10.0, t_sample=50.0, n_traj=4, seed=1)
        assert np.isfinite(ens.current_mean).all()
        s = pgrid.steady_state(pgrid.chain(2, gain=4.0, loss=8.0, gamma=0.1))
        assert s.stable
        from pgrid import quantum
        q = pgrid.chain(2, gain=pgrid.Reservoir(2.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=0.5)
        rho = quantum.steady_state(q, 14)
        assert abs(rho.tr() - 1) < 1e-10
        from pgrid.provenance import git_commit
        assert git_commit() == "unknown"
        from pgrid.book import precompute
        data, prov = precompute.load("fig4b")                 # the datasets ship with the package
        assert data["negativity"].shape == (3, 22) and prov["dataset"] == "fig4b"
        try:
            precompute.data_dir(writing=True)
        except FileNotFoundError as err:
            assert "PGRID_DATA_DIR" in str(err)
        else:
            raise AssertionError("writing datasets into the installed package must be refused")
        from pgrid.book.environment import versions_line
        assert "git unknown" in versions_line()
        print("ok")
    """,
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stdout + out.stderr


def test_installed_figure_command(installed):
    tmp, _ = installed
    out = _python(
        tmp,
        "import sys; from pgrid.__main__ import main; sys.exit(main(['figure', 'fig4b', '-o', 'figs']))",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert sorted(p.name for p in (tmp / "figs").iterdir()) == [
        "fig4b.nc",
        "fig4b.pdf",
        "fig4b.svg",
    ]
    # without matplotlib (the `book` extra) the command says what to install
    block = "import sys; sys.modules['matplotlib'] = None; from pgrid.__main__ import main; sys.exit(main(['figure', 'figS1']))"
    out = _python(tmp, block)
    assert out.returncode == 1 and "pip install 'pgrid-microgrids[book]'" in out.stderr, out.stderr


def test_the_api_page_documents_every_command_and_option():
    text = (ROOT / "book" / "api.md").read_text(encoding="utf8")
    section = text[text.index("## Command line") :]
    out = subprocess.run([sys.executable, "-m", "pgrid", "--help"], capture_output=True, text=True)
    commands = re.search(r"\{([a-z,]+)\}", out.stdout).group(1).split(",")
    assert len(commands) >= 2, out.stdout
    for cmd in commands:
        assert f"`pgrid {cmd}" in section, cmd
        out = subprocess.run(
            [sys.executable, "-m", "pgrid", cmd, "--help"], capture_output=True, text=True
        )
        for opt in set(re.findall(r"(--[a-z][a-z-]*)", out.stdout)) - {"--help"}:
            assert opt in section, (cmd, opt)
    out = subprocess.run(
        [sys.executable, "-m", "pgrid.book.precompute", "--help"], capture_output=True, text=True
    )
    assert "`python -m pgrid.book.precompute" in section
    for opt in set(re.findall(r"(--[a-z][a-z-]*)", out.stdout)) - {"--help"}:
        assert opt in section, ("precompute", opt)
