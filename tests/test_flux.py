"""Complex (flux-threaded) hopping through every solver: Hermiticity, gauge invariance on trees,
flux dependence on loops, the exact quantum solver against QuTiP."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgrid
from pgrid import quantum


def gauge(net, theta):
    """The same network in another gauge: a_l -> e^{i theta_l} a_l turns g_lm into g_lm e^{i(theta_m - theta_l)}."""
    theta = np.asarray(theta, float)
    g = net.coupling * np.exp(1j * (theta[None, :] - theta[:, None]))
    return net.replace(coupling=g)


TREE_B = [
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (4, 5),
    (5, 6),
    (3, 7),
    (7, 8),
]  # Fig. 5 reading B: a line with a branch


def tree_b(**kw):
    c = np.zeros((9, 9))
    for i, j in TREE_B:
        c[i, j] = c[j, i] = 1.0
    return pgrid.Network(c, gamma=1e-2, gain={0: 4.0}, loss={6: 3.0, 8: 4.0}, **kw)


def test_coupling_must_be_hermitian():
    with pytest.raises(ValueError, match="Hermitian"):
        pgrid.Network([[0, 1j], [1j, 0]], gamma=0.1)
    with pytest.raises(ValueError, match="symmetric"):
        pgrid.Network([[0, 1.0], [2.0, 0]], gamma=0.1)
    net = pgrid.Network([[0, 1j], [-1j, 0]], gamma=0.1)
    assert net.is_complex and net.bond_coupling[0] == 1j
    real = pgrid.Network(np.array([[0, 1 + 0j], [1, 0]]), gamma=0.1)  # zero imaginary parts: real
    assert not real.is_complex and real == pgrid.Network([[0, 1.0], [1.0, 0]], gamma=0.1)
    with pytest.raises(ValueError, match="coupling"):
        pgrid.Network([["a", "b"], ["c", "d"]], gamma=0.1)


def test_loop_fluxes():
    assert pgrid.loop_fluxes(pgrid.chain(4, gain=1.0, loss=1.0, gamma=0.1)) == []
    assert pgrid.loop_fluxes(tree_b()) == []
    for on in ("spread", "bond"):
        r = pgrid.ring(5, gain={0: 1.0}, loss={2: 1.0}, gamma=0.1, flux=2.5, flux_on=on)
        ((sites, phi),) = pgrid.loop_fluxes(r)
        assert sorted(sites) == [0, 1, 2, 3, 4] and phi == pytest.approx(2.5, abs=1e-12)
    grid = pgrid.square_grid(3, 3, gain={0: 1.0}, loss={8: 1.0}, gamma=0.1)
    assert [phi for _, phi in pgrid.loop_fluxes(grid)] == [0.0] * 4
    neg = pgrid.Network([[0, -1, 1], [-1, 0, 1], [1, 1, 0]], gamma=0.1)  # a negative bond: flux pi
    assert abs(pgrid.loop_fluxes(neg)[0][1]) == pytest.approx(np.pi)
    r = pgrid.ring(4, gain={0: 1.0}, loss={2: 1.0}, gamma=0.1, flux=0.7)
    assert pgrid.loop_fluxes(gauge(r, [0.3, -1.0, 2.0, 0.5]))[0][1] == pytest.approx(0.7, abs=1e-12)
    with pytest.raises(ValueError, match="flux_on"):
        pgrid.ring(4, gain={}, loss={}, gamma=0.1, flux=1.0, flux_on="middle")
    with pytest.raises(ValueError, match=">= 3"):
        pgrid.ring(2, gain={}, loss={}, gamma=0.1)


@pytest.mark.parametrize(
    "make, broken",
    [
        (
            lambda: pgrid.chain(6, gain=4.0, loss=2.5, gamma=1e-2),
            lambda: pgrid.chain(6, gain=4.0, loss=10.0, gamma=1e-2),
        ),
        (tree_b, lambda: tree_b().replace(loss={8: pgrid.Reservoir(8.0)})),
    ],
    ids=["chain", "fig5-tree"],
)
def test_phases_on_a_tree_are_a_gauge_choice_noise_free(make, broken):
    net = make()
    theta = np.random.default_rng(1).uniform(-np.pi, np.pi, net.n_sites)
    other = gauge(net, theta)
    assert other.is_complex and pgrid.loop_fluxes(other) == []
    for init in ("mode", "seed"):
        # gauge covariance of the integration itself: starts that are exact gauge images (the special,
        # unperturbed starts; no random kicks, which would not be)
        a = pgrid.steady_state(net, init=init, perturbation=0.0, kick=0.0)
        b = pgrid.steady_state(other, init=init, perturbation=0.0, kick=0.0)
        assert a.status == b.status
        if (
            not a.stationary
        ):  # multimode beating: its time averages depend on round-off, not compared
            continue
        # (an even chain's states at +omega and -omega carry the same currents: alpha_l -> (-1)^l conj(alpha_l)
        # maps one onto the other, and round-off picks one of them from a symmetric start)
        np.testing.assert_allclose(b.current, a.current, atol=1e-12)
        np.testing.assert_allclose(b.occupation, a.occupation, rtol=1e-10, atol=1e-14)
        assert abs(abs(float(b.frequency)) - abs(float(a.frequency))) < 1e-10
        if a.stable:
            # the same state in the other gauge, and the same Jacobian spectrum
            np.testing.assert_allclose(np.abs(b.alpha), np.abs(a.alpha), rtol=1e-9, atol=1e-12)
            lam_a = pgrid.stability(net, a.alpha, a.frequency)[0]
            lam_b = pgrid.stability(other, b.alpha, b.frequency)[0]
            np.testing.assert_allclose(np.sort(lam_b.real), np.sort(lam_a.real), atol=1e-9)
            np.testing.assert_allclose(np.sort(lam_b.imag), np.sort(lam_a.imag), atol=1e-9)
    # linear-noise theory around a broken-phase state (stronger loss: a stable fixed point)
    brk = broken()
    brk_other = gauge(brk, theta)
    sa, sb = pgrid.steady_state(brk, init="seed"), pgrid.steady_state(brk_other, init="seed")
    assert sa.stable and sb.stable
    ln_a = pgrid.linear_noise(brk.replace(n_th=1.0), sa)
    ln_b = pgrid.linear_noise(brk_other.replace(n_th=1.0), sb)
    assert np.all(np.isfinite(ln_a.current_std)) and np.all(ln_a.current_std > 0)
    np.testing.assert_allclose(ln_b.current_mean, ln_a.current_mean, atol=1e-11)
    np.testing.assert_allclose(ln_b.current_std, ln_a.current_std, rtol=1e-8)
    np.testing.assert_allclose(ln_b.occupation_var, ln_a.occupation_var, rtol=1e-8)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-np.pi, np.pi), min_size=4, max_size=4))
def test_gauge_invariance_property(theta):
    net = pgrid.chain(4, gain=3.0, loss=5.0, gamma=5e-2)
    a = pgrid.steady_state(net, init="seed")
    b = pgrid.steady_state(gauge(net, theta), init="seed")
    np.testing.assert_allclose(b.current, a.current, atol=1e-11)
    inj, ext, bath = pgrid.energy_balance(gauge(net, theta), b.alpha)
    assert abs(inj - ext - bath) < 1e-9 * inj


def test_sde_drift_is_gauge_covariant_and_statistics_agree():
    # far above saturation the noise is negligible: one trajectory in two gauges follows the same |alpha|
    n0 = 1e10
    net = pgrid.chain(
        5, gain=pgrid.Reservoir(4.0, n0=n0), loss=pgrid.Reservoir(2.5, n0=n0), gamma=1e-2
    )
    theta = np.array([0.0, 0.7, -1.3, 2.1, 0.4])
    other = gauge(net, theta)
    a0 = np.sqrt(n0) * np.array([1.0, 0.3j, -0.2, 0.1 + 0.1j, 0.05])
    ea = pgrid.simulate(net, dt=0.01, t_relax=0.0, t_sample=5.0, n_traj=1, seed=1, init=a0[None, :])
    eb = pgrid.simulate(
        other,
        dt=0.01,
        t_relax=0.0,
        t_sample=5.0,
        n_traj=1,
        seed=1,
        init=(a0 * np.exp(-1j * theta))[None, :],
    )
    np.testing.assert_allclose(np.abs(eb.final_alpha), np.abs(ea.final_alpha), rtol=1e-6)
    np.testing.assert_allclose(eb.current_mean, ea.current_mean, rtol=1e-5)
    # with thermal noise: the statistics agree within their errors (the noise enters in another gauge)
    hot, hot_other = pgrid.chain(5, gain=4.0, loss=2.5, gamma=1e-2, n_th=5.0), None
    hot_other = gauge(hot, theta)
    kw = dict(dt=0.01, t_relax=300.0, t_sample=3000.0, n_traj=64, seed=11)
    sa, sb = pgrid.simulate(hot, **kw), pgrid.simulate(hot_other, **kw)
    err = np.hypot(sa.current_mean_err, sb.current_mean_err)
    assert np.all(np.abs(sa.current_mean - sb.current_mean) < 4 * err)
    err = np.hypot(sa.current_std_err, sb.current_std_err)
    assert np.all(np.abs(sa.current_std - sb.current_std) < 4 * err)


def test_flux_changes_the_currents_on_a_loop():
    currents = {}
    for phi in (0.0, 1.0):
        r = pgrid.ring(4, gain={0: 4.0}, loss={2: 3.0}, gamma=1e-2, flux=phi)
        s = pgrid.steady_state(r, init="random", amplitude=1.0, seed=1)
        assert s.stable
        currents[phi] = s.current
        inj, ext, bath = pgrid.energy_balance(r, s.alpha)
        assert abs(inj - ext - bath) < 1e-9 * inj  # hopping conserves energy with a flux too
    assert np.max(np.abs(currents[1.0] - currents[0.0])) > 1.0
    # without a flux the two paths 0-1-2 and 0-3-2 carry the same current; with one they do not
    b = pgrid.ring(4, gain={0: 4.0}, loss={2: 3.0}, gamma=1e-2)
    q01, q03 = b.bond_index(0, 1), b.bond_index(0, 3)
    assert currents[0.0][q01] == pytest.approx(currents[0.0][q03], rel=1e-9)
    assert abs(currents[1.0][q01] - currents[1.0][q03]) > 1.0
    # where the flux sits is a gauge choice
    r2 = pgrid.ring(4, gain={0: 4.0}, loss={2: 3.0}, gamma=1e-2, flux=1.0, flux_on="bond")
    s2 = pgrid.steady_state(r2, init="random", amplitude=1.0, seed=1)
    np.testing.assert_allclose(s2.current, currents[1.0], atol=1e-9)


def test_three_sites_with_a_flux_against_qutip():
    import qutip

    r3 = pgrid.ring(
        3,
        gain={0: pgrid.Reservoir(2.0)},
        loss={1: pgrid.Reservoir(1.0)},
        gamma=0.2,
        n_th=0.1,
        flux=0.9,
    )
    m = 6
    # small cutoff on purpose: the truncation check is disabled explicitly (the two solvers see the same model)
    rho = quantum.steady_state(r3, m, max_top_population=1.0)
    ref = qutip.steadystate(quantum.hamiltonian(r3, m), quantum.collapse_operators(r3, m))
    assert np.abs(rho.full() - ref.full()).max() < 1e-10
    h = quantum.hamiltonian(r3, m)
    assert (h - h.dag()).norm() < 1e-12
    # the flux matters: the current differs from the zero-flux ring's; the gauge does not
    r0 = pgrid.ring(
        3, gain={0: pgrid.Reservoir(2.0)}, loss={1: pgrid.Reservoir(1.0)}, gamma=0.2, n_th=0.1
    )
    rho0 = quantum.steady_state(r0, m, max_top_population=1.0)
    rb = pgrid.ring(
        3,
        gain={0: pgrid.Reservoir(2.0)},
        loss={1: pgrid.Reservoir(1.0)},
        gamma=0.2,
        n_th=0.1,
        flux=0.9,
        flux_on="bond",
    )
    rho_b = quantum.steady_state(rb, m, max_top_population=1.0)
    for q in range(3):
        jq = quantum.current_statistics(rho, r3, q)
        assert jq == pytest.approx(quantum.current_statistics(rho_b, rb, q), abs=1e-10)
    assert (
        abs(quantum.current_statistics(rho, r3, 0)[0] - quantum.current_statistics(rho0, r0, 0)[0])
        > 1e-2
    )
    # current conservation at the site without gain or loss: the inflow J_02 + J_12 leaves through its bath,
    # gamma <n_2> (N_th = 0 here: with N_th > 0 the cutoff breaks [a, a^dag] = 1 at the top Fock state)
    cold = pgrid.ring(
        3, gain={0: pgrid.Reservoir(2.0)}, loss={1: pgrid.Reservoir(1.0)}, gamma=0.2, flux=0.9
    )
    rho_c = quantum.steady_state(cold, m, max_top_population=1.0)
    cur = [
        quantum.current_statistics(rho_c, cold, q)[0] for q in range(3)
    ]  # bonds (0,1), (0,2), (1,2)
    assert cur[1] + cur[2] == pytest.approx(0.2 * quantum.occupations(rho_c)[2], abs=1e-9)


def test_complex_network_round_trips_through_netcdf(tmp_path):
    r = pgrid.ring(4, gain={0: 4.0}, loss={2: 3.0}, gamma=1e-2, flux=0.8, n_th=1.0)
    ens = pgrid.simulate(r, dt=0.02, t_relax=10.0, t_sample=40.0, n_traj=4, seed=2)
    pgrid.save(ens.to_xarray(), tmp_path / "flux.nc")
    back = pgrid.load(tmp_path / "flux.nc")
    assert pgrid.xarray_io.network_from_attrs(back.attrs) == r


def test_sde_on_a_flux_ring_follows_the_noise_free_state():
    """The SDE's complex hopping on a ring (coupling diagonals +-1 and +-(N-1): the far-diagonal pass and the
    imaginary pass together): at weak noise (n0 = 1e4) the mean currents are the noise-free ones."""
    n0 = 1e4
    r = pgrid.ring(
        4,
        gain={0: pgrid.Reservoir(4.0, n0=n0)},
        loss={2: pgrid.Reservoir(3.0, n0=n0)},
        gamma=1e-2,
        flux=1.0,
    )
    s = pgrid.steady_state(r, init="random", amplitude=np.sqrt(n0), seed=1)
    assert s.stable
    e = pgrid.simulate(
        r,
        dt=0.01,
        t_relax=200.0,
        t_sample=1000.0,
        n_traj=16,
        seed=4,
        init=np.broadcast_to(s.alpha, (16, 4)),
    )
    np.testing.assert_allclose(e.current_mean / n0, s.current / n0, rtol=2e-3)
    assert np.abs(s.current / n0).min() > 3.0  # and the flux matters: 0.21 g n0 without it
