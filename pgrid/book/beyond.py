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
from ..symmetry import group_states, symmetries

__all__ = [
    "flux_map",
    "flux_attractors",
    "same_attractors",
    "peak_shape",
    "sde_current_noise",
    "OSCILLATION_AMPLITUDE",
]

#: A point that is not stationary counts as "oscillating" (a sustained oscillation: a limit cycle, or
#: a quasi-periodic or more complex motion; the map does not tell them apart) when a bond current
#: still oscillates with this half peak-to-peak amplitude (units of g) over the last window.
OSCILLATION_AMPLITUDE = 1e-3


def flux_map(
    n_sites: int,
    loss_sites: Sequence[int],
    fluxes,
    losses,
    *,
    gain: float = 4.0,
    n0: float = 1.0,
    gamma: float,
    **options,
) -> dict:
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
        nets = [
            ring(
                n_sites,
                gain={0: Reservoir(gain, n0=n0)},
                loss={s: Reservoir(b, n0=n0) for s in loss_sites},
                gamma=gamma,
                flux=phi,
            )
            for b in losses
        ]
        st = steady_state(nets, **options)
        amp = np.max(st.current_amplitude, axis=-1)
        status = np.asarray(st.status).astype(object)
        status[(status == "not stationary") & (amp > OSCILLATION_AMPLITUDE)] = "oscillating"
        out["status"].append(status.astype(str))
        out["inflow"].append(site_inflow(nets[0], st.current))
        out["order_parameter"].append(
            np.where(st.stationary, [order_parameter(n, a) for n, a in zip(nets, st.alpha)], np.nan)
        )
        out["current_amplitude"].append(amp)
        out["alpha"].append(st.alpha)
    res = {k: np.asarray(v) for k, v in out.items()}
    res.update(flux=fluxes, loss=losses)
    return res


def flux_attractors(
    n_sites: int,
    loss_sites: Sequence[int],
    fluxes,
    losses,
    *,
    n_starts: int = 24,
    gain: float = 4.0,
    n0: float = 1.0,
    gamma: float,
    seed: int = 0,
    max_attractors: int = 6,
    **options,
) -> dict:
    r"""Where random starts end on the rings of :func:`flux_map`: multistability measured, not assumed.

    Every point of the grid ``fluxes`` x ``losses`` is solved from ``n_starts`` complex Gaussian
    starts of scale :math:`\sqrt{n_0}` (``init="random"``, ``seed``); the stable states are grouped
    up to a symmetry of the network (:func:`pgrid.equivalent`: a mirror image is the same attractor).

    Returns
    -------
    dict of arrays, leading axes (flux, loss)
        ``share`` (..., K): fraction of the starts reaching each stable attractor (largest first, NaN
        padded; K = ``max_attractors``, further ones are counted in ``other``); ``inflow`` (..., K, N):
        :func:`pgrid.site_inflow` of each; ``n_attractors``; ``not_stationary`` (share of starts still
        moving after their kick); ``other`` (unstable, marginal, diverged, or beyond K); and the axes.
    """
    fluxes = np.asarray(fluxes, float)
    losses = np.asarray(losses, float)
    nf, nl, k_max = fluxes.size, losses.size, int(max_attractors)
    share = np.full((nf, nl, k_max), np.nan)
    inflow = np.full((nf, nl, k_max, n_sites), np.nan)
    n_att = np.zeros((nf, nl), int)
    moving = np.zeros((nf, nl))
    other = np.zeros((nf, nl))
    for f, phi in enumerate(fluxes):
        nets = [
            ring(
                n_sites,
                gain={0: Reservoir(gain, n0=n0)},
                loss={s: Reservoir(b, n0=n0) for s in loss_sites},
                gamma=gamma,
                flux=phi,
            )
            for b in losses
        ]
        batch = [x for x in nets for _ in range(n_starts)]
        st = steady_state(batch, init="random", seed=seed, amplitude=float(np.sqrt(n0)), **options)
        syms = symmetries(nets[0])  # the same for every loss: equal loss on every loss site
        for b, net in enumerate(nets):
            part = st[b * n_starts : (b + 1) * n_starts]
            first, counts = group_states(net, part.alpha, part.status == "stable", syms=syms)
            n_att[f, b] = len(first)
            for j in range(min(k_max, len(first))):
                share[f, b, j] = counts[j] / n_starts
                inflow[f, b, j] = site_inflow(net, part.current[first[j]])
            moving[f, b] = np.mean(part.status == "not stationary")
            other[f, b] = 1.0 - moving[f, b] - np.nansum(share[f, b])
    return dict(
        share=share,
        inflow=inflow,
        n_attractors=n_att,
        not_stationary=moving,
        other=other,
        flux=fluxes,
        loss=losses,
        n_starts=int(n_starts),
    )


def same_attractors(
    att: dict, f: int, b: int, f2: int, b2: int, *, sites, min_share: float = 0.3, tol: float = 1e-6
) -> float:
    """Largest distance from an attractor of point (f, b) with share at least ``min_share`` to the
    nearest attractor of point (f2, b2), comparing the inflows into ``sites`` (sorted): 0 when
    every well-sampled attractor of the one point is found at the other.  Missing: ``inf``."""
    worst = 0.0
    for j in range(att["share"].shape[-1]):
        if not att["share"][f, b, j] >= min_share:
            continue
        x = np.sort(att["inflow"][f, b, j][list(sites)])
        best = np.inf
        for j2 in range(att["share"].shape[-1]):
            if np.isnan(att["share"][f2, b2, j2]):
                continue
            y = np.sort(att["inflow"][f2, b2, j2][list(sites)])
            best = min(best, float(np.max(np.abs(x - y))))
        worst = max(worst, best)
    return worst


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
    return {
        "position": float(x[k]),
        "height": float(y[k]),
        "width": float(right - left),
        "right_width": float(right - x[k]),
    }


def _sde_point(k, *, n_sites, n0, gamma, losses, gain, dt, t_relax, t_sample, n_traj, first_seed):
    from ..sde import simulate
    from .precompute import beyond_network

    net = beyond_network(
        "chain", n_sites=n_sites, gain=gain, loss=float(losses[k]), n0=n0, gamma=gamma
    )
    ens = simulate(
        net, dt=dt, t_relax=t_relax, t_sample=t_sample, n_traj=n_traj, seed=first_seed + k
    )
    return {"delta_j": ens.current_std_operator[-1], "current": ens.current_mean[-1]}


def sde_current_noise(
    n_sites: int,
    n0: float,
    gamma: float,
    losses,
    *,
    gain: float = 4.0,
    dt: float = 0.02,
    t_relax: float = 200.0,
    t_sample: float,
    n_traj: int = 32,
    seed: int = 1,
):
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
    res = sweep(
        _sde_point,
        {"k": range(len(losses))},
        progress=False,
        n_sites=n_sites,
        n0=n0,
        gamma=gamma,
        losses=tuple(float(x) for x in losses),
        gain=gain,
        dt=dt,
        t_relax=t_relax,
        t_sample=t_sample,
        n_traj=n_traj,
        first_seed=seed,
    )  # not sweep's seed=, which derives a seed per point
    return np.array([res["delta_j"], res["current"]])
