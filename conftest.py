"""Shared pytest configuration: nbval does not compare SVG images (only text outputs); no progress bars.

At the repository root so that it also applies when one chapter is validated on its own
(``pytest book/model.ipynb``): pytest loads the conftest files of the rootdir for every path.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("PGRID_PROGRESS", "0")      # no progress bars in the outputs nbval compares


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        parent = getattr(item, "parent", None)
        if parent is not None and hasattr(parent, "skip_compare"):
            if "image/svg+xml" not in parent.skip_compare:
                parent.skip_compare = parent.skip_compare + ("image/svg+xml",)
