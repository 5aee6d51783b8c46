"""Shared pytest configuration: nbval does not compare SVG images (only text outputs)."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        parent = getattr(item, "parent", None)
        if parent is not None and hasattr(parent, "skip_compare"):
            if "image/svg+xml" not in parent.skip_compare:
                parent.skip_compare = parent.skip_compare + ("image/svg+xml",)
