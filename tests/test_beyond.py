"""Tools of the chapter "Beyond the paper": inflows, the statistics of one quantum state, flux maps,
peak shapes, and the conjugation symmetries of loops with a flux."""

import numpy as np
import pytest

import pgrid
from pgrid import quantum
from pgrid.book import precompute
from pgrid.book.beyond import flux_map, peak_shape


def test_site_inflow_sums_the_bond_currents_and_checks_its_input():
    net = pgrid.ring(3, gain={0: 2.0}, loss={1: 1.0}, gamma=0.1, flux=0.4)
    cur = np.array([[0.3, 0.2, -0.1], [1.0, 0.0, 0.0]])  # bonds (0, 1), (0, 2), (1, 2)
    np.testing.assert_allclose(pgrid.site_inflow(net, cur), [[-0.5, 0.4, 0.1], [-1.0, 1.0, 0.0]])
    np.testing.assert_allclose(pgrid.site_inflow(net, cur).sum(axis=-1), 0.0, atol=1e-15)
    with pytest.raises(ValueError, match="n_bonds = 3"):
        pgrid.site_inflow(net, [0.1, 0.2])


def test_stationary_inflow_of_the_loss_site_is_its_absorbed_power_plus_bath_loss():
    net = pgrid.ring(3, gain={0: 4.0}, loss={1: 2.0}, gamma=0.05, flux=-np.pi / 2)
    s = pgrid.steady_state(net)
    _, extracted, _ = pgrid.energy_balance(net, s.alpha)
    inflow = pgrid.site_inflow(net, s.current)
    assert s.status == "stable"
    np.testing.assert_allclose(inflow[1], extracted + 0.05 * s.occupation[1], rtol=1e-8)


def test_network_statistics_match_the_single_observables():
    net = pgrid.ring(
        3,
        gain={0: pgrid.Reservoir(2.0, n0=0.3)},
        loss={1: pgrid.Reservoir(1.0, n0=0.3)},
        gamma=0.5,
        flux=0.7,
    )
    rho = quantum.steady_state(net, 7, max_top_population=1.0)
    st = quantum.network_statistics(rho, net)
    np.testing.assert_allclose(st["occupation"], quantum.occupations(rho))
    for b in range(3):
        np.testing.assert_allclose(
            (st["current_mean"][b], st["current_std"][b]), quantum.current_statistics(rho, net, b)
        )
    assert st["pairs"].tolist() == [[0, 1], [0, 2], [1, 2]]
    np.testing.assert_allclose(st["negativity"][2], quantum.negativity(rho, 1, 2))
    np.testing.assert_allclose(st["inflow"], pgrid.site_inflow(net, st["current_mean"]))
    assert quantum.network_statistics(rho, net, negativity_pairs=None)["negativity"].shape == (0,)


def test_loops_obey_the_conjugation_symmetries_and_a_triangle_is_non_reciprocal():
    # alpha -> conj(alpha) maps g to -conj(g): flux Phi -> pi - Phi on a triangle, -Phi on a ring of four
    phis = np.array([-2 * np.pi / 3, -np.pi / 3, np.pi / 3, 2 * np.pi / 3])
    tri = flux_map(3, [1], phis, [1.0, 3.0], gamma=0.2)
    np.testing.assert_allclose(tri["inflow"][0], tri["inflow"][1], atol=1e-8)  # -2pi/3 <-> -pi/3
    np.testing.assert_allclose(tri["inflow"][2], tri["inflow"][3], atol=1e-8)
    assert (
        np.max(np.abs(tri["inflow"][1, :, 1] - tri["inflow"][2, :, 1])) > 0.05
    )  # -pi/3 vs +pi/3 differ
    sq = flux_map(4, [2], [-0.5, 0.5, np.pi], [1.0], gamma=0.2, t_max=2e3, throw=False)
    # from generic starts the states at -Phi and +Phi may be mirror images (sites 1 <-> 3): compare the
    # inflows into the sites every symmetry fixes, and the mirror pair sorted
    fixed = lambda x: np.concatenate([x[..., [0, 2]], np.sort(x[..., [1, 3]], axis=-1)], axis=-1)  # noqa: E731
    np.testing.assert_allclose(fixed(sq["inflow"][0]), fixed(sq["inflow"][1]), atol=1e-6)
    assert abs(sq["inflow"][2, 0, 2]) < 1e-8  # destructive interference
    assert set(np.unique(sq["status"])) <= {
        "stable",
        "oscillating",
        "not stationary",
        "unstable",
        "marginal",
    }


def test_exact_triangle_obeys_the_conjugation_symmetry(tmp_path, monkeypatch):
    recipe = dict(
        geometry="ring",
        n_sites=3,
        loss_site=1,
        gain=1.0,
        losses=[0.5],
        fluxes=[np.pi / 3, 2 * np.pi / 3],
        n0=0.2,
        gamma=1.0,
        start_cutoff=6,
        max_n_fock=12,
    )
    monkeypatch.setitem(
        precompute.RECIPES,
        "tiny_triangle",
        (precompute.quantum_network_sweep, recipe, "1 s", "test"),
    )
    precompute.run("tiny_triangle", tmp_path)
    data, _ = precompute.load("tiny_triangle", tmp_path)
    assert data["inflow"].shape == (1, 2, 3) and data["negativity"].shape == (1, 2, 3)
    assert np.all(data["top_population"] < 1e-5)
    np.testing.assert_allclose(data["inflow"][0, 0], data["inflow"][0, 1], atol=1e-9)
    np.testing.assert_allclose(data["occupation"][0, 0], data["occupation"][0, 1], atol=1e-9)
    ds = precompute.load_xarray("tiny_triangle", tmp_path)
    assert ds["inflow"].dims[:2] == ("loss", "flux")


def test_beyond_network_rejects_a_flux_on_a_chain_and_unknown_geometries():
    with pytest.raises(ValueError, match="no loop"):
        precompute.beyond_network(
            "chain", n_sites=3, gain=4.0, loss=1.0, n0=1.0, gamma=0.1, flux=0.3
        )
    with pytest.raises(ValueError, match="geometry"):
        precompute.beyond_network("star", n_sites=3, gain=4.0, loss=1.0, n0=1.0, gamma=0.1)


def test_peak_shape():
    x = np.linspace(0, 10, 1001)
    y = 1.0 + 2.0 * np.exp(-0.5 * ((x - 4.0) / 0.5) ** 2)
    s = peak_shape(x, y)
    assert s["position"] == pytest.approx(4.0) and s["height"] == pytest.approx(3.0)
    assert s["width"] == pytest.approx(2.3548 * 0.5, rel=1e-3) and s[
        "right_width"
    ] == pytest.approx(0.5887, rel=1e-3)
    assert np.isnan(peak_shape(x[400:], y[400:])["width"])  # the left side is cut off


def test_sde_current_noise_is_the_loop_it_replaces():
    # a pgrid.sweep over the loss rates, point k with seed `seed + k`: the same numbers as running the
    # points one after the other (not sweep's derived per-point seeds)
    import pgrid
    from pgrid.book.beyond import sde_current_noise
    from pgrid.book.precompute import beyond_network

    losses = [2.0, 4.5]
    got = sde_current_noise(3, 5.0, 0.2, losses, t_relax=20.0, t_sample=50.0, seed=3)
    for k, ge in enumerate(losses):
        net = beyond_network("chain", n_sites=3, gain=4.0, loss=ge, n0=5.0, gamma=0.2)
        ens = pgrid.simulate(net, dt=0.02, t_relax=20.0, t_sample=50.0, n_traj=32, seed=3 + k)
        assert got[0, k] == ens.current_std_operator[-1] and got[1, k] == ens.current_mean[-1]
