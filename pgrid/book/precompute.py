r"""Datasets too heavy for the book's execution budget, computed by a documented command.

Each dataset is a *recipe* (a function and its parameters).  Running::

    python -m pgrid.book.precompute fig_s2          # one dataset
    python -m pgrid.book.precompute --list          # what exists, with the expected cost

writes ``data/<name>.npz`` (the arrays) and ``data/<name>.json`` (provenance: the
command, the pgrid version and git commit, the date, the library versions, the
wall time and the recipe's parameters).  :func:`load` returns the arrays and
refuses a file whose stored parameters differ from the recipe (the error says
which command regenerates it).  The book's chapters load these files and recompute
a smaller case live to check them.

The quantum datasets are exact steady states of the master equation (Eq. 1,
S1-S4) for two oscillators from :func:`pgrid.quantum.steady_state`, with the Fock
cutoff raised until the highest Fock state holds less than ``1e-5`` of the
population (:func:`pgrid.quantum.converged_steady_state`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from .. import quantum
from ..network import Reservoir, chain, ring
from ..quantum import converged_steady_state

__all__ = [
    "RECIPES",
    "quantum_sweep",
    "quantum_network_sweep",
    "beyond_network",
    "run",
    "load",
    "load_xarray",
    "data_dir",
]


def data_dir(*, writing: bool = False) -> Path:
    """Where the datasets live.

    Reading: ``$PGRID_DATA_DIR`` if set; else ``data/`` of the source checkout this pgrid runs
    from; else the copy installed with the package (``pgrid/book/data``, shipped in the wheel).
    Writing (``writing=True``, :func:`run`): ``$PGRID_DATA_DIR`` or the checkout's ``data/``, never
    the installed package.

    Raises
    ------
    FileNotFoundError
        For writing from an installed pgrid (no checkout) without ``PGRID_DATA_DIR``.
    """
    env = os.environ.get("PGRID_DATA_DIR")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").exists() and (root / "data").is_dir():
        return root / "data"
    if writing:
        raise FileNotFoundError(
            "pgrid runs from an installed package, not a source checkout: set PGRID_DATA_DIR "
            "(or pass --out) to the folder where `python -m pgrid.book.precompute` should write "
            "the datasets."
        )
    return Path(__file__).resolve().parent / "data"


def _start_cutoff(net) -> int:
    """First cutoff to try: 1.3 x the largest noise-free occupation (Eq. S47 scale) + 20."""
    from ..deterministic import steady_state as det_state

    occ = float(np.max(det_state(net, init="mode", t_max=2e4).occupation))
    return int(1.3 * occ + 20)


def quantum_sweep(
    *,
    gain: float,
    losses,
    n0: float,
    gamma: float,
    nu: float = 2.0,
    n_th: float = 0.0,
    negativity: bool = False,
    progress: bool = True,
) -> dict:
    """Exact steady states of two oscillators along ``losses`` (Gamma_e values, units of g).

    Returns a dict of arrays: ``loss``, ``current_mean``, ``current_std`` (operator
    statistics of the bond current, Eq. S42's J), ``occupation`` (per site),
    ``negativity`` (if asked; trace-norm definition), ``n_fock`` and
    ``top_population`` (of the accepted cutoff) and ``seconds`` per point.
    """
    losses = np.asarray(losses, float)
    out = {
        k: []
        for k in (
            "current_mean",
            "current_std",
            "occupation",
            "negativity",
            "n_fock",
            "top_population",
            "seconds",
        )
    }
    it = losses
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(losses, desc=f"exact steady states n0={n0:g}", leave=False)
    for loss in it:
        net = chain(
            2,
            gain=Reservoir(gain, n0=n0, nu=nu),
            loss=Reservoir(loss, n0=n0, nu=nu),
            gamma=gamma,
            n_th=n_th,
        )
        t0 = time.perf_counter()
        rho, m = converged_steady_state(net, _start_cutoff(net))
        mean, std = quantum.current_statistics(rho, net, 0)
        out["current_mean"].append(mean)
        out["current_std"].append(std)
        out["occupation"].append(quantum.occupations(rho))
        out["negativity"].append(quantum.negativity(rho, 0, 1) if negativity else np.nan)
        out["n_fock"].append(m)
        out["top_population"].append(float(np.max(quantum.top_fock_population(rho))))
        out["seconds"].append(time.perf_counter() - t0)
    res = {k: np.asarray(v) for k, v in out.items()}
    res["loss"] = losses
    return res


def beyond_network(
    geometry: str,
    *,
    n_sites: int,
    gain: float,
    loss: float,
    n0: float,
    gamma: float,
    flux: float = 0.0,
    loss_site: int | None = None,
):
    """The networks of the "Beyond the paper" chapter: ``"chain"`` (gain on site 0, loss on the last
    site) or ``"ring"`` (gain on site 0, loss on ``loss_site``, flux ``flux`` spread over the bonds),
    every reservoir with saturation number ``n0``, bare damping ``gamma``, no thermal noise."""
    gres, lres = Reservoir(gain, n0=n0), Reservoir(loss, n0=n0)
    if geometry == "chain":
        if flux != 0.0:
            raise ValueError("a chain has no loop: its `flux` must be 0.")
        return chain(n_sites, gain=gres, loss=lres, gamma=gamma)
    if geometry == "ring":
        site = n_sites // 2 if loss_site is None else int(loss_site)
        return ring(n_sites, gain={0: gres}, loss={site: lres}, gamma=gamma, flux=flux)
    raise ValueError(f"`geometry` must be 'chain' or 'ring', got {geometry!r}.")


def quantum_network_sweep(
    *,
    geometry: str,
    n_sites: int,
    gain: float,
    losses,
    n0: float,
    gamma: float,
    fluxes=(0.0,),
    loss_site: int | None = None,
    start_cutoff: int = 10,
    max_n_fock: int = 40,
    progress: bool = True,
) -> dict:
    """Exact steady states of :func:`beyond_network` on the grid ``losses`` x ``fluxes``.

    Each point starts at cutoff ``start_cutoff`` and raises it by 2 (at least 25 %) until the
    highest Fock state of every mode holds less than ``1e-5`` of the population
    (:func:`pgrid.quantum.converged_steady_state`, matrix-free solver).

    Returns
    -------
    dict of arrays, leading axes (loss, flux)
        ``occupation`` (..., N), ``current_mean``, ``current_std`` (..., n_bonds; operator
        statistics), ``inflow`` (..., N), ``negativity`` (..., pairs; every pair i < j, in the
        order of ``pairs``), ``n_fock``, ``top_population``, ``seconds``; and ``loss``,
        ``flux``, ``pairs``, ``bonds``.
    """
    losses = np.asarray(losses, float)
    fluxes = np.asarray(fluxes, float)
    keys = (
        "occupation",
        "current_mean",
        "current_std",
        "inflow",
        "negativity",
        "n_fock",
        "top_population",
        "seconds",
    )
    out = {k: [] for k in keys}
    points = [(a, b) for a in losses for b in fluxes]
    it = points
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(
            points,
            desc=f"exact steady states ({geometry}, N = {n_sites}, n0 = {n0:g})",
            leave=False,
        )
    net = None
    for loss, flux in it:
        net = beyond_network(
            geometry,
            n_sites=n_sites,
            gain=gain,
            loss=loss,
            n0=n0,
            gamma=gamma,
            flux=flux,
            loss_site=loss_site,
        )
        t0 = time.perf_counter()
        rho, m = converged_steady_state(
            net, start_cutoff, max_n_fock=max_n_fock, method="matrix-free"
        )
        stats = quantum.network_statistics(rho, net)
        for k in ("occupation", "current_mean", "current_std", "inflow", "negativity"):
            out[k].append(stats[k])
        out["n_fock"].append(m)
        out["top_population"].append(float(np.max(quantum.top_fock_population(rho))))
        out["seconds"].append(time.perf_counter() - t0)
    shape = (losses.size, fluxes.size)
    res = {k: np.asarray(v).reshape(shape + np.asarray(v).shape[1:]) for k, v in out.items()}
    res.update(loss=losses, flux=fluxes, pairs=stats["pairs"], bonds=np.asarray(net.bonds))
    return res


def _fig4b(*, n0s, gain, gamma, losses, progress=True):
    parts = [
        quantum_sweep(
            gain=gain, losses=losses, n0=n0, gamma=gamma, negativity=True, progress=progress
        )
        for n0 in n0s
    ]
    res = {k: np.stack([p[k] for p in parts]) for k in parts[0] if k != "loss"}
    res["loss"] = np.asarray(losses, float)
    res["n0"] = np.asarray(n0s, float)
    return res


def _limit_cycle_onset(*, gains, losses, gamma, nu, n_sites, t_max):
    """Noise-free chains along ``losses`` for every gain, ramped up from the band-centre mode and
    down from a seed (continuation): status (stable / not stationary / ...), current, frequency."""
    from ..deterministic import steady_state

    losses = np.asarray(losses, float)
    paths = [
        [
            chain(n_sites, gain=Reservoir(a, nu=nu), loss=Reservoir(b, nu=nu), gamma=gamma)
            for b in losses
        ]
        for a in gains
    ]
    up = steady_state(paths, continuation=True, init="mode", t_max=t_max)
    down = steady_state(
        [p[::-1] for p in paths], continuation=True, init="seed", amplitude=1.0, t_max=t_max
    )
    res = {"gain": np.asarray(gains, float), "loss": losses}
    for tag, s, order in (("up", up, slice(None)), ("down", down, slice(None, None, -1))):
        res[f"{tag}_status"] = np.asarray(s.status)[:, order]
        res[f"{tag}_current"] = np.asarray(s.current)[:, order, -1]
        res[f"{tag}_current_amplitude"] = np.asarray(s.current_amplitude)[:, order, -1]
        res[f"{tag}_frequency"] = np.asarray(s.frequency)[:, order]
    return res


#: name -> (function, parameters, expected cost on 2 cores, what it is for)
RECIPES = {
    "fig_s2": (
        quantum_sweep,
        dict(
            gain=4.0,
            losses=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 3.75, 4.0, 4.25, 4.5, 5.0, 6.0, 7.0, 8.0],
            n0=15.0,
            gamma=0.1,
        ),
        "~10 min",
        "Fig. S2: exact quantum current statistics, n0 = 15, gamma = 0.1 g",
    ),
    "fig4a_n0_1": (
        quantum_sweep,
        dict(gain=4.0, losses=list(np.round(np.arange(0.25, 8.01, 0.25), 4)), n0=1.0, gamma=1e-3),
        "~5 min",
        "Fig. 4(a): exact Delta J, n0 = 1, gamma = 1e-3 g, N_th = 0",
    ),
    "fig4a_n0_2": (
        quantum_sweep,
        dict(
            gain=4.0,
            losses=[1.0, 2.0, 2.5, 3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5, 5.0, 6.0, 7.0, 8.0],
            n0=2.0,
            gamma=1e-3,
        ),
        "~30 min",
        "Fig. 4(a): exact Delta J, n0 = 2, gamma = 1e-3 g, N_th = 0, "
        "Gamma_e >= 1g (below, the cutoff would exceed 120)",
    ),
    "fig4b": (
        _fig4b,
        dict(
            n0s=[1.0, 2.0, 5.0],
            gain=4.0,
            gamma=1e-2,
            losses=[
                0.1,
                0.2,
                0.4,
                0.6,
                0.8,
                1.0,
                1.25,
                1.5,
                2.0,
                2.5,
                3.0,
                3.25,
                3.5,
                3.75,
                4.0,
                4.25,
                4.5,
                5.0,
                5.5,
                6.0,
                7.0,
                8.0,
            ],
        ),
        "~25 min",
        "Fig. 4(b): negativity, n0 = 1, 2, 5, gamma = 1e-2 g, N_th = 0",
    ),
    "beyond_chain3_n0_1": (
        quantum_network_sweep,
        dict(
            geometry="chain",
            n_sites=3,
            gain=4.0,
            losses=list(np.round(np.arange(0.5, 8.01, 0.5), 4)),
            n0=1.0,
            gamma=0.2,
            start_cutoff=14,
        ),
        "~2 min",
        "Beyond the paper: three quantum sites (chain), n0 = 1, gamma = 0.2 g, N_th = 0",
    ),
    "beyond_chain3_n0_2": (
        quantum_network_sweep,
        dict(
            geometry="chain",
            n_sites=3,
            gain=4.0,
            losses=list(np.round(np.arange(0.5, 8.01, 0.5), 4)),
            n0=2.0,
            gamma=0.2,
            start_cutoff=18,
        ),
        "~8 min",
        "Beyond the paper: three quantum sites (chain), n0 = 2, gamma = 0.2 g, N_th = 0",
    ),
    "beyond_triangle_n0_1": (
        quantum_network_sweep,
        dict(
            geometry="ring",
            n_sites=3,
            loss_site=1,
            gain=4.0,
            losses=[3.0],
            fluxes=list(np.round(np.linspace(-np.pi, np.pi, 25), 12)),
            n0=1.0,
            gamma=0.2,
            start_cutoff=14,
        ),
        "~3 min",
        "Beyond the paper: quantum triangle with a flux, n0 = 1, gamma = 0.2 g, "
        "Gamma_e = 3g, N_th = 0",
    ),
    "fig_s7_onset": (
        _limit_cycle_onset,
        dict(
            gains=list(np.round(np.arange(2.6, 4.61, 0.2), 4)),
            losses=list(np.linspace(0.1, 8.0, 60)),
            gamma=1e-3,
            nu=1.0,
            n_sites=10,
            t_max=1e5,
        ),
        "~3 min",
        "Fig. S7: nu = 1 limit-cycle region at gamma = 1e-3 g, Gamma_e ramped up and down "
        "(t_max = 1e5/g)",
    ),
}


def _jsonable(params):
    return json.loads(json.dumps(params, default=lambda x: np.asarray(x).tolist()))


def run(name: str, out: Path | None = None) -> Path:
    """Compute dataset ``name`` and write ``<out>/<name>.npz`` and its provenance ``.json``."""
    if name not in RECIPES:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(RECIPES)}.")
    import numba
    import qutip
    import scipy

    from .. import __version__
    from ..provenance import git_commit, source_hash

    func, params, _, what = RECIPES[name]
    code = {
        "pgrid_version": __version__,
        "pgrid_source_hash": source_hash(),
        "git_commit": git_commit(),
    }
    out = Path(out) if out is not None else data_dir(writing=True)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    arrays = func(**params)
    elapsed = time.perf_counter() - t0
    np.savez_compressed(out / f"{name}.npz", **arrays)
    provenance = {
        "dataset": name,
        "description": what,
        "command": f"python -m pgrid.book.precompute {name}",
        **code,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "wall_time_s": round(elapsed, 1),
        "machine": platform.platform(),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "qutip": qutip.__version__,
            "numba": numba.__version__,
        },
        "parameters": _jsonable(params),
    }
    (out / f"{name}.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf8")
    return out / f"{name}.npz"


def load(name: str, directory: Path | None = None):
    """Arrays and provenance of a precomputed dataset; checks that it matches the recipe.

    Returns
    -------
    (dict of numpy arrays, provenance dict)
    """
    if name not in RECIPES:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(RECIPES)}.")
    directory = Path(directory) if directory is not None else data_dir()
    npz, meta = directory / f"{name}.npz", directory / f"{name}.json"
    if not npz.exists() or not meta.exists():
        raise FileNotFoundError(
            f"{npz} (or its .json) is missing; create it with "
            f"`python -m pgrid.book.precompute {name}` ({RECIPES[name][2]})."
        )
    provenance = json.loads(meta.read_text(encoding="utf8"))
    if provenance["parameters"] != _jsonable(RECIPES[name][1]):
        raise ValueError(
            f"{npz} was computed with other parameters than the recipe; regenerate it "
            f"with `python -m pgrid.book.precompute {name}`."
        )
    with np.load(npz) as f:
        arrays = {k: f[k] for k in f.files}
    return arrays, provenance


#: Arrays that label an axis of a dataset (its coordinates), in the order axes are matched.
AXES = ("n0", "gain", "loss", "flux")


def load_xarray(name: str, directory: Path | None = None):
    """A precomputed dataset as an ``xarray.Dataset``: the parameter axes (``n0``, ``gain``,
    ``loss``) as coordinates, every other array on them (a trailing axis of an occupation is
    ``site``), the provenance as attributes (``provenance``: the JSON record; its scalar
    fields also one by one).  Refuses a file that does not match its recipe, as :func:`load`.
    """
    import xarray as xr

    arrays, provenance = load(name, directory)
    axes = {k: arrays[k] for k in AXES if k in arrays and arrays[k].ndim == 1}
    variables = {}
    for key, arr in arrays.items():
        if key in axes:
            continue
        dims, free = [], [a for a in axes]
        for length in arr.shape:
            match = next((a for a in free if axes[a].size == length), None)
            if match is not None and len(dims) < arr.ndim:
                dims.append(match)
                free.remove(match)
            else:
                dims.append("site" if key.startswith("occupation") else f"{key}_dim{len(dims)}")
        variables[key] = (tuple(dims), arr)
    attrs = {"provenance": json.dumps(provenance)}
    attrs.update({k: v for k, v in provenance.items() if isinstance(v, (str, int, float))})
    return xr.Dataset(variables, coords=axes, attrs=attrs)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pgrid.book.precompute", description=__doc__.split("\n")[0]
    )
    parser.add_argument("names", nargs="*", help="datasets to compute (see --list)")
    parser.add_argument("--list", action="store_true", help="list the datasets and their cost")
    parser.add_argument(
        "--out",
        default=None,
        help="output directory (default: data_dir(): $PGRID_DATA_DIR or the checkout's data/)",
    )
    args = parser.parse_args(argv)
    if args.list or not args.names:
        for name, (_, _, cost, what) in RECIPES.items():
            print(f"{name:12s} {cost:>8s}  {what}")
        return 0
    for name in args.names:
        t0 = time.perf_counter()
        path = run(name, args.out)
        print(f"{name}: wrote {path} in {time.perf_counter() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
