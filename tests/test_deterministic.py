"""Deterministic steady states against the supplement's closed forms (S33, S41, S42, stalled region)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgrid
from pgrid import analytic


@pytest.mark.parametrize("loss", [0.5, 1.0, 2.0])
def test_symmetric_phase_single_mode_matches_s41(loss):
    # band-centre mode start (k0 ~ pi/2): the current delivered to the engine follows Eq. S41
    n, gamma, gain = 10, 1e-3, 4.0
    s = pgrid.steady_state(pgrid.chain(n, gain=gain, loss=loss, gamma=gamma), init="mode")
    assert s.stationary
    expected = analytic.s41_current(gain, loss, gamma, n)
    np.testing.assert_allclose(s.current[-1], expected, rtol=0.01)
    # symmetric state: equal end occupations, close to |A|^2 of Eq. S40
    np.testing.assert_allclose(s.occupation[0], s.occupation[-1], rtol=1e-4)
    a2, _ = analytic.s40_amplitudes(gain, loss, gamma, n)
    np.testing.assert_allclose(s.occupation[0], a2, rtol=0.02)
    # even N: the state rotates with omega = g sin(pi / (2 (N + 1)))
    np.testing.assert_allclose(abs(s.frequency), np.sin(np.pi / (2 * (n + 1))), rtol=1e-3)


@pytest.mark.parametrize("n, gamma", [(4, 1e-3), (10, 1e-3), (10, 1e-2)])
def test_deep_broken_phase_matches_s33(n, gamma):
    # kappa = N gamma / 2 (undefined in the paper; determined from the numerics)
    s = pgrid.steady_state(pgrid.chain(n, gain=4.0, loss=40.0, gamma=gamma))
    assert s.stationary and abs(s.frequency) < 1e-9
    np.testing.assert_allclose(
        s.current[-1], analytic.s33_current(4.0, 40.0, n * gamma / 2), rtol=0.012
    )


def test_stalled_region_linear_chain():
    n = 10
    for gain, loss in [(0.5, 0.8), (0.5, 1.9), (0.8, 1.0)]:
        assert analytic.stalled_region(gain, loss)
        net = pgrid.chain(n, gain=gain, loss=loss, gamma=1e-3)
        assert pgrid.linear_eigenvalues(net).real.max() < 0
        s = pgrid.steady_state(net, init="random", amplitude=1e-2, seed=3)
        assert s.stationary and s.occupation.max() < 1e-12
    for gain, loss in [(0.5, 2.1), (0.5, 0.4), (1.5, 1.6)]:
        assert not analytic.stalled_region(gain, loss)
        assert (
            pgrid.linear_eigenvalues(pgrid.chain(n, gain=gain, loss=loss, gamma=1e-3)).real.max()
            > 0
        )


def test_stability_and_relaxation():
    net = pgrid.chain(6, gain=4.0, loss=8.0, gamma=1e-3)
    s = pgrid.steady_state(net)
    lam, tau = pgrid.stability(net, s.alpha, s.frequency)
    assert lam.size == 2 * 6 - 1
    # one zero-mode rule: the solver's max_growth is the top of this spectrum
    np.testing.assert_allclose(s.max_growth, lam[0].real, rtol=1e-9)
    assert lam.real.max() < 0 and np.isfinite(tau) and tau > 0


def test_batch_matches_single():
    nets = [pgrid.chain(4, gain=4.0, loss=x, gamma=1e-2) for x in (5.0, 8.0)]
    batch = pgrid.steady_state(nets)
    for k, net in enumerate(nets):
        one = pgrid.steady_state(net)
        np.testing.assert_allclose(batch.current[k], one.current, rtol=1e-10)


def test_steady_state_errors():
    a = pgrid.chain(3, gain=4.0, loss=8.0, gamma=1e-2)
    b = pgrid.chain(4, gain=4.0, loss=8.0, gamma=1e-2)
    with pytest.raises(ValueError, match="coupling"):
        pgrid.steady_state([a, b])
    with pytest.raises(ValueError, match="init"):
        pgrid.steady_state(a, init="cold")
    with pytest.raises(ValueError, match="mode"):
        pgrid.steady_state(a, init="mode", mode=7)
    with pytest.raises(ValueError, match="dt"):
        pgrid.steady_state(a, dt=5.0)
    with pytest.raises(ValueError, match="tol"):
        pgrid.steady_state(a, tol=-1.0)


@st.composite
def random_networks(draw):
    n = draw(st.integers(2, 6))
    g = np.zeros((n, n))
    for i in range(n - 1):  # a connected backbone
        g[i, i + 1] = g[i + 1, i] = draw(st.floats(0.3, 1.5))
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3))
    for i, j in extra:
        if i != j:
            g[i, j] = g[j, i] = draw(st.floats(0.1, 1.0))
    sites = list(range(n))
    gsite = draw(st.sampled_from(sites))
    lsite = draw(st.sampled_from(sites))
    gain = {
        gsite: pgrid.Reservoir(
            draw(st.floats(0.5, 6.0)),
            n0=draw(st.floats(0.5, 3.0)),
            nu=draw(st.sampled_from([1.0, 2.0, 3.0])),
        )
    }
    loss = {
        lsite: pgrid.Reservoir(
            draw(st.floats(0.1, 8.0)),
            n0=draw(st.floats(0.5, 3.0)),
            nu=draw(st.sampled_from([1.0, 2.0, 3.0])),
        )
    }
    det = draw(st.lists(st.floats(-0.3, 0.3), min_size=n, max_size=n))
    return pgrid.Network(g, gamma=draw(st.floats(1e-3, 0.1)), gain=gain, loss=loss, detuning=det)


@settings(max_examples=25, deadline=None)
@given(random_networks())
def test_energy_balance_s42(net):
    # Eq. S42 generalised: in every stationary state, injected = extracted + bath losses
    s = pgrid.steady_state(net, init="random", amplitude=1.0, t_max=4e3, seed=1)
    if not s.stationary:
        return
    gr, lr = net.saturated_rates(s.alpha)
    injected, extracted, bath = pgrid.energy_balance(net, s.alpha)
    np.testing.assert_allclose(injected, np.sum(gr * s.occupation), rtol=1e-12)
    np.testing.assert_allclose(injected, extracted + bath, rtol=1e-7, atol=1e-12)
    # and every bond current obeys the continuity equation at each site
    net_flow = np.zeros(net.n_sites)
    np.add.at(net_flow, net.bonds[:, 0], -s.current)
    np.add.at(net_flow, net.bonds[:, 1], s.current)
    np.testing.assert_allclose(
        net_flow + (gr - lr - net.gamma) * s.occupation, 0, atol=1e-7 * (1 + s.occupation.max())
    )


def test_continuation_hysteresis_in_bistable_region():
    # Gamma_i > 4g: switching Gamma_e on from below or from above ends on different stable states
    ge = np.linspace(0.2, 10.0, 50)
    up = [pgrid.chain(10, gain=8.0, loss=x, gamma=1e-3) for x in ge]
    s_up = pgrid.steady_state(up, continuation=True, init="mode")
    s_dn = pgrid.steady_state(up[::-1], continuation=True)
    j_up, j_dn = s_up.current[0, :, -1], s_dn.current[0, ::-1, -1]
    both = s_up.stationary[0] & s_dn.stationary[0, ::-1]
    stable = (s_up.max_growth[0] < 0) & (s_dn.max_growth[0, ::-1] < 0)
    bistable = both & stable & (np.abs(j_up - j_dn) > 0.1)
    assert bistable.any() and np.all(ge[bistable] < 8.0)
    # deep in the broken phase the state is unique
    np.testing.assert_allclose(j_up[-1], j_dn[-1], rtol=1e-8)
    single = pgrid.steady_state(up[-1])
    np.testing.assert_allclose(single.current[-1], j_up[-1], rtol=1e-8)


@pytest.mark.parametrize("loss", [4.5, 8.0, 40.0])
def test_broken_phase_ends_only_damping_solves_s30_s31(loss):
    # damping only on the end sites (the supplement's simplified model), N even, k0 = pi/2:
    # Eqs. (S30)-(S31) are exact; A and B are read off the computed state with the ansatz (S17)
    # The exact solution is real (omega = 0, the conjugation-invariant subspace of the bipartite chain) and
    # only marginally stable: with the interior undamped a neutral mode neither grows nor decays, and a
    # generic start drifts along it forever.  The special start (the real seed kept exactly) shows the
    # subspace's state.
    gamma = np.zeros(10)
    gamma[[0, -1]] = 1e-3
    net = pgrid.chain(10, gain=4.0, loss=loss, gamma=gamma)
    s = pgrid.steady_state(net, perturbation=0.0)
    assert s.status == "marginal" and abs(s.frequency) < 1e-12
    a2, b2, current = analytic.s30_s31_amplitudes(4.0, loss, 1e-3)
    A, B = analytic.fit_standing_wave(s.alpha, np.pi / 2)
    np.testing.assert_allclose([abs(A) ** 2, abs(B) ** 2], [a2, b2], rtol=1e-8)
    np.testing.assert_allclose(s.current[-1], current, rtol=1e-8)


def test_relaxation_time_matches_jacobian():
    # perturb-and-relax (the paper's procedure) against -1/max Re(lambda), rotating and static states
    ge = [2.0, 6.0]
    nets = [pgrid.chain(6, gain=4.0, loss=x, gamma=1e-2) for x in ge]
    s = pgrid.steady_state(nets, init="mode", t_max=2e4)
    assert np.all(s.stationary)
    tau = pgrid.relaxation_time(nets, s)
    jac = [pgrid.stability(n, a, w)[1] for n, a, w in zip(nets, s.alpha, s.frequency)]
    np.testing.assert_allclose(tau[0], jac[0], rtol=0.05)
    # broken phase: the slowest Jacobian mode barely changes |alpha_1|^2 (a phase-like mode), so
    # the perturb-and-relax time of |alpha_1|^2 is shorter; it can never be longer
    assert tau[1] < jac[1]
    with pytest.raises(ValueError, match="levels"):
        pgrid.relaxation_time(nets, s, levels=(1e-8, 1e-5))
    with pytest.raises(ValueError, match="site"):
        pgrid.relaxation_time(nets, s, site=9)


def test_energy_balance_bad_shape():
    net = pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1)
    with pytest.raises(ValueError, match="alpha"):
        pgrid.energy_balance(net, np.zeros(4))


def test_order_parameter_is_loss_minus_gain_rate():
    # Fig. 3d: Gamma_e(alpha_N) - Gamma_i(alpha_1), zero for equal rates and occupations, batched
    net = pgrid.chain(3, gain=pgrid.Reservoir(4.0, n0=2.0), loss=1.0, gamma=0.1)
    alpha = np.array([[1.0, 0.3j, 2.0], [0.0, 0.0, 0.0]])
    expected = [1.0 / (1 + 4.0) ** 2 - 4.0 / (1 + 1.0 / 2.0) ** 2, 1.0 - 4.0]
    np.testing.assert_allclose(pgrid.order_parameter(net, alpha), expected, rtol=1e-14)
    with pytest.raises(ValueError, match="alpha"):
        pgrid.order_parameter(net, np.zeros(4))


def test_chunked_batches_with_progress_give_identical_results():
    # a batch large enough to run in chunks (progress bar) must give the same arrays, noise included
    import numba

    nets = [
        [pgrid.chain(4, gain=gi, loss=ge, gamma=1e-2) for ge in np.linspace(0.5, 6.0, 3)]
        for gi in np.linspace(1.0, 6.0, 8 * numba.get_num_threads() + 3)
    ]
    kw = dict(continuation=True, init="mode", t_max=300.0, noise=1e-3, t_noise=50.0, seed=4)
    a = pgrid.steady_state(nets, progress=False, **kw)
    b = pgrid.steady_state(nets, progress=True, **kw)
    for name in ("alpha", "current", "frequency", "stationary", "t_end"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


# -- stability verdicts (an unchanging state is not evidence of stability: the Jacobian is) --


def _ring(n):
    c = np.zeros((n, n))
    for i in range(n):
        c[i, (i + 1) % n] = c[(i + 1) % n, i] = 1.0
    return c


def test_unstable_fixed_point_on_a_ring_is_reported_unstable():
    # a seed on site 0 of a ring of 8 converges to a fixed point with a slowly growing mode
    net = pgrid.Network(_ring(8), gamma=1e-2, gain={0: 4.0}, loss={4: 2.0})
    s = pgrid.steady_state(net, perturbation=0.0)  # the special start: the real seed kept exactly
    assert s.stationary and s.max_growth > 1e-6
    assert (
        not s.stable and s.status == "unstable" and s.kicks == 1
    )  # the kick could not leave it in t_max
    assert "UNSTABLE" in s.message
    lam, tau = pgrid.stability(net, s.alpha, s.frequency)
    assert lam[0].real > 0 and tau == np.inf
    # from the generic default start, as from random starts, the ring keeps moving (after its kick)
    generic = pgrid.steady_state(net)
    assert generic.status == "not stationary" and generic.kicks == 1


def _fig5_like(ge7):
    # Fig. 5 reading (ii): a line 0..6 with a branch 3-7-8; gain at 0, engines at 6 and 8
    c = np.zeros((9, 9))
    for i, j in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (3, 7), (7, 8)]:
        c[i, j] = c[j, i] = 1.0
    return pgrid.Network(c, gamma=1e-3, gain={0: 4.0}, loss={6: ge7, 8: 4.0})


def test_fig5_like_symmetric_branch_past_the_switch_is_not_called_stable():
    net = _fig5_like(2.85)
    # the special (unperturbed) mode start: the mirror-symmetric subspace, never left without a kick
    raw = pgrid.steady_state(net, init="mode", t_max=2e4, kick=0.0, perturbation=0.0)
    assert raw.stationary and raw.status == "unstable" and raw.max_growth > 0.01
    s = pgrid.steady_state(
        net, init="mode", t_max=2e4, perturbation=0.0
    )  # kicked off the unstable point
    assert s.kicks >= 1 and not s.stable and s.status == "not stationary"
    assert abs(s.current[-1] - raw.current[-1]) > 0.05  # it went somewhere else


def test_stable_state_raises_no_false_alarm():
    nets = [pgrid.chain(6, gain=4.0, loss=x, gamma=1e-3) for x in (6.0, 8.0)]
    s = pgrid.steady_state(nets)
    assert np.all(s.stable) and np.all(s.status == "stable") and np.all(s.kicks == 0)
    assert np.all(s.max_growth < -1e-9)
    assert s.message == "all points stationary and linearly stable"


def test_stability_refuses_a_point_that_is_not_fixed():
    net = pgrid.chain(4, gain=4.0, loss=8.0, gamma=1e-2)
    s = pgrid.steady_state(net)
    pgrid.stability(net, s.alpha, s.frequency)  # a fixed point: fine
    with pytest.raises(ValueError, match="not a fixed point.*residual"):
        pgrid.stability(net, 1.1 * s.alpha, s.frequency)
    rot = pgrid.steady_state(pgrid.chain(4, gain=4.0, loss=1.0, gamma=1e-2), init="mode")
    assert rot.stable and abs(rot.frequency) > 0.1
    with pytest.raises(ValueError, match="frequency"):  # a rotating state needs its omega
        pgrid.stability(pgrid.chain(4, gain=4.0, loss=1.0, gamma=1e-2), rot.alpha)


@settings(max_examples=15, deadline=None)
@given(random_networks())
def test_status_agrees_with_the_jacobian(net):
    s = pgrid.steady_state(net, init="random", amplitude=1.0, t_max=4e3, seed=2)
    assert s.stable == (s.status == "stable")
    if s.stationary:
        lam, _ = pgrid.stability(net, s.alpha, s.frequency)
        np.testing.assert_allclose(s.max_growth, lam[0].real, rtol=1e-9, atol=1e-14)
        assert s.status == (
            "stable" if lam[0].real < -1e-9 else "unstable" if lam[0].real > 1e-9 else "marginal"
        )
    else:
        assert s.status == "not stationary" and np.isnan(s.max_growth)


def test_divergence_raises_a_divergence_error_with_the_partial_result():
    good = pgrid.chain(4, gain=4.0, loss=8.0, gamma=1e-2)
    bad = pgrid.chain(
        4, gain=pgrid.Reservoir(4.0, nu=0.0), loss=8.0, gamma=1e-2
    )  # gain that never saturates
    assert bad.growth_at_large_amplitude() > 0 > good.growth_at_large_amplitude()
    with pytest.raises(pgrid.DivergenceError, match="grows without bound.*nu > 0") as info:
        pgrid.steady_state([good, bad, good])
    assert not isinstance(info.value, ValueError) and info.value.points == [1]
    part = info.value.result
    assert list(part.status) == ["stable", "diverged", "stable"] and list(part.success) == [
        True,
        False,
        True,
    ]
    kept = pgrid.steady_state([good, bad, good], throw=False)
    assert np.all(np.isnan(kept.current[1])) and "diverged" in kept.message
    np.testing.assert_array_equal(kept.current[[0, 2]], pgrid.steady_state([good, good]).current)
    # along a continuation path the point after a divergence restarts from the protocol state
    path = pgrid.steady_state([[good, bad, good]], continuation=True, throw=False)
    assert list(path.status[0]) == ["stable", "diverged", "stable"]


def test_relaxation_time_refuses_a_state_that_does_not_refine():
    """The Newton polish's failure flag used to be ignored (the offset then passed for a deviation)."""
    import dataclasses

    net = pgrid.chain(4, gain=4.0, loss=6.0, gamma=1e-2)
    s = pgrid.steady_state(net)
    tau = pgrid.relaxation_time(net, s)
    assert np.isfinite(tau) and tau > 0
    off = dataclasses.replace(s, alpha=s.alpha * 1.05)  # claims to be stable, is no fixed point
    with pytest.raises(ValueError, match="did not refine"):
        pgrid.relaxation_time(net, off, newton_iter=1)


def test_relaxation_analysis_explains_the_18x_disagreement():
    """11-site chain, Gamma_i = 4g, Gamma_e = 0.5g: the procedure gave 1651 (kick at site 0) and 14342
    (site 1) against the Jacobian's 29855 without explanation."""
    net = pgrid.chain(11, gain=4.0, loss=0.5, gamma=1e-3)
    s = pgrid.steady_state(net)
    tau_jac = pgrid.stability(net, s.alpha, s.frequency)[1]
    for site, order in ((0, "linear"), (1, "quadratic")):
        measured = float(pgrid.relaxation_time(net, s, site=site))
        a = pgrid.relaxation_analysis(net, s, site=site)
        assert a.tau == pytest.approx(measured, rel=0.05) and a.tau_jacobian == pytest.approx(
            tau_jac, rel=1e-6
        )
        assert a.order == order and not a.visible and a.tau < 0.6 * tau_jac
    assert "twice its rate" in pgrid.relaxation_analysis(net, s, site=1).message


def test_steady_state_batches_index_like_arrays():
    nets = [[pgrid.chain(3, gain=4.0, loss=x, gamma=1e-2) for x in (2.0, 6.0, 8.0)]]
    s = pgrid.steady_state(nets, continuation=True)
    one = s[0, 2]
    assert (
        np.ndim(one.stationary) == 0
        and np.array_equal(one.alpha, s.alpha[0, 2])
        and one.status == s.status[0, 2]
    )
    assert s[0].alpha.shape == (3, 3) and np.array_equal(one.bonds, s.bonds)
    assert s.status[0, 0] == "stable" and np.isfinite(
        pgrid.relaxation_analysis(nets[0][0], s[0, 0]).tau
    )
    with pytest.raises(IndexError):
        one[0]
