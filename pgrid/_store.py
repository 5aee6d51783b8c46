"""Per-point storage of a cached sweep (private; see :func:`pgrid.sweep`).

A sweep with key K keeps one file per finished point, ``<cache>/sweeps/K/p<flat index>.pkl``,
written atomically (a temporary file renamed into place) as soon as the point finishes, and a
``meta.json`` naming the function and the grid.  Rerunning an interrupted or failed sweep
loads the finished points and computes only the others.  A file that cannot be read (a
truncated write, a foreign pickle) counts as missing: a warning says so, the point is
recomputed and the file overwritten.
"""

from __future__ import annotations

import json
import os
import pickle
import warnings
from pathlib import Path


class PointStore:
    """The folder of one cached sweep."""

    def __init__(self, directory: Path, meta: dict):
        self.dir = Path(directory)
        self.meta = meta

    def _path(self, flat: int) -> Path:
        return self.dir / f"p{flat}.pkl"

    def load(self, flat: int):
        """The stored value of point ``flat``, or None (missing or unreadable: then recomputed)."""
        path = self._path(flat)
        if not path.exists():
            return None
        try:
            with open(path, "rb") as f:
                value = pickle.load(f)
            if not isinstance(value, dict):
                raise ValueError(f"a {type(value).__name__}, not a dict of quantities")
            return value
        except Exception as exc:  # truncated, corrupt or foreign: a miss, never fatal
            warnings.warn(
                f"sweep cache: unreadable entry {path} ({type(exc).__name__}: {exc}); "
                "recomputing that point and overwriting it",
                RuntimeWarning,
                stacklevel=3,
            )
            return None

    def save(self, flat: int, value: dict) -> None:
        """Store point ``flat`` atomically (readers see the old file or the whole new one)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = self.dir / "meta.json"
        if not meta.exists():
            _atomic_write(meta, json.dumps(self.meta, indent=1, default=str).encode())
        _atomic_write(self._path(flat), pickle.dumps(value, protocol=4))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}.{id(data)}")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
