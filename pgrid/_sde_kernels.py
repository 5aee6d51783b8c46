"""Numba kernels of the stochastic engine (private; the Python layer is :mod:`pgrid.sde`).

Trajectories are integrated in blocks of ``BLOCK``.  The state of a block is a
flat array indexed ``site * BLOCK + b`` (b the trajectory inside the block),
padded with zeros on both sides, and the coupling is stored by diagonals
(``g[l, l + d]`` for every offset d that occurs): each diagonal is then one
long, branch-free loop that LLVM vectorises.  Hot loops index with unsigned
integers, which removes numba's negative-index wraparound (it blocked
vectorisation and cost a factor of 3).

The block layout depends on ``n_traj`` only and every trajectory draws from its
own xoshiro256++ stream seeded from ``(seed, trajectory index)``, so results
are bitwise identical for any number of threads.
"""

import math

import numpy as np
from numba import njit, prange, int64, uint64

from ._rng import seed_state, next_u64, _zig_slow

BLOCK = 16
_FASTMATH = {"contract", "arcp", "nsz"}   # no 'nnan'/'ninf': divergence checks rely on NaN
_DIVERGED = 1e30


@njit(cache=True, fastmath=_FASTMATH)
def _drift(xr, xi, ar, ai, pad, offs, coef, gh, dl,
           act, a_gr, a_gn0, a_gnu, a_lr, a_ln0, a_lnu):
    """Deterministic drift of every (site, trajectory) element of a block."""
    m = ar.size
    for j in range(m):
        i = uint64(j)
        p = uint64(pad + j)
        ar[i] = -gh[i] * xr[p] + dl[i] * xi[p]
        ai[i] = -gh[i] * xi[p] - dl[i] * xr[p]
    for d in range(offs.size):
        o = pad + offs[d]
        c = coef[d]
        for j in range(m):
            i = uint64(j)
            q = uint64(o + j)
            ar[i] -= c[i] * xi[q]
            ai[i] += c[i] * xr[q]
    for a in range(act.size):
        base = act[a] * BLOCK
        gr, gn0, gnu = a_gr[a], a_gn0[a], a_gnu[a]
        lr, ln0, lnu = a_lr[a], a_ln0[a], a_lnu[a]
        if gnu == 2.0 and lnu == 2.0:
            for b in range(BLOCK):
                i = uint64(base + b)
                p = uint64(pad + base + b)
                occ = xr[p] * xr[p] + xi[p] * xi[p]
                tg = 1.0 / (1.0 + occ / gn0)
                tl = 1.0 / (1.0 + occ / ln0)
                c = 0.5 * (gr * tg * tg - lr * tl * tl)
                ar[i] += c * xr[p]
                ai[i] += c * xi[p]
        else:
            for b in range(BLOCK):
                i = uint64(base + b)
                p = uint64(pad + base + b)
                occ = xr[p] * xr[p] + xi[p] * xi[p]
                c = 0.5 * (gr * (1.0 + occ / gn0) ** (-gnu) - lr * (1.0 + occ / ln0) ** (-lnu))
                ar[i] += c * xr[p]
                ai[i] += c * xi[p]


@njit(cache=True)
def _fix_rejected(zr, zi, fbr, fbi, b, n_noisy, s0, s1, s2, s3, kn, wn, fn):
    """Finish the draws of trajectory b whose ziggurat fast test failed (marked NaN).

    The slow path continues from the rejected bits ``fbr``/``fbi`` (wedge and
    tail tests), exactly as in the sequential ziggurat, and draws any further
    bits from the trajectory's own stream.
    """
    for j in range(n_noisy):
        k = j * BLOCK + b
        if zr[k] != zr[k]:
            zr[k], s0, s1, s2, s3 = _zig_slow(fbr[k], s0, s1, s2, s3, kn, wn, fn)
        if zi[k] != zi[k]:
            zi[k], s0, s1, s2, s3 = _zig_slow(fbi[k], s0, s1, s2, s3, kn, wn, fn)
    return s0, s1, s2, s3


@njit(parallel=True, cache=True, fastmath=_FASTMATH, nogil=True)
def run_sde(n_traj, x0r, x0i, offs, coef_site, det, ghalf,
            noisy, var_th, noisy_gain_slot,
            act, a_gr, a_gn0, a_gnu, a_lr, a_ln0, a_lnu,
            bond_i, bond_j, bond_g,
            dt, n_relax, n_sample, sample_every, n_tblocks, seed, kn, wn, fn,
            hist_scale, hist_lim, n_rec,
            sJ, sJ2, sN, sN2, sG, sG2, hist, rec, status, xfr, xfi):
    """Drift-Heun integration of the Ito SDEs (Eqs. 3-5 generalised), streaming statistics.

    ``offs[d]`` are the coupling diagonals (site offsets) and ``coef_site[d, l]``
    = g[l, l + offs[d]] / 2.  ``noisy`` lists the sites with diffusion,
    ``var_th[j]`` = gamma n_th dt / 2 (variance per real quadrature and step)
    and ``noisy_gain_slot[j]`` the active-site slot whose gain adds
    Gamma(alpha) dt / 2, or -1.  Outputs are per trajectory and time block;
    ``hist`` per block; ``status[t]`` > 0 is the step at which t diverged.
    """
    n = x0r.shape[1]
    m = n * BLOCK
    nd = offs.size
    maxo = 0
    for d in range(nd):
        maxo = max(maxo, abs(offs[d]))
    pad = maxo * BLOCK
    boffs = offs * BLOCK
    coef = np.zeros((nd, m))
    gh = np.zeros(m)
    dl = np.zeros(m)
    for l in range(n):
        for b in range(BLOCK):
            gh[l * BLOCK + b] = ghalf[l]
            dl[l * BLOCK + b] = det[l]
            for d in range(nd):
                coef[d, l * BLOCK + b] = coef_site[d, l]
    nbond = bond_i.size
    n_noisy = noisy.size
    n_blocks = (n_traj + BLOCK - 1) // BLOCK
    n_bins = hist.shape[2]
    n_steps = n_relax + n_sample * sample_every
    hdt = 0.5 * dt
    for blk in prange(n_blocks):
        xr = np.zeros(m + 2 * pad)
        xi = np.zeros(m + 2 * pad)
        yr = np.zeros(m + 2 * pad)
        yi = np.zeros(m + 2 * pad)
        ar = np.zeros(m)
        ai = np.zeros(m)
        br = np.zeros(m)
        bi = np.zeros(m)
        dr = np.zeros(m)
        di = np.zeros(m)
        zr = np.zeros(max(n_noisy, 1) * BLOCK)
        zi = np.zeros(max(n_noisy, 1) * BLOCK)
        fbr = np.zeros(max(n_noisy, 1) * BLOCK, np.int64)
        fbi = np.zeros(max(n_noisy, 1) * BLOCK, np.int64)
        st = np.zeros((BLOCK, 4), np.uint64)
        alive = np.zeros(BLOCK, np.bool_)
        for b in range(BLOCK):
            t = blk * BLOCK + b
            if t < n_traj:
                alive[b] = True
                for l in range(n):
                    xr[pad + l * BLOCK + b] = x0r[t, l]
                    xi[pad + l * BLOCK + b] = x0i[t, l]
            s0, s1, s2, s3 = seed_state(uint64(seed), uint64(t))
            st[b, 0], st[b, 1], st[b, 2], st[b, 3] = s0, s1, s2, s3
        failed = False
        for step in range(n_steps):
            # noise increments; amplitude from the start of the step (Ito)
            for b in range(BLOCK):
                s0, s1, s2, s3 = st[b, 0], st[b, 1], st[b, 2], st[b, 3]
                nfail = 0
                for j in range(n_noisy):
                    k = uint64(j * BLOCK + b)
                    u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    b1 = int64(u >> uint64(32))
                    b2 = int64(u & uint64(0xFFFFFFFF))
                    iz = uint64(b1 & 255)
                    hz = (b1 >> 8) - 8388608
                    if abs(hz) < kn[iz]:
                        zr[k] = hz * wn[iz]
                    else:
                        zr[k] = np.nan
                        fbr[k] = b1
                        nfail += 1
                    iz = uint64(b2 & 255)
                    hz = (b2 >> 8) - 8388608
                    if abs(hz) < kn[iz]:
                        zi[k] = hz * wn[iz]
                    else:
                        zi[k] = np.nan
                        fbi[k] = b2
                        nfail += 1
                if nfail > 0:
                    s0, s1, s2, s3 = _fix_rejected(zr, zi, fbr, fbi, b, n_noisy, s0, s1, s2, s3, kn, wn, fn)
                st[b, 0], st[b, 1], st[b, 2], st[b, 3] = s0, s1, s2, s3
            for j in range(n_noisy):
                base = noisy[j] * BLOCK
                a = noisy_gain_slot[j]
                if a < 0:
                    amp = math.sqrt(var_th[j])
                    for b in range(BLOCK):
                        dr[uint64(base + b)] = amp * zr[uint64(j * BLOCK + b)]
                        di[uint64(base + b)] = amp * zi[uint64(j * BLOCK + b)]
                else:
                    g0 = 0.5 * dt * a_gr[a]
                    for b in range(BLOCK):
                        p = pad + base + b
                        occ = xr[p] * xr[p] + xi[p] * xi[p]
                        if a_gnu[a] == 2.0:
                            tg = 1.0 / (1.0 + occ / a_gn0[a])
                            v = var_th[j] + g0 * tg * tg
                        else:
                            v = var_th[j] + g0 * (1.0 + occ / a_gn0[a]) ** (-a_gnu[a])
                        amp = math.sqrt(v)
                        dr[base + b] = amp * zr[j * BLOCK + b]
                        di[base + b] = amp * zi[j * BLOCK + b]
            _drift(xr, xi, ar, ai, pad, boffs, coef, gh, dl,
                   act, a_gr, a_gn0, a_gnu, a_lr, a_ln0, a_lnu)
            for j in range(m):
                i = uint64(j)
                p = uint64(pad + j)
                yr[p] = xr[p] + dt * ar[i] + dr[i]
                yi[p] = xi[p] + dt * ai[i] + di[i]
            _drift(yr, yi, br, bi, pad, boffs, coef, gh, dl,
                   act, a_gr, a_gn0, a_gnu, a_lr, a_ln0, a_lnu)
            for j in range(m):
                i = uint64(j)
                p = uint64(pad + j)
                xr[p] += hdt * (ar[i] + br[i]) + dr[i]
                xi[p] += hdt * (ai[i] + bi[i]) + di[i]
            if (step & 255) == 255 or step == n_steps - 1:
                for b in range(BLOCK):
                    tot = 0.0
                    for l in range(n):
                        p = pad + l * BLOCK + b
                        tot += xr[p] * xr[p] + xi[p] * xi[p]
                    if alive[b] and not (tot < _DIVERGED):
                        status[blk * BLOCK + b] = step + 1
                        failed = True
                if failed:
                    break
            k = step + 1 - n_relax
            if k > 0 and k % sample_every == 0:
                ks = k // sample_every - 1
                tb = (ks * n_tblocks) // n_sample
                for b in range(BLOCK):
                    t = blk * BLOCK + b
                    if t >= n_traj:
                        continue
                    for q in range(nbond):
                        pi = pad + bond_i[q] * BLOCK + b
                        pj = pad + bond_j[q] * BLOCK + b
                        jq = bond_g[q] * (xr[pi] * xi[pj] - xi[pi] * xr[pj])
                        sJ[t, tb, q] += jq
                        sJ2[t, tb, q] += jq * jq
                    for l in range(n):
                        p = pad + l * BLOCK + b
                        occ = xr[p] * xr[p] + xi[p] * xi[p]
                        sN[t, tb, l] += occ
                        sN2[t, tb, l] += occ * occ
                    gbar = 0.0
                    for a in range(act.size):
                        p = pad + act[a] * BLOCK + b
                        occ = xr[p] * xr[p] + xi[p] * xi[p]
                        if a_gnu[a] == 2.0 and a_lnu[a] == 2.0:
                            tg = 1.0 / (1.0 + occ / a_gn0[a])
                            tl = 1.0 / (1.0 + occ / a_ln0[a])
                            gbar += a_lr[a] * tl * tl - a_gr[a] * tg * tg
                        else:
                            gbar += (a_lr[a] * (1.0 + occ / a_ln0[a]) ** (-a_lnu[a])
                                     - a_gr[a] * (1.0 + occ / a_gn0[a]) ** (-a_gnu[a]))
                    sG[t, tb] += gbar
                    sG2[t, tb] += gbar * gbar
                    if n_bins > 0:
                        for l in range(n):
                            p = pad + l * BLOCK + b
                            ux = (xr[p] / hist_scale + hist_lim) / (2.0 * hist_lim)
                            uy = (xi[p] / hist_scale + hist_lim) / (2.0 * hist_lim)
                            if 0.0 <= ux < 1.0 and 0.0 <= uy < 1.0:
                                hist[blk, l, int(ux * n_bins), int(uy * n_bins)] += 1
                    if t < n_rec:
                        for l in range(n):
                            p = pad + l * BLOCK + b
                            rec[t, ks, l] = complex(xr[p], xi[p])
        for b in range(BLOCK):
            t = blk * BLOCK + b
            if t < n_traj:
                for l in range(n):
                    p = pad + l * BLOCK + b
                    xfr[t, l] = xr[p]
                    xfi[t, l] = xi[p]
