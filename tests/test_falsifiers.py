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
    assert not named - here, f"falsifiers named by checks but not defined here: {sorted(named - here)}"


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
    assert not claims.single_mode_state(special, omega, j)          # the other protocol
    assert not claims.single_mode_state(generic, omega, analytic.s41_current(4.0, 2.0, gamma, n + 1))


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
    assert np.max(claims.image_distance(tri, lambda p: -p, [0, 1])) > 1e-3           # the wrong image
    assert np.max(claims.image_distance(sq, lambda p: p + np.pi / 4, [0, 2])) > 1e-3


# beyond, flux loops: "the triangle is non-reciprocal"
def test_the_ring_of_four_is_reciprocal(small_census):
    tri, sq = small_census
    assert claims.nonreciprocity(tri, 1)[0] > 1.05              # (the chapter: > 1.5 on its finer grid)
    assert claims.nonreciprocity(sq, 2)[0] < 1 + 1e-6 < 1.2      # the other geometry: reciprocal


# beyond, flux loops: "at Phi = pi the ring of four's loss site receives nothing"
def test_ring_of_four_is_dark_only_at_flux_pi(small_census):
    _, sq = small_census
    k_pi = int(np.argmin(np.abs(np.abs(sq["flux"]) - np.pi)))
    k_half = int(np.argmin(np.abs(sq["flux"] - np.pi / 2)))
    assert np.nanmax(np.abs(sq["inflow"][k_pi, :, :, 2])) < 1e-6
    assert np.nanmax(np.abs(sq["inflow"][k_half, :, :, 2])) > 1e-3   # another flux: not dark


# beyond, flux switch: "at Phi = 0 the two engines break the mirror symmetry"
def test_strong_damping_keeps_the_flux_switch_mirror_symmetric():
    weak = pgrid.ring(3, gain={0: 4.0}, loss={1: 1.0, 2: 1.0}, gamma=0.02)
    strong = weak.replace(gamma=0.2)
    assert claims.mirror_broken(weak, pgrid.steady_state(weak).alpha)
    assert not claims.mirror_broken(strong, pgrid.steady_state(strong).alpha)    # a mutated parameter
    lopsided = pgrid.ring(3, gain={0: 4.0}, loss={1: 1.0, 2: 1.5}, gamma=0.02)  # no mirror to break
    assert not claims.mirror_broken(lopsided, pgrid.steady_state(lopsided).alpha)


# beyond, three quantum sites: "the pair 1-2 is entangled most strongly deep in the broken phase"
def test_only_the_gain_pair_grows_deep_in_the_broken_phase(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    for n0 in (1, 2):
        d = precompute.load(f"beyond_chain3_n0_{n0}")[0]
        loss, neg = d["loss"], d["negativity"][:, 0, :]
        broken = 2.5                      # the noise-free switch of the middle site (chapter: 2.5 g)
        assert claims.grows_deep_in_broken_phase(neg[:, 0], loss, broken)
        assert not claims.grows_deep_in_broken_phase(neg[:, 2], loss, broken)   # the pair 2-3


# transport, Eq. S36: "N = 2: the symmetric state ends at Eq. (S36)'s Gamma_e*"
def test_s36_tells_the_damped_transition_from_the_undamped_one():
    gamma = 1e-3
    losses = np.linspace(3.98, 4.0, 201)
    end = claims.symmetric_branch_end(2, 4.0, losses, gamma)
    assert claims.matches(end, analytic.s36_transition(4.0, gamma), 2e-4)
    assert not claims.matches(end, 4.0, 2e-4)                                  # no damping: Gamma_e* = Gamma_i
    assert not claims.matches(end, analytic.s36_transition(4.0, 2 * gamma), 2e-4)   # the damping mutated


# grids, Fig. 5: "only the 3 x 3 lattice with 1-4-7 as its middle row meets every statement; the switch
# location rules out the line with a branch 4-8-9"
def test_fig5_switch_location_rules_out_the_line_with_a_branch():
    from pgrid.book.figures import fig5

    line = [(k, k + 1) for k in range(1, 7)] + [(4, 8), (8, 9)]
    pos = {**{k: (k - 1, 0) for k in range(1, 8)}, 8: (3, -1), 9: (3, -2)}
    runs_a = fig5.protocol_runs(fig5.geometry(fig5.GRID_A)[0], protocols=("up", "down"))
    runs_b = fig5.protocol_runs(fig5.geometry((line, pos))[0], protocols=("up", "down"))
    assert claims.switches_near_gain(runs_a, fig5.GI)
    assert not claims.switches_near_gain(runs_b, fig5.GI)               # the other geometry
    assert not claims.switches_near_gain(runs_a, fig5.GI, window=(0.3, 0.7))   # the runner-up's window


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
    assert claims.eq6_residual(sym, k_brk) > 0.05 and claims.eq6_residual(brk, k_sym) > 0.05   # k0 swapped


# transport, Eq. S42: "energy balance in every stationary nonzero state to 1e-8"
def test_energy_balance_needs_the_bath_term():
    for net, alpha in (_ramped(10, 4.0, 4.0 / 1.05), _ramped(10, 4.0, 6.0)):
        assert claims.balance_error(net, alpha) < 1e-8
        assert claims.balance_error(net, alpha, bath=False) > 1e-3       # the bath's share left out
        mutated = net.replace(gamma=2e-3)                                  # another damping
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
    assert claims.relative_error(a, np.sqrt(analytic.s40_amplitudes(gain, losses[sym], gamma, n)[0])) < 0.05
    # the other model: damping only at the ends (Eq. S24's amplitude)
    assert claims.relative_error(a, np.sqrt(analytic.s24_amplitudes(gain, losses[sym], gamma)[0])) > 0.05


# beyond, three quantum sites: "the end sites 1 and 3 are never entangled"
def test_only_the_end_pair_is_never_entangled(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    for n0 in (1, 2):
        neg = precompute.load(f"beyond_chain3_n0_{n0}")[0]["negativity"][:, 0, :]    # pairs 1-2, 1-3, 2-3
        assert claims.never_entangled(neg[:, 1])
        assert not claims.never_entangled(neg[:, 0]) and not claims.never_entangled(neg[:, 2])   # other pairs


# beyond, quantum triangle: "the exact steady states obey Phi -> pi - Phi"
def test_the_quantum_triangle_is_not_symmetric_under_flux_reversal(monkeypatch):
    from pgrid.book import precompute

    monkeypatch.chdir(BOOK)
    d = precompute.load("beyond_triangle_n0_1")[0]
    inflow, fluxes = d["inflow"][0, :, 1], d["flux"]
    assert claims.image_difference(inflow, fluxes, lambda p: np.pi - p) < 1e-6
    assert claims.image_difference(inflow, fluxes, lambda p: -p) > 1e-3             # the wrong image
