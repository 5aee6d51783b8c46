"""Falsifiers: for a check of the book, the same predicate (``pgrid.book.claims``) fed a plausible
alternative — the other protocol, the wrong image flux, another pair of sites, a mutated parameter —
must be false.  A check names its falsifier (``check(..., falsifier="test_...")``) and the status page
counts them; ``test_every_named_falsifier_exists`` keeps the names honest.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import pgrid
from pgrid import analytic
from pgrid.book import claims
from pgrid.book.beyond import flux_attractors

BOOK = Path(__file__).resolve().parents[1] / "book"


def test_every_named_falsifier_exists():
    here = set(re.findall(r"^def (test_\w+)", Path(__file__).read_text(), flags=re.M))
    named = set()
    for md in BOOK.glob("*.md"):
        named |= set(re.findall(r'falsifier="(test_\w+)"', md.read_text(encoding="utf8")))
    for nb in BOOK.glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf8"))["cells"]:
            for out in cell.get("outputs", []):
                rec = out.get("data", {}).get("application/vnd.pgrid.check+json")
                if rec and "falsifier" in rec:
                    named.add(rec["falsifier"])
    assert named, "no check names a falsifier"
    assert not named - here, (
        f"falsifiers named by checks but not defined here: {sorted(named - here)}"
    )


def test_check_rejects_a_malformed_falsifier_name():
    from pgrid.book.reproduction import check

    with pytest.raises(ValueError, match="falsifier"):
        check("Fig. 2a", True, "a claim", falsifier="not a test")


# transport, Fig. 2a: "every generic start reaches the single-mode state"
def test_the_real_seed_kept_exactly_misses_the_single_mode_state():
    n, gamma = 10, 1e-3
    net = pgrid.chain(n, gain=4.0, loss=2.0, gamma=gamma)
    omega = np.sin(np.pi / (2 * (n + 1)))
    j = analytic.s41_current(4.0, 2.0, gamma, n)
    generic = pgrid.steady_state(net, t_max=3e4)
    special = pgrid.steady_state(net, t_max=3e4, perturbation=0.0, kick=0.0)
    assert claims.single_mode_state(generic, omega, j)
    assert not claims.single_mode_state(special, omega, j)  # the other protocol
    assert not claims.single_mode_state(
        generic, omega, analytic.s41_current(4.0, 2.0, gamma, n + 1)
    )


@pytest.fixture(scope="module")
def small_census():
    phis = np.linspace(-np.pi, np.pi, 9)
    losses = np.array([1.0, 3.0, 6.0])
    tri = flux_attractors(3, [1], phis, losses, gamma=0.02, n_starts=12, progress=False)
    sq = flux_attractors(4, [2], phis, losses, gamma=0.02, n_starts=12, progress=False)
    return tri, sq


# beyond, flux loops: "the triangle's maps are symmetric under Phi -> pi - Phi, the ring's under -Phi"
def test_flux_symmetry_fails_for_the_wrong_image(small_census):
    tri, sq = small_census
    assert np.max(claims.image_distance(tri, lambda p: np.pi - p, [0, 1])) < 1e-6
    assert np.max(claims.image_distance(sq, lambda p: -p, [0, 2])) < 1e-6
    assert np.max(claims.image_distance(tri, lambda p: -p, [0, 1])) > 1e-3  # the wrong image
    assert np.max(claims.image_distance(sq, lambda p: p + np.pi / 4, [0, 2])) > 1e-3


# beyond, flux loops: "the triangle is non-reciprocal"
def test_the_ring_of_four_is_reciprocal(small_census):
    tri, sq = small_census
    assert claims.nonreciprocity(tri, 1)[0] > 1.05  # (the chapter: > 1.5 on its finer grid)
    assert claims.nonreciprocity(sq, 2)[0] < 1 + 1e-6 < 1.2  # the other geometry: reciprocal


# beyond, flux loops: "at Phi = pi the ring of four's loss site receives nothing"
def test_ring_of_four_is_dark_only_at_flux_pi(small_census):
    _, sq = small_census
    k_pi = int(np.argmin(np.abs(np.abs(sq["flux"]) - np.pi)))
    k_half = int(np.argmin(np.abs(sq["flux"] - np.pi / 2)))
    assert np.nanmax(np.abs(sq["inflow"][k_pi, :, :, 2])) < 1e-6
    assert np.nanmax(np.abs(sq["inflow"][k_half, :, :, 2])) > 1e-3  # another flux: not dark


# beyond, flux switch: "at Phi = 0 the two engines break the mirror symmetry"
def test_strong_damping_keeps_the_flux_switch_mirror_symmetric():
    weak = pgrid.ring(3, gain={0: 4.0}, loss={1: 1.0, 2: 1.0}, gamma=0.02)
    strong = weak.replace(gamma=0.2)
    assert claims.mirror_broken(weak, pgrid.steady_state(weak).alpha)
    assert not claims.mirror_broken(strong, pgrid.steady_state(strong).alpha)  # a mutated parameter
    lopsided = pgrid.ring(3, gain={0: 4.0}, loss={1: 1.0, 2: 1.5}, gamma=0.02)  # no mirror to break
    assert not claims.mirror_broken(lopsided, pgrid.steady_state(lopsided).alpha)


# beyond, three quantum sites: "the pair 1-2 is entangled most strongly deep in the broken phase"
def test_only_the_gain_pair_grows_deep_in_the_broken_phase(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    for n0 in (1, 2):
        d = precompute.load(f"beyond_chain3_n0_{n0}")[0]
        loss, neg = d["loss"], d["negativity"][:, 0, :]
        broken = 2.5  # the noise-free switch of the middle site (chapter: 2.5 g)
        assert claims.grows_deep_in_broken_phase(neg[:, 0], loss, broken)
        assert not claims.grows_deep_in_broken_phase(neg[:, 2], loss, broken)  # the pair 2-3


# transport, Eq. S36: "N = 2: the symmetric state ends at Eq. (S36)'s Gamma_e*"
def test_s36_tells_the_damped_transition_from_the_undamped_one():
    gamma = 1e-3
    losses = np.linspace(3.98, 4.0, 201)
    end = claims.symmetric_branch_end(2, 4.0, losses, gamma)
    assert claims.matches(end, analytic.s36_transition(4.0, gamma), 2e-4)
    assert not claims.matches(end, 4.0, 2e-4)  # no damping: Gamma_e* = Gamma_i
    assert not claims.matches(
        end, analytic.s36_transition(4.0, 2 * gamma), 2e-4
    )  # the damping mutated


# grids, Fig. 5: "only the 3 x 3 lattice with 1-4-7 as its middle row meets every statement; the switch
# location rules out the line with a branch 4-8-9"
def test_fig5_switch_location_rules_out_the_line_with_a_branch():
    from pgrid.book.figures import fig5

    line = [(k, k + 1) for k in range(1, 7)] + [(4, 8), (8, 9)]
    pos = {**{k: (k - 1, 0) for k in range(1, 8)}, 8: (3, -1), 9: (3, -2)}
    runs_a = fig5.protocol_runs(fig5.geometry(fig5.GRID_A)[0], protocols=("up", "down"))
    runs_b = fig5.protocol_runs(fig5.geometry((line, pos))[0], protocols=("up", "down"))
    assert claims.switches_near_gain(runs_a, fig5.GI)
    assert not claims.switches_near_gain(runs_b, fig5.GI)  # the other geometry
    assert not claims.switches_near_gain(
        runs_a, fig5.GI, window=(0.3, 0.7)
    )  # the runner-up's window


def _ramped(n, gain, loss, gamma=1e-3):
    """The last state of a ramp of Gamma_e up to ``loss`` from the band-centre mode (Fig. 2c's protocol)."""
    path = [pgrid.chain(n, gain=gain, loss=x, gamma=gamma) for x in np.linspace(0.1, loss, 30)]
    s = pgrid.steady_state([path], continuation=True, init="mode", t_max=1e4)
    assert s.stable[0, -1]
    return path[-1], s.alpha[0, -1]


# transport, Eq. 6: "symmetric and broken profiles fit Eq. (6) with the stated k0 to 5 %"
def test_eq6_profiles_need_the_stated_k0():
    n = 10
    k_sym, k_brk = analytic.eq6_k0(n, symmetric=True), analytic.eq6_k0(n, symmetric=False)
    _, sym = _ramped(n, 4.0, 4.0 / 1.05)
    _, brk = _ramped(n, 4.0, 6.0)
    assert claims.eq6_residual(sym, k_sym) < 0.05 and claims.eq6_residual(brk, k_brk) < 0.05
    assert (
        claims.eq6_residual(sym, k_brk) > 0.05 and claims.eq6_residual(brk, k_sym) > 0.05
    )  # k0 swapped


# transport, Eq. S42: "energy balance in every stationary nonzero state to 1e-8"
def test_energy_balance_needs_the_bath_term():
    for net, alpha in (_ramped(10, 4.0, 4.0 / 1.05), _ramped(10, 4.0, 6.0)):
        assert claims.balance_error(net, alpha) < 1e-8
        assert claims.balance_error(net, alpha, bath=False) > 1e-3  # the bath's share left out
        mutated = net.replace(gamma=2e-3)  # another damping
        assert claims.balance_error(mutated, alpha) > 1e-3


# transport, Eq. S40: "|A| of the uniformly damped chain within 5 % of Eq. (S40) for Gamma_e <= 0.9 Gamma_i"
def test_s40_is_not_the_end_damped_amplitude():
    n, gain, gamma = 10, 4.0, 1e-3
    losses = np.linspace(0.1, 0.9 * gain, 30)
    path = [pgrid.chain(n, gain=gain, loss=x, gamma=gamma) for x in losses]
    s = pgrid.steady_state([path], continuation=True, init="mode", t_max=1e4)
    sym = s.stable[0] & (np.abs(s.occupation[0, :, 0] / s.occupation[0, :, -1] - 1) < 0.05)
    k0 = analytic.eq6_k0(n, symmetric=True)
    a = np.array([abs(analytic.fit_standing_wave(x, k0)[0]) for x in s.alpha[0][sym]])
    assert sym.sum() > 20
    assert (
        claims.relative_error(a, np.sqrt(analytic.s40_amplitudes(gain, losses[sym], gamma, n)[0]))
        < 0.05
    )
    # the other model: damping only at the ends (Eq. S24's amplitude)
    assert (
        claims.relative_error(a, np.sqrt(analytic.s24_amplitudes(gain, losses[sym], gamma)[0]))
        > 0.05
    )


# beyond, three quantum sites: "the end sites 1 and 3 are never entangled"
def test_only_the_end_pair_is_never_entangled(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    for n0 in (1, 2):
        neg = precompute.load(f"beyond_chain3_n0_{n0}")[0]["negativity"][
            :, 0, :
        ]  # pairs 1-2, 1-3, 2-3
        assert claims.never_entangled(neg[:, 1])
        assert not claims.never_entangled(neg[:, 0]) and not claims.never_entangled(
            neg[:, 2]
        )  # other pairs


# beyond, quantum triangle: "the exact steady states obey Phi -> pi - Phi"
def test_the_quantum_triangle_is_not_symmetric_under_flux_reversal(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    d = precompute.load("beyond_triangle_n0_1")[0]
    inflow, fluxes = d["inflow"][0, :, 1], d["flux"]
    assert claims.image_difference(inflow, fluxes, lambda p: np.pi - p) < 1e-6
    assert claims.image_difference(inflow, fluxes, lambda p: -p) > 1e-3  # the wrong image


# --- falsifiers on the evidence a chapter stored with its checks (pgrid.book.reproduction.evidence) ---
# The chapter called check(item, predicate, claim, evidence={...}); here the same predicate gets the same
# stored evidence with one thing changed (the printed formula, a parameter, the other phase) and must fail.

from pgrid.book import reproduction  # noqa: E402


def _stored(chapter, item, predicate=None, n=None):
    found = reproduction.evidence(chapter, predicate=predicate, item=item)
    assert found, f"{chapter}: no stored evidence for {item} ({predicate}); regenerate the chapter"
    if n is not None:
        assert len(found) == n, (
            f"{chapter}, {item}: {len(found)} checks with evidence, expected {n}"
        )
    return found


def _holds(ev, **changes):
    return bool(reproduction.predicate_of(ev)(**reproduction.args_of(ev, **changes)))


def _by_predicate(chapter, *, with_item=False):
    """The chapter's stored evidence grouped by predicate name (or by (item, predicate name)), each
    checked to hold on its own evidence first."""
    ev = {}
    for e in _stored(chapter, None):
        if "predicate" in e["_record"]:
            name = e["_record"]["predicate"].rpartition(".")[2]
            ev.setdefault((e["_record"]["item"], name) if with_item else name, []).append(e)
    for group in ev.values():
        for e in group:
            assert _holds(e)
    return ev


def test_every_recorded_predicate_holds_on_its_stored_evidence():
    seen = 0
    for nb in sorted(BOOK.glob("*.ipynb")):
        for ev in reproduction.evidence(nb):
            if "predicate" in ev["_record"]:
                assert _holds(ev), (
                    f"{nb.stem}: {ev['_record']['label']}: {ev['_record']['claim'][:80]}"
                )
                seen += 1
    assert seen > 0


# fluctuations, Fig. 3(a)/(b): the regimes of the two phases, fed the other phase
def test_fig3_regimes_tell_the_phases_apart():
    (a,) = _stored("fluctuations", "Fig. 3a", "fluctuation_regimes")
    assert _holds(a)
    assert not _holds(a, symmetric=a["broken"], broken=a["symmetric"])
    assert not _holds(a, thermal=2 * a["thermal"])  # a thermal level twice as high (N_th doubled)
    (b,) = _stored("fluctuations", "Fig. 3b", "small_then_large")
    assert not _holds(b, small=b["large"], large=b["small"])


# fluctuations, Fig. 3(c): "xi consistent with the paper's 1.3" is not consistent with mean field or with 2
def test_fig3c_exponent_is_not_mean_field():
    (ev,) = _stored("fluctuations", "Fig. 3c", "exponent_consistent")
    assert _holds(ev)
    assert not _holds(ev, expected=0.5) and not _holds(ev, expected=2.0)


# fluctuations, Fig. 3(d): noise changes the order parameter by < 6 % -- not true against the noise-free
# curve read 0.25 g higher or 0.5 g lower.  (The noisy curve lies about a quarter of g *below* the
# noise-free one -- noise lowers Gamma_bar a little -- so 0.25 g lower is within the 6 %.)
def test_fig3d_noise_free_order_parameter_is_not_shifted():
    (ev,) = _stored("fluctuations", "Fig. 3d", "all_close")
    ctx = ev["_context"]
    deep, g0 = np.flatnonzero(ctx["deep"].astype(bool)), ctx["gbar0"]
    assert _holds(ev)
    for shift in (1, -2):
        idx = deep + shift
        keep = idx < g0.size
        assert not _holds(ev, a=ev["a"][keep], b=g0[idx[keep]]), shift


# fluctuations, Eq. S45 at N = 2: the printed S52's equilibrium value (Var J = 3 g^2 N_th^2) fails
def test_s45_is_not_the_printed_s52_in_equilibrium():
    (ev,) = _stored("fluctuations", "Eq. S45", "within_sigma")
    n_th = ev["_context"]["n_th"]
    assert _holds(ev)
    assert not _holds(ev, expected=np.sqrt(3.0) * n_th)
    assert not _holds(
        ev, expected=analytic.s45_current_std(1.1 * n_th, quantum=False)
    )  # N_th off by 10 %


# fluctuations, N = 2 symmetric phase: S24 + N_th, S47, S25, S51 and the corrected S48, S52
def test_n2_symmetric_phase_formulas_fail_when_mutated():
    by = {
        e["_record"]["item"]: e
        for e in _stored("fluctuations", None)
        if "_context" in e
        and "ge" in e["_context"]
        and e["_record"]["item"]
        in ("Eq. S24", "Eq. S47", "Eq. S25", "Eq. S51", "Eq. S48", "Eq. S52")
    }
    assert set(by) == {"Eq. S24", "Eq. S47", "Eq. S25", "Eq. S51", "Eq. S48", "Eq. S52"}
    c = by["Eq. S24"]["_context"]
    gi, ge, gamma, n_th, n0 = c["gi"], c["ge"], c["gamma"], c["n_th"], c["n0"]
    for ev in by.values():
        assert _holds(ev)
    # S24 + N_th: the thermal occupation left out
    assert not _holds(by["Eq. S24"], formula=n0 * analytic.s24_amplitudes(gi, ge, gamma)[0])
    # S47 and S51 without the thermal noise
    assert not _holds(by["Eq. S47"], formula=analytic.s47_occupation(gi, ge, gamma, 0.0, n0))
    assert not _holds(
        by["Eq. S51"], formula=analytic.s51_occupation_variance(gi, ge, gamma, 0.0, n0)
    )
    # S25: the current with the thermal occupation counted (the printed S48)
    assert not _holds(by["Eq. S25"], formula=analytic.s48_current(gi, ge, gamma, n_th, n0))
    # S48, S52: the printed formula in place of the corrected one
    for item in ("Eq. S48", "Eq. S52"):
        ev = by[item]
        assert not _holds(ev, corrected=ev["printed"])
    # S48 corrected with N_th not subtracted
    assert not _holds(
        by["Eq. S48"],
        corrected=analytic.s48_current_corrected(
            gi, ge, gamma, 0.0, n0, occupation=by["Eq. S47"]["sim"]
        ),
    )


# fluctuations, N = 2 broken phase: the corrected S53 and S54
def test_n2_broken_phase_formulas_fail_when_mutated():
    (s53,) = _stored("fluctuations", "Eq. S53", "printed_fails_corrected_agrees")
    (s54,) = _stored("fluctuations", "Eq. S54", "printed_off_by_growing_factor")
    assert _holds(s53) and _holds(s54)
    assert not _holds(s53, corrected=s53["printed"])  # the printed S53 (N_th/n0)
    c = s53["_context"]
    as_printed = analytic.s53_current_variance(
        c["gi"], c["ge"], c["gamma"], c["n_th"], 1.0, c["n0"]
    )
    assert not _holds(s53, corrected=as_printed)  # ... and with N_th as printed
    c = s54["_context"]
    printed54 = analytic.s54_current_variance(
        c["gi"], c["ge"], c["gamma"], c["n_th"] / c["n0"], 1.0, c["n0"]
    )
    assert not _holds(s54, corrected=printed54)
    assert not _holds(s54, ratio=s54["ratio"][::-1])  # a factor that falls


# universality, Figs. S6-S10: each check's predicate, fed the stored evidence with the alternative
def test_universality_claims_fail_for_the_alternatives():
    ev = _by_predicate("universality")
    (low,) = ev["substantially_lower"]  # nu = 3 against nu = 2, and the other way round
    assert not _holds(low, j_a=low["j_b"], j_b=low["j_a"], occ_a=low["occ_b"], occ_b=low["occ_a"])
    (peak,) = ev["peak_near"]  # the maximum is not at either edge of the window
    assert not _holds(peak, at=0.7 * peak["at"]) and not _holds(peak, at=1.3 * peak["at"])
    (stb,) = ev["symmetric_then_broken"]  # the wrong mirror pair (sites 1, 2), the windows swapped
    assert not _holds(stb, ratio=stb["_context"]["ratio_12"])
    assert not _holds(stb, low=stb["high"], high=stb["low"])
    (fit,) = ev["fits_eq6"]  # the two phases' wave numbers exchanged
    assert not _holds(fit, k0=fit["k0"][::-1])
    (cyc,) = ev["periodic"]  # a chirped copy of the oscillation is not a limit cycle
    sig, step = cyc["signal"], cyc["step"]
    t = np.arange(sig.size) * step
    chirp = np.interp(t * (1 + t / t[-1]) / 2, t, sig)
    assert not _holds(cyc, signal=chirp)
    rng = np.random.default_rng(0)
    assert not _holds(cyc, signal=sig.mean() + sig.std() * rng.standard_normal(sig.size))
    (ons,) = ev["onset_depends_on_protocol"]  # the up-ramp read as the paper's protocol
    assert not _holds(ons, onset_down=ons["onset_up"], onset_up=ons["onset_down"])
    (cuts,) = ev["peaks_near"]  # every cut's maximum against the wrong Gamma_i
    assert not _holds(cuts, ats=list(cuts["ats"])[::-1])
    (reg,) = ev["region_around"]  # the Gamma_i = 2g cut has no such region
    other = reg["_context"]["other_cuts"]["2"]
    assert not _holds(reg, n_points=np.size(other), x=other)
    for sig8 in ev["transition_signature"]:  # below and above exchanged
        assert not _holds(
            sig8,
            dJ_below=sig8["dJ_above"],
            dJ_above=sig8["dJ_below"],
            order_below=sig8["order_above"],
            order_above=sig8["order_below"],
        )
    (rel,) = ev["relative_errors_below"]  # the spread of the current, not the error of its mean
    assert not _holds(rel, err=rel["_context"]["dJ"])
    for w in ev["window_near"]:  # the formula for n0(1) = 1.1 n0(N) instead
        assert not _holds(w, pred=w["_context"]["pred_unequal"])
    (below,) = ev["window_below"]  # the equal-n0 formula Gamma_e* = Gamma_i
    assert not _holds(below, pred=below["_context"]["gain"])
    (shift,) = ev["strictly_between"]  # the formula's 1.21, the equal-n0 1.0
    assert not _holds(shift, values=[1.21, 1.21]) and not _holds(shift, values=[1.0, 1.0])
    w11, w15 = ev["within"]  # n0(N) = 1.1 and 1.5 n0(1)
    assert not _holds(w11, expected=w11["expected"] * 1.1**4)  # the ratio inverted: Gamma_i (1.1)^2
    assert not _holds(w15, measured=w15["_context"]["pred"])  # the n >> n0 formula at n = 3.6 n0
    ob = ev["onset_between"]  # the equal-n0 transition, Gamma_e* = Gamma_i = 4g
    assert len(ob) == 2
    for e in ob:
        assert not _holds(e, lower=4.0 - 0.5, upper=4.0 + 1.0)
    assert not _holds(
        ob[1], lower=ob[0]["lower"], upper=ob[0]["upper"]
    )  # n0(N) = 1.5 against 1.1's window


# model: Fig. 1's sketch, Eq. S42's balance, Eq. S45's bath-only chain
def test_model_checks_fail_for_the_alternatives():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pgrid.plotting import draw_network

    sketch, s42, s45 = (_stored("model", item, n=1)[0] for item in ("Fig. 1", "Eq. S42", "Eq. S45"))
    for e in (sketch, s42, s45):
        assert _holds(e)
    ax = draw_network(
        pgrid.chain(5, gain=4.0, loss=2.0, gamma=1e-3)
    )  # the sketch of another network
    other = sum(type(p).__name__ == "Circle" for p in ax.patches)
    plt.close("all")
    assert not _holds(sketch, n_circles=other)
    assert not _holds(sketch, labels=["G"])
    assert not _holds(
        s42, dissipated=s42["dissipated"] - s42["_context"]["bath"]
    )  # the bath loss left out
    n_th = s45["_context"]["n_th"]
    assert not _holds(
        s45, expected=analytic.s45_current_std(n_th, quantum=True)
    )  # the operator form


# fokker_planck: Fig. S1 (the approximation), Eq. S14 (the corrected closed form), Fig. S2 (SDE vs exact)
def test_fokker_planck_checks_fail_for_the_alternatives():
    (s1,) = _stored("fokker_planck", "Fig. S1", n=1)
    (s14,) = _stored("fokker_planck", "Eq. S14", n=1)
    j2, dj2 = _stored("fokker_planck", "Fig. S2", n=2)
    for e in (s1, s14, j2, dj2):
        assert _holds(e)
    # Fig. S1: the two n0 exchanged; the symmetrically ordered (Wigner) reading 1/(1 + (|alpha|^2 + 1/2)/n0)
    assert not _holds(
        s1,
        exact_low=s1["exact_high"],
        approx_low=s1["approx_high"],
        exact_high=s1["exact_low"],
        approx_high=s1["approx_low"],
    )
    c = s1["_context"]
    assert not _holds(s1, approx_high=1 / (1 + (c["occupation_high"] + 0.5) / c["n0_high"]))
    # Eq. S14: half a correction (only the factor n0, or only the power of |alpha|) is not enough
    assert not _holds(s14, factor_power=0) and not _holds(s14, alpha_power=1)
    # Fig. S2: the exact curve one grid point away; the P-function spread without the vacuum term
    assert not _holds(j2, expected=np.roll(j2["expected"], 1))
    assert not _holds(dj2, rel=dj2["_context"]["rel_p"])


# quantum_limit: Eq. S45 exact, Fig. 4(a)'s scaling, Fig. 4(b)'s re-entrant entanglement
def test_quantum_limit_checks_fail_for_the_alternatives():
    from pgrid import quantum
    from pgrid.book.figures.fig4 import pair

    (s45,) = _stored("quantum_limit", "Eq. S45", n=1)
    slope, broken = _stored("quantum_limit", "Fig. 4a", n=2)
    *reentrant, peak = _stored("quantum_limit", "Fig. 4b", n=4)
    for e in (s45, slope, broken, peak, *reentrant):
        assert _holds(e)
    assert not _holds(
        s45, expected=analytic.s45_current_std(s45["_context"]["n_th"], quantum=False)
    )  # P function
    assert not _holds(slope, values=0.0) and not _holds(
        slope, values=-1.0
    )  # no growth; a peak fixed in Delta J
    assert not _holds(broken, a=broken["b"] * np.sqrt(30.0))  # a spread growing as sqrt(n0)
    # Fig. 4(b): a little thermal noise (N_th = 0.2) removes the entanglement at Gamma_e < g
    loss = np.array([0.5, 2.0, 5.0])
    neg = [
        quantum.negativity(quantum.steady_state(pair(ge, 1.0, 1e-2).replace(n_th=0.2), 48), 0, 1)
        for ge in loss
    ]
    assert claims.reentrant_entanglement(neg, loss, 4.0) is False
    assert not _holds(peak, lo=0.9, hi=1.1)  # "peaks around the transition" read as "at Gamma_i"


# grids, Fig. 5 (grid A against the runner-up geometry B with the same noise) and Fig. S5 (disorder)
def test_grids_checks_fail_for_the_alternatives():
    ev = _by_predicate("grids")
    (nf,) = ev["grid_noise_free"]  # B, C, E, F miss the noise-free statements; D (9 below 4)
    for name, other in nf[
        "_context"
    ].items():  # meets them and is ruled out by its J7, J8, J9 (grids table)
        assert _holds(nf, **other) == name.startswith("D:"), name
    (res,) = ev["all_below"]  # grid B: site 9 is fed long before Gamma_e(7) = 0.75 Gamma_i(1)
    b = res["_context"]
    assert not _holds(res, values=b["J"][b["x"] <= 0.75 * 4.0, 2])
    (sw,) = ev["switches_on"]  # grid B switches at 0.4 Gamma_i(1)
    assert not _holds(sw, x=b["x"], j9=b["J"][:, 2])
    (fall,) = ev["falls_by"]  # two neighbouring points before the switch
    d, jump = fall["_context"]["dJ"], int(fall["_context"]["jump"])
    assert not _holds(fall, before=d[jump - 2, :2], after=d[jump - 1, :2])
    (dist,) = ev["distinct_currents"]  # grid B: J8 = J9
    jump_b = int(np.argmax(b["J"][:, 2] > 10 * b["J"][0, 2]))
    assert not _holds(dist, J=b["J"][jump_b:])
    (clean,) = ev["clean_profile"]  # sigma = 0.3 g is not clean
    c = clean["_context"]
    k3 = int(np.argmin(np.abs(c["sigmas"] - 0.3)))
    assert not _holds(clean, deviation=c["dev"][: k3 + 1], zigzag=c["zigzag"][k3])
    (zz,) = ev["weakened_zigzag"]  # sigma <= 0.05 g: the clean zig-zag, not a weakened one
    c = zz["_context"]  # (sigma >= 0.6 g meets it too -- odd sites hold more because
    sel = c["sigmas"] <= 0.05  # energy piles up at site 1 -- which the next check tells apart)
    assert not _holds(zz, odd_even=c["odd_even"][sel], zigzag=c["zigzag"][sel])
    (pile,) = ev["piles_at_gain"]  # weak disorder, 0.1-0.3 g
    c = pile["_context"]
    sel = (c["sigmas"] >= 0.1) & (c["sigmas"] <= 0.3)
    assert not _holds(pile, gain_share=c["gain_share"][sel], odd_profiles=c["odd_profiles"][sel])
    (loc,) = ev["in_interval"]  # the crossover read at the IPR maximum instead
    c = loc["_context"]
    assert not _holds(loc, value=c["sigmas"][np.argmax(c["ipr"])])
    (peak,) = ev["peak_structure"]  # "a sharp maximum at Gamma_e = Gamma_i" read literally (5 %)
    assert not _holds(peak, window=(0.95, 1.05))
    (dev,) = ev["small_deviation"]  # near the transition the disorder matters
    near = dev["_context"]["rel_near"]
    assert not _holds(dev, rel_sym=near, rel_brk=near)


# transport: the map, the ridge, the closed forms, each against its alternative
def test_transport_checks_fail_for_the_alternatives():
    ev = _by_predicate("transport", with_item=True)
    (census,) = ev[
        "Fig. 2", "attractor_with_frequency"
    ]  # not "every start reaches it" (the neighbouring
    n = census["_context"]["n_sites"]  # level's state is an attractor too, for about a
    assert not _holds(census, min_share=1.0)  # quarter of the starts); the band-edge level is none
    assert not _holds(census, omega=np.cos(np.pi / (n + 1)))
    # Fig. S3 and the stalled region: the region without Gamma_i <= Gamma_e, and with Gamma_i, Gamma_e exchanged
    for key in (("Fig. S3", "region_matches"), ("Stalled region", "region_matches")):
        (e,) = ev[key]
        ax = e["_context"]["axis"]
        gi, ge = np.meshgrid(ax, ax, indexing="ij")
        assert not _holds(e, formula=(gi < 1) & (ge < 1 / gi)), key
        assert not _holds(e, formula=analytic.stalled_region(ge, gi)), key
    (ridge,) = ev["Fig. 2", "ridge_at"]  # a ridge 10 % off the diagonal
    assert not _holds(ridge, at=0.9) and not _holds(ridge, at=1.1)
    (bist,) = ev["Fig. 2", "all_above"]  # the other rotating states are not the broken one
    assert not _holds(bist, values=bist["_context"]["rotating"])
    (sat,) = ev["Fig. 2", "saturates"]  # below Gamma_i = 4g the current is not g n0
    assert not _holds(sat, J_eq=sat["_context"]["J_eq_small"])
    (edge,) = ev["Fig. 2", "all_below"]  # the stability edge is not S44's or S36's point
    assert not _holds(edge, values=edge["_context"]["s44"]) and not _holds(
        edge, values=edge["_context"]["s36"]
    )
    (s44,) = ev["Eq. S44", "strictly_between"]  # the even chain N = 10 on the same paths
    assert not _holds(s44, values=s44["_context"]["even"])
    (flat,) = ev["Fig. 2", "flat_profile"]  # the symmetric and broken profiles are not flat
    assert not _holds(flat, occupation=flat["_context"]["symmetric"])
    assert not _holds(flat, occupation=flat["_context"]["broken"])
    (s30,) = ev["Eq. S30-S31", "amplitudes_match"]  # the exact solution at a loss 20 % off
    c = s30["_context"]
    alt = [analytic.s30_s31_amplitudes(c["gi"], 1.2 * x, c["gamma"]) for x in c["ge"]]
    assert not _holds(
        s30, a_formula=np.sqrt([r[0] for r in alt]), b_formula=np.sqrt([r[1] for r in alt])
    )
    (s4,) = ev["Fig. S4", "crossing_near"]  # not at the single-mode state's stability edge
    assert not _holds(s4, at=s4["_context"]["last_stable"])
    # S25, S29 (ends damped) and S41 (all damped): each chain's current against the other chain's formula
    for item in ("Eq. S25", "Eq. S29", "Eq. S41"):
        (e,) = ev[item, "within"]
        assert not _holds(e, expected=e["_context"]["other"]), item
    (s28,) = ev["Eq. S28", "within"]  # the all-damped chain's |A|^2 (S40)
    assert not _holds(s28, expected=s28["_context"]["s40"])
    (s32,) = ev["Eq. S32", "within"]  # kappa = N gamma (every site) or gamma
    assert not _holds(s32, expected=2.0) and not _holds(
        s32, expected=2.0 / s32["_context"]["n"][:, None]
    )
    (s33,) = ev["Eq. S33", "within"]  # the S33 reading away from deep in the phase
    assert not _holds(s33, measured=s33["_context"]["at_20g"])
    (s43,) = ev["Eq. S43", "within"]  # calN = N (a flat profile)
    assert not _holds(s43, expected=s43["_context"]["flat"])


def _image_pair(flux):
    """Two grid fluxes Phi, pi - Phi (0 < Phi < pi/2), the pair the triangle's symmetry relates."""
    for k1, p in enumerate(flux):
        if 0 < p < np.pi / 2 - 1e-9:
            k2 = np.flatnonzero(np.isclose(flux, np.pi - p))
            if k2.size:
                return k1, int(k2[0])
    raise AssertionError("no pair Phi, pi - Phi on the grid")


# beyond: recomputations, truncation, SDE vs exact, the peaks, the flux loops -- each against its alternative
def test_beyond_checks_fail_for_the_alternatives():
    from pgrid import quantum
    from pgrid.book.precompute import beyond_network

    ev = _by_predicate("beyond", with_item=True)
    # recomputed points: the live state against the stored neighbouring point
    recomputed = [e for e in ev["Three quantum sites", "all_below"] if "live" in e["_context"]]
    recomputed += ev["Quantum triangle", "all_below"]
    assert len(recomputed) == 4
    for e in recomputed:
        c = e["_context"]
        assert not _holds(e, values=np.max(np.abs(c["live"] - c["stored_next"])))
    # truncation: a cutoff six states smaller is not converged
    (tr,) = ev["Three quantum sites", "truncation_converged"]
    c = tr["_context"]
    net = beyond_network("chain", n_sites=3, gain=4.0, loss=float(c["loss"]), n0=1, gamma=0.2)
    m = int(c["n_fock"]) - 6
    rho = quantum.steady_state(net, m, method="matrix-free", max_top_population=1.0)
    small = quantum.network_statistics(rho, net)
    top = max(float(np.real(rho.ptrace(i).diag()[-1])) for i in range(3))
    rel = np.max(np.abs(small["current_std"] / c["current_std"] - 1))
    assert not _holds(tr, rel_change=rel, top_population=top)
    # SDE (operator variance) against the exact P-function spread: the vacuum term matters at n0 = 2
    (sde,) = ev["Three quantum sites", "sde_matches_exact"]
    assert not _holds(sde, ratio=sde["_context"]["sde"] / sde["_context"]["exact_p"])
    # gamma = 0.2 g: no anomalous peak -- but at gamma = 0.02 g the heights spread
    (flat,) = [e for e in ev["Three quantum sites", "all_below"] if "live" not in e["_context"]]
    (sharp,) = ev["Three quantum sites", "sharpens"]
    spread_weak = [abs(h30 - h5) / ((h30 + h5) / 2) for h5, h30 in zip(sharp["h5"], sharp["h30"])]
    assert not _holds(flat, values=spread_weak)
    c = flat["_context"]  # ... and at gamma = 0.2 g the peak does not sharpen
    assert not _holds(
        sharp,
        h5=[c["2_5"][0], c["3_5"][0]],
        h30=[c["2_30"][0], c["3_30"][0]],
        w5=[c["2_5"][1], c["3_5"][1]],
        w30=[c["2_30"][1], c["3_30"][1]],
    )
    (later,) = ev["Three quantum sites", "all_above"]  # the order of the two chains reversed
    assert not _holds(later, values=-np.asarray(later["values"]))
    # flux loops
    (osc,) = ev["Flux loops", "oscillation_persists"]  # a point that settles: Phi = 0, Gamma_e = 5g
    settled = pgrid.steady_state(
        pgrid.ring(4, gain={0: 4.0}, loss={2: 5.0}, gamma=0.02, flux=0.0), t_max=4e4, throw=False
    )
    assert not _holds(
        osc,
        not_stationary=settled.status == "not stationary",
        kicks=settled.kicks,
        amplitude=float(settled.current_amplitude.max()),
    )
    assert not _holds(osc, share=0.97)  # the special start's "97 % of the map oscillates"
    (ons,) = ev["Flux loops", "onset_moves"]  # no flux: the onset at Phi = 0 everywhere
    k0 = int(np.argmin(np.abs(ons["_context"]["flux"])))
    assert not _holds(ons, onset=np.full_like(ons["onset"], ons["onset"][k0]))
    (sw,) = ev["Flux loops", "flux_switch"]  # Phi = 0: the two engines get the same
    r0 = float(sw["_context"]["r_zero"])
    assert not _holds(sw, r_minus=r0, r_plus=1 / r0)
    (lna,) = ev["Flux loops with noise", "lna_agrees"]  # every flux, also where epsilon > 0.1
    assert not _holds(lna, valid=np.ones_like(lna["valid"]))
    (nr,) = ev["Flux loops with noise", "exceeds_significantly"]
    c = nr["_context"]  # two fluxes the symmetry Phi -> pi - Phi relates
    k1, k2 = _image_pair(c["flux"])
    assert not _holds(nr, a=c["J"][k1], b=c["J"][k2], a_err=c["J_err"][k1], b_err=c["J_err"][k2])
    (q,) = ev["Quantum triangle", "exceeds"]
    c = q["_context"]
    k1, k2 = _image_pair(c["flux"])
    assert not _holds(q, a=c["inflow"][k1], b=c["inflow"][k2])
