#!/usr/bin/env python
"""ruff over the chapters' code: lint and format check (default) or fix (``--fix``).

    python scripts/ruff_chapters.py          # CI: fails if a chapter's code needs linting or formatting
    python scripts/ruff_chapters.py --fix    # fix and format the code cells of book/*.md and book/*.ipynb

The chapters are MyST notebooks ``book/<name>.md`` paired (jupytext) with executed
``book/<name>.ipynb``.  ruff reads notebooks, but writing one back re-serialises its outputs and
rounds the last digit of floats stored in output metadata (the evidence of every ``check()``), so
ruff never touches them here: the code cells are copied into output-free notebooks in a
temporary directory, ruff runs there with ``book/ruff.toml`` (the project's rules, line length
88), and ``--fix`` writes the resulting cell sources back into both files of each pair, leaving
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
    """Write an output-free copy of the chapter's notebook into ``tmp``; return its code sources."""
    nb = json.loads((BOOK / f"{name}.ipynb").read_text())
    sources = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            sources.append("".join(cell["source"]))
    (tmp / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return sources


def code_sources(path: Path) -> list:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def write_back(name: str, new: list) -> bool:
    """Put the formatted code sources into book/<name>.ipynb and book/<name>.md; True if changed."""
    ipynb, md = BOOK / f"{name}.ipynb", BOOK / f"{name}.md"
    nb = json.loads(ipynb.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    lines = md.read_text().split("\n")
    spans = md_code_cells(lines)
    if len(code) != len(new) or len(spans) != len(new):
        raise SystemExit(
            f"{name}: {len(code)} code cells in the notebook, {len(spans)} in the MyST file"
        )
    for cell, span in zip(code, spans):
        if md_body(lines, span) != "".join(cell["source"]).strip("\n"):
            raise SystemExit(
                f"{name}: book/{name}.md and .ipynb differ in a code cell (line {span[0] + 1}); "
                "regenerate the notebook first (scripts/regenerate_notebooks.py)"
            )
    changed = False
    for cell, src in zip(code, new):
        if "".join(cell["source"]) != src:
            changed = True
            parts = src.split("\n")
            cell["source"] = [x + "\n" for x in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if not changed:
        return False
    ipynb.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    for span, src in reversed(list(zip(spans, new))):
        first, stop = span
        lead = [""] if lines[first : first + 1] == [""] and lines[first - 1].startswith(":") else []
        lines[first:stop] = lead + src.strip("\n").split("\n")
    md.write_text("\n".join(lines))
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
        for name in names:
            stripped_copy(name, tmp)
        files = [str(tmp / f"{n}.ipynb") for n in names]
        base = [exe, "--config", str(CONFIG)]
        if args.fix:
            subprocess.run(base[:1] + ["check", "--fix", "--unsafe-fixes", "-q"] + base[1:] + files)
            subprocess.run(base[:1] + ["format", "-q"] + base[1:] + files, check=True)
            changed = [n for n in names if write_back(n, code_sources(tmp / f"{n}.ipynb"))]
            print(f"reformatted: {', '.join(changed) or 'nothing'}")
        lint = subprocess.run(base[:1] + ["check"] + base[1:] + files)
        fmt = subprocess.run(base[:1] + ["format", "--check"] + base[1:] + files)
    if lint.returncode or fmt.returncode:
        print("chapters need `python scripts/ruff_chapters.py --fix`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
