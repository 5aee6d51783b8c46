"""Tooling only the book needs, apart from the physics library.

* :mod:`pgrid.book.reproduction` — ``check(item, condition, claim)`` records of every claim
  about the paper, and the status page built from them;
* :mod:`pgrid.book.precompute` — datasets too heavy for the book's execution budget, computed
  by ``python -m pgrid.book.precompute NAME`` into the data folder (``$PGRID_DATA_DIR``, or
  ``data/`` of a source checkout) with their provenance;
* ``pgrid.book._mystnb`` — the myst-nb renderer that hides the check records.

Nothing in the library (``pgrid.*`` outside this package) imports from here.
"""
