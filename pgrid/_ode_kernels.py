"""Numba kernel of the deterministic solver (private; see :mod:`pgrid.deterministic`).

Many parameter points sharing one coupling matrix are integrated in parallel
(``prange`` over points) with classical RK4 on the noiseless equations of
motion, optionally with weak additive noise during an initial period.  Each
point stops when its occupations and bond currents have stopped changing; the
last check window provides time averages, minima and maxima for states that
never become stationary.
"""

import math

import numpy as np
from numba import njit, prange, uint64

from ._rng import seed_state, normal_pair
from ._rng import ZIG_K as _K, ZIG_W as _W, ZIG_F as _F   # frozen into the kernel as constants


@njit(cache=True)
def _rhs(xr, xi, fr, fi, offs, coef, det, gh, act, gr, gn0, gnu, lr, ln0, lnu):
    n = xr.size
    for l in range(n):
        fr[l] = -gh[l] * xr[l] + det[l] * xi[l]
        fi[l] = -gh[l] * xi[l] - det[l] * xr[l]
    for d in range(offs.size):
        o = offs[d]
        for l in range(max(0, -o), min(n, n - o)):
            c = coef[d, l]
            fr[l] -= c * xi[l + o]
            fi[l] += c * xr[l + o]
    for a in range(act.size):
        s = act[a]
        occ = xr[s] * xr[s] + xi[s] * xi[s]
        if gnu[a] == 2.0 and lnu[a] == 2.0:
            tg = 1.0 / (1.0 + occ / gn0[a])
            tl = 1.0 / (1.0 + occ / ln0[a])
            c = 0.5 * (gr[a] * tg * tg - lr[a] * tl * tl)
        else:
            c = 0.5 * (gr[a] * (1.0 + occ / gn0[a]) ** (-gnu[a]) - lr[a] * (1.0 + occ / ln0[a]) ** (-lnu[a]))
        fr[s] += c * xr[s]
        fi[s] += c * xi[s]


@njit(parallel=True, cache=True)
def integrate_many(x0r, x0i, offs, coef, det, gh, act, gr, gn0, gnu, lr, ln0, lnu,
                   bond_i, bond_j, bond_g, dt, check_steps, max_checks, tol,
                   noise_var, n_noise_steps, seed,
                   xfr, xfi, converged, t_end, j_mean, j_min, j_max, occ_mean, diverged):
    """RK4 until stationary (relative change < tol over two checks) or max_checks windows.

    Per point p: det[p], gh[p] (gamma/2), gr[p], ... (per active site).  ``noise_var[p, l]``
    is the variance per quadrature per step of the additive kicks applied
    during the first ``n_noise_steps`` steps.
    """
    npts, n = x0r.shape
    nb = bond_i.size
    for p in prange(npts):
        xr = x0r[p].copy()
        xi = x0i[p].copy()
        k1r = np.zeros(n); k1i = np.zeros(n)
        k2r = np.zeros(n); k2i = np.zeros(n)
        k3r = np.zeros(n); k3i = np.zeros(n)
        k4r = np.zeros(n); k4i = np.zeros(n)
        tr = np.zeros(n); ti = np.zeros(n)
        prev_occ = np.full(n, -1.0)
        prev_j = np.zeros(nb)
        jsum = np.zeros(nb); jlo = np.zeros(nb); jhi = np.zeros(nb)
        osum = np.zeros(n)
        s0, s1, s2, s3 = seed_state(uint64(seed), uint64(p))
        quiet = 0
        step = 0
        for chk in range(max_checks):
            for q in range(nb):
                jsum[q] = 0.0
                jlo[q] = np.inf
                jhi[q] = -np.inf
            for l in range(n):
                osum[l] = 0.0
            for it in range(check_steps):
                _rhs(xr, xi, k1r, k1i, offs, coef, det[p], gh[p], act, gr[p], gn0[p], gnu[p], lr[p], ln0[p], lnu[p])
                for l in range(n):
                    tr[l] = xr[l] + 0.5 * dt * k1r[l]
                    ti[l] = xi[l] + 0.5 * dt * k1i[l]
                _rhs(tr, ti, k2r, k2i, offs, coef, det[p], gh[p], act, gr[p], gn0[p], gnu[p], lr[p], ln0[p], lnu[p])
                for l in range(n):
                    tr[l] = xr[l] + 0.5 * dt * k2r[l]
                    ti[l] = xi[l] + 0.5 * dt * k2i[l]
                _rhs(tr, ti, k3r, k3i, offs, coef, det[p], gh[p], act, gr[p], gn0[p], gnu[p], lr[p], ln0[p], lnu[p])
                for l in range(n):
                    tr[l] = xr[l] + dt * k3r[l]
                    ti[l] = xi[l] + dt * k3i[l]
                _rhs(tr, ti, k4r, k4i, offs, coef, det[p], gh[p], act, gr[p], gn0[p], gnu[p], lr[p], ln0[p], lnu[p])
                for l in range(n):
                    xr[l] += dt / 6.0 * (k1r[l] + 2.0 * k2r[l] + 2.0 * k3r[l] + k4r[l])
                    xi[l] += dt / 6.0 * (k1i[l] + 2.0 * k2i[l] + 2.0 * k3i[l] + k4i[l])
                if step < n_noise_steps:
                    for l in range(n):
                        v = noise_var[p, l]
                        if v > 0.0:
                            z1, z2, s0, s1, s2, s3 = normal_pair(s0, s1, s2, s3, _K, _W, _F)
                            sd = math.sqrt(v)
                            xr[l] += sd * z1
                            xi[l] += sd * z2
                step += 1
                for q in range(nb):
                    i = bond_i[q]
                    j = bond_j[q]
                    jq = bond_g[q] * (xr[i] * xi[j] - xi[i] * xr[j])
                    jsum[q] += jq
                    if jq < jlo[q]:
                        jlo[q] = jq
                    if jq > jhi[q]:
                        jhi[q] = jq
                for l in range(n):
                    osum[l] += xr[l] * xr[l] + xi[l] * xi[l]
            # convergence test on occupations and currents
            omax = 0.0
            for l in range(n):
                omax = max(omax, xr[l] * xr[l] + xi[l] * xi[l])
            if not (omax < 1e200):
                diverged[p] = True
                break
            change = 0.0
            for l in range(n):
                occ = xr[l] * xr[l] + xi[l] * xi[l]
                change = max(change, abs(occ - prev_occ[l]))
                prev_occ[l] = occ
            for q in range(nb):
                i = bond_i[q]
                j = bond_j[q]
                jq = bond_g[q] * (xr[i] * xi[j] - xi[i] * xr[j])
                change = max(change, abs(jq - prev_j[q]))
                prev_j[q] = jq
            if step > n_noise_steps and (change <= tol * omax or omax < 1e-24):
                quiet += 1
            else:
                quiet = 0
            if quiet >= 2:
                converged[p] = True
                break
        t_end[p] = step * dt
        for l in range(n):
            xfr[p, l] = xr[l]
            xfi[p, l] = xi[l]
            occ_mean[p, l] = osum[l] / check_steps
        for q in range(nb):
            j_mean[p, q] = jsum[q] / check_steps
            j_min[p, q] = jlo[q]
            j_max[p, q] = jhi[q]

