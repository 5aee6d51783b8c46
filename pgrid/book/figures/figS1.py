r"""Fig. S1: the coherent-state average of the saturation function (chapter ``fokker_planck``).

:math:`\bar f = \langle\alpha|(1+a^\dagger a/n_0)^{-1}|\alpha\rangle` (Eq. S14, closed form
:func:`pgrid.analytic.s14_coherent_cutoff`) against the semiclassical :math:`1/(1+|\alpha|^2/n_0)`.
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ._common import dataset


def compute(*, n0s=(1.0, 10.0)):
    """Exact average and approximation on |alpha|^2 = x n0, x in [0, 12] (241 points), per n0."""
    x = np.linspace(0, 12, 241)
    xx = np.array([x * n0 for n0 in n0s])
    exact = np.array([analytic.s14_coherent_cutoff(x * n0, n0) for n0 in n0s])
    approx = np.array([1 / (1 + x * n0 / n0) for n0 in n0s])
    return dataset(
        {
            "exact": (("n0", "x"), exact),
            "approximation": (("n0", "x"), approx),
            "occupation": (("n0", "x"), xx),
        },
        {"n0": list(n0s), "x": x},
        parameters=dict(n0s=list(n0s)),
        description="Fig. S1: <alpha|(1 + a^dag a/n0)^-1|alpha> (exact) and 1/(1 + |alpha|^2/n0) "
        "against occupation = |alpha|^2 = x n0",
    )


def plot(ds):
    """Fig. S1: (a) n0 = 1 and (b) n0 = 10."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ds.n0.size, figsize=(8, 3.2), sharey=True)
    for k, (ax, n0, tag) in enumerate(zip(axes, ds.n0.values, "ab")):
        xx = ds.occupation.values[k]
        ax.plot(xx, ds.exact.values[k], label=r"$\langle\alpha|f|\alpha\rangle$")
        ax.plot(xx, ds.approximation.values[k], "--", label=r"$1/(1+|\alpha|^2/n_0)$")
        ax.set(xlabel=r"$|\alpha|^2$", title=f"({tag}) $n_0 = {n0:g}$")
    axes[0].set_ylabel(r"$\bar f$")
    axes[0].legend()
    return fig
