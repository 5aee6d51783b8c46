"""Drawing helpers for networks (matplotlib is imported lazily)."""

from __future__ import annotations

import numpy as np

from .network import Network

__all__ = ["draw_network"]


def _spring(ax, p, q, color="0.35", turns=5, width=0.07, r=0.22):
    p, q = np.asarray(p, float), np.asarray(q, float)
    d = q - p
    length = np.hypot(*d)
    u = d / length
    n = np.array([-u[1], u[0]])
    a, b = p + r * u, q - r * u
    t = np.linspace(0, 1, 20 * turns + 1)
    zig = width * np.sin(2 * np.pi * turns * t)
    pts = a[None, :] + t[:, None] * (b - a)[None, :] + zig[:, None] * n[None, :]
    ax.plot(pts[:, 0], pts[:, 1], color=color, lw=1.2, zorder=1)


def draw_network(
    net: Network,
    *,
    positions=None,
    ax=None,
    labels=None,
    bath=True,
    site_numbering=1,
    show_rates=True,
):
    r"""Sketch a network in the style of Fig. 1 of the paper.

    Oscillators are drawn as circles, couplings as springs, gain reservoirs as a
    generator box "G" pumping energy in (:math:`\Gamma_i`), loss reservoirs as an
    engine box "E" taking energy out (:math:`\Gamma_e`), and the thermal bath
    (rate :math:`\gamma`, occupation :math:`N_{\rm th}`) as a shaded band with
    wavy couplings.

    Parameters
    ----------
    net : Network
    positions : array_like, shape (N, 2), optional
        Site coordinates; default: a line for chains, row-major square lattice
        positions when N is a perfect square and the coupling matches, else a circle
        (rings).
    ax : matplotlib Axes, optional
    labels : list of str, optional
        Site labels (default: numbers starting at ``site_numbering``).
    bath : bool, default: True
    site_numbering : int, default: 1
        First site number in the labels (the paper numbers from 1).
    show_rates : bool, default: True
        Annotate the reservoirs with their rates.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

    n = net.n_sites
    if positions is None:
        side = int(round(np.sqrt(n)))
        grid = side * side == n and n > 3 and len(net.bonds) == 2 * side * (side - 1)
        line = {tuple(b) for b in net.bonds.tolist()} <= {(k, k + 1) for k in range(n - 1)}
        if grid:
            positions = np.array([[k % side, -(k // side)] for k in range(n)], float) * 1.6
        elif line:
            positions = np.array([[1.4 * k, 0.0] for k in range(n)])
        else:  # rings and other graphs: sites on a circle (a ring without crossing bonds)
            radius = max(1.4, 1.4 * n / (2 * np.pi))
            phi = np.pi / 2 - 2 * np.pi * np.arange(n) / n
            positions = radius * np.stack([np.cos(phi), np.sin(phi)], axis=1)
    pos = np.asarray(positions, float)
    if pos.shape != (n, 2):
        raise ValueError(f"`positions` must have shape ({n}, 2), got {pos.shape}.")
    if ax is None:
        _, ax = plt.subplots(
            figsize=(1.2 * (np.ptp(pos[:, 0]) + 3), 1.2 * (np.ptp(pos[:, 1]) + 2.6))
        )
    labels = labels or [str(k + site_numbering) for k in range(n)]

    lo, hi = pos.min(axis=0), pos.max(axis=0)
    if bath:
        y0 = lo[1] - 1.35
        ax.add_patch(
            Rectangle(
                (lo[0] - 0.9, y0 - 0.45),
                hi[0] - lo[0] + 1.8,
                0.5,
                color="#a6cee3",
                alpha=0.6,
                lw=0,
                zorder=0,
            )
        )
        ax.text(
            hi[0] + 0.95,
            y0 - 0.2,
            r"bath $\gamma,\ N_{\rm th}$",
            va="center",
            ha="left",
            fontsize=9,
        )
        for k in range(n):
            x, y = pos[k]
            if y > lo[1] + 1e-9:
                continue
            t = np.linspace(0, 1, 60)
            ax.plot(
                x + 0.06 * np.sin(8 * np.pi * t),
                y - 0.25 - t * (y - 0.25 - y0 - 0.05),
                color="#1f78b4",
                lw=0.9,
                zorder=1,
            )
    for i, j in net.bonds:
        _spring(ax, pos[i], pos[j])
    if len(net.bonds):
        i, j = net.bonds[0]
        mid = 0.5 * (pos[i] + pos[j])
        ax.text(mid[0], mid[1] + 0.22, "$g$", ha="center", va="bottom", fontsize=10)
    for k in range(n):
        ax.add_patch(Circle(pos[k], 0.22, facecolor="white", edgecolor="black", lw=1.4, zorder=3))
        ax.text(pos[k][0], pos[k][1], labels[k], ha="center", va="center", fontsize=9, zorder=4)

    def box(site, text, color, rate, direction, sym):
        x, y = pos[site]
        bx, by = x + direction[0] * 1.1, y + direction[1] * 1.1
        ax.add_patch(
            FancyBboxPatch(
                (bx - 0.3, by - 0.25),
                0.6,
                0.5,
                boxstyle="round,pad=0.05",
                facecolor=color,
                edgecolor="black",
                lw=1.0,
                zorder=3,
            )
        )
        ax.text(bx, by, text, ha="center", va="center", fontsize=11, weight="bold", zorder=4)
        start, end = (
            (bx - 0.36 * direction[0], by - 0.31 * direction[1]),
            (x + 0.25 * direction[0], y + 0.25 * direction[1]),
        )
        if text == "E":
            start, end = end, start
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=12,
                lw=1.4,
                color=color if color != "white" else "black",
                zorder=2,
            )
        )
        if show_rates:
            if direction[1] == 0:  # horizontal arrow: label above it
                ax.text(
                    0.5 * (bx + x),
                    0.5 * (by + y) + 0.18,
                    sym,
                    ha="center",
                    va="bottom",
                    fontsize=10,
                )
            else:  # vertical arrow: label beside it, clear of the circle
                ax.text(
                    0.5 * (bx + x) + 0.22, 0.5 * (by + y), sym, ha="left", va="center", fontsize=10
                )

    def outward(site):
        c = pos.mean(axis=0)
        d = pos[site] - c
        if np.hypot(*d) < 1e-9:
            return np.array([0.0, 1.0])
        if abs(d[0]) >= abs(d[1]) - 1e-9:
            return np.array([np.sign(d[0]), 0.0])
        return np.array([0.0, np.sign(d[1])])

    multi_g, multi_e = len(net.gain) > 1, len(net.loss) > 1
    for s, r in net.gain.items():
        box(
            s,
            "G",
            "#fdbf6f",
            r.rate,
            outward(s),
            r"$\Gamma_i^{(%s)}$" % labels[s]
            if multi_g or n > 4 and not np.all(pos[:, 1] == 0)
            else r"$\Gamma_i$",
        )
    for s, r in net.loss.items():
        box(
            s,
            "E",
            "#b2df8a",
            r.rate,
            outward(s),
            r"$\Gamma_e^{(%s)}$" % labels[s]
            if multi_e or n > 4 and not np.all(pos[:, 1] == 0)
            else r"$\Gamma_e$",
        )
    ax.set_xlim(lo[0] - 1.55, hi[0] + (2.9 if bath else 1.55))
    ax.set_ylim(lo[1] - 1.95, hi[1] + 0.75)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
