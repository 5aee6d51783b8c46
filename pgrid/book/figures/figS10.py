r"""Fig. S10: different saturation numbers with thermal noise (chapter ``universality``).

:math:`\nu = 2`, :math:`\Gamma_i = 4g`, :math:`N_{\rm th} = 10n_0^{(1)}`, :math:`\gamma = 10^{-3}g`
(SDE, :math:`n_0^{(1)} = 100`), :math:`n_0^{(N)} = 1.1` and :math:`1.5\,n_0^{(1)}`; the formula's
:math:`\Gamma_e^*` and the noise-free end of the symmetric branch (from Fig. S9's data) marked.
"""

from __future__ import annotations

from ...sweeps import sweep
from ._common import dataset
from .figS9 import case_index, ge_star
from .universality import GE_NOISE, GI, NOISY_PARAMETERS, noisy_point, noisy_vars, plot_noisy

RATIOS = [1.1, 1.5]


def runs():
    """The thermal sweep over (n0 ratio, Gamma_e) (cached)."""
    return sweep(
        noisy_point,
        {"n0_loss_ratio": RATIOS, "ge": GE_NOISE},
        seed=1000,
        nu=2.0,
        cache=True,
        desc="Fig. S10",
    )


def compute(*, figS9):
    """<J>, Delta J and the order parameter for n0(N)/n0(1) = 1.1, 1.5; the transition marks from ``figS9``."""
    ends = [float(figS9.last_symmetric.values[case_index(figS9, GI, 1.0, r)]) for r in RATIOS]
    return dataset(
        {
            **noisy_vars(runs(), "ratio"),
            "formula": ("ratio", [ge_star(GI, 1.0, r) for r in RATIOS]),
            "noise_free_end": ("ratio", ends),
        },
        {"ratio": RATIOS, "ge": GE_NOISE},
        parameters={**NOISY_PARAMETERS, "nu": 2.0, "n0_loss_ratios": RATIOS, "seed": 1000},
        description="Fig. S10: thermal-noise statistics (SDE) for n0(N) = ratio x n0(1): <J>, Delta J in "
        "units of g n0(1), order parameter in g; formula: Gamma_i (n0(1)/n0(N))^2; "
        "noise_free_end: end of the noise-free symmetric branch (Fig. S9's computation)",
    )


def plot(ds):
    """Fig. S10: (a) n0(N) = 1.1 n0(1), (b) 1.5 n0(1)."""
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 2, figsize=(11.5, 3.8), gridspec_kw={"wspace": 0.55})
    for a, (ax, ratio) in enumerate(zip(axs, ds.ratio.values)):
        plot_noisy(
            ax,
            ds,
            a,
            ylabel=r"$\langle J\rangle$, $\Delta J$ $/(g n_0^{(1)})$",
            title=rf"({'ab'[a]}) Fig. S10: $n_0^{{(N)}} = {ratio:g}\,n_0^{{(1)}}$",
            marks=[
                (float(ds.formula.values[a]), "0.4", ":"),
                (float(ds.noise_free_end.values[a]), "0.4", "--"),
            ],
        )
    return fig
