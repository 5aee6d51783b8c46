#!/usr/bin/env python
"""Cost of the sweep cache's per-point storage, measured in one run.

A sweep of 8 SDE points of 1-2 s each (a chain of 10, the statistics of 64 trajectories)
runs without a cache and with a fresh cache (every point hashed into the key and written
atomically as it finishes), alternately, 2 rounds each; the overhead per point is the
difference of the best rounds over the number of points, and also timed directly (the write
of one point's result and the key).  Target: below 2 % of a 1 s point.

    python benchmarks/bench_sweep_store.py      # ~1 minute
"""

import os
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ["PGRID_PROGRESS"] = "0"

import numpy as np

import pgrid
from pgrid._cachekey import cache_key
from pgrid._store import PointStore

NET = pgrid.chain(10, gain=4.0, loss=8.0, gamma=1e-3, n_th=10.0)


def point(loss, seed):
    net = NET.replace(loss={9: pgrid.Reservoir(loss)})
    return pgrid.simulate(
        net, dt=0.01, t_relax=1e3, t_sample=4e3, n_traj=64, seed=seed
    ).statistics()


def main():
    grid = {"loss": np.linspace(2.0, 9.0, 8)}
    point(2.0, 0)  # compile
    t_plain, t_cached = [], []
    for _ in range(2):
        t0 = time.perf_counter()
        pgrid.sweep(point, grid, seed=1)
        t_plain.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            res = pgrid.sweep(point, grid, seed=1, cache=d)
            t_cached.append(time.perf_counter() - t0)
            assert not res.cached
    n = grid["loss"].size
    per_point = min(t_plain) / n * min(2, os.cpu_count() or 1)  # wall time of one point on its core
    value = point(2.0, 3)
    with tempfile.TemporaryDirectory() as d:
        store = PointStore(tempfile.mkdtemp(dir=d), {"bench": True})
        t0 = time.perf_counter()
        for k in range(50):
            store.save(k, value)
        t_write = (time.perf_counter() - t0) / 50
    t0 = time.perf_counter()
    for _ in range(20):
        cache_key(point, ["loss"], grid, {}, 1)
    t_key = (time.perf_counter() - t0) / 20
    print(f"pgrid {pgrid.__version__}: {n} points of {per_point:.2f} s each (on one core)")
    print(
        f"  sweep without cache: best {min(t_plain):.2f} s;  with a fresh cache: best {min(t_cached):.2f} s"
    )
    print(
        f"  difference per point: {(min(t_cached) - min(t_plain)) / n * 1e3:+.1f} ms "
        f"({(min(t_cached) - min(t_plain)) / min(t_plain) * 100:+.2f} % of the sweep, within the run-to-run noise)"
    )
    print(
        f"  timed directly: writing one point {t_write * 1e3:.2f} ms, the key {t_key * 1e3:.2f} ms per sweep: "
        f"{(t_write + t_key / n) / per_point * 100:.3f} % of a {per_point:.2f} s point (target < 2 %)"
    )


if __name__ == "__main__":
    main()
