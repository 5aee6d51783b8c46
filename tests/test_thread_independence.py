"""Results that do not depend on thread counts: numba's and OpenBLAS's.

The numba kernels partition work by the problem, never by the thread count (the SDE's blocks of
trajectories, the ODE's points, the Liouvillian's rows; their reductions are serial), so they give
the same bits for any ``NUMBA_NUM_THREADS``.  OpenBLAS splits its products over its threads and the
partition changes the round-off, which the iterative quantum solvers amplify to ~1e-9: pgrid's
quantum solvers and a sweep's worker threads run BLAS on one thread
(``pgrid._config.single_threaded_blas``).  Each configuration runs in its own process, since both
thread counts are read when the libraries load.
"""

import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pgrid._config import single_threaded_blas

threadpoolctl = pytest.importorskip("threadpoolctl")

SCRIPT = textwrap.dedent("""
    import hashlib, numpy as np, pgrid
    from pgrid import quantum
    def h(a):
        return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]
    pair = pgrid.chain(2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(3.0, n0=1.0), gamma=1e-2)
    out = [h(quantum.steady_state(pair, 46, method=m).full()) for m in ("krylov", "matrix-free")]
    out.append(h(quantum.steady_state(pair, 16, method="direct", max_top_population=1.0).full()))   # sparse LU
    tri = pgrid.ring(3, gain={0: pgrid.Reservoir(4.0, n0=1.0)}, loss={1: pgrid.Reservoir(3.0, n0=1.0)},
                     gamma=0.2, flux=0.7)
    rho = quantum.steady_state(tri, 12, method="matrix-free", max_top_population=1.0)
    out.append(h(rho.full()))
    out.append(h(np.array(quantum.negativity(rho, 0, 1))))
    def point(ge):
        net = pgrid.chain(2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(ge, n0=1.0), gamma=1e-2)
        return {"rho": quantum.steady_state(net, 46, method="krylov").full()}
    out.append(h(pgrid.sweep(point, {"ge": [2.0, 3.0, 5.0]}, progress=False)["rho"]))
    s = pgrid.steady_state([pgrid.chain(6, gain=4.0, loss=x, gamma=1e-3) for x in np.linspace(1.0, 8.0, 8)],
                           init="random", amplitude=1.0, seed=4)
    out.append(h(s.alpha))
    print(" ".join(out))
""")


def _run(numba_threads, blas_threads):
    env = {
        **os.environ,
        "NUMBA_NUM_THREADS": str(numba_threads),
        "OPENBLAS_NUM_THREADS": str(blas_threads),
        "PGRID_PROGRESS": "0",
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.split()


def test_quantum_solvers_and_sweeps_give_the_same_bits_for_any_thread_count():
    ref = _run(2, 1)
    assert len(ref) == 7
    for numba_threads, blas_threads in ((1, 2), (2, 2)):
        assert _run(numba_threads, blas_threads) == ref, (numba_threads, blas_threads)


def _blas_threads():
    return {
        lib["filepath"]: lib["num_threads"]
        for lib in threadpoolctl.threadpool_info()
        if lib["user_api"] == "blas"
    }


def test_single_threaded_blas_is_shared_by_threads_and_restored_by_the_last_one_out():
    import numpy  # noqa: F401  (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401  (and scipy's)

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        assert before and all(n == 2 for n in before.values())
        inside, barrier = [], threading.Barrier(2)

        def work(k):
            with single_threaded_blas():
                barrier.wait()  # both threads inside at once
                inside.append(_blas_threads())
                barrier.wait()
                if k == 0:  # the first thread leaves first ...
                    return
                threading.Event().wait(0.05)
                inside.append(_blas_threads())  # ... and the limit holds for the other

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(work, range(2)))
        assert inside and all(set(d.values()) == {1} for d in inside)
        assert _blas_threads() == before  # restored by the last thread out
        with single_threaded_blas(), single_threaded_blas():  # nested in one thread
            assert set(_blas_threads().values()) == {1}
        assert _blas_threads() == before


CPU_SCRIPT = textwrap.dedent("""
    import hashlib, numpy as np, pgrid
    def h(a):
        return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]
    path = [pgrid.chain(6, gain=4.0, loss=x, gamma=1e-3) for x in np.linspace(0.5, 8.0, 16)]
    s = pgrid.steady_state([path], continuation=True, init="mode", t_max=2e4)
    grid = pgrid.square_grid(3, 3, gain={0: 4.0}, loss={8: 8.0}, gamma=1e-3)
    r = pgrid.steady_state(grid, init="random", amplitude=1.0, seed=3)
    print(h(s.alpha), h(s.current), h(r.alpha), h(r.current), "".join(np.asarray(s.status).ravel().astype(str)))
""")


@pytest.mark.skipif(
    __import__("platform").machine() not in ("x86_64", "AMD64"),
    reason="OpenBLAS core types of x86-64",
)
def test_noise_free_states_do_not_depend_on_the_blas_kernels():
    """numpy's and scipy's OpenBLAS pick their kernels by CPU at load time (``OPENBLAS_CORETYPE`` forces
    one): a continuation path through a multistable, oscillating region and kicked random starts give
    the same bits with AVX2 (Haswell) kernels as with the machine's own (Newton solves its systems
    without LAPACK, the kick direction does not depend on LAPACK's eigenvector phase)."""
    outs = []
    for core in (None, "Haswell", "Sandybridge"):
        env = {**os.environ, "PGRID_PROGRESS": "0", "OPENBLAS_NUM_THREADS": "1"}
        if core:
            env["OPENBLAS_CORETYPE"] = core
        out = subprocess.run(
            [sys.executable, "-c", CPU_SCRIPT], env=env, capture_output=True, text=True, timeout=900
        )
        assert out.returncode == 0, out.stderr[-3000:]
        outs.append(out.stdout.strip())
    assert outs[1] == outs[0] and outs[2] == outs[0], outs


def test_newton_elimination_and_kick_direction():
    import numpy as np

    from pgrid._ode_kernels import _kick_direction, _lu_solve

    rng = np.random.default_rng(1)
    a = rng.normal(size=(9, 9))
    b = rng.normal(size=9)
    np.testing.assert_allclose(_lu_solve(a.copy(), b.copy()), np.linalg.solve(a, b), rtol=1e-12)
    a[:, 3] = 0.0
    assert np.all(np.isnan(_lu_solve(a.copy(), b.copy())))  # singular: NaN, not an exception
    v = rng.normal(size=8) + 1j * rng.normal(size=8)
    d = _kick_direction(v)
    assert np.max(np.abs(d)) == 1.0
    for phase in (0.3, 1.7, np.pi, -2.2):  # LAPACK's arbitrary phase and sign
        assert np.array_equal(_kick_direction(v * np.exp(1j * phase)), d)
