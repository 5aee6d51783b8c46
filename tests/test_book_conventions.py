"""Chapter conventions that the book build relies on."""

from pathlib import Path

import jupytext
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(
    md for md in BOOK.glob("*.md") if "jupytext" in md.read_text(encoding="utf8")[:400]
)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_figure_cells_hold_only_the_figure(md):
    # myst-nb wraps every rich output of a `mystnb: figure:` cell in the named figure: a check line
    # (or any other display) in the same cell duplicates the figure's target name
    for cell in jupytext.read(md).cells:
        if cell.cell_type == "code" and "figure" in cell.metadata.get("mystnb", {}):
            assert "check(" not in cell.source and "display(" not in cell.source, (
                f"{md.name}: move check()/display() out of the figure cell {cell.metadata['mystnb']['figure'].get('name')}"
            )
