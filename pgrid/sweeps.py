r"""One sweep interface: a function of parameters mapped over a grid of parameter points.

>>> import pgrid
>>> def point(loss, seed):
...     net = pgrid.chain(2, gain=4.0, loss=loss, gamma=0.1, n_th=1.0)
...     ens = pgrid.simulate(net, dt=0.02, t_relax=50.0, t_sample=200.0, n_traj=4, seed=seed)
...     return {"J": ens.current_mean[0], "dJ": ens.current_std[0]}
>>> res = pgrid.sweep(point, {"loss": [1.0, 6.0]}, seed=1, progress=False)
>>> res["J"].shape
(2,)

* **Labelled results.** :class:`SweepResult` holds the grid (``dims``, ``coords``) and
  one array per returned quantity, shaped ``grid shape + value shape``; ``to_xarray()``
  converts it to an ``xarray.Dataset``.
* **Seeds per point.** With ``seed=`` every point receives its own integer ``seed``
  keyword, derived from the base seed and the point's position in the grid
  (``numpy.random.SeedSequence(seed, spawn_key=(index,))``), so results do not depend
  on which backend or worker ran the point, or in which order.
* **Backends.** By default points run in this process on a thread pool, one point per
  core (pgrid's numba kernels release the GIL and run single-threaded inside the pool);
  ``executor="serial"`` runs them one after the other, each using every core.
  ``executor=`` also takes anything with a
  ``concurrent.futures``-style ``submit`` (a ``ProcessPoolExecutor`` with a *spawn*
  context, ``ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))``:
  numba's OpenMP threads make ``fork`` unsafe; a
  ``dask.distributed.Client`` or its ``get_executor()``): points are then distributed,
  one per task.  For a real Dask cluster, connect a client to its scheduler,
  ``Client("tcp://scheduler:8786")``, and pass it; pgrid must be importable on the
  workers.  Functions sent to other processes must be picklable (dask uses cloudpickle,
  so functions defined in a notebook work).
* **Progress.** A tqdm bar (notebook-aware) appears for sweeps that last more than two
  seconds; ``progress=False`` or the environment variable ``PGRID_PROGRESS=0`` turns it
  off (the book build and the tests set it, so stored outputs never contain bars).
* **Cache and resume.** ``cache=True`` stores every point under
  :func:`~pgrid.sweeps.cache_dir` (``PGRID_CACHE_DIR``, default ``~/.cache/pgrid``) as soon
  as it finishes (atomic writes): rerunning the same sweep loads it
  (``SweepResult.cached``), and rerunning an interrupted or failed one computes only the
  missing points (``SweepResult.n_stored`` says how many came from the store), on every
  backend.  The key covers everything the result can depend on (see
  ``pgrid._cachekey``): the function's source, defaults, closure variables,
  ``functools.partial`` arguments and every global it reads (data by value, e.g. a
  ``Network``; the user's helper functions recursively), the grid, the fixed arguments, the
  seed, pgrid's source hash and the Python, numpy and numba versions.  Something that cannot
  be hashed by value is refused (:class:`UncacheableError`, naming it) rather than ignored.
  Mutable state the function only writes to (a call counter, a log list) is part of the key
  too: keep it in a module or out of the function.  An unreadable entry is recomputed.  Wipe
  the cache with ``python -m pgrid cache --clear`` (or delete the directory).
* **Failures.** A point that raises does not stop the others; at the end a
  :class:`SweepPointError` names the first failed point's coordinates and seed (the original
  exception is its ``__cause__``), with the finished points stored when caching.
* **Keeping results.** :meth:`pgrid.SweepResult.to_xarray` labels the result with shared
  dimensions (the grid axes, ``site``, ``bond``); :func:`pgrid.save` writes it to netCDF.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from ._cachekey import UncacheableError, cache_key
from ._config import cache_dir, numba_threads, progress_bar, progress_enabled, single_threaded_blas
from ._store import PointStore
from ._validate import integer

__all__ = [
    "sweep",
    "SweepResult",
    "SweepPointError",
    "UncacheableError",
    "cache_dir",
    "point_seed",
    "progress_enabled",
]


def point_seed(seed: int, index: int) -> int:
    """Seed of the point at flat ``index`` of a sweep with base ``seed`` (a 63-bit integer)."""
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(
        2, dtype=np.uint32
    )
    return int((int(state[0]) << 31) ^ int(state[1]))


class SweepResult:
    """Labelled results of :func:`sweep`.

    Attributes
    ----------
    dims : tuple of str
        Grid axis names, in order.
    coords : dict
        Axis name -> 1-D array of values.
    data : dict
        Quantity name -> array of shape ``shape + value shape``.
    shape : tuple of int
        Grid shape.
    seconds : float
        Wall time of the computation (about 0 when loaded from the cache).
    cached : bool
        Whether every point came from the cache.
    n_stored : int
        How many points came from the cache (the rest were computed).
    seed : int or None
        The sweep's base seed (point k had ``point_seed(seed, k)``).
    """

    def __init__(self, dims, coords, data, seconds=0.0, cached=False, n_stored=0, seed=None):
        self.dims = tuple(dims)
        self.coords = {k: np.asarray(v) for k, v in coords.items()}
        self.data = dict(data)
        self.shape = tuple(len(self.coords[d]) for d in self.dims)
        self.seconds = float(seconds)
        self.cached = bool(cached)
        self.n_stored = int(n_stored)
        self.seed = seed

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.data[name]
        except KeyError:
            raise KeyError(
                f"no quantity {name!r}; the sweep returned {sorted(self.data)}"
            ) from None

    def __contains__(self, name):
        return name in self.data

    def keys(self):
        return self.data.keys()

    def __repr__(self):
        grid = ", ".join(f"{d}: {n}" for d, n in zip(self.dims, self.shape))
        src = (
            "; cached"
            if self.cached
            else (f"; {self.n_stored} point(s) from the cache" if self.n_stored else "")
        )
        return f"SweepResult({grid}; {', '.join(self.data)}{src})"

    def to_xarray(self, dims: Optional[Mapping[str, Sequence[str]]] = None, network=None):
        """The result as an ``xarray.Dataset`` with shared, named dimensions.

        The grid axes are dimensions with their values as coordinates.  The value axes of a
        quantity get names: ``dims[name]`` if given; else pgrid's conventions for the
        statistics of :meth:`pgrid.Ensemble.statistics` and :func:`pgrid.linear_noise` (a
        name starting with ``current`` has the axis ``bond``, ``occupation`` ``site``,
        ``histogram`` ``(site, hist_re, hist_im)``, ``hist_edges`` ``hist_edge``); else
        ``<name>_dim<k>``.  With ``network`` the bonds get their end sites and couplings
        as coordinates (``bond_i``, ``bond_j``, ``bond_g``) and the network is recorded as an
        attribute.  Attributes: the seed, pgrid's version and source hash.
        """
        import xarray as xr

        from .xarray_io import bond_coords, network_attrs, provenance_attrs, value_dims

        variables = {}
        for name, arr in self.data.items():
            extra = value_dims(name, arr.ndim - len(self.dims), dims)
            variables[name] = (self.dims + extra, arr)
        ds = xr.Dataset(variables, coords=self.coords)
        if network is not None:
            ds = ds.assign_coords(bond_coords(network))
            ds.attrs.update(network_attrs(network))
        ds.attrs.update(
            {
                **provenance_attrs(),
                "pgrid_sweep_seconds": self.seconds,
                "pgrid_points_from_cache": self.n_stored,
            }
        )
        if self.seed is not None:
            ds.attrs["pgrid_seed"] = int(self.seed)
        return ds


def _grid(grid: Mapping[str, Sequence]) -> tuple:
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(
            "`grid` must be a non-empty mapping: parameter name -> sequence of values."
        )
    dims, coords = [], {}
    for name, values in grid.items():
        arr = np.asarray(values)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"grid axis {name!r} must be a non-empty 1-D sequence, got shape {arr.shape}."
            )
        dims.append(str(name))
        coords[str(name)] = arr
    return dims, coords


def _as_completed(futures):
    """Futures in the order they finish (concurrent.futures or dask), else in submission order."""
    import concurrent.futures as cf

    if all(isinstance(f, cf.Future) for f in futures):
        return cf.as_completed(futures)
    try:
        from distributed import Future, as_completed

        if all(isinstance(f, Future) for f in futures):
            return as_completed(futures)
    except ImportError:
        pass
    return futures


class SweepPointError(RuntimeError):
    """A point of a :func:`sweep` raised.  The other points ran to the end (and, with
    ``cache=``, are stored: a rerun computes only the failed ones); the original exception is
    the ``__cause__``.

    Attributes
    ----------
    coords : dict
        Grid coordinates of the first failed point.
    index : int
        Its flat index (row-major over the grid).
    seed : int or None
        The seed it was given.
    failures : list of (int, Exception)
        Every failed point's flat index and exception.
    """

    def __init__(self, message, *, coords=None, index=None, seed=None, failures=()):
        super().__init__(message)
        self.coords = coords
        self.index = index
        self.seed = seed
        self.failures = list(failures)


def _as_dict(value) -> dict:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return {"value": value}


def _call(func, kwargs):
    return _as_dict(func(**kwargs))


def _call_single_threaded(func, kwargs):
    # per calling thread: the pool supplies the parallelism (numba's thread count is per thread; the
    # BLAS limit is process-wide and shared by the workers, see single_threaded_blas)
    with numba_threads(1), single_threaded_blas():
        return _call(func, kwargs)


def _cores() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def _broken_pool_hint(pool) -> str:
    """Why a process pool broke, and what to do (numba's OpenMP threads make ``fork`` unsafe)."""
    ctx = getattr(pool, "_mp_context", None)
    method = ctx.get_start_method() if ctx is not None else "unknown"
    return f"a worker process of the pool died (start method {method!r}).  " + (
        "A fork-started worker inherits numba's OpenMP threads and is killed by the runtime "
        "('fork() called from a process already using GNU OpenMP'): use "
        "ProcessPoolExecutor(mp_context=multiprocessing.get_context('spawn')), the default thread "
        "pool (executor=None) or Dask."
        if method == "fork"
        else "It may have run out of memory or crashed in native code; run the point on its own to see."
    )


def sweep(
    func: Callable[..., Any],
    grid: Mapping[str, Sequence],
    *,
    seed: Optional[int] = None,
    executor=None,
    cache: bool | str | os.PathLike = False,
    progress: Optional[bool] = None,
    desc: Optional[str] = None,
    **fixed,
) -> SweepResult:
    """Map ``func`` over the outer product of ``grid`` and collect labelled results.

    Parameters
    ----------
    func : callable
        Called as ``func(**point, **fixed)`` (plus ``seed=`` when ``seed`` is given);
        returns a mapping of named numbers/arrays (same shapes at every point) or a
        single number/array (stored as ``"value"``).
    grid : mapping
        Parameter name -> 1-D sequence of values; points are the outer product, the
        first axis slowest.
    seed : int, optional
        Base seed; each point gets ``seed=point_seed(seed, flat_index)``.
    executor : None, "serial", or an executor
        None (default): this process, one point per core in a thread pool (each point's
        numba kernels on one thread; a single point uses every core).  "serial": one point
        after the other in this process, each using every core (for functions that are
        not thread-safe).  Otherwise anything with ``submit(fn, *args)`` returning a future
        with ``.result()`` (``concurrent.futures`` executors, ``dask.distributed.Client``).
    cache : bool or path, default False
        ``True``: the directory :func:`~pgrid.sweeps.cache_dir`; a path: that directory.
    progress : bool, optional
        Progress bar (tqdm; shown after 2 s).  Default: on unless ``PGRID_PROGRESS=0``.
    desc : str, optional
        Label of the progress bar.
    **fixed
        Keyword arguments passed unchanged to every call.

    Returns
    -------
    SweepResult
    """
    if not callable(func):
        raise ValueError(f"`func` must be callable, got {type(func).__name__}.")
    dims, coords = _grid(grid)
    clash = set(dims) & set(fixed)
    if clash or (seed is not None and ("seed" in dims or "seed" in fixed)):
        raise ValueError(
            f"parameters given both on the grid and as fixed arguments: {sorted(clash or {'seed'})}."
        )
    if seed is not None:
        integer(seed, "seed", minimum=0)
    if (
        executor is not None
        and executor != "serial"
        and not callable(getattr(executor, "submit", None))
    ):
        raise ValueError(
            "`executor` must be None, 'serial', or have a `submit(fn, *args)` method "
            "(concurrent.futures or dask)."
        )

    shape = tuple(len(coords[d]) for d in dims)
    points = []
    for flat, idx in enumerate(itertools.product(*(range(n) for n in shape))):
        kwargs = {d: coords[d][i].item() for d, i in zip(dims, idx)}
        kwargs.update(fixed)
        if seed is not None:
            kwargs["seed"] = point_seed(seed, flat)
        points.append(kwargs)

    store = None
    results = {}
    if cache:
        root = cache_dir() if cache is True else Path(cache)
        key = cache_key(func, dims, coords, fixed, seed)
        store = PointStore(
            root / "sweeps" / key,
            {
                "function": getattr(func, "__qualname__", repr(func)),
                "dims": dims,
                "coords": {d: coords[d].tolist() for d in dims},
                "seed": seed,
                "points": len(points),
            },
        )
        for flat in range(len(points)):
            value = store.load(flat)
            if value is not None:
                results[flat] = value
    n_stored = len(results)
    todo = [flat for flat in range(len(points)) if flat not in results]

    bar = progress_bar(
        len(todo),
        desc or getattr(func, "__name__", "sweep"),
        enabled=progress_enabled(progress) and len(todo) > 1,
    )
    failures = []

    def finished(flat, value):
        results[flat] = value
        if store is not None:
            store.save(flat, value)
        if bar is not None:
            bar.update()

    t0 = time.perf_counter()
    try:
        n_workers = min(_cores(), max(1, len(todo)))
        if not todo:
            pass
        elif executor == "serial" or (executor is None and n_workers <= 1):
            for flat in todo:
                try:
                    value = _call(func, points[flat])
                except Exception as exc:  # keep going: the others are stored
                    failures.append((flat, exc))
                    continue
                finished(flat, value)
        else:
            # embedded default: a thread pool in this process, one point per core, each point's
            # numba kernels on one thread (pgrid's kernels release the GIL; numba's thread
            # count is per calling thread).  Otherwise the caller's executor, as given.
            from concurrent.futures import ThreadPoolExecutor

            own = executor is None
            pool = ThreadPoolExecutor(n_workers) if own else executor
            task = _call_single_threaded if own else _call
            try:
                # a Dask client would otherwise reuse a failed task of an earlier run (same key)
                extra = (
                    {"pure": False}
                    if type(pool).__module__.startswith("distributed")
                    and type(pool).__name__ == "Client"
                    else {}
                )
                index = {pool.submit(task, func, points[flat], **extra): flat for flat in todo}
                for fut in _as_completed(list(index)):
                    flat = index[fut]
                    try:
                        value = fut.result()
                    except BrokenProcessPool as exc:
                        raise RuntimeError(_broken_pool_hint(pool)) from exc
                    except Exception as exc:
                        failures.append((flat, exc))
                        continue
                    finished(flat, value)
            finally:
                if own:
                    pool.shutdown()
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0
    if failures:
        failures.sort(key=lambda f: f[0])
        flat, exc = failures[0]
        where = {d: points[flat][d] for d in dims}
        seed_txt = f", seed={points[flat]['seed']}" if seed is not None else ""
        kept = (
            f"; the {len(results)} finished point(s) are stored: rerunning the sweep computes only the "
            f"{len(failures)} missing"
            if store is not None
            else f"; {len(results)} point(s) finished (run with cache=True to keep them across a rerun)"
        )
        raise SweepPointError(
            f"{len(failures)} of {len(points)} sweep point(s) failed; the first at {where}{seed_txt} (flat index "
            f"{flat}): {type(exc).__name__}: {exc}{kept}",
            coords=where,
            index=flat,
            seed=points[flat].get("seed") if seed is not None else None,
            failures=[(f, e) for f, e in failures],
        ) from exc

    names = list(results[0])
    data = {}
    for name in names:
        try:
            vals = [np.asarray(results[k][name]) for k in range(len(points))]
        except KeyError:
            raise ValueError(
                f"`func` returned {name!r} at the first point but not at every point."
            ) from None
        if any(v.shape != vals[0].shape for v in vals):
            raise ValueError(f"quantity {name!r} has different shapes at different points.")
        data[name] = np.stack(vals).reshape(shape + vals[0].shape)
    return SweepResult(
        dims, coords, data, seconds=seconds, cached=not todo, n_stored=n_stored, seed=seed
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pgrid cache", description="pgrid's sweep cache"
    )
    parser.add_argument("--clear", action="store_true", help="delete every cached sweep")
    args = parser.parse_args(argv)
    root = cache_dir() / "sweeps"
    sweeps = [d for d in root.iterdir() if d.is_dir()] if root.exists() else []
    files = [f for d in sweeps for f in d.glob("p*.pkl")]
    size = sum(f.stat().st_size for f in files)
    if args.clear:
        shutil.rmtree(root, ignore_errors=True)
        print(
            f"removed {len(sweeps)} cached sweeps ({len(files)} points, {size / 1e6:.1f} MB) from {root}"
        )
    else:
        print(
            f"{len(sweeps)} cached sweeps ({len(files)} points, {size / 1e6:.1f} MB) in {root}; wipe with --clear"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
