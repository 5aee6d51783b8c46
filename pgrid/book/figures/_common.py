"""Helpers shared by the figure modules: datasets with their parameters, states as variables."""

from __future__ import annotations

import json

import numpy as np

from ...xarray_io import (
    _jsonable,
)  # parameters to JSON: the one converter the results' attributes use


def dataset(data_vars: dict, coords: dict, *, parameters: dict, description: str, **attrs):
    """An ``xarray.Dataset`` with ``parameters`` (JSON) and ``description`` attributes."""
    import xarray as xr

    return xr.Dataset(
        data_vars,
        coords=coords,
        attrs={
            "description": description,
            "parameters": json.dumps(_jsonable(parameters)),
            **attrs,
        },
    )


def parameters(ds) -> dict:
    """The ``parameters`` attribute of a figure dataset, decoded."""
    return json.loads(ds.attrs["parameters"])


def state_vars(state, dims: tuple, *, prefix: str = "", fields=None) -> dict:
    """Variables of a :class:`pgrid.SteadyState` batch, its batch axes named ``dims``.

    Each field becomes ``prefix + field`` with dimensions ``dims`` (+ ``site`` or ``bond``);
    ``status`` is a string array.
    """
    fields = fields or (
        "alpha",
        "occupation",
        "current",
        "current_amplitude",
        "frequency",
        "stationary",
        "stable",
        "status",
        "kicks",
        "max_growth",
    )
    out = {}
    for f in fields:
        v = np.asarray(getattr(state, f))
        if f == "status":
            v = v.astype(str)
        extra = (
            ("site",)
            if f in ("alpha", "occupation")
            else ("bond",)
            if f in ("current", "current_amplitude")
            else ()
        )
        out[prefix + f] = (tuple(dims) + extra, v)
    return out


def bond_coords(state) -> dict:
    """Coordinates of the ``bond`` axis of a state: end sites and couplings."""
    return {
        "bond": np.arange(len(state.bonds)),
        "bond_i": ("bond", state.bonds[:, 0]),
        "bond_j": ("bond", state.bonds[:, 1]),
        "bond_g": ("bond", state.bond_coupling),
    }


def require(condition, message: str) -> None:
    """Refuse to draw a figure from states that are not what it shows (a ``RuntimeError``, not an
    ``assert``: it also holds under ``python -O``)."""
    if not bool(condition):
        raise RuntimeError(f"figure data not as expected: {message}")


def follow_branch(
    paths, on_branch, *, init="seed", t_max=2e3, stage: int = 25, states: list = None
):
    """Follow one branch of stationary states along each path by Newton continuation, stopping where
    the path leaves it.

    ``paths``: a list of paths (lists of networks, the parameter ordered along the path);
    ``on_branch(state, paths)``: a boolean array (paths, points) marking the states that belong to the
    branch (stable ones, with the branch's frequency, order parameter, ...).  Every point continues
    from the previous point's state (:func:`pgrid.steady_state` with ``continuation=True``, Newton
    first).  The paths are computed ``stage`` points at a time, each stage starting from the last
    state of the one before (one start per path), and only the paths still on the branch go on, so
    hardly any time goes into integrating states after a path has left the branch.  Returns
    ``(on, result)``: the branch mask (False from a path's first miss on) and the
    :class:`pgrid.SteadyState` fields ``alpha``, ``current`` (last bond), ``frequency`` as arrays
    (paths, points), NaN off the branch.  ``states``, if given, receives every batch computed.
    """
    from ...deterministic import steady_state

    n_paths, n_pts = len(paths), len(paths[0])
    n = paths[0][0].n_sites
    on = np.zeros((n_paths, n_pts), bool)
    out = {
        "alpha": np.full((n_paths, n_pts, n), np.nan, complex),
        "current": np.full((n_paths, n_pts), np.nan),
        "frequency": np.full((n_paths, n_pts), np.nan),
    }
    active = np.arange(n_paths)
    start, first = init, 0
    while active.size and first < n_pts:
        last = min(n_pts, first + stage)
        batch = [paths[i][first:last] for i in active]
        if not isinstance(start, str):  # every path from its own last state
            start = np.repeat(start, last - first, axis=0)
        s = steady_state(batch, continuation=True, init=start, t_max=t_max)
        if states is not None:
            states.append((batch, s))
        hit = np.cumprod(on_branch(s, batch), axis=1).astype(bool)
        for k, i in enumerate(active):
            pts = np.nonzero(hit[k])[0]
            on[i, first + pts] = True
            out["alpha"][i, first + pts] = s.alpha[k, pts]
            out["current"][i, first + pts] = s.current[k, pts, -1]
            out["frequency"][i, first + pts] = s.frequency[k, pts]
        keep = hit[:, -1]
        active, start, first = active[keep], s.alpha[keep, -1], last
    return on, out
