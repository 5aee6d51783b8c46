r"""The paper's figures: one code path for the book's chapters and the ``pgrid figure`` command.

Every figure of the paper (and each panel where the book shows it on its own) is a
:class:`FigureSpec` in :data:`FIGURES`: a ``compute`` function that returns the data behind
the figure as an ``xarray.Dataset`` (parameters and protocol as attributes), and a ``plot``
function that draws the figure from that dataset alone.  The chapters call exactly these
functions (and check the paper's claims on the dataset); the command line

.. code-block:: bash

    pgrid figure --list               # every paper figure, its panels, chapter and cost
    pgrid figure fig2a -o out/        # out/fig2a.pdf, out/fig2a.svg, out/fig2a.nc
    pgrid figure fig3 -o out/         # every panel of Fig. 3

recomputes a figure the same way and writes it as PDF and SVG together with its data as
netCDF, with the provenance as attributes (:func:`provenance`: the command, pgrid's version,
source hash and git commit, library versions, the compute function's parameters).

A panel that needs another panel's data names it in ``requires``; :func:`compute` resolves
those inputs (once per call, shared between panels).  Stochastic sweeps go through
:func:`pgrid.sweep` with ``cache=True``, so a figure that reuses another's runs (Fig. 3b
reads the histograms of Fig. 3a's runs) loads them from the sweep cache.

In a chapter, :func:`publish` writes the figure's PDF, SVG and netCDF into the build's
download folder (``$PGRID_FIGURE_DIR``, which the book's Sphinx extension sets) and shows
the download links.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Optional

from .._display import escape as _esc
from .._display import show

__all__ = [
    "FigureSpec",
    "FIGURES",
    "PAPER_FIGURES",
    "names",
    "spec",
    "compute",
    "plot",
    "make",
    "publish",
    "provenance",
    "figure_dir",
    "STYLE",
    "command",
]

#: The matplotlib style of every figure (colour-blind-safe cycle, deterministic SVG).
STYLE = str(Path(__file__).with_name("pgrid.mplstyle"))


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    """One paper figure or panel.

    Attributes
    ----------
    name : str
        Command-line name, ``fig2a``, ``figS5`` ...
    paper : str
        The paper's label, "Fig. 2(a)".
    chapter : str
        The book chapter that shows it (``book/<chapter>.md``), and ``label`` its figure label there.
    target : str
        ``"module:compute_function:plot_function"`` inside :mod:`pgrid.book.figures`.
    requires : tuple of str
        Names of figures whose datasets ``compute`` takes as keyword arguments.
    cost : str
        Wall time of ``compute`` measured on 2 cores with an empty sweep cache (numba's
        compilation cache warm), by ``pgrid figure`` over every figure in one run (7 min in all).
    """

    name: str
    paper: str
    chapter: str
    label: str
    title: str
    target: str
    requires: tuple = ()
    cost: str = ""

    def _functions(self):
        module, comp, draw = self.target.split(":")
        mod = importlib.import_module(f"{__name__}.{module}")
        return getattr(mod, comp), getattr(mod, draw)

    @property
    def compute(self) -> Callable:
        """The compute function: ``compute(**inputs) -> xarray.Dataset``."""
        return self._functions()[0]

    @property
    def plot(self) -> Callable:
        """The plot function: ``plot(ds) -> matplotlib.figure.Figure``."""
        return self._functions()[1]


def _specs():
    f = FigureSpec
    return [
        f(
            "fig1",
            "Fig. 1",
            "model",
            "fig-model-sketch",
            "the network: oscillators, generator, engine, bath",
            "fig1:compute:plot",
            cost="1 s",
        ),
        f(
            "fig2a",
            "Fig. 2(a)",
            "transport",
            "fig-2a",
            "noise-free current over the (Gamma_i, Gamma_e) plane, N = 10",
            "fig2:compute_a:plot_a",
            cost="55 s",
        ),
        f(
            "fig2b",
            "Fig. 2(b)",
            "transport",
            "fig-2b",
            "current at Gamma_e = Gamma_i and the maximal current",
            "fig2:compute_b:plot_b",
            cost="30 s",
        ),
        f(
            "fig2c",
            "Fig. 2(c)",
            "transport",
            "fig-2c",
            "occupation profiles and Eq. (6)",
            "fig2:compute_c:plot_c",
            requires=("fig2b",),
            cost="1 s after Fig. 2(b)",
        ),
        f(
            "fig3a",
            "Fig. 3(a)",
            "fluctuations",
            "fig-3a",
            "mean current and fluctuations, thermal regime, N = 6",
            "fig3:compute_a:plot_a",
            cost="70 s",
        ),
        f(
            "fig3b",
            "Fig. 3(b)",
            "fluctuations",
            "fig-3b",
            "single-site distributions (the runs of Fig. 3a)",
            "fig3:compute_b:plot_b",
            cost="70 s; 2 s once Fig. 3(a)'s runs are cached",
        ),
        f(
            "fig3c",
            "Fig. 3(c)",
            "fluctuations",
            "fig-3c",
            "relaxation time, N = 4, 6, 8",
            "fig3:compute_c:plot_c",
            cost="6 s",
        ),
        f(
            "fig3d",
            "Fig. 3(d)",
            "fluctuations",
            "fig-3d",
            "order parameter with and without noise",
            "fig3:compute_d:plot_d",
            cost="70 s; 1 s once Fig. 3(a)'s runs are cached",
        ),
        f(
            "fig4a",
            "Fig. 4(a)",
            "quantum_limit",
            "fig-4a",
            "current fluctuations in the quantum noise limit, N = 2",
            "fig4:compute_a:plot_a",
            cost="50 s; exact points from the stored data",
        ),
        f(
            "fig4b",
            "Fig. 4(b)",
            "quantum_limit",
            "fig-4b",
            "entanglement negativity between source and drain",
            "fig4:compute_b:plot_b",
            cost="1 s; the stored exact steady states",
        ),
        f(
            "fig5",
            "Fig. 5",
            "grids",
            "fig-5",
            "2-D grid with one generator and two engines: currents and fluctuations",
            "fig5:compute:plot",
            cost="45 s",
        ),
        f(
            "figS1",
            "Fig. S1",
            "fokker_planck",
            "fig-S1",
            "coherent-state average of the saturation function",
            "figS1:compute:plot",
            cost="1 s",
        ),
        f(
            "figS2",
            "Fig. S2",
            "fokker_planck",
            "fig-S2",
            "SDE against exact quantum current statistics, n0 = 15",
            "figS2:compute:plot",
            cost="3 s; exact points from the stored data",
        ),
        f(
            "figS3",
            "Fig. S3",
            "transport",
            "fig-S3",
            "linear chain: damped, amplified and stalled regions",
            "figS3:compute:plot",
            cost="3 s",
        ),
        f(
            "figS4",
            "Fig. S4",
            "transport",
            "fig-S4",
            "steady-state amplitudes |A|, |B| across the transition",
            "figS4:compute:plot",
            requires=("fig2a", "fig2b"),
            cost="1 s after Figs. 2(a), 2(b)",
        ),
        f(
            "figS5",
            "Fig. S5",
            "grids",
            "fig-S5",
            "disorder: averaged profiles, currents, crossover",
            "figS5:compute:plot",
            cost="40 s",
        ),
        f(
            "figS6",
            "Fig. S6",
            "universality",
            "fig-S6",
            "nu = 3: current and single-mode profiles",
            "figS6:compute:plot",
            cost="4 s",
        ),
        f(
            "figS7",
            "Fig. S7",
            "universality",
            "fig-S7",
            "nu = 1: phase diagram, limit cycles, cuts",
            "figS7:compute:plot",
            cost="25 s",
        ),
        f(
            "figS8",
            "Fig. S8",
            "universality",
            "fig-S8",
            "nu = 1 and nu = 3 with thermal noise",
            "figS8:compute:plot",
            cost="50 s",
        ),
        f(
            "figS9",
            "Fig. S9",
            "universality",
            "fig-S9",
            "different saturation numbers, noise free",
            "figS9:compute:plot",
            cost="13 s",
        ),
        f(
            "figS10",
            "Fig. S10",
            "universality",
            "fig-S10",
            "different saturation numbers, thermal noise",
            "figS10:compute:plot",
            requires=("figS9",),
            cost="20 s after Fig. S9",
        ),
    ]


#: Every figure and panel by command-line name.
FIGURES = {s.name: s for s in _specs()}

#: The paper's figures and the panels each one is made of (``pgrid figure fig2`` makes all three).
PAPER_FIGURES = {
    "fig1": ("fig1",),
    "fig2": ("fig2a", "fig2b", "fig2c"),
    "fig3": ("fig3a", "fig3b", "fig3c", "fig3d"),
    "fig4": ("fig4a", "fig4b"),
    "fig5": ("fig5",),
    **{f"figS{k}": (f"figS{k}",) for k in range(1, 11)},
}


def names(name: str) -> tuple:
    """The panels a name stands for: ``"fig2"`` -> ``("fig2a", "fig2b", "fig2c")``, ``"fig2a"`` -> itself.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if name in FIGURES:
        return (name,)
    if name in PAPER_FIGURES:
        return PAPER_FIGURES[name]
    raise ValueError(
        f"unknown figure {name!r}: use one of {', '.join(PAPER_FIGURES)} or a panel "
        f"({', '.join(n for n in FIGURES if n not in PAPER_FIGURES)}); `pgrid figure --list` lists them."
    )


def spec(name: str) -> FigureSpec:
    """The :class:`FigureSpec` of a figure or panel name."""
    if name not in FIGURES:
        names(name)  # raises with the list of names
        raise ValueError(
            f"{name!r} is a figure with several panels ({', '.join(PAPER_FIGURES[name])}): "
            "name one of them."
        )
    return FIGURES[name]


def compute(name: str, *, inputs: Optional[dict] = None, **kwargs):
    """The dataset behind figure ``name``, computing the datasets it requires first.

    ``inputs`` maps figure names to datasets already computed (reused, and filled in with the
    ones computed here); ``kwargs`` go to the compute function.
    """
    inputs = {} if inputs is None else inputs
    s = spec(name)
    for dep in s.requires:
        if dep not in inputs:
            inputs[dep] = compute(dep, inputs=inputs)
    ds = s.compute(**{dep: inputs[dep] for dep in s.requires}, **kwargs)
    inputs[name] = ds
    return ds


def plot(name: str, ds):
    """Draw figure ``name`` from its dataset (in the figures' matplotlib style)."""
    import matplotlib.pyplot as plt

    with plt.style.context(STYLE):
        return spec(name).plot(ds)


def command(name: str) -> str:
    """The shell command that regenerates figure ``name``."""
    return f"pgrid figure {name} -o DIR"


def provenance(name: str, ds=None, *, command_line: Optional[str] = None) -> dict:
    """Attributes recording where figure ``name``'s data came from (netCDF-safe: strings and numbers).

    ``figure``, ``paper_figure``, ``chapter``, ``command`` (the command that regenerates it),
    ``pgrid_version``, ``pgrid_source_hash``, ``git_commit`` ("unknown" outside a source
    checkout), ``created`` (UTC), ``library_versions`` (JSON) and ``parameters`` (JSON, from
    the dataset's ``parameters`` attribute when the compute function set one).
    """
    from ... import __version__
    from ...provenance import git_commit, source_hash
    from ..environment import LIBRARIES, library_versions

    s = spec(name)
    attrs = {
        "figure": s.name,
        "paper_figure": s.paper,
        "title": s.title,
        "chapter": s.chapter,
        "command": command_line or command(s.name),
        "pgrid_version": __version__,
        "pgrid_source_hash": source_hash(),
        "git_commit": git_commit(),
        "created": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "library_versions": json.dumps(
            library_versions(LIBRARIES + ("xarray", "h5netcdf", "matplotlib"))
        ),
        "source": "J. Huber and P. Rabl, Anomalous energy transport and symmetry breaking in microscopic "
        "power grids; reproduced with pgrid (distribution pgrid-microgrids)",
    }
    if ds is not None and "parameters" in ds.attrs:
        attrs["parameters"] = ds.attrs["parameters"]
    return attrs


def _write(name: str, ds, fig, outdir: Path, command_line: Optional[str]) -> list:
    from ...xarray_io import ENGINE

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = [outdir / f"{name}.{ext}" for ext in ("pdf", "svg", "nc")]
    meta = {"Creator": f"pgrid figure {name}"}
    fig.savefig(paths[0], metadata={**meta, "CreationDate": None, "ModDate": None})
    fig.savefig(paths[1], metadata={**meta, "Date": None})
    out = ds.copy()
    out.attrs = {**ds.attrs, **provenance(name, ds, command_line=command_line)}
    tmp = paths[2].with_suffix(".nc.tmp")
    # numeric arrays gzip-compressed (lossless; a map of states shrinks several-fold)
    encoding = {
        k: {"compression": "gzip", "compression_opts": 4}
        for k, v in out.variables.items()
        if v.ndim and v.dtype.kind in "fciub"
    }
    out.to_netcdf(tmp, engine=ENGINE, encoding=encoding)
    os.replace(tmp, paths[2])
    return paths


def make(
    name: str,
    outdir,
    *,
    command_line: Optional[str] = None,
    inputs: Optional[dict] = None,
    progress=print,
) -> list:
    """Recompute figure (or every panel of) ``name`` and write ``<panel>.pdf``, ``.svg`` and ``.nc``
    into ``outdir``; returns the paths written."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    inputs = {} if inputs is None else inputs
    paths = []
    for panel in names(name):
        t0 = datetime.datetime.now()
        if progress:
            progress(
                f"{panel}: computing {spec(panel).paper} (measured on 2 cores: {spec(panel).cost}) ..."
            )
        ds = compute(panel, inputs=inputs)
        with plt.style.context(STYLE):
            fig = spec(panel).plot(ds)
            paths += _write(panel, ds, fig, Path(outdir), command_line)
        plt.close(fig)
        if progress:
            progress(
                f"{panel}: wrote {', '.join(p.name for p in paths[-3:])} "
                f"in {(datetime.datetime.now() - t0).total_seconds():.0f} s"
            )
    return paths


def figure_dir() -> Optional[Path]:
    """Where :func:`publish` writes the book's downloads: ``$PGRID_FIGURE_DIR`` (set by the book's
    Sphinx extension to ``<build>/figures``), else nowhere (``None``)."""
    d = os.environ.get("PGRID_FIGURE_DIR")
    return Path(d) if d else None


def publish(name: str, ds, fig) -> None:
    """In a chapter: write figure ``name`` (PDF, SVG) and its data (netCDF) for download, and show
    the links (HTML) and the command that regenerates it.

    The files go to :func:`figure_dir`; the book build copies them next to the pages
    (``_build/html/figures/``).  The displayed text does not depend on where they went, so
    the chapter's outputs compare equal wherever it runs.
    """
    s = spec(name)
    d = figure_dir()
    if d is not None:
        _write(name, ds, fig, d, None)
    html = (
        f'<p class="pgrid-downloads">{_esc(s.paper)}: '
        f'<a href="figures/{name}.pdf" download>PDF</a> · <a href="figures/{name}.svg" download>SVG</a> · '
        f'<a href="figures/{name}.nc" download>data (netCDF)</a> · regenerate with '
        f"<code>{_esc(command(name))}</code></p>"
    )
    text = f"{s.paper}: {name}.pdf, {name}.svg, {name}.nc (data); regenerate with `{command(name)}`"
    # the PDF edition renders the Markdown (myst-nb prefers text/markdown to text/plain for LaTeX)
    markdown = (
        f"{s.paper}: the figure and its data (netCDF) are downloads of the HTML edition; regenerate with "
        f"`{command(name)}`."
    )
    show({"text/plain": text, "text/html": html, "text/markdown": markdown})


def list_text() -> str:
    """The table ``pgrid figure --list`` prints: name, paper figure, chapter, title and the measured
    cost on 2 cores (an empty sweep cache)."""
    rows = []
    for _fig, panels in PAPER_FIGURES.items():
        for p in panels:
            s = FIGURES[p]
            rows.append(f"{p:<7} {s.paper:<10} {s.chapter:<14} {s.title}  [{s.cost}]")
    return "\n".join(rows)


def main(argv=None) -> int:
    """``pgrid figure``: see the module docstring."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="pgrid figure",
        description="Recompute a figure of the paper and write it "
        "as PDF and SVG, with its data as netCDF (provenance as attributes).",
    )
    parser.add_argument(
        "name", nargs="*", help="figure or panel: fig1 ... fig5, figS1 ... figS10, fig2a, ..."
    )
    parser.add_argument(
        "-o", "--output", default=".", help="folder to write into (created; default: .)"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the figures and panels, with their cost"
    )
    args = parser.parse_args(argv)
    if args.list or not args.name:
        print(list_text())
        return 0
    try:
        todo = [n for name in args.name for n in names(name)]
    except ValueError as err:
        parser.error(str(err))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        sys.stderr.write(
            "pgrid figure needs matplotlib: pip install 'pgrid-microgrids[book]' (or matplotlib)\n"
        )
        return 1
    line = "pgrid figure " + " ".join(args.name) + f" -o {args.output}"
    inputs = {}
    for n in todo:
        make(n, args.output, command_line=line, inputs=inputs)
    return 0
