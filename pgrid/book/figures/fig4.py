r"""Fig. 4: the quantum noise limit, two oscillators at :math:`N_{\rm th} = 0` (chapter ``quantum_limit``).

(a) current fluctuations (operator variance) against :math:`\Gamma_e` for several saturation
numbers: exact steady states for :math:`n_0 = 1, 2` (the stored datasets of
:mod:`pgrid.book.precompute`), the SDE plus the vacuum term for :math:`n_0 = 5`–100;
(b) the entanglement negativity (stored exact steady states).
"""

from __future__ import annotations

import numpy as np

from ...network import Reservoir, chain
from ...sde import simulate
from ...sweeps import sweep
from ._common import dataset

GI = 4.0
DT = 0.02
GAMMA_A = 1e-3
#: Panel (a)'s SDE grids: a coarse one over 0.25-8g (n0 = 10, 30) and a fine one around the transition.
COARSE = np.round(np.concatenate([np.arange(0.25, 3.5, 0.25), np.arange(5.0, 8.01, 0.5)]), 4)
FINE = np.round(np.arange(3.5, 4.81, 0.1), 4)
SDE_N0 = (5.0, 10.0, 30.0, 100.0)


def pair(ge, n0, gamma, n_th=0.0):
    """Two oscillators: gain on site 0, loss on site 1, both with saturation number n0."""
    return chain(2, gain=Reservoir(GI, n0=n0), loss=Reservoir(ge, n0=n0), gamma=gamma, n_th=n_th)


def sde_operator_std(ens):
    """Operator Delta J from the SDE: P-function spread plus the vacuum term g^2/4 (<n_1> + <n_2>)."""
    return ens.current_std_operator[0]


def fig4a_point(ge, n0, seed):
    """One SDE point of Fig. 4(a): mean current, operator Delta J and the error of the spread."""
    e = simulate(pair(ge, n0, GAMMA_A), dt=DT, t_relax=5e3, t_sample=2e4, n_traj=32, seed=seed)
    return {"J": e.current_mean[0], "dJ": sde_operator_std(e), "dJ_err": e.current_std_err[0]}


def sde_runs() -> dict:
    """The SDE part of panel (a): ``{n0: array of rows (Gamma_e, <J>, Delta J, error of Delta J)}``
    (32 trajectories, relaxation 5e3/g, sampling 2e4/g, dt = 0.02/g; cached sweeps)."""
    sde = {}
    for n0 in SDE_N0:
        grid = np.union1d(COARSE, FINE) if n0 in (10.0, 30.0) else FINE
        res = sweep(
            fig4a_point,
            {"ge": grid},
            n0=n0,
            seed=int(n0),
            cache=True,
            desc=f"Fig. 4a SDE, n0 = {n0:g}",
        )
        sde[n0] = np.column_stack([grid, res["J"], res["dJ"], res["dJ_err"]])
    return sde


def compute_a():
    r"""Fig. 4(a): :math:`\Delta J` (operator variance) for :math:`n_0 = 1, 2` (exact, stored) and
    :math:`n_0 = 5, 10, 30, 100` (SDE + vacuum term), the height and place of each curve's peak,
    and the power law of the peak height over the SDE range (``slope``, attribute)."""
    from .. import precompute

    sde = sde_runs()
    ex1, prov1 = precompute.load("fig4a_n0_1")
    ex2, prov2 = precompute.load("fig4a_n0_2")
    peaks = {}
    for n0, d in ((1.0, ex1), (2.0, ex2)):
        k = np.argmax(d["current_std"])
        peaks[n0] = (d["loss"][k], d["current_std"][k] / n0, 0.0)
    for n0, r in sde.items():
        k = np.argmax(r[:, 2])
        peaks[n0] = (r[k, 0], r[k, 2] / n0, r[k, 3] / n0)
    n0s = np.array(sorted(peaks))
    heights = np.array([peaks[n][1] for n in n0s])
    semi = n0s >= 5
    slope = np.polyfit(np.log(n0s[semi]), np.log(heights[semi]), 1)[0]
    v, c = {}, {}
    for n0, d in ((1, ex1), (2, ex2)):
        c[f"ge_exact_{n0}"] = d["loss"]
        for k in ("current_mean", "current_std", "n_fock", "top_population"):
            v[f"exact_{k}_n0_{n0}"] = (f"ge_exact_{n0}", d[k])
    for n0, r in sde.items():
        c[f"ge_sde_{n0:g}"] = r[:, 0]
        for j, k in ((1, "current_mean"), (2, "current_std"), (3, "current_std_err")):
            v[f"sde_{k}_n0_{n0:g}"] = (f"ge_sde_{n0:g}", r[:, j])
    v.update(
        peak_loss=("n0", [peaks[n][0] for n in n0s]),
        peak_height=("n0", heights),
        peak_height_err=("n0", [peaks[n][2] for n in n0s]),
        exact=("n0", ~semi),
    )
    c["n0"] = n0s
    return dataset(
        v,
        c,
        parameters=dict(
            gain=GI,
            gamma=GAMMA_A,
            n_th=0.0,
            sde=dict(dt=DT, t_relax=5e3, t_sample=2e4, n_traj=32, seed="int(n0)"),
        ),
        slope=slope,
        exact_data=f"{prov1['command']} (pgrid {prov1['pgrid_version']}, "
        f"{prov1['git_commit'][:12]}); {prov2['command']}",
        description="Fig. 4(a): current mean and operator Delta J (units of g) of two oscillators; "
        "exact_*: exact steady states (stored); sde_*: SDE + vacuum term; peak_height: "
        "max Delta J/(g n0); slope: peak height ~ n0^slope over n0 = 5..100",
    )


def plot_a(ds):
    """Fig. 4(a): Delta J/(g n0) against Gamma_e, with the peak height against n0 as an inset."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(
        ds.ge_exact_1.values,
        ds.exact_current_std_n0_1.values / 1.0,
        "o-",
        ms=3,
        label=r"$n_0 = 1$ (exact)",
    )
    ax.plot(
        ds.ge_exact_2.values,
        ds.exact_current_std_n0_2.values / 2.0,
        "s-",
        ms=3,
        label=r"$n_0 = 2$ (exact)",
    )
    for n0, mk in ((10.0, "^"), (30.0, "v")):
        x = ds[f"ge_sde_{n0:g}"].values
        ax.errorbar(
            x,
            ds[f"sde_current_std_n0_{n0:g}"].values / n0,
            ds[f"sde_current_std_err_n0_{n0:g}"].values / n0,
            fmt=mk + "-",
            ms=3,
            label=rf"$n_0 = {n0:g}$ (SDE)",
        )
    ax.axvline(GI, color="0.5", lw=0.8, ls=":")
    ax.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$\Delta J / (g n_0)$",
        title=r"(a) $N = 2$, $N_{\rm th} = 0$",
    )
    ax.legend(loc="upper left", fontsize=8)
    n0s, heights, semi = ds.n0.values, ds.peak_height.values, ~ds.exact.values
    ins = ax.inset_axes([0.66, 0.55, 0.31, 0.4])
    ins.loglog(n0s[~semi], heights[~semi], "o", mfc="none", color="k")
    ins.loglog(n0s[semi], heights[semi], "o", color="k")
    nn = np.geomspace(1, 100, 20)
    ins.loglog(
        nn,
        np.exp(np.polyval(np.polyfit(np.log(n0s[semi]), np.log(heights[semi]), 1), np.log(nn))),
        "k--",
        lw=0.8,
    )
    ins.set_xlabel(r"$n_0$", fontsize=8)
    ins.set_ylabel(r"peak $\Delta J/(gn_0)$", fontsize=8)
    ins.tick_params(labelsize=7)
    return fig


def compute_b():
    r"""Fig. 4(b): the negativity :math:`\mathcal N = (\|\rho^{T_2}\|_1 - 1)/2` of the exact
    two-oscillator steady states for :math:`n_0 = 1, 2, 5`, :math:`\gamma = 10^{-2}g` (the stored
    dataset ``fig4b`` of :mod:`pgrid.book.precompute`, with its provenance)."""
    from .. import precompute

    neg, prov = precompute.load("fig4b")
    return dataset(
        {
            "negativity": (("n0", "loss"), neg["negativity"]),
            "n_fock": (("n0", "loss"), neg["n_fock"]),
            "current_mean": (("n0", "loss"), neg["current_mean"]),
            "current_std": (("n0", "loss"), neg["current_std"]),
            "top_population": (("n0", "loss"), neg["top_population"]),
        },
        {"n0": neg["n0"], "loss": neg["loss"]},
        parameters=dict(n_th=0.0, **prov["parameters"]),
        exact_data=f"{prov['command']} (pgrid {prov['pgrid_version']}, {prov['git_commit'][:12]}, "
        f"{prov['date']})",
        description="Fig. 4(b): entanglement negativity of the exact two-oscillator steady state "
        "(n_fock: Fock cutoff per mode; currents in g)",
    )


def plot_b(ds):
    """Fig. 4(b): the negativity against Gamma_e for each n0."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    loss = ds.loss.values
    for n0, nv, mk in zip(ds.n0.values, ds.negativity.values, "osd"):
        ax.plot(loss, nv, mk + "-", ms=3, label=rf"$n_0 = {n0:g}$")
    ax.axvline(1.0, color="0.5", lw=0.8, ls=":")
    ax.axvline(GI, color="0.5", lw=0.8, ls=":")
    ax.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"negativity $\mathcal{N}$",
        title=r"(b) $N = 2$, $\gamma = 10^{-2}g$",
    )
    ax.legend()
    return fig
