r"""Noise-free steady states, their stability and relaxation (macroscopic regime of [1]_).

In the limit :math:`n_0 \gg 1`, :math:`N_{\rm th}/n_0 \to 0` the noise in
Eqs. (3)–(5) drops out and the amplitudes obey

.. math::

    \dot\alpha_\ell = \tfrac{i}{2}\sum_m g_{\ell m}\alpha_m - i\Delta_\ell\alpha_\ell
      + \tfrac12\big(\Gamma^{g}_\ell(\alpha_\ell) - \Gamma^{l}_\ell(\alpha_\ell) - \gamma_\ell\big)\alpha_\ell .

Long-time states are not unique (multimode oscillations in the symmetric
phase, bistability for :math:`\Gamma_i > 4g`), so :func:`steady_state`
follows an explicit *protocol*: an initial state (a seed on the gain sites, a
chosen normal mode of the coupling, random amplitudes, or given amplitudes),
optional weak noise during an initial period, then noiseless RK4 until the
occupations and currents stop changing.  A stationary state is a rotating
state :math:`\alpha_\ell(t) = \alpha_\ell^0 e^{-i\omega t}`; it is refined by
Newton's method in the co-rotating frame (unknowns :math:`\alpha^0` and
:math:`\omega`, gauge :math:`{\rm Im}\,\alpha^0_r = 0` on the largest site).
States that never settle are reported with ``stationary=False`` and time
averages over the last window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numba
import numpy as np

from . import _ode_kernels as _k
from .network import Network

__all__ = ["SteadyState", "steady_state", "drift", "jacobian", "stability", "linear_eigenvalues"]


@dataclass(frozen=True)
class SteadyState:
    r"""Result of :func:`steady_state`.

    For a single network the arrays have no leading axis; for a list of P
    networks every field gains a leading axis of length P.

    Attributes
    ----------
    alpha : ndarray, complex, shape ([P,] N)
        Amplitudes at the end (stationary: the refined :math:`\alpha^0`).
    occupation : ndarray, shape ([P,] N)
        :math:`|\alpha_\ell|^2` (time average over the last window if not stationary).
    current : ndarray, shape ([P,] n_bonds)
        :math:`J = g_{ij}{\rm Im}(\alpha_i^*\alpha_j)` per bond (``net.bonds`` order,
        positive from i to j); the time average if not stationary.
    current_amplitude : ndarray, shape ([P,] n_bonds)
        Half the peak-to-peak oscillation of the current over the last window
        (zero for a stationary state).
    frequency : ndarray, shape ([P,])
        Rotation frequency :math:`\omega` of the state (:math:`\alpha \propto e^{-i\omega t}`).
    stationary : ndarray of bool, shape ([P,])
    t_end : ndarray, shape ([P,])
        Integration time used.
    residual : ndarray, shape ([P,])
        :math:`\max_\ell|\dot\alpha_\ell + i\omega\alpha_\ell|` at ``alpha``.
    message : str
    """

    alpha: np.ndarray
    occupation: np.ndarray
    current: np.ndarray
    current_amplitude: np.ndarray
    frequency: np.ndarray
    stationary: np.ndarray
    t_end: np.ndarray
    residual: np.ndarray
    message: str


def _drift_np(net_arrays, alpha):
    """Noiseless drift for amplitudes ``alpha`` (N,) (numpy; used by Newton and checks)."""
    m_lin, gr, gn0, gnu, lr, ln0, lnu = net_arrays
    occ = np.abs(alpha) ** 2
    c = 0.5 * (gr * (1 + occ / gn0) ** (-gnu) - lr * (1 + occ / ln0) ** (-lnu))
    return m_lin @ alpha + c * alpha


def drift(net: Network, alpha) -> np.ndarray:
    r"""Noiseless right-hand side :math:`\dot\alpha_\ell` of Eqs. (3)–(5) (generalised) for amplitudes ``alpha``.

    Parameters
    ----------
    net : Network
    alpha : array_like, complex, shape (N,)

    Returns
    -------
    ndarray, complex, shape (N,)
    """
    alpha = np.asarray(alpha, complex)
    if alpha.shape != (net.n_sites,):
        raise ValueError(f"`alpha` must have shape ({net.n_sites},), got {alpha.shape}.")
    return _drift_np(_net_arrays(net), alpha)


def _net_arrays(net):
    gr, gn0, gnu, lr, ln0, lnu = net.reservoir_arrays()
    m_lin = net.linear_matrix(gain_rate=np.zeros(net.n_sites), loss_rate=np.zeros(net.n_sites))
    return m_lin, gr, gn0, gnu, lr, ln0, lnu


def jacobian(net: Network, alpha, omega: float = 0.0) -> np.ndarray:
    r"""Real Jacobian (2N x 2N, order Re α then Im α) of the drift in the frame rotating at ``omega``.

    Its eigenvalues at a stationary state give the linear stability; one of
    them is the zero mode of the global phase.
    """
    m_lin, gr, gn0, gnu, lr, ln0, lnu = _net_arrays(net)
    alpha = np.asarray(alpha, complex)
    n = net.n_sites
    occ = np.abs(alpha) ** 2
    c = 0.5 * (gr * (1 + occ / gn0) ** (-gnu) - lr * (1 + occ / ln0) ** (-lnu))
    dc = 0.5 * (-gr * gnu / gn0 * (1 + occ / gn0) ** (-gnu - 1)
                + lr * lnu / ln0 * (1 + occ / ln0) ** (-lnu - 1))
    a = m_lin + np.diag(c + 1j * omega)
    jac = np.block([[a.real, -a.imag], [a.imag, a.real]])
    x, y = alpha.real, alpha.imag
    # d(c(|a|^2) a)/dx = 2 c' x a ; d/dy = 2 c' y a
    idx = np.arange(n)
    jac[idx, idx] += 2 * dc * x * x
    jac[idx, n + idx] += 2 * dc * y * x
    jac[n + idx, idx] += 2 * dc * x * y
    jac[n + idx, n + idx] += 2 * dc * y * y
    return jac


def stability(net: Network, alpha, omega: float = 0.0):
    r"""Jacobian eigenvalues at a stationary state, global-phase zero mode removed.

    Returns
    -------
    eigenvalues : ndarray, complex, shape (2N - 1,)
        Sorted by decreasing real part.
    relaxation_time : float
        :math:`\tau_r = -1/\max{\rm Re}\,\lambda` (``inf`` if marginal or unstable).
    """
    alpha = np.asarray(alpha, complex)
    jac = jacobian(net, alpha, omega)
    lam, vec = np.linalg.eig(jac)
    if np.max(np.abs(alpha)) > 0:
        phase_mode = np.concatenate([-alpha.imag, alpha.real])
        phase_mode /= np.linalg.norm(phase_mode)
        overlap = np.abs(phase_mode @ vec) / np.linalg.norm(vec, axis=0)
        drop = int(np.argmax(overlap - np.abs(lam)))
        lam = np.delete(lam, drop)
    lam = lam[np.argsort(-lam.real)]
    top = lam[0].real
    return lam, (-1.0 / top if top < 0 else math.inf)


def linear_eigenvalues(net: Network) -> np.ndarray:
    r"""Eigenvalues of the linear chain's dynamical matrix (constant rates, Fig. S3).

    All have negative real part exactly in the 'stalled' region
    (for the chain: :math:`\Gamma_i < g` and :math:`\Gamma_i \le \Gamma_e < g^2/\Gamma_i`).
    """
    return np.linalg.eigvals(net.linear_matrix())


def _newton(net, alpha, omega, *, tol=1e-12, max_iter=30):
    """Refine a rotating steady state: F(alpha) + i omega alpha = 0, gauge Im alpha_r = 0."""
    arrays = _net_arrays(net)
    n = net.n_sites
    r = int(np.argmax(np.abs(alpha)))
    alpha = alpha * np.exp(-1j * np.angle(alpha[r]))
    u = np.concatenate([alpha.real, alpha.imag, [omega]])
    scale = max(1.0, float(np.max(np.abs(alpha))))
    for _ in range(max_iter):
        a = u[:n] + 1j * u[n:2 * n]
        f = _drift_np(arrays, a) + 1j * u[-1] * a
        res = np.concatenate([f.real, f.imag, [u[n + r]]])
        if np.max(np.abs(res)) < tol * scale:
            return a, u[-1], True
        jac = np.zeros((2 * n + 1, 2 * n + 1))
        jac[:2 * n, :2 * n] = jacobian(net, a, u[-1])
        jac[:n, -1] = -a.imag
        jac[n:2 * n, -1] = a.real
        jac[-1, n + r] = 1.0
        try:
            du = np.linalg.solve(jac, -res)
        except np.linalg.LinAlgError:
            return a, u[-1], False
        u = u + du
    a = u[:n] + 1j * u[n:2 * n]
    f = _drift_np(arrays, a) + 1j * u[-1] * a
    return a, u[-1], bool(np.max(np.abs(f)) < 1e3 * tol * scale)


def _initial(net, init, mode, amplitude, rng):
    n = net.n_sites
    if isinstance(init, str):
        if init == "seed":
            a = np.zeros(n, complex)
            sites = list(net.gain) or [0]
            a[sites] = amplitude
            return a
        if init == "mode":
            h = 0.5 * net.coupling - np.diag(net.detuning)
            w, v = np.linalg.eigh(h)
            k = int(np.argmin(np.abs(w))) if mode is None else int(mode)
            if not 0 <= k < n:
                raise ValueError(f"`mode` must be in 0..{n - 1} (eigenvectors of the coupling "
                                 f"sorted by frequency), got {mode}.")
            vec = v[:, k]
            return amplitude * vec / np.max(np.abs(vec))
        if init == "random":
            return amplitude * (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / math.sqrt(2)
        raise ValueError(f"`init` must be 'seed', 'mode', 'random' or an array, got {init!r}.")
    a = np.asarray(init, complex)
    if a.shape != (n,):
        raise ValueError(f"`init` must have shape ({n},), got {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError("`init` contains NaN or inf.")
    return a


def steady_state(net: Union[Network, Sequence[Network]], *, init="seed", mode: Optional[int] = None,
                 amplitude: Optional[float] = None, t_max: Optional[float] = None,
                 dt: Optional[float] = None, tol: float = 1e-9, check_time: Optional[float] = None,
                 noise: float = 0.0, t_noise: float = 0.0, seed: int = 0, polish: bool = True,
                 threads: Optional[int] = None) -> SteadyState:
    r"""Noise-free long-time state of one network or of many (in parallel).

    Parameters
    ----------
    net : Network or sequence of Network
        Several networks must share the coupling matrix (rates, bath and
        detuning may differ): phase diagrams and disorder ensembles.
    init : {"seed", "mode", "random"} or array_like, default: "seed"
        Initial amplitudes: ``amplitude`` on every gain site; the normal mode
        ``mode`` of :math:`g/2-\Delta` (default: the one closest to zero
        frequency, the band centre :math:`k_0 \approx \pi/2`) with largest
        amplitude ``amplitude``; complex Gaussian amplitudes (seeded); or given
        amplitudes (shape (N,)).
    amplitude : float, optional
        Scale of the initial state (default: :math:`10^{-2}\sqrt{n_0}` of the first
        gain reservoir).
    t_max : float, optional
        Longest integration time (default: :math:`50/\gamma_{\min}`, clipped to
        [2e3, 2e5]).
    dt : float, optional
        RK4 step (default: ``min(0.2, 1/(ω_max + Γ_max/2 + γ_max/2))``).
    tol : float, default: 1e-9
        Stationarity: changes of occupations and currents between two checks
        below ``tol`` times the largest occupation, twice in a row.
    check_time : float, optional
        Window between checks (default: ``min(200, t_max/20)``).
    noise, t_noise : float, default: 0
        Weak noise protocol: additive noise with diffusion constant ``noise``
        (per site, :math:`\langle|d\alpha|^2\rangle = D\,dt`) during the first
        ``t_noise`` time units, then noiseless evolution.
    seed : int, default: 0
        Seed for ``init="random"`` and the noise (point p uses stream p).
    polish : bool, default: True
        Refine stationary states by Newton's method.
    threads : int, optional
        Numba threads (default: all).

    Returns
    -------
    SteadyState

    Notes
    -----
    Energy balance (Eq. S42 generalised) holds in every stationary state:
    :math:`\sum_{\rm gain}\Gamma(\alpha)|\alpha|^2 = \sum_{\rm loss}\Gamma(\alpha)|\alpha|^2
    + \sum_\ell\gamma_\ell|\alpha_\ell|^2`.

    Examples
    --------
    >>> import pgrid
    >>> s = pgrid.steady_state(pgrid.chain(3, gain=2.0, loss=1.0, gamma=1e-2))
    >>> bool(s.stationary)
    True
    """
    single = isinstance(net, Network)
    nets = [net] if single else list(net)
    if not nets:
        raise ValueError("`net` is an empty list.")
    for k, nt in enumerate(nets):
        if not isinstance(nt, Network):
            raise ValueError(f"`net[{k}]` must be a pgrid.Network, got {type(nt).__name__}.")
        if nt.n_sites != nets[0].n_sites or not np.array_equal(nt.coupling, nets[0].coupling):
            raise ValueError(f"`net[{k}]` has a different coupling matrix; a batch must share the "
                             "coupling (call steady_state once per coupling).")
    for name, val in (("tol", tol), ("noise", noise), ("t_noise", t_noise)):
        if not math.isfinite(val) or val < 0:
            raise ValueError(f"`{name}` must be a finite number >= 0, got {val!r}.")
    if tol == 0:
        raise ValueError("`tol` must be > 0.")
    n = nets[0].n_sites
    npts = len(nets)
    ref = nets[0]
    gmin = min(float(nt.gamma.min()) for nt in nets)
    if t_max is None:
        t_max = float(np.clip(50.0 / gmin, 2e3, 2e5)) if gmin > 0 else 2e5
    if not (math.isfinite(t_max) and t_max > 0):
        raise ValueError(f"`t_max` must be a positive number, got {t_max!r}.")
    h = 0.5 * ref.coupling
    wmax = float(np.max(np.abs(np.linalg.eigvalsh(h)))) + max(float(np.abs(nt.detuning).max()) for nt in nets)
    rmax = max([r.rate for nt in nets for r in list(nt.gain.values()) + list(nt.loss.values())] + [0.0])
    gmax = max(float(nt.gamma.max()) for nt in nets)
    dt_auto = min(0.2, 1.0 / (wmax + 0.5 * rmax + 0.5 * gmax + 1e-12))
    if dt is None:
        dt = dt_auto
    elif not (math.isfinite(dt) and 0 < dt <= 2.5 * dt_auto):
        raise ValueError(f"`dt` = {dt!r} is outside the RK4 stability range for these rates; "
                         f"use 0 < dt <= {2.5 * dt_auto:.3g}.")
    if check_time is None:
        check_time = min(200.0, t_max / 20)
    check_steps = max(1, int(round(check_time / dt)))
    max_checks = max(2, int(math.ceil(t_max / (check_steps * dt))))

    if amplitude is None:
        res0 = next(iter(ref.gain.values()), None)
        amplitude = 1e-2 * math.sqrt(res0.n0 if res0 is not None else 1.0)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 11])))
    x0 = np.array([_initial(nt, init, mode, amplitude, rng) for nt in nets])

    from .sde import _coupling_diagonals
    offs, coef = _coupling_diagonals(ref)
    act = np.array(sorted(set().union(*[set(nt.gain) | set(nt.loss) for nt in nets])), np.int64)
    res = np.array([[a[act] for a in nt.reservoir_arrays()] for nt in nets])  # (P, 6, A)
    det = np.array([nt.detuning for nt in nets])
    gh = 0.5 * np.array([nt.gamma for nt in nets])
    nvar = np.full((npts, n), 0.5 * noise * dt)
    n_noise_steps = int(round(t_noise / dt)) if noise > 0 else 0

    nb = ref.bonds.shape[0]
    xfr = np.zeros((npts, n)); xfi = np.zeros((npts, n))
    conv = np.zeros(npts, np.bool_); t_end = np.zeros(npts)
    jm = np.zeros((npts, nb)); jlo = np.zeros((npts, nb)); jhi = np.zeros((npts, nb))
    om = np.zeros((npts, n)); div = np.zeros(npts, np.bool_)
    old = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(int(threads))
    try:
        _k.integrate_many(np.ascontiguousarray(x0.real), np.ascontiguousarray(x0.imag), offs, coef,
                          det, gh, act, *[np.ascontiguousarray(res[:, k]) for k in range(6)],
                          ref.bonds[:, 0].copy(), ref.bonds[:, 1].copy(), np.array(ref.bond_coupling),
                          float(dt), check_steps, max_checks, float(tol), nvar, n_noise_steps,
                          np.uint64(seed), xfr, xfi, conv, t_end, jm, jlo, jhi, om, div)
    finally:
        numba.set_num_threads(old)
    if np.any(div):
        raise ValueError(f"the integration diverged for {int(div.sum())} point(s) (first: "
                         f"{int(np.argmax(div))}); reduce `dt` (now {dt:g}).")

    alpha = xfr + 1j * xfi
    freq = np.zeros(npts)
    resid = np.zeros(npts)
    stationary = conv.copy()
    occ = om.copy()
    cur = jm.copy()
    amp = 0.5 * (jhi - jlo)
    for p, nt in enumerate(nets):
        arrays = _net_arrays(nt)
        a = alpha[p]
        f = _drift_np(arrays, a)
        norm = float(np.sum(np.abs(a) ** 2))
        freq[p] = float(-np.imag(np.vdot(a, f)) / norm) if norm > 0 else 0.0
        if stationary[p]:
            if polish and norm > 1e-20:
                a2, w2, ok = _newton(nt, a, freq[p])
                if ok:
                    a, freq[p] = a2, w2
            alpha[p] = a
            occ[p] = np.abs(a) ** 2
            cur[p] = nt.bond_coupling * np.imag(np.conj(a[nt.bonds[:, 0]]) * a[nt.bonds[:, 1]])
            amp[p] = 0.0
        resid[p] = float(np.max(np.abs(_drift_np(arrays, alpha[p]) + 1j * freq[p] * alpha[p])))
    n_ns = int(npts - stationary.sum())
    msg = ("all points stationary" if n_ns == 0 else
           f"{n_ns} of {npts} point(s) not stationary within t_max = {t_max:g} (oscillating or "
           "multimode: time averages over the last window are reported)")
    sq = (lambda x: x[0]) if single else (lambda x: x)  # noqa: E731
    return SteadyState(alpha=sq(alpha), occupation=sq(occ), current=sq(cur),
                       current_amplitude=sq(amp), frequency=sq(freq), stationary=sq(stationary),
                       t_end=sq(t_end), residual=sq(resid), message=msg)
