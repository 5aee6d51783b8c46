r"""Fig. 2: noise-free transport along the chain (chapter ``transport``).

(a) the current over the :math:`(\Gamma_i, \Gamma_e)` plane, two switch-on protocols;
(b) the current at :math:`\Gamma_e = \Gamma_i` and the maximal current on fine paths;
(c) occupation profiles against Eq. (6).

Currents in units of :math:`g n_0` (the noise-free equations are scale free in :math:`n_0`);
:math:`J` is the current delivered into the extraction site (the last bond).
"""

from __future__ import annotations

import numpy as np

from ... import analytic
from ...deterministic import steady_state
from ...network import chain
from ._common import bond_coords, dataset, follow_branch, parameters, require, state_vars

N, GAMMA = 10, 1e-3


def _keep(states, nets, s):
    if states is not None:
        states.append((nets, s))
    return s


def compute_a(*, states: list = None):
    r"""Fig. 2(a): every :math:`\Gamma_i` of a 150-point grid, :math:`\Gamma_e` ramped over the same grid.

    Protocol A (``up``, the figure): from the band-centre mode at small :math:`\Gamma_e`, each
    point continued from the previous one, :math:`t_{\max} = 10^4/g`.  Protocol B (``down_*``,
    rows :math:`\Gamma_i \ge 2.5g`, every second one): engine on first, from a seed at
    :math:`\Gamma_e = 10g`, ramped down, :math:`t_{\max} = 2\times10^3/g`; stored in ascending
    :math:`\Gamma_e`.  ``bistable``: both protocols stable, currents differing by more than
    0.02, below :math:`\Gamma_e = \Gamma_i`.  ``states``, if given, receives every
    ``(networks, SteadyState)`` batch computed (the chapter checks energy balance on them).
    """
    grid = np.linspace(10 / 150, 10, 150)
    GI, GE = np.meshgrid(grid, grid, indexing="ij")
    paths = [[chain(N, gain=a, loss=b, gamma=GAMMA) for b in grid] for a in grid]
    up = _keep(states, paths, steady_state(paths, continuation=True, init="mode", t_max=1e4))
    rows_b = np.nonzero(grid >= 2.5)[0][::2]
    down = _keep(
        states,
        [paths[i][::-1] for i in rows_b],
        steady_state([paths[i][::-1] for i in rows_b], continuation=True, init="seed", t_max=2e3),
    )
    J_up, ok_up = up.current[..., -1], up.stable
    J_dn, ok_dn = down.current[:, ::-1, -1], down.stable[:, ::-1]
    two_states = np.zeros_like(ok_up)
    two_states[rows_b] = ok_up[rows_b] & ok_dn & (np.abs(J_up[rows_b] - J_dn) > 0.02)
    hyst = two_states & (GE < GI)  # the broken-phase state survives below Gamma_e = Gamma_i
    v = state_vars(up, ("gain", "loss"))
    v.update(state_vars(down[:, ::-1], ("gain_b", "loss"), prefix="down_"))
    v.update(
        delivered=(("gain", "loss"), J_up),
        down_delivered=(("gain_b", "loss"), J_dn),
        two_states=(("gain", "loss"), two_states),
        bistable=(("gain", "loss"), hyst),
        stalled_formula=(("gain", "loss"), analytic.stalled_region(GI, GE)),
    )
    return dataset(
        v,
        {
            "gain": grid,
            "loss": grid,
            "gain_b": grid[rows_b],
            "row_b": ("gain_b", rows_b),
            "site": np.arange(N),
            **bond_coords(up),
        },
        parameters=dict(
            n_sites=N,
            gamma=GAMMA,
            grid=[float(grid[0]), float(grid[-1]), grid.size],
            protocol_a=dict(init="mode", continuation="Gamma_e up", t_max=1e4),
            protocol_b=dict(
                init="seed",
                continuation="Gamma_e down from 10 g",
                t_max=2e3,
                rows="Gamma_i >= 2.5 g, every second",
            ),
        ),
        description="Fig. 2(a): noise-free steady states of the N = 10 chain over (Gamma_i, Gamma_e); "
        "currents in g n0 (delivered: last bond)",
    )


def plot_a(ds):
    """Fig. 2(a): the map (protocol A), the rotation frequency of the state reached, and cuts."""
    import matplotlib.pyplot as plt

    grid = ds.loss.values
    GI, GE = np.meshgrid(grid, grid, indexing="ij")
    stable, stationary = ds.stable.values, ds.stationary.values
    J_up, J_dn = ds.delivered.values, ds.down_delivered.values
    ok_up, ok_dn = stable, ds.down_stable.values
    rows_b = ds.row_b.values
    fig, (ax, axw, ax2) = plt.subplots(1, 3, figsize=(11.5, 4.2), layout="constrained")
    Jplot = np.where(stable, J_up, np.nan)
    im = ax.pcolormesh(
        grid, grid, Jplot.T, cmap="viridis", shading="nearest", rasterized=True, vmin=0
    )
    ns = ~stationary
    ax.plot(GI[ns], GE[ns], "x", color="0.6", ms=2.5, mew=0.6)
    unst = stationary & ~stable
    ax.plot(GI[unst], GE[unst], ".", color="r", ms=3)
    ax.contour(
        grid,
        grid,
        ds.stalled_formula.values.T.astype(float),
        levels=[0.5],
        colors="w",
        linestyles="--",
    )
    ax.contour(
        grid,
        grid,
        ds.bistable.values.T.astype(float),
        levels=[0.5],
        colors="r",
        linestyles=":",
        linewidths=1.2,
    )
    fig.colorbar(im, ax=ax, label=r"$\langle J\rangle/(g n_0)$")
    ax.set(xlabel=r"$\Gamma_i / g$", ylabel=r"$\Gamma_e / g$", title="(a) N = 10, protocol A")
    imw = axw.pcolormesh(
        grid,
        grid,
        np.where(stable, ds.frequency.values, np.nan).T,
        cmap="PuOr",
        vmin=-1,
        vmax=1,
        shading="nearest",
        rasterized=True,
    )
    fig.colorbar(imw, ax=axw, label=r"rotation frequency $\omega / g$")
    axw.set(xlabel=r"$\Gamma_i / g$", ylabel=r"$\Gamma_e / g$", title="which state (protocol A)")
    for gi, c in ((6.0, "C0"), (8.0, "C1")):
        i = np.argmin(np.abs(grid - gi))
        r = np.nonzero(rows_b == i)[0][0]
        ax2.plot(
            grid,
            np.where(ok_up[i], J_up[i], np.nan),
            color=c,
            label=rf"$\Gamma_i = {grid[i]:.1f}g$, $\Gamma_e$ up (A)",
        )
        ax2.plot(
            grid,
            np.where(ok_dn[r], J_dn[r], np.nan),
            "--",
            color=c,
            label=rf"$\Gamma_i = {grid[i]:.1f}g$, $\Gamma_e$ down (B)",
        )
    ax2.set(
        xlabel=r"$\Gamma_e / g$",
        ylabel=r"$\langle J\rangle/(g n_0)$",
        title="cuts: both switch-on orders",
    )
    ax2.legend(fontsize=8)
    return fig


#: Fig. 2(b): the omega = 0 broken branch is followed from Gamma_e = BRANCH_TOP Gamma_i down to
#: BRANCH_BOTTOM Gamma_i (below the single-mode state's stability edge, ~0.97, for every Gamma_i).
BRANCH_TOP, BRANCH_BOTTOM = 2.0, 0.965


def compute_b(*, states: list = None):
    r"""Fig. 2(b): the two branches of the ridge for 18 values of :math:`\Gamma_i`.

    The ridge is made of two branches of stationary states, each followed by Newton continuation
    (a point starts from the previous point's state) so that the result does not depend on which of
    the coexisting attractors a switch-on happens to reach:

    * the single-mode symmetric branch (:math:`|\omega|` within 20 % of
      :math:`g\sin\frac{\pi}{2(N+1)}`): protocol A, from the band-centre mode at small
      :math:`\Gamma_e` up the fine path, 40 points up to :math:`0.96\,\Gamma_i`, then 160 over
      :math:`0.96`–:math:`1.01\,\Gamma_i`; ``last_stable``: the last :math:`\Gamma_e/\Gamma_i` at
      which it is linearly stable;
    * the :math:`\omega = 0` broken branch of Eqs. (S30)–(S31), followed *down* from
      :math:`\Gamma_e = 2\Gamma_i` (engine on first, a seed on the gain site) over the same fine
      points to :math:`0.965\,\Gamma_i`.  A real seed lies in the :math:`\omega = 0` subspace of the
      real bipartite chain (the map :math:`\alpha_\ell\to(-1)^\ell\alpha_\ell^*`), which is why this
      start finds that branch; the stability verdict is the full Jacobian's.  ``branch_*``: its
      states (NaN off the branch: from its first unstable or rotating state on).

    Past the single-mode state's stability edge protocol A lands on one of several broken-phase
    attractors (:math:`|\omega| = 0`, :math:`0.81g`, :math:`0.95g`), and which one depends on round-off;
    the ridge quantities use the branches only.  ``ridge_current``: the largest current of the two
    branches at each point, the broken branch counted beyond ``last_stable`` (there and below, where it
    coexists with the stable single-mode state, its states are the metastable ones the paper leaves
    aside); ``current_at_equal`` its value at :math:`\Gamma_e = \Gamma_i`; ``current_max``, ``ge_star``
    and ``max_index``: its maximum and where it sits; ``max_alpha``, ``max_frequency``: that state.
    """
    gis = np.linspace(1.5, 10, 18)
    rel = np.concatenate([np.linspace(0.05, 0.96, 40), np.linspace(0.96, 1.01, 161)[1:]])
    fine_nets = [[chain(N, gain=a, loss=a * r, gamma=GAMMA) for r in rel] for a in gis]
    fine = _keep(
        states, fine_nets, steady_state(fine_nets, continuation=True, init="mode", t_max=1e4)
    )
    omega_k0 = np.sin(np.pi / (2 * (N + 1)))
    Jf = fine.current[..., -1]
    okf = fine.stable
    wf = np.abs(fine.frequency)
    sym_branch = okf & (np.abs(wf - omega_k0) < 0.2 * omega_k0)
    sym = (
        okf & (np.abs(fine.frequency) > 0.5 * omega_k0) & (np.abs(fine.frequency) < 1.5 * omega_k0)
    )
    last_stable = np.array([rel[np.nonzero(sym[i])[0].max()] for i in range(gis.size)])

    tail = np.nonzero(rel >= BRANCH_BOTTOM)[0][::-1]  # fine points, from 1.01 down
    down = np.concatenate([np.linspace(BRANCH_TOP, rel[-1], 20)[:-1], rel[tail]])
    down_paths = [[chain(N, gain=a, loss=a * r, gamma=GAMMA) for r in down] for a in gis]
    _, branch = follow_branch(
        down_paths,
        lambda st, _: np.asarray(st.stable) & (np.abs(st.frequency) < 1e-6),
        states=states,
    )
    bJ, b_alpha = branch["current"], branch["alpha"]
    n_top = down.size - tail.size
    bJ_fine = np.full(Jf.shape, np.nan)
    b_alpha_fine = np.full(fine.alpha.shape, np.nan, complex)
    bJ_fine[:, tail], b_alpha_fine[:, tail] = bJ[:, n_top:], b_alpha[:, n_top:]
    bJ, b_alpha = bJ_fine, b_alpha_fine
    counted = np.isfinite(bJ) & (rel[None, :] > last_stable[:, None])
    ridge_J = np.fmax(np.where(sym_branch, Jf, np.nan), np.where(counted, bJ, np.nan))
    ridge_states = sym_branch | counted
    require(np.all(ridge_states.any(axis=1)), "every path has a ridge state")
    i_eq = np.argmin(np.abs(rel - 1))
    k_max = np.nanargmax(ridge_J, axis=1)
    rows = np.arange(gis.size)
    J_max = ridge_J[rows, k_max]
    from_branch = counted[rows, k_max] & (
        bJ[rows, k_max] >= np.where(sym_branch, Jf, -np.inf)[rows, k_max]
    )
    max_alpha = np.where(from_branch[:, None], b_alpha[rows, k_max], fine.alpha[rows, k_max])
    max_frequency = np.where(from_branch, 0.0, fine.frequency[rows, k_max])
    v = state_vars(fine, ("gain", "ratio"))
    v.update(
        delivered=(("gain", "ratio"), Jf),
        ridge_state=(("gain", "ratio"), ridge_states),
        ridge_current=(("gain", "ratio"), ridge_J),
        branch_delivered=(("gain", "ratio"), bJ),
        branch_alpha=(("gain", "ratio", "site"), b_alpha),
        max_index=("gain", k_max),
        current_max=("gain", J_max),
        ge_star=("gain", rel[k_max]),
        max_alpha=(("gain", "site"), max_alpha),
        max_frequency=("gain", max_frequency),
        max_on_branch=("gain", from_branch),
        current_at_equal=("gain", ridge_J[:, i_eq]),
        last_stable=("gain", last_stable),
        s36=("gain", analytic.s36_transition(gis, GAMMA) / gis),
        s44=("gain", analytic.s44_transition(gis, GAMMA, N) / gis),
    )
    return dataset(
        v,
        {
            "gain": gis,
            "ratio": rel,
            "loss": (("gain", "ratio"), gis[:, None] * rel[None, :]),
            "site": np.arange(N),
            **bond_coords(fine),
        },
        parameters=dict(
            n_sites=N,
            gamma=GAMMA,
            gains=gis,
            protocol=dict(init="mode", continuation="Gamma_e up", t_max=1e4),
            broken_branch=dict(
                init="seed",
                continuation="Gamma_e down",
                top=BRANCH_TOP,
                bottom=BRANCH_BOTTOM,
                t_max=2e3,
            ),
        ),
        description="Fig. 2(b): fine paths Gamma_e = ratio x Gamma_i; the single-mode branch (protocol A) "
        "and the omega = 0 broken branch (followed down); currents in g n0",
    )


def plot_b(ds):
    """Fig. 2(b): current at Gamma_e = Gamma_i and maximal current; where the maximum sits."""
    import matplotlib.pyplot as plt

    p = parameters(ds)
    n, gamma = p["n_sites"], p["gamma"]
    gis = ds.gain.values
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.6), layout="constrained")
    ax.plot(
        gis,
        ds.current_at_equal.values,
        "o-",
        ms=3,
        label=r"$\langle J\rangle$ at $\Gamma_e = \Gamma_i$",
    )
    ax.plot(gis, ds.current_max.values, "s-", ms=3, label=r"$\langle J\rangle_{\max}$")
    ax.axhline(1, color="0.5", lw=0.8, ls=":")
    ax.set(xlabel=r"$\Gamma_i / g$", ylabel=r"$\langle J\rangle / (g n_0)$", title="(b) N = 10")
    ax.legend()
    ax2.plot(gis, 1 - ds.ge_star.values, "s", ms=4, label=r"numerics: $1-\Gamma_e^*/\Gamma_i$")
    ax2.plot(gis, 1 - ds.last_stable.values, "+", ms=6, label="single-mode state loses stability")
    ax2.axhline(n * gamma / 2, color="C2", ls="--", label=r"$N\gamma/2g$ (main text)")
    ax2.plot(gis, 1 - ds.s36.values, color="C3", ls=":", label="Eq. (S36)")
    ax2.plot(gis, 1 - ds.s44.values, color="C4", ls="-.", label="Eq. (S44)")
    ax2.set(
        xlabel=r"$\Gamma_i / g$",
        ylabel=r"$1-\Gamma_e/\Gamma_i$",
        yscale="log",
        title=r"location of $\langle J\rangle_{\max}$",
    )
    ax2.legend(fontsize=7)
    return fig


def compute_c(*, fig2b, states: list = None):
    r"""Fig. 2(c): occupation profiles at :math:`\Gamma_i = 4g` and Eq. (6) fitted.

    Symmetric (:math:`\Gamma_i/\Gamma_e = 1.05`) and broken (:math:`\Gamma_i/\Gamma_e = 2/3`)
    phases, each ramped up over 30 points from the band-centre mode, and the transition: the
    state of maximal current on the fine path of Fig. 2(b) (``fig2b``, its dataset).
    """
    gi = 4.0
    k_sym, k_brk = analytic.eq6_k0(N, symmetric=True), analytic.eq6_k0(N, symmetric=False)
    gis = fig2b.gain.values
    i4 = np.argmin(np.abs(gis - gi))
    require(abs(gis[i4] - gi) < 1e-12, "Fig. 2(b) has a path at Gamma_i = 4g")
    cases = {}
    for label, ge, k0 in (("symmetric", gi / 1.05, k_sym), ("broken", gi * 1.5, k_brk)):
        path = [chain(N, gain=gi, loss=x, gamma=GAMMA) for x in np.linspace(0.1, ge, 30)]
        s = _keep(states, path, steady_state(path, continuation=True, init="mode", t_max=1e4))
        require(s.stable[0, -1], f"the {label} state at Gamma_e = {ge:.3f} g is linearly stable")
        cases[label] = (ge, s.alpha[0, -1], k0)
    k_tr = int(
        fig2b.max_index.values[i4]
    )  # the maximal current at Gamma_i = 4g (omega -> 0, see Fig. 2b)
    require(
        abs(fig2b.max_frequency.values[i4]) < 1e-6,
        "the maximal current at Gamma_i = 4g sits on omega = 0",
    )
    cases["transition"] = (gi * fig2b.ratio.values[k_tr], fig2b.max_alpha.values[i4], k_brk)
    fits = {label: analytic.fit_standing_wave(a, k0) for label, (ge, a, k0) in cases.items()}
    labels = list(cases)
    return dataset(
        {
            "alpha": (("case", "site"), np.array([cases[k][1] for k in labels])),
            "occupation": (("case", "site"), np.abs(np.array([cases[k][1] for k in labels])) ** 2),
            "k0": ("case", [cases[k][2] for k in labels]),
            "A": ("case", np.array([fits[k][0] for k in labels])),
            "B": ("case", np.array([fits[k][1] for k in labels])),
        },
        {"case": labels, "loss": ("case", [cases[k][0] for k in labels]), "site": np.arange(N)},
        parameters=dict(
            n_sites=N,
            gamma=GAMMA,
            gain=gi,
            ratios={"symmetric": 1.05, "broken": 2 / 3},
            transition="maximal current on the fine path of Fig. 2(b)",
        ),
        description="Fig. 2(c): steady-state amplitudes at Gamma_i = 4g and the Eq. (6) fit (A, B, k0)",
    )


def plot_c(ds):
    """Fig. 2(c): occupations along the chain (markers) and Eq. (6) with the fitted A, B (lines)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    ell = np.arange(1, ds.site.size + 1)
    for k, m in zip(range(ds.case.size), "osd"):
        label, ge = str(ds.case.values[k]), float(ds.loss.values[k])
        (line,) = ax.plot(
            ell, ds.occupation.values[k], m, label=rf"{label}, $\Gamma_e = {ge:.3f}g$"
        )
        ax.plot(
            ell,
            analytic.eq6_occupation(ell, ds.A.values[k], ds.B.values[k], float(ds.k0.values[k])),
            "-",
            lw=0.8,
            color=line.get_color(),
        )
    ax.set(
        xlabel=r"site $\ell$",
        ylabel=r"$|\alpha_\ell^0|^2 / n_0$",
        yscale="log",
        title=r"(c) $\Gamma_i = 4g$",
    )
    ax.legend(fontsize=8)
    return fig
