"""Citation metadata: CITATION.cff validates against the Citation File Format 1.2.0 schema and agrees
with the package (the schema is vendored from cffconvert 2.0.0, tests/data; CC-BY-4.0, the CFF authors)."""

import json
from importlib import metadata
from pathlib import Path

import jsonschema
import yaml

import pgrid

ROOT = Path(__file__).resolve().parents[1]
DIST = "pgrid-microgrids"  # the distribution name (`pgrid` on the package index is another project)


def test_citation_file_validates():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf8"))
    schema = json.loads(
        (ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text()
    )
    jsonschema.validate(cff, schema)
    assert cff["version"] == pgrid.__version__ == metadata.version(DIST)
    assert cff["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    paper = cff["references"][0]
    assert (
        paper["title"]
        == "Anomalous energy transport and symmetry breaking in microscopic power grids"
    )
    assert [a["family-names"] for a in paper["authors"]] == ["Huber", "Rabl"]
    assert not {"journal", "volume", "doi", "pages"} & set(paper)  # the text gives none of them


def test_distribution_name_and_import_name():
    dist = metadata.distribution(DIST)
    assert dist.metadata["Name"] == DIST and "pgrid" in (dist.read_text("top_level.txt") or "pgrid")
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf8").count(
        f"## [{pgrid.__version__}]"
    ) == 1


def test_how_to_cite_page_is_generated_from_the_citation_file():
    from pgrid.book import citation

    committed = (ROOT / "book" / "cite.md").read_text(encoding="utf8")
    assert committed == citation.page(citation.load()), (
        "book/cite.md is stale: run `python -m pgrid.book.citation`"
    )
    assert "@unpublished{huber2022" in committed and "@misc{pgrid2026" in committed
