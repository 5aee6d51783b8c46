r"""Fig. S2: the semiclassical SDE against exact quantum steady states, two oscillators (chapter ``fokker_planck``).

:math:`n_0 = 15`, :math:`\gamma = 0.1g`, :math:`\Gamma_i = 4g`, :math:`N_{\rm th} = 0`.  The exact
points are the stored dataset ``fig_s2`` of :mod:`pgrid.book.precompute` (80-110 Fock states per
mode); the SDE runs 32 trajectories with :math:`dt = 0.01/g` (cached sweep).  Currents in units
of :math:`g` (divide by :math:`n_0` for the figure's :math:`g n_0`).
"""

from __future__ import annotations

from ...network import Reservoir, chain
from ...sde import simulate
from ...sweeps import sweep
from ._common import dataset

N0, GAMMA, GAIN = 15.0, 0.1, 4.0


def sde_point(net, seed):
    """Mean current (with error), P-function spread and operator Delta J from the SDE."""
    ens = simulate(net, dt=0.01, t_relax=200.0, t_sample=4000.0, n_traj=32, seed=seed)
    return (
        ens.current_mean[0],
        ens.current_mean_err[0],
        ens.current_std[0],
        ens.current_std_operator[0],
        ens.current_std_err[0],
    )


def fig_s2_point(loss, n0, seed):
    """One SDE point of Fig. S2 (two oscillators, gamma = 0.1 g, Gamma_i = 4 g)."""
    net = chain(2, gain=Reservoir(4.0, n0=n0), loss=Reservoir(loss, n0=n0), gamma=0.1)
    return dict(zip(["J", "J_err", "dJ_P", "dJ_op", "dJ_err"], sde_point(net, seed)))


def compute():
    """Exact (stored) and SDE current statistics at the stored dataset's Gamma_e values."""
    from .. import precompute

    s2, prov = precompute.load("fig_s2")
    res = sweep(fig_s2_point, {"loss": s2["loss"]}, n0=N0, seed=20, cache=True, desc="Fig. S2 SDE")
    v = {
        "exact_current_mean": ("loss", s2["current_mean"]),
        "exact_current_std": ("loss", s2["current_std"]),
        "n_fock": ("loss", s2["n_fock"]),
        "top_population": ("loss", s2["top_population"]),
    }
    for k, name in (
        ("J", "sde_current_mean"),
        ("J_err", "sde_current_mean_err"),
        ("dJ_P", "sde_current_std_p"),
        ("dJ_op", "sde_current_std_operator"),
        ("dJ_err", "sde_current_std_err"),
    ):
        v[name] = ("loss", res[k])
    return dataset(
        v,
        {"loss": s2["loss"]},
        parameters=dict(
            n0=N0,
            gamma=GAMMA,
            gain=GAIN,
            n_th=0.0,
            sde=dict(dt=0.01, t_relax=200.0, t_sample=4000.0, n_traj=32, seed=20),
        ),
        exact_data=f"{prov['command']} (pgrid {prov['pgrid_version']}, {prov['git_commit'][:12]}, "
        f"{prov['date']})",
        description="Fig. S2: current mean and Delta J (units of g): exact operator statistics (stored) "
        "and the SDE's (P-function spread, and with the vacuum term: operator)",
    )


def plot(ds):
    """Fig. S2: (a) mean current, (b) current fluctuations, in units of g n0."""
    import matplotlib.pyplot as plt

    n0, loss = N0, ds.loss.values
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
    ax1.plot(loss, ds.exact_current_mean.values / n0, "o-", label="exact (quantum)")
    ax1.errorbar(
        loss,
        ds.sde_current_mean.values / n0,
        yerr=ds.sde_current_mean_err.values / n0,
        fmt="s--",
        label="SDE",
    )
    ax1.set(xlabel=r"$\Gamma_e / g$", ylabel=r"$\langle J\rangle/(g n_0)$", title="(a)")
    ax1.legend()
    ax2.plot(loss, ds.exact_current_std.values / n0, "o-", label="exact operator variance")
    ax2.plot(loss, ds.sde_current_std_p.values / n0, "s--", label="SDE P-function spread")
    ax2.plot(loss, ds.sde_current_std_operator.values / n0, "^:", label="SDE + vacuum term")
    ax2.set(xlabel=r"$\Gamma_e / g$", ylabel=r"$\Delta J/(g n_0)$", title="(b)")
    ax2.legend(fontsize=8)
    return fig
