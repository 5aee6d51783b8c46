#!/usr/bin/env python
"""Sweeps: throughput of pgrid.sweep's backends, and the cost of one Fig. 3(a) point, in one run.

1. The same sweep (12 SDE points of the N = 6 chain of Fig. 3) run serially (one point after
   the other, numba on one thread), with the embedded default (a thread pool in this process,
   one point per core), and on a
   dask.distributed LocalCluster (2 worker processes, one numba thread each), all three
   checked to give identical arrays.  Prints points per second and the ratios.
2. One Fig. 3(a) point at 5 % accuracy (N = 6, Gamma_i = 4g, Gamma_e = 2g, gamma = 1e-3 g,
   N_th/n0 = 10): pgrid as the chapter runs it (drift-Heun, dt = 0.02/g, 32 trajectories,
   t = 5e3 + 2e4) against the paper's recipe (Euler-Maruyama, dt = 1e-4/g, 50 trajectories
   vectorised with NumPy, t = 5000/g relaxation, 3000 samples every 17000 steps).  The
   paper's recipe is timed over 20,000 steps and extrapolated to its 1.01e8 steps.

    python benchmarks/bench_sweep.py          # ~3 minutes on 2 cores
"""

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("PGRID_PROGRESS", "0")

import numpy as np

import pgrid

sys.path.insert(0, os.path.dirname(__file__))
from bench_sde import numpy_euler_maruyama

N, GI, GAMMA, N0 = 6, 4.0, 1e-3, 100.0


def chain(ge):
    return pgrid.chain(
        N,
        gain=pgrid.Reservoir(GI, n0=N0),
        loss=pgrid.Reservoir(ge, n0=N0),
        gamma=GAMMA,
        n_th=10 * N0,
    )


def sweep_point(ge, seed):
    """A lighter Fig. 3(a) point (16 trajectories, t = 1e3 + 4e3) for the backend comparison."""
    e = pgrid.simulate(chain(ge), dt=0.02, t_relax=1e3, t_sample=4e3, n_traj=16, seed=seed)
    return {"J": e.current_mean[-1], "dJ": e.current_std[-1]}


def fig3a_point(ge, seed):
    e = pgrid.simulate(
        chain(ge), dt=0.02, t_relax=5e3, t_sample=2e4, n_traj=32, seed=seed, sample_every=5
    )
    return e


def main():
    import numba

    grid = {"ge": np.linspace(1.0, 10.0, 12)}
    sweep_point(2.0, 0)  # compile outside the timings
    cores = numba.config.NUMBA_NUM_THREADS
    print(
        f"1. sweep of {len(grid['ge'])} SDE points (N = 6, 16 trajectories, 2.5e5 steps each), {cores} cores"
    )
    numba.set_num_threads(1)
    t0 = time.perf_counter()
    serial = pgrid.sweep(sweep_point, grid, seed=3, executor="serial")
    t_serial = time.perf_counter() - t0
    numba.set_num_threads(cores)
    t0 = time.perf_counter()
    default = pgrid.sweep(sweep_point, grid, seed=3)
    t_default = time.perf_counter() - t0

    import cloudpickle
    import distributed

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with (
        distributed.LocalCluster(
            n_workers=cores,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
            env={"NUMBA_NUM_THREADS": "1"},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: sweep_point(2.0, 0))  # compile on every worker outside the timing
        t0 = time.perf_counter()
        dask = pgrid.sweep(sweep_point, grid, seed=3, executor=client)
        t_dask = time.perf_counter() - t0
    for other in (default, dask):
        for k in ("J", "dJ"):
            assert np.array_equal(other[k], serial[k]), "backends disagree"
    n = len(grid["ge"])
    print(f"   serial (1 numba thread)         {t_serial:6.1f} s  {n / t_serial:6.2f} points/s")
    print(
        f"   default (thread pool, {cores} points at a time) {t_default:6.1f} s  {n / t_default:6.2f} points/s"
        f"   default/serial = {t_serial / t_default:.2f}x"
    )
    print(
        f"   dask LocalCluster ({cores} workers)  {t_dask:6.1f} s  {n / t_dask:6.2f} points/s"
        f"   dask/default = {t_default / t_dask:.2f}x"
    )
    print("   identical arrays on all three backends: yes")

    print("2. one Fig. 3(a) point at Gamma_e = 2g")
    t0 = time.perf_counter()
    e = fig3a_point(2.0, 7)
    t_pgrid = time.perf_counter() - t0
    rel_j = e.current_mean_err[-1] / abs(e.current_mean[-1])
    rel_dj = e.current_std_err[-1] / e.current_std[-1]
    print(f"   pgrid: {t_pgrid:.1f} s, relative errors <J> {rel_j:.1%}, Delta J {rel_dj:.1%}")
    steps_measured = 20000
    net = chain(2.0)
    numpy_euler_maruyama(net, dt=1e-4, n_steps=100)
    t0 = time.perf_counter()
    numpy_euler_maruyama(net, dt=1e-4, n_steps=steps_measured)
    t_frac = time.perf_counter() - t0
    steps_paper = int(5000 / 1e-4) + 3000 * 17000
    t_paper = t_frac * steps_paper / steps_measured
    print(
        f"   paper's recipe: {steps_measured} steps in {t_frac:.1f} s -> {steps_paper:.3g} steps "
        f"= {t_paper / 3600:.1f} h (extrapolated)"
    )
    print(f"   ratio paper recipe / pgrid = {t_paper / t_pgrid:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
