r"""Predicates of the book's checks that have a falsifier test.

A chapter's ``check(item, condition, claim, falsifier="test_...")`` computes ``condition`` with a
function from here; ``tests/test_falsifiers.py`` calls the same function on a plausible
alternative (the other protocol, the other image flux, the other pair of sites) and asserts that
it is then false.  Keeping the predicate in one place is what makes the falsifier test the check
itself and not a copy of it.
"""

from __future__ import annotations

import numpy as np

from ..network import Network
from ..symmetry import invariant_subspaces, symmetries

__all__ = ["single_mode_state", "grows_deep_in_broken_phase", "mirror_broken", "image_distance", "nonreciprocity"]


def single_mode_state(state, omega: float, current: float, *, rtol_omega: float = 1e-3,
                      rtol_current: float = 0.02) -> bool:
    r"""The state is the stable single-mode state: stable, :math:`|\omega|` within ``rtol_omega`` of
    ``omega``, delivered current (last bond) within ``rtol_current`` of ``current`` (Eq. S41)."""
    return bool(state.stable and abs(abs(float(state.frequency)) - omega) < rtol_omega * omega
                and abs(float(state.current[-1]) / current - 1) < rtol_current)


def grows_deep_in_broken_phase(values, loss, broken: float, *, factor: float = 10.0) -> bool:
    """``values`` (against ``loss``) is largest at the last point and there more than ``factor`` times its
    largest value up to ``broken`` (the noise-free symmetry breaking)."""
    values, loss = np.asarray(values, float), np.asarray(loss, float)
    before = values[loss <= broken]
    return bool(before.size and np.argmax(values) == values.size - 1 and values[-1] > factor * before.max())


def mirror_broken(net: Network, alpha, *, tol: float = 1e-6) -> bool:
    """``alpha`` lies outside the invariant subspace of every reflection of ``net`` (a mirror-symmetric
    network whose state is not mirror symmetric); False when ``net`` has no reflection."""
    mirrors = [s for s in symmetries(net) if s.name == "reflection"]
    return bool(mirrors) and not invariant_subspaces(net, alpha, tol=tol, syms=mirrors)


def image_distance(att: dict, image, sites, *, min_share: float = 0.5) -> np.ndarray:
    """Per point of a :func:`pgrid.book.beyond.flux_attractors` census: the distance from each attractor
    reached by at least ``min_share`` of the starts to the nearest attractor at the flux ``image(flux)``
    (same loss), comparing the inflows into ``sites``; 0 where no attractor is that common."""
    from .beyond import same_attractors

    fl = np.asarray(att["flux"], float)
    j = [int(np.argmin(np.abs(np.angle(np.exp(1j * (fl - image(p))))))) for p in fl]
    return np.array([[same_attractors(att, f, b, j[f], b, sites=sites, min_share=min_share)
                      for b in range(np.size(att["loss"]))] for f in range(fl.size)])


def nonreciprocity(att: dict, site: int):
    """Largest ratio delivered(Phi) / delivered(-Phi) into ``site`` between the majority attractors
    (share >= 1/2) of a :func:`pgrid.book.beyond.flux_attractors` census, and its (flux, loss) index;
    1 for a reciprocal network.  Points where either delivers less than 1e-6 are left out."""
    fl = np.asarray(att["flux"], float)
    major = att["share"][..., 0] >= 0.5
    jr = np.array([int(np.argmin(np.abs(np.angle(np.exp(1j * (fl + p)))))) for p in fl])
    inflow = att["inflow"][..., 0, site]
    lit = inflow > 1e-6                 # a dark point (nothing delivered) has no ratio
    pair = major & major[jr] & lit & lit[jr]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pair, inflow / inflow[jr], np.nan)
    if not np.any(np.isfinite(ratio)):
        return np.nan, (0, 0)
    f, b = np.unravel_index(np.nanargmax(ratio), ratio.shape)
    return float(ratio[f, b]), (int(f), int(b))
