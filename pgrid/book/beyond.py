r"""Numerics of the chapter "Beyond the paper": flux maps of loops and the shape of a fluctuation peak.

The networks are :func:`pgrid.book.precompute.beyond_network` (chains and rings with gain on
site 0, saturation number ``n0`` on every reservoir, no thermal noise unless asked).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..deterministic import order_parameter, steady_state
from ..network import Reservoir, ring, site_inflow
from ..sweeps import sweep

__all__ = ["flux_map", "peak_shape", "sde_current_noise", "OSCILLATION_AMPLITUDE"]

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


def _sde_point(k, *, n_sites, n0, gamma, losses, gain, dt, t_relax, t_sample, n_traj, first_seed):
    from ..sde import simulate
    from .precompute import beyond_network
    net = beyond_network("chain", n_sites=n_sites, gain=gain, loss=float(losses[k]), n0=n0, gamma=gamma)
    ens = simulate(net, dt=dt, t_relax=t_relax, t_sample=t_sample, n_traj=n_traj, seed=first_seed + k)
    return {"delta_j": ens.current_std_operator[-1], "current": ens.current_mean[-1]}


def sde_current_noise(n_sites: int, n0: float, gamma: float, losses, *, gain: float = 4.0, dt: float = 0.02,
                      t_relax: float = 200.0, t_sample: float, n_traj: int = 32, seed: int = 1):
    r"""Operator :math:`\Delta J` (P-function spread plus the vacuum term, Eq. S45) and mean current
    on the last bond (into the loss site) of a :func:`~pgrid.book.precompute.beyond_network` chain,
    from the SDE at every loss rate of ``losses``.

    Point k runs :func:`pgrid.simulate` with seed ``seed + k``; the points run side by side
    (:func:`pgrid.sweep`, one per core), so the result is the same for any number of threads.

    Returns
    -------
    ndarray, shape (2, len(losses))
        :math:`\Delta J` and :math:`\langle J\rangle`.
    """
    res = sweep(_sde_point, {"k": range(len(losses))}, progress=False, n_sites=n_sites, n0=n0, gamma=gamma,
                losses=tuple(float(x) for x in losses), gain=gain, dt=dt, t_relax=t_relax, t_sample=t_sample,
                n_traj=n_traj, first_seed=seed)       # not sweep's seed=, which derives a seed per point
    return np.array([res["delta_j"], res["current"]])
