"""What a sweep's cache key covers (private; see :func:`pgrid.sweep`).

The key of a sweep is a hash of everything its result can depend on:

* the function: its qualified name and source; its default arguments and closure cells
  (by value); the arguments of a ``functools.partial``; and, by global name, whatever it
  reads from its module: data of any kind by value (numbers, arrays, a ``Network`` or any
  picklable object, hashed with ``joblib.hash``), the user's functions and classes
  recursively (their source, defaults, closures and globals in turn; a function built by a
  factory is covered through its closure).  Modules, and functions or classes of pgrid, the
  scientific libraries (:data:`LIBRARIES`) and the standard library, count by name: their
  code is covered by
* pgrid's source hash and the Python, numpy and numba versions; and
* the grid, the fixed keyword arguments and the seed (by value).

A global, default or closure value that cannot be hashed reliably (it does not pickle)
makes :func:`cache_key` raise :class:`UncacheableError`, which names it and says to pass it
as a fixed keyword argument instead: a cache must never return a result computed from
something it did not see.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import sys
import types

import numpy as np


class UncacheableError(ValueError):
    """A sweep cannot be cached: something its function reads cannot be hashed by value."""


def value_hash(value, what: str) -> str:
    """``joblib.hash`` of a value (numpy-aware, content-based), or :class:`UncacheableError`."""
    import joblib

    try:
        return joblib.hash(value)
    except Exception as exc:  # unpicklable: a lock, an open file, a generator, ...
        raise UncacheableError(
            f"cannot cache this sweep: {what} ({type(value).__name__}) cannot be hashed by value "
            f"({type(exc).__name__}: {exc}); pass it to pgrid.sweep as a fixed keyword argument "
            "(func(..., name=value)) if it is picklable, or run without cache=."
        ) from None


def _code_names(code) -> set:
    names = set(code.co_names)
    for const in code.co_consts:  # nested functions, lambdas, comprehensions
        if inspect.iscode(const):
            names |= _code_names(const)
    return names


def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        code = getattr(obj, "__code__", None)
        return code.co_code.hex() + repr(code.co_consts) if code is not None else ""


#: Packages whose functions count by name (their code is covered by pgrid's source hash and the
#: library versions; recursing into them would hash their mutable module state).
LIBRARIES = (
    "pgrid",
    "numpy",
    "scipy",
    "numba",
    "qutip",
    "xarray",
    "joblib",
    "dask",
    "distributed",
    "matplotlib",
    "math",
    "functools",
    "itertools",
    "builtins",
)


def _is_library(obj) -> bool:
    """From pgrid, a pinned scientific library or the standard library (counted by name)."""
    top = (getattr(obj, "__module__", None) or "").split(".")[0]
    return top in LIBRARIES or top in sys.stdlib_module_names


def identity(func, _seen=None) -> list:
    """The parts of the key that describe a callable (see the module docstring)."""
    seen = set() if _seen is None else _seen
    if id(func) in seen:
        return []
    seen.add(id(func))
    if inspect.isfunction(func) and _is_library(func):
        return [f"library function {func.__module__}.{func.__qualname__}"]
    if isinstance(func, functools.partial):
        return (
            ["partial"]
            + identity(func.func, seen)
            + [
                value_hash(func.args, "a functools.partial's positional arguments"),
                value_hash(func.keywords, "a functools.partial's keyword arguments"),
            ]
        )
    if isinstance(func, types.MethodType):
        return identity(func.__func__, seen) + [
            value_hash(func.__self__, "the object of a bound method")
        ]
    if not inspect.isfunction(func):  # a callable object: its class and its state
        cls = type(func)
        return [
            f"{cls.__module__}.{cls.__qualname__}",
            _source(cls),
            value_hash(func, "the callable object"),
        ]
    module = getattr(func, "__module__", None)
    name = f"{module}.{func.__qualname__}"
    parts = [name, _source(func)]
    if func.__defaults__:
        parts.append(value_hash(func.__defaults__, f"a default argument of {name}"))
    if func.__kwdefaults__:
        parts.append(value_hash(func.__kwdefaults__, f"a keyword default of {name}"))
    for var, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            val = cell.cell_contents
        except ValueError:  # an empty cell (a name assigned later)
            continue
        parts.extend(_reference(var, val, module, seen, f"the closure variable {var!r} of {name}"))
    glb = func.__globals__
    for var in sorted(_code_names(func.__code__)):
        if var in glb and not var.startswith("__"):
            parts.extend(
                _reference(var, glb[var], module, seen, f"the global {var!r} read by {name}")
            )
    return parts


def _reference(var, val, module, seen, what) -> list:
    """Key parts for one name a function reads (a global or a closure cell)."""
    if isinstance(val, types.ModuleType):
        return [f"{var}=module {val.__name__}"]
    if isinstance(val, functools.partial):
        return identity(val, seen)
    if inspect.isfunction(val):  # the user's own code (any module but the libraries): recursively
        return (
            identity(val, seen)
            if not _is_library(val)
            else [f"{var}=function {val.__module__}.{val.__qualname__}"]
        )
    if inspect.isclass(val):
        if not _is_library(val):
            return [f"{var}=class", _source(val)]
        return [f"{var}=class {val.__module__}.{val.__qualname__}"]
    if hasattr(val, "py_func") and inspect.isfunction(val.py_func):  # a numba-compiled function
        return (
            identity(val.py_func, seen)
            if not _is_library(val.py_func)
            else [f"{var}=jit {val.py_func.__module__}.{val.py_func.__qualname__}"]
        )
    if isinstance(val, (types.BuiltinFunctionType, np.ufunc)):
        return [f"{var}=builtin {getattr(val, '__module__', '')}.{val.__name__}"]
    return [f"{var}={value_hash(val, what)}"]


def cache_key(func, dims, coords, fixed, seed) -> str:
    """The 24-hex-digit key of a sweep."""
    import numba

    from .provenance import source_hash

    h = hashlib.sha256()
    for part in identity(func):
        h.update(part.encode())
        h.update(b"\0")
    h.update(
        value_hash(
            {"dims": list(dims), "coords": [np.asarray(coords[d]) for d in dims]}, "the grid"
        ).encode()
    )
    h.update(value_hash(fixed, "a fixed keyword argument").encode())
    h.update(repr(seed).encode())
    h.update(
        f"{source_hash()} python {sys.version_info[:2]} numpy {np.__version__} "
        f"numba {numba.__version__}".encode()
    )
    return h.hexdigest()[:24]
