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
  converts it when xarray is installed.
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
* **Cache.** ``cache=True`` stores the result under :func:`~pgrid.sweeps.cache_dir` (``PGRID_CACHE_DIR``,
  default ``~/.cache/pgrid``), keyed by a hash of the function's name and source (and
  of the same-module helper functions and constants it uses by global name), the grid, the fixed arguments, the seed, pgrid's source hash and the numpy and numba
  versions: rerunning the same sweep loads it, any change of pgrid recomputes it.
  Wipe it with ``python -m pgrid cache --clear`` (or delete the directory).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import itertools
import json
import os
import pickle
import shutil
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from ._config import cache_dir, numba_threads, progress_bar, progress_enabled
from ._validate import integer

__all__ = ["sweep", "SweepResult", "cache_dir", "point_seed", "progress_enabled"]


def point_seed(seed: int, index: int) -> int:
    """Seed of the point at flat ``index`` of a sweep with base ``seed`` (a 63-bit integer)."""
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(2, dtype=np.uint32)
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
        Wall time of the computation (0 when loaded from the cache).
    cached : bool
        Whether the result came from the cache.
    """

    def __init__(self, dims, coords, data, seconds=0.0, cached=False):
        self.dims = tuple(dims)
        self.coords = {k: np.asarray(v) for k, v in coords.items()}
        self.data = dict(data)
        self.shape = tuple(len(self.coords[d]) for d in self.dims)
        self.seconds = float(seconds)
        self.cached = bool(cached)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.data[name]
        except KeyError:
            raise KeyError(f"no quantity {name!r}; the sweep returned {sorted(self.data)}") from None

    def __contains__(self, name):
        return name in self.data

    def keys(self):
        return self.data.keys()

    def __repr__(self):
        grid = ", ".join(f"{d}: {n}" for d, n in zip(self.dims, self.shape))
        return f"SweepResult({grid}; {', '.join(self.data)}{'; cached' if self.cached else ''})"

    def to_xarray(self):
        """An ``xarray.Dataset`` (extra value axes named ``<quantity>_dim<k>``); needs xarray."""
        import xarray as xr

        variables = {}
        for name, arr in self.data.items():
            extra = tuple(f"{name}_dim{k}" for k in range(arr.ndim - len(self.dims)))
            variables[name] = (self.dims + extra, arr)
        return xr.Dataset(variables, coords=self.coords)


def _grid(grid: Mapping[str, Sequence]) -> tuple:
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("`grid` must be a non-empty mapping: parameter name -> sequence of values.")
    dims, coords = [], {}
    for name, values in grid.items():
        arr = np.asarray(values)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"grid axis {name!r} must be a non-empty 1-D sequence, got shape {arr.shape}.")
        dims.append(str(name))
        coords[str(name)] = arr
    return dims, coords


def _canonical(obj):
    """A stable byte string for the cache key (JSON where possible, else pickle)."""
    def default(x):
        if isinstance(x, np.ndarray):
            return {"__array__": x.tolist(), "dtype": str(x.dtype)}
        if isinstance(x, (np.generic,)):
            return x.item()
        return {"__pickle__": hashlib.sha256(pickle.dumps(x, protocol=4)).hexdigest()}
    return json.dumps(obj, default=default, sort_keys=True).encode()


def _func_identity(func, _seen=None) -> str:
    """Name and source of ``func`` and, recursively, of the functions it calls by global name
    from the same module or notebook (helpers such as a network factory): changing any of
    them changes the cache key."""
    seen = set() if _seen is None else _seen
    if id(func) in seen:
        return ""
    seen.add(id(func))
    module = getattr(func, "__module__", "?")
    name = f"{module}.{getattr(func, '__qualname__', repr(func))}"
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        source = ""
    parts = [name, source]
    code = getattr(func, "__code__", None)
    glb = getattr(func, "__globals__", {})
    if code is not None:
        names = set(code.co_names)
        for const in code.co_consts:                 # nested functions and comprehensions
            if inspect.iscode(const):
                names.update(const.co_names)
        for n in sorted(names):
            obj = glb.get(n)
            if inspect.isfunction(obj) and getattr(obj, "__module__", None) == module:
                parts.append(_func_identity(obj, seen))
            elif (isinstance(obj, (int, float, complex, str, bool, tuple, list, dict, np.ndarray, np.generic))
                  and not n.startswith("__")):
                parts.append(f"{n}={_canonical(obj).decode()}")   # module-level data (GI = 4.0, options)
    return "\n".join(parts)


def _cache_key(func, dims, coords, fixed, seed) -> str:
    import numba

    from .provenance import source_hash

    h = hashlib.sha256()
    h.update(_func_identity(func).encode())
    h.update(_canonical({"dims": dims, "coords": {d: coords[d] for d in dims}, "fixed": fixed, "seed": seed}))
    h.update(f"{source_hash()} numpy {np.__version__} numba {numba.__version__}".encode())
    return h.hexdigest()[:24]


def _as_dict(value) -> dict:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return {"value": value}


def _call(func, kwargs):
    return _as_dict(func(**kwargs))


def _call_single_threaded(func, kwargs):
    with numba_threads(1):            # per calling thread: the pool supplies the parallelism
        return _call(func, kwargs)


def _cores() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def _broken_pool_hint(pool) -> str:
    """Why a process pool broke, and what to do (numba's OpenMP threads make ``fork`` unsafe)."""
    ctx = getattr(pool, "_mp_context", None)
    method = ctx.get_start_method() if ctx is not None else "unknown"
    return (f"a worker process of the pool died (start method {method!r}).  "
            + ("A fork-started worker inherits numba's OpenMP threads and is killed by the runtime "
               "('fork() called from a process already using GNU OpenMP'): use "
               "ProcessPoolExecutor(mp_context=multiprocessing.get_context('spawn')), the default thread "
               "pool (executor=None) or Dask." if method == "fork" else
               "It may have run out of memory or crashed in native code; run the point on its own to see."))


def sweep(func: Callable[..., Any], grid: Mapping[str, Sequence], *, seed: Optional[int] = None,
          executor=None, cache: bool | str | os.PathLike = False, progress: Optional[bool] = None,
          desc: Optional[str] = None, **fixed) -> SweepResult:
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
        raise ValueError(f"parameters given both on the grid and as fixed arguments: {sorted(clash or {'seed'})}.")
    if seed is not None:
        integer(seed, "seed", minimum=0)
    if executor is not None and executor != "serial" and not callable(getattr(executor, "submit", None)):
        raise ValueError("`executor` must be None, 'serial', or have a `submit(fn, *args)` method "
                         "(concurrent.futures or dask).")

    path = None
    if cache:
        root = cache_dir() if cache is True else Path(cache)
        path = root / "sweeps" / f"{_cache_key(func, dims, coords, fixed, seed)}.pkl"
        if path.exists():
            with open(path, "rb") as f:
                stored = pickle.load(f)
            return SweepResult(dims, coords, stored["data"], seconds=0.0, cached=True)

    shape = tuple(len(coords[d]) for d in dims)
    points = []
    for flat, idx in enumerate(itertools.product(*(range(n) for n in shape))):
        kwargs = {d: coords[d][i].item() for d, i in zip(dims, idx)}
        kwargs.update(fixed)
        if seed is not None:
            kwargs["seed"] = point_seed(seed, flat)
        points.append(kwargs)

    bar = progress_bar(len(points), desc or getattr(func, "__name__", "sweep"),
                       enabled=progress_enabled(progress) and len(points) > 1)
    t0 = time.perf_counter()
    results = []
    try:
        n_workers = min(_cores(), len(points))
        if executor == "serial" or (executor is None and n_workers <= 1):
            for kwargs in points:
                results.append(_call(func, kwargs))
                if bar is not None:
                    bar.update()
        else:
            # embedded default: a thread pool in this process, one point per core, each point's
            # numba kernels on one thread (pgrid's kernels release the GIL; numba's thread
            # count is per calling thread).  Otherwise the caller's executor, as given.
            from concurrent.futures import ThreadPoolExecutor

            own = executor is None
            pool = ThreadPoolExecutor(n_workers) if own else executor
            task = _call_single_threaded if own else _call
            try:
                futures = [pool.submit(task, func, kwargs) for kwargs in points]
                for fut in futures:
                    try:
                        results.append(fut.result())
                    except BrokenProcessPool as exc:
                        raise RuntimeError(_broken_pool_hint(pool)) from exc
                    if bar is not None:
                        bar.update()
            finally:
                if own:
                    pool.shutdown()
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0

    names = list(results[0])
    data = {}
    for name in names:
        try:
            vals = [np.asarray(r[name]) for r in results]
        except KeyError:
            raise ValueError(f"`func` returned {name!r} at the first point but not at every point.") from None
        if any(v.shape != vals[0].shape for v in vals):
            raise ValueError(f"quantity {name!r} has different shapes at different points.")
        data[name] = np.stack(vals).reshape(shape + vals[0].shape)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump({"data": data, "dims": dims, "coords": coords, "seconds": seconds}, f, protocol=4)
        tmp.replace(path)
    return SweepResult(dims, coords, data, seconds=seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m pgrid cache", description="pgrid's sweep cache")
    parser.add_argument("--clear", action="store_true", help="delete every cached sweep")
    args = parser.parse_args(argv)
    root = cache_dir() / "sweeps"
    files = list(root.glob("*.pkl")) if root.exists() else []
    size = sum(f.stat().st_size for f in files)
    if args.clear:
        shutil.rmtree(root, ignore_errors=True)
        print(f"removed {len(files)} cached sweeps ({size / 1e6:.1f} MB) from {root}")
    else:
        print(f"{len(files)} cached sweeps ({size / 1e6:.1f} MB) in {root}; wipe with --clear")
    return 0


if __name__ == "__main__":
    sys.exit(main())
