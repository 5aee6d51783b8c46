"""What computed a chapter: pgrid's version, source hash and git commit, and the library versions.

Every chapter ends with a hidden cell that calls :func:`show_versions`; nbval and the book's
output comparison replace the line by a placeholder (``book/nbval_sanitize.cfg``), so the
committed notebooks stay valid when only the versions change.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["LIBRARIES", "library_versions", "versions", "versions_line", "show_versions"]

#: The libraries whose versions a chapter reports (beside Python and pgrid).
LIBRARIES = ("numpy", "scipy", "numba", "qutip")


def library_versions(libraries=LIBRARIES) -> dict:
    """``{"python": ..., <library>: <installed version or "not installed">}``."""
    out = {"python": platform.python_version()}
    for lib in libraries:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            out[lib] = "not installed"
    return out


def versions() -> dict:
    """``{"pgrid": ..., "pgrid_source_hash": ..., "git_commit": ..., "python": ..., <library>: ...}``."""
    from .. import __version__
    from ..provenance import git_commit, source_hash

    return {
        "pgrid": __version__,
        "pgrid_source_hash": source_hash(),
        "git_commit": git_commit(),
        **library_versions(),
    }


def versions_line() -> str:
    """One line: ``Computed with pgrid 0.1.0 (source 5c93df17..., git 36ee5b6) · Python 3.11.7 · numpy ...``."""
    v = versions()
    commit = v["git_commit"]
    short = (
        commit
        if commit == "unknown"
        else commit[:12] + ("+dirty" if commit.endswith("+dirty") else "")
    )
    libs = " · ".join(f"{lib} {v[lib]}" for lib in LIBRARIES)
    return (
        f"Computed with pgrid {v['pgrid']} (source {v['pgrid_source_hash']}, git {short}) · "
        f"Python {v['python']} · {libs}"
    )


def show_versions() -> None:
    """Display :func:`versions_line` (small print in HTML; plain text elsewhere)."""
    from ._display import show

    line = versions_line()
    show(
        {
            "text/plain": line,
            "text/html": f'<p class="pgrid-versions"><small>{line}</small></p>',
            "text/markdown": f"*{line}*",
        }
    )
