#!/usr/bin/env python
"""Re-execute the book's chapters and write their executed notebooks (the outputs nbval checks).

Usage (from the repository root)::

    python scripts/regenerate_notebooks.py            # every chapter
    python scripts/regenerate_notebooks.py model      # only book/model.md
    python scripts/regenerate_notebooks.py --out DIR quantum_limit   # write DIR/quantum_limit.ipynb instead
    python scripts/regenerate_notebooks.py --prose transport   # prose changed only: no execution

``--prose`` rebuilds the notebook from the ``.md`` without executing it, keeping the stored
outputs of every code cell; it refuses (naming the cell) when a code cell's source or tags
differ from the stored notebook's, since those outputs would then be stale (tags that only
change how a cell is shown, such as ``hide-input``, may change).

The status page (``book/status.md``) collects the checks recorded in the other executed
notebooks, so it runs last; regenerate it whenever a chapter's checks change.

Each chapter is a MyST-markdown notebook ``book/<name>.md`` (jupytext); this writes
``book/<name>.ipynb`` with its outputs, executed in ``book/`` with the current Python's
kernel.  Run it after an intended change of a chapter or of pgrid, then commit both files.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

BOOK = Path(__file__).resolve().parents[1] / "book"


def chapters():
    for md in sorted(BOOK.glob("*.md")):
        head = md.read_text(encoding="utf8")[:400]
        if head.startswith("---") and "jupytext" in head:
            yield md


def regenerate(md: Path, out: Path | None = None) -> float:
    nb = from_markdown(md)
    t0 = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(BOOK)}},
    ).execute()
    elapsed = time.perf_counter() - t0
    # an exception raised while *displaying* a result (e.g. a figure whose label does not
    # parse) leaves an error output but does not stop nbclient: refuse such a notebook
    errors = [
        f"cell {k}: {o.get('ename')}: {o.get('evalue', '').strip()[:200]}"
        for k, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    if errors:
        sys.exit(f"{md.name}: error output(s), notebook not written:\n  " + "\n  ".join(errors))
    nbformat.write(nb, md.with_suffix(".ipynb") if out is None else out / f"{md.stem}.ipynb")
    return elapsed


def from_markdown(md: Path):
    """The chapter's cells as a notebook, read from its ``.md`` (stable cell ids, kernel and pairing)."""
    nb = jupytext.read(md)
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,md:myst"
    for k, cell in enumerate(nb.cells):  # stable ids: regenerating changes only what changed
        cell["id"] = f"{md.stem}-{k:03d}"
    return nb


#: Tags that change only how a cell is shown, not what it computes (a ``--prose`` rebuild may change them).
DISPLAY_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "full-width",
    "margin",
}


def _run_tags(cell) -> list:
    return [t for t in cell.metadata.get("tags", []) if t not in DISPLAY_TAGS]


def reuse_outputs(md: Path, out: Path | None = None) -> int:
    """Rebuild the notebook from ``md`` with the stored outputs (prose edits); return the cell count."""
    nb = from_markdown(md)
    stored = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    new_code = [c for c in nb.cells if c.cell_type == "code"]
    old_code = [c for c in stored.cells if c.cell_type == "code"]
    if len(new_code) != len(old_code):
        sys.exit(
            f"{md.name}: {len(new_code)} code cells, the stored notebook has {len(old_code)}: "
            "execute it (without --prose)"
        )
    for k, (new, old) in enumerate(zip(new_code, old_code)):
        if new.source != old.source or _run_tags(new) != _run_tags(old):
            sys.exit(
                f"{md.name}: code cell {k} differs from the stored notebook's ({new.source[:60]!r}): "
                "execute it (without --prose)"
            )
        tags = new.metadata.get("tags")
        new.outputs, new.execution_count, new.metadata = (
            old.outputs,
            old.execution_count,
            old.metadata,
        )
        new.metadata.pop("tags", None)
        if tags:
            new.metadata["tags"] = tags
    nb.metadata = stored.metadata
    nbformat.write(nb, md.with_suffix(".ipynb") if out is None else out / f"{md.stem}.ipynb")
    return len(nb.cells)


def main(argv):
    out = None
    prose = argv[:1] == ["--prose"]
    argv = argv[1:] if prose else argv
    if argv[:1] == ["--out"]:
        if len(argv) < 2:
            sys.exit("--out needs a directory")
        out = Path(argv[1]).resolve()
        out.mkdir(parents=True, exist_ok=True)
        argv = argv[2:]
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # no dates in SVG output
    os.environ.setdefault("PGRID_PROGRESS", "0")  # stored outputs hold no progress bars
    wanted = set(argv)
    todo = [md for md in chapters() if not wanted or md.stem in wanted]
    # the status page is generated from the other chapters' recorded checks: always last
    todo.sort(key=lambda md: md.stem == "status")
    unknown = wanted - {md.stem for md in chapters()}
    if unknown:
        sys.exit(
            f"unknown chapter(s): {sorted(unknown)}; chapters are {[m.stem for m in chapters()]}"
        )
    for md in todo:
        if prose:
            print(
                f"{md.relative_to(BOOK.parent)}: {reuse_outputs(md, out)} cells, outputs kept",
                flush=True,
            )
            continue
        print(f"executing {md.relative_to(BOOK.parent)} ...", flush=True)
        target = (
            md.with_suffix(".ipynb").relative_to(BOOK.parent)
            if out is None
            else out / f"{md.stem}.ipynb"
        )
        print(f"  wrote {target} in {regenerate(md, out):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
