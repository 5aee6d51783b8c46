#!/usr/bin/env python
"""How the chapters read: visible code against prose, and what scrolls sideways (issue 31).

    python scripts/book_metrics.py [chapter ...]

For each chapter (``book/<name>.md``, MyST with jupytext; outputs from ``book/<name>.ipynb``)
prints the visible code lines (non-blank lines of code cells that are not ``remove-cell``,
``remove-input`` or ``hide-input``), visible code lines over 88 characters, the words of prose
(outside code cells and the front matter), prose words per visible code line, and the
plain-text output lines over 100 characters (stream and ``text/plain`` outputs shown as text,
i.e. not replaced by HTML or an image, of cells that are not ``remove-output``/``remove-cell``).
The last line gives the totals and the acceptance limits of issue 31.
"""

import json
import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parents[1] / "book"
HIDDEN_INPUT = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
HIDDEN_OUTPUT = {"remove-cell", "remove-output", "hide-cell"}
CODE_WIDTH, OUTPUT_WIDTH = 88, 100


def cells(text: str):
    """(kind, tags, lines) for the chapter's cells: kind "code" or "prose"."""
    lines = text.splitlines()
    if lines and lines[0] == "---":  # front matter
        end = lines.index("---", 1)
        lines = lines[end + 1 :]
    prose, k = [], 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("```{code-cell}"):
            if prose:
                yield "prose", set(), prose
                prose = []
            k += 1
            tags, body = set(), []
            if k < len(lines) and lines[k] == "---":  # YAML options block
                k += 1
                while lines[k] != "---":
                    m = re.match(r"tags:\s*\[(.*)\]", lines[k].strip())
                    if m:
                        tags |= {t.strip().strip("'\"") for t in m.group(1).split(",")}
                    k += 1
                k += 1
            while k < len(lines) and lines[k].startswith(":"):  # short options
                m = re.match(r":tags:\s*\[(.*)\]", lines[k])
                if m:
                    tags |= {t.strip().strip("'\"") for t in m.group(1).split(",")}
                k += 1
            while k < len(lines) and not lines[k].startswith("```"):
                body.append(lines[k])
                k += 1
            yield "code", tags, body
        else:
            prose.append(line)
        k += 1
    if prose:
        yield "prose", set(), prose


def prose_words(lines) -> int:
    words, in_math = 0, False
    for line in lines:
        s = line.strip()
        if s.startswith("$$") or s.startswith("```{math}"):
            in_math = not (s.endswith("$$") and len(s) > 2) if s.startswith("$$") else True
            continue
        if in_math:
            if s.startswith("```") or s.endswith("$$"):
                in_math = False
            continue
        if s.startswith((":", "```", "(", "%")) and not s.startswith("(see"):
            continue
        words += len(re.findall(r"[A-Za-z][A-Za-z'\-]*", re.sub(r"\$[^$]*\$", " x ", s)))
    return words


def long_output_lines(nb_path: Path) -> int:
    if not nb_path.exists():
        return 0
    nb = json.loads(nb_path.read_text())
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or HIDDEN_OUTPUT & set(
            cell.get("metadata", {}).get("tags", [])
        ):
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                text = "".join(out["text"])
            elif out["output_type"] in ("execute_result", "display_data"):
                data = out.get("data", {})
                if set(data) & {
                    "text/html",
                    "image/png",
                    "image/svg+xml",
                    "text/markdown",
                    "text/latex",
                }:
                    continue
                if not any(k.startswith("text/plain") for k in data):
                    continue
                text = "".join(data["text/plain"])
            else:
                continue
            count += sum(len(x) > OUTPUT_WIDTH for x in text.splitlines())
    return count


def metrics(name: str) -> dict:
    code = wide = words = 0
    for kind, tags, body in cells((BOOK / f"{name}.md").read_text()):
        if kind == "prose":
            words += prose_words(body)
        elif not tags & HIDDEN_INPUT:
            visible = [x for x in body if x.strip()]
            code += len(visible)
            wide += sum(len(x) > CODE_WIDTH for x in visible)
    return {
        "code": code,
        "wide": wide,
        "words": words,
        "outputs": long_output_lines(BOOK / f"{name}.ipynb"),
    }


def chapters() -> list:
    return sorted(p.stem for p in BOOK.glob("*.md") if (BOOK / f"{p.stem}.ipynb").exists())


def main(argv) -> None:
    names = argv or chapters()
    total = {"code": 0, "wide": 0, "words": 0, "outputs": 0}
    print(
        f"{'chapter':<16}{'code lines':>11}{'> 88 ch':>9}{'prose words':>13}{'words/line':>12}{'outputs > 100':>15}"
    )
    for name in names:
        m = metrics(name)
        for k in total:
            total[k] += m[k]
        ratio = m["words"] / m["code"] if m["code"] else float("inf")
        print(
            f"{name:<16}{m['code']:>11}{m['wide']:>9}{m['words']:>13}{ratio:>12.1f}{m['outputs']:>15}"
        )
    ratio = total["words"] / total["code"] if total["code"] else float("inf")
    print(
        f"{'total':<16}{total['code']:>11}{total['wide']:>9}{total['words']:>13}{ratio:>12.1f}{total['outputs']:>15}"
    )
    print(
        f"issue 31 limits: code lines <= 800, none > {CODE_WIDTH} ch, words/line >= 12, no output line > "
        f"{OUTPUT_WIDTH} ch"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
