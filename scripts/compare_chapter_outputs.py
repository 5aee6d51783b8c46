#!/usr/bin/env python
"""Compare the chapters' committed text outputs with those of an earlier revision, cell by cell.

Usage (from the repository root)::

    python scripts/compare_chapter_outputs.py HEAD~1          # working tree against HEAD~1
    python scripts/compare_chapter_outputs.py REV --ignore 'figures.publish(' --ignore 'show_versions('

For a refactor that promises unchanged results: code cells whose source contains an ``--ignore``
marker (cells the refactor added) are left out, the others are paired in order, and their text
outputs (stream text, ``text/plain``, ``text/html``, ...; images are not compared) are compared
twice: byte for byte, and after the substitutions of ``book/nbval_sanitize.cfg`` (what nbval and
the build check).  Prints one line per chapter and every difference; exits 1 if any output
differs after sanitising.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from pgrid_book import _texts, sanitize_patterns  # noqa: E402


def code_cells(nb, ignore):
    return [c for c in nb.cells if c.cell_type == "code" and not any(m in c.source for m in ignore)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev", help="the earlier revision (git)")
    parser.add_argument(
        "--ignore",
        action="append",
        default=None,
        help="skip code cells containing this text (default: figures.publish( and show_versions( )",
    )
    args = parser.parse_args(argv)
    ignore = args.ignore or ["figures.publish(", "show_versions("]
    patterns = sanitize_patterns()
    bad = 0
    for ipynb in sorted((ROOT / "book").glob("*.ipynb")):
        rel = ipynb.relative_to(ROOT).as_posix()
        old_text = subprocess.run(
            ["git", "show", f"{args.rev}:{rel}"], cwd=ROOT, capture_output=True, text=True
        )
        if old_text.returncode:
            print(f"{ipynb.stem}: not in {args.rev}")
            continue
        old = code_cells(nbformat.reads(old_text.stdout, as_version=4), ignore)
        new = code_cells(nbformat.read(ipynb, as_version=4), ignore)
        if len(old) != len(new):
            print(
                f"{ipynb.stem}: {len(old)} code cells in {args.rev}, {len(new)} now: cannot pair them"
            )
            bad += 1
            continue
        raw_same = sanitized_same = 0
        diffs = []
        for k, (a, b) in enumerate(zip(old, new)):
            ta, tb = _texts(a, []), _texts(b, [])
            if ta == tb:
                raw_same += 1
            if _texts(a, patterns) == _texts(b, patterns):
                sanitized_same += 1
            else:
                diffs.append(
                    (k, a.source.strip().splitlines()[0][:70] if a.source.strip() else "", ta, tb)
                )
        print(
            f"{ipynb.stem}: {len(old)} code cells, text outputs identical byte for byte in {raw_same}, "
            f"after sanitising in {sanitized_same}"
        )
        for k, first, ta, tb in diffs:
            print(f"  cell {k + 1} ({first!r}):\n    before {ta!r:.600}\n    now    {tb!r:.600}")
        bad += bool(diffs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
