"""Sphinx extension for the pgrid book (loaded through ``sphinx.local_extensions`` in _config.yml).

1. The execution cache is keyed by the pgrid sources: the jupyter-cache folder is
   ``book/_build/.jupyter_cache/pgrid-<hash>``, where the hash covers every file of the
   installed ``pgrid`` package.  Any change to pgrid therefore re-executes every chapter,
   while a text-only edit of a chapter re-uses the cache.
2. Equations carry the paper's numbers: a display equation labelled ``eq-S41`` is shown and
   referenced as (S41), ``eq-3`` as (3) (``math_numfig`` is off so the label decides).
   Each paper equation is labelled once in the book; other chapters reference it.  In the
   PDF edition LaTeX numbers (and references) the equation the same way.
3. Pages carry no script that names an online URL (sphinx-thebe's CDN constant is dropped),
   and each chapter's download menu offers the executed notebook (``.ipynb``) beside the
   ``.md`` source, as local files.
4. After the build, every executed chapter is compared with its committed, executed
   notebook ``book/<chapter>.ipynb`` (the one nbval validates): same code cells, and the
   same text outputs after the substitutions of ``book/nbval_sanitize.cfg``.  A mismatch
   fails the build and names the command that regenerates the notebooks.
5. Figure downloads: chapters publish every paper figure with
   :func:`pgrid.book.figures.publish`, which writes ``<name>.pdf``, ``.svg`` and ``.nc`` into
   ``$PGRID_FIGURE_DIR``; this extension sets it to ``<build>/figures`` (beside the execution
   cache, so files and cached outputs live and die together) before any chapter runs, and
   copies the files to ``<html>/figures/`` after the build.  A figure whose files are missing
   fails the build.
6. The execution report: the ``{pgrid-exec-report}`` directive (on the status page) becomes a
   table of every executed chapter with its run time and whether this build executed it or
   took it from the execution cache.
"""

from __future__ import annotations

import configparser
import datetime
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

BOOK = Path(__file__).resolve().parents[1]
SANITIZE = BOOK / "nbval_sanitize.cfg"
REGENERATE = "python scripts/regenerate_notebooks.py"
SKIP_MIME = ("image/png", "image/jpeg", "image/svg+xml", "application/pdf")


def pgrid_source_hash() -> str:
    from pgrid.provenance import source_hash

    return source_hash()


def sanitize_patterns(path: Path = SANITIZE):
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(path)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _texts(cell, patterns):
    out = []
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "stream":
            text = o.get("text", "")
            text = text if isinstance(text, str) else "".join(text)
            # consecutive stream chunks are split wherever the kernel happened to flush:
            # merge them (as nbval does) so only the text is compared
            if out and out[-1][0] == "stream" and out[-1][1] == o.get("name"):
                out[-1] = (kind, o.get("name"), out[-1][2] + text)
            else:
                out.append((kind, o.get("name"), text))
        elif kind in ("execute_result", "display_data"):
            for mime, data in sorted(o.get("data", {}).items()):
                if mime not in SKIP_MIME:
                    out.append(
                        (kind, mime, data if isinstance(data, str) else "".join(data))
                    )
        elif kind == "error":
            out.append((kind, o.get("ename"), o.get("evalue")))
    return [(kind, name, sanitize(text, patterns)) for kind, name, text in out]


def sanitize(text: str, patterns) -> str:
    """``text`` after the substitutions ``patterns`` (:func:`sanitize_patterns`), in order."""
    for rx, rep in patterns:
        text = rx.sub(rep, text)
    return text


def compare_notebooks(executed, committed, patterns):
    """List of human-readable differences between two notebooks' code cells and text outputs."""
    a = [c for c in executed.cells if c.cell_type == "code"]
    b = [c for c in committed.cells if c.cell_type == "code"]
    if [c.source for c in a] != [c.source for c in b]:
        return [
            "the code cells differ (the .md chapter changed after its .ipynb was executed)"
        ]
    problems = []
    for k, (ca, cb) in enumerate(zip(a, b)):
        ta, tb = _texts(ca, patterns), _texts(cb, patterns)
        if ta != tb:
            first = ca.source.strip().splitlines()[0] if ca.source.strip() else ""
            problems.append(
                f"code cell {k + 1} ({first[:60]!r}): output now {ta!r:.300}, "
                f"committed {tb!r:.300}"
            )
    return problems


def _set_cache_path(app, config):
    app.pgrid_hash = pgrid_source_hash()
    app.pgrid_build_start = time.time()
    cache = Path(app.outdir).parent / ".jupyter_cache" / f"pgrid-{app.pgrid_hash}"
    config.nb_execution_cache_path = str(cache)
    # chapters run in kernels this process starts: they inherit where to write the figure downloads
    os.environ.setdefault("PGRID_FIGURE_DIR", str(Path(app.outdir).parent / "figures"))


def _copy_figures(app, exception):
    """Copy every published figure (PDF, SVG, netCDF) next to the HTML pages; fail when one is missing."""
    if exception is not None or app.builder.format != "html":
        return
    from pgrid.book.figures import FIGURES

    source, dest = Path(os.environ["PGRID_FIGURE_DIR"]), Path(app.outdir) / "figures"
    missing = []
    for name, spec in FIGURES.items():
        if spec.chapter not in app.env.found_docs:
            continue
        for ext in ("pdf", "svg", "nc"):
            f = source / f"{name}.{ext}"
            if not f.exists():
                missing.append(f.name)
                continue
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest / f.name)
    if missing:
        raise ExtensionError(
            f"figure downloads missing from {source}: {', '.join(missing)}. They are written when a chapter "
            "executes; a chapter served from an execution cache whose figures were deleted has none. "
            "Remove the cache (rm -rf _build/.jupyter_cache) and build again."
        )


class ExecReportNode(nodes.General, nodes.Element):
    """Placeholder for the execution report (filled in once every chapter has run)."""


class ExecReport(SphinxDirective):
    """``{pgrid-exec-report}``: each executed chapter's run time, and whether this build executed
    it or served it from the execution cache."""

    def run(self):
        return [ExecReportNode()]


def _exec_report_table(app, docname):
    from myst_nb.sphinx_ import NbMetadataCollector

    start = getattr(app, "pgrid_build_start", time.time())
    rows, total = [], 0.0
    for doc, data in sorted(NbMetadataCollector.get_doc_data(app.env).items()):
        ex = data.get("exec_data")
        if not ex:
            continue
        runtime = ex.get("runtime")
        total += runtime or 0.0
        when = (
            datetime.datetime.fromtimestamp(ex["mtime"]).strftime("%Y-%m-%d %H:%M")
            if ex.get("mtime")
            else ""
        )
        if ex.get("method") == "force":
            origin = "executed in this build (always)"
        elif ex.get("mtime") and ex["mtime"] >= start:
            origin = "executed in this build"
        else:
            origin = f"from the execution cache (executed {when})"
        ok = "ok" if ex.get("succeeded") else "failed"
        rows.append((doc, "-" if runtime is None else f"{runtime:.1f}", origin, ok))
    rows.append(("all chapters", f"{total:.1f}", "", ""))
    table = nodes.table(classes=["pgrid-exec-report", "colwidths-auto"])
    group = nodes.tgroup(cols=4)
    table += group
    for width in (22, 16, 50, 12):
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    row = nodes.row()
    for h in ("Chapter", "Execution time (s)", "Outputs", "Status"):
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    for doc, runtime, origin, ok in rows:
        row = nodes.row()
        link = nodes.paragraph()
        if doc != "all chapters":
            ref = pending_xref(
                "",
                refdoc=docname,
                reftarget=doc,
                reftype="doc",
                refdomain="std",
                refexplicit=True,
                refwarn=True,
                classes=["xref", "doc"],
            )
            ref += nodes.inline(text=doc)
            link += ref
        else:
            link += nodes.strong(text=doc)
        row += nodes.entry("", link)
        for text in (runtime, origin, ok):
            row += nodes.entry("", nodes.paragraph(text=text))
        body += row
    return table


class ExecReportTransform(SphinxPostTransform):
    """Replace the placeholder with the table (before cross-references are resolved, priority 10)."""

    default_priority = 8

    def run(self, **kwargs):
        for node in list(self.document.findall(ExecReportNode)):
            node.replace_self(_exec_report_table(self.app, self.env.docname))


def _outdated_after_pgrid_change(app, env, added, changed, removed):
    """Re-read every notebook chapter when pgrid changed since the doctrees were pickled; the
    status page (generated from the chapters' committed notebooks, executed with
    ``execution_mode: force``) is re-read on every build."""
    always = [d for d in ("status",) if d in env.found_docs]
    if getattr(env, "pgrid_hash", None) == app.pgrid_hash:
        return always
    env.pgrid_hash = app.pgrid_hash
    return sorted(
        set(always) | {d for d in env.found_docs if (BOOK / f"{d}.ipynb").exists()}
    )


def _executed_notebook(app, docname):
    """The chapter's notebook with the outputs of this build's execution (from the jupyter cache).

    (myst-nb writes ``_build/jupyter_execute/<doc>.ipynb`` without outputs when it serves a
    chapter from the cache, so the cache itself is the reliable record.)
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    source = BOOK / f"{docname}.md"
    nb = read_myst_markdown_notebook(source.read_text(encoding="utf8"), path=source)
    if nb.metadata.get("mystnb", {}).get("execution_mode") == "force":
        # executed on every build, outside the cache: myst-nb's copy holds this build's outputs
        out = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
        return nbformat.read(out, as_version=4) if out.exists() else None
    try:
        return get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(
            nb
        )[1]
    except KeyError:
        return None


def _check_outputs(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    patterns = sanitize_patterns()
    problems = []
    for docname in sorted(app.env.found_docs):
        committed_path = BOOK / f"{docname}.ipynb"
        if not committed_path.exists() or not (BOOK / f"{docname}.md").exists():
            continue
        executed = _executed_notebook(app, docname)
        if executed is None:
            problems.append(
                f"{docname}: not found in the execution cache (was it executed?)"
            )
            continue
        diffs = compare_notebooks(
            executed, nbformat.read(committed_path, as_version=4), patterns
        )
        problems += [f"{docname}: {d}" for d in diffs]
    if problems:
        raise ExtensionError(
            "executed chapters differ from their committed notebooks:\n  - "
            + "\n  - ".join(problems)
            + f"\nIf the change is intended, regenerate the notebooks with `{REGENERATE}`."
        )


def _drop_online_scripts(app, pagename, templatename, context, doctree):
    """Remove sphinx-thebe's inline script naming a CDN URL (launch buttons are off; the book is offline)."""
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [
            s
            for s in scripts
            if "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
        ]


def _notebook_download(app, pagename, templatename, context, doctree):
    """Offer the executed notebook (the committed ``book/<page>.ipynb``, with outputs) in the
    page's download menu next to the ``.md`` source: a local file, no launch service needed."""
    import shutil

    ntbk = BOOK / f"{pagename}.ipynb"
    if app.builder.format != "html" or not ntbk.exists() or "/" in pagename:
        return
    dest = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ntbk, dest)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _paper_equation_numbers(app, doctree):
    """Number every display equation labelled ``eq-<X>`` as (X), in the page and in references."""
    from docutils import nodes

    domain = app.env.get_domain("math")
    for node in list(doctree.findall(nodes.math_block)):
        label = node.get("label") or ""
        if label.startswith("eq-") and len(label) > 3:
            number = label[3:]
            node["number"] = number
            domain.equations[label] = (app.env.docname, number)
            # the PDF edition: LaTeX numbers the equation (and its \ref) with the same number
            parent, index = node.parent, node.parent.index(node)
            parent.insert(index + 1, nodes.raw("", "\\endgroup\n", format="latex"))
            parent.insert(
                index,
                nodes.raw(
                    "",
                    f"\\begingroup\\renewcommand{{\\theequation}}{{{number}}}\n",
                    format="latex",
                ),
            )


def setup(app):
    # Chapters run in kernels started by this process: no progress bars in the pages (and in
    # the outputs compared with the committed notebooks).
    os.environ.setdefault("PGRID_PROGRESS", "0")
    app.connect("config-inited", _set_cache_path, priority=100)
    app.add_node(ExecReportNode)
    app.add_directive("pgrid-exec-report", ExecReport)
    app.add_post_transform(ExecReportTransform)
    app.connect("build-finished", _copy_figures)
    app.connect("env-get-outdated", _outdated_after_pgrid_change)
    app.connect("doctree-read", _paper_equation_numbers)
    app.connect("build-finished", _check_outputs)
    app.connect("html-page-context", _drop_online_scripts)
    app.connect(
        "html-page-context", _notebook_download, priority=500
    )  # before the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
