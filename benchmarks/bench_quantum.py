#!/usr/bin/env python
"""Exact quantum steady state: pgrid's k = 0 block solvers (direct LU, preconditioned GMRES) against
qutip.steadystate, in one run.

Two modes with n_fock Fock states each (the paper's direct check used 30), N_th = 0,
Gamma_i = 4g, Gamma_e = 2g, n0 = 1, gamma = 1e-2 g.  Each method runs in its own child
process so that its peak memory (max RSS) is measured separately; the two density
matrices are compared element by element.

    python benchmarks/bench_quantum.py            # n_fock = 30: several minutes, ~14 GB for QuTiP
    python benchmarks/bench_quantum.py 20         # a smaller cutoff
"""

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run(method, n_fock, out):
    import resource

    import numpy as np
    import pgrid
    from pgrid import quantum

    net = pgrid.chain(2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0),
                      gamma=1e-2)
    t0 = time.perf_counter()
    rho = quantum.steady_state(net, n_fock, method=method, max_top_population=1.0)
    elapsed = time.perf_counter() - t0
    np.save(out, rho.full())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{method:8s} {elapsed:10.2f} s {peak:10.0f} MB", flush=True)


def main():
    import multiprocessing as mp

    import numpy as np

    n_fock = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    print(f"two modes, n_fock = {n_fock}: method, time, peak memory of the child process")
    results = {}
    for method in ("direct", "krylov", "qutip"):
        out = f"/tmp/pgrid_bench_rho_{method}.npy"
        p = mp.get_context("spawn").Process(target=run, args=(method, n_fock, out))
        t0 = time.perf_counter()
        p.start()
        p.join()
        results[method] = (time.perf_counter() - t0, out)
    ref = np.load(results["qutip"][1])
    for m in ("direct", "krylov"):
        print(f"max |rho_{m} - rho_qutip| = {np.abs(np.load(results[m][1]) - ref).max():.2e}; "
              f"wall-clock ratio (incl. process start) qutip / {m} = {results['qutip'][0] / results[m][0]:.1f}")


if __name__ == "__main__":
    main()
