#!/usr/bin/env python
"""Convergence of pgrid's drift-Heun scheme in dt, and the failure of plain Euler-Maruyama.

Chain of N = 6, Gamma_i = 4g, gamma = 1e-3 g, N_th / n0 = 10 (Fig. 3a parameters, n0 = 1e2),
in both phases (Gamma_e = 2g symmetric, 8g broken).  For each dt the mean current into the
engine and its fluctuations are printed with one-sigma jackknife errors; the same seed and
statistics are used for every dt.  A NumPy Euler-Maruyama run of the thermal chain shows the
spurious heating of plain EM at dt = 1e-3 (the notes' observation).

    python benchmarks/dt_convergence.py         # ~2 minutes on 2 cores
"""

import numpy as np

import pgrid


def heun_table():
    n0 = 100.0
    for loss in (2.0, 8.0):
        net = pgrid.chain(
            6,
            gain=pgrid.Reservoir(4.0, n0=n0),
            loss=pgrid.Reservoir(loss, n0=n0),
            gamma=1e-3,
            n_th=10 * n0,
        )
        print(f"Gamma_e = {loss:g} g   (J and Delta J in units of g n0)")
        for dt in (0.04, 0.02, 0.01, 0.005):
            ens = pgrid.simulate(
                net,
                dt=dt,
                t_relax=3000.0,
                t_sample=6000.0,
                n_traj=32,
                seed=5,
                sample_every=max(1, int(round(0.1 / dt))),
            )
            j, je = ens.current_mean[-1] / n0, ens.current_mean_err[-1] / n0
            s, se = ens.current_std[-1] / n0, ens.current_std_err[-1] / n0
            print(f"  dt = {dt:<6g} <J> = {j:8.4f} +- {je:.4f}   Delta J = {s:8.4f} +- {se:.4f}")


def euler_maruyama_thermal(dt, t=3000.0, n_traj=64, seed=0):
    """Plain EM on the bare chain (no reservoirs): <|alpha|^2> should stay at N_th."""
    net = pgrid.chain(6, gain=0.0, loss=0.0, gamma=1e-3, n_th=10.0)
    rng = np.random.default_rng(seed)
    m = net.linear_matrix()
    amp = np.sqrt(0.5 * dt * net.gamma * net.n_th)
    a = np.sqrt(5.0) * (rng.standard_normal((n_traj, 6)) + 1j * rng.standard_normal((n_traj, 6)))
    for _ in range(int(t / dt)):
        a = (
            a
            + dt * a @ m.T
            + amp * (rng.standard_normal((n_traj, 6)) + 1j * rng.standard_normal((n_traj, 6)))
        )
    return np.mean(np.abs(a) ** 2)


if __name__ == "__main__":
    heun_table()
    print("Plain Euler-Maruyama, bare chain, N_th = 10, after t = 3000/g (thermal start):")
    for dt in (1e-2, 1e-3):
        print(f"  dt = {dt:g}: <|alpha|^2> = {euler_maruyama_thermal(dt):.2f} (exact: 10)")
    net = pgrid.chain(6, gain=0.0, loss=0.0, gamma=1e-3, n_th=10.0)
    ens = pgrid.simulate(
        net, dt=0.01, t_relax=0.0, t_sample=3000.0, n_traj=64, seed=0, n_time_blocks=4
    )
    print(
        f"  pgrid drift-Heun dt = 0.01: <|alpha|^2> = {ens.occupation_mean.mean():.2f} (averaged over the run)"
    )
