r"""Fig. S6: a stronger saturation, :math:`\nu = 3` (chapter ``universality``).

Current against :math:`\Gamma_e` at :math:`\Gamma_i = 4g`, :math:`\gamma = 10^{-2}g`, for :math:`\nu = 3`
and, for comparison, :math:`\nu = 2` (protocol A, 200 points); and the occupation profiles at
:math:`\Gamma_e = 2g` and :math:`6g` with Eq. (6) at the :math:`\nu = 2` wave vector.
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ._common import dataset
from .universality import GI, N, state_dataset_vars, sweep_ge

NUS = (2.0, 3.0)
PROFILES = ((2.0, True), (6.0, False))  # (Gamma_e, symmetric phase)


def compute():
    """The two sweeps (nu = 2, 3) and Eq. (6) fitted to the nu = 3 profiles at Gamma_e = 2g, 6g."""
    ge = np.linspace(0.1, 10.0, 200)
    s6 = [sweep_ge(ge, nu=nu, gamma=1e-2) for nu in NUS]
    rows = []
    for x, sym in PROFILES:
        k = np.argmin(np.abs(ge - x))
        a = s6[1]["alpha"][k]
        k0 = analytic.eq6_k0(N, symmetric=sym)
        A, B = analytic.fit_standing_wave(a, k0)
        model = analytic.eq6_occupation(np.arange(1, N + 1), A, B, k0)
        rows.append(
            (x, k0, A, B, model, np.abs(model - np.abs(a) ** 2).max() / (np.abs(a) ** 2).max())
        )
    return dataset(
        {
            **state_dataset_vars(s6, "nu"),
            "profile_loss": ("profile", [r[0] for r in rows]),
            "k0": ("profile", [r[1] for r in rows]),
            "A": ("profile", np.array([r[2] for r in rows])),
            "B": ("profile", np.array([r[3] for r in rows])),
            "eq6_occupation": (("profile", "site"), np.array([r[4] for r in rows])),
            "fit_error": ("profile", [r[5] for r in rows]),
            "profile_index": ("profile", [int(np.argmin(np.abs(ge - p[0]))) for p in PROFILES]),
        },
        {"nu": list(NUS), "ge": ge, "site": np.arange(N), "profile": ["symmetric", "broken"]},
        parameters=dict(
            n_sites=N,
            gain=GI,
            gamma=1e-2,
            protocol=dict(init="mode", t_max=2e4),
            profiles=[p[0] for p in PROFILES],
        ),
        description="Fig. S6: noise-free states (currents in g n0, occupations in n0) against Gamma_e "
        "(ge) for nu = 2, 3; Eq. (6) fitted to the nu = 3 profiles (fit_error relative to the "
        "largest occupation)",
    )


def plot(ds):
    """Fig. S6: (a) current against Gamma_e (nu = 3 black, nu = 2 grey), (b) the nu = 3 profiles."""
    import matplotlib.pyplot as plt

    ge = ds.ge.values
    fig, axs = plt.subplots(1, 2, figsize=(10, 3.6))
    for k, (nu, c) in enumerate(zip(ds.nu.values, ("0.6", "k"))):
        ok = ds.stable.values[k]
        cur = ds.current.values[k, :, -1]
        axs[0].plot(ge, np.where(ok, cur, np.nan), color=c, label=rf"$\nu = {nu:g}$")
        axs[0].plot(ge[~ok], cur[~ok], "x", color=c, ms=3)
    axs[0].set(
        xlabel=r"$\Gamma_e/g$",
        ylabel=r"$\langle J\rangle/(g n_0)$",
        title=r"(a) Fig. S6: $\nu = 3$, $\gamma = 10^{-2}g$",
    )
    axs[0].legend()
    sites = np.arange(1, ds.site.size + 1)
    for p, c in zip(range(ds.profile.size), ("C3", "C0")):
        x, k = float(ds.profile_loss.values[p]), int(ds.profile_index.values[p])
        axs[1].plot(sites, ds.occupation.values[1, k], "o", color=c, label=rf"$\Gamma_e = {x:g}g$")
        axs[1].plot(sites, ds.eq6_occupation.values[p], "-", color=c, lw=1)
    axs[1].set(
        xlabel=r"site $\ell$", ylabel=r"$|\alpha^0_\ell|^2/n_0$", title="(b) single-mode profiles"
    )
    axs[1].legend()
    return fig
