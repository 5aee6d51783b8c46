r"""Fig. S7: a weaker saturation, :math:`\nu = 1`, and limit cycles (chapter ``universality``).

(a) the current over the :math:`(\Gamma_i, \Gamma_e)` plane at :math:`\gamma = 10^{-2}g` (45 x 60
points, protocol A), with the region without a stationary state; its inset, the current of the
limit cycle at :math:`\Gamma_i = 5g`, :math:`\Gamma_e = 6g` against time (the noise-free equations
integrated with SciPy's ``solve_ivp`` from the state the sweep ended in); (b)-(d) cuts at
:math:`\Gamma_i = 0.5g, 2g, 4g` and :math:`\gamma = 10^{-3}g` (150 points each).
"""

from __future__ import annotations

import numpy as np

from ...deterministic import drift, steady_state
from ._common import dataset, require
from .universality import N, sweep_ge
from .universality import chain as uchain

CUTS = (0.5, 2.0, 4.0)
LIMIT_CYCLE = (5.0, 6.0)  # (Gamma_i, Gamma_e) of the inset


def cut_losses(gi):
    """The Gamma_e grid of the cut at Gamma_i = gi: 150 points up to 3 Gamma_i (10 g for Gamma_i >= 4g)."""
    return np.linspace(0.05, 3 * gi if gi < 4 else 10.0, 150)


def compute():
    """The map, the limit-cycle time series and the three cuts of Fig. S7."""
    from scipy.integrate import solve_ivp

    gi7 = np.linspace(0.1, 6.0, 45)
    ge7 = np.linspace(0.1, 8.0, 60)
    s7 = steady_state(
        [[uchain(a, b, nu=1.0, gamma=1e-2) for b in ge7] for a in gi7],
        continuation=True,
        init="mode",
        t_max=1e4,
    )
    require(not np.any(s7.status == "unstable"), "no unstable fixed points in the map")
    i_lc, j_lc = np.argmin(np.abs(gi7 - LIMIT_CYCLE[0])), np.argmin(np.abs(ge7 - LIMIT_CYCLE[1]))
    net_lc = uchain(gi7[i_lc], ge7[j_lc], nu=1.0, gamma=1e-2)
    require(not s7.stable[i_lc, j_lc], "no stable state at the limit-cycle point")

    def rhs(t, y):
        a = y[:N] + 1j * y[N:]
        d = drift(net_lc, a)
        return np.concatenate([d.real, d.imag])

    a0 = s7.alpha[i_lc, j_lc]
    t_lc = np.linspace(0, 2000, 20001)
    sol = solve_ivp(
        rhs, (0, 2000), np.concatenate([a0.real, a0.imag]), t_eval=t_lc, rtol=1e-8, atol=1e-10
    )
    a_t = sol.y[:N] + 1j * sol.y[N:]
    J_t = np.imag(np.conj(a_t[-2]) * a_t[-1])
    cuts = [sweep_ge(cut_losses(gi), gi=gi, nu=1.0, gamma=1e-3) for gi in CUTS]
    cut_vars = {}
    for k, (_gi, c) in enumerate(zip(CUTS, cuts)):
        for f in ("current", "current_amplitude", "stable", "status", "occupation"):
            v = np.asarray(c[f]).astype(str) if f == "status" else c[f]
            extra = ("bond",) if f.startswith("current") else ("site",) if f == "occupation" else ()
            cut_vars[f"cut{k}_{f}"] = ((f"cut{k}_loss",) + extra, v)
    return dataset(
        {
            "current": (("gain", "loss", "bond"), s7.current),
            "current_amplitude": (("gain", "loss", "bond"), s7.current_amplitude),
            "stable": (("gain", "loss"), s7.stable),
            "status": (("gain", "loss"), s7.status.astype(str)),
            "alpha": (("gain", "loss", "site"), s7.alpha),
            "limit_cycle_current": ("time", J_t),
            **cut_vars,
        },
        {
            "gain": gi7,
            "loss": ge7,
            "site": np.arange(N),
            "time": t_lc,
            **{f"cut{k}_loss": cut_losses(gi) for k, gi in enumerate(CUTS)},
            "cut_gain": list(CUTS),
        },
        parameters=dict(
            n_sites=N,
            nu=1.0,
            map=dict(gamma=1e-2, init="mode", t_max=1e4),
            limit_cycle=dict(gain=float(gi7[i_lc]), loss=float(ge7[j_lc]), rtol=1e-8, atol=1e-10),
            cuts=dict(gains=list(CUTS), gamma=1e-3, init="mode", t_max=2e4),
        ),
        description="Fig. S7: nu = 1; the map over (gain = Gamma_i, loss = Gamma_e) at gamma = 1e-2 g "
        "(currents in g n0, time averages where not stable), the limit cycle's current against "
        "time (1/g), the cuts cut0..cut2 at Gamma_i = cut_gain, gamma = 1e-3 g",
    )


def plot(ds):
    """Fig. S7: (a) the map with the limit-cycle region hatched and the limit cycle as inset; (b)-(d) cuts."""
    import matplotlib.pyplot as plt

    gi7, ge7 = ds.gain.values, ds.loss.values
    moving = ~ds.stable.values
    J7 = ds.current.values[..., -1]
    t_lc, J_t = ds.time.values, ds.limit_cycle_current.values
    fig, axs = plt.subplots(1, 4, figsize=(14, 3.8), gridspec_kw={"wspace": 0.45})
    im = axs[0].pcolormesh(
        gi7, ge7, np.where(moving, np.nan, J7).T, shading="nearest", cmap="viridis", rasterized=True
    )
    axs[0].contourf(
        gi7, ge7, moving.T.astype(float), levels=[0.5, 1.5], hatches=["////"], colors="none"
    )
    axs[0].plot(gi7, gi7, "w--", lw=0.8)
    fig.colorbar(im, ax=axs[0], label=r"$\langle J\rangle/(g n_0)$")
    axs[0].set(
        xlabel=r"$\Gamma_i/g$",
        ylabel=r"$\Gamma_e/g$",
        title=r"(a) $\nu = 1$, $\gamma = 10^{-2}g$",
        ylim=(0.1, 8),
    )
    ins = axs[0].inset_axes([0.08, 0.62, 0.35, 0.3])
    ins.plot(t_lc[t_lc > 1800], J_t[t_lc > 1800], "w", lw=0.8)
    ins.set_xticks([])
    ins.set_yticks([])
    ins.set_facecolor("0.2")
    for k, (ax, gi) in enumerate(zip(axs[1:], ds.cut_gain.values)):
        x = ds[f"cut{k}_loss"].values
        ok = ds[f"cut{k}_stable"].values
        j = ds[f"cut{k}_current"].values[:, -1]
        amp = ds[f"cut{k}_current_amplitude"].values[:, -1]
        ax.plot(x, np.where(ok, j, np.nan), "k")
        ax.fill_between(
            x,
            np.where(ok, np.nan, j - amp),
            np.where(ok, np.nan, j + amp),
            color="C1",
            alpha=0.5,
            lw=0,
        )
        ax.axvline(gi, color="0.6", ls=":")
        top = j[ok].max()
        ax.set(
            xlabel=r"$\Gamma_e/g$",
            title=rf"({'bcd'[k]}) $\Gamma_i = {gi:g}g$, $\gamma = 10^{{-3}}g$",
            ylim=(-0.05 * top, 1.6 * top),
        )  # limit-cycle bands can be far wider: clipped
        if (~ok).any() and amp[~ok].max() > 0.05 * top:
            ax.text(
                0.97,
                0.95,
                f"oscillation up to $\\pm${amp[~ok].max():.0f}",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=8,
                color="C1",
            )
    axs[1].set_ylabel(r"$\langle J\rangle/(g n_0)$")
    return fig
