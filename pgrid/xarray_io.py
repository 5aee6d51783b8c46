r"""Results you can keep: labelled ``xarray`` datasets, netCDF files and back.

:meth:`pgrid.Ensemble.to_xarray`, :meth:`pgrid.SteadyState.to_xarray` and
:meth:`pgrid.SweepResult.to_xarray` share named dimensions (``site``, ``bond``, the sweep
axes; ``trajectory``, ``sample``, ``point``, ``path``) and coordinates (bond end sites
``bond_i``, ``bond_j`` and couplings ``bond_g``), keep each statistical error as a variable
beside its value, and record as attributes what produced them: the network (coupling,
reservoirs, :math:`\gamma`, :math:`N_{\rm th}`, detuning), the run parameters, the seed,
pgrid's version and source hash.  Nested attributes are JSON strings (netCDF attributes are
numbers, strings or 1-D arrays); :func:`network_from_attrs` rebuilds the network, and
:func:`networks_from_dataset` the network of every point of a saved :class:`pgrid.SteadyState`
batch.  A :class:`pgrid.SweepResult` knows no network unless given one
(``result.to_xarray(network=net)``); :func:`pgrid.save` warns when it cannot keep it.

:func:`pgrid.save` writes a result to netCDF with the ``h5netcdf`` engine, which stores complex
arrays (amplitudes, records) natively, so a round trip through :func:`pgrid.load` is exact.

>>> import pgrid, tempfile, os
>>> net = pgrid.chain(2, gain=0.0, loss=0.0, gamma=0.5, n_th=2.0)
>>> ens = pgrid.simulate(net, dt=0.02, t_relax=1.0, t_sample=20.0, n_traj=16, seed=1)
>>> path = os.path.join(tempfile.mkdtemp(), "run.nc")
>>> pgrid.save(ens, path)
>>> back = pgrid.load(path)
>>> bool((back.current_mean == ens.current_mean).all()), int(back.attrs["pgrid_seed"])
(True, 1)
>>> pgrid.xarray_io.network_from_attrs(back.attrs) == net
True
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Mapping, Optional, Sequence

import numpy as np

__all__ = [
    "save",
    "load",
    "network_attrs",
    "network_from_attrs",
    "networks_variables",
    "networks_from_dataset",
    "value_dims",
    "bond_coords",
    "ENGINE",
]

#: The netCDF engine: HDF5 through h5netcdf, which round-trips complex arrays.
ENGINE = "h5netcdf"

_CONVENTIONS = (
    ("current", ("bond",)),
    ("occupation", ("site",)),
    ("histogram", ("site", "hist_re", "hist_im")),
    ("hist_edges", ("hist_edge",)),
    ("alpha", ("site",)),
)


def value_dims(
    name: str, n_extra: int, dims: Optional[Mapping[str, Sequence[str]]] = None
) -> tuple:
    """Names of the value axes of quantity ``name`` (see :meth:`pgrid.SweepResult.to_xarray`)."""
    if n_extra == 0:
        return ()
    if dims and name in dims:
        given = tuple(dims[name])
        if len(given) != n_extra:
            raise ValueError(
                f"`dims[{name!r}]` names {len(given)} axes, but the quantity has {n_extra} value axes."
            )
        return given
    for prefix, names in _CONVENTIONS:
        if name.startswith(prefix) and len(names) == n_extra:
            return names
    return tuple(f"{name}_dim{k}" for k in range(n_extra))


def bond_coords(net) -> dict:
    """Coordinates of the ``bond`` dimension: end sites and coupling of each bond of ``net`` (a
    :class:`pgrid.Network`, or a result that carries ``bonds`` and ``bond_coupling``)."""
    return {
        "bond_i": ("bond", np.asarray(net.bonds[:, 0])),
        "bond_j": ("bond", np.asarray(net.bonds[:, 1])),
        "bond_g": ("bond", np.asarray(net.bond_coupling)),
    }


def _reservoirs(table) -> dict:
    return {str(s): [r.rate, r.n0, r.nu] for s, r in table.items()}


def network_attrs(net) -> dict:
    """The network as one JSON attribute, ``pgrid_network`` (exact: floats in repr precision)."""
    spec = {
        "coupling": np.asarray(net.coupling).real.tolist(),
        "gamma": np.asarray(net.gamma).tolist(),
        "n_th": np.asarray(net.n_th).tolist(),
        "detuning": np.asarray(net.detuning).tolist(),
        "gain": _reservoirs(net.gain),
        "loss": _reservoirs(net.loss),
    }
    if net.is_complex:  # a flux: the imaginary parts beside the real ones
        spec["coupling_imag"] = np.asarray(net.coupling).imag.tolist()
    return {"pgrid_network": json.dumps(spec)}


def network_from_attrs(attrs: Mapping):
    """The :class:`pgrid.Network` recorded by :func:`network_attrs` in a dataset's attributes."""
    from .network import Network, Reservoir

    if "pgrid_network" not in attrs:
        if "pgrid_network_first" in attrs:
            raise KeyError(
                "this dataset holds one network per point (a batch with different rates): read them "
                "with pgrid.xarray_io.networks_from_dataset(ds)"
            )
        raise KeyError(
            "this dataset records no network ('pgrid_network' attribute); a SweepResult records one "
            "only when given: result.to_xarray(network=net), then pgrid.save that dataset"
        )
    spec = json.loads(attrs["pgrid_network"])
    res = lambda table: {int(s): Reservoir(*v) for s, v in table.items()}  # noqa: E731
    coupling = _coupling(spec)
    return Network(
        coupling,
        gamma=spec["gamma"],
        n_th=spec["n_th"],
        detuning=spec["detuning"],
        gain=res(spec["gain"]),
        loss=res(spec["loss"]),
    )


_RES_FIELDS = ("rate", "n0", "nu")


def _coupling(spec: dict) -> np.ndarray:
    """The coupling matrix of a network spec written by :func:`network_attrs` (complex with a flux)."""
    coupling = np.asarray(spec["coupling"], float)
    if "coupling_imag" in spec:
        coupling = coupling + 1j * np.asarray(spec["coupling_imag"], float)
    return coupling


def networks_variables(networks: np.ndarray, lead: tuple) -> tuple:
    """Data variables and attributes that record an object array of networks (one per point, dims
    ``lead``): one ``pgrid_network`` attribute if they are all equal; else the first as
    ``pgrid_network_first`` and what may differ per point (a batch shares the coupling) as
    ``network_gamma``, ``network_n_th``, ``network_detuning`` (point, site) and ``network_gain_rate``,
    ``_n0``, ``_nu``, ``network_loss_*`` (NaN where a site has no reservoir)."""
    flat = list(np.asarray(networks, dtype=object).reshape(-1))
    specs = [network_attrs(nt)["pgrid_network"] for nt in flat]
    if all(x == specs[0] for x in specs):
        return {}, {"pgrid_network": specs[0]}
    n = flat[0].n_sites
    shape = np.shape(networks)
    out = {}
    for name in ("gamma", "n_th", "detuning"):
        out[f"network_{name}"] = (
            lead + ("site",),
            np.array([np.asarray(getattr(nt, name), float) * np.ones(n) for nt in flat]).reshape(
                shape + (n,)
            ),
        )
    for kind in ("gain", "loss"):
        for k, field in enumerate(_RES_FIELDS):
            arr = np.full((len(flat), n), np.nan)
            for p, nt in enumerate(flat):
                for site, r in getattr(nt, kind).items():
                    arr[p, site] = (r.rate, r.n0, r.nu)[k]
            out[f"network_{kind}_{field}"] = (lead + ("site",), arr.reshape(shape + (n,)))
    return out, {"pgrid_network_first": specs[0]}


def networks_from_dataset(ds) -> np.ndarray:
    """The networks a saved :class:`pgrid.SteadyState` or :class:`pgrid.LinearNoise` recorded: an
    object array of :class:`pgrid.Network` with the batch's shape (0-d for one network)."""
    from .network import Network, Reservoir

    if "status" not in ds:
        raise KeyError(
            "this dataset records no networks: networks_from_dataset reads what pgrid.save wrote for a "
            "SteadyState or LinearNoise (a sweep keeps its network with to_xarray(network=net))"
        )
    lead = tuple(d for d in ds["status"].dims)
    shape = tuple(ds.sizes[d] for d in lead)
    if "pgrid_network" in ds.attrs:
        net = network_from_attrs(ds.attrs)
        arr = np.empty(int(np.prod(shape)) if shape else 1, dtype=object)
        arr[:] = [net] * arr.size
        return arr.reshape(shape)
    if "pgrid_network_first" not in ds.attrs:
        raise KeyError(
            "this dataset records no networks (saved by a pgrid older than 0.1, or not a SteadyState or "
            "LinearNoise)"
        )
    coupling = _coupling(json.loads(ds.attrs["pgrid_network_first"]))
    flat = {
        k: ds[k].values.reshape(-1, ds[k].shape[-1])
        for k in ds.data_vars
        if k.startswith("network_")
    }
    nets = []
    for p in range(flat["network_gamma"].shape[0]):
        tables = {}
        for kind in ("gain", "loss"):
            rate, n0, nu = (flat[f"network_{kind}_{f}"][p] for f in _RES_FIELDS)
            tables[kind] = {
                int(s): Reservoir(rate[s], n0[s], nu[s]) for s in np.flatnonzero(~np.isnan(rate))
            }
        nets.append(
            Network(
                coupling,
                gamma=flat["network_gamma"][p],
                n_th=flat["network_n_th"][p],
                detuning=flat["network_detuning"][p],
                gain=tables["gain"],
                loss=tables["loss"],
            )
        )
    arr = np.empty(len(nets), dtype=object)
    arr[:] = nets
    return arr.reshape(shape)


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, complex):
        return [value.real, value.imag]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


def provenance_attrs() -> dict:
    from . import __version__
    from .provenance import source_hash

    return {"pgrid_version": __version__, "pgrid_source_hash": source_hash()}


def options_attr(name: str, value) -> dict:
    """An options dataclass (or any dataclass) as a JSON attribute."""
    return {} if value is None else {name: json.dumps(_jsonable(value))}


def save(result, path: str | os.PathLike) -> None:
    """Write a result (anything with ``to_xarray()``, or an ``xarray.Dataset``) to a netCDF file."""
    import xarray as xr

    if not (hasattr(result, "to_xarray") or isinstance(result, xr.Dataset)):
        raise TypeError(
            f"pgrid.save takes a pgrid result (SteadyState, Ensemble, LinearNoise, SweepResult: "
            f"anything with to_xarray()) or an xarray.Dataset, got {type(result).__name__}."
        )
    if hasattr(result, "to_xarray") and type(result).__name__ == "SweepResult":
        import warnings

        warnings.warn(
            "pgrid.save: a SweepResult does not know its network(s); to keep one, save "
            "result.to_xarray(network=net) instead",
            UserWarning,
            stacklevel=2,
        )
    ds = result.to_xarray() if hasattr(result, "to_xarray") else result
    ds.to_netcdf(path, engine=ENGINE)


def load(path: str | os.PathLike):
    """Read a netCDF file written by :func:`pgrid.save` into memory (an ``xarray.Dataset``; the file is closed)."""
    import xarray as xr

    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds.load()
