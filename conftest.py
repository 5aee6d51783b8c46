"""Shared pytest configuration: nbval does not compare SVG images (only text outputs); no progress bars;
tests marked ``after_chapters`` run last.

At the repository root so that it also applies when one chapter is validated on its own
(``pytest book/model.ipynb``): pytest loads the conftest files of the rootdir for every path.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("PGRID_PROGRESS", "0")  # no progress bars in the outputs nbval compares


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "after_chapters: run after every other test, the chapters (nbval) included, "
        "and reuse their sweep cache (tests/test_chapter_threads.py)",
    )


def pytest_collection_modifyitems(session, config, items):
    items.sort(
        key=lambda item: item.get_closest_marker("after_chapters") is not None
    )  # stable: order kept otherwise
    for item in items:
        parent = getattr(item, "parent", None)
        if parent is not None and hasattr(parent, "skip_compare"):
            if "image/svg+xml" not in parent.skip_compare:
                parent.skip_compare = parent.skip_compare + ("image/svg+xml",)
