"""The matrix-free k = 0 solver (pgrid._quantum_kernels, pgrid._k0_krylov) against the assembled block,
sparse LU and qutip, on networks that exercise every term: bath heating (jumps up), detuning,
saturable gain and loss with nu = 1 and 2, general couplings and a flux (complex hopping)."""

import numpy as np
import pytest

import pgrid
from pgrid import _quantum_kernels as qk
from pgrid import quantum
from pgrid.errors import InsufficientMemoryError


def general():
    return pgrid.Network(
        [[0, 1, 0.5], [1, 0, 0.8], [0.5, 0.8, 0]],
        gamma=[0.2, 0.1, 0.3],
        n_th=0.1,
        gain={0: pgrid.Reservoir(3.0, n0=1.5)},
        loss={2: pgrid.Reservoir(1.0, n0=2.0, nu=1.0)},
        detuning=[0.1, 0.0, -0.2],
    )


def flux_ring():
    return pgrid.ring(
        3,
        gain={0: pgrid.Reservoir(2.0)},
        loss={1: pgrid.Reservoir(1.0)},
        gamma=0.2,
        n_th=0.1,
        flux=0.9,
    )


@pytest.mark.parametrize("make", [general, flux_ring], ids=["general", "flux-ring"])
def test_kernel_applies_the_assembled_block(make):
    net, m = make(), 5
    h, c_ops = quantum._sparse_operators(net, m)
    sectors, _ = quantum._sectors(net.n_sites, m)
    lmat, offsets, heff = quantum._reduced_liouvillian(h, c_ops, sectors)
    lay = qk.sector_layout(heff, c_ops, sectors)
    assert np.array_equal(lay.vec_off, offsets)
    rng = np.random.default_rng(3)
    x = rng.normal(size=lmat.shape[0]) + 1j * rng.normal(size=lmat.shape[0])
    y = np.empty_like(x)
    qk.apply(lay, x, y)
    ref = lmat @ x
    assert np.abs(y - ref).max() < 1e-13 * np.abs(ref).max()
    trace = sum(
        x[offsets[s] + np.arange(len(ix)) * (len(ix) + 1)].sum() for s, ix in enumerate(sectors)
    )
    assert qk.trace(lay, x) == pytest.approx(trace, rel=1e-14)
    # the jumps of the Gauss-Seidel sweep are the off-diagonal blocks of the assembled matrix
    for s in range(1, len(sectors) - 1):
        for shift, src in ((1, s - 1), (-1, s + 1)):
            out = np.zeros(offsets[s + 1] - offsets[s], complex)
            qk.jumps_into(lay, x, out, s, shift, 1.0)
            block = lmat[offsets[s] : offsets[s + 1], offsets[src] : offsets[src + 1]]
            assert np.abs(out - block @ x[offsets[src] : offsets[src + 1]]).max() < 1e-13 * (
                1 + np.abs(out).max()
            )


@pytest.mark.parametrize("make", [general, flux_ring], ids=["general", "flux-ring"])
def test_matrix_free_matches_qutip(make):
    net, m = make(), 5
    a = quantum.steady_state(net, m, method="matrix-free", max_top_population=1.0)
    b = quantum.steady_state(net, m, method="qutip", max_top_population=1.0)
    np.testing.assert_allclose(a.full(), b.full(), atol=1e-11)
    assert abs(a.tr() - 1) < 1e-14


def test_matrix_free_matches_direct_and_assembled_krylov():
    net = pgrid.chain(
        2,
        gain=pgrid.Reservoir(4.0, n0=2.0),
        loss=pgrid.Reservoir(3.0, n0=2.0),
        gamma=0.05,
        n_th=0.05,
    )
    a = quantum.steady_state(net, 18, method="direct", max_top_population=1.0)
    b = quantum.steady_state(net, 18, method="matrix-free", max_top_population=1.0)
    c = quantum.steady_state(net, 18, method="krylov", max_top_population=1.0)
    np.testing.assert_allclose(b.full(), a.full(), atol=1e-11)
    np.testing.assert_allclose(c.full(), a.full(), atol=1e-10)
    # the observables a user reads
    assert quantum.current_statistics(b, net, 0) == pytest.approx(
        quantum.current_statistics(a, net, 0), abs=1e-10
    )


def test_matrix_free_three_modes_against_assembled_krylov():
    net = pgrid.chain(3, gain=pgrid.Reservoir(2.0), loss=pgrid.Reservoir(1.0), gamma=0.3)
    rho = quantum.steady_state(net, 9, method="matrix-free", max_top_population=1.0, progress=False)
    ref = quantum.steady_state(net, 9, max_top_population=1.0)  # auto: the assembled Krylov solver
    np.testing.assert_allclose(rho.full(), ref.full(), atol=1e-10)


def test_memory_guard_refuses_before_allocating(monkeypatch):
    net = pgrid.chain(3, gain=pgrid.Reservoir(4.0), loss=pgrid.Reservoir(2.0), gamma=1e-2)
    need = quantum.memory_estimate(net, 60, "matrix-free")
    assert need > 20e9  # 3 modes at cutoff 60: ~4e8 unknowns
    monkeypatch.setattr(pgrid._config, "available_memory", lambda: int(16e9))
    monkeypatch.setattr(
        quantum, "_sparse_operators", lambda *a: pytest.fail("allocated before the check")
    )
    with pytest.raises(InsufficientMemoryError, match="n_fock"):
        quantum.steady_state(net, 60, method="matrix-free")
    # the estimate covers what the solver holds: 8 Krylov vectors and 3 preconditioner arrays of the block
    sizes = quantum._sector_sizes(3, 30)
    assert quantum.memory_estimate(net, 30, "matrix-free") >= 16 * 11 * np.sum(sizes**2)
