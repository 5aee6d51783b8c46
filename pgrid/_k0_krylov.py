r"""The exact steady state from the k = 0 block without assembling it (private).

:func:`solve` runs a right-preconditioned BiCGSTAB (van der Vorst 1992) on

.. math:: (\mathcal L + u\,w^{\rm T})\,x = u,

where w is the trace functional and u the vacuum element :math:`|0\rangle\langle 0|`.  The range of
:math:`\mathcal L` is :math:`\{y: w\cdot y = 0\}` (the dynamics preserves the trace) and
:math:`w\cdot u = 1`, so the system is regular and its solution is the steady state with unit
trace.  :math:`\mathcal L` is applied by :func:`pgrid._quantum_kernels.apply` (numba, in parallel);
the preconditioner is the symmetric block Gauss-Seidel sweep over the excitation-number sectors
of :func:`pgrid.quantum._solve_krylov`, each diagonal block inverted exactly through the
eigenvectors of :math:`H_{\rm eff}` in its sector (a Sylvester equation,
:math:`O(d_s^3)` for a sector of :math:`d_s` states).

Memory: eight vectors of :math:`U = \sum_s d_s^2` complex numbers and the preconditioner's
three matrices per sector (:func:`memory_bytes`); nothing of size :math:`U\times U`.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.linalg as sla

from . import _quantum_kernels as qk

#: Complex vectors of U elements the solver holds at its peak (x, r, r0, p, v, p_hat, s_hat, t).
N_VECTORS = 8


def memory_bytes(sizes) -> float:
    """Peak bytes of :func:`solve` for sectors of ``sizes`` states (vectors, preconditioner, layout),
    with a 15 % margin for temporaries (measured: 2.45 GB above the interpreter's own for three modes
    at cutoff 30 when the dense H_eff blocks were still all held; they are now made one at a time)."""
    sizes = np.asarray(sizes, float)
    u = float(np.sum(sizes**2))
    dim = float(np.sum(sizes))
    return 1.15 * (16.0 * u * (N_VECTORS + 3) + 16.0 * float(np.max(sizes)) ** 2 * 6 + dim * 200.0)


class SectorPreconditioner:
    """Symmetric block Gauss-Seidel over the sectors (:func:`pgrid._quantum_kernels.gauss_seidel`),
    D_s inverted through the eigenvectors of H_eff restricted to sector s (``heff_blocks``: the dense
    blocks in sector order, any iterable; a generator keeps only one in memory)."""

    def __init__(self, lay, heff_blocks):
        self.lay = lay
        n = int(lay.vec_off[-1])
        self.vec = np.empty(n, complex)
        self.vinv = np.empty(n, complex)
        self.den = np.empty(n, complex)
        for s, hs in enumerate(heff_blocks):
            a, b = lay.vec_off[s], lay.vec_off[s + 1]
            lam, vec = sla.eig(hs, overwrite_a=True, check_finite=False)
            den = lam[:, None] - lam.conj()[None, :]
            den[np.abs(den) < 1e-14] = 1e-14
            self.vec[a:b] = vec.ravel()
            self.vinv[a:b] = np.linalg.inv(vec).ravel()
            self.den[a:b] = (1j / den).ravel()

    def __call__(self, r, out):
        qk.gauss_seidel(self.lay, self.vec, self.vinv, self.den, r, out)
        return out


def _operator(lay):
    """x -> (L + u w^T) x written into y, u the vacuum element (index 0), w the trace."""

    def apply(x, y):
        qk.apply(lay, x, y)
        y[0] += qk.trace(lay, x)
        return y

    return apply


def solve(lay, heff_blocks, *, tol: float = 1e-12, maxiter: int = 2000, progress=None):
    """The steady state (k = 0 block vector with unit trace) and a dict of solver statistics
    (iterations, relative residual, set-up and iteration seconds).  Raises RuntimeError when
    BiCGSTAB breaks down or does not reach ``tol``."""
    t0 = time.perf_counter()
    pre = SectorPreconditioner(lay, heff_blocks)
    t_setup = time.perf_counter() - t0
    op = _operator(lay)
    n = int(lay.vec_off[-1])
    axpy, vdot, norm = qk.axpy, qk.vdot, qk.norm
    x = np.zeros(n, complex)
    r = np.zeros(n, complex)
    r[0] = 1.0  # b = u, ||b|| = 1; x0 = 0 so r = b
    r0 = r.copy()
    p = np.zeros(n, complex)
    v = np.zeros(n, complex)
    p_hat = np.zeros(n, complex)
    s_hat = np.zeros(n, complex)
    t = np.zeros(n, complex)
    rho_old = alpha = omega = 1.0 + 0j
    res = 1.0
    it = 0
    for it in range(1, maxiter + 1):
        rho = vdot(r0, r)
        if rho == 0:
            raise RuntimeError("BiCGSTAB broke down (rho = 0)")
        beta = (rho / rho_old) * (alpha / omega)
        axpy(-omega, v, p)  # p = r + beta (p - omega v)
        qk.xpby(r, beta, p)
        pre(p, p_hat)
        op(p_hat, v)
        alpha = rho / vdot(r0, v)
        axpy(-alpha, v, r)  # s = r - alpha v (in r)
        axpy(alpha, p_hat, x)
        res = norm(r)
        if res < tol:
            break
        pre(r, s_hat)
        op(s_hat, t)
        tt = vdot(t, t).real
        if tt == 0:
            raise RuntimeError("BiCGSTAB broke down (t = 0)")
        omega = vdot(t, r) / tt
        axpy(omega, s_hat, x)
        axpy(-omega, t, r)  # r = s - omega t
        res = norm(r)
        if progress is not None:
            progress(it, res)
        if res < tol:
            break
        if omega == 0 or not np.isfinite(res):
            raise RuntimeError(f"BiCGSTAB broke down after {it} iterations (omega = {omega})")
        rho_old = rho
    del r0, p, v, p_hat, s_hat
    x /= qk.trace(lay, x)  # unit trace (it is 1 to the residual already)
    op(x, t)  # the true residual
    t[0] -= 1.0
    true_res = float(norm(t))
    del t, r
    stats = {
        "iterations": it,
        "residual": true_res,
        "setup_s": t_setup,
        "solve_s": time.perf_counter() - t0 - t_setup,
    }
    if not true_res < 10 * tol:
        raise RuntimeError(
            f"the matrix-free Krylov solver reached a residual of {true_res:.2e} after {it} "
            f"iterations (asked {tol:g}); try method='krylov' (assembled) or check the network."
        )
    return x, stats
