#!/usr/bin/env python
"""Bitwise fingerprints of pgrid's solver outputs, for refactors that promise unchanged results.

Runs a fixed set of computations (noise-free steady states of a chain, a continuation path,
a grid and a disordered chain; SDE runs of a chain, a grid with sparse baths and nu = 1, 3;
linear-noise statistics; an exact quantum steady state) and prints a SHA-256 of the raw bytes
of every numeric field of every result.  Run it before and after a change, on the same
machine, and compare the two outputs line by line (a field that a change adds shows as an
added line only)::

    python scripts/fingerprint.py > before.txt     # on the old commit
    python scripts/fingerprint.py > after.txt      # on the new one
    diff before.txt after.txt                      # empty: bitwise identical
"""

import hashlib
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

import pgrid
from pgrid import quantum


def digests(obj):
    """(field, SHA-256 prefix) for every numeric array or number of a result object or dict."""
    fields = obj if isinstance(obj, dict) else {k: getattr(obj, k) for k in vars(obj)}
    for name in sorted(fields):
        arr = (
            np.asarray(fields[name])
            if not isinstance(fields[name], (str, dict, type(None)))
            else None
        )
        if arr is not None and arr.dtype.kind in "fcbiu":
            yield name, hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()[:16]


def cases():
    chain = pgrid.chain(10, gain=4.0, loss=8.0, gamma=1e-3)
    yield "steady_state chain", pgrid.steady_state(chain)
    path = [pgrid.chain(6, gain=4.0, loss=x, gamma=1e-3) for x in np.linspace(0.5, 8.0, 16)]
    yield (
        "steady_state continuation",
        pgrid.steady_state([path], continuation=True, init="mode", t_max=2e4),
    )
    grid = pgrid.square_grid(3, 3, gain={0: 4.0}, loss={8: 8.0}, gamma=1e-3)
    yield (
        "steady_state grid, random",
        pgrid.steady_state(grid, init="random", amplitude=1.0, seed=3),
    )
    dis = chain.replace(detuning=0.05 * np.sin(np.arange(10)))
    yield (
        "steady_state disorder, weak noise",
        pgrid.steady_state(dis, init="seed", noise=1e-3, t_noise=1e3, seed=2),
    )
    hot = pgrid.chain(
        6,
        gain=pgrid.Reservoir(4.0, n0=100.0),
        loss=pgrid.Reservoir(8.0, n0=100.0),
        gamma=1e-3,
        n_th=1000.0,
    )
    yield (
        "simulate chain",
        pgrid.simulate(
            hot,
            dt=0.02,
            t_relax=500.0,
            t_sample=2000.0,
            n_traj=20,
            seed=5,
            histogram={"scale": 10.0, "lim": 10.0, "bins": 20},
            n_record=2,
        ),
    )
    baths = np.zeros(9)
    baths[[0, 4, 8]] = 1e-2
    sparse = pgrid.Network(
        grid.coupling,
        gamma=baths,
        n_th=50.0,
        gain={0: pgrid.Reservoir(4.0, n0=30.0, nu=1.0)},
        loss={8: pgrid.Reservoir(8.0, n0=30.0, nu=3.0)},
    )
    yield (
        "simulate grid, sparse baths, nu = 1, 3",
        pgrid.simulate(sparse, dt=0.02, t_relax=200.0, t_sample=1000.0, n_traj=17, seed=9),
    )
    s = pgrid.steady_state(hot.replace(n_th=0.0), init="seed", amplitude=10.0)
    yield "linear_noise", pgrid.linear_noise(hot, s)
    pair = pgrid.chain(2, gain=pgrid.Reservoir(4.0), loss=pgrid.Reservoir(2.0), gamma=1e-2)
    rho = quantum.steady_state(pair, 45)
    yield (
        "quantum steady state",
        {"rho": rho.full(), "stats": np.array(quantum.current_statistics(rho, pair, 0))},
    )


if __name__ == "__main__":
    for name, result in cases():
        for field, h in digests(result):
            print(f"{name:<40} {field:<24} {h}")
        sys.stdout.flush()
