r"""Fig. S8: :math:`\nu = 1` and :math:`\nu = 3` with thermal noise (chapter ``universality``).

Itô equations with :math:`N_{\rm th} = 10n_0`, :math:`n_0 = 100`, :math:`\gamma = 10^{-3}g`,
:math:`\Gamma_i = 4g`, :math:`N = 10` (``pgrid.simulate``, :math:`dt = 0.02/g`, 32 trajectories,
relaxation :math:`5\times10^3/g`, sampling :math:`10^4/g`), 14 values of :math:`\Gamma_e`.
"""

from __future__ import annotations

from ...sweeps import sweep
from ._common import dataset
from .universality import GE_NOISE, GI, NOISY_PARAMETERS, noisy_point, noisy_vars, plot_noisy

NUS = [1.0, 3.0]


def runs():
    """The thermal sweep over (nu, Gamma_e) (cached)."""
    return sweep(
        noisy_point,
        {"nu": NUS, "ge": GE_NOISE},
        seed=800,
        n0_loss_ratio=1.0,
        cache=True,
        desc="Fig. S8",
    )


def compute():
    """<J>, Delta J and the order parameter against Gamma_e for nu = 1 and 3."""
    return dataset(
        noisy_vars(runs(), "nu"),
        {"nu": NUS, "ge": GE_NOISE},
        parameters={
            **NOISY_PARAMETERS,
            "nus": NUS,
            "n0_loss": NOISY_PARAMETERS["n0_gain"],
            "seed": 800,
        },
        description="Fig. S8: thermal-noise statistics of the N = 10 chain (SDE): <J>, Delta J (P "
        "function) in units of g n0, order parameter in g, against Gamma_e (ge, g)",
    )


def plot(ds):
    """Fig. S8: (a) nu = 1, (b) nu = 3: <J>, Delta J and (right axis) the order parameter."""
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 2, figsize=(11.5, 3.8), gridspec_kw={"wspace": 0.55})
    for a, (ax, nu) in enumerate(zip(axs, ds.nu.values)):
        plot_noisy(
            ax,
            ds,
            a,
            ylabel=r"$\langle J\rangle$, $\Delta J$ $/(g n_0)$",
            title=rf"({'ab'[a]}) Fig. S8: $\nu = {nu:g}$",
            marks=[(GI, "0.6", ":")],
        )
    return fig
