"""Results that do not depend on thread counts: numba's and OpenBLAS's.

The numba kernels partition work by the problem, never by the thread count (the SDE's blocks of
trajectories, the ODE's points, the Liouvillian's rows; their reductions are serial), so they give
the same bits for any ``NUMBA_NUM_THREADS``.  OpenBLAS splits its products over its threads and the
partition changes the round-off, which the iterative quantum solvers amplify to ~1e-9: pgrid's
quantum solvers and a sweep's worker threads run BLAS on one thread
(``pgrid._config.single_threaded_blas``).  Each configuration runs in its own process, since both
thread counts are read when the libraries load.
"""

import hashlib
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
    env = {**os.environ, "NUMBA_NUM_THREADS": str(numba_threads), "OPENBLAS_NUM_THREADS": str(blas_threads),
           "PGRID_PROGRESS": "0"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.split()


def test_quantum_solvers_and_sweeps_give_the_same_bits_for_any_thread_count():
    ref = _run(2, 1)
    assert len(ref) == 7
    for numba_threads, blas_threads in ((1, 2), (2, 2)):
        assert _run(numba_threads, blas_threads) == ref, (numba_threads, blas_threads)


def _blas_threads():
    return {lib["filepath"]: lib["num_threads"] for lib in threadpoolctl.threadpool_info()
            if lib["user_api"] == "blas"}


def test_single_threaded_blas_is_shared_by_threads_and_restored_by_the_last_one_out():
    import numpy  # noqa: F401  (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401  (and scipy's)

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        assert before and all(n == 2 for n in before.values())
        inside, barrier = [], threading.Barrier(2)

        def work(k):
            with single_threaded_blas():
                barrier.wait()                      # both threads inside at once
                inside.append(_blas_threads())
                barrier.wait()
                if k == 0:                          # the first thread leaves first ...
                    return
                threading.Event().wait(0.05)
                inside.append(_blas_threads())      # ... and the limit holds for the other

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(work, range(2)))
        assert inside and all(set(d.values()) == {1} for d in inside)
        assert _blas_threads() == before            # restored by the last thread out
        with single_threaded_blas(), single_threaded_blas():   # nested in one thread
            assert set(_blas_threads().values()) == {1}
        assert _blas_threads() == before
