"""The rules that decide whether a chapter "still shows the same results".

The book build (book/_ext/pgrid_book.py) and nbval compare every chapter's text outputs with the
committed notebook after the substitutions of ``book/nbval_sanitize.cfg``.  They must absorb what
cannot carry meaning (digits beyond the sixth significant one, timings, memory addresses, the
versions line) and nothing else: a changed physical number fails.  Round-off *values* (a
difference of 8.9e-16 on one CPU, 0.0e+00 on another) are not absorbed: the chapters print them as
bounds (``pgrid.book.numbers``), and every committed output is scanned for values that are not.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest

from pgrid.book.numbers import ROUNDOFF_FLOOR, below, floored, sci

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))
from pgrid_book import _texts, compare_notebooks, sanitize, sanitize_patterns  # noqa: E402

PATTERNS = sanitize_patterns()
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


def clean(text: str) -> str:
    return sanitize(text, PATTERNS)


@pytest.mark.parametrize(
    "a, b",
    [
        (
            "Delta J = 0.85741234 g",
            "Delta J = 0.85741299 g",
        ),  # digits beyond the 6th significant one
        ("peak 3.4512345678", "peak 3.4512349999"),
        ("current -0.000", "current 0.000"),  # negative zero
        ("recomputed live in 12 s; total 3.5 min", "recomputed live in 140 s; total 12.0 min"),
        ("<object at 0x7f3a2b1c9d00>", "<object at 0x55d0c0ffee11>"),
        ("largest difference < 1e-12", "largest difference < 1e-12"),
    ],
)
def test_what_cannot_carry_meaning_normalises(a, b):
    assert clean(a) == clean(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Delta J = 0.8574 g", "Delta J = 0.8575 g"),  # a changed physical number
        ("<J> = 0.14231", "<J> = 0.14232"),
        ("largest eigenvalue 3.92e+01", "largest eigenvalue 3.93e+01"),
        ("energy balance to 3.2e-09", "energy balance to 3.3e-09"),
        ("stable at 29488 points", "stable at 29487 points"),
        ("status stable", "status unstable"),
        (
            "largest difference 8.9e-16",
            "largest difference 0.0e+00",
        ),  # round-off values are NOT absorbed ...
    ],
)
def test_a_changed_number_does_not_normalise(a, b):
    assert clean(a) != clean(b)


def test_round_off_printed_as_a_bound_is_the_same_everywhere():
    # ... so the chapters print them as the bound their check asserts
    assert below(8.9e-16, 1e-12) == below(0.0, 1e-12) == below(-2.4e-16, 1e-12) == "< 1e-12"
    assert below(9.6e-10, 1e-7) == below(0.0, 1e-7) == "< 1e-7"
    assert below(3.2e-9, 1e-12) == "3.2e-09 (not < 1e-12)"
    assert below(float("nan"), 1.0).startswith("nan")
    assert floored(5.7e-15, 1e-8, ".4f") == floored(0.0, 1e-8, ".4f") == "< 1e-8"
    assert floored(0.01451, 1e-8, ".4f") == "0.0145"
    assert [sci(x) for x in (1e-12, 2.5e-7, 1e-7, 0.0)] == ["1e-12", "2.5e-7", "1e-7", "0"]
    with pytest.raises(ValueError, match="tol"):
        below(1.0, 0.0)


def test_truncation_is_not_rounding():
    # the digit rule truncates: values that straddle a sixth-digit boundary still differ.  Numbers whose
    # last digits wander (iterative solvers, ~1e-9) are printed to the precision that carries meaning.
    assert clean("0.1234599999") != clean("0.1234600001")


def test_the_build_comparison_flags_a_changed_number_and_accepts_round_off():
    def notebook(text):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("print(x)")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        nb.cells = [cell]
        return nb

    committed = notebook("Delta J = 0.85741234 g, solved in 3 s\n")
    assert (
        compare_notebooks(notebook("Delta J = 0.85741299 g, solved in 5 s\n"), committed, PATTERNS)
        == []
    )
    problems = compare_notebooks(
        notebook("Delta J = 0.86741234 g, solved in 3 s\n"), committed, PATTERNS
    )
    assert len(problems) == 1 and "code cell 1" in problems[0]


# A value printed in scientific notation (a mantissa with a decimal point: what f"{x:.1e}" writes; the
# bounds and tolerances of claims are written "1e-8") or as a fixed-point zero with many decimals.
_SCI = re.compile(r"(?<![\w.])[-+]?\d+\.\d+e[-+]?\d+\b", re.IGNORECASE)


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_output_prints_round_off(ipynb):
    """Values below ROUNDOFF_FLOOR (and 0.0e+00) are round-off or solver tolerance: they change with the
    CPU, the BLAS build and the thread count, and broke a build on another machine.  Print them with
    ``pgrid.book.numbers.below`` / ``floored``."""
    nb = nbformat.read(ipynb, as_version=4)
    bad = []
    for k, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for _kind, _name, text in _texts(cell, PATTERNS):
            for m in _SCI.finditer(text):
                if abs(float(m.group())) < ROUNDOFF_FLOOR:
                    bad.append(f"code cell {k + 1}: ...{text[max(0, m.start() - 60) : m.end()]!r}")
    assert not bad, f"{ipynb.name} prints round-off values:\n" + "\n".join(bad)
