#!/usr/bin/env python
"""ruff over the chapters' code: lint and format check (default) or fix (``--fix``).

    python scripts/ruff_chapters.py          # CI: fails if a chapter's code needs linting or formatting
    python scripts/ruff_chapters.py --fix    # fix and format the code cells of book/*.md and book/*.ipynb

The chapters are MyST notebooks ``book/<name>.md`` paired (jupytext) with executed
``book/<name>.ipynb``.  ruff reads notebooks, but writing one back re-serialises its outputs and
rounds the last digit of floats stored in output metadata (the evidence of every ``check()``), so
ruff never touches them here: the code cells are copied into output-free notebooks in a
temporary directory (read from the ``.md``, the source of truth), ruff runs there with
``book/ruff.toml`` (the project's rules, line length 88), and ``--fix`` writes the resulting
cell sources back into the ``.md`` and, when it holds the same code, the ``.ipynb``, leaving
outputs, metadata and prose as they are.  The outputs stay valid because formatting and the
safe lint fixes do not change what the code computes (nbval re-runs the cells to confirm it).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CONFIG = BOOK / "ruff.toml"


def ruff() -> str:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        sys.exit("ruff is not installed: pip install -r requirements.txt")
    return exe


def chapters() -> list:
    return sorted(p.stem for p in BOOK.glob("*.ipynb") if (BOOK / f"{p.stem}.md").exists())


def md_code_cells(lines: list) -> list:
    """(first, stop) line ranges of the bodies of the ``{code-cell}`` blocks of a MyST notebook."""
    spans, k = [], 0
    while k < len(lines):
        if lines[k].startswith("```{code-cell}"):
            k += 1
            if k < len(lines) and lines[k] == "---":  # YAML options block
                k = lines.index("---", k + 1) + 1
            while k < len(lines) and lines[k].startswith(":"):  # short options
                k += 1
            first = k
            while not lines[k].startswith("```"):
                k += 1
            spans.append((first, k))
        k += 1
    return spans


def md_body(lines, span) -> str:
    body = lines[span[0] : span[1]]
    while body and body[0] == "":  # the blank line after the options
        body = body[1:]
    return "\n".join(body).strip("\n")


def stripped_copy(name: str, tmp: Path) -> list:
    """Write the chapter's cells (read from its ``.md``, the source of truth) as an output-free
    notebook into ``tmp``; return its code sources."""
    import jupytext

    nb = jupytext.read(BOOK / f"{name}.md")
    (tmp / f"{name}.ipynb").write_text(jupytext.writes(nb, fmt="ipynb"))
    return [c.source for c in nb.cells if c.cell_type == "code"]


def code_sources(path: Path) -> list:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _as_lines(src: str) -> list:
    parts = src.split("\n")
    return [x + "\n" for x in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def write_back(name: str, old: list, new: list) -> bool:
    """Put the formatted code sources into book/<name>.md, and into book/<name>.ipynb when its
    code is the .md's (else the notebook is stale anyway: regenerate it); True if changed."""
    if old == new:
        return False
    md, ipynb = BOOK / f"{name}.md", BOOK / f"{name}.ipynb"
    lines = md.read_text().split("\n")
    spans = md_code_cells(lines)
    if len(spans) != len(new):
        raise SystemExit(f"{name}: {len(spans)} code cells found in the MyST file, {len(new)} read")
    for span, src in zip(spans, old):
        if md_body(lines, span) != src.strip("\n"):
            raise SystemExit(f"{name}: cannot locate code cell at line {span[0] + 1} of {md.name}")
    for span, src in reversed(list(zip(spans, new))):
        first, stop = span
        lead = [""] if lines[first : first + 1] == [""] and lines[first - 1].startswith(":") else []
        lines[first:stop] = lead + src.strip("\n").split("\n")
    md.write_text("\n".join(lines))
    nb = json.loads(ipynb.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if ["".join(c["source"]).strip("\n") for c in code] == [x.strip("\n") for x in old]:
        for cell, src in zip(code, new):
            cell["source"] = _as_lines(src)
        ipynb.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    else:
        print(f"{name}: book/{name}.ipynb is not the .md's code; regenerate it", file=sys.stderr)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="fix and format the chapters in place")
    parser.add_argument("names", nargs="*", help="chapters (default: all)")
    args = parser.parse_args()
    names = args.names or chapters()
    exe = ruff()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = {name: stripped_copy(name, tmp) for name in names}
        files = [str(tmp / f"{n}.ipynb") for n in names]
        base = [exe, "--config", str(CONFIG)]
        if args.fix:
            subprocess.run(base[:1] + ["check", "--fix", "--unsafe-fixes", "-q"] + base[1:] + files)
            subprocess.run(base[:1] + ["format", "-q"] + base[1:] + files, check=True)
            changed = [n for n in names if write_back(n, old[n], code_sources(tmp / f"{n}.ipynb"))]
            print(f"reformatted: {', '.join(changed) or 'nothing'}")
        lint = subprocess.run(base[:1] + ["check"] + base[1:] + files)
        fmt = subprocess.run(base[:1] + ["format", "--check"] + base[1:] + files)
    if lint.returncode or fmt.returncode:
        print("chapters need `python scripts/ruff_chapters.py --fix`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
