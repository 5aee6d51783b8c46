r"""Linear-noise approximation (LNA): Gaussian fluctuations around a stable noise-free steady state.

Around a linearly stable steady state :math:`\alpha^0` (rotating as
:math:`e^{-i\omega t}`) the Itô equations (3)–(5), generalised to any
:class:`~pgrid.Network`, are linearised in the co-rotating frame.  With
:math:`z = ({\rm Re}\,\delta\alpha, {\rm Im}\,\delta\alpha)` (2N real components)

.. math::

    dz = A z\,dt + B\,dW, \qquad B B^{\mathsf T} = \tfrac12\,{\rm diag}(D, D), \qquad
    D_\ell = \gamma_\ell N_{{\rm th},\ell} + \Gamma^{\rm gain}_\ell(\alpha^0_\ell),

where :math:`A` is the drift's Jacobian (:func:`pgrid.jacobian`) and :math:`D` the
diffusion of Eq. (3): thermal noise on every site, the gain reservoir's own noise
:math:`\Gamma_i(\alpha_1)` on gain sites, none from loss reservoirs (Eq. 5).  The noise is
phase invariant, so the co-rotating frame changes nothing.

**The global phase.**  :math:`A` has a zero mode, :math:`v_0 = (-{\rm Im}\,\alpha^0,
{\rm Re}\,\alpha^0)`: the phase diffuses freely and has no stationary distribution.
Writing :math:`\alpha = e^{i\varphi}(\alpha^0 + y)` with :math:`y \perp v_0`, every
phase-invariant observable (currents, occupations) depends on :math:`y` only, and
:math:`y` obeys the projected equation :math:`dy = P(Ay\,dt + B\,dW)`,
:math:`P = 1 - v_0v_0^{\mathsf T}/|v_0|^2`.  In an orthonormal basis :math:`V` of
:math:`v_0^\perp`, :math:`\tilde A = V^{\mathsf T}AV` carries exactly the non-zero
eigenvalues of :math:`A`, and the stationary covariance :math:`C = V\tilde CV^{\mathsf T}`
solves the Lyapunov equation :math:`\tilde A\tilde C + \tilde C\tilde A^{\mathsf T} +
V^{\mathsf T}BB^{\mathsf T}V = 0` (``scipy.linalg.solve_continuous_lyapunov``).

**Observables.**  A bond current :math:`J_{ij} = g_{ij}{\rm Im}(\alpha_i^*\alpha_j)` and an
occupation :math:`n_\ell = |\alpha_\ell|^2` are quadratic forms :math:`z^{\mathsf T}Mz` of the
amplitudes; with Gaussian :math:`y` (Wick's theorem)

.. math::

    {\rm Var}\,O = \ell^{\mathsf T}C\,\ell + 2\,{\rm tr}(MCMC), \qquad \ell = 2Mz^0 .

The second-order term makes thermal equilibrium exact (:math:`\alpha^0 = 0`:
:math:`{\rm Var}\,n = N_{\rm th}^2`, :math:`\Delta J = gN_{\rm th}/\sqrt2`, Eq. S45).  The means
are those of the phase-invariant bilinears :math:`\langle\alpha_l^*\alpha_m\rangle` to first
order in the noise, from their own mean equation (the drift's curvature and the diffusion
included; equilibrium exact, :math:`\langle n\rangle = N_{\rm th}`).  Like the SDE, these are
normally ordered (P-function) moments;
``current_std_operator`` adds the vacuum term :math:`g^2(\langle n_i\rangle +
\langle n_j\rangle)/4` (see :attr:`pgrid.Ensemble.current_std_operator`).

**Validity.**  The theory needs fluctuations small against the amplitudes and a steady
state well inside its basin: deep in the symmetry-broken phase it matches the SDE to a few
per cent; it fails near the transition, where the slowest mode's rate goes to zero and
the covariance grows without bound, and in the symmetric phase with strong thermal noise,
where the noise-free state itself (a rotating single mode) is not what the noisy chain
fluctuates around.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np
from scipy.linalg import LinAlgWarning, solve_continuous_lyapunov
from scipy.linalg import solve as scipy_solve

from ._config import check_memory
from .deterministic import SteadyState, _object_array, fixed_point_residual, jacobian, stability
from .network import Network
from .sde import vacuum_term

__all__ = ["linear_noise", "LinearNoise", "LinearNoiseWarning", "EPSILON_LIMIT"]


@dataclass(frozen=True)
class LinearNoise:
    r"""Result of :func:`linear_noise`; field names as in :class:`pgrid.Ensemble`.

    For one network the arrays have no leading axis; for P networks every field gains a
    leading axis of length P.  Points whose steady state is not linearly stable carry NaN
    and their ``status``.

    Attributes
    ----------
    current_mean : ndarray, shape ([P,] n_bonds)
        :math:`\langle J\rangle` per bond (``bonds`` order), to first order in the noise.
    current_std : ndarray, shape ([P,] n_bonds)
        P-function :math:`\Delta J` (comparable with ``Ensemble.current_std``).
    current_std_operator : ndarray, shape ([P,] n_bonds)
        Operator :math:`\Delta J`, the vacuum term added.
    occupation_mean, occupation_var : ndarray, shape ([P,] N)
        :math:`\langle|\alpha_\ell|^2\rangle` and :math:`{\rm Var}|\alpha_\ell|^2`.
    covariance : ndarray, shape ([P,] 2N, 2N)
        Stationary covariance of :math:`({\rm Re}\,\delta\alpha, {\rm Im}\,\delta\alpha)`,
        global phase projected out (co-rotating frame, gauge :math:`y\perp i\alpha^0`).
    slowest_rate : ndarray, shape ([P,])
        :math:`-\max{\rm Re}\,\lambda` of the projected Jacobian: the theory degrades as it
        goes to zero (the transition).
    relative_fluctuation : ndarray, shape ([P,])
        :math:`\epsilon = \sqrt{{\rm tr}\,C/\sum_\ell|\alpha^0_\ell|^2}`, the theory's own
        measure of its validity: the size of the fluctuations against the amplitudes
        (``inf`` for the zero state, where the theory is exact because the drift is linear
        there).  A rough guide measured against the SDE (chains, N = 2 and 6): with
        :math:`\epsilon \lesssim 0.03` :math:`\Delta J` agreed within 3 %; with
        :math:`\epsilon \approx 0.05`–0.1 the error was 2–20 % (largest near the
        transition); at :math:`\epsilon \approx 2` (the N = 6 chain of Fig. 3a) the theory is
        off by an order of magnitude.
    alpha, frequency : the steady state used.
    bonds, bond_coupling : as in :class:`pgrid.Network`.
    status : ndarray of str, shape ([P,])
        ``"ok"``; ``"unreliable: ..."`` where ``relative_fluctuation`` exceeds
        :data:`pgrid.lna.EPSILON_LIMIT` (the numbers are given but the theory does not hold there; a
        :class:`LinearNoiseWarning` is issued); ``"invalid: ..."`` where a mean occupation
        comes out negative (the Gaussian closure has failed outright; also warned); or
        ``"no result: ..."`` (the state is not linearly stable).
    message : str
    networks : ndarray of Network, shape ([P,])
        The network(s) the statistics belong to (kept by :func:`pgrid.save`).
    """

    current_mean: np.ndarray
    current_std: np.ndarray
    current_std_operator: np.ndarray
    occupation_mean: np.ndarray
    occupation_var: np.ndarray
    covariance: np.ndarray
    slowest_rate: np.ndarray
    relative_fluctuation: np.ndarray
    alpha: np.ndarray
    frequency: np.ndarray
    bonds: np.ndarray
    bond_coupling: np.ndarray
    status: np.ndarray
    message: str
    networks: Optional[np.ndarray] = None

    def to_xarray(self):
        """The statistics as an ``xarray.Dataset`` (:func:`pgrid.save` writes it).

        Dimensions: ``point`` for a batch (none for one network), ``site``, ``bond``
        (coordinates ``bond_i``, ``bond_j``, ``bond_g``) and ``quadrature``, ``quadrature_2``
        (the 2N x 2N ``covariance``, real parts then imaginary parts).  Attributes: the message,
        pgrid's version and source hash, and the network(s) as in
        :meth:`pgrid.SteadyState.to_xarray` (:func:`pgrid.xarray_io.networks_from_dataset` reads
        them back).
        """
        import xarray as xr

        from .xarray_io import bond_coords, networks_variables, provenance_attrs

        lead = ("point",) if np.ndim(self.status) else ()
        site, bond = lead + ("site",), lead + ("bond",)
        v = {
            "current_mean": (bond, self.current_mean),
            "current_std": (bond, self.current_std),
            "current_std_operator": (bond, self.current_std_operator),
            "occupation_mean": (site, self.occupation_mean),
            "occupation_var": (site, self.occupation_var),
            "covariance": (lead + ("quadrature", "quadrature_2"), self.covariance),
            "alpha": (site, self.alpha),
        }
        for name in ("slowest_rate", "relative_fluctuation", "frequency"):
            v[name] = (lead, getattr(self, name))
        v["status"] = (lead, np.asarray(self.status).astype(str))
        n = np.shape(self.alpha)[-1]
        coords = {
            "site": np.arange(n),
            "bond": np.arange(len(self.bonds)),
            "quadrature": np.arange(2 * n),
            "quadrature_2": np.arange(2 * n),
            **bond_coords(self),
        }
        attrs = {**provenance_attrs(), "pgrid_message": self.message, "pgrid_result": "LinearNoise"}
        if self.networks is not None:
            net_vars, net_attrs = networks_variables(self.networks, lead)
            v.update(net_vars)
            attrs.update(net_attrs)
        return xr.Dataset(v, coords=coords, attrs=attrs)


def _quadratic_forms(net: Network):
    """Every bond current and occupation as a sparse symmetric 2N x 2N form O = z^T M z: index
    arrays ``(rows, cols)`` and values, shape (K, P) (P = 8 entries at most, unused ones zero)."""
    n = net.n_sites
    nb = len(net.bonds)
    rows, cols, vals = np.zeros((nb, 8), np.int64), np.zeros((nb, 8), np.int64), np.zeros((nb, 8))
    for q, ((i, j), g) in enumerate(zip(net.bonds, net.bond_coupling)):
        # Im(g a_i^* a_j) = Re g (x_i y_j - y_i x_j) + Im g (x_i x_j + y_i y_j)
        gr, gi = float(np.real(g)), float(np.imag(g))
        entries = [
            (i, n + j, 0.5 * gr),
            (n + j, i, 0.5 * gr),
            (n + i, j, -0.5 * gr),
            (j, n + i, -0.5 * gr),
            (i, j, 0.5 * gi),
            (j, i, 0.5 * gi),
            (n + i, n + j, 0.5 * gi),
            (n + j, n + i, 0.5 * gi),
        ]
        for p, (r, c, v) in enumerate(entries):
            rows[q, p], cols[q, p], vals[q, p] = r, c, v
    sites = np.arange(n)
    occ = (np.stack([sites, n + sites], 1), np.stack([sites, n + sites], 1), np.ones((n, 2)))
    return (rows, cols, vals), occ


def _variances(form, z0, cov):
    """Variances l^T C l + 2 tr(MCMC) (l = 2 M z0) of the sparse quadratic forms ``form``
    (:func:`_quadratic_forms`); O(K P^2), no dense 2N x 2N matrix per form."""
    rows, cols, vals = form
    coef = 2.0 * vals * z0[cols]  # l = sum_p coef_p e_{rows_p}
    lin = np.einsum("kp,kpq,kq->k", coef, cov[rows[:, :, None], rows[:, None, :]], coef)
    g = cov[cols[:, :, None], rows[:, None, :]]  # C[b_p, a_q]
    quad = np.einsum("kp,kq,kpq,kqp->k", vals, vals, g, g)  # tr(M C M C)
    return lin + 2.0 * quad


def _rate_derivatives(net: Network, occ: np.ndarray):
    """c'(n) and c''(n) per site of c(n) = (Gamma_gain(n) - Gamma_loss(n)) / 2 (zero off the reservoirs)."""
    d1 = np.zeros(net.n_sites)
    d2 = np.zeros(net.n_sites)
    for sign, table in ((1.0, net.gain), (-1.0, net.loss)):
        for site, r in table.items():
            u = 1.0 + occ[site] / r.n0
            d1[site] += sign * 0.5 * r.rate * (-r.nu / r.n0) * u ** (-r.nu - 1.0)
            d2[site] += sign * 0.5 * r.rate * (r.nu * (r.nu + 1.0) / r.n0**2) * u ** (-r.nu - 2.0)
    return d1, d2


def _mean_bilinears(
    net: Network, alpha: np.ndarray, cov: np.ndarray, diffusion: np.ndarray
) -> np.ndarray:
    r"""Stationary :math:`\langle\alpha_l^*\alpha_m\rangle` to first order in the noise.

    The bilinears :math:`\rho_{lm} = \alpha_l^*\alpha_m` are invariant under the global phase
    and the rotation, so the steady state is a true fixed point of their mean equation
    :math:`d\langle\rho\rangle/dt = \langle\bar M\rho + \rho M^{\mathsf T}\rangle
    + \langle(c_l(n_l) + c_m(n_m))\rho_{lm}\rangle + \delta_{lm}D_l` (Itô), with
    :math:`c = (\Gamma^{\rm gain} - \Gamma^{\rm loss})/2`.  Expanding :math:`c` to second
    order around :math:`n^0` with the linear-noise covariance gives a linear equation for
    :math:`X = \langle\rho\rangle - \rho^0`, solved densely (:math:`N^2` unknowns: memory
    :math:`\sim 32 N^4` bytes, time :math:`\sim N^6`; :func:`linear_noise` checks the memory first).
    """
    n = net.n_sites
    occ0 = np.abs(alpha) ** 2
    gain_rate, loss_rate = net.saturated_rates(alpha)
    m_eff = net.linear_matrix(gain_rate=gain_rate, loss_rate=loss_rate)
    rho0 = np.outer(alpha.conj(), alpha)
    d1, d2 = _rate_derivatives(net, occ0)
    # gradient of n_l with respect to z = (Re alpha, Im alpha): 2 x_l, 2 y_l on site l
    w = np.zeros((n, 2 * n))
    w[np.arange(n), np.arange(n)] = 2 * alpha.real
    w[np.arange(n), n + np.arange(n)] = 2 * alpha.imag
    wc = w @ cov  # (n, 2n)
    var_n = np.einsum("lk,lk->l", wc, w)
    # <dn_l drho_lm> and <dn_m drho_lm> (the gradient of rho_lm is sparse: sites l and m only)
    cr, ci = wc[:, :n], wc[:, n:]
    a1 = (np.diag(cr) - 1j * np.diag(ci))[:, None] * alpha[None, :] + alpha.conj()[:, None] * (
        cr + 1j * ci
    )
    a2 = (cr.T - 1j * ci.T) * alpha[None, :] + alpha.conj()[:, None] * (
        np.diag(cr) + 1j * np.diag(ci)
    )[None, :]
    src = d1[:, None] * a1 + d1[None, :] * a2
    src = src + 0.5 * (d2 * var_n)[:, None] * rho0 + 0.5 * (d2 * var_n)[None, :] * rho0
    src = src + np.diag(diffusion)
    # L[X] = conj(M) X + X M^T + sum_a c'_a X_aa (E_aa rho0 + rho0 E_aa); column-major vec.  (The
    # Sylvester part alone is singular at a lasing state -- the lasing mode gives lambda* + lambda = 0 --
    # and only the reservoir terms make L regular, so L is solved whole: N^2 unknowns, see MEMORY.)
    eye = np.eye(n)
    op = np.kron(eye, m_eff.conj()) + np.kron(m_eff, eye)
    for a in np.flatnonzero(d1):
        r = np.zeros((n, n), complex)
        r[a, :] += rho0[a, :]
        r[:, a] += rho0[:, a]
        op[:, a * n + a] += d1[a] * r.reshape(-1, order="F")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LinAlgWarning)
        x = scipy_solve(op, -src.reshape(-1, order="F")).reshape((n, n), order="F")
    moved = None
    if any(issubclass(w.category, LinAlgWarning) for w in caught):
        # numerically singular (a second mode of the frozen-rate matrix on the imaginary axis): the
        # solution is fixed only up to the null directions, which matter if they move an occupation or a
        # bond current (a chain's usually do not, only coherences; a ring of four with a flux moves n1 - n3)
        _, sv, vh = np.linalg.svd(op)
        i, j = net.bonds[:, 0], net.bonds[:, 1]
        moved = (np.zeros(n, bool), np.zeros(len(i), bool))
        for vec in vh[sv < 1e-10 * sv[0]].conj():
            xn = vec.reshape((n, n), order="F")
            h = 0.5 * (xn + xn.conj().T)
            moved[0][:] |= np.abs(np.real(np.diag(h))) > 1e-6
            moved[1][:] |= np.abs(np.imag(net.bond_coupling * h[i, j])) > 1e-6
    undetermined = (
        None
        if moved is None or not (moved[0].any() or moved[1].any())
        else (np.flatnonzero(moved[0]).tolist(), np.flatnonzero(moved[1]).tolist())
    )
    return rho0 + 0.5 * (x + x.conj().T), undetermined


def _is_zero_state(net: Network, alpha: np.ndarray, omega: float) -> bool:
    r"""Whether ``alpha`` is the zero state, judged by the Jacobian's phase mode, not by ``alpha != 0``.

    A non-zero rotating state has the exact zero mode :math:`v_0 = (-{\rm Im}\,\alpha, {\rm Re}\,\alpha)`
    (:math:`Av_0 = 0` to round-off); at a zero state that :func:`pgrid.steady_state` returns as
    amplitudes of ~1e-16, :math:`Av_0` is :math:`v_0` times the linear decay rates, not zero.
    """
    v0 = np.concatenate([-alpha.imag, alpha.real])
    nv = float(np.linalg.norm(v0))
    if nv == 0.0:
        return True
    a = jacobian(net, alpha, omega)
    return (
        float(np.linalg.norm(a @ v0)) > ZERO_MODE_TOL * max(float(np.max(np.abs(a))), 1e-300) * nv
    )


#: :math:`|Av_0| \le` this times :math:`\max|A_{ij}|\,|v_0|`: the phase mode is a zero mode (a non-zero state).
ZERO_MODE_TOL = 1e-6

#: ``relative_fluctuation`` above this gives the status ``"unreliable"`` and a warning.  Calibrated
#: against the SDE (chains N = 2 and 6, see ``LinearNoise.relative_fluctuation``): below 0.03
#: :math:`\Delta J` within 3 %, 0.05-0.1 within 2-20 %, above it errors of order one.
EPSILON_LIMIT = 0.1


#: A mean occupation below ``-NEGATIVE_TOL`` times the largest one is impossible: status ``"invalid"``.
NEGATIVE_TOL = 1e-9


def _require_fixed_point(
    net: Network, alpha: np.ndarray, omega: float, k: int, tol: float = 1e-7
) -> None:
    """Raise unless ``alpha`` rotating at ``omega`` is a fixed point of ``net`` (point ``k`` of a batch)."""
    resid, scale = fixed_point_residual(net, alpha, omega)
    if not resid <= tol * scale:
        raise ValueError(
            f"point {k}: the steady state is not a fixed point of `net` item {k} (residual "
            f"max|d alpha/dt + i omega alpha| = {resid:.3g} > {tol * scale:.3g}); was it computed "
            "for another network?  Pass the networks the steady states were computed for "
            "(their n_th may differ: the drift is noise free)."
        )


class LinearNoiseWarning(UserWarning):
    """Linear-noise results outside the theory's validity (``relative_fluctuation > EPSILON_LIMIT``)."""


#: Bytes per :math:`N^4` of the dense mean-bilinear solve (the :math:`N^2 \times N^2` complex operator and its
#: LU copy); :func:`pgrid.linear_noise` refuses up front what would not fit.
MEMORY_PER_N4 = 40.0


def _one_point(net: Network, alpha: np.ndarray, omega: float):
    n = net.n_sites
    if _is_zero_state(net, alpha, omega):
        alpha = np.zeros(n, complex)  # exact equilibrium: the drift is linear there
        omega = 0.0
    z0 = np.concatenate([alpha.real, alpha.imag])
    a = jacobian(net, alpha, omega)
    gain_rate, _ = net.saturated_rates(alpha)
    d = net.gamma * net.n_th + gain_rate
    q = 0.5 * np.diag(np.concatenate([d, d]))
    v0 = np.concatenate([-alpha.imag, alpha.real])
    if np.linalg.norm(v0) > 0:
        # orthonormal basis of the complement of the phase mode: the last 2N - 1 columns of
        # the QR factor of [v0, I]
        basis, _ = np.linalg.qr(np.column_stack([v0, np.eye(2 * n)]))
        v = basis[:, 1 : 2 * n]
    else:
        v = np.eye(2 * n)
    at = v.T @ a @ v
    lam = np.linalg.eigvals(at)
    slowest = float(-np.max(lam.real))
    ct = solve_continuous_lyapunov(at, -(v.T @ q @ v))
    cov = v @ (0.5 * (ct + ct.T)) @ v.T
    mj, mn = _quadratic_forms(net)
    j_var = _variances(mj, z0, cov)
    n_var = _variances(mn, z0, cov)
    rho, undetermined = _mean_bilinears(net, alpha, cov, d)
    i, j = net.bonds[:, 0], net.bonds[:, 1]
    j_mean = (
        np.imag(net.bond_coupling * rho[i, j])
        if net.is_complex
        else net.bond_coupling * rho[i, j].imag
    )  # Im(g_ij <a_i^* a_j>)
    occ = rho.diagonal().real.copy()
    p_std = np.sqrt(np.maximum(j_var, 0.0))
    op_std = np.sqrt(np.maximum(j_var, 0.0) + vacuum_term(net.bonds, net.bond_coupling, occ))
    norm2 = float(np.sum(np.abs(alpha) ** 2))
    eps = math.sqrt(np.trace(cov) / norm2) if norm2 > 0 else math.inf
    return dict(
        current_mean=j_mean,
        current_std=p_std,
        current_std_operator=op_std,
        occupation_mean=occ,
        occupation_var=np.maximum(n_var, 0.0),
        covariance=cov,
        slowest_rate=slowest,
        relative_fluctuation=eps,
        undetermined=undetermined,
    )


def linear_noise(
    net: Union[Network, Sequence[Network]], state: Union[SteadyState, tuple]
) -> LinearNoise:
    r"""Gaussian (linear-noise) current and occupation statistics around a stable steady state.

    Answers in milliseconds what :func:`pgrid.simulate` answers in seconds, wherever the
    fluctuations are small against the steady-state amplitudes (deep in the
    symmetry-broken phase, thermal equilibrium); see the module notes for the method and
    where it fails.  Cost: the mean occupations solve a dense system of :math:`N^2` unknowns,
    time :math:`\sim N^6` and memory about :data:`pgrid.lna.MEMORY_PER_N4` :math:`\times N^4` bytes
    (milliseconds for a few sites, a fraction of a second at N = 30, seconds at N = 60, minutes
    near N = 100); the memory is checked before any work (``InsufficientMemoryError``).

    Parameters
    ----------
    net : Network or sequence of Network
        The network(s) of ``state`` (for a sequence, one per point, in order).  Their
        ``n_th`` sets the thermal noise; the steady state itself is noise free.
    state : SteadyState or (alpha, omega)
        Noise-free steady state(s) from :func:`pgrid.steady_state` (points that are not
        ``"stable"`` give NaN), or one fixed point and its rotation frequency, which is
        checked (a point that is not a fixed point raises ``ValueError``; one that is not
        linearly stable gives NaN with its status).

    Returns
    -------
    LinearNoise

    Examples
    --------
    Thermal equilibrium is exact, :math:`\Delta J = gN_{\rm th}/\sqrt2` (Eq. S45):

    >>> import numpy as np, pgrid
    >>> hot = pgrid.chain(2, gain=0.0, loss=0.0, gamma=1e-2, n_th=10.0)
    >>> ln = pgrid.linear_noise(hot, (np.zeros(2), 0.0))
    >>> print(np.round(ln.current_std / (10 / np.sqrt(2)), 12), np.round(ln.occupation_mean, 12))
    [1.] [10. 10.]
    """
    first = net if isinstance(net, Network) else next(iter(net), None)
    while first is not None and not isinstance(first, Network) and isinstance(first, (list, tuple)):
        first = first[0] if first else None
    if isinstance(first, Network):  # refuse up front what cannot fit
        n_sites = first.n_sites
        check_memory(
            MEMORY_PER_N4 * float(n_sites) ** 4,
            f"linear_noise for {n_sites} sites (the mean equation has N^2 = {n_sites**2} unknowns, "
            "solved densely)",
            "use pgrid.simulate for networks this large (linear_noise costs ~N^6 time: "
            "milliseconds for N <= 10, about 45 s at N = 100)",
        )
    if isinstance(state, SteadyState):
        shape = np.shape(state.stationary)
        alpha = np.asarray(state.alpha).reshape(-1, np.shape(state.alpha)[-1])
        omega = np.asarray(state.frequency, float).reshape(-1)
        verdict = np.asarray(state.status).reshape(-1)
    elif isinstance(state, tuple) and len(state) == 2:
        alpha0 = np.asarray(state[0], complex)
        nets0 = [net] if isinstance(net, Network) else list(net)
        if len(nets0) != 1:
            raise ValueError("`state` given as (alpha, omega) is one point; pass one Network.")
        lam, _ = stability(nets0[0], alpha0, float(state[1]))  # raises if not a fixed point
        top = lam[0].real if lam.size else -math.inf
        shape = ()
        alpha = alpha0.reshape(1, -1)
        omega = np.array([float(state[1])])
        verdict = np.array(["stable" if top < -1e-9 else "unstable" if top > 1e-9 else "marginal"])
    else:
        raise ValueError("`state` must be a pgrid.SteadyState or a tuple (alpha, omega).")
    nets = [net] if isinstance(net, Network) else list(net)
    if nets and not isinstance(nets[0], Network):
        nets = [x for row in nets for x in row]
    if len(nets) != alpha.shape[0]:
        raise ValueError(
            f"`net` has {len(nets)} network(s) but `state` has {alpha.shape[0]} point(s)."
        )
    for k, nt in enumerate(nets):
        if not isinstance(nt, Network):
            raise ValueError(f"`net` item {k} must be a pgrid.Network, got {type(nt).__name__}.")
        if nt.n_sites != alpha.shape[1]:
            raise ValueError(f"`net` item {k} has {nt.n_sites} sites, the state {alpha.shape[1]}.")
        if not np.array_equal(nt.bonds, nets[0].bonds):
            raise ValueError(
                f"`net` item {k} has other bonds than item 0; a batch must share the coupling."
            )
    rows = []
    status = []
    for k, nt in enumerate(nets):
        if verdict[k] != "stable":
            rows.append(None)
            status.append(f"no result: the steady state is {verdict[k]}")
            continue
        _require_fixed_point(nt, alpha[k], omega[k], k)
        row = _one_point(nt, alpha[k], omega[k])
        undetermined = row.pop("undetermined")
        rows.append(row)
        eps = row["relative_fluctuation"]
        occ = row["occupation_mean"]
        negative = np.flatnonzero(occ < -NEGATIVE_TOL * max(1.0, float(np.max(np.abs(occ)))))
        if negative.size:
            status.append(
                f"invalid: negative mean occupation at site(s) {negative.tolist()} "
                f"(relative_fluctuation {eps:.2g}): the Gaussian closure fails"
            )
        elif undetermined is not None:
            status.append(
                f"unreliable: mean occupations of site(s) {undetermined[0]} and currents of bond(s) "
                f"{undetermined[1]} not fixed at linear order (a second mode of the saturated-rate matrix "
                "has no net gain or loss); the spreads hold; compare with pgrid.simulate"
            )
        else:
            status.append(
                "ok"
                if not (np.isfinite(eps) and eps > EPSILON_LIMIT)
                else f"unreliable: relative_fluctuation {eps:.2g} > {EPSILON_LIMIT:g}"
            )
    ref = nets[0]
    n, nb = ref.n_sites, len(ref.bonds)
    blank = dict(
        current_mean=np.full(nb, np.nan),
        current_std=np.full(nb, np.nan),
        current_std_operator=np.full(nb, np.nan),
        occupation_mean=np.full(n, np.nan),
        occupation_var=np.full(n, np.nan),
        covariance=np.full((2 * n, 2 * n), np.nan),
        slowest_rate=np.nan,
        relative_fluctuation=np.nan,
    )
    stack = {key: np.array([(r if r is not None else blank)[key] for r in rows]) for key in blank}
    out = lambda x: x.reshape(shape + x.shape[1:])  # noqa: E731
    bad = sum(s.startswith("no result") for s in status)
    weak = [k for k, s in enumerate(status) if s.startswith(("unreliable", "invalid"))]
    parts = []
    if bad:
        parts.append(
            f"{bad} of {len(status)} point(s) without a result (no linearly stable steady state)"
        )
    if weak:
        worst = max(float(rows[k]["relative_fluctuation"]) for k in weak)
        n_invalid = sum(status[k].startswith("invalid") for k in weak)
        text = (
            f"{len(weak)} of {len(status)} point(s) outside the theory's validity: fluctuations "
            f"relative_fluctuation up to {worst:.2g} > {EPSILON_LIMIT:g} of the amplitudes (status "
            f"'unreliable', first points {weak[:4]})"
            + (
                f", {n_invalid} with a negative mean occupation (status 'invalid')"
                if n_invalid
                else ""
            )
            + "; compare with pgrid.simulate there"
        )
        parts.append(text)
        warnings.warn("pgrid.linear_noise: " + text, LinearNoiseWarning, stacklevel=2)
    msg = "; ".join(parts) if parts else "linear-noise statistics for every point"
    return LinearNoise(
        **{k: out(v) for k, v in stack.items()},
        alpha=out(alpha),
        frequency=out(omega),
        bonds=np.array(ref.bonds),
        bond_coupling=np.array(ref.bond_coupling),
        status=out(np.array(status)),
        message=msg,
        networks=_object_array(nets, shape),
    )
