r"""Predicates of the book's checks: every ``check()`` of a chapter computes its condition with a
function from here, so that its falsifier test can call the same function on a plausible alternative.

Two ways a chapter uses them.  ``check(item, predicate, claim, evidence={...})`` calls the predicate
with the measured numbers and stores them with the check (``pgrid.book.reproduction.evidence`` reads
them back); ``tests/test_falsifiers.py`` then feeds the same predicate the same evidence with one thing
changed (the printed formula, another geometry's data, a mutated parameter, the other phase) and
asserts that it is false.  Predicates that need a recomputation (a protocol, a network) are called
inside the chapter and by the test on the alternative.  Keeping the predicate in one place is what
makes the falsifier test the check itself and not a copy of it.
"""

from __future__ import annotations

import numpy as np

from ..network import Network
from ..symmetry import invariant_subspaces, symmetries

__all__ = [
    "single_mode_state",
    "grows_deep_in_broken_phase",
    "mirror_broken",
    "image_distance",
    "nonreciprocity",
    "symmetric_branch_end",
    "matches",
    "switch_point",
    "switches_near_gain",
    "balance_error",
    "eq6_residual",
    "relative_error",
    "never_entangled",
    "image_difference",
    "agrees",
    "printed_fails_corrected_agrees",
    "printed_off_by_growing_factor",
    "within_sigma",
    "within",
    "all_close",
    "fluctuation_regimes",
    "small_then_large",
    "exponent_consistent",
    "substantially_lower",
    "peak_near",
    "peaks_near",
    "symmetric_then_broken",
    "fits_eq6",
    "periodic",
    "onset_depends_on_protocol",
    "region_around",
    "transition_signature",
    "relative_errors_below",
    "window_distance",
    "window_near",
    "window_below",
    "strictly_between",
    "onset_between",
    "sketch_matches",
    "balanced",
    "approximation_improves",
    "s14_correction_holds",
    "above_then_below",
    "equilibrium_exact",
    "exceeds",
    "reentrant_entanglement",
    "second_peak",
    "grid_noise_free",
    "all_below",
    "switches_on",
    "falls_by",
    "distinct_currents",
    "clean_profile",
    "weakened_zigzag",
    "piles_at_gain",
    "in_interval",
    "peak_structure",
    "small_deviation",
    "attractor_with_frequency",
    "region_matches",
    "ridge_at",
    "all_above",
    "saturates",
    "flat_profile",
    "amplitudes_match",
    "crossing_near",
    "truncation_converged",
    "sde_matches_exact",
    "sharpens",
    "oscillation_persists",
    "onset_moves",
    "flux_switch",
    "lna_agrees",
    "exceeds_significantly",
]


def _image_index(fluxes: np.ndarray, image) -> np.ndarray:
    """For every flux of the grid ``fluxes``, the index of the grid point nearest ``image(flux)`` modulo 2 pi."""
    return np.array(
        [int(np.argmin(np.abs(np.angle(np.exp(1j * (fluxes - image(p))))))) for p in fluxes]
    )


def single_mode_state(
    state, omega: float, current: float, *, rtol_omega: float = 1e-3, rtol_current: float = 0.02
) -> bool:
    r"""The state is the stable single-mode state: stable, :math:`|\omega|` within ``rtol_omega`` of
    ``omega``, delivered current (last bond) within ``rtol_current`` of ``current`` (Eq. S41)."""
    return bool(
        state.stable
        and abs(abs(float(state.frequency)) - omega) < rtol_omega * omega
        and abs(float(state.current[-1]) / current - 1) < rtol_current
    )


def grows_deep_in_broken_phase(values, loss, broken: float, *, factor: float = 10.0) -> bool:
    """``values`` (against ``loss``) is largest at the last point and there more than ``factor`` times its
    largest value up to ``broken`` (the noise-free symmetry breaking)."""
    values, loss = np.asarray(values, float), np.asarray(loss, float)
    before = values[loss <= broken]
    return bool(
        before.size and np.argmax(values) == values.size - 1 and values[-1] > factor * before.max()
    )


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
    return np.array(
        [
            [
                same_attractors(att, f, b, j[f], b, sites=sites, min_share=min_share)
                for b in range(np.size(att["loss"]))
            ]
            for f in range(fl.size)
        ]
    )


def nonreciprocity(att: dict, site: int):
    """Largest ratio delivered(Phi) / delivered(-Phi) into ``site`` between the majority attractors
    (share >= 1/2) of a :func:`pgrid.book.beyond.flux_attractors` census, and its (flux, loss) index;
    1 for a reciprocal network.  Points where either delivers less than 1e-6 are left out."""
    fl = np.asarray(att["flux"], float)
    major = att["share"][..., 0] >= 0.5
    jr = _image_index(fl, lambda p: -p)
    inflow = att["inflow"][..., 0, site]
    lit = inflow > 1e-6  # a dark point (nothing delivered) has no ratio
    pair = major & major[jr] & lit & lit[jr]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pair, inflow / inflow[jr], np.nan)
    if not np.any(np.isfinite(ratio)):
        return np.nan, (0, 0)
    f, b = np.unravel_index(np.nanargmax(ratio), ratio.shape)
    return float(ratio[f, b]), (int(f), int(b))


def symmetric_branch_end(
    n_sites: int, gain: float, losses, gamma: float, *, t_max: float = 5e4
) -> float:
    r"""Largest :math:`\Gamma_e` of ``losses`` (ascending) at which the chain's mirror-symmetric state
    (end occupations equal to 1e-3) is still stable, ramped up from the band-centre mode."""
    from ..deterministic import steady_state
    from ..network import chain

    s = steady_state(
        [[chain(n_sites, gain=gain, loss=x, gamma=gamma) for x in losses]],
        continuation=True,
        init="mode",
        t_max=t_max,
    )
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


# --- predicates called by check() with stored evidence (check(item, predicate, claim, evidence={...})) ---


def agrees(sim, err, formula, tol, formula_err=0.0) -> bool:
    """``sim / formula`` within ``tol`` of 1 everywhere, beyond three standard errors (of both, if the
    formula uses simulated numbers: ``formula_err``)."""
    sim, err, formula = np.asarray(sim, float), np.asarray(err, float), np.asarray(formula, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return bool(
            np.all(
                np.abs(sim / formula - 1) < tol + 3 * np.hypot(err, formula_err) / np.abs(formula)
            )
        )


def printed_fails_corrected_agrees(
    sim, err, printed, corrected, tol, printed_ratio, also=()
) -> bool:
    """A paper error and its correction: ``sim / printed`` lies inside ``printed_ratio = (lo, hi)``
    everywhere (far from 1: the printed formula fails), ``sim`` :func:`agrees` with ``corrected``
    within ``tol``, and so do the further ``(sim, err, formula, tol[, formula_err])`` tuples ``also``."""
    ratio = np.asarray(sim, float) / np.asarray(printed, float)
    lo, hi = printed_ratio
    return bool(
        np.all((ratio > lo) & (ratio < hi))
        and agrees(sim, err, corrected, tol)
        and all(agrees(*a) for a in also)
    )


def printed_off_by_growing_factor(ratio, sim, err, corrected, tol, *, at_least: float) -> bool:
    """Eq. S54: ``ratio`` (simulation over the printed formula) rises along the points and exceeds
    ``at_least`` everywhere, and ``sim`` :func:`agrees` with ``corrected`` within ``tol``."""
    ratio = np.asarray(ratio, float)
    return bool(
        np.all(np.diff(ratio) > 0) and ratio.min() > at_least and agrees(sim, err, corrected, tol)
    )


def within_sigma(measured, err, expected, nsigma: float = 3.0) -> bool:
    """``|measured - expected| < nsigma * err`` (every element)."""
    return bool(
        np.all(np.abs(np.asarray(measured, float) - expected) < nsigma * np.asarray(err, float))
    )


def within(measured, expected, rtol: float) -> bool:
    """``|measured / expected - 1| < rtol`` (every element)."""
    return bool(
        np.all(np.abs(np.asarray(measured, float) / np.asarray(expected, float) - 1) < rtol)
    )


def all_close(a, b, rtol: float) -> bool:
    """``numpy.allclose(a, b, rtol=rtol)`` (and equal shapes)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return bool(a.shape == b.shape and np.allclose(a, b, rtol=rtol))


def fluctuation_regimes(dJ, dJ_err, J, thermal: float, symmetric, broken) -> bool:
    """Fig. 3(a): ``Delta J`` above the thermal level ``thermal`` (by two standard errors) at every point
    of ``symmetric``; at every point of ``broken`` a current ``J`` larger than ``Delta J`` and below
    the thermal level."""
    dJ, dJ_err, J = (np.asarray(x, float) for x in (dJ, dJ_err, J))
    s, b = np.asarray(symmetric, bool), np.asarray(broken, bool)
    return bool(
        s.any()
        and b.any()
        and np.all(dJ[s] - 2 * dJ_err[s] > thermal)
        and np.all(dJ[b] < J[b])
        and np.all(J[b] < thermal)
    )


def small_then_large(small, large, *, below: float, above: float) -> bool:
    """Every value of ``small`` is below ``below`` and some value of ``large`` above ``above``."""
    return bool(np.max(small) < below and np.max(large) > above)


def exponent_consistent(xi: float, xi_err: float, expected: float, *, floor: float = 0.15) -> bool:
    """A fitted exponent ``xi +- xi_err`` is consistent with ``expected``: within three errors (at least
    ``floor``)."""
    return bool(abs(xi - expected) < max(3 * xi_err, floor))


def substantially_lower(j_a, j_b, occ_a, occ_b, factor: float) -> bool:
    """Currents ``j_a`` and occupations ``occ_a`` below ``factor`` times ``j_b``, ``occ_b`` at every point."""
    return bool(
        np.max(np.asarray(j_a) / np.asarray(j_b)) < factor
        and np.max(np.asarray(occ_a) / np.asarray(occ_b)) < factor
    )


def peak_near(x, y, ok, at: float, rtol: float) -> bool:
    """The largest ``y`` among the points ``ok`` lies at an ``x`` within ``rtol`` of ``at``."""
    x, y, ok = np.asarray(x, float), np.asarray(y, float), np.asarray(ok, bool)
    return bool(ok.any() and abs(x[np.argmax(np.where(ok, y, -np.inf))] / at - 1) < rtol)


def peaks_near(xs, ys, oks, ats, rtol: float) -> bool:
    """:func:`peak_near` for every curve ``(x, y, ok, at)``."""
    return all(peak_near(x, y, ok, at, rtol) for x, y, ok, at in zip(xs, ys, oks, ats))


def symmetric_then_broken(
    ratio, ok, x, low: float, high: float, *, sym_tol: float = 0.02, broken_ratio: float = 5.0
) -> bool:
    """End-site occupation ``ratio`` (|a1|^2/|aN|^2) within ``sym_tol`` of 1 at the points ``ok`` with
    ``x <= low``, above ``broken_ratio`` at those with ``x >= high``."""
    ratio, ok, x = np.asarray(ratio, float), np.asarray(ok, bool), np.asarray(x, float)
    lo, hi = ok & (x <= low), ok & (x >= high)
    return bool(
        lo.any()
        and hi.any()
        and np.all(np.abs(ratio[lo] - 1) < sym_tol)
        and np.all(ratio[hi] > broken_ratio)
    )


def fits_eq6(alpha_re, alpha_im, k0, tol: float) -> bool:
    """Every profile (rows of ``alpha_re + 1j alpha_im``) fits Eq. (6) with its wave number ``k0``
    to ``tol`` of its largest occupation (:func:`eq6_residual`)."""
    alphas = np.asarray(alpha_re, float) + 1j * np.asarray(alpha_im, float)
    return all(eq6_residual(a, k) < tol for a, k in zip(np.atleast_2d(alphas), np.atleast_1d(k0)))


def periodic(
    signal, step: float, *, autocorrelation: float = 0.95, harmonic_share: float = 0.9
) -> bool:
    """A limit cycle: the autocorrelation of ``signal`` (sampled every ``step``) after its best return
    within 10..200/g exceeds ``autocorrelation``, more than ``harmonic_share`` of its power spectrum lies
    in one fundamental and its harmonics, and the return time is the fundamental's period (5 %)."""
    late = np.asarray(signal, float)
    late = late - late.mean()
    ac = np.correlate(late, late, "full")[late.size - 1 :] / (late @ late)
    lag = np.argmax(ac[int(10 / step) : int(200 / step)]) + int(10 / step)
    spec = np.abs(np.fft.rfft(late)) ** 2
    f = np.fft.rfftfreq(late.size, step)
    f0 = f[np.argmax(spec)]
    if f0 == 0:
        return False
    harm = np.abs(f / f0 - np.round(f / f0)) * f0 < 1.5 * (f[1] - f[0])
    return bool(
        ac[lag] > autocorrelation
        and spec[harm].sum() / spec.sum() > harmonic_share
        and abs(lag * step * f0 - 1) < 0.05
    )


def onset_depends_on_protocol(
    onset_down: float, onset_up: float, onset_other_gamma: float, paper: float
) -> bool:
    """Fig. S7: the paper's onset ``paper`` is met by the down-ramp (0.15 g) and missed by the up-ramp
    (> 0.3 g below) and by the other gamma (> 0.5 g above)."""
    return bool(
        abs(onset_down - paper) < 0.15
        and onset_up < paper - 0.3
        and onset_other_gamma > paper + 0.5
    )


def region_around(n_points: int, x, at: float, *, min_points: int = 10) -> bool:
    """More than ``min_points`` points ``x`` that start below 1.1 ``at`` and reach beyond ``at``."""
    x = np.asarray(x, float)
    return bool(n_points > min_points and x.size and x.min() < 1.1 * at and x.max() > at)


def transition_signature(
    dJ_below,
    dJ_above,
    order_below,
    order_above,
    *,
    drop: float = 3.0,
    order_zero: float = 0.1,
    order_on: float = 0.5,
) -> bool:
    """Delta J falls more than ``drop``-fold from below to above the transition and the order parameter
    goes from ``|.| < order_zero`` to ``> order_on``."""
    return bool(
        np.min(dJ_below) / np.max(dJ_above) > drop
        and np.all(np.abs(order_below) < order_zero)
        and np.all(np.asarray(order_above) > order_on)
    )


def relative_errors_below(value, err, limit: float) -> bool:
    """``err / |value| < limit`` at every point."""
    return bool(np.max(np.asarray(err, float) / np.abs(np.asarray(value, float))) < limit)


def window_distance(last_sym: float, first_brk: float, pred: float) -> float:
    """Relative distance of ``pred`` from the window between ``last_sym`` and ``first_brk`` (0 inside)."""
    lo, hi = sorted((last_sym, first_brk))
    return max(lo - pred, pred - hi, 0.0) / pred


def window_near(last_sym, first_brk, pred, rtol: float) -> bool:
    """Every transition window lies within ``rtol`` of its ``pred`` (:func:`window_distance`)."""
    return all(
        window_distance(a, b, p) < rtol
        for a, b, p in zip(np.atleast_1d(last_sym), np.atleast_1d(first_brk), np.atleast_1d(pred))
    )


def window_below(last_sym, first_brk, pred, lo: float, hi: float) -> bool:
    """Every transition window lies below its ``pred``, at a relative distance between ``lo`` and ``hi``."""
    return all(
        lo < window_distance(a, b, p) < hi and p > b
        for a, b, p in zip(np.atleast_1d(last_sym), np.atleast_1d(first_brk), np.atleast_1d(pred))
    )


def strictly_between(values, lo: float, hi: float) -> bool:
    """Every value in the open interval (``lo``, ``hi``)."""
    v = np.asarray(values, float)
    return bool(np.all((v > lo) & (v < hi)))


def onset_between(
    drop: float, onset: float, lower: float, upper: float, *, min_drop: float = 5.0
) -> bool:
    """Delta J falls more than ``min_drop``-fold and the order parameter turns on in [``lower``, ``upper``]."""
    return bool(drop > min_drop and lower <= onset <= upper)


def sketch_matches(n_circles: int, n_sites: int, labels) -> bool:
    """A drawn network has one circle per site and labels the generator "G" and the engine "E"."""
    return bool(n_circles == n_sites and {"G", "E"} <= set(labels))


def balanced(injected: float, dissipated: float, tol: float) -> bool:
    """Energy balance (Eq. S42): ``|injected / dissipated - 1| < tol``."""
    return bool(abs(injected / dissipated - 1) < tol)


def approximation_improves(
    exact_low, approx_low, exact_high, approx_high, *, tol: float = 0.02, factor: float = 5.0
) -> bool:
    """Fig. S1: at the larger n0 the approximation is within ``tol`` of the exact curve everywhere, and
    its worst deviation is more than ``factor`` times smaller than at the smaller n0."""
    worst_low = np.max(np.abs(np.asarray(exact_low) - np.asarray(approx_low)))
    worst_high = np.max(np.abs(np.asarray(exact_high) - np.asarray(approx_high)))
    return bool(worst_high < tol and worst_high < worst_low / factor)


def s14_correction_holds(xs, n0s, *, factor_power: int = 1, alpha_power: int = 2) -> bool:
    r"""Eq. S14: the printed closed form times ``n0**factor_power`` with :math:`|\alpha|^{-\text{alpha\_power}\, n_0}`
    in place of the printed :math:`|\alpha|^{-n_0}` equals the Fock-space sum to 1e-9 for every ``n0`` of ``n0s``,
    and the printed form itself does not (at n0 = 2)."""
    from .. import analytic

    xs = np.asarray(xs, float)
    ok = all(
        np.allclose(
            n0**factor_power
            * analytic.s14_paper_expression(xs, n0)
            * np.sqrt(xs) ** n0
            / np.sqrt(xs) ** (alpha_power * n0),
            analytic.s14_coherent_cutoff(xs, n0),
            rtol=1e-9,
        )
        for n0 in np.asarray(n0s, int).tolist()
    )
    return bool(
        ok
        and not np.allclose(
            analytic.s14_paper_expression(xs, 2), analytic.s14_coherent_cutoff(xs, 2)
        )
    )


def above_then_below(
    rel, x, *, first_above: float, broken_from: float, broken_below: float, bound: float
) -> bool:
    """Fig. S2: the relative deviation ``rel`` exceeds ``first_above`` at the first point, stays below
    ``broken_below`` for ``x >= broken_from`` and within ``bound`` in magnitude everywhere."""
    rel, x = np.asarray(rel, float), np.asarray(x, float)
    return bool(
        rel[0] > first_above
        and rel[x >= broken_from].max() < broken_below
        and np.abs(rel).max() < bound
    )


def equilibrium_exact(
    current_std: float, expected: float, current: float, *, rtol: float = 1e-5
) -> bool:
    """Eq. S45 exactly: ``current_std`` within ``rtol`` of ``expected`` and no mean current (< 1e-9)."""
    return bool(abs(current_std / expected - 1) < rtol and abs(current) < 1e-9)


def exceeds(a: float, b: float, factor: float) -> bool:
    """``a > factor * b``."""
    return bool(a > factor * b)


def reentrant_entanglement(negativity, loss, gi: float) -> bool:
    """Fig. 4(b): entangled for Gamma_e < g (> 0.05), almost none at 1.5-2.5 g (< 0.1 of that), and more
    than three times that again from 0.9 Gamma_i on."""
    neg, loss = np.asarray(negativity, float), np.asarray(loss, float)
    low, mid, brk = neg[loss < 1.0], neg[(loss >= 1.5) & (loss <= 2.5)], neg[loss >= 0.9 * gi]
    return bool(
        low.size
        and mid.size
        and brk.size
        and low.max() > 0.05
        and mid.max() < 0.1 * low.max()
        and brk.max() > 3 * mid.max()
    )


def second_peak(
    negativity, loss, gi: float, *, lo: float = 1.2, hi: float = 1.6, at_gi: float = 0.2
) -> bool:
    """Fig. 4(b): every curve (rows of ``negativity``) has its maximum from 0.9 Gamma_i on between ``lo`` and
    ``hi`` Gamma_i and holds more than ``at_gi`` of that maximum at Gamma_e = Gamma_i."""
    neg, loss = np.atleast_2d(np.asarray(negativity, float)), np.asarray(loss, float)
    peak_at = loss[np.argmax(np.where(loss >= 0.9 * gi, neg, -1), axis=1)]
    at_transition = neg[:, loss == gi][:, 0] / neg[:, loss >= 0.9 * gi].max(axis=1)
    return bool(
        np.all((peak_at >= lo * gi) & (peak_at <= hi * gi)) and np.all(at_transition > at_gi)
    )


def grid_noise_free(node: float, residual: float, x_down: float, x_up: float, gi: float) -> bool:
    """Fig. 5, noise free: a node at the crossing site (< 1e-3), only a residual J9 (< 0.1) before the
    switch, and the switch at 0.9-1.1 Gamma_i(1) in both ramp directions (down no later than up)."""
    return bool(node < 1e-3 and residual < 0.1 and 0.9 <= x_down / gi <= x_up / gi <= 1.1)


def all_below(values, limit: float) -> bool:
    """Every value below ``limit``."""
    return bool(np.max(values) < limit)


def switches_on(
    x, j9, gi: float, *, low: float = 0.75, window=(0.85, 1.1), factor: float = 5.0
) -> bool:
    """Fig. 5 with noise: the first ``x`` where ``j9`` exceeds ten times its largest value at ``x <= low gi``
    lies in ``window`` (units of ``gi``), and from there on ``j9`` stays above ``factor`` times that value."""
    x, j9 = np.asarray(x, float), np.asarray(j9, float)
    lo = x <= low * gi
    if not lo.any() or not np.any(j9 > 10 * j9[lo].max()):
        return False
    jump = int(np.argmax(j9 > 10 * j9[lo].max()))
    return bool(window[0] <= x[jump] / gi <= window[1] and j9[jump:].min() > factor * j9[lo].max())


def falls_by(before, after, factor: float) -> bool:
    """Every ``before / after`` exceeds ``factor``."""
    return bool(np.all(np.asarray(before, float) / np.asarray(after, float) > factor))


def distinct_currents(J, gap: float = 0.05) -> bool:
    """The columns of ``J`` (currents after the switch) differ pairwise somewhere by more than ``gap`` of the
    largest current."""
    J = np.asarray(J, float)
    scale = np.abs(J).max()
    pairs = [(a, b) for a in range(J.shape[1]) for b in range(a + 1, J.shape[1])]
    return bool(min(np.max(np.abs(J[:, a] - J[:, b])) for a, b in pairs) / scale > gap)


def clean_profile(deviation, zigzag: float, *, tol: float = 0.03, contrast: float = 0.9) -> bool:
    """Fig. S5: the averaged profile deviates from the clean one by less than ``tol`` and keeps a zig-zag
    contrast above ``contrast``."""
    return bool(np.max(deviation) < tol and zigzag > contrast)


def weakened_zigzag(odd_even, zigzag, *, ratio: float = 1.3, contrast: float = 0.7) -> bool:
    """Fig. S5: odd sites hold more than ``ratio`` times the even sites, zig-zag contrast below ``contrast``."""
    return bool(np.all(np.asarray(odd_even) > ratio) and np.all(np.asarray(zigzag) < contrast))


def piles_at_gain(gain_share, clean_share: float, odd_profiles, *, factor: float = 1.8) -> bool:
    """Fig. S5, strong disorder: the gain site's share of the energy exceeds ``factor`` times the clean one
    and the occupations (every second site) decrease along the chain."""
    return bool(
        np.all(np.asarray(gain_share) > factor * clean_share)
        and np.all(np.diff(np.atleast_2d(odd_profiles), axis=1) < 0)
    )


def in_interval(value: float, lo: float, hi: float) -> bool:
    """``lo <= value <= hi``."""
    return bool(lo <= value <= hi)


def peak_structure(peak, gi: float, low_side, high_side, *, window=(0.85, 1.45)) -> bool:
    """Fig. S5(b): every realisation's current maximum lies in ``window`` (units of ``gi``), below 0.2 of it
    on the low side, below 0.8 of it at the high end."""
    p = np.asarray(peak, float) / gi
    return bool(
        np.all((p > window[0]) & (p < window[1]))
        and np.nanmax(low_side) < 0.2
        and np.nanmax(high_side) < 0.8
    )


def small_deviation(rel_sym, rel_brk, *, tol: float = 0.05) -> bool:
    """Fig. S5(b): median relative deviation on the symmetric side and 90 % quantile on the broken side
    below ``tol`` (NaNs ignored)."""
    return bool(np.nanmedian(rel_sym) < tol and np.nanquantile(rel_brk, 0.9) < tol)


def attractor_with_frequency(
    frequencies, fractions, omega: float, *, min_share: float = 0.25
) -> bool:
    """Exactly one of the attractors (their ``frequencies``, shares ``fractions``) rotates at ``|omega|``
    (1e-3 relative), and it is reached by at least ``min_share`` of the starts."""
    f, share = np.abs(np.asarray(frequencies, float)), np.asarray(fractions, float)
    hit = np.flatnonzero(np.abs(f - omega) < 1e-3 * omega)
    return bool(hit.size == 1 and share[hit[0]] >= min_share)


def region_matches(computed, formula, *, max_share: float = 0.05) -> bool:
    """Two boolean maps agree except on the boundary pixels of ``formula`` (inside its dilation, outside its
    erosion), and disagree on at most ``max_share`` of ``computed``'s points."""
    from scipy import ndimage

    computed, formula = np.asarray(computed, bool), np.asarray(formula, bool)
    edge = ndimage.binary_dilation(formula) & ~ndimage.binary_erosion(formula)
    mismatch = computed != formula
    return bool(
        computed.any() and np.all(edge[mismatch]) and mismatch.sum() <= max_share * computed.sum()
    )


def ridge_at(
    ridge, high, *, at: float = 1.0, tol_high: float = 0.05, tol_low: float = 0.25
) -> bool:
    """Row maxima ``ridge`` (Gamma_e/Gamma_i) within ``tol_high`` of ``at`` where ``high``, ``tol_low`` elsewhere."""
    ridge, high = np.asarray(ridge, float), np.asarray(high, bool)
    return bool(
        np.all(np.abs(ridge[high] - at) < tol_high) and np.all(np.abs(ridge[~high] - at) < tol_low)
    )


def all_above(values, threshold: float) -> bool:
    """Some values, all above ``threshold``."""
    v = np.asarray(values, float)
    return bool(v.size and np.all(v > threshold))


def saturates(J_eq, J_max, *, tol: float = 0.1, above: float = 1.05) -> bool:
    """Fig. 2(b): ``J_eq`` within ``tol`` of g n0 = 1 everywhere and some ``J_max`` above ``above``."""
    return bool(
        np.max(np.abs(np.asarray(J_eq, float) - 1)) < tol
        and np.any(np.asarray(J_max, float) > above)
    )


def flat_profile(occupation, *, max_ratio: float = 1.5) -> bool:
    """A running wave: largest over smallest occupation below ``max_ratio``."""
    o = np.asarray(occupation, float)
    return bool(o.max() / o.min() < max_ratio)


def amplitudes_match(
    abs_a, abs_b, a_formula, b_formula, deep, *, tol_deep: float = 0.05, tol_b: float = 0.1
) -> bool:
    """Fitted ``|A|``, ``|B|`` within ``tol_deep`` of the formula's where ``deep``, ``|B|`` within ``tol_b``
    everywhere."""
    ea = np.abs(np.asarray(abs_a, float) / np.asarray(a_formula, float) - 1)
    eb = np.abs(np.asarray(abs_b, float) / np.asarray(b_formula, float) - 1)
    deep = np.asarray(deep, bool)
    return bool(
        deep.any() and ea[deep].max() < tol_deep and eb[deep].max() < tol_deep and eb.max() < tol_b
    )


def crossing_near(abs_a, abs_b, x, at: float, *, tol: float = 0.02) -> bool:
    """``|A| = |B|`` (within 10 %) somewhere, and only within ``tol`` of ``x = at``."""
    x = np.asarray(x, float)
    cross = np.abs(np.asarray(abs_a, float) / np.asarray(abs_b, float) - 1) < 0.1
    return bool(cross.any() and np.all(np.abs(x[cross] / at - 1) < tol))


def truncation_converged(
    rel_change: float, top_population: float, *, rel_tol: float = 1e-4, top_tol: float = 1e-5
) -> bool:
    """A larger cutoff changes the result by less than ``rel_tol`` and the highest Fock state holds less
    than ``top_tol``."""
    return bool(rel_change < rel_tol and top_population < top_tol)


def sde_matches_exact(ratio, fair, *, tol: float = 0.1, first_over: float = 1.2) -> bool:
    """SDE over exact within ``tol`` of 1 where ``fair``, and above ``first_over`` at the first point."""
    ratio, fair = np.asarray(ratio, float), np.asarray(fair, bool)
    return bool(np.all(np.abs(ratio[fair] - 1) < tol) and ratio[0] > first_over)


def sharpens(h5, h30, w5, w30, *, grow: float = 1.05, shrink: float = 0.8) -> bool:
    """From n0 = 5 to 30 the peak height (over sqrt n0) grows by more than ``grow`` and the half width
    shrinks below ``shrink`` of its value, for every chain."""
    return bool(
        np.all(np.asarray(h30) > grow * np.asarray(h5))
        and np.all(np.asarray(w30) < shrink * np.asarray(w5))
    )


def oscillation_persists(not_stationary: bool, kicks: int, amplitude: float, share: float) -> bool:
    """A point keeps oscillating (> 0.05 g) after a kick, on between 5 % and 50 % of the map."""
    return bool(not_stationary and kicks >= 1 and amplitude > 0.05 and 0.05 < share < 0.5)


def onset_moves(onset, *, below: float = 1.0, above: float = 3.0) -> bool:
    """The onsets (NaN: none) reach below ``below`` and beyond ``above``."""
    return bool(np.nanmin(onset) < below and np.nanmax(onset) > above)


def flux_switch(
    r_minus: float, r_plus: float, n_states, first_share, *, factor: float = 10.0
) -> bool:
    """Both flux signs send more than ``factor`` times more current to their engine, and every random start
    reaches one state."""
    return bool(
        r_minus > factor
        and r_plus > factor
        and np.all(np.asarray(n_states) == 1)
        and np.all(np.asarray(first_share) == 1)
    )


def lna_agrees(dj_sde, dj_lna, dj_err, valid, *, rtol: float = 0.03, min_valid: int = 7) -> bool:
    """SDE within ``rtol`` (+ 3 sigma) of the linear-noise theory at every ``valid`` point, at least
    ``min_valid`` of them."""
    dj_sde, dj_lna, dj_err, valid = (np.asarray(x) for x in (dj_sde, dj_lna, dj_err, valid))
    valid = valid.astype(bool)
    agree = np.abs(dj_sde - dj_lna) < rtol * dj_lna + 3 * dj_err
    return bool(agree[valid].all() and valid.sum() >= min_valid)


def exceeds_significantly(
    a: float, b: float, a_err: float, b_err: float, *, factor: float = 2.0, nsigma: float = 10.0
) -> bool:
    """``a > factor b`` and ``a - b`` more than ``nsigma`` combined standard errors."""
    return bool(a > factor * b and a - b > nsigma * np.hypot(a_err, b_err))
