"""Stochastic engine: thermal equilibrium (Eq. S45), reproducibility, errors."""

import numpy as np
import pytest
from scipy import stats

import pgrid
from pgrid import analytic
from pgrid._rng import normals


@pytest.mark.parametrize("method", ["ziggurat", "box-muller"])
def test_normals_are_standard_gaussian(method):
    z = normals(3, 5, 400_000, method=method)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    # tails (ziggurat slow path and tail sampler; Box-Muller's log near u = 0)
    for c in (2.5, 3.5):
        expected = 2 * stats.norm.sf(c)
        frac = np.mean(np.abs(z) > c)
        assert abs(frac - expected) < 5 * np.sqrt(expected / z.size)
    assert abs(np.corrcoef(z[:-1], z[1:])[0, 1]) < 5 / np.sqrt(z.size)


@pytest.fixture(scope="module")
def thermal():
    net = pgrid.chain(4, gain=0.0, loss=0.0, gamma=0.05, n_th=10.0)
    return pgrid.simulate(
        net,
        dt=0.02,
        t_relax=100,
        t_sample=2000,
        n_traj=32,
        seed=7,
        histogram={"scale": 1.0, "lim": 15.0, "bins": 30},
    )


def test_thermal_occupation(thermal):
    # no reservoirs: <|alpha|^2> = N_th on every site
    err = thermal.occupation_mean_err
    assert np.all(np.abs(thermal.occupation_mean - 10.0) < 5 * err)
    assert np.all(err < 0.5)


def test_thermal_occupation_variance(thermal):
    # |alpha|^2 of a thermal state is exponential: Var |alpha|^2 = N_th^2
    err = thermal.occupation_var_err
    assert np.all(np.abs(thermal.occupation_var - 100.0) < 5 * err)
    assert np.all(err < 0.1 * 100.0)


def test_thermal_current_fluctuations(thermal):
    # P-function statistics: Delta J = g N_th / sqrt(2) (Eq. S45 without the +N_th quantum term)
    target = analytic.s45_current_std(10.0, quantum=False)
    assert np.all(np.abs(thermal.current_std - target) < 5 * thermal.current_std_err)
    assert np.all(np.abs(thermal.current_mean) < 5 * thermal.current_mean_err)


def test_operator_current_fluctuations_match_s45():
    # adding the vacuum term turns the P-function spread into the operator value of Eq. (S45),
    # g/2 sqrt(2 (N_th^2 + N_th)); a coupling g = 0.5 checks the g_ij^2 factor of the vacuum term
    net = pgrid.chain(3, gain=0.0, loss=0.0, gamma=0.05, n_th=2.0, g=0.5)
    ens = pgrid.simulate(net, dt=0.02, t_relax=100, t_sample=4000, n_traj=32, seed=11)
    target = analytic.s45_current_std(2.0, g=0.5, quantum=True)
    assert np.all(
        np.abs(ens.current_std_operator - target) < 5 * ens.current_std_err + 0.02 * target
    )
    assert np.all(ens.current_std_operator > ens.current_std)


def test_thermal_histogram_is_gaussian(thermal):
    # the marginal of Re(alpha) is Gaussian with variance N_th/2: checks the noise generator in the kernel
    h = thermal.histogram.sum(axis=(0, 2)).astype(float)
    edges = thermal.hist_edges
    p = np.diff(stats.norm.cdf(edges, scale=np.sqrt(5.0)))
    p /= p.sum()
    expected = h.sum() * p
    mask = expected > 50
    # samples are correlated (tau ~ 1/gamma), so compare shapes, not a chi^2 p-value
    np.testing.assert_allclose(h[mask] / h.sum(), p[mask], atol=0.004)


def test_box_muller_matches_libm_formula():
    # the vectorisable polynomials reproduce r (cos, sin) of the documented bit layout
    from numba import njit

    from pgrid._rng import box_muller

    @njit
    def draw(us, z):
        for i in range(us.size):
            z[i, 0], z[i, 1] = box_muller(us[i])

    us = np.random.default_rng(2).integers(0, 2**64, 100_000, dtype=np.uint64)
    z = np.empty((us.size, 2))
    draw(us, z)
    r = np.sqrt(-2 * np.log(((us >> np.uint64(32)).astype(float) + 0.5) * 2.0**-32))
    x = ((us & np.uint64(0x1FFFFFFF)).astype(float) + 0.5) * (np.pi / 4 / 2**29)
    bit = lambda k: (us >> np.uint64(k)) & np.uint64(1) == 1  # noqa: E731
    a = np.where(bit(29), np.sin(x), np.cos(x)) * np.where(bit(30), -1, 1)
    b = np.where(bit(29), np.cos(x), np.sin(x)) * np.where(bit(31), -1, 1)
    np.testing.assert_allclose(z, np.column_stack([r * a, r * b]), rtol=0, atol=2e-15)


def test_box_muller_pairs_are_independent():
    # z1 and z2 of one draw share the radius: uncorrelated, and so are their squares
    z = normals(8, 1, 400_000, method="box-muller").reshape(-1, 2)
    for a, b in ((z[:, 0], z[:, 1]), (z[:, 0] ** 2, z[:, 1] ** 2)):
        assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(len(a))
    # the angle is uniform over the 8 octants the sign/swap bits select
    octant = np.floor(np.mod(np.arctan2(z[:, 1], z[:, 0]), 2 * np.pi) / (np.pi / 4)).astype(int)
    counts = np.bincount(octant, minlength=8)
    assert stats.chisquare(counts).pvalue > 1e-3


def _grid_with_sparse_baths(n_th):
    # a 3 x 3 grid (coupling with four diagonals: the kernel's general path) whose bath acts
    # on three sites only (noise on a subset of sites: the kernel's scattered-noise path)
    net = pgrid.square_grid(3, 3, gain={}, loss={}, gamma=0.0, n_th=n_th)
    gamma = np.zeros(9)
    gamma[[0, 4, 8]] = 0.1
    return net.replace(gamma=gamma)


def test_thermal_equilibrium_grid_sparse_baths():
    # baths on three sites thermalise the whole connected grid: <|alpha|^2> = N_th everywhere
    ens = pgrid.simulate(
        _grid_with_sparse_baths(4.0), dt=0.02, t_relax=200, t_sample=3000, n_traj=32, seed=5
    )
    assert np.all(np.abs(ens.occupation_mean - 4.0) < 5 * ens.occupation_mean_err + 0.05)
    assert np.all(np.abs(ens.current_std - 4.0 / np.sqrt(2)) < 5 * ens.current_std_err + 0.03)


@pytest.mark.parametrize("geometry", ["chain", "grid"])
def test_noiseless_run_matches_drift_integration(geometry):
    # no gain and N_th = 0: no noise, so simulate() must follow the ODE of pgrid.drift
    # (saturable loss, detuning and both coupling paths of the kernel); Heun error O(dt^2)
    from scipy.integrate import solve_ivp

    if geometry == "chain":
        net = pgrid.chain(
            4,
            gain=0.0,
            loss=pgrid.Reservoir(3.0, n0=2.0),
            gamma=0.1,
            detuning=[0.0, 0.3, -0.2, 0.1],
        )
    else:
        net = pgrid.square_grid(
            2,
            3,
            gain={},
            loss={5: pgrid.Reservoir(2.0, n0=1.0, nu=1.5)},
            gamma=0.05,
            detuning=[0.1, 0, -0.2, 0, 0.3, 0],
        )
    x0 = np.linspace(1.0, 2.0, net.n_sites) * np.exp(1j * np.arange(net.n_sites))
    ens = pgrid.simulate(
        net, dt=0.005, t_relax=4.0, t_sample=1.0, sample_every=1, n_traj=3, seed=0, init=x0
    )

    def rhs(t, y):
        return np.concatenate(
            [(d := pgrid.drift(net, y[: net.n_sites] + 1j * y[net.n_sites :])).real, d.imag]
        )

    sol = solve_ivp(rhs, (0, 5.0), np.concatenate([x0.real, x0.imag]), rtol=1e-11, atol=1e-12)
    ref = sol.y[: net.n_sites, -1] + 1j * sol.y[net.n_sites :, -1]
    for a in ens.final_alpha:
        np.testing.assert_allclose(a, ref, atol=1e-5 * np.abs(x0).max())


@pytest.mark.parametrize("geometry", ["chain", "grid"])
def test_bitwise_reproducible_across_threads(geometry):
    net = (
        pgrid.chain(5, gain=4.0, loss=2.0, gamma=1e-2, n_th=3.0)
        if geometry == "chain"
        else _grid_with_sparse_baths(2.0).replace(gain={0: pgrid.Reservoir(2.0)})
    )
    kw = dict(dt=0.01, t_relax=5, t_sample=20, n_traj=37, seed=11)
    a = pgrid.simulate(net, threads=1, **kw)
    b = pgrid.simulate(net, threads=2, **kw)
    assert np.array_equal(a.final_alpha, b.final_alpha)
    assert np.array_equal(a.current_std, b.current_std)
    c = pgrid.simulate(net, threads=2, **{**kw, "seed": 12})
    assert not np.array_equal(a.final_alpha, c.final_alpha)


def test_order_parameter_and_record():
    net = pgrid.chain(3, gain=4.0, loss=8.0, gamma=1e-2, n_th=0.0)
    ens = pgrid.simulate(
        net, dt=0.01, t_relax=50, t_sample=50, n_traj=8, seed=1, n_record=8, init=np.ones(3) * 2.0
    )
    assert ens.record.shape == (8, ens.n_samples, 3)
    gr, lr = net.saturated_rates(ens.record)
    # the streamed statistics equal averages over the recorded states (all trajectories recorded)
    np.testing.assert_allclose(ens.order_parameter, np.mean(np.sum(lr - gr, axis=-1)), rtol=1e-10)
    np.testing.assert_allclose(
        ens.occupation_mean, np.mean(np.abs(ens.record) ** 2, axis=(0, 1)), rtol=1e-10
    )
    assert (
        ens.order_parameter > 0
    )  # broken phase: extraction beats injection  # broken phase: extraction beats injection


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(dt=-0.01), "dt"),
        (dict(dt=1.0), "dt"),
        (dict(n_traj=0), "n_traj"),
        (dict(seed=-1), "seed"),
        (dict(t_sample=0.001), "t_sample"),
        (dict(t_relax=float("nan")), "t_relax"),
        (dict(init=np.zeros(7)), "init"),
        (dict(init="hot"), "init"),
        (dict(histogram={"size": 3}), "histogram"),
    ],
)
def test_simulate_errors(kw, match):
    net = pgrid.chain(3, gain=4.0, loss=2.0, gamma=1e-2, n_th=1.0)
    base = dict(dt=0.01, t_relax=1, t_sample=1, n_traj=2, seed=0)
    with pytest.raises(ValueError, match=match):
        pgrid.simulate(net, **{**base, **kw})


def test_divergence_is_reported():
    # gain that never saturates and no loss: the physics blows up, and the message says so (not dt)
    net = pgrid.Network([[0, 1], [1, 0]], gamma=0.0, gain={0: pgrid.Reservoir(4.0, nu=0.0)})
    with pytest.raises(pgrid.DivergenceError, match="diverged.*grows without bound") as info:
        pgrid.simulate(net, dt=0.02, t_relax=400, t_sample=1, n_traj=2, seed=0, init=np.ones(2))
    assert "reduce `dt`" not in str(info.value)


def test_max_stable_dt_paper_parameters():
    # dt = 1e-2 must be allowed for the paper's chains and the 3x3 grid
    assert pgrid.max_stable_dt(pgrid.chain(10, gain=10.0, loss=10.0, gamma=1e-3)) > 1e-2
    grid = pgrid.square_grid(3, 3, gain={0: 4.0}, loss={6: 10.0, 8: 4.0}, gamma=1e-3)
    assert pgrid.max_stable_dt(grid) > 1e-2


def test_simulate_divergence_keeps_the_finished_trajectories():
    bad = pgrid.chain(3, gain=pgrid.Reservoir(4.0, nu=0.0), loss=8.0, gamma=1e-2, n_th=1.0)
    with pytest.raises(pgrid.DivergenceError, match="grows without bound") as info:
        pgrid.simulate(bad, dt=0.02, t_relax=50.0, t_sample=50.0, n_traj=20, seed=1)
    assert set(info.value.result.trajectory_status) <= {"diverged", "stopped"}
    with pytest.warns(RuntimeWarning, match="diverged"):
        ens = pgrid.simulate(
            bad, dt=0.02, t_relax=50.0, t_sample=50.0, n_traj=20, seed=1, throw=False
        )
    assert not ens.success.any() and np.all(np.isnan(ens.current_mean))
    ok = pgrid.simulate(
        bad.replace(gain={0: 4.0}), dt=0.02, t_relax=50.0, t_sample=50.0, n_traj=20, seed=1
    )
    assert ok.success.all() and set(ok.trajectory_status) == {"ok"}


def test_thermal_start_depends_on_seed_and_index_only():
    """Trajectory k's whole history is a function of (seed, k): the first 4 of an 8-trajectory run are a 4-run."""
    net = pgrid.chain(4, gain=0.0, loss=0.0, gamma=0.5, n_th=2.0)
    kw = dict(dt=0.02, t_relax=0.0, t_sample=10.0, sample_every=1, seed=3)
    a = pgrid.simulate(net, n_traj=8, n_record=8, **kw)
    b = pgrid.simulate(net, n_traj=4, n_record=4, **kw)
    assert np.array_equal(a.record[:4], b.record) and np.array_equal(
        a.final_alpha[:4], b.final_alpha
    )


def test_continuation_draws_fresh_noise():
    """Continuing with the same seed used to replay the noise: a damped chain then synchronised to the last bit."""
    net = pgrid.chain(3, gain=0.0, loss=0.0, gamma=1.0, n_th=1.0)
    kw = dict(dt=0.02, t_relax=60.0, t_sample=1.0, n_traj=16, seed=7)
    first = pgrid.simulate(net, **kw)
    again = pgrid.simulate(net, init=first, **kw)  # continue: segment 1 of seed 7
    fresh = pgrid.simulate(net, init="vacuum", **kw)  # segment 0 of seed 7 from another start
    assert again.run.segment == 1 and again.run.init == "continued"
    # the start is forgotten after 60 damping times: same streams would give the same final states
    assert not np.allclose(again.final_alpha, fresh.final_alpha, atol=1e-6)
    with pytest.raises(ValueError, match="replay"):
        pgrid.simulate(net, init=first.final_alpha, **kw)
    other = pgrid.simulate(net, init=first.final_alpha, **{**kw, "seed": 8})  # another seed: fine
    assert other.run.segment == 0
    with pytest.raises(ValueError, match="n_traj"):
        pgrid.simulate(net, init=first, **{**kw, "n_traj": 8})


def test_memory_is_checked_before_allocating():
    import time

    net = pgrid.chain(6, gain=4.0, loss=2.0, gamma=1e-3, n_th=10.0)
    t0 = time.perf_counter()
    with pytest.raises(MemoryError, match="GiB.*`n_record`") as info:
        pgrid.simulate(
            net, dt=0.01, t_relax=0.0, t_sample=1e6, n_traj=64, seed=0, sample_every=1, n_record=64
        )
    assert time.perf_counter() - t0 < 5 and info.value.needed > 10 * 2**30
    assert isinstance(info.value, pgrid.errors.InsufficientMemoryError)
