"""Numba kernels of the stochastic engine (private; the Python layer is :mod:`pgrid.sde`).

Trajectories are integrated in blocks of ``BLOCK``.  The state of a block is a
flat array indexed ``site * BLOCK + b`` (b the trajectory inside the block),
padded with zeros on both sides, and the coupling is stored by diagonals
(``g[l, l + d]`` for every offset d that occurs): every pass over the block is
one long, branch-free loop that LLVM vectorises.  Per-site loops of only
``BLOCK`` iterations were tried and are slower (each pays the vectoriser's
run-time alias checks).  Hot loops index with unsigned integers (numba's
negative-index wraparound blocks vectorisation) and use
``error_model="numpy"`` (a division-by-zero check does the same).

A drift-Heun step is two passes (:func:`_heun2`), the predictor and the
corrector, each with the drift fused into the update; coupling diagonals beyond
the first two (grids) add one pass each (:func:`_far_coupling`), and so does the
imaginary part of a complex (flux-threaded) coupling (:func:`_imag_coupling`, only
then: real networks run exactly the real-coupling passes).

Every trajectory draws from its own xoshiro256++ stream seeded from
``(seed, trajectory index + segment * 2^40)``, its thermal start included, so its whole
history depends on (seed, index, segment) only; a continued run (segment + 1) draws fresh noise.  The lanes of a block advance their streams side
by side (:func:`_draw_noise`: the dependence distance is ``BLOCK``, so the loop
runs in SIMD lanes) and turn each draw into two normals with the branch-free
Box-Muller of :mod:`pgrid._rng`.  The block layout depends on ``n_traj`` only
and no operation mixes lanes, so results are bitwise identical for any number
of threads.
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit, prange, uint64

from ._layout import bond_current, bond_current_complex, point
from ._layout import saturable_rate as _rate
from ._rng import box_muller, next_u64, seed_state

BLOCK = (
    32  # trajectories per block (benchmarks/bench_sde_block.py, one thread): 16 is 1.7x slower for
)
# 2 sites, 1.3x for 4, 1.1x for 10; 64 is 8-15 % faster per trajectory but pads the common
# 32-trajectory runs to twice the work.  Changing it changes the arithmetic in the last bit
# (each lane still follows its trajectory's stream): short or stable runs agree to round-off,
# long runs near a transition, whose trajectories amplify round-off, within their errors.
_FASTMATH = {"contract", "arcp", "nsz"}  # no 'nnan'/'ninf': divergence checks rely on NaN
_DIVERGED = 1e30

#: Where the diffusion acts: ``noisy`` lists the sites with noise, ``var_th[j]`` = gamma n_th dt / 2
#: (variance per real quadrature and step) and ``gain_slot[j]`` the active-site slot whose gain adds
#: Gamma(alpha) dt / 2, or -1.
Noise = namedtuple("Noise", "noisy var_th gain_slot")

#: The run: time step, relaxation steps, samples, steps per sample, time blocks, seed and segment
#: (trajectory t uses stream t + segment * 2^40 of seed: a continued run draws fresh noise), histogram
#: scale and half-width (no histogram: zero bins in ``Output.hist``), recorded trajectories, and
#: whether the start is thermal (drawn in the kernel from each trajectory's stream, site l with
#: ``start_scale[l]`` per quadrature) or ``x0``.
Run = namedtuple(
    "Run",
    "dt n_relax n_sample sample_every n_tblocks seed segment hist_scale hist_lim n_rec "
    "thermal_start start_scale",
)

#: Output arrays of :func:`run_sde`: per (trajectory, time block) sums of J, J^2 (per bond), n, n^2
#: (per site) and the order parameter and its square; the histogram per block of BLOCK trajectories; the records;
#: ``status[t]`` > 0, the step at which trajectory t diverged; the final state.
Output = namedtuple("Output", "sJ sJ2 sN sN2 sG sG2 hist rec status xfr xfi")


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _far_coupling(xr, xi, er, ei, pad, offs, coef):
    """Drift from the coupling diagonals beyond the first two (grids): e = (i/2) sum g x_m.

    One pass per diagonal; :func:`_heun2` adds e to the rest of the drift.
    Not called for chains and rings, whose e stays zero.
    """
    m = er.size
    for d in range(2, offs.size):
        c = coef[d]
        o = pad + offs[d]
        first = d == 2
        for j in range(m):
            i = uint64(j)
            q = uint64(o + j)
            er[i] = (0.0 if first else er[i]) - c[i] * xi[q]
            ei[i] = (0.0 if first else ei[i]) + c[i] * xr[q]


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _imag_coupling(xr, xi, er, ei, pad, offs, coef_im, accumulate):
    """Drift from the imaginary part of a complex coupling: e (+)= (i/2) sum (i Im g) x_m = -sum c_im x_m.

    Every diagonal; ``accumulate``: add to e (the far diagonals already wrote it this pass),
    else overwrite it.  Called only for a complex coupling.
    """
    m = er.size
    for d in range(offs.size):
        c = coef_im[d]
        o = pad + offs[d]
        first = d == 0 and not accumulate
        for j in range(m):
            i = uint64(j)
            q = uint64(o + j)
            er[i] = (0.0 if first else er[i]) - c[i] * xr[q]
            ei[i] = (0.0 if first else ei[i]) - c[i] * xi[q]


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _saturation(xr, xi, pad, diag, m):
    """diag = -gamma/2 + (Gamma_g(|x|^2) - Gamma_l(|x|^2))/2 on the active sites' lanes (``m``: the Model)."""
    act = m.act
    for a in range(act.size):
        base = act[a] * BLOCK
        gr, gn0, gnu = m.gr[a], m.gn0[a], m.gnu[a]
        lr, ln0, lnu = m.lr[a], m.ln0[a], m.lnu[a]
        g = m.gh[act[a]]
        for b in range(BLOCK):
            i = uint64(base + b)
            p = uint64(pad + base + b)
            occ = xr[p] * xr[p] + xi[p] * xi[p]
            diag[i] = 0.5 * (_rate(occ, gr, gn0, gnu) - _rate(occ, lr, ln0, lnu)) - g


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _draw_noise(S0, S1, S2, S3, amp, zr, zi):
    """Gaussian increments ``amp[k]`` (z1, z2) for every element k of zr, zi.

    Element k is draw k // BLOCK of lane k % BLOCK.

    ``S*[k]`` hold lane k % BLOCK's xoshiro256++ state before its draw k // BLOCK
    and receive the next state at k + BLOCK, so every lane follows its own
    stream while the loop runs in SIMD lanes (the dependence distance is BLOCK).
    The final states are copied back to the first BLOCK entries.
    """
    m = zr.size
    for k in range(m):
        i = uint64(k)
        o = uint64(k + BLOCK)
        u, S0[o], S1[o], S2[o], S3[o] = next_u64(S0[i], S1[i], S2[i], S3[i])
        z1, z2 = box_muller(u)
        zr[i] = amp[i] * z1
        zi[i] = amp[i] * z2
    for b in range(BLOCK):
        S0[b], S1[b], S2[b], S3[b] = S0[m + b], S1[m + b], S2[m + b], S3[m + b]


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _heun2(x, y, w, d, e, pad, offs, coef, diag, dl, dt, corrector):
    """One pass of the drift-Heun step: the drift a(x) fused with the update.

    a = (diag - i dl) x + (i/2) sum_m g x_m over the first two coupling diagonals,
    plus (er, ei) from :func:`_far_coupling`.  ``diag`` holds -gamma/2 and, on the
    active sites, the saturable (Gamma_g - Gamma_l)/2 (:func:`_saturation`).
    Predictor (``corrector`` False): y = x + dt a(x) + dW and w = x + dt/2 a(x) + dW.
    Corrector: y <- w + dt/2 a(y) (called with the predictor as x and x as y).
    Each of x, y, w, d (the noise increment), e is a pair (real, imaginary part).
    """
    xr, xi = x
    yr, yi = y
    wr, wi = w
    dr, di = d
    er, ei = e
    m = wr.size
    c0 = coef[0]
    c1 = coef[1]
    o0 = pad + offs[0]
    o1 = pad + offs[1]
    hdt = 0.5 * dt
    for j in range(m):
        i = uint64(j)
        p = uint64(pad + j)
        q0 = uint64(o0 + j)
        q1 = uint64(o1 + j)
        ar = diag[i] * xr[p] + dl[i] * xi[p] - c0[i] * xi[q0] - c1[i] * xi[q1] + er[i]
        ai = diag[i] * xi[p] - dl[i] * xr[p] + c0[i] * xr[q0] + c1[i] * xr[q1] + ei[i]
        if corrector:  # loop-invariant: LLVM unswitches it into two vector loops
            yr[p] = wr[i] + hdt * ar
            yi[p] = wi[i] + hdt * ai
        else:
            yr[p] = xr[p] + dt * ar + dr[i]
            yi[p] = xi[p] + dt * ai + di[i]
            wr[i] = xr[p] + hdt * ar + dr[i]
            wi[i] = xi[p] + hdt * ai + di[i]


@njit(cache=True)
def _flush(blk, tb, n_traj, acc, out):
    """Add a block's sums ``acc`` over time block ``tb`` to the per-trajectory outputs and reset them."""
    accJ, accJ2, accN, accN2, accG, accG2 = acc
    sJ, sJ2, sN, sN2, sG, sG2 = out.sJ, out.sJ2, out.sN, out.sN2, out.sG, out.sG2
    nbond = sJ.shape[2]
    n = sN.shape[2]
    for b in range(BLOCK):
        t = blk * BLOCK + b
        if t >= n_traj:
            continue
        for q in range(nbond):
            sJ[t, tb, q] += accJ[q * BLOCK + b]
            sJ2[t, tb, q] += accJ2[q * BLOCK + b]
        for l in range(n):
            sN[t, tb, l] += accN[l * BLOCK + b]
            sN2[t, tb, l] += accN2[l * BLOCK + b]
        sG[t, tb] += accG[b]
        sG2[t, tb] += accG2[b]
    accJ[:] = 0.0
    accJ2[:] = 0.0
    accN[:] = 0.0
    accN2[:] = 0.0
    accG[:] = 0.0
    accG2[:] = 0.0


@njit(parallel=True, cache=True, fastmath=_FASTMATH, error_model="numpy", nogil=True)
def run_sde(n_traj, x0r, x0i, lay, noise, run, out):
    """Drift-Heun integration of the Ito SDEs (Eqs. 3-5 generalised), streaming statistics.

    ``lay`` is the network's :data:`~pgrid._layout.Layout` (one point), ``noise`` a
    :data:`Noise`, ``run`` a :data:`Run`, ``out`` the :data:`Output` arrays (per trajectory
    and time block; ``hist`` per block; ``status[t]`` > 0 is the step at which t diverged).
    """
    mdl = point(lay, 0)
    offs, coef_site, det, ghalf, act = mdl.offs, mdl.coef, mdl.det, mdl.gh, mdl.act
    a_gr, a_gn0, a_gnu = mdl.gr, mdl.gn0, mdl.gnu
    bond_i, bond_j, bond_g, bond_gi, cplx = (
        lay.bond_i,
        lay.bond_j,
        lay.bond_g,
        lay.bond_gi,
        lay.cplx,
    )
    noisy, var_th, noisy_gain_slot = noise
    dt, n_relax, n_sample, sample_every, n_tblocks = (
        run.dt,
        run.n_relax,
        run.n_sample,
        run.sample_every,
        run.n_tblocks,
    )
    seed, segment, hist_scale, hist_lim, n_rec = (
        run.seed,
        run.segment,
        run.hist_scale,
        run.hist_lim,
        run.n_rec,
    )
    thermal_start = run.thermal_start
    start_scale = run.start_scale
    hist, rec, status, xfr, xfi = out.hist, out.rec, out.status, out.xfr, out.xfi
    n = x0r.shape[1]
    m = n * BLOCK
    nd = offs.size
    maxo = 0
    for d in range(nd):
        maxo = max(maxo, abs(offs[d]))
    pad = maxo * BLOCK
    ndc = max(nd, 2)  # missing diagonals: offset 0, coefficient 0
    boffs = np.zeros(ndc, np.int64)
    boffs[:nd] = offs * BLOCK
    coef = np.zeros((ndc, m))
    coef_im = np.zeros((ndc, m))  # imaginary parts (a flux); used only when cplx
    gh = np.zeros(m)
    dl = np.zeros(m)
    for l in range(n):
        for b in range(BLOCK):
            gh[l * BLOCK + b] = ghalf[l]
            dl[l * BLOCK + b] = det[l]
            for d in range(nd):
                coef[d, l * BLOCK + b] = coef_site[d, l]
                coef_im[d, l * BLOCK + b] = mdl.coef_im[d, l]
    nbond = bond_i.size
    n_noisy = noisy.size
    mz = max(n_noisy, 1) * BLOCK
    dense = n_noisy == n  # every site noisy: draw straight into the increments
    for j in range(n_noisy):
        dense = dense and noisy[j] == j
    zamp = np.zeros(mz)  # noise amplitude per draw; gain sites' entries set every step
    for j in range(n_noisy):
        for b in range(BLOCK):
            zamp[j * BLOCK + b] = math.sqrt(var_th[j])
    n_blocks = (n_traj + BLOCK - 1) // BLOCK
    n_bins = hist.shape[2]
    n_steps = n_relax + n_sample * sample_every
    for blk in prange(n_blocks):
        xr = np.zeros(m + 2 * pad)
        xi = np.zeros(m + 2 * pad)
        yr = np.zeros(m + 2 * pad)  # predictor
        yi = np.zeros(m + 2 * pad)
        wr = np.zeros(m)  # x + dt/2 a(x) + noise; the corrector adds dt/2 a(y)
        wi = np.zeros(m)
        er = np.zeros(m)  # drift from the far diagonals (grids)
        ei = np.zeros(m)
        dr = np.zeros(m)
        di = np.zeros(m)
        diag = -gh  # on-site rate, saturable terms filled in per evaluation
        zr = dr if dense else np.zeros(mz)
        zi = di if dense else np.zeros(mz)
        amp = zamp.copy()
        S0 = np.zeros(mz + BLOCK, np.uint64)
        S1 = np.zeros(mz + BLOCK, np.uint64)
        S2 = np.zeros(mz + BLOCK, np.uint64)
        S3 = np.zeros(mz + BLOCK, np.uint64)
        alive = np.zeros(BLOCK, np.bool_)
        accJ = np.zeros(nbond * BLOCK)  # sums over the current time block, per (bond, lane) ...
        accJ2 = np.zeros(nbond * BLOCK)
        accN = np.zeros(m)  # ... per (site, lane) ...
        accN2 = np.zeros(m)
        accG = np.zeros(BLOCK)  # ... and per lane
        accG2 = np.zeros(BLOCK)
        gbar = np.zeros(BLOCK)
        cur_tb = np.int64(0)  # not a literal: one compiled _flush
        for b in range(BLOCK):
            t = blk * BLOCK + b
            s0, s1, s2, s3 = seed_state(uint64(seed), uint64(t) + (uint64(segment) << uint64(40)))
            if t < n_traj:
                alive[b] = True
                for l in range(n):
                    if thermal_start:  # from the trajectory's own stream: depends on (seed, t) only
                        u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                        z1, z2 = box_muller(u)
                        xr[pad + l * BLOCK + b] = start_scale[l] * z1
                        xi[pad + l * BLOCK + b] = start_scale[l] * z2
                    else:
                        xr[pad + l * BLOCK + b] = x0r[t, l]
                        xi[pad + l * BLOCK + b] = x0i[t, l]
            S0[b], S1[b], S2[b], S3[b] = s0, s1, s2, s3
        # the pairs _heun2 and _flush take, built once (a tuple of arrays costs two atomic
        # reference counts per array: per step that was 30 % of a small chain's time)
        X = (xr, xi)
        Y = (yr, yi)
        W = (wr, wi)
        D = (dr, di)
        E = (er, ei)
        acc = (accJ, accJ2, accN, accN2, accG, accG2)
        failed = False
        for step in range(n_steps):
            # noise increments; amplitude from the start of the step (Ito)
            for j in range(n_noisy):
                a = noisy_gain_slot[j]
                if a >= 0:
                    base = pad + noisy[j] * BLOCK
                    g0 = 0.5 * dt * a_gr[a]
                    n0 = a_gn0[a]
                    nu = a_gnu[a]
                    v0 = var_th[j]
                    for b in range(BLOCK):
                        p = uint64(base + b)
                        occ = xr[p] * xr[p] + xi[p] * xi[p]
                        amp[uint64(j * BLOCK + b)] = math.sqrt(v0 + _rate(occ, g0, n0, nu))
            if n_noisy > 0:
                _draw_noise(S0, S1, S2, S3, amp, zr, zi)
            if not dense:
                for j in range(n_noisy):
                    base = noisy[j] * BLOCK
                    for b in range(BLOCK):
                        dr[uint64(base + b)] = zr[uint64(j * BLOCK + b)]
                        di[uint64(base + b)] = zi[uint64(j * BLOCK + b)]
            _saturation(xr, xi, pad, diag, mdl)
            # predictor y = x + dt a(x) + dW, w = x + dt/2 a(x) + dW; corrector x' = w + dt/2 a(y)
            if nd > 2:
                _far_coupling(xr, xi, er, ei, pad, boffs, coef)
            if cplx:
                _imag_coupling(xr, xi, er, ei, pad, boffs, coef_im, nd > 2)
            _heun2(X, Y, W, D, E, pad, boffs, coef, diag, dl, dt, False)
            _saturation(yr, yi, pad, diag, mdl)
            if nd > 2:
                _far_coupling(yr, yi, er, ei, pad, boffs, coef)
            if cplx:
                _imag_coupling(yr, yi, er, ei, pad, boffs, coef_im, nd > 2)
            _heun2(Y, X, W, D, E, pad, boffs, coef, diag, dl, dt, True)
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
                if tb != cur_tb:
                    _flush(blk, cur_tb, n_traj, acc, out)
                    cur_tb = tb
                # sums per (bond or site, lane) in SIMD lanes; flushed per time block
                for q in range(nbond):
                    bi = pad + bond_i[q] * BLOCK
                    bj = pad + bond_j[q] * BLOCK
                    g = bond_g[q]
                    gi = bond_gi[q]
                    for b in range(BLOCK):
                        pi = uint64(bi + b)
                        pj = uint64(bj + b)
                        if cplx:
                            jq = bond_current_complex(xr[pi], xi[pi], xr[pj], xi[pj], g, gi)
                        else:
                            jq = bond_current(xr[pi], xi[pi], xr[pj], xi[pj], g)
                        accJ[uint64(q * BLOCK + b)] += jq
                        accJ2[uint64(q * BLOCK + b)] += jq * jq
                for j in range(m):
                    i = uint64(j)
                    p = uint64(pad + j)
                    occ = xr[p] * xr[p] + xi[p] * xi[p]
                    accN[i] += occ
                    accN2[i] += occ * occ
                gbar[:] = 0.0
                for a in range(act.size):
                    base = pad + act[a] * BLOCK
                    gr, gn0, gnu = mdl.gr[a], mdl.gn0[a], mdl.gnu[a]
                    lr, ln0, lnu = mdl.lr[a], mdl.ln0[a], mdl.lnu[a]
                    for b in range(BLOCK):
                        p = uint64(base + b)
                        occ = xr[p] * xr[p] + xi[p] * xi[p]
                        gbar[b] += _rate(occ, lr, ln0, lnu) - _rate(occ, gr, gn0, gnu)
                for b in range(BLOCK):
                    accG[b] += gbar[b]
                    accG2[b] += gbar[b] * gbar[b]
                if n_bins > 0 or blk * BLOCK < n_rec:
                    for b in range(BLOCK):
                        t = blk * BLOCK + b
                        if t >= n_traj:
                            continue
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
        _flush(blk, cur_tb, n_traj, acc, out)
        for b in range(BLOCK):
            t = blk * BLOCK + b
            if t < n_traj:
                for l in range(n):
                    p = pad + l * BLOCK + b
                    xfr[t, l] = xr[p]
                    xfi[t, l] = xi[p]
