r"""Fig. S4: the coefficients :math:`A` and :math:`B` of Eq. (6) across the transition (chapter ``transport``).

The states along :math:`\Gamma_e` at :math:`\Gamma_i = 4g`: the row of the Fig. 2(a) map plus the
fine path of Fig. 2(b), each fitted with Eq. (6) at the single-mode :math:`k_0` (symmetric
branch) or :math:`\pi/2` (otherwise).
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ._common import dataset

N, GAMMA, GI = 10, 1e-3, 4.0


def compute(*, fig2a, fig2b):
    """|A| and |B| fitted to the computed states at Gamma_i = 4g (from the datasets of Figs. 2a and 2b)."""
    k_sym, k_brk = analytic.eq6_k0(N, symmetric=True), analytic.eq6_k0(N, symmetric=False)
    omega_k0 = np.sin(np.pi / (2 * (N + 1)))
    grid, gis, rel = fig2a.loss.values, fig2b.gain.values, fig2b.ratio.values
    row = np.argmin(np.abs(grid - GI))
    i4 = np.argmin(np.abs(gis - GI))
    ge_all = np.concatenate([grid[:, None] * 1.0, (GI * rel)[:, None]])[:, 0]
    al_all = np.concatenate([fig2a.alpha.values[row], fig2b.alpha.values[i4]])
    ok_all = np.concatenate([fig2a.stable.values[row], fig2b.stable.values[i4]])
    fr_all = np.concatenate([fig2a.frequency.values[row], fig2b.frequency.values[i4]])
    order = np.argsort(ge_all)
    ge_all, al_all, ok_all, fr_all = ge_all[order], al_all[order], ok_all[order], fr_all[order]
    keep_pts = ok_all & (np.abs(al_all).max(axis=1) > 0)
    single_mode = np.abs(np.abs(fr_all) - omega_k0) < 0.2 * omega_k0
    AB = np.array(
        [
            analytic.fit_standing_wave(a, k_sym if sm else k_brk)
            for a, sm in zip(al_all, single_mode)
        ]
    )
    return dataset(
        {
            "alpha": (("point", "site"), al_all),
            "stable": ("point", ok_all),
            "frequency": ("point", fr_all),
            "fitted": ("point", keep_pts),
            "single_mode": ("point", single_mode),
            "A": ("point", AB[:, 0]),
            "B": ("point", AB[:, 1]),
        },
        {"loss": ("point", ge_all), "site": np.arange(N)},
        parameters=dict(
            n_sites=N,
            gamma=GAMMA,
            gain=GI,
            source="row Gamma_i = 4g of Fig. 2(a) and "
            "its fine path of Fig. 2(b), sorted by Gamma_e",
        ),
        description="Fig. S4: A and B of Eq. (6) fitted to the steady states at Gamma_i = 4g "
        "(units of sqrt(n0)); fitted: stable nonzero states",
    )


def plot(ds):
    """Fig. S4: |A|, |B| of the numerics against Eqs. (S40), (S28), (S30)-(S31) and (S32)."""
    import matplotlib.pyplot as plt

    gi = GI
    ge_all, keep_pts = ds.loss.values, ds.fitted.values
    absA, absB = np.abs(ds.A.values), np.abs(ds.B.values)
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(ge_all[keep_pts], absA[keep_pts], "o", ms=2.5, color="C0", label="|A| numerics")
    ax.plot(ge_all[keep_pts], absB[keep_pts], "s", ms=2.5, color="C1", label="|B| numerics")
    gs = np.linspace(0.05, gi - 0.05, 200)
    a2, ba = analytic.s40_amplitudes(gi, gs, GAMMA, N)
    ax.plot(gs, np.sqrt(a2), color="C0", lw=1, label="Eq. (S40)")
    ax.plot(gs, np.sqrt(a2) * np.abs(ba), color="C1", lw=1)
    a2, ba = analytic.s28_amplitudes(gi, gs, GAMMA)
    ax.plot(gs, np.sqrt(a2), ":", color="C0", lw=1, label="Eq. (S28)")
    ax.plot(gs, np.sqrt(a2) * np.abs(ba), ":", color="C1", lw=1)
    gb = np.linspace(gi + 0.05, 10, 120)
    ex = np.array([analytic.s30_s31_amplitudes(gi, x, GAMMA) for x in gb])
    ax.plot(gb, np.sqrt(ex[:, 0]), color="C2", lw=1, label="Eqs. (S30)–(S31)")
    ax.plot(gb, np.sqrt(ex[:, 1]), color="C2", lw=1)
    a2, ba = analytic.s32_amplitudes(gi, gb, N * GAMMA / 2)
    ax.plot(gb, np.sqrt(a2), "--", color="C3", lw=1, label=r"Eq. (S32), $\kappa = N\gamma/2$")
    ax.plot(gb, np.sqrt(a2) * np.abs(ba), "--", color="C3", lw=1)
    ax.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$|A|,\ |B|$  (units of $\sqrt{n_0}$)",
        yscale="log",
        title=r"Fig. S4: $\Gamma_i = 4g$",
    )
    ax.legend(fontsize=7, ncol=2, loc="lower left")
    ins = ax.inset_axes([0.62, 0.58, 0.35, 0.38])
    m = keep_pts & (np.abs(ge_all / gi - 1) < 0.04)
    ins.plot(ge_all[m], absA[m], "o", ms=2, color="C0")
    ins.plot(ge_all[m], absB[m], "s", ms=2, color="C1")
    ins.tick_params(labelsize=7)
    return fig
