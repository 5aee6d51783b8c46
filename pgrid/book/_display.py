"""Showing a result in a chapter (private): one MIME bundle, displayed raw in IPython, else its text printed."""

from __future__ import annotations


def escape(s: str) -> str:
    """``s`` with ``&``, ``<`` and ``>`` escaped for HTML."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show(bundle: dict, metadata: dict | None = None) -> None:
    """Display the MIME ``bundle`` with ``metadata`` (its ``text/plain`` is printed outside IPython)."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(bundle, metadata=metadata, raw=True)
            return
    except ImportError:  # pragma: no cover
        pass
    print(bundle["text/plain"])
