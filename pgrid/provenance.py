"""Where a result came from: a hash of pgrid's own sources and the git commit.

The hash changes whenever any file of the installed ``pgrid`` package changes, so it
keys caches (the book's execution cache) and is stored with precomputed data.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

__all__ = ["source_hash", "git_commit"]


def source_hash() -> str:
    """16 hex digits of SHA-256 over pgrid's version and every ``pgrid/*.py`` (path and bytes)."""
    from . import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def git_commit() -> str:
    """The repository's HEAD commit, with ``+dirty`` when pgrid/ has uncommitted changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "pgrid"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")
