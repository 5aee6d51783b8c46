r"""Fig. 3: current fluctuations in the thermal regime (chapter ``fluctuations``).

The chain of Fig. 3: :math:`N = 6`, :math:`\Gamma_i = 4g`, :math:`\gamma = 10^{-3}g`,
:math:`n_0 = 100` on both reservoirs, :math:`N_{\rm th} = 10\,n_0`.  (a) mean current and
fluctuations, (b) single-site distributions, (c) relaxation time (noise free), (d) the order
parameter.  Panels (a), (b) and (d) share one SDE sweep (:func:`runs`, cached by
:func:`pgrid.sweep`).  Currents in units of :math:`g n_0`.
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ...deterministic import order_parameter, relaxation_time, stability, steady_state
from ...network import Reservoir, chain
from ...sde import simulate
from ...sweeps import sweep
from ._common import dataset, parameters, require

N, GI, GAMMA, N0 = 6, 4.0, 1e-3, 100.0
NTH = 10 * N0
DT = 0.02
#: The thermal current-noise level g N_th / sqrt(2) (Eq. S45, P function), units of g n0.
THERMAL = analytic.s45_current_std(NTH, quantum=False) / N0
#: The 40 extraction rates of panels (a), (b), (d).
GE_A = np.linspace(0.25, 10, 40)
HIST_OPTS = {"scale": np.sqrt(N0), "lim": 10.0, "bins": 80}


def thermal_chain(n, ge, *, gi=GI, gamma=GAMMA, n_th=NTH):
    """The chain of Fig. 3: saturation number n0 on both reservoirs."""
    return chain(n, gain=Reservoir(gi, n0=N0), loss=Reservoir(ge, n0=N0), gamma=gamma, n_th=n_th)


def fig3a_point(ge, seed):
    """One point of Fig. 3(a): the N = 6 chain's statistics (with histograms) at Gamma_e = ge."""
    slow = ge < 1.5 or abs(ge - GI) <= 1.0 or ge >= 8.5  # slow or rare-excursion regions
    n_traj = 64 if abs(ge - GI) <= 1.0 else 32
    return simulate(
        thermal_chain(N, ge),
        dt=DT,
        t_relax=5e3,
        t_sample=4e4 if slow else 2e4,
        n_traj=n_traj,
        seed=seed,
        sample_every=5,
        histogram=HIST_OPTS,
    ).statistics()


def runs():
    r"""The SDE sweep behind panels (a), (b), (d): 40 values of :math:`\Gamma_e` over 0.25–10g; 32
    trajectories (64 within g of the transition), relaxation :math:`5\times10^3/g`, sampling
    :math:`2\times10^4/g` (:math:`4\times10^4/g` where the dynamics is slow), :math:`dt = 0.02/g`,
    with histograms of :math:`\alpha_\ell/\sqrt{n_0}`.  Cached (``pgrid.sweep(cache=True)``)."""
    return sweep(fig3a_point, {"ge": GE_A}, seed=100, cache=True, desc="Fig. 3(a)")


_RUN_PARAMETERS = dict(
    n_sites=N,
    gain=GI,
    gamma=GAMMA,
    n0=N0,
    n_th=NTH,
    dt=DT,
    t_relax=5e3,
    t_sample="4e4 where Gamma_e < 1.5 g, |Gamma_e - Gamma_i| <= g or Gamma_e >= 8.5 g, else 2e4",
    n_traj="64 within g of Gamma_i, else 32",
    sample_every=5,
    seed=100,
    histogram=HIST_OPTS,
)


def compute_a():
    """Fig. 3(a): mean current and its spread at the loss site (units of g n0), with the whole
    statistics of every run (per bond and site, histograms left out)."""
    res = runs()
    ds = res.to_xarray(network=thermal_chain(N, 1.0)).drop_vars(["histogram", "hist_edges"])
    return dataset(
        {
            **{k: ds[k] for k in ds.data_vars},
            "J": ("ge", res["current_mean"][:, -1] / N0),
            "J_err": ("ge", res["current_mean_err"][:, -1] / N0),
            "dJ": ("ge", res["current_std"][:, -1] / N0),
            "dJ_err": ("ge", res["current_std_err"][:, -1] / N0),
        },
        dict(ds.coords),
        parameters=_RUN_PARAMETERS,
        thermal_level=THERMAL,
        network="pgrid_network: the chain at Gamma_e = 1 g (the loss rate is the ge axis)",
        pgrid_network=ds.attrs["pgrid_network"],
        description="Fig. 3(a): SDE statistics of the N = 6 chain against Gamma_e (ge, units of g); J, dJ: "
        "mean and spread (P function) of the current into the loss site, units of g n0; "
        "thermal_level: g N_th/sqrt(2) in g n0",
    )


def plot_a(ds):
    """Fig. 3(a): <J> with the band <J> +- Delta J, the thermal level; Delta J on a log scale."""
    import matplotlib.pyplot as plt

    ge_a, J, J_err, dJ, dJ_err = (
        ds.ge.values,
        ds.J.values,
        ds.J_err.values,
        ds.dJ.values,
        ds.dJ_err.values,
    )
    thermal = ds.attrs["thermal_level"]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    ax.fill_between(
        ge_a, J - dJ, J + dJ, alpha=0.3, color="C0", lw=0, label=r"$\langle J\rangle\pm\Delta J$"
    )
    ax.errorbar(ge_a, J, J_err, color="C0", label=r"$\langle J\rangle$")
    for s in (1, -1):
        ax.axhline(
            s * thermal, color="0.3", ls="--", lw=1, label="thermal equilibrium" if s == 1 else None
        )
    ax.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$J / (g n_0)$",
        title=r"(a) $N = 6$, $N_{\rm th}/n_0 = 10$",
    )
    ax.legend(fontsize=8)
    ax2.errorbar(ge_a, dJ, dJ_err, fmt="o-", ms=3, label=r"$\Delta J$")
    ax2.errorbar(ge_a, J, J_err, fmt="s-", ms=3, label=r"$\langle J\rangle$")
    ax2.axhline(thermal, color="0.3", ls="--", lw=1, label=r"$gN_{\rm th}/\sqrt{2}$")
    ax2.set(
        xlabel=r"$\Gamma_e / g$", ylabel=r"$/\,(g n_0)$", yscale="log", title="fluctuations vs mean"
    )
    ax2.legend(fontsize=8)
    return fig


def compute_b(*, losses=(2.0, 8.0)):
    r"""Fig. 3(b): the histograms of :math:`\tilde\alpha_\ell = \alpha_\ell/\sqrt{n_0}` of every site at
    :math:`\Gamma_e = 2g` and :math:`8g` (the runs of Fig. 3a, from the sweep cache)."""
    res = runs()
    idx = [int(np.argmin(np.abs(GE_A - ge))) for ge in losses]
    edges = res["hist_edges"][0]
    return dataset(
        {
            "histogram": (("ge", "site", "re", "im"), res["histogram"][idx]),
            "edges": ("edge", edges),
        },
        {
            "ge": GE_A[idx],
            "site": np.arange(N),
            "re": 0.5 * (edges[1:] + edges[:-1]),
            "im": 0.5 * (edges[1:] + edges[:-1]),
        },
        parameters={**_RUN_PARAMETERS, "losses": list(losses)},
        description="Fig. 3(b): histograms of alpha_l / sqrt(n0) (counts normalised to a density over "
        "the (re, im) bins) at two values of Gamma_e (units of g)",
    )


def plot_b(ds):
    """Fig. 3(b): the marginal distributions of every site, one row per Gamma_e."""
    import matplotlib.pyplot as plt

    edges = ds.edges.values
    n = ds.site.size
    fig, axes = plt.subplots(
        2, n, figsize=(11, 4.3), sharex=True, sharey=True, layout="constrained"
    )
    for row, ge in enumerate(ds.ge.values):
        h = ds.histogram.values[row]
        for l in range(n):
            axes[row, l].imshow(
                h[l].T,
                origin="lower",
                extent=(edges[0], edges[-1], edges[0], edges[-1]),
                cmap="magma",
            )
            axes[row, l].set_title(rf"$\ell = {l + 1}$, $\Gamma_e = {ge:g}g$", fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel(r"Re $\tilde\alpha_\ell$")
    for ax in axes[:, 0]:
        ax.set_ylabel(r"Im $\tilde\alpha_\ell$")
    return fig


def compute_c():
    r"""Fig. 3(c): relaxation times, noise free, :math:`N = 4, 6, 8`.

    Symmetric phase: :math:`\Gamma_e` ramped up from the band-centre mode (15 points over
    0.25–3.75g); broken phase: ramped down from :math:`10g` from a seed (30 values of
    :math:`\Gamma_e-\Gamma_i` from 6g down to :math:`10^{-2.5}g`, the :math:`\omega = 0` state).
    ``tau``: the paper's perturb-and-relax time (:func:`pgrid.relaxation_time`), ``tau_jac``:
    :math:`-1/\max{\rm Re}\,\lambda` of the Jacobian.  ``xi``, ``xi_err``: the exponent of
    :math:`\tau_r\propto(\Gamma_e-\Gamma_i)^{-\xi}`, mean and spread of nine fits (three :math:`N`,
    three windows within :math:`0.04g\le\Gamma_e-\Gamma_i\le0.6g`).
    """
    ge_sym = np.linspace(0.25, 3.75, 15)
    delta = np.logspace(np.log10(6.0), -2.5, 30)  # Gamma_e - Gamma_i in the broken phase
    ns = (4, 6, 8)
    tau = {}
    for n in ns:
        up = [chain(n, gain=GI, loss=x, gamma=GAMMA) for x in ge_sym]
        s_up = steady_state(up, continuation=True, init="mode", t_max=2e4)
        dn = [chain(n, gain=GI, loss=GI + d, gamma=GAMMA) for d in delta]
        s_dn = steady_state(dn, continuation=True, init="seed", amplitude=1.0, t_max=2e4)
        require(
            np.all(s_up.stable) and np.all(s_dn.stable) and np.all(np.abs(s_dn.frequency) < 1e-8),
            f"N = {n}: every state linearly stable, the broken ones at omega = 0",
        )

        def jac(nets, s):
            return np.array(
                [stability(x, a, w)[1] for x, a, w in zip(nets, s.alpha[0], s.frequency[0])]
            )

        tau[n] = dict(
            sym=relaxation_time(up, s_up)[0],
            sym_jac=jac(up, s_up),
            brk=relaxation_time(dn, s_dn)[0],
            brk_jac=jac(dn, s_dn),
        )
    fits = []
    for n in ns:
        for lo, hi in ((0.04, 0.6), (0.04, 0.3), (0.08, 0.6)):
            m = (delta >= lo) & (delta <= hi) & np.isfinite(tau[n]["brk"])
            fits.append(-np.polyfit(np.log(delta[m]), np.log(tau[n]["brk"][m]), 1)[0])
    fits = np.array(fits)
    return dataset(
        {
            "tau_sym": (("n_sites", "ge_sym"), np.array([tau[n]["sym"] for n in ns])),
            "tau_sym_jac": (("n_sites", "ge_sym"), np.array([tau[n]["sym_jac"] for n in ns])),
            "tau_brk": (("n_sites", "delta"), np.array([tau[n]["brk"] for n in ns])),
            "tau_brk_jac": (("n_sites", "delta"), np.array([tau[n]["brk_jac"] for n in ns])),
            "xi_fits": ("fit", fits),
        },
        {"n_sites": list(ns), "ge_sym": ge_sym, "delta": delta, "fit": np.arange(fits.size)},
        parameters=dict(
            gain=GI,
            gamma=GAMMA,
            n_th=0.0,
            t_max=2e4,
            kick=0.1,
            fit_windows=[[0.04, 0.6], [0.04, 0.3], [0.08, 0.6]],
        ),
        xi=fits.mean(),
        xi_err=fits.std(ddof=1),
        description="Fig. 3(c): relaxation times (units of 1/g) against Gamma_e (ge_sym, symmetric phase) "
        "and Gamma_e - Gamma_i (delta, broken phase); tau: perturb-and-relax, tau_jac: Jacobian",
    )


def plot_c(ds):
    """Fig. 3(c): tau_r against Gamma_e (markers: the paper's procedure, lines: Jacobian); the broken
    side against Gamma_e - Gamma_i with the fitted power law."""
    import matplotlib.pyplot as plt

    gi = parameters(ds)["gain"]
    ge_sym, delta, xi = ds.ge_sym.values, ds.delta.values, ds.attrs["xi"]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    for k, (n, c) in enumerate(zip(ds.n_sites.values, ("C0", "C1", "C2"))):
        ax.plot(ge_sym, ds.tau_sym.values[k], "o", ms=3, color=c, label=f"N = {n}")
        ax.plot(gi + delta, ds.tau_brk.values[k], "o", ms=3, color=c)
        ax.plot(ge_sym, ds.tau_sym_jac.values[k], "-", color=c, lw=0.8)
        ax.plot(gi + delta, ds.tau_brk_jac.values[k], "-", color=c, lw=0.8)
        ax2.loglog(delta, ds.tau_brk.values[k], "o-", ms=3, color=c, label=f"N = {n}")
    dd = np.array([0.04, 0.6])
    ax2.loglog(
        dd, 30 * (dd / 0.6) ** (-xi), "k--", label=rf"$\propto(\Gamma_e-\Gamma_i)^{{-{xi:.2f}}}$"
    )
    ax.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$\tau_r\ (1/g)$",
        yscale="log",
        title="(c) relaxation time",
    )
    ax.legend(fontsize=8)
    ax2.set(xlabel=r"$(\Gamma_e-\Gamma_i) / g$", ylabel=r"$\tau_r\ (1/g)$", title="broken side")
    ax2.legend(fontsize=8)
    return fig


def compute_d():
    r"""Fig. 3(d): the order parameter :math:`\bar\Gamma = \langle\Gamma_e(\alpha_N)-\Gamma_i(\alpha_1)\rangle`
    with thermal noise (the runs of Fig. 3a) and without: noise-free steady states of the same
    chain, protocol A below :math:`\Gamma_e = \Gamma_i` and the :math:`\omega = 0` state (ramped
    down from a seed) above."""
    res = runs()
    ge_a = GE_A
    nets_up = [thermal_chain(N, x, n_th=0.0) for x in ge_a[ge_a < GI]]
    nets_dn = [thermal_chain(N, x, n_th=0.0) for x in ge_a[ge_a > GI][::-1]]
    s_up = steady_state(
        nets_up, continuation=True, init="mode", amplitude=np.sqrt(N0) * 1e-2, t_max=2e4
    )
    s_dn = steady_state(nets_dn, continuation=True, init="seed", amplitude=np.sqrt(N0), t_max=2e4)
    gbar0 = np.full(ge_a.size, np.nan)
    stable0 = np.zeros(ge_a.size, bool)
    for nets_, s, sel in ((nets_up, s_up, ge_a < GI), (nets_dn, s_dn, ge_a > GI)):
        vals = np.array([order_parameter(x, a) for x, a in zip(nets_, s.alpha[0])])
        vals[~s.stable[0]] = np.nan
        where = np.nonzero(sel)[0][:: 1 if s is s_up else -1]
        gbar0[where] = vals
        stable0[where] = s.stable[0]
    return dataset(
        {
            "order_parameter": ("ge", res["order_parameter"]),
            "order_parameter_err": ("ge", res["order_parameter_err"]),
            "order_parameter_noise_free": ("ge", gbar0),
            "noise_free_stable": ("ge", stable0),
        },
        {"ge": ge_a},
        parameters={
            **_RUN_PARAMETERS,
            "noise_free": dict(
                below="protocol A (mode start, amplitude 0.1 sqrt(n0)), Gamma_e ramped up",
                above="seed (amplitude sqrt(n0)) at 10 g, Gamma_e ramped down",
                t_max=2e4,
            ),
        },
        description="Fig. 3(d): order parameter (units of g) with thermal noise (SDE) and noise free "
        "(NaN where no stable state)",
    )


def plot_d(ds):
    """Fig. 3(d): the order parameter without and with thermal noise."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.plot(ds.ge.values, ds.order_parameter_noise_free.values, "-", label=r"$N_{\rm th} = 0$")
    ax.errorbar(
        ds.ge.values,
        ds.order_parameter.values,
        ds.order_parameter_err.values,
        fmt="o",
        ms=3,
        label=r"$N_{\rm th}/n_0 = 10$",
    )
    ax.set(xlabel=r"$\Gamma_e / g$", ylabel=r"$\bar\Gamma / g$", title="(d) order parameter")
    ax.legend()
    return fig
