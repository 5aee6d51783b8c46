#!/usr/bin/env python
"""Exact quantum steady states: pgrid's solvers against each other and qutip.steadystate, in one run.

Methods: "matrix-free" (the k = 0 block applied by numba kernels, never assembled), "krylov"
(the same preconditioned BiCGSTAB on the assembled block: the solver before "matrix-free"),
"direct" (sparse LU of the assembled block) and "qutip" (qutip.steadystate on the full
Liouvillian).  Every solve runs in its own child process, so that its wall time and peak memory
(max RSS of the child) are measured alone; the density matrices are compared element by element
with the case's reference (the first method listed).  A method is skipped where
pgrid.quantum.memory_estimate says it does not fit in 20 GB (printed).

Cases (N_th = 0, g = 1; gain on site 0, loss on the last site, both with saturation n0):

* two modes, n_fock = 30, Gamma_i = 4, Gamma_e = 2, n0 = 1, gamma = 1e-2 (the paper's direct check)
* three modes in a chain, n_fock = 6: against qutip (whose LU of the full Liouvillian needed 10 GB
  and more than 10 minutes already at n_fock = 8)
* three modes in a chain, Gamma_i = 4, Gamma_e = 2, n0 = 1, gamma = 1e-2: n_fock = 22 (all pgrid
  methods) and n_fock = 30 (issue 21's target: under 2 minutes and 4 GB)
* two modes at Fig. 4(a)'s n0 = 2 cutoffs: Gamma_e = 3.25, gamma = 1e-3, n_fock = 132 (the
  stored dataset's cutoff there) and 150 (target: under a minute per point)

    python benchmarks/bench_quantum.py            # every case (~35 min on 2 cores)
    python benchmarks/bench_quantum.py quick      # small sizes only (~1 min)
"""

import os
import sys
import time

TARGETS = {("N3", 30): (120.0, 4096.0), ("N2", 150): (60.0, None), ("N2", 132): (60.0, None)}


def network(case):
    import pgrid

    kind, _ = case
    if kind == "N2paper":
        return pgrid.chain(
            2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=1e-2
        )
    if kind == "N3":
        return pgrid.chain(
            3, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=1e-2
        )
    return pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=2.0), loss=pgrid.Reservoir(3.25, n0=2.0), gamma=1e-3
    )


def run(case, method, out):
    import resource

    import numpy as np

    from pgrid import quantum

    net = network(case)
    t0 = time.perf_counter()
    rho = quantum.steady_state(net, case[1], method=method, max_top_population=1.0, progress=False)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ops = rho.to("csr").data.as_scipy().tocoo()
    np.savez(
        out,
        row=ops.row,
        col=ops.col,
        val=ops.data,
        elapsed=elapsed,
        peak=peak,
        top=float(np.max(quantum.top_fock_population(rho))),
    )


def child(case, method):
    import multiprocessing as mp

    import numpy as np

    out = f"/tmp/pgrid_bench_quantum_{case[0]}_{case[1]}_{method}.npz"
    if os.path.exists(out):
        os.remove(out)
    p = mp.get_context("spawn").Process(target=run, args=(case, method, out))
    p.start()
    p.join()
    if p.exitcode != 0:
        return None
    d = np.load(out)
    return d


def main():
    import scipy.sparse as sp

    from pgrid import quantum

    quick = len(sys.argv) > 1 and sys.argv[1] == "quick"
    cases = [
        (("N2paper", 30), ("qutip", "direct", "krylov", "matrix-free")),
        (("N3", 6), ("qutip", "direct", "matrix-free")),
        (("N3", 22), ("krylov", "matrix-free")),
        (("N2", 132), ("krylov", "matrix-free")),
        (("N2", 150), ("krylov", "matrix-free")),
        (("N3", 30), ("matrix-free", "estimate:krylov")),
    ]
    if quick:
        cases = [
            (("N2paper", 16), ("qutip", "direct", "krylov", "matrix-free")),
            (("N3", 5), ("qutip", "direct", "matrix-free")),
            (("N3", 12), ("krylov", "matrix-free")),
            (("N2", 40), ("krylov", "matrix-free")),
        ]
    print(
        f"{'case':28s} {'method':12s} {'time':>9s} {'peak':>9s} {'max|d rho|':>11s}  note",
        flush=True,
    )
    for case, methods in cases:
        net = network(case)
        label = f"{net.n_sites} modes, n_fock = {case[1]}"
        ref = None
        times = {}
        for method in methods:
            if method.startswith("estimate:"):  # too slow to run here: only its memory estimate
                method = method.split(":")[1]
                need = quantum.memory_estimate(net, case[1], method)
                print(
                    f"{label:28s} {method:12s} {'-':>9s} {'-':>9s} {'-':>11s}  not run (would take > 10 min; "
                    f"memory_estimate ~{need / 1024**3:.0f} GB)",
                    flush=True,
                )
                continue
            need = quantum.memory_estimate(net, case[1], method)
            if need > 20 * 1024**3:
                print(
                    f"{label:28s} {method:12s} {'-':>9s} {'-':>9s} {'-':>11s}  skipped: needs "
                    f"~{need / 1024**3:.0f} GB by memory_estimate",
                    flush=True,
                )
                continue
            d = child(case, method)
            if d is None:
                print(f"{label:28s} {method:12s} failed", flush=True)
                continue
            dim = case[1] ** net.n_sites
            rho = sp.csr_matrix((d["val"], (d["row"], d["col"])), shape=(dim, dim))
            if ref is None:
                ref, diff = rho, float("nan")
            else:
                diff = abs(rho - ref).max()
            times[method] = float(d["elapsed"])
            note = ""
            target = TARGETS.get(case) if method == "matrix-free" else None
            if target:
                ok_t = d["elapsed"] < target[0]
                ok_m = target[1] is None or d["peak"] < target[1]
                note = (
                    f"target < {target[0]:.0f} s"
                    + (f", < {target[1] / 1024:.0f} GB" if target[1] else "")
                    + (": met" if ok_t and ok_m else ": NOT met")
                )
            print(
                f"{label:28s} {method:12s} {float(d['elapsed']):8.1f}s {float(d['peak']):7.0f}MB {diff:11.1e}  "
                f"{note}",
                flush=True,
            )
        if "matrix-free" in times:
            ratios = ", ".join(
                f"{m} / matrix-free = {t / times['matrix-free']:.2f}"
                for m, t in times.items()
                if m != "matrix-free"
            )
            if ratios:
                print(f"{'':28s} time ratios: {ratios}", flush=True)


if __name__ == "__main__":
    main()
