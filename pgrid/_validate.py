"""Input checks shared by the solvers (private).  Every error names the parameter and the fix."""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

_NUMBER = (int, float, np.integer, np.floating)


def integer(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int, or a ValueError naming ``name`` (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    return int(value)


#: Largest seed the solvers take (their random streams are seeded from a 64-bit signed integer);
#: :func:`pgrid.sweep` takes any non-negative integer and gives each point a seed below this.
MAX_SEED = 2**63 - 1


def seed_value(value, name: str = "seed") -> int:
    """``value`` as a seed in [0, MAX_SEED], or a ValueError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not 0 <= value <= MAX_SEED
    ):
        raise ValueError(
            f"`{name}` must be an integer in [0, 2**63 - 1], got {value!r}; for a larger number "
            f"use {name} % 2**63, or pgrid.sweep(seed=...), which derives one seed per point."
        )
    return int(value)


def flag(value, name: str) -> bool:
    """``value`` as a bool (True/False or a numpy bool), or a ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"`{name}` must be True or False, got {value!r}.")


def number(value, name: str, *, minimum: Optional[float] = None, positive: bool = False) -> float:
    """``value`` as a finite float (``>= minimum``; ``> 0`` if ``positive``), or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, _NUMBER) or not math.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number, got {value!r}.")
    if positive and not value > 0:
        raise ValueError(f"`{name}` must be > 0, got {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum:g}, got {value!r}.")
    return float(value)


def amplitudes(value, name: str, shapes) -> np.ndarray:
    """``value`` as a finite complex array of one of ``shapes``, or a ValueError naming ``name``."""
    a = np.asarray(value, dtype=complex)
    if a.shape not in shapes:
        allowed = " or ".join(str(s) for s in shapes)
        raise ValueError(f"`{name}` must have shape {allowed}, got {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"`{name}` contains NaN or inf.")
    return a


def complex_array(value, name: str, *, what: str = "numbers") -> np.ndarray:
    """``value`` as a complex array when any imaginary part is nonzero, else as a float array;
    a ValueError naming ``name`` for strings, objects and the like."""
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise ValueError(f"`{name}` must be {what}, got {value!r}.") from None
    if arr.dtype == object:
        try:
            arr = arr.astype(complex)
        except (TypeError, ValueError):
            raise ValueError(f"`{name}` must be {what}, got {value!r}.") from None
    if arr.dtype.kind not in "biufc":
        raise ValueError(f"`{name}` must be {what}, got {value!r}.")
    if arr.dtype.kind == "c" and not np.any(arr.imag != 0):
        return arr.real.astype(float)
    return arr.astype(complex) if arr.dtype.kind == "c" else arr.astype(float)


def real_array(value, name: str, *, what: str = "real numbers") -> np.ndarray:
    """``value`` as a float array, or a ValueError naming ``name``.

    Strings, objects and complex numbers are refused (numpy would parse strings, and
    silently drop imaginary parts with only a ComplexWarning).
    """
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise ValueError(f"`{name}` must be {what}, got {value!r}.") from None
    if arr.dtype.kind == "c" or (
        arr.dtype == object and any(isinstance(x, complex) for x in arr.ravel())
    ):
        raise ValueError(
            f"`{name}` must be {what}; complex values are not supported (got {value!r})."
        )
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"`{name}` must be {what}, got {value!r}.")
    return arr.astype(float)
