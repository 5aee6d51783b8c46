"""pgrid.quantum: the k = 0 block solver against QuTiP, negativity, S45, truncation errors."""

import numpy as np
import pytest
import qutip

import pgrid
from pgrid import analytic, quantum


@pytest.fixture(scope="module")
def two_modes():
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=0.1, n_th=0.2
    )
    return net, quantum.steady_state(net, 8, max_top_population=1.0)


def test_reduced_matches_qutip_steadystate(two_modes):
    net, rho = two_modes
    full = quantum.steady_state(net, 8, method="qutip", max_top_population=1.0)
    np.testing.assert_allclose(rho.full(), full.full(), atol=1e-12)
    assert abs(rho.tr() - 1) < 1e-12
    krylov = quantum.steady_state(net, 8, method="krylov", max_top_population=1.0)
    np.testing.assert_allclose(krylov.full(), full.full(), atol=1e-10)


def test_reduced_matches_qutip_three_modes_general_network():
    net = pgrid.Network(
        [[0, 1, 0.5], [1, 0, 0.8], [0.5, 0.8, 0]],
        gamma=[0.2, 0.1, 0.3],
        n_th=0.1,
        gain={0: pgrid.Reservoir(3.0, n0=1.5)},
        loss={2: pgrid.Reservoir(1.0, n0=2.0, nu=1.0)},
        detuning=[0.1, 0.0, -0.2],
    )
    a = quantum.steady_state(net, 5, max_top_population=1.0)
    b = quantum.steady_state(net, 5, method="qutip", max_top_population=1.0)
    np.testing.assert_allclose(a.full(), b.full(), atol=1e-12)
    c = quantum.steady_state(net, 5, method="krylov", max_top_population=1.0)
    np.testing.assert_allclose(c.full(), b.full(), atol=1e-10)


def test_negativity_matches_qutip(two_modes):
    _, rho = two_modes
    ours = quantum.negativity(rho, 0, 1)
    assert ours > 1e-3
    np.testing.assert_allclose(ours, qutip.negativity(rho, 1), rtol=1e-9)
    np.testing.assert_allclose(quantum.negativity(rho, 1, 0), ours, rtol=1e-12)
    np.testing.assert_allclose(
        quantum.negativity(rho, 0, 1, logarithmic=True), np.log2(2 * ours + 1), rtol=1e-12
    )


def test_current_operator_sign_and_continuity(two_modes):
    net, rho = two_modes
    mean, std = quantum.current_statistics(rho, net, 0)
    assert mean > 0 and std > 0  # energy flows from the gain (site 0) to the loss (site 1)
    # continuity: the current leaving site 0 equals the injected minus bath-damped power
    ops = quantum.collapse_operators(net, 8)
    n0 = qutip.num(8)
    num0 = qutip.tensor(n0, qutip.qeye(8))
    d_num0 = sum(
        qutip.expect(c.dag() * num0 * c - 0.5 * (c.dag() * c * num0 + num0 * c.dag() * c), rho)
        for c in ops
    )
    np.testing.assert_allclose(np.real(d_num0), mean, rtol=1e-9)


def test_thermal_equilibrium_s45():
    # no reservoirs: thermal state, operator current fluctuations of Eq. (S45)
    n_th = 0.5
    net = pgrid.chain(2, gain=0.0, loss=0.0, gamma=0.1, n_th=n_th)
    rho = quantum.steady_state(net, 16)
    np.testing.assert_allclose(quantum.occupations(rho), n_th, rtol=1e-6)
    mean, std = quantum.current_statistics(rho, net, 0)
    assert abs(mean) < 1e-10
    np.testing.assert_allclose(std, analytic.s45_current_std(n_th, quantum=True), rtol=1e-5)


def test_truncation_error_names_the_fix():
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(0.5, n0=1.0), gamma=1e-2
    )
    with pytest.raises(quantum.TruncationError, match="raise `n_fock`"):
        quantum.steady_state(net, 4)


def test_bad_input():
    net = pgrid.chain(2, gain=1.0, loss=1.0, gamma=0.1)
    with pytest.raises(ValueError, match="n_fock"):
        quantum.steady_state(net, 1)
    with pytest.raises(ValueError, match="method"):
        quantum.steady_state(net, 4, method="magic")
    with pytest.raises(ValueError, match="bond"):
        quantum.current_operator(net, 4, 3)
    rho = quantum.steady_state(net, 6, max_top_population=1.0)
    with pytest.raises(ValueError, match="two different sites"):
        quantum.negativity(rho, 0, 0)


def test_negativity_of_a_state_outside_the_k0_sector():
    # a two-mode squeezed-like pure state mixes excitation numbers: falls back to the full transpose
    psi = (
        qutip.tensor(qutip.basis(3, 0), qutip.basis(3, 0))
        + 0.6 * qutip.tensor(qutip.basis(3, 1), qutip.basis(3, 1))
    ).unit()
    rho = psi * psi.dag()
    np.testing.assert_allclose(quantum.negativity(rho, 0, 1), qutip.negativity(rho, 1), rtol=1e-10)


def test_quantum_trajectories_agree_with_exact_steady_state(two_modes):
    net, rho = two_modes
    mean, std = quantum.current_statistics(rho, net, 0)
    traj = quantum.trajectory_statistics(
        net, 8, 0, t_relax=30.0, t_sample=200.0, n_times=400, n_traj=16, seed=1
    )
    assert abs(traj["mean"] - mean) < 4 * traj["mean_err"]
    assert abs(traj["std"] - std) < 4 * traj["std_err"]


def test_krylov_matches_direct_at_moderate_cutoff():
    # the block Gauss-Seidel preconditioned BiCGSTAB against sparse LU (about 4,000 unknowns)
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=2.0), loss=pgrid.Reservoir(3.0, n0=2.0), gamma=0.05
    )
    a = quantum.steady_state(net, 18, method="direct", max_top_population=1.0)
    b = quantum.steady_state(net, 18, method="krylov", max_top_population=1.0)
    np.testing.assert_allclose(b.full(), a.full(), atol=1e-11)


def test_converged_steady_state_raises_the_cutoff():
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=0.1
    )
    with pytest.raises(quantum.TruncationError, match="raise `n_fock`"):
        quantum.steady_state(net, 6)
    rho, m = quantum.converged_steady_state(net, 6)
    assert m > 6 and quantum.top_fock_population(rho).max() <= 1e-5
    with pytest.raises(quantum.TruncationError):
        quantum.converged_steady_state(net, 6, max_n_fock=8)
    with pytest.raises(ValueError, match="grow"):
        quantum.converged_steady_state(net, 6, grow=1.0)


def test_precompute_run_and_load_check_provenance(tmp_path, monkeypatch):
    import json

    from pgrid.book import precompute

    recipe = dict(gain=4.0, losses=[2.0, 6.0], n0=1.0, gamma=0.1)
    monkeypatch.setitem(
        precompute.RECIPES, "tiny", (precompute.quantum_sweep, recipe, "1 s", "test")
    )
    with pytest.raises(FileNotFoundError, match="python -m pgrid.book.precompute tiny"):
        precompute.load("tiny", tmp_path)
    precompute.run("tiny", tmp_path)
    data, prov = precompute.load("tiny", tmp_path)
    assert (
        prov["command"] == "python -m pgrid.book.precompute tiny"
        and prov["pgrid_version"] == pgrid.__version__
    )
    assert len(prov["pgrid_source_hash"]) == 16 and prov["parameters"]["losses"] == [2.0, 6.0]
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(6.0, n0=1.0), gamma=0.1
    )
    rho = quantum.steady_state(net, int(data["n_fock"][1]))
    np.testing.assert_allclose(
        data["current_std"][1], quantum.current_statistics(rho, net, 0)[1], rtol=1e-9
    )
    # a file computed with other parameters is refused
    meta = tmp_path / "tiny.json"
    stored = json.loads(meta.read_text())
    stored["parameters"]["gamma"] = 0.2
    meta.write_text(json.dumps(stored))
    with pytest.raises(ValueError, match="other parameters"):
        precompute.load("tiny", tmp_path)
    with pytest.raises(ValueError, match="unknown dataset"):
        precompute.load("nope", tmp_path)


def test_every_precompute_recipe_runs(tmp_path, monkeypatch):
    """Each recipe function runs (on a tiny grid): the fig_s7_onset recipe once failed on an import."""
    from pgrid.book import precompute

    func = precompute.RECIPES["fig_s7_onset"][0]
    tiny = dict(gains=[3.0], losses=[1.0, 4.0], gamma=1e-2, nu=1.0, n_sites=4, t_max=2e3)
    monkeypatch.setitem(precompute.RECIPES, "tiny_onset", (func, tiny, "1 s", "test"))
    precompute.run("tiny_onset", tmp_path)
    data, prov = precompute.load("tiny_onset", tmp_path)
    assert data["up_status"].shape == (1, 2) and data["down_current"].shape == (1, 2)
    assert set(data["up_status"].ravel()) <= {"stable", "unstable", "marginal", "not stationary"}
    for name, (func, _params, _, _) in precompute.RECIPES.items():
        assert callable(func), name


def test_negativity_block_path_and_fallback_match_qutip():
    m = 4
    ket = lambda a, b: qutip.tensor(qutip.basis(m, a), qutip.basis(m, b))  # noqa: E731
    for psi in (
        (ket(0, 1) + ket(1, 0)).unit(),  # k = 0: block-diagonal partial transpose
        (ket(0, 0) + ket(1, 1)).unit(),
    ):  # not k = 0: the full partial transpose
        rho = qutip.ket2dm(psi)
        np.testing.assert_allclose(
            quantum.negativity(rho, 0, 1), qutip.negativity(rho, 1), atol=1e-12
        )
        np.testing.assert_allclose(quantum.negativity(rho, 1, 0), 0.5, atol=1e-12)
    net = pgrid.Network(
        [[0, 1, 0], [1, 0, 1], [0, 1, 0]],
        gamma=0.1,
        n_th=0.3,
        gain={0: pgrid.Reservoir(2.0)},
        loss={2: pgrid.Reservoir(1.0)},
    )
    rho = quantum.steady_state(net, 6, max_top_population=1.0)
    for i, j in ((0, 1), (2, 0), (1, 2)):
        np.testing.assert_allclose(
            quantum.negativity(rho, i, j),
            qutip.negativity(rho.ptrace(sorted([i, j])), 1),
            atol=1e-12,
        )


def test_memory_is_checked_before_building_the_liouvillian(monkeypatch):
    import time

    import pgrid._config

    monkeypatch.setattr(
        pgrid._config, "available_memory", lambda: 16 * 2**30
    )  # any machine: 16 GiB
    for n, m, method in ((4, 40, "auto"), (2, 700, "auto"), (2, 400, "krylov")):
        net = pgrid.chain(n, gain=4.0, loss=2.0, gamma=1e-2)
        t0 = time.perf_counter()
        with pytest.raises(MemoryError, match="GiB.*lower `n_fock`"):
            quantum.steady_state(net, m, method=method)
        assert time.perf_counter() - t0 < 2
    # the estimates are upper bounds of the same order as the real peaks (measured above the interpreter's
    # own: assembled Krylov 0.50 GiB at M = 100; matrix-free 0.29 GB at M = 132, bench_quantum.py)
    pair = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=10.0), loss=pgrid.Reservoir(2.0, n0=10.0), gamma=1e-2
    )
    assert 0.5 * 2**30 < quantum.memory_estimate(pair, 100, "krylov") < 1.5 * 2**30
    assert 0.27e9 < quantum.memory_estimate(pair, 132, "matrix-free") < 0.6e9


def test_auto_method_takes_the_matrix_free_solver_for_large_blocks():
    assert [
        quantum.auto_method(u)
        for u in (4999, 5000, quantum.MATRIX_FREE_ABOVE, quantum.MATRIX_FREE_ABOVE + 1)
    ] == ["direct", "krylov", "krylov", "matrix-free"]
    pair = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=10.0), loss=pgrid.Reservoir(2.0, n0=10.0), gamma=1e-2
    )
    # two modes: ~2M^3/3 unknowns -> 0.67 million at M = 100 (assembled), 1.5 million at M = 132 (matrix-free)
    assert quantum.memory_estimate(pair, 100) == quantum.memory_estimate(pair, 100, "krylov")
    assert quantum.memory_estimate(pair, 132) == quantum.memory_estimate(pair, 132, "matrix-free")


def test_cutoff_advice_is_steady_and_sufficient():
    # Fig. 4's pair at Gamma_e = 3g, n0 = 1 needs M ~ 37-40; the advice used to be 15, 151, 64, 49, 43, 39
    from pgrid.book.figures.fig4 import pair

    net = pair(3.0, 1.0, 1e-2)
    advice = []
    for m in (15, 20, 25, 30, 35):
        with pytest.raises(quantum.TruncationError) as err:
            quantum.steady_state(net, m)
        advice.append(err.value.suggested_n_fock)
        assert "an estimate" in str(err.value)
    assert advice == sorted(advice) and max(advice) - min(advice) <= 5, advice
    quantum.steady_state(net, advice[0])  # the first advice already works


def test_slow_methods_are_announced_with_the_faster_one():
    from pgrid.errors import CostWarning

    net = pgrid.chain(
        2, gain=pgrid.Reservoir(2.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=0.5
    )
    with pytest.warns(CostWarning, match="method='auto'"):
        quantum._warn_cost(2, 40, "direct")  # 2 modes, M = 40: ~43,000 unknowns
    three = pgrid.chain(3, gain=4.0, loss=8.0, gamma=0.2)
    with pytest.warns(CostWarning, match="full Liouvillian"):
        quantum._warn_cost(three.n_sites, 8, "qutip")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", CostWarning)
        quantum.steady_state(net, 14, method="direct")  # small: no warning
