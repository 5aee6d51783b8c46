r"""Fig. S3: the linear chain and the stalled region (chapter ``transport``).

With constant rates the equations are linear, :math:`\dot{\vec\alpha} = M\vec\alpha`; the chain
decays to zero where every eigenvalue of :math:`M` has a negative real part.
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ...deterministic import linear_eigenvalues
from ...network import Reservoir, chain
from ._common import dataset

N, GAMMA = 10, 1e-3


def compute():
    r"""Largest real part of the linear chain's eigenvalues on a 150 x 150 grid of
    :math:`(\Gamma_i, \Gamma_e)` (:math:`N = 10`, :math:`\gamma = 10^{-3}g`), with the stalled-region
    formula :math:`\Gamma_i < g`, :math:`\Gamma_i\le\Gamma_e<g^2/\Gamma_i` beside it."""
    grid = np.linspace(10 / 150, 10, 150)  # Gamma_i and Gamma_e axes, 150 x 150
    GI, GE = np.meshgrid(grid, grid, indexing="ij")
    base = chain(N, gain=1.0, loss=1.0, gamma=GAMMA)
    max_re = np.array(
        [
            [
                linear_eigenvalues(
                    base.replace(gain={0: Reservoir(a)}, loss={N - 1: Reservoir(b)})
                ).real.max()
                for b in grid
            ]
            for a in grid
        ]
    )
    return dataset(
        {
            "max_re": (("gain", "loss"), max_re),
            "stalled_formula": (("gain", "loss"), analytic.stalled_region(GI, GE)),
        },
        {"gain": grid, "loss": grid},
        parameters=dict(n_sites=N, gamma=GAMMA, grid=[10 / 150, 10, 150]),
        description="Fig. S3: largest real part of the eigenvalues of the linear chain (units of g)",
    )


def plot(ds):
    """Fig. S3: the largest real part (blue: damped) and the stalled-region boundary (dashed)."""
    import matplotlib.pyplot as plt

    grid = ds.gain.values
    max_re = ds.max_re.values
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    lim = np.abs(max_re).max()
    im = ax.pcolormesh(
        grid, grid, max_re.T, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="nearest", rasterized=True
    )
    ax.contour(
        grid,
        grid,
        ds.stalled_formula.values.T.astype(float),
        levels=[0.5],
        colors="k",
        linestyles="--",
    )
    fig.colorbar(im, ax=ax, label=r"$\max\,{\rm Re}\,\lambda\ /\ g$")
    ax.set(
        xlabel=r"$\Gamma_i / g$", ylabel=r"$\Gamma_e / g$", title="Fig. S3: linear chain, N = 10"
    )
    return fig
