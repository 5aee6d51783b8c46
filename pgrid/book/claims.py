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

__all__ = ["single_mode_state", "grows_deep_in_broken_phase", "mirror_broken", "image_distance", "nonreciprocity",
           "symmetric_branch_end", "matches", "switch_point", "switches_near_gain", "balance_error", "eq6_residual",
           "relative_error", "never_entangled", "image_difference"]


def _image_index(fluxes: np.ndarray, image) -> np.ndarray:
    """For every flux of the grid ``fluxes``, the index of the grid point nearest ``image(flux)`` modulo 2 pi."""
    return np.array([int(np.argmin(np.abs(np.angle(np.exp(1j * (fluxes - image(p))))))) for p in fluxes])


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
    j = _image_index(fl, image)
    return np.array([[same_attractors(att, f, b, j[f], b, sites=sites, min_share=min_share)
                      for b in range(np.size(att["loss"]))] for f in range(fl.size)])


def nonreciprocity(att: dict, site: int):
    """Largest ratio delivered(Phi) / delivered(-Phi) into ``site`` between the majority attractors
    (share >= 1/2) of a :func:`pgrid.book.beyond.flux_attractors` census, and its (flux, loss) index;
    1 for a reciprocal network.  Points where either delivers less than 1e-6 are left out."""
    fl = np.asarray(att["flux"], float)
    major = att["share"][..., 0] >= 0.5
    jr = _image_index(fl, lambda p: -p)
    inflow = att["inflow"][..., 0, site]
    lit = inflow > 1e-6                 # a dark point (nothing delivered) has no ratio
    pair = major & major[jr] & lit & lit[jr]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pair, inflow / inflow[jr], np.nan)
    if not np.any(np.isfinite(ratio)):
        return np.nan, (0, 0)
    f, b = np.unravel_index(np.nanargmax(ratio), ratio.shape)
    return float(ratio[f, b]), (int(f), int(b))


def symmetric_branch_end(n_sites: int, gain: float, losses, gamma: float, *, t_max: float = 5e4) -> float:
    r"""Largest :math:`\Gamma_e` of ``losses`` (ascending) at which the chain's mirror-symmetric state
    (end occupations equal to 1e-3) is still stable, ramped up from the band-centre mode."""
    from ..deterministic import steady_state
    from ..network import chain

    s = steady_state([[chain(n_sites, gain=gain, loss=x, gamma=gamma) for x in losses]], continuation=True,
                     init="mode", t_max=t_max)
    sym = s.stable[0] & (np.abs(s.occupation[0, :, 0] / s.occupation[0, :, -1] - 1) < 1e-3)
    return float(np.asarray(losses)[sym].max()) if sym.any() else np.nan


def matches(value: float, predicted: float, tol: float) -> bool:
    """``|value - predicted| < tol``: a measured transition point against a closed form."""
    return bool(abs(value - predicted) < tol)


def switch_point(run: dict) -> float:
    r"""First :math:`\Gamma_e^{(7)}` (in the run's order of x) of a Fig. 5 protocol run
    (:func:`pgrid.book.figures.fig5.protocol_runs`) at which the state reached carries a large
    current to site 9 (:math:`J_9 > 0.1\,gn_0`, stable or a time average): ramping up the first,
    ramping down the last."""
    big = run["valid"] & (run["J"][:, 2] > 0.1)
    return float(run["x"][big].min()) if big.any() else np.nan


def switches_near_gain(runs: dict, gain: float, *, window=(0.75, 1.25)) -> bool:
    r"""Fig. 5's statement 4: ramping :math:`\Gamma_e^{(7)}` up and down, the current to site 9 switches
    on within ``window`` times :math:`\Gamma_i^{(1)}` ("above the value of about :math:`\Gamma_i^{(1)}`")."""
    lo, hi = window
    return all(lo <= switch_point(runs[k]) / gain <= hi for k in ("up", "down"))


def balance_error(net: Network, alpha, *, bath: bool = True) -> float:
    r"""Relative violation of the energy balance (Eq. S42) in a stationary state:
    :math:`|P_{\rm in} - P_{\rm out} - P_{\rm bath}| / P_{\rm in}`; ``bath=False`` leaves the bath's
    share out (the balance of an undamped network)."""
    from ..deterministic import energy_balance

    inj, ext, loss_bath = energy_balance(net, alpha)
    return float(abs(inj - ext - (loss_bath if bath else 0.0)) / inj)


def eq6_residual(alpha, k0: float) -> float:
    r"""Largest deviation of the occupations from Eq. (6) with wave number ``k0`` (A and B fitted by
    least squares, :func:`pgrid.analytic.fit_standing_wave`), relative to the largest occupation."""
    from .. import analytic

    alpha = np.asarray(alpha, complex)
    a, b = analytic.fit_standing_wave(alpha, k0)
    occ = np.abs(alpha) ** 2
    fit = analytic.eq6_occupation(np.arange(1, alpha.size + 1), a, b, k0)
    return float(np.max(np.abs(fit - occ)) / occ.max())



def relative_error(measured, predicted) -> float:
    """Largest relative deviation ``max |measured / predicted - 1|``: a computed quantity against a closed form."""
    return float(np.max(np.abs(np.asarray(measured, float) / np.asarray(predicted, float) - 1)))


def never_entangled(negativity, *, below: float = 1e-6) -> bool:
    """A pair's logarithmic negativity stays below ``below`` at every point (not entangled anywhere)."""
    return bool(np.max(np.asarray(negativity, float)) < below)


def image_difference(values, fluxes, image) -> float:
    """Largest difference between ``values`` at each flux and at the flux ``image(flux)`` (the nearest
    grid point, modulo 2 pi): zero for a map symmetric under that image."""
    values, fluxes = np.asarray(values, float), np.asarray(fluxes, float)
    j = _image_index(fluxes, image)
    return float(np.max(np.abs(values - values[j])))
