"""The reproduction-status page: inventory of the paper's items, recorded checks, honest NOT_YET."""

from pathlib import Path

import pytest

from pgrid.book import reproduction

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb") if p.stem != "status")


def test_every_figure_of_the_paper_is_listed():
    figures = [f"Fig. {k}" for k in range(1, 6)] + [f"Fig. S{k}" for k in range(1, 11)]
    missing = [f for f in figures if f not in reproduction.PAPER_ITEMS]
    assert not missing, missing


def test_recorded_checks_cover_every_item_except_the_declared_gaps():
    records = reproduction.collect(NOTEBOOKS)
    assert records, "no recorded checks in the committed notebooks"
    covered = {r["item"] for r in records}
    for item in reproduction.PAPER_ITEMS:
        if item in reproduction.NOT_YET:
            # once a chapter checks it, the gap must be removed from NOT_YET
            assert item not in covered, f"{item} is checked now: remove it from NOT_YET"
        else:
            assert item in covered, (
                f"{item}: no chapter records a check (add one or a NOT_YET reason)"
            )
    rows = reproduction.status_table(records)
    assert [r[0] for r in rows] == list(reproduction.PAPER_ITEMS)
    assert {r[2].split(":")[0] for r in rows} <= set(reproduction.ITEM_STATUS.values()) | {
        "not reproduced"
    }
    anchors = [r["anchor"] + r["chapter"] for r in records]
    assert len(anchors) == len(set(anchors)), "check anchors must be unique per chapter"


def test_status_page_is_generated_from_the_checks():
    # the committed status page shows exactly the table computed from the committed chapters
    import json

    nb = json.loads((BOOK / "status.ipynb").read_text(encoding="utf8"))
    html = [
        o["data"]["text/html"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    expected = reproduction.status_html(reproduction.status_table(reproduction.collect(NOTEBOOKS)))
    assert html and "".join(html[0]) == expected


def test_check_asserts_and_validates():
    assert reproduction.check("Fig. 3a", True, "a claim") is None
    with pytest.raises(AssertionError, match="Eq. S41: within 1 %"):
        reproduction.check("Eq. S41", False, "within 1 %")
    with pytest.raises(ValueError, match="unknown paper item"):
        reproduction.check("Fig. 11", True, "x")
    with pytest.raises(ValueError, match="status"):
        reproduction.check("Fig. 3", True, "x", status="maybe")
    assert reproduction.paper_item("Fig. S2b") == "Fig. S2"


def test_item_status_takes_the_strongest_check():
    recs = [
        dict(item="Eq. S48", status="reproduced"),
        dict(item="Eq. S48", status="error"),
        dict(item="Fig. 5", status="difference"),
        dict(item="Fig. 5", status="ambiguous"),
    ]
    rows = {
        r[0]: r[2]
        for r in reproduction.status_table(recs, {"Eq. S48": "", "Fig. 5": "", "Fig. 1": ""})
    }
    assert rows == {
        "Eq. S48": "paper error, corrected",
        "Fig. 5": "ambiguous in the paper",
        "Fig. 1": "not reproduced: no check recorded",
    }


def test_beyond_the_paper_items_take_status_new_only():
    item = next(iter(reproduction.BEYOND_ITEMS))
    assert reproduction.paper_item(item) == item
    assert reproduction.check(item, True, "a new result", status="new") is None
    with pytest.raises(ValueError, match="BEYOND_ITEMS"):
        reproduction.check(item, True, "x")  # a new result is not "reproduced"
    with pytest.raises(ValueError, match="BEYOND_ITEMS"):
        reproduction.check("Fig. 3", True, "x", status="new")  # a paper item is not "new"
    rows = reproduction.status_table([dict(item=item, status="new")], reproduction.BEYOND_ITEMS)
    assert rows[0][2] == "established (beyond the paper)"
    assert {r[2] for r in rows[1:]} == {"not reproduced: no check recorded"}


def test_every_result_beyond_the_paper_has_a_check():
    records = reproduction.collect(NOTEBOOKS)
    covered = {r["item"] for r in records if r["status"] == "new"}
    assert covered == set(reproduction.BEYOND_ITEMS), set(reproduction.BEYOND_ITEMS) - covered
    import json

    nb = json.loads((BOOK / "status.ipynb").read_text(encoding="utf8"))
    html = [
        "".join(o["data"]["text/html"])
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    expected = reproduction.status_html(
        reproduction.status_table(records, reproduction.BEYOND_ITEMS)
    )
    assert expected in html
