"""Plumbing every solver shares (private): progress bars, the cache location, numba threads.

* :func:`progress_enabled` — draw progress bars?  ``progress`` if given, else on unless the
  environment variable ``PGRID_PROGRESS=0``.
* :func:`progress_bar` — a tqdm bar (shown after 2 s, notebook-aware) or ``None``.
* :func:`cache_dir` — ``$PGRID_CACHE_DIR`` or ``~/.cache/pgrid``.
* :func:`numba_threads` — a context manager that runs its body on ``n`` numba threads and
  restores the previous count (numba's thread count is per calling thread).
* :func:`single_threaded_blas` — run the body with BLAS and LAPACK on one thread (process-wide,
  reference counted), so that results do not depend on ``OPENBLAS_NUM_THREADS``.
* :func:`available_memory`, :func:`check_memory` — refuse work that would not fit in memory
  before allocating it.
* :func:`announce_compilation` — say once that a kernel is being compiled (the first call on
  a machine takes 10-30 s; numba caches the result on disk).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from pathlib import Path
from typing import Optional

import numpy as np

from ._validate import integer


def cache_dir() -> Path:
    """Where cached sweeps live: ``$PGRID_CACHE_DIR`` or ``~/.cache/pgrid``."""
    value = os.environ.get("PGRID_CACHE_DIR")
    if value is None:
        return Path.home() / ".cache" / "pgrid"
    if not value.strip():
        raise ValueError(
            "PGRID_CACHE_DIR is set but empty (it would put the cache in the working directory); "
            "unset it for ~/.cache/pgrid or give a directory."
        )
    return Path(value)


def progress_enabled(progress: Optional[bool] = None) -> bool:
    """Whether to draw progress bars: ``progress`` if given, else not when ``PGRID_PROGRESS=0``."""
    if progress is not None:
        if not isinstance(progress, (bool, np.bool_)):
            raise ValueError(
                f"`progress` must be True, False or None (the PGRID_PROGRESS default), got {progress!r}."
            )
        return bool(progress)
    return os.environ.get("PGRID_PROGRESS", "1").strip().lower() not in ("0", "false", "no", "off")


def progress_bar(total: int, desc: str, *, unit: str = "it", enabled: bool = True):
    """A tqdm progress bar shown after 2 s (``None`` when ``enabled`` is false)."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, delay=2.0, leave=False)


@contextlib.contextmanager
def numba_threads(n: Optional[int]):
    """Run the body on ``n`` numba threads (``None``: leave the count alone); restore it after."""
    import numba

    old = numba.get_num_threads()
    if n is not None:
        numba.set_num_threads(integer(n, "threads"))
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_num_threads(old)


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter = None


@contextlib.contextmanager
def single_threaded_blas():
    """Run the body with every loaded BLAS/LAPACK library (OpenBLAS, MKL, ...) on one thread.

    OpenBLAS splits its products and dot products over its threads, and the partition changes the
    round-off: an exact quantum steady state solved with ``OPENBLAS_NUM_THREADS=2`` differs from the
    one solved with 1 in the last bits, and BiCGSTAB amplifies that to ~1e-9 (measured; the numba
    kernels themselves give the same bits for any numba thread count).  Its threads also spin-wait
    beside numba's, a sweep's and other processes' threads: on a busy 2-core machine a BiCGSTAB
    iteration of two modes at cutoff 45 took 2.3 s instead of 25 ms (measured while a book build ran).
    With one BLAS thread the quantum solvers are no slower on a quiet machine (3 modes at cutoff 16:
    6.0-6.5 s either way; 2 modes at cutoff 70: 1.9 s matrix-free, 3.8 s assembled, either way) and
    bitwise the same whatever ``OPENBLAS_NUM_THREADS`` says (``tests/test_thread_independence.py``).

    The limit is process-wide (BLAS has no per-thread setting) and reference counted: nested and
    concurrent users (a sweep's worker threads) share one limit, and the last one out restores the
    previous setting.  Without ``threadpoolctl`` installed it does nothing.
    """
    global _blas_users, _blas_limiter
    with _blas_lock:
        if _blas_users == 0:
            try:
                from threadpoolctl import threadpool_limits
            except ImportError:  # pragma: no cover - a declared dependency
                _blas_limiter = None
            else:
                _release_openblas_control()
                _blas_limiter = threadpool_limits(limits=1, user_api="blas")
                _release_openblas_control()
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_limiter is not None:
                _release_openblas_control()
                _blas_limiter.restore_original_limits()
                _release_openblas_control()
                _blas_limiter = None


def _release_openblas_control():
    """threadpoolctl (3.8) lets only one "controlling" Python thread resize OpenBLAS's process-wide
    pthreads pool and silently ignores the others; pgrid sets and restores the limit under its own lock
    from whichever thread enters first or leaves last, so it releases that claim around each change."""
    try:
        from threadpoolctl import OpenBLASController

        OpenBLASController.clear_controlling_thread(force=True)
    except (ImportError, AttributeError, TypeError):  # older threadpoolctl: no controlling thread
        pass


def blas_single_threaded(func):
    """Decorator: run ``func`` inside :func:`single_threaded_blas`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with single_threaded_blas():
            return func(*args, **kwargs)

    return wrapper


def available_memory() -> int:
    """Bytes this process can still allocate: the least of the system's available memory
    (``MemAvailable``), the cgroup limit (containers) and the address-space limit."""
    limits = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except OSError:
        try:
            limits.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            cap = f.read().strip()
        if cap != "max":
            with open("/sys/fs/cgroup/memory.current") as f:
                limits.append(int(cap) - int(f.read().strip()))
    except (OSError, ValueError):
        pass
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            limits.append(soft)
    except (ImportError, ValueError, OSError):
        pass
    return max(0, min(limits)) if limits else 1 << 62


#: Share of the available memory one computation may plan to use.
MEMORY_SHARE = 0.8


def check_memory(nbytes: float, what: str, fix: str) -> None:
    """Raise :class:`pgrid.errors.InsufficientMemoryError` if ``nbytes`` exceed
    :data:`MEMORY_SHARE` of :func:`available_memory`; ``what`` says what needs the memory,
    ``fix`` which parameter to change."""
    avail = available_memory()
    if nbytes > MEMORY_SHARE * avail:
        from .errors import InsufficientMemoryError

        gib = 1024.0**3
        raise InsufficientMemoryError(
            f"{what} would need about {nbytes / gib:.3g} GiB, but only {avail / gib:.3g} GiB are available: "
            f"{fix}.",
            needed=int(nbytes),
            available=int(avail),
        )


_ANNOUNCED = set()


def announce_compilation(kernel, what: str) -> None:
    """Print one line to stderr when ``kernel`` (a numba dispatcher) is about to be compiled
    rather than loaded from numba's on-disk cache: once per kernel and process, and only
    where progress bars are shown (not with ``PGRID_PROGRESS=0``)."""
    if kernel in _ANNOUNCED or kernel.signatures or not progress_enabled():
        return
    _ANNOUNCED.add(kernel)
    try:
        cached = bool(
            kernel._cache._cache_file._load_index()
        )  # numba internals; stale sources give {}
    except Exception:
        cached = True
    if not cached:
        import sys

        sys.stderr.write(
            f"pgrid: compiling the {what} (first use of this pgrid on this machine, "
            "10-30 s; numba caches it for later runs)\n"
        )
        sys.stderr.flush()
