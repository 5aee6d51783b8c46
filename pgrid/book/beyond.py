r"""Numerics of the chapter "Beyond the paper": flux maps of loops and the shape of a fluctuation peak.

The networks are :func:`pgrid.book.precompute.beyond_network` (chains and rings with gain on
site 0, saturation number ``n0`` on every reservoir, no thermal noise unless asked).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..deterministic import order_parameter, steady_state
from ..network import Reservoir, ring, site_inflow

__all__ = ["flux_map", "peak_shape", "OSCILLATION_AMPLITUDE"]

#: A point that is not stationary counts as "oscillating" (a sustained oscillation: a limit cycle, or
#: a quasi-periodic or more complex motion; the map does not tell them apart) when a bond current
#: still oscillates with this half peak-to-peak amplitude (units of g) over the last window.
OSCILLATION_AMPLITUDE = 1e-3


def flux_map(n_sites: int, loss_sites: Sequence[int], fluxes, losses, *, gain: float = 4.0, n0: float = 1.0,
             gamma: float, **options) -> dict:
    r"""Noise-free long-time states of a ring (gain on site 0, loss :math:`\Gamma_e` on each of
    ``loss_sites``) on the grid ``fluxes`` x ``losses``.

    One :func:`pgrid.steady_state` call per flux (the networks of a call share the coupling).

    Returns
    -------
    dict of arrays, leading axes (flux, loss)
        ``inflow`` (..., N): mean current into every site (:func:`pgrid.site_inflow`; for a loss
        site the power it absorbs plus its bath loss; the time average where not stationary);
        ``status`` (the solver's, with ``"oscillating"`` for a point that is not stationary and
        whose currents oscillate by more than :data:`OSCILLATION_AMPLITUDE`); ``order_parameter`` (:func:`pgrid.order_parameter`,
        NaN where not stationary); ``current_amplitude`` (largest over the bonds); ``alpha``;
        and the axes ``flux``, ``loss``.
    """
    fluxes = np.asarray(fluxes, float)
    losses = np.asarray(losses, float)
    keys = ("inflow", "status", "order_parameter", "current_amplitude", "alpha")
    out = {k: [] for k in keys}
    for phi in fluxes:
        nets = [ring(n_sites, gain={0: Reservoir(gain, n0=n0)},
                     loss={s: Reservoir(b, n0=n0) for s in loss_sites}, gamma=gamma, flux=phi) for b in losses]
        st = steady_state(nets, **options)
        amp = np.max(st.current_amplitude, axis=-1)
        status = np.asarray(st.status).astype(object)
        status[(status == "not stationary") & (amp > OSCILLATION_AMPLITUDE)] = "oscillating"
        out["status"].append(status.astype(str))
        out["inflow"].append(site_inflow(nets[0], st.current))
        out["order_parameter"].append(np.where(st.stationary, [order_parameter(n, a) for n, a in zip(nets, st.alpha)],
                                               np.nan))
        out["current_amplitude"].append(amp)
        out["alpha"].append(st.alpha)
    res = {k: np.asarray(v) for k, v in out.items()}
    res.update(flux=fluxes, loss=losses)
    return res


def peak_shape(x, y, *, baseline: float | None = None) -> dict:
    """Position, height and width at half height (above ``baseline``, default the last value)
    of the highest maximum of ``y(x)``; the crossings from linear interpolation between grid points.

    Returns
    -------
    dict with ``position``, ``height``, ``width`` (full width; NaN if the peak is not closed on the
    grid) and ``right_width`` (from the maximum to the half-height crossing above it).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    base = float(y[-1]) if baseline is None else float(baseline)
    k = int(np.nanargmax(y))
    half = base + 0.5 * (y[k] - base)

    def crossing(indices):
        for a, b in zip(indices[:-1], indices[1:]):
            if y[b] < half <= y[a]:
                return x[a] + (half - y[a]) * (x[b] - x[a]) / (y[b] - y[a])
        return np.nan

    left = crossing(list(range(k, -1, -1)))
    right = crossing(list(range(k, len(x))))
    return {"position": float(x[k]), "height": float(y[k]), "width": float(right - left),
            "right_width": float(right - x[k])}
