r"""Numbers as the book prints them: at the precision that carries meaning.

A chapter's printed outputs are compared with the committed notebook on every build and by nbval
(after the substitutions of ``book/nbval_sanitize.cfg``, which absorb digits beyond the sixth
significant one, timings and memory addresses, and nothing else).  A difference of two results that
agree to round-off (``8.9e-16`` here, ``0.0e+00`` on another CPU, ``9.6e-10`` after an iterative
solver took another path) is not a result: print it as the bound that the check asserts,

>>> below(8.9e-16, 1e-12)
'< 1e-12'
>>> below(0.0, 1e-12)
'< 1e-12'

and the value only when it is not below the bound (the check next to it then fails anyway):

>>> below(3.2e-9, 1e-12)
'3.2e-09 (not < 1e-12)'

:func:`floored` prints a quantity that may vanish (a negativity, a delivered current) as usual, or as
``"< floor"`` below a floor set by the precision of the method:

>>> floored(0.0137, 1e-8, ".4f"), floored(5.7e-15, 1e-8, ".4f")
('0.0137', '< 1e-8')

:func:`sci` writes a tolerance compactly (``1e-12``, ``2.5e-7``), as the checks' claims do.
``tests/test_sanitizer.py`` scans every committed chapter for printed values below
:data:`ROUNDOFF_FLOOR` that are not bounds (the numbers that broke a build on another machine).
"""

from __future__ import annotations

import math

__all__ = ["below", "floored", "sci", "say", "ROUNDOFF_FLOOR", "WIDTH"]

#: Characters of a printed line in the book's column (the chapters' code has the same width).
WIDTH = 88

#: A printed measured value smaller than this (relative to quantities of order one) is round-off
#: or solver tolerance, and must be printed as a bound (:func:`below`).
ROUNDOFF_FLOOR = 1e-8


def sci(x: float) -> str:
    """``x`` in compact scientific notation: ``1e-12``, ``2.5e-07`` -> ``2.5e-7``, ``0`` -> ``0``."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    mant, exp = f"{x:.1e}".split("e")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{int(exp)}"


def below(x: float, tol: float) -> str:
    """``"< tol"`` when ``|x| < tol`` (an agreement, a vanishing quantity), else ``|x|`` with two
    significant digits and the bound it misses.  NaN is never below anything."""
    if not tol > 0:
        raise ValueError(f"`tol` must be positive, got {tol!r}.")
    x = abs(float(x))
    if x < tol:
        return f"< {sci(tol)}"
    return f"{x:.1e} (not < {sci(tol)})"


def floored(x: float, floor: float, spec: str = ".1e") -> str:
    """``x`` formatted with ``spec``, or ``"< floor"`` when ``|x| < floor`` (a quantity that vanishes
    to the precision of the method that computed it)."""
    if not floor > 0:
        raise ValueError(f"`floor` must be positive, got {floor!r}.")
    x = float(x)
    return f"< {sci(floor)}" if abs(x) < floor else format(x, spec)


def say(*values, sep: str = " ", width: int = WIDTH) -> None:
    """``print`` for the chapters: lines longer than ``width`` wrap at spaces, continued with an
    indent of four, so that no output scrolls sideways in the book's column.

    >>> say("nu = 3: max <J> = 0.493 g n0 at Gamma_e = 3.53 g;", "largest occupation 3.11 n0", width=40)
    nu = 3: max <J> = 0.493 g n0 at Gamma_e
        = 3.53 g; largest occupation 3.11 n0
    """
    import textwrap

    text = sep.join(str(v) for v in values)
    for line in text.split("\n"):
        if len(line) <= width:
            print(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        print(
            textwrap.fill(
                line.strip(),
                width=width,
                initial_indent=lead,
                subsequent_indent=lead + "    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
