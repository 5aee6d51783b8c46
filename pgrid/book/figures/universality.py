r"""Helpers of the supplement's universality section (Figs. S6-S10, chapter ``universality``).

The chain of :math:`N = 10` sites with the saturation exponent :math:`\nu` (Eq. S4) and separate
saturation numbers :math:`n_0^{(1)}`, :math:`n_0^{(N)}` for gain and loss; protocol A along
:math:`\Gamma_e`; the thermal runs of Figs. S8 and S10.
"""

from __future__ import annotations

import numpy as np

from ...deterministic import order_parameter, steady_state
from ...network import Reservoir
from ...network import chain as _chain
from ...sde import simulate

N, GI = 10, 4.0
#: Thermal runs (Figs. S8, S10): n0 = 100 on the gain, N_th = 10 n0, 14 values of Gamma_e.
N0, NTH = 100.0, 1000.0
GE_NOISE = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 8.0])


def chain(gi, ge, *, nu=2.0, gamma=1e-3, n0_gain=1.0, n0_loss=1.0, n_th=0.0, n=N):
    """The chain of the supplement's universality section: exponent nu, saturation numbers per reservoir."""
    return _chain(
        n,
        gain=Reservoir(gi, n0=n0_gain, nu=nu),
        loss=Reservoir(ge, n0=n0_loss, nu=nu),
        gamma=gamma,
        n_th=n_th,
    )


STATE_FIELDS = (
    "alpha",
    "occupation",
    "current",
    "current_amplitude",
    "frequency",
    "stationary",
    "stable",
    "status",
)


def sweep_ge(ge, **kw):
    """Protocol A (band-centre mode, then Gamma_e ramped up with continuation) along Gamma_e at Gamma_i = kw['gi'];
    with the noise-free order parameter Gamma_e(alpha_N) - Gamma_i(alpha_1) of every state."""
    gi = kw.pop("gi", GI)
    path = [chain(gi, x, **kw) for x in ge]
    s = steady_state([path], continuation=True, init="mode", t_max=2e4)
    out = {f: getattr(s, f)[0] for f in STATE_FIELDS}
    out["order"] = np.array([order_parameter(net, a) for net, a in zip(path, out["alpha"])])
    return out


def noisy_point(ge, nu, n0_loss_ratio, seed):
    """<J>, Delta J (units of g n0 of the gain) and the order parameter of the thermal chain at one Gamma_e."""
    net = chain(GI, ge, nu=nu, n0_gain=N0, n0_loss=n0_loss_ratio * N0, n_th=NTH)
    e = simulate(net, dt=0.02, t_relax=5e3, t_sample=1e4, n_traj=32, seed=seed, sample_every=5)
    return {
        "J": e.current_mean[-1] / N0,
        "J_err": e.current_mean_err[-1] / N0,
        "dJ": e.current_std[-1] / N0,
        "dJ_err": e.current_std_err[-1] / N0,
        "order": e.order_parameter,
        "order_err": e.order_parameter_err,
    }


NOISY_PARAMETERS = dict(
    n_sites=N,
    gain=GI,
    gamma=1e-3,
    n0_gain=N0,
    n_th=NTH,
    dt=0.02,
    t_relax=5e3,
    t_sample=1e4,
    n_traj=32,
    sample_every=5,
)


def noisy_vars(res, axis: str) -> dict:
    """The variables of a thermal sweep over (axis, ge): J, J_err, dJ, dJ_err, order, order_err."""
    return {k: ((axis, "ge"), res[k]) for k in ("J", "J_err", "dJ", "dJ_err", "order", "order_err")}


def plot_noisy(ax, ds, a, *, ylabel, title, marks):
    """Row ``a`` of a noisy sweep: <J> and Delta J (log scale), the order parameter on a right axis;
    vertical lines at ``marks`` = [(Gamma_e, colour, style), ...]."""
    ge_noise = ds.ge.values
    ax.errorbar(
        ge_noise, ds.J.values[a], ds.J_err.values[a], fmt="o-", ms=3, label=r"$\langle J\rangle$"
    )
    ax.errorbar(ge_noise, ds.dJ.values[a], ds.dJ_err.values[a], fmt="s-", ms=3, label=r"$\Delta J$")
    ax.set_yscale("log")
    for x, colour, style in marks:
        ax.axvline(x, color=colour, ls=style)
    ax.set(xlabel=r"$\Gamma_e/g$", ylabel=ylabel, title=title)
    ax2 = ax.twinx()
    ax2.errorbar(ge_noise, ds.order.values[a], ds.order_err.values[a], fmt="^-", ms=3, color="C2")
    ax2.set_ylabel(r"$\bar\Gamma/g$", color="C2")
    ax.legend(loc="lower left", fontsize=8)


def state_dataset_vars(states: list, axis: str, prefix: str = "") -> dict:
    """Variables of a list of :func:`sweep_ge` results stacked along ``axis`` (then ``ge``, ``site``/``bond``)."""
    out = {}
    for f in STATE_FIELDS + ("order",):
        v = np.stack([s[f] for s in states])
        if f == "status":
            v = v.astype(str)
        extra = (
            ("site",)
            if f in ("alpha", "occupation")
            else ("bond",)
            if f.startswith("current")
            else ()
        )
        out[prefix + f] = ((axis, "ge") + extra, v)
    return out
