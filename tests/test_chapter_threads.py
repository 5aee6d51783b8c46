"""The chapters that run iterative solvers show the same outputs with other thread counts.

nbval (``pytest`` over ``book/*.ipynb``) executes every chapter with numba's default thread count
(every core) and ``OPENBLAS_NUM_THREADS=1`` (conftest.py), as the committed notebooks were made.
Here the chapters whose printed numbers come from iterative solvers (BiCGSTAB on the exact quantum
states, Newton and long integrations of the noise-free maps) run again with one numba thread and two
OpenBLAS threads, what a user's `jupyter-book build book/` on another machine may have, and their
outputs are compared with the committed notebooks by the build's own rules
(``book/_ext/pgrid_book.py``: ``compare_notebooks`` after ``book/nbval_sanitize.cfg``).

These tests run after the chapters (``after_chapters``, conftest.py) and share their sweep cache:
the stochastic sweeps come back from it (their thread independence is tested bit for bit in
``tests/test_sde.py`` and ``tests/test_thread_independence.py``); everything else is recomputed.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from pgrid_book import compare_notebooks, sanitize_patterns  # noqa: E402

ITERATIVE = ["quantum_limit", "fokker_planck", "beyond"]


@pytest.mark.after_chapters
@pytest.mark.parametrize("name", ITERATIVE)
def test_chapter_outputs_do_not_depend_on_thread_counts(name, tmp_path):
    env = {
        **os.environ,
        "NUMBA_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "2",
        "PGRID_PROGRESS": "0",
        "PGRID_FIGURE_DIR": str(tmp_path / "figures"),
    }
    out = subprocess.run(
        [sys.executable, "scripts/regenerate_notebooks.py", "--out", str(tmp_path), name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    executed = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    committed = nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)
    problems = compare_notebooks(executed, committed, sanitize_patterns())
    assert not problems, f"{name} with 1 numba thread and 2 OpenBLAS threads:\n" + "\n".join(
        problems
    )
