"""Numba kernels of the deterministic solver (private; see :mod:`pgrid.deterministic`).

Many parameter points sharing one coupling matrix are solved in parallel
(``prange`` over points, or over continuation paths).  A point is integrated
with classical RK4 on the noiseless equations of motion (optionally with weak
additive noise at the start) until its occupations and bond currents stop
changing; the last check window provides time averages, minima and maxima for
states that never become stationary.  Stationary states are then refined by
Newton's method in the co-rotating frame (unknowns: amplitudes and rotation
frequency, gauge Im alpha_r = 0 on the largest site), and their linear
stability is read off the Jacobian's eigenvalues.

Along a continuation path each point starts from the previous point's
solution: Newton first, and if it converges to a linearly stable state the
point is done; otherwise the point is integrated from the previous state.
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit, prange, uint64

from ._layout import bond_current, bond_current_complex, point, saturable_rate_derivative
from ._rng import KICK_STREAM as _KICK_STREAM
from ._rng import ZIG_F as _F
from ._rng import ZIG_K as _K  # frozen into the kernels as constants
from ._rng import ZIG_W as _W
from ._rng import normal_pair, seed_state

#: The convergence settings of :func:`solve_many` (built by :mod:`pgrid.deterministic` from a
#: :class:`pgrid.Convergence`; see its fields): dt, check_steps and max_checks (RK4 step, steps per
#: check window, windows), tol, slow_approach and newton_match (stationarity), newton_tol and
#: newton_iter (Newton), growth_tol (stability verdict), kick, max_kicks and left_fixed_point (the
#: invariant-subspace test), n_noise_steps and seed (weak-noise protocol: steps with noise, streams).
Settings = namedtuple(
    "Settings",
    "dt check_steps max_checks tol slow_approach newton_match newton_tol "
    "newton_iter growth_tol kick max_kicks left_fixed_point n_noise_steps seed",
)

#: Per-point output arrays of :func:`solve_many` (leading axis: the point).  ``clock`` (P, 2) is
#: written while a point runs, for a progress bar read by another thread: the time integrated in
#: the current run (it restarts after a kick) and the phase (:data:`PHASE_INTEGRATING`, ...).
Outcome = namedtuple(
    "Outcome",
    "xfr xfi stationary omega t_end j_mean j_min j_max occ_mean diverged growth kicks clock",
)

PHASE_WAITING, PHASE_INTEGRATING, PHASE_EIGENVALUES, PHASE_DONE = 0.0, 1.0, 2.0, 3.0

_ZERO_OCC = 1e-24  # occupations below this count as the zero state (stationarity checks)
_DIVERGED = 1e200  # an occupation above this is a blow-up


@njit(cache=True, inline="always")
def _rates(occ, m, a):
    """c(n) = (Gamma_g(n) - Gamma_l(n)) / 2 and its derivative dc/dn at active site slot ``a``."""
    fg, dg = saturable_rate_derivative(occ, m.gr[a], m.gn0[a], m.gnu[a])
    fl, dl = saturable_rate_derivative(occ, m.lr[a], m.ln0[a], m.lnu[a])
    return 0.5 * (fg - fl), 0.5 * (dg - dl)


@njit(cache=True, inline="always")
def _current(xr, xi, i, j, g, gi, cplx):
    """Current on bond (i, j): ``g Im(conj(a_i) a_j)``, plus ``gi Re(conj(a_i) a_j)`` for complex hopping."""
    if cplx:
        return bond_current_complex(xr[i], xi[i], xr[j], xi[j], g, gi)
    return bond_current(xr[i], xi[i], xr[j], xi[j], g)


@njit(cache=True)
def _rhs(xr, xi, fr, fi, m):
    """The drift (fr, fi) at (xr, xi) for the Model ``m``.

    Hopping: (i/2) sum_m g_lm alpha_m, with g_lm/2 = coef + i coef_im (coef_im only for a
    complex coupling, ``m.cplx``: real networks run exactly the real-coupling instructions).
    """
    n = xr.size
    gh, det, offs, coef, act = m.gh, m.det, m.offs, m.coef, m.act
    for l in range(n):
        fr[l] = -gh[l] * xr[l] + det[l] * xi[l]
        fi[l] = -gh[l] * xi[l] - det[l] * xr[l]
    for d in range(offs.size):
        o = offs[d]
        for l in range(max(0, -o), min(n, n - o)):
            c = coef[d, l]
            fr[l] -= c * xi[l + o]
            fi[l] += c * xr[l + o]
    if m.cplx:  # i (i c_im) alpha = -c_im alpha
        coef_im = m.coef_im
        for d in range(offs.size):
            o = offs[d]
            for l in range(max(0, -o), min(n, n - o)):
                c = coef_im[d, l]
                fr[l] -= c * xr[l + o]
                fi[l] -= c * xi[l + o]
    for a in range(act.size):
        s = act[a]
        c, _ = _rates(xr[s] * xr[s] + xi[s] * xi[s], m, a)
        fr[s] += c * xr[s]
        fi[s] += c * xi[s]


@njit(cache=True)
def jacobian_into(jac, xr, xi, omega, m):
    """Real Jacobian (2N x 2N; Re alpha then Im alpha) of the drift + i omega alpha."""
    n = xr.size
    gh, det, offs, coef, act = m.gh, m.det, m.offs, m.coef, m.act
    jac[:, :] = 0.0
    for l in range(n):
        # Re A = -gamma/2 (+ c below); Im A = g/2 - Delta + omega
        jac[l, l] = -gh[l]
        jac[n + l, n + l] = -gh[l]
        jac[l, n + l] = det[l] - omega
        jac[n + l, l] = -det[l] + omega
    for d in range(offs.size):
        o = offs[d]
        for l in range(max(0, -o), min(n, n - o)):
            c = coef[d, l]
            jac[l, n + l + o] -= c
            jac[n + l, l + o] += c
    if m.cplx:
        coef_im = m.coef_im
        for d in range(offs.size):
            o = offs[d]
            for l in range(max(0, -o), min(n, n - o)):
                c = coef_im[d, l]
                jac[l, l + o] -= c
                jac[n + l, n + l + o] -= c
    for a in range(act.size):
        s = act[a]
        x, y = xr[s], xi[s]
        c, dc = _rates(x * x + y * y, m, a)
        jac[s, s] += c + 2.0 * dc * x * x
        jac[s, n + s] += 2.0 * dc * y * x
        jac[n + s, s] += 2.0 * dc * x * y
        jac[n + s, n + s] += c + 2.0 * dc * y * y


@njit(cache=True)
def _residual(xr, xi, omega, r, fr, fi, res, m):
    n = xr.size
    _rhs(xr, xi, fr, fi, m)
    worst = 0.0
    for l in range(n):
        res[l] = fr[l] - omega * xi[l]
        res[n + l] = fi[l] + omega * xr[l]
        worst = max(worst, abs(res[l]), abs(res[n + l]))
    res[2 * n] = xi[r]
    return worst


@njit(cache=True)
def _lu_solve(a, b):
    """x with a x = b by Gaussian elimination with partial pivoting (``a`` and ``b`` are overwritten).

    Written out rather than LAPACK's ``gesv``: LAPACK's blocked factorisation orders its operations
    by the BLAS kernel the CPU selects, so the solution's last bits, and with them a continuation path
    in a multistable or chaotic region, would depend on the machine.  Here every operation is fixed
    (ties in the pivot search go to the first row), so Newton gives the same bits on every CPU.  A
    zero pivot (a singular system) gives NaN.
    """
    n = b.size
    for k in range(n):
        piv = k
        big = abs(a[k, k])
        for i in range(k + 1, n):
            if abs(a[i, k]) > big:
                big = abs(a[i, k])
                piv = i
        if big == 0.0:
            b[:] = np.nan
            return b
        if piv != k:
            for j in range(n):
                t = a[k, j]
                a[k, j] = a[piv, j]
                a[piv, j] = t
            t = b[k]
            b[k] = b[piv]
            b[piv] = t
        inv = 1.0 / a[k, k]
        for i in range(k + 1, n):
            f = a[i, k] * inv
            if f != 0.0:
                for j in range(k + 1, n):
                    a[i, j] -= f * a[k, j]
                b[i] -= f * b[k]
    for k in range(n - 1, -1, -1):
        acc = b[k]
        for j in range(k + 1, n):
            acc -= a[k, j] * b[j]
        b[k] = acc / a[k, k]
    return b


@njit(cache=True)
def newton(xr, xi, omega, tol, max_iter, m):
    """Refine a rotating steady state in place; returns (converged, omega, residual)."""
    n = xr.size
    r = np.int64(0)  # not a literal: one compiled _residual
    big = 0.0
    for l in range(n):
        o = xr[l] * xr[l] + xi[l] * xi[l]
        if o > big:
            big = o
            r = l
    if big < 1e-30:
        return False, omega, 0.0
    # gauge: rotate so that alpha_r is real and positive
    ph_c = xr[r] / math.sqrt(big)
    ph_s = -xi[r] / math.sqrt(big)
    for l in range(n):
        a, b = xr[l], xi[l]
        xr[l] = a * ph_c - b * ph_s
        xi[l] = a * ph_s + b * ph_c
    xi[r] = 0.0
    scale = max(1.0, math.sqrt(big))
    fr = np.zeros(n)
    fi = np.zeros(n)
    res = np.zeros(2 * n + 1)
    jac = np.zeros((2 * n + 1, 2 * n + 1))
    sub = np.zeros((2 * n, 2 * n))
    tr = np.zeros(n)
    ti = np.zeros(n)
    worst = _residual(xr, xi, omega, r, fr, fi, res, m)
    for _it in range(max_iter):
        if worst < tol * scale:
            return True, omega, worst
        jacobian_into(sub, xr, xi, omega, m)
        jac[:, :] = 0.0
        jac[: 2 * n, : 2 * n] = sub
        for l in range(n):
            jac[l, 2 * n] = -xi[l]
            jac[n + l, 2 * n] = xr[l]
        jac[2 * n, n + r] = 1.0
        step = _lu_solve(jac, -res)  # own elimination: the same bits on every CPU
        if not np.all(np.isfinite(step)):
            return False, omega, worst
        lam = 1.0
        for _ in range(8):  # damped Newton: accept the first step that lowers the residual
            for l in range(n):
                tr[l] = xr[l] + lam * step[l]
                ti[l] = xi[l] + lam * step[n + l]
            w_new = omega + lam * step[2 * n]
            new = _residual(tr, ti, w_new, r, fr, fi, res, m)
            if new < worst or lam < 0.01:
                break
            lam *= 0.5
        xr[:] = tr
        xi[:] = ti
        omega = w_new
        worst = new
    return worst < tol * scale, omega, worst


@njit(cache=True)
def _phase_free_eig(xr, xi, omega, m):
    """Jacobian eigenvalues with the global-phase zero mode removed, by decreasing real part,
    and the (complex, 2N) eigenvector of the first one.

    The dropped eigenvalue is the one whose eigenvector overlaps most with the phase
    mode (-Im alpha, Re alpha), penalised by |lambda| (robust near other soft modes).  Nothing
    is dropped at a zero state, recognised by the phase mode not being a zero mode (not by
    alpha == 0: a zero state reached by integration has amplitudes of ~1e-16).
    """
    n = xr.size
    jac = np.zeros((2 * n, 2 * n))
    jacobian_into(jac, xr, xi, omega, m)
    lam, vec = np.linalg.eig(jac.astype(np.complex128))
    norm = 0.0
    for l in range(n):
        norm += xr[l] * xr[l] + xi[l] * xi[l]
    drop = -1
    # the phase mode v0 = (-Im alpha, Re alpha) is a zero mode of a non-zero rotating state
    # (J v0 = 0 to round-off); at a zero state (amplitudes ~1e-16) there is none to drop
    jv = 0.0
    jmax = 0.0
    for a in range(2 * n):
        acc = 0.0
        for l in range(n):
            acc += -jac[a, l] * xi[l] + jac[a, n + l] * xr[l]
        jv += acc * acc
        for b in range(2 * n):
            jmax = max(jmax, abs(jac[a, b]))
    if norm > 0.0 and math.sqrt(jv) <= 1e-6 * jmax * math.sqrt(norm):
        norm = math.sqrt(norm)
        best = -np.inf
        drop = 0
        for k in range(lam.size):
            dot = 0.0j
            vn = 0.0
            for l in range(n):
                dot += -xi[l] * vec[l, k] + xr[l] * vec[n + l, k]
                vn += abs(vec[l, k]) ** 2 + abs(vec[n + l, k]) ** 2
            score = abs(dot) / (norm * math.sqrt(vn)) - abs(lam[k])
            if score > best:
                best = score
                drop = k
    m_keep = lam.size - 1 if drop >= 0 else lam.size
    keep = np.empty(m_keep, np.complex128)
    idx = np.empty(m_keep, np.int64)
    cnt = 0
    for k in range(lam.size):
        if k != drop:
            keep[cnt] = lam[k]
            idx[cnt] = k
            cnt += 1
    order = np.argsort(-keep.real)
    return keep[order], vec[:, idx[order[0]]].copy()


@njit(cache=True)
def phase_free_eigenvalues(xr, xi, omega, m):
    """Jacobian eigenvalues with the global-phase zero mode removed, by decreasing real part."""
    return _phase_free_eig(xr, xi, omega, m)[0]


@njit(cache=True)
def max_growth(xr, xi, omega, m):
    """Largest real part of the Jacobian's eigenvalues, the phase zero mode removed."""
    return phase_free_eigenvalues(xr, xi, omega, m)[0].real


@njit(cache=True)
def _kick_unstable(xr, xi, omega, size, m):
    """Displace a fixed point (in place) along its most unstable mode.

    The direction lies in the mode's real invariant plane (:func:`_kick_direction`: the same on
    every machine); it is scaled so that the largest displacement of one amplitude is ``size``
    times the largest amplitude (``size`` absolute for the zero state).
    """
    n = xr.size
    d = _kick_direction(_phase_free_eig(xr, xi, omega, m)[1])
    big = 0.0
    vmax = 0.0
    for l in range(n):
        big = max(big, xr[l] * xr[l] + xi[l] * xi[l])
        vmax = max(vmax, math.sqrt(d[l] * d[l] + d[n + l] * d[n + l]))
    amp = size * (math.sqrt(big) if big > 1e-20 else 1.0) / vmax
    for l in range(n):
        xr[l] += amp * d[l]
        xi[l] += amp * d[n + l]


@njit(cache=True)
def _kick_random(xr, xi, size, rng):
    """Displace a state (in place) by a complex Gaussian vector from the stream ``rng`` (returned
    advanced), its largest component ``size`` times the largest amplitude (``size`` absolute for
    the zero state): every symmetry of the network broken, the same on every machine."""
    n = xr.size
    s0, s1, s2, s3 = rng
    dr = np.empty(n)
    di = np.empty(n)
    big = 0.0
    vmax = 0.0
    for l in range(n):
        z1, z2, s0, s1, s2, s3 = normal_pair(s0, s1, s2, s3, _K, _W, _F)
        dr[l] = z1
        di[l] = z2
        big = max(big, xr[l] * xr[l] + xi[l] * xi[l])
        vmax = max(vmax, math.sqrt(z1 * z1 + z2 * z2))
    amp = size * (math.sqrt(big) if big > 1e-20 else 1.0) / vmax
    for l in range(n):
        xr[l] += amp * dr[l]
        xi[l] += amp * di[l]
    return s0, s1, s2, s3


@njit(cache=True)
def _kick_direction(vec):
    """A real direction in the invariant plane of the complex eigenvector ``vec``, fixed by the mode
    and not by how LAPACK happened to normalise it.

    LAPACK returns an eigenvector times an arbitrary phase (its largest component made real: on a
    mirror-symmetric network two components tie, and the CPU's round-off picks one).  The direction
    is the real part of ``vec e^{-i theta}`` with ``theta = arg(sum v_k^2) / 2`` (the plane's major
    axis), its sign such that a fixed generic weighting of the components is positive, rounded to
    2^-30 of its largest component: machine round-off in the eigenvector (~1e-15) leaves it, and
    the kicked trajectory, bit for bit the same (unless the plane is circular, sum v_k^2 = 0, where
    every direction in it is the mode's and round-off picks one).
    """
    k2 = vec.size
    s = 0.0j
    for k in range(k2):
        s += vec[k] * vec[k]
    rot = np.exp(-0.5j * np.angle(s)) if abs(s) > 0.0 else 1.0 + 0.0j
    d = np.empty(k2)
    sign = 0.0
    dmax = 0.0
    for k in range(k2):
        d[k] = (vec[k] * rot).real
        sign += d[k] * (1.0 + math.sqrt(k + 2.0))  # generic weights: no symmetry makes it vanish
        dmax = max(dmax, abs(d[k]))
    if dmax == 0.0:
        return d
    scale = (1.0 if sign >= 0.0 else -1.0) / dmax
    for k in range(k2):
        d[k] = math.floor(d[k] * scale * 1073741824.0 + 0.5) / 1073741824.0
    return d


@njit(cache=True)
def _rk4_work(n):
    """Work space of :func:`_rk4_step`: the four stages (re, im) and the trial state."""
    return (
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
    )


@njit(cache=True)
def _rk4_step(xr, xi, dt, omega, work, m):
    """One RK4 step in place, in the frame rotating at ``omega`` (0: the lab frame).

    In the rotating frame a rotating steady state is an exact fixed point of the step.
    ``work`` is caller-provided work space (:func:`_rk4_work`).
    """
    k1r, k1i, k2r, k2i, k3r, k3i, k4r, k4i, tr, ti = work
    n = xr.size
    _rhs(xr, xi, k1r, k1i, m)
    for l in range(n):
        k1r[l] -= omega * xi[l]
        k1i[l] += omega * xr[l]
        tr[l] = xr[l] + 0.5 * dt * k1r[l]
        ti[l] = xi[l] + 0.5 * dt * k1i[l]
    _rhs(tr, ti, k2r, k2i, m)
    for l in range(n):
        k2r[l] -= omega * ti[l]
        k2i[l] += omega * tr[l]
    for l in range(n):
        tr[l] = xr[l] + 0.5 * dt * k2r[l]
        ti[l] = xi[l] + 0.5 * dt * k2i[l]
    _rhs(tr, ti, k3r, k3i, m)
    for l in range(n):
        k3r[l] -= omega * ti[l]
        k3i[l] += omega * tr[l]
    for l in range(n):
        tr[l] = xr[l] + dt * k3r[l]
        ti[l] = xi[l] + dt * k3i[l]
    _rhs(tr, ti, k4r, k4i, m)
    for l in range(n):
        k4r[l] -= omega * ti[l]
        k4i[l] += omega * tr[l]
    for l in range(n):
        xr[l] += dt / 6.0 * (k1r[l] + 2.0 * k2r[l] + 2.0 * k3r[l] + k4r[l])
        xi[l] += dt / 6.0 * (k1i[l] + 2.0 * k2i[l] + 2.0 * k3i[l] + k4i[l])


@njit(cache=True)
def _integrate_point(xr, xi, m, lay, s, noise_var, n_noise_steps, rng, window, clock):
    """RK4 from (xr, xi) in place; returns (converged, diverged, steps).

    Converged: occupations and currents changed by less than ``s.tol`` times the
    largest occupation over two consecutive check windows, or (slow approach to a
    weakly damped state) the changes fell below ``s.slow_approach`` of it and Newton's
    method from the current state finds a nearby (occupations within ``s.newton_match``
    of it), linearly stable rotating state (largest growth rate below ``-s.growth_tol``),
    which then replaces the current state.  Newton attempts back off exponentially.  A
    converged state may still be unstable (an invariant subspace): the caller tests its
    stability.  ``rng`` is the noise stream's state, ``window`` the arrays (jsum, jlo,
    jhi, osum) that receive the last check window's current mean, minimum, maximum and
    occupation mean, ``clock`` the point's row of ``Outcome.clock`` (progress, written only).
    """
    jsum, jlo, jhi, osum = window
    s0, s1, s2, s3 = rng
    bond_i, bond_j, bond_g, bond_gi, cplx = (
        lay.bond_i,
        lay.bond_j,
        lay.bond_g,
        lay.bond_gi,
        lay.cplx,
    )
    dt = s.dt
    check_steps = s.check_steps
    n = xr.size
    nb = bond_i.size
    work = _rk4_work(n)
    prev_occ = np.full(n, -1.0)
    prev_j = np.zeros(nb)
    quiet = 0
    step = 0
    next_try = 0
    backoff = 1
    yr = np.zeros(n)
    yi = np.zeros(n)
    clock[1] = PHASE_INTEGRATING
    for chk in range(s.max_checks):
        clock[0] = step * dt
        for q in range(nb):
            jsum[q] = 0.0
            jlo[q] = np.inf
            jhi[q] = -np.inf
        for l in range(n):
            osum[l] = 0.0
        for _it in range(check_steps):
            _rk4_step(xr, xi, dt, 0.0, work, m)
            if step < n_noise_steps:
                for l in range(n):
                    v = noise_var[l]
                    if v > 0.0:
                        z1, z2, s0, s1, s2, s3 = normal_pair(s0, s1, s2, s3, _K, _W, _F)
                        sd = math.sqrt(v)
                        xr[l] += sd * z1
                        xi[l] += sd * z2
            step += 1
            for q in range(nb):
                i = bond_i[q]
                j = bond_j[q]
                jq = _current(xr, xi, i, j, bond_g[q], bond_gi[q], cplx)
                jsum[q] += jq
                if jq < jlo[q]:
                    jlo[q] = jq
                if jq > jhi[q]:
                    jhi[q] = jq
            for l in range(n):
                osum[l] += xr[l] * xr[l] + xi[l] * xi[l]
        for q in range(nb):
            jsum[q] /= check_steps
        for l in range(n):
            osum[l] /= check_steps
        omax = 0.0
        for l in range(n):
            omax = max(omax, xr[l] * xr[l] + xi[l] * xi[l])
        if not (omax < _DIVERGED):
            return False, True, step
        change = 0.0
        for l in range(n):
            occ = xr[l] * xr[l] + xi[l] * xi[l]
            change = max(change, abs(occ - prev_occ[l]))
            prev_occ[l] = occ
        for q in range(nb):
            i = bond_i[q]
            j = bond_j[q]
            jq = _current(xr, xi, i, j, bond_g[q], bond_gi[q], cplx)
            change = max(change, abs(jq - prev_j[q]))
            prev_j[q] = jq
        if (
            step > n_noise_steps
            and omax > _ZERO_OCC
            and change <= s.slow_approach * omax
            and change > s.tol * omax
            and chk >= next_try
        ):
            yr[:] = xr
            yi[:] = xi
            w0 = _frequency(xr, xi, m)
            ok, w, _ = newton(yr, yi, w0, s.newton_tol, s.newton_iter, m)
            if ok:
                for l in range(n):
                    if abs(yr[l] * yr[l] + yi[l] * yi[l] - prev_occ[l]) > s.newton_match * omax:
                        ok = False
            if ok:
                clock[1] = PHASE_EIGENVALUES
                ok = max_growth(yr, yi, w, m) < -s.growth_tol
                clock[1] = PHASE_INTEGRATING
            if ok:
                xr[:] = yr
                xi[:] = yi
                return True, False, step
            next_try = chk + backoff
            backoff *= 2
        if step > n_noise_steps and (change <= s.tol * omax or omax < _ZERO_OCC):
            quiet += 1
        else:
            quiet = 0
        if quiet >= 2:
            return True, False, step
    return False, False, step


@njit(cache=True)
def _frequency(xr, xi, m):
    n = xr.size
    fr = np.zeros(n)
    fi = np.zeros(n)
    _rhs(xr, xi, fr, fi, m)
    num = 0.0
    norm = 0.0
    for l in range(n):
        num += xr[l] * fi[l] - xi[l] * fr[l]  # Im(conj(alpha) f)
        norm += xr[l] * xr[l] + xi[l] * xi[l]
    return -num / norm if norm > 0 else 0.0


@njit(cache=True)
def _solve_point(xr, xi, p, lay, s, noise_var, try_newton_first, omega0, out):
    """Solve point p from (xr, xi) in place, writing its results into ``out`` (an :data:`Outcome`).

    A stationary state whose Jacobian has a growing mode (growth above ``s.growth_tol``) can
    only have been reached inside an invariant subspace of the dynamics (a symmetric start
    on a symmetric network).  Unless ``s.kick`` is 0 it is displaced along its most unstable
    mode by ``s.kick`` (relative) and integrated again, at most ``s.max_kicks`` times: a
    stable state reached so is the result; a run that leaves the fixed point (distance
    modulo the global phase above ``s.left_fixed_point`` times the kick, relative to its
    norm) without settling is reported as not stationary (its last window); a run still
    near the fixed point at ``t_max`` (growth too slow to leave it) keeps the fixed point,
    which the caller then reports as unstable.  A run that ends without settling (at the
    first integration or after leaving a fixed point) is displaced once by a random complex
    vector of relative size ``s.kick`` and
    integrated again (stream ``KICK_STREAM`` of ``s.seed``, the same for every point, so that a point
    kicks alike in any batch): it is reported not stationary only if the motion survives that kick;
    if it settles, the state it settles in is judged as above.  ``out.kicks[p]`` counts the
    kicks of both kinds (at most ``s.max_kicks``).
    """
    n = xr.size
    nb = lay.bond_i.size
    window = (np.zeros(nb), np.zeros(nb), np.zeros(nb), np.zeros(n))
    jsum, jlo, jhi, osum = window
    m = point(lay, p)
    omega = out.omega
    stationary = out.stationary
    clock = out.clock[p]
    kick = s.kick
    done = False
    g_now = np.nan  # growth rate of the current state (computed once per state)
    if try_newton_first:
        yr = xr.copy()
        yi = xi.copy()
        ok, w, _ = newton(yr, yi, omega0, s.newton_tol, s.newton_iter, m)
        if ok:
            clock[1] = PHASE_EIGENVALUES
            g_now = max_growth(yr, yi, w, m)
        if ok and g_now < -s.growth_tol:
            xr[:] = yr
            xi[:] = yi
            omega[p] = w
            stationary[p] = True
            out.t_end[p] = 0.0
            done = True
    if not done:
        rng = seed_state(uint64(s.seed), uint64(p))
        conv, div, steps = _integrate_point(
            xr, xi, m, lay, s, noise_var[p], s.n_noise_steps, rng, window, clock
        )
        out.t_end[p] = steps * s.dt
        out.diverged[p] = div
        omega[p] = _frequency(xr, xi, m)
        stationary[p] = conv
        if conv:
            _polish(xr, xi, p, omega, s, m)
            clock[1] = PHASE_EIGENVALUES
            g_now = max_growth(xr, xi, omega[p], m)
        n_kick = 0
        shaken = False  # the non-stationary outcome has had its random kick
        left2 = s.left_fixed_point * s.left_fixed_point
        krng = seed_state(uint64(s.seed), uint64(_KICK_STREAM))  # the same for every point: a batch
        # and a live recomputation of one of its points kick alike
        while kick > 0.0 and n_kick < s.max_kicks and not out.diverged[p]:
            if stationary[p]:
                if not g_now > s.growth_tol:
                    break
                fr = xr.copy()
                fi = xi.copy()
                w_fp = omega[p]
                clock[1] = PHASE_EIGENVALUES
                _kick_unstable(xr, xi, w_fp, kick, m)
            else:
                if shaken:
                    break
                fr = xr.copy()
                fi = xi.copy()
                w_fp = omega[p]
                krng = _kick_random(xr, xi, kick, krng)
                shaken = True
            was_stationary = stationary[p]
            n_kick += 1
            conv, div, steps = _integrate_point(
                xr, xi, m, lay, s, noise_var[p], np.int64(0), rng, window, clock
            )
            out.t_end[p] += steps * s.dt
            if div:
                out.diverged[p] = True
                stationary[p] = False
                break
            if conv:
                stationary[p] = True
                omega[p] = _frequency(xr, xi, m)
                _polish(xr, xi, p, omega, s, m)
                clock[1] = PHASE_EIGENVALUES
                g_now = max_growth(xr, xi, omega[p], m)
                continue
            if not was_stationary:  # the motion survived a random kick: not stationary
                omega[p] = _frequency(xr, xi, m)
                break
            # distance from the fixed point modulo the global phase, relative to its norm
            nf = 0.0
            nx = 0.0
            cr = 0.0
            ci = 0.0
            for l in range(n):
                nf += fr[l] * fr[l] + fi[l] * fi[l]
                nx += xr[l] * xr[l] + xi[l] * xi[l]
                cr += fr[l] * xr[l] + fi[l] * xi[l]
                ci += fr[l] * xi[l] - fi[l] * xr[l]
            dist2 = max(0.0, nx + nf - 2.0 * math.sqrt(cr * cr + ci * ci))
            if dist2 > left2 * kick * kick * (nf if nf > 1e-20 else 1.0):  # left the fixed point
                stationary[p] = False
                omega[p] = _frequency(xr, xi, m)
                continue  # the motion it went to gets its random kick
            xr[:] = fr  # still at the fixed point: keep it (reported unstable)
            xi[:] = fi
            omega[p] = w_fp
            break
        out.kicks[p] = n_kick
    clock[1] = PHASE_DONE
    bond_i, bond_j, bond_g, bond_gi, cplx = (
        lay.bond_i,
        lay.bond_j,
        lay.bond_g,
        lay.bond_gi,
        lay.cplx,
    )
    if stationary[p]:
        for q in range(nb):
            i = bond_i[q]
            j = bond_j[q]
            jq = _current(xr, xi, i, j, bond_g[q], bond_gi[q], cplx)
            out.j_mean[p, q] = jq
            out.j_min[p, q] = jq
            out.j_max[p, q] = jq
        for l in range(n):
            out.occ_mean[p, l] = xr[l] * xr[l] + xi[l] * xi[l]
        out.growth[p] = g_now
    else:
        for q in range(nb):
            out.j_mean[p, q] = jsum[q]
            out.j_min[p, q] = jlo[q]
            out.j_max[p, q] = jhi[q]
        for l in range(n):
            out.occ_mean[p, l] = osum[l]
        out.growth[p] = np.nan


@njit(cache=True)
def _polish(xr, xi, p, omega, s, m):
    """Newton refinement of a converged state in place (kept as is if Newton fails)."""
    yr = xr.copy()
    yi = xi.copy()
    ok, w, _ = newton(yr, yi, omega[p], s.newton_tol, s.newton_iter, m)
    if ok:
        xr[:] = yr
        xi[:] = yi
        omega[p] = w


@njit(parallel=True, cache=True, nogil=True)
def solve_many(x0r, x0i, path_len, lay, s, noise_var, path_start, path_stop, out):
    """Points are grouped in consecutive paths of ``path_len`` (1: independent points).

    The first point of a path starts from x0; the others continue from the previous point's
    solution (Newton first).  Paths ``path_start`` .. ``path_stop - 1`` run, in parallel
    (the caller runs chunks of paths to report progress; point p always uses stream p).
    ``lay`` is the batch's :data:`~pgrid._layout.Layout`, ``s`` the :data:`Settings`,
    ``out`` the :data:`Outcome`.
    """
    npts, n = x0r.shape
    # unpacked here: numba (0.68) loses writes to a tuple's arrays made directly in a prange body
    xfr, xfi, omega = out.xfr, out.xfi, out.omega
    for kk in prange(path_stop - path_start):
        k = path_start + kk
        xr = x0r[k * path_len].copy()
        xi = x0i[k * path_len].copy()
        w0 = 0.0
        for mm in range(path_len):
            p = k * path_len + mm
            tot = 0.0
            for l in range(n):
                tot += xr[l] * xr[l] + xi[l] * xi[l]
            if (
                tot < 1e-20 or not tot < _DIVERGED
            ):  # previous point decayed to zero or diverged: restart
                xr[:] = x0r[p]
                xi[:] = x0i[p]
            if not math.isfinite(w0):  # the predecessor diverged: no frequency to start from
                w0 = 0.0
            _solve_point(xr, xi, p, lay, s, noise_var, mm > 0, w0, out)
            w0 = omega[p]
            for l in range(n):
                xfr[p, l] = xr[l]
                xfi[p, l] = xi[l]


@njit(parallel=True, cache=True, nogil=True)
def relax_many(x0r, x0i, omega, ref_occ, site, lay, dt, max_steps, levels, t_hi, t_lo):
    """Perturb-and-relax: integrate each perturbed state (RK4) and record the last times at
    which |occ(site) - ref_occ| was >= hi and >= lo (``levels`` = (hi, lo)); stop once it
    stayed below lo / 10 for a while.  Integrated in the frame rotating at ``omega[p]``,
    where the steady state is an exact fixed point of RK4 (in the lab frame RK4's amplitude
    error for the rotation would shift the state by more than the levels).  Points run in
    parallel; NaN marks a level never left."""
    hi, lo = levels
    npts, n = x0r.shape
    for p in prange(npts):
        xr = x0r[p].copy()
        xi = x0i[p].copy()
        work = _rk4_work(n)
        m = point(lay, p)
        w = omega[p]
        last_hi = np.nan
        last_lo = np.nan
        quiet = 0
        for step in range(max_steps):
            dev = abs(xr[site] * xr[site] + xi[site] * xi[site] - ref_occ[p])
            if dev >= hi:
                last_hi = step * dt
            if dev >= lo:
                last_lo = step * dt
                quiet = 0
            elif dev < 0.1 * lo:
                quiet += 1
                if quiet > 1000:
                    break
            _rk4_step(xr, xi, dt, w, work, m)
        t_hi[p] = last_hi
        t_lo[p] = last_lo if quiet > 1000 else np.nan
