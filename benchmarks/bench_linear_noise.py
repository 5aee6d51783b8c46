#!/usr/bin/env python
"""Linear-noise theory (pgrid.linear_noise) against the SDE (pgrid.simulate) at equal accuracy of Delta J.

For a broken-phase point the script measures, in one run:

1. the time of ``linear_noise`` for the noise-free steady state (median of 20 calls), and of
   ``steady_state`` + ``linear_noise`` together;
2. a long reference SDE run, giving Delta J_ref with its statistical error;
3. the accuracy of the theory, eps_LN = |Delta J_LN / Delta J_ref - 1| (last bond);
4. a production SDE run (32 trajectories), its wall time and relative error of Delta J, and from
   the 1/sqrt(time) law the SDE time that reaches a statistical error eps_LN (its relaxation
   time added once);

and prints the ratio SDE time / linear-noise time at equal accuracy.  Two points:

- Fig. 3(a)'s chain (N = 6, Gamma_i = 4g, Gamma_e = 8g, gamma = 1e-3 g) at a scale where the
  theory holds, n0 = 1e5, N_th = 1e-3 n0 (at the figure's n0 = 100, N_th/n0 = 10 the theory
  fails: a slow mode, see the fluctuations chapter);
- the same parameters for two oscillators at the figure's own scale, n0 = 100, N_th/n0 = 10.

    python benchmarks/bench_linear_noise.py          # ~1 minute
"""

import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

import pgrid


def point(n, n0, n_th, loss=8.0):
    return pgrid.chain(
        n,
        gain=pgrid.Reservoir(4.0, n0=n0),
        loss=pgrid.Reservoir(loss, n0=n0),
        gamma=1e-3,
        n_th=n_th,
    )


def measure(label, net, *, t_relax, t_sample, n_traj=32, ref_factor=6):
    s = pgrid.steady_state(net.replace(n_th=0.0), init="seed", amplitude=np.sqrt(net.gain[0].n0))
    assert s.stable, s.message
    pgrid.linear_noise(net, s)  # warm-up
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        ln = pgrid.linear_noise(net, s)
        times.append(time.perf_counter() - t0)
    t_ln = statistics.median(times)
    t0 = time.perf_counter()
    s2 = pgrid.steady_state(net.replace(n_th=0.0), init="seed", amplitude=np.sqrt(net.gain[0].n0))
    pgrid.linear_noise(net, s2)
    t_ln_total = time.perf_counter() - t0
    init = np.broadcast_to(s.alpha, (n_traj, net.n_sites))
    ref = pgrid.simulate(
        net,
        dt=0.02,
        t_relax=t_relax,
        t_sample=ref_factor * t_sample,
        n_traj=2 * n_traj,
        seed=99,
        init=np.broadcast_to(s.alpha, (2 * n_traj, net.n_sites)),
    )
    dj_ref, dj_ref_err = ref.current_std[-1], ref.current_std_err[-1]
    eps_ln = abs(ln.current_std[-1] / dj_ref - 1)
    t0 = time.perf_counter()
    prod = pgrid.simulate(
        net, dt=0.02, t_relax=t_relax, t_sample=t_sample, n_traj=n_traj, seed=7, init=init
    )
    t_sde = time.perf_counter() - t0
    rel_err = prod.current_std_err[-1] / prod.current_std[-1]
    frac_relax = t_relax / (t_relax + t_sample)
    target = max(eps_ln, dj_ref_err / dj_ref)  # cannot resolve below the reference's own error
    t_needed = t_sde * (frac_relax + (1 - frac_relax) * (rel_err / target) ** 2)
    print(f"{label}")
    print(
        f"  linear_noise: {t_ln * 1e3:.2f} ms (steady_state + linear_noise: {t_ln_total * 1e3:.0f} ms); "
        f"Delta J = {ln.current_std[-1]:.5g}, relative fluctuation eps = {ln.relative_fluctuation:.3f}"
    )
    print(
        f"  SDE reference ({2 * n_traj} traj x {ref_factor * t_sample:g}/g): Delta J = {dj_ref:.5g} +- {dj_ref_err:.2g} "
        f"-> linear-noise error {eps_ln:.2%} (reference resolves {dj_ref_err / dj_ref:.2%})"
    )
    print(
        f"  SDE production ({n_traj} traj, t_relax {t_relax:g}, t_sample {t_sample:g}): {t_sde:.2f} s, "
        f"relative error {rel_err:.2%}; to reach {target:.2%}: {t_needed:.1f} s"
    )
    print(
        f"  ratio SDE / linear_noise at equal Delta J accuracy: {t_needed / t_ln:.3g} "
        f"(including the steady-state solve: {t_needed / t_ln_total:.3g})"
    )


if __name__ == "__main__":
    import numba

    print(f"numba threads: {numba.get_num_threads()}")
    measure(
        "Fig. 3(a) chain, N = 6, Gamma_e = 8g, n0 = 1e5, N_th = 1e-3 n0",
        point(6, 1e5, 100.0),
        t_relax=2e4,
        t_sample=4e4,
    )
    measure(
        "two oscillators, Gamma_e = 8g, n0 = 100, N_th = 10 n0 (Fig. 3a's scale)",
        point(2, 100.0, 1000.0),
        t_relax=5e3,
        t_sample=2e4,
    )
