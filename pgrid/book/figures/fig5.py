r"""Fig. 5: a 2-D power grid with one generator and two engines (chapter ``grids``).

The paper does not give the grid's bonds; the chapter tests candidate geometries against every
statement of the text and takes grid A, a :math:`3\times3` lattice whose middle row is 1–4–7 with
the engine 9 on a corner next to 7 (:data:`GRID_A`).  Gain :math:`\Gamma_i^{(1)} = 4g` at site 1,
engines at 7 (:math:`\Gamma_e^{(7)}`, swept) and 9 (:math:`\Gamma_e^{(9)} = 4g`), every site damped
(:math:`\gamma = 10^{-3}g`).  Sites are numbered as in the paper (from 1) in this module's
arguments; arrays are 0-based.
"""

from __future__ import annotations

import numpy as np

from ...deterministic import steady_state
from ...network import Network, Reservoir
from ...sde import simulate
from ...sweeps import sweep
from ._common import dataset

GAMMA, GI = 1e-3, 4.0
#: Noise-free sweep of the engine at site 7 (units of g).
GE7 = np.round(np.arange(0.2, 8.01, 0.2), 3)
#: Random starts per point in :func:`protocol_runs`.
N_RANDOM = 6
#: Thermal runs: n0 = 100, N_th = 3 n0, 32 values of Gamma_e(7), dense around Gamma_i(1).
N0_GRID = 100.0
NTH_GRID = 3 * N0_GRID
GE7_SDE = np.concatenate(
    [np.arange(0.25, 3.01, 0.25), np.arange(3.25, 4.76, 0.125), np.arange(5.0, 8.01, 0.5)]
)


def lattice_bonds(labels):
    """Bonds of a 3 x 3 square lattice whose site at (row, column) carries the paper number labels[(row, column)]."""
    return [
        (s, labels[(r + dr, c + dc)])
        for (r, c), s in labels.items()
        for dr, dc in ((0, 1), (1, 0))
        if (r + dr, c + dc) in labels
    ]


def fill(labels):
    """Complete a partial labelling of the 3 x 3 lattice with the unused numbers, row by row."""
    free = iter(sorted(set(range(1, 10)) - set(labels.values())))
    return {
        **labels,
        **{(r, c): next(free) for r in range(3) for c in range(3) if (r, c) not in labels},
    }


#: Grid A: the 3 x 3 lattice with 1-4-7 its middle row, 8 below 4 and 9 below 7 (a lattice labelling).
GRID_A = (fill({(1, 0): 1, (1, 1): 4, (1, 2): 7, (2, 1): 8, (2, 2): 9}), None)


def geometry(spec):
    """(9 x 9 coupling matrix, site positions) of a candidate: a lattice labelling or a bond list."""
    bonds, pos = spec
    if isinstance(bonds, dict):  # a lattice labelling (row, col) -> site
        pos = {s: (c, -r) for (r, c), s in bonds.items()}
        bonds = lattice_bonds(bonds)
    c = np.zeros((9, 9))
    for i, j in bonds:
        c[i - 1, j - 1] = c[j - 1, i - 1] = 1.0
    return c, 1.4 * np.array([pos[k] for k in range(1, 10)], float)


def grid_net(coupling, ge7, n_th=0.0, n0=1.0):
    """Fig. 5's reservoirs on a 9-site coupling: gain at site 1, engines at 7 (swept) and 9 (0-based 0, 6, 8)."""
    res = lambda rate: Reservoir(rate, n0=n0)  # noqa: E731
    return Network(
        coupling, gamma=GAMMA, n_th=n_th, gain={0: res(GI)}, loss={6: res(ge7), 8: res(4.0)}
    )


def current_towards(net, current, site):
    """Current reaching paper site `site` from its neighbours one bond nearer to site 1 (graph distance)."""
    dist = np.full(net.n_sites, -1)
    dist[0], frontier = 0, [0]
    while frontier:
        nxt = [m for k in frontier for m in np.flatnonzero(net.coupling[k]) if dist[m] < 0]
        for m in nxt:
            dist[m] = dist[frontier[0]] + 1
        frontier = sorted(set(nxt))
    s = site - 1
    total = 0.0
    for q, (i, j) in enumerate(net.bonds):
        other = i if j == s else j if i == s else None
        if other is not None and dist[other] == dist[s] - 1:
            total = total + current[..., q] * (1.0 if j == s else -1.0)
    return total


def protocol_runs(coupling, protocols=("up", "down", "random")) -> dict:
    r"""Noise-free states of a geometry along :data:`GE7` for each protocol: ``up`` (band-centre mode,
    :math:`\Gamma_e^{(7)}` ramped up), ``down`` (a seed at :math:`8g`, ramped down), ``random``
    (:data:`N_RANDOM` random starts per point); :math:`t_{\max} = 10^4/g`.

    Returns ``{protocol: dict(x, stable, valid, J, node)}``: the :math:`\Gamma_e^{(7)}` of each
    state, linear stability, ``valid`` (stable or never stationary: then ``J`` is a time
    average), the currents :math:`J_7, J_8, J_9` reaching sites 7, 8, 9 (:func:`current_towards`)
    and :math:`|\alpha_4|^2/\max_\ell|\alpha_\ell|^2`.
    """
    path = [grid_net(coupling, x) for x in GE7]
    make = {
        "up": lambda: steady_state([path], continuation=True, init="mode", t_max=1e4),
        "down": lambda: steady_state(
            [path[::-1]], continuation=True, init="seed", amplitude=1.0, t_max=1e4
        ),
        "random": lambda: steady_state(
            [p for p in path for _ in range(N_RANDOM)],
            init="random",
            amplitude=1.0,
            seed=9,
            t_max=1e4,
        ),
    }
    out = {}
    for tag in protocols:
        s = make[tag]()
        x = np.repeat(GE7, N_RANDOM) if tag == "random" else (GE7[::-1] if tag == "down" else GE7)
        cur = s.current.reshape(x.size, -1)
        occ = s.occupation.reshape(x.size, -1)
        J = np.stack([current_towards(path[0], cur, k) for k in (7, 8, 9)], axis=1)
        status = s.status.reshape(-1)
        out[tag] = dict(
            x=x,
            stable=s.stable.reshape(-1),
            valid=(status == "stable") | (status == "not stationary"),
            J=J,
            node=occ[:, 3] / occ.max(axis=1),
        )
    return out


def fig5_point(ge7, seed, coupling):
    """One point of Fig. 5(b): mean and spread of the currents J7, J8, J9 reaching sites 7, 8, 9, N_th = 3 n0."""
    net = grid_net(coupling, ge7, n_th=NTH_GRID, n0=N0_GRID)
    e = simulate(
        net, dt=0.02, t_relax=5e3, t_sample=1e4, n_traj=32, seed=seed, sample_every=50, n_record=32
    )
    a_ = e.record  # (trajectory, sample, site)
    bond_j = net.bond_coupling * np.imag(
        np.conj(a_[..., net.bonds[:, 0]]) * a_[..., net.bonds[:, 1]]
    )
    j_l = (
        np.stack([current_towards(net, bond_j, k) for k in (7, 8, 9)], axis=-1) / N0_GRID
    )  # (traj, sample, 3)
    n = j_l.shape[0]
    return {
        "J": np.array([current_towards(net, e.current_mean, k) for k in (7, 8, 9)]) / N0_GRID,
        "J_err": j_l.mean(axis=1).std(axis=0, ddof=1) / np.sqrt(n),
        "dJ": j_l.reshape(-1, 3).std(axis=0),
        "dJ_err": j_l.std(axis=1).std(axis=0, ddof=1) / np.sqrt(n),
        "occ": e.occupation_mean / N0_GRID,
    }


def thermal_runs(coupling, ge7=GE7_SDE, seed=500, desc="Fig. 5(b)"):
    r"""The thermal runs of Fig. 5(b) on a geometry (:func:`fig5_point` swept over ``ge7``, cached):
    :math:`dt = 0.02/g`, 32 trajectories, relaxation :math:`5\times10^3/g`, sampling :math:`10^4/g`;
    spreads from the recorded amplitudes (one sample per :math:`1/g`)."""
    return sweep(fig5_point, {"ge7": ge7}, coupling=coupling, seed=seed, cache=True, desc=desc)


def compute(*, noise_free=None):
    """Fig. 5 on grid A: the geometry, the noise-free currents (ramped up; ``noise_free``: the
    ``"up"`` entry of :func:`protocol_runs`, computed if not given) and the thermal runs."""
    coupling, pos = geometry(GRID_A)
    up = protocol_runs(coupling, ("up",))["up"] if noise_free is None else noise_free
    res = thermal_runs(coupling)
    target = [7, 8, 9]
    return dataset(
        {
            "coupling": (("site", "site_2"), coupling),
            "position": (("site", "xy"), pos),
            "noise_free_current": (("ge7_noise_free", "target"), up["J"]),
            "noise_free_stable": ("ge7_noise_free", up["stable"]),
            "noise_free_node": ("ge7_noise_free", up["node"]),
            "J": (("ge7", "target"), res["J"]),
            "J_err": (("ge7", "target"), res["J_err"]),
            "dJ": (("ge7", "target"), res["dJ"]),
            "dJ_err": (("ge7", "target"), res["dJ_err"]),
            "occupation": (("ge7", "site"), res["occ"]),
        },
        {
            "site": np.arange(1, 10),
            "site_2": np.arange(1, 10),
            "xy": ["x", "y"],
            "target": target,
            "ge7_noise_free": up["x"],
            "ge7": GE7_SDE,
        },
        parameters=dict(
            gain_site_1=GI,
            loss_site_9=4.0,
            gamma=GAMMA,
            geometry="grid A: 3 x 3 lattice, middle row 1-4-7, 8 below 4, 9 below 7",
            noise_free=dict(protocol="mode, ramped up", t_max=1e4),
            thermal=dict(
                n0=N0_GRID, n_th=NTH_GRID, dt=0.02, t_relax=5e3, t_sample=1e4, n_traj=32, seed=500
            ),
        ),
        description="Fig. 5: currents J7, J8, J9 reaching sites 7, 8, 9 (paper numbering, from the "
        "neighbours nearer to site 1), units of g n0; noise free and with N_th = 3 n0 (SDE; "
        "dJ: P-function spread); occupation in n0",
    )


def plot(ds):
    """Fig. 5: (a) grid A, (b) mean currents with and without noise, (c) their fluctuations."""
    import matplotlib.pyplot as plt

    from ...plotting import draw_network

    ge7_sde = ds.ge7.values
    J5, J5_err, dJ5, dJ5_err = ds.J.values, ds.J_err.values, ds.dJ.values, ds.dJ_err.values
    fig = plt.figure(figsize=(11.5, 4.0))
    ax_a = fig.add_axes([0.0, 0.05, 0.27, 0.88])
    draw_network(
        grid_net(ds.coupling.values, 1.0), positions=ds.position.values, ax=ax_a, bath=False
    )
    ax_a.set_title("(a) grid A")
    ax = fig.add_axes([0.33, 0.14, 0.36, 0.76])
    colors = {7: "C0", 8: "C2", 9: "C1"}
    x = ds.ge7_noise_free.values
    order = np.argsort(x)
    x_nf, st_nf = x[order], ds.noise_free_stable.values[order]
    for k, site in enumerate((7, 8, 9)):
        ax.errorbar(
            ge7_sde,
            J5[:, k],
            J5_err[:, k],
            fmt="o-",
            ms=3,
            color=colors[site],
            label=rf"$\langle J_{site}\rangle$",
        )
        j_nf = ds.noise_free_current.values[order, k]
        ax.plot(x_nf, np.where(st_nf, j_nf, np.nan), "-", color=colors[site], lw=0.8)
        ax.plot(x_nf, np.where(~st_nf, j_nf, np.nan), "--", color=colors[site], lw=0.8)
    ax.axvline(GI, color="0.6", lw=0.8, ls=":")
    ax.set(
        xlabel=r"$\Gamma_e^{(7)} / g$",
        ylabel=r"current $/ (g n_0)$",
        title=r"(b) Fig. 5: currents, $N_{\rm th} = 3n_0$",
    )
    ax.legend(loc="upper left", fontsize=8)
    ax_c = fig.add_axes([0.76, 0.14, 0.23, 0.76])
    for k, site in enumerate((7, 8, 9)):
        ax_c.errorbar(
            ge7_sde,
            dJ5[:, k],
            dJ5_err[:, k],
            fmt="o-",
            ms=3,
            color=colors[site],
            label=rf"$\Delta J_{site}$",
        )
    ax_c.set(
        xlabel=r"$\Gamma_e^{(7)}/g$",
        ylabel=r"$\Delta J/(g n_0)$",
        yscale="log",
        title="(c) fluctuations (inset of 5b)",
    )
    ax_c.legend(fontsize=8)
    return fig


def candidate_table(rows, gi):
    """The geometry screen of the grids chapter as a table (``pandas.DataFrame``, one row per
    candidate): the residual current reaching site 9 before the switch (g n0), the node at site 4
    (its occupation over the largest), the degree of site 4, the switch points of the three
    protocols (in units of Gamma_i(1)), whether the three currents differ, the share of states
    still moving after the switch, and how many of the text's five statements hold (those that
    fail in brackets).  ``rows``: (name, residual, node, degree4, x_up, x_dn, x_rnd, distinct,
    moving, ok) per candidate, ``ok`` a dict statement -> bool."""
    import pandas as pd

    records = []
    for name, residual, node, degree4, x_up, x_dn, x_rnd, distinct, moving, ok in rows:
        failed = ", ".join(k for k, v in ok.items() if not v)
        records.append(
            {
                "candidate": name,
                "J9 before (g n0)": f"{residual:.3f}",
                "|a4|² / max": f"{node:.1e}",
                "degree of 4": int(degree4),
                "switch ↑ (Γi)": f"{x_up / gi:.2f}",
                "↓ (Γi)": f"{x_dn / gi:.2f}",
                "random (Γi)": f"{x_rnd / gi:.2f}",
                "J7, J8, J9 distinct": "yes" if distinct else "no",
                "moving": f"{moving:.0%}",
                "statements met": f"{sum(ok.values())} of {len(ok)}"
                + (f" ({failed})" if failed else ""),
            }
        )
    return pd.DataFrame.from_records(records).set_index("candidate")


def thermal_table(ds, every=1):
    """Fig. 5 with thermal noise as a table (``pandas.DataFrame``): every ``every``-th Gamma_e(7)
    of the dataset with the mean currents <J7>, <J8>, <J9> and the spreads Delta J7, Delta J9
    (g n0), and the occupation of the crossing site 4 (n0)."""
    import pandas as pd

    k = slice(None, None, every)
    return pd.DataFrame(
        {
            "Γe(7) (g)": ds.ge7.values[k].round(3),
            "<J7>": ds.J.values[k, 0].round(3),
            "<J8>": ds.J.values[k, 1].round(3),
            "<J9>": ds.J.values[k, 2].round(3),
            "ΔJ7": ds.dJ.values[k, 0].round(3),
            "ΔJ9": ds.dJ.values[k, 2].round(3),
            "|α4|²/n0": ds.occupation.values[k, 3].round(3),
        }
    ).set_index("Γe(7) (g)")
