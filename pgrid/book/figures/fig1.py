"""Fig. 1: the network, drawn from a :class:`pgrid.Network` (chapter ``model``)."""

from __future__ import annotations

import numpy as np

from ...network import chain
from ...xarray_io import network_attrs, network_from_attrs
from ._common import dataset


def compute(
    *,
    n_sites: int = 6,
    gain: float = 4.0,
    loss: float = 2.0,
    gamma: float = 1e-3,
    n_th: float = 10.0,
):
    """The chain of Fig. 1 (gain on site 1, loss on site N, a bath on every site) as a dataset:
    its coupling matrix and per-site bath, and the whole network as the ``pgrid_network`` attribute."""
    net = chain(n_sites, gain=gain, loss=loss, gamma=gamma, n_th=n_th)
    site = np.arange(n_sites)
    return dataset(
        {
            "coupling": (("site", "site_2"), net.coupling),
            "gamma": ("site", net.gamma),
            "n_th": ("site", net.n_th),
        },
        {"site": site, "site_2": site},
        parameters=dict(n_sites=n_sites, gain=gain, loss=loss, gamma=gamma, n_th=n_th),
        description="Fig. 1: the chain (coupling g = 1, rates in units of g)",
        **network_attrs(net),
    )


def plot(ds):
    """Fig. 1 drawn by :func:`pgrid.plotting.draw_network` from the dataset's network."""
    from ...plotting import draw_network

    ax = draw_network(network_from_attrs(ds.attrs))
    return ax.figure
