"""Plumbing every solver shares (private): progress bars, the cache location, numba threads.

* :func:`progress_enabled` — draw progress bars?  ``progress`` if given, else on unless the
  environment variable ``PGRID_PROGRESS=0``.
* :func:`progress_bar` — a tqdm bar (shown after 2 s, notebook-aware) or ``None``.
* :func:`cache_dir` — ``$PGRID_CACHE_DIR`` or ``~/.cache/pgrid``.
* :func:`numba_threads` — a context manager that runs its body on ``n`` numba threads and
  restores the previous count (numba's thread count is per calling thread).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Optional

from ._validate import integer


def cache_dir() -> Path:
    """Where cached sweeps live: ``$PGRID_CACHE_DIR`` or ``~/.cache/pgrid``."""
    return Path(os.environ.get("PGRID_CACHE_DIR", Path.home() / ".cache" / "pgrid"))


def progress_enabled(progress: Optional[bool] = None) -> bool:
    """Whether to draw progress bars: ``progress`` if given, else not when ``PGRID_PROGRESS=0``."""
    if progress is not None:
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
