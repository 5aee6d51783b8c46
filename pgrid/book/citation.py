"""The book's "How to cite" page, generated from ``CITATION.cff``.

    python -m pgrid.book.citation            # rewrite book/cite.md from CITATION.cff

``tests/test_citation.py`` fails when the committed page differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def load(path: Path | None = None) -> dict:
    import yaml

    return yaml.safe_load(Path(path or ROOT / "CITATION.cff").read_text(encoding="utf8"))


def _names(authors) -> str:
    return " and ".join(
        f"{a['family-names']}, {a['given-names']}" if "family-names" in a else "{" + a["name"] + "}"
        for a in authors
    )


def bibtex_software(cff: dict) -> str:
    year, month = cff["date-released"][:4], _MONTHS[int(cff["date-released"][5:7]) - 1]
    return (
        f"@misc{{pgrid{year},\n  author = {{{_names(cff['authors'])}}},\n  title = {{{cff['title']}}},\n"
        f"  howpublished = {{Software and book, version {cff['version']}}},\n  year = {{{year}}},\n"
        f"  month = {month},\n  note = {{Licence {cff['license']}}}\n}}"
    )


def bibtex_paper(ref: dict) -> str:
    first = ref["authors"][0]["family-names"].lower()
    affiliation = ref["authors"][0].get("affiliation", "")
    return (
        f"@unpublished{{{first}{ref['year']},\n  author = {{{_names(ref['authors'])}}},\n"
        f"  title = {{{ref['title']}}},\n  year = {{{ref['year']}}},\n  month = {_MONTHS[ref['month'] - 1]},\n"
        f"  note = {{{affiliation}. Dated May 6, 2022}}\n}}"
    )


def page(cff: dict) -> str:
    paper = cff["references"][0]
    authors = ", ".join(f"{a['given-names']} {a['family-names']}" for a in paper["authors"])
    return f"""# How to cite

<!-- generated from CITATION.cff by `python -m pgrid.book.citation`; do not edit -->

{cff["message"].strip()}

## The original paper

{authors}, *{paper["title"]}* ({paper["authors"][0]["affiliation"]}; dated May 6, 2022).
{paper["notes"].strip()}

```bibtex
{bibtex_paper(paper)}
```

## This reproduction

{cff["title"]}, version {cff["version"]} ({cff["date-released"]}), {cff["license"]} licence;
distribution `pgrid-microgrids`, import name `pgrid`.

```bibtex
{bibtex_software(cff)}
```

The same metadata in machine-readable form: `CITATION.cff` at the root of the repository
(Citation File Format 1.2.0).
"""


def main(argv=None) -> int:
    out = ROOT / "book" / "cite.md"
    out.write_text(page(load()), encoding="utf8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
