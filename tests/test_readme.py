"""The README's Python examples run, in order, in one namespace (as a reader pastes them)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_readme_has_examples():
    assert len(python_blocks(README.read_text(encoding="utf8"))) >= 3


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PGRID_CACHE_DIR", str(tmp_path))  # the sweep example caches
    namespace = {"__name__": "readme"}
    for k, block in enumerate(python_blocks(README.read_text(encoding="utf8"))):
        try:
            exec(compile(block, f"README.md block {k + 1}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"README.md python block {k + 1} fails: {exc!r}\n{block}") from exc
    assert namespace["res"].cached is False and namespace["s"].stable


ROOT = README.parent
_TEXT_FILES = [
    "README.md",
    "CHANGELOG.md",
    "book/*.md",
    "book/*.ipynb",
    "data/*.json",
    "pgrid/**/*.py",
    "benchmarks/*.py",
    "scripts/*.py",
    ".ci/run",
]


def _texts():
    for pattern in _TEXT_FILES:
        for path in sorted(ROOT.glob(pattern)):
            yield path, path.read_text(encoding="utf8")


def test_commands_named_anywhere_exist():
    """Every ``python -m MODULE`` and ``python scripts/NAME.py`` in the README, the chapters (sources and
    stored outputs), the data's provenance and the code names something that exists now."""
    import importlib.util

    stale = []
    for path, text in _texts():
        if path.name == "CHANGELOG.md":
            continue  # history: names what existed then
        for module in set(re.findall(r"python3? -m ([A-Za-z_][\w.]*)", text)):
            if module in ("venv", "pip", "pytest", "doctest"):
                continue
            if importlib.util.find_spec(module) is None:
                stale.append(f"{path.relative_to(ROOT)}: python -m {module}")
        for script in set(re.findall(r"python3? ((?:scripts|benchmarks)/[\w/]+\.py)", text)):
            if not (ROOT / script).exists():
                stale.append(f"{path.relative_to(ROOT)}: python {script}")
    assert not stale, "commands that no longer exist:\n" + "\n".join(sorted(stale))


def test_the_readme_install_provides_jupyterlab():
    """The README says `jupyter lab book/model.ipynb`: requirements.txt installs JupyterLab."""
    import subprocess
    import sys

    assert "jupyter lab book/model.ipynb" in README.read_text(encoding="utf8")
    out = subprocess.run(
        [sys.executable, "-m", "jupyterlab", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.strip(), out.stderr[-2000:]
