"""Helpers shared by the figure modules: datasets with their parameters, states as variables."""

from __future__ import annotations

import json

import numpy as np

from ...xarray_io import _jsonable      # parameters to JSON: the one converter the results' attributes use


def dataset(data_vars: dict, coords: dict, *, parameters: dict, description: str, **attrs):
    """An ``xarray.Dataset`` with ``parameters`` (JSON) and ``description`` attributes."""
    import xarray as xr

    return xr.Dataset(data_vars, coords=coords,
                      attrs={"description": description, "parameters": json.dumps(_jsonable(parameters)), **attrs})


def parameters(ds) -> dict:
    """The ``parameters`` attribute of a figure dataset, decoded."""
    return json.loads(ds.attrs["parameters"])


def state_vars(state, dims: tuple, *, prefix: str = "", fields=None) -> dict:
    """Variables of a :class:`pgrid.SteadyState` batch, its batch axes named ``dims``.

    Each field becomes ``prefix + field`` with dimensions ``dims`` (+ ``site`` or ``bond``);
    ``status`` is a string array.
    """
    fields = fields or ("alpha", "occupation", "current", "current_amplitude", "frequency", "stationary",
                        "stable", "status", "kicks", "max_growth")
    out = {}
    for f in fields:
        v = np.asarray(getattr(state, f))
        if f == "status":
            v = v.astype(str)
        extra = ("site",) if f in ("alpha", "occupation") else ("bond",) if f in ("current", "current_amplitude") else ()
        out[prefix + f] = (tuple(dims) + extra, v)
    return out


def bond_coords(state) -> dict:
    """Coordinates of the ``bond`` axis of a state: end sites and couplings."""
    return {"bond": np.arange(len(state.bonds)), "bond_i": ("bond", state.bonds[:, 0]),
            "bond_j": ("bond", state.bonds[:, 1]), "bond_g": ("bond", state.bond_coupling)}


def require(condition, message: str) -> None:
    """Refuse to draw a figure from states that are not what it shows (a ``RuntimeError``, not an
    ``assert``: it also holds under ``python -O``)."""
    if not bool(condition):
        raise RuntimeError(f"figure data not as expected: {message}")
