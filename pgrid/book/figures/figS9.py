r"""Figs. S9 (and the noise-free part of S10): different saturation numbers for gain and loss
(chapter ``universality``).

With :math:`n_0^{(1)}\neq n_0^{(N)}` the supplement places the transition at
:math:`\Gamma_e^* = \Gamma_i(n_0^{(1)}/n_0^{(N)})^2`.  Noise free, :math:`\gamma = 10^{-3}g`,
protocol A over 400 values of :math:`\Gamma_e`: the end of the symmetric branch (last stable
state with :math:`|\bar\Gamma| < 0.05g`); the start of the broken branch, the :math:`\omega = 0` state
with :math:`\bar\Gamma > 0.05g` followed down from :math:`\Gamma_e = 8g` by Newton continuation
(engine on first, a seed on the gain site: it lies in the :math:`\omega = 0` subspace of the real
bipartite chain) to its last stable point; and the balance
:math:`\Gamma_i f^2_{(1)}(n) = \Gamma_e f^2_{(N)}(n)` evaluated at the occupation where the
symmetric branch ends.  (The first broken state that protocol A reaches *after* the symmetric
branch ends is not used: past the end of that branch the chain can land on several attractors,
and which one depends on round-off.)
"""

from __future__ import annotations

import numpy as np

from ...deterministic import order_parameter
from ._common import dataset, follow_branch
from .universality import chain, state_dataset_vars, sweep_ge

#: (Gamma_i, n0 of the gain, n0 of the loss)
CASES = [
    (2.0, 1.0, 1.0),
    (2.0, 1.1, 1.0),
    (4.0, 1.0, 1.0),
    (4.0, 1.1, 1.0),
    (4.0, 1.0, 1.1),
    (4.0, 1.0, 1.5),
]


def ge_star(gi, n0_gain, n0_loss):
    """Transition of Figs. S9/S10 solved for Gamma_e: Gamma_i (n0(1)/n0(N))^2."""
    return gi * (n0_gain / n0_loss) ** 2


def compute():
    """The six noise-free sweeps, where their symmetric branch ends and where the broken branch begins."""
    ge9 = np.linspace(0.1, 8.0, 400)
    states, rows = [], []

    def broken(s, paths):
        order = np.array(
            [
                [order_parameter(net, a) for net, a in zip(path, s.alpha[k])]
                for k, path in enumerate(paths)
            ]
        )
        return np.asarray(s.stable) & (np.abs(s.frequency) < 1e-6) & (order > 0.05)

    for gi, n01, n0N in CASES:
        st = sweep_ge(ge9, gi=gi, n0_gain=n01, n0_loss=n0N)
        order = st["order"]
        ok = st["stable"]
        last_sym = ge9[ok & (np.abs(order) < 0.05)].max()
        on, _ = follow_branch(
            [[chain(gi, x, n0_gain=n01, n0_loss=n0N) for x in ge9[::-1]]], broken, t_max=2e4
        )
        first_brk = ge9[::-1][on[0]].min()
        k = np.argmax(np.where(ok & (ge9 <= last_sym), ge9, -1))
        n_end = st["occupation"][k, 0]
        finite_n = gi * (1 + n_end / n0N) ** 2 / (1 + n_end / n01) ** 2
        states.append(st)
        rows.append((last_sym, first_brk, ge_star(gi, n01, n0N), finite_n, n_end))
    rows = np.array(rows)
    return dataset(
        {
            **state_dataset_vars(states, "case"),
            **{
                name: ("case", rows[:, k])
                for k, name in enumerate(
                    ("last_symmetric", "first_broken", "formula", "balance_at_n", "occupation_end")
                )
            },
        },
        {
            "case": np.arange(len(CASES)),
            "gain": ("case", [c[0] for c in CASES]),
            "n0_gain": ("case", [c[1] for c in CASES]),
            "n0_loss": ("case", [c[2] for c in CASES]),
            "ge": ge9,
            "site": np.arange(10),
        },
        parameters=dict(
            n_sites=10,
            nu=2.0,
            gamma=1e-3,
            cases=CASES,
            protocol=dict(init="mode", t_max=2e4),
            broken_branch=dict(init="seed", continuation="Gamma_e down from 8 g", t_max=2e4),
        ),
        description="Figs. S9/S10, noise free: states against Gamma_e (ge, g) for each case (gain = "
        "Gamma_i; saturation numbers n0_gain, n0_loss); occupations absolute, currents in g "
        "(per unit of occupation); last_symmetric / first_broken: where the symmetric branch ends and the "
        "omega = 0 broken branch (followed down) begins; "
        "formula: Gamma_i (n0(1)/n0(N))^2; balance_at_n: Gamma_i f1^2(n)/fN^2(n) at "
        "n = occupation_end",
    )


def case_index(ds, gi, n01, n0N) -> int:
    """Index of the case (Gamma_i, n0 of the gain, n0 of the loss) in the dataset."""
    for k in range(ds.case.size):
        if (float(ds.gain[k]), float(ds.n0_gain[k]), float(ds.n0_loss[k])) == (gi, n01, n0N):
            return k
    raise KeyError((gi, n01, n0N))


def plot(ds):
    """Fig. S9: current against Gamma_e for Gamma_i = 2g (a) and 4g (b), equal and different n0."""
    import matplotlib.pyplot as plt

    ge9 = ds.ge.values
    fig, axs = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, gi in zip(axs, (2.0, 4.0)):
        for (n01, n0N), c, ls in (((1.0, 1.0), "C3", "-"), ((1.1, 1.0), "C0", "--")):
            k = case_index(ds, gi, n01, n0N)
            ok = ds.stable.values[k]
            cur = ds.current.values[k, :, -1]
            ax.plot(
                ge9,
                np.where(ok, cur, np.nan),
                ls,
                color=c,
                label=rf"$n_0^{{(1)}} = {n01:g}\,n_0^{{(N)}}$",
            )
            ax.plot(ge9[~ok], cur[~ok], "x", color=c, ms=3)
            ax.axvline(float(ds.formula.values[k]), color=c, ls=":", lw=1)
        ax.set(
            xlabel=r"$\Gamma_e/g$",
            ylabel=r"$\langle J\rangle/(g n_0^{(N)})$",
            title=rf"({'ab'[gi > 2]}) Fig. S9: $\Gamma_i = {gi:g}g$",
        )
        ax.legend(fontsize=8)
    return fig
