r"""Fig. S5: disorder (chapter ``grids``).

A chain of :math:`N = 10`, :math:`\Gamma_i = 4g`, :math:`\Gamma_e = 8g` (broken phase),
:math:`\gamma = 10^{-3}g`, with on-site frequencies :math:`\Delta_\ell` drawn uniformly from
:math:`[-\sigma_\Delta, \sigma_\Delta]` (one seeded draw of 100 realisations, scaled by
:math:`\sigma_\Delta`, so the realisations are nested).  (a) disorder-averaged occupation
profiles, (b) currents of 15 realisations at :math:`\sigma_\Delta = 0.05g` with the disorder
added to the running clean chain, (c) the crossover (zig-zag contrast, inverse participation ratio).
"""

from __future__ import annotations

import numpy as np

from ...deterministic import steady_state
from ...network import chain
from ._common import dataset, require

GAMMA, GI = 1e-3, 4.0
N_DIS, GE_DIS, R_DIS = 10, 8.0, 100
SIGMAS = np.round(
    np.concatenate([np.arange(0.0, 0.2, 0.025), np.arange(0.2, 0.61, 0.05), [0.8, 1.0]]), 3
)
SEED = 2022
GE_S5 = np.linspace(0.1, 10.0, 60)


def offsets():
    """The disorder draw: uniform on [-1, 1], shape (R_DIS, N_DIS), seeded (scaled by sigma per panel)."""
    rng = np.random.default_rng(SEED)
    return rng.uniform(-1.0, 1.0, (R_DIS, N_DIS))


def compute():
    r"""Fig. S5's data.

    (a), (c): for each :math:`\sigma_\Delta` in :data:`SIGMAS`, the 100 realisations, each started
    from the band-centre mode of its own disordered chain (:math:`t_{\max} = 2\times10^4/g`);
    ``occupation`` is NaN where the state is not linearly stable.  Derived: ``mean_profile``
    (average over the stable realisations), ``zigzag`` contrast, mean inverse participation ratio
    ``ipr``, the share of the energy on the gain site ``gain_share`` and ``deviation`` from the
    clean profile (relative to its maximum).  (b): the clean chain ramped up along
    :data:`GE_S5` from the band-centre mode, and 15 realisations at :math:`\sigma_\Delta = 0.05g`
    each started from the clean chain's state at the same :math:`\Gamma_e` (:math:`t_{\max} =
    5\times10^4/g`); ``current_15`` is the time average where a state never becomes stationary.
    """
    off = offsets()
    sigmas = SIGMAS
    dis_nets = [
        chain(N_DIS, gain=GI, loss=GE_DIS, gamma=GAMMA, detuning=s * d) for s in sigmas for d in off
    ]
    dis = steady_state(dis_nets, init="mode", t_max=2e4)
    occ_dis = np.where(dis.stable[:, None], dis.occupation, np.nan).reshape(
        len(sigmas), R_DIS, N_DIS
    )
    clean = occ_dis[0, 0]
    require(np.all(np.isfinite(clean)), "the clean chain reaches a stable state")
    mean_prof = np.nanmean(occ_dis, axis=1)
    zigzag = np.mean(
        np.abs(np.diff(mean_prof, axis=1)) / (mean_prof[:, 1:] + mean_prof[:, :-1]), axis=1
    )
    ipr = np.nanmean((occ_dis**2).sum(-1) / occ_dis.sum(-1) ** 2, axis=1)
    gain_share = np.nanmean(occ_dis[..., 0] / occ_dis.sum(-1), axis=1)
    dev = np.abs(mean_prof - clean).max(axis=1) / clean.max()
    # (b): disorder added to the running clean chain: every realisation starts from the clean state at the
    # same Gamma_e; states that never become stationary enter as time averages (drawn as dots)
    ge_s5 = GE_S5
    s5b_clean = steady_state(
        [[chain(N_DIS, gain=GI, loss=x, gamma=GAMMA) for x in ge_s5]],
        continuation=True,
        init="mode",
        t_max=1e4,
    )
    J15 = np.full((15, ge_s5.size), np.nan)
    stable15 = np.zeros((15, ge_s5.size), bool)
    steady15 = np.zeros((15, ge_s5.size), bool)
    for k, x in enumerate(ge_s5):
        if not s5b_clean.stable[0, k]:
            continue
        s = steady_state(
            [chain(N_DIS, gain=GI, loss=x, gamma=GAMMA, detuning=0.05 * d) for d in off[:15]],
            init=s5b_clean.alpha[0, k],
            t_max=5e4,
        )
        J15[:, k], stable15[:, k] = s.current[:, -1], s.stable
        steady15[:, k] = s.stable | (s.status == "not stationary")
    shape = (len(sigmas), R_DIS)
    return dataset(
        {
            "occupation": (("sigma", "realisation", "site"), occ_dis),
            "stable": (("sigma", "realisation"), dis.stable.reshape(shape)),
            "status": (("sigma", "realisation"), np.asarray(dis.status).astype(str).reshape(shape)),
            "offsets": (("realisation", "site"), off),
            "mean_profile": (("sigma", "site"), mean_prof),
            "zigzag": ("sigma", zigzag),
            "ipr": ("sigma", ipr),
            "gain_share": ("sigma", gain_share),
            "deviation": ("sigma", dev),
            "clean_current": ("loss", s5b_clean.current[0, :, -1]),
            "clean_stable": ("loss", s5b_clean.stable[0]),
            "clean_alpha": (("loss", "site"), s5b_clean.alpha[0]),
            "current_15": (("realisation_15", "loss"), J15),
            "stable_15": (("realisation_15", "loss"), stable15),
            "steady_15": (("realisation_15", "loss"), steady15),
        },
        {
            "sigma": sigmas,
            "realisation": np.arange(R_DIS),
            "site": np.arange(N_DIS),
            "loss": ge_s5,
            "realisation_15": np.arange(15),
        },
        parameters=dict(
            n_sites=N_DIS,
            gain=GI,
            loss=GE_DIS,
            gamma=GAMMA,
            realisations=R_DIS,
            seed=SEED,
            distribution="uniform on [-sigma, sigma], one draw scaled by sigma",
            panel_a=dict(init="mode of each disordered chain", t_max=2e4),
            panel_b=dict(
                sigma=0.05,
                realisations=15,
                start="the clean chain's state at the same "
                "Gamma_e (clean: mode, Gamma_e ramped up, t_max=1e4)",
                t_max=5e4,
            ),
        ),
        description="Fig. S5: occupations in n0 (NaN: not linearly stable), currents in g n0, detunings "
        "sigma x offsets in g",
    )


def plot(ds):
    """Fig. S5: (a) averaged profiles, (b) currents of 15 realisations and the clean chain, (c) crossover."""
    import matplotlib.pyplot as plt

    sigmas, mean_prof = ds.sigma.values, ds.mean_profile.values
    ge_s5 = ds.loss.values
    J15, stable15, steady15 = ds.current_15.values, ds.stable_15.values, ds.steady_15.values
    fig, axs = plt.subplots(1, 3, figsize=(12, 3.6))
    sites = np.arange(1, ds.site.size + 1)
    for s, c in zip((0.0, 0.05, 0.1, 0.2, 0.3, 0.6), ("k", "C0", "C1", "C2", "C3", "C4")):
        axs[0].plot(
            sites,
            mean_prof[list(sigmas).index(s)],
            "o-",
            ms=3,
            color=c,
            label=rf"$\sigma_\Delta = {s:g}g$",
        )
    axs[0].set(
        xlabel=r"site $\ell$",
        ylabel=r"$\overline{|\alpha^0_\ell|^2} / n_0$",
        title="(a) averaged profiles",
    )
    axs[0].legend(fontsize=7)
    for r in range(J15.shape[0]):
        axs[1].plot(ge_s5, np.where(steady15[r], J15[r], np.nan), color="0.6", lw=0.8)
        axs[1].plot(
            ge_s5[steady15[r] & ~stable15[r]],
            J15[r][steady15[r] & ~stable15[r]],
            ".",
            color="0.4",
            ms=2,
        )
    axs[1].plot(
        ge_s5, np.where(ds.clean_stable.values, ds.clean_current.values, np.nan), "k", lw=1.4
    )
    axs[1].set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$\langle J\rangle / (g n_0)$",
        title=r"(b) $\sigma_\Delta = 0.05g$, 15 realisations",
    )
    axs[2].plot(sigmas, ds.zigzag.values, "o-", ms=3, label="zig-zag contrast")
    axs[2].plot(sigmas, ds.ipr.values, "s-", ms=3, label="IPR")
    axs[2].set(xlabel=r"$\sigma_\Delta / g$", title="(c) crossover")
    axs[2].legend(fontsize=8)
    return fig
