#!/usr/bin/env python
"""What generic starts and kicked oscillations cost (issue 29), measured in one run.

Times :func:`pgrid.steady_state` on one thread for three batches, each with the default protocol
(generic start, kicks) against the baseline of a special start without kicks (``perturbation=0,
kick=0``: the solver before issue 29), and prints the ratio and the statuses:

* the transport chapter's Fig. 2(a) row at Gamma_i = 4g (N = 10, 150 points, continuation);
* the beyond chapter's ring of four at Phi = pi/2 (32 losses; the default start settles where the
  special start oscillated);
* a batch where every point keeps moving (chain of 4, Gamma_i = Gamma_e = g): the worst case, each
  point integrated twice (once more after its kick).

    python benchmarks/bench_generic_start.py          # ~1 minute after compilation
"""

import time

import numpy as np

import pgrid

CASES = {
    "Fig. 2(a) row, Gamma_i = 4g (N = 10, continuation)": (
        lambda: [
            [pgrid.chain(10, gain=4.0, loss=x, gamma=1e-3) for x in np.linspace(10 / 150, 10, 150)]
        ],
        dict(continuation=True, init="mode", t_max=1e4),
    ),
    "ring of four, Phi = pi/2, 32 losses": (
        lambda: [
            pgrid.ring(4, gain={0: 4.0}, loss={2: x}, gamma=0.02, flux=np.pi / 2)
            for x in np.linspace(0.25, 8.0, 32)
        ],
        dict(throw=False),
    ),
    "chain of 4, Gamma_i = Gamma_e = g (always moving), 16 points": (
        lambda: [pgrid.chain(4, gain=1.0, loss=1.0, gamma=1e-2)] * 16,
        dict(),
    ),
}


def timed(nets, **kw):
    best, s = np.inf, None
    for _ in range(2):
        t0 = time.perf_counter()
        s = pgrid.steady_state(nets, threads=1, progress=False, **kw)
        best = min(best, time.perf_counter() - t0)
    return best, s


def main():
    pgrid.steady_state(pgrid.chain(3, gain=2.0, loss=1.0, gamma=1e-2), threads=1)  # compile
    print(f"{'batch':<58} {'special, no kick':>16} {'default':>9} {'ratio':>6}  statuses (default)")
    for name, (make, kw) in CASES.items():
        nets = make()
        t_old, _ = timed(nets, perturbation=0.0, kick=0.0, **kw)
        t_new, s = timed(nets, **kw)
        kinds, counts = np.unique(np.asarray(s.status).ravel(), return_counts=True)
        print(
            f"{name:<58} {t_old:14.2f} s {t_new:7.2f} s {t_new / t_old:6.2f}  "
            + ", ".join(f"{c} {k}" for k, c in zip(kinds, counts))
        )


if __name__ == "__main__":
    main()
