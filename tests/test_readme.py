"""The README's Python examples run, in order, in one namespace (as a reader pastes them)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_readme_has_examples():
    assert len(python_blocks(README.read_text(encoding="utf8"))) >= 3


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PGRID_CACHE_DIR", str(tmp_path))      # the sweep example caches
    namespace = {"__name__": "readme"}
    for k, block in enumerate(python_blocks(README.read_text(encoding="utf8"))):
        try:
            exec(compile(block, f"README.md block {k + 1}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"README.md python block {k + 1} fails: {exc!r}\n{block}") from exc
    assert namespace["res"].cached is False and namespace["s"].stable
