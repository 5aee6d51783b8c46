r"""Noise-free steady states, their stability and relaxation (macroscopic regime of the paper).

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

No verdict comes from a special start: a start in a symmetry-invariant subspace (a real
seed on a real bipartite network, a mirror-symmetric mode) never leaves it under the
noise-free dynamics, so every start is displaced by a small seeded random vector
(:class:`pgrid.Protocol`'s ``perturbation``; see :mod:`pgrid.symmetry`), and a motion that
does not settle is kicked once in a random direction before it is reported.  A state
that stops changing is not thereby stable either: it can be a fixed point with a
growing mode.  Every stationary state therefore gets a verdict from its
Jacobian (``SteadyState.stable``, ``status``), and an unstable one is kicked along its
unstable mode and integrated again before anything is reported (see the ``kick`` field
of :class:`pgrid.Convergence`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np

from . import _ode_kernels as _k
from ._config import announce_compilation, numba_threads, progress_bar, progress_enabled
from ._initial import initial_state, perturb
from ._layout import layout, model, split_complex, stable_step
from ._rng import INIT_PERTURB, INIT_RANDOM, numpy_generator
from ._validate import flag, integer
from .errors import DivergenceError, divergence_reason
from .network import Network
from .options import Convergence, Protocol, merged, split_fields

__all__ = [
    "SteadyState",
    "steady_state",
    "drift",
    "jacobian",
    "stability",
    "linear_eigenvalues",
    "energy_balance",
    "relaxation_time",
    "relaxation_analysis",
    "RelaxationAnalysis",
]


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
        :math:`J = {\rm Im}(g_{ij}\alpha_i^*\alpha_j)` per bond (``net.bonds`` order,
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
    max_growth : ndarray, shape ([P,])
        Largest real part of the Jacobian's eigenvalues (phase zero mode removed) for
        stationary states: negative means linearly stable; NaN if not stationary.
    stable : ndarray of bool, shape ([P,])
        Stationary *and* linearly stable: ``max_growth < -growth_tol``.  Only these are
        steady states of the full dynamics; a stationary but unstable state is a fixed
        point that the noise-free integration reached inside an invariant subspace
        (a symmetric start on a symmetric network) and that any perturbation leaves.
    status : ndarray of str, shape ([P,])
        Per point: ``"stable"``; ``"unstable"`` (stationary, ``max_growth > growth_tol``:
        a kick along the unstable mode, unless ``kick=0``, did not leave it within
        ``t_max``); ``"marginal"``
        (stationary, ``|max_growth| <= growth_tol``: stability not established);
        ``"not stationary"`` (oscillating, multimode or still drifting at ``t_max``: time
        averages of the last window).
    kicks : ndarray of int, shape ([P,])
        How many times the point was kicked off an unstable fixed point (0 for most).
    success : ndarray of bool, shape ([P,])
        The integration finished (every status but ``"diverged"``: such a point, reported
        only with ``throw=False``, blew up and its arrays are NaN).
    message : str
        A summary that names every point that is not ``"stable"``.
    protocol : Protocol
        The switch-on protocol used (see :class:`pgrid.Protocol`).
    convergence : Convergence
        The convergence settings used (see :class:`pgrid.Convergence`).
    bonds, bond_coupling : ndarray
        The bonds (i < j) of the (shared) coupling and their :math:`g_{ij}`.
    networks : ndarray of Network, shape ([P,])
        The network of every point (object array, the batch's shape; 0-d for one network).
        :meth:`pgrid.SteadyState.to_xarray` records them, :func:`pgrid.xarray_io.networks_from_dataset` reads them back.
    """

    alpha: np.ndarray
    occupation: np.ndarray
    current: np.ndarray
    current_amplitude: np.ndarray
    frequency: np.ndarray
    stationary: np.ndarray
    t_end: np.ndarray
    residual: np.ndarray
    max_growth: np.ndarray
    stable: np.ndarray
    status: np.ndarray
    kicks: np.ndarray
    success: np.ndarray
    message: str
    protocol: Optional[Protocol] = None
    convergence: Optional[Convergence] = None
    bonds: Optional[np.ndarray] = None
    bond_coupling: Optional[np.ndarray] = None
    networks: Optional[np.ndarray] = None

    def __getitem__(self, index) -> "SteadyState":
        """The states at ``index`` of the batch axes (``s[3]``, ``s[0, 5]``, ``s[:, ::2]``)."""
        batch = np.ndim(self.stationary)
        if batch == 0:
            raise IndexError("a SteadyState of one network has no batch axis to index")
        fields = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            per_point = isinstance(v, np.ndarray) and f.name not in ("bonds", "bond_coupling")
            fields[f.name] = v[index] if per_point else v
        return SteadyState(**fields)

    def to_xarray(self):
        """The states as an ``xarray.Dataset`` (see :mod:`pgrid.xarray_io`).

        Dimensions: the batch axes (none for one network, ``point`` for a list, ``path`` and
        ``point`` for paths), ``site`` and ``bond`` (coordinates ``bond_i``, ``bond_j``,
        ``bond_g``).  Attributes: the protocol and convergence settings (JSON), the message,
        pgrid's version and source hash, and the network(s) (:func:`pgrid.xarray_io.networks_variables`:
        ``pgrid_network`` when every point has the same one, else that of the first point and the
        per-point rates as ``network_*`` variables; :func:`pgrid.xarray_io.networks_from_dataset`
        reads them back).
        """
        import xarray as xr

        from .xarray_io import bond_coords, networks_variables, options_attr, provenance_attrs

        lead = {0: (), 1: ("point",), 2: ("path", "point")}[np.ndim(self.stationary)]
        v = {
            "alpha": (lead + ("site",), self.alpha),
            "occupation": (lead + ("site",), self.occupation),
            "current": (lead + ("bond",), self.current),
            "current_amplitude": (lead + ("bond",), self.current_amplitude),
        }
        for name in (
            "frequency",
            "stationary",
            "t_end",
            "residual",
            "max_growth",
            "stable",
            "kicks",
            "success",
        ):
            v[name] = (lead, getattr(self, name))
        v["status"] = (lead, np.asarray(self.status).astype(str))
        coords = {
            "site": np.arange(np.shape(self.alpha)[-1]),
            "bond": np.arange(np.shape(self.current)[-1]),
        }
        if self.bonds is not None:
            coords.update(bond_coords(self))
        attrs = {
            **provenance_attrs(),
            **options_attr("pgrid_protocol", self.protocol),
            **options_attr("pgrid_convergence", self.convergence),
            "pgrid_message": self.message,
        }
        if self.networks is not None:
            net_vars, net_attrs = networks_variables(self.networks, lead)
            v.update(net_vars)
            attrs.update(net_attrs)
        return xr.Dataset(v, coords=coords, attrs=attrs)


def fixed_point_residual(net: Network, alpha, omega: float) -> tuple:
    """``(max|d alpha/dt + i omega alpha|, max(1, max|alpha|))``: how far ``alpha`` rotating at ``omega`` is from
    a fixed point of ``net``, and the scale a tolerance is relative to."""
    alpha = np.asarray(alpha, complex)
    return (
        float(np.max(np.abs(drift(net, alpha) + 1j * float(omega) * alpha))),
        max(1.0, float(np.max(np.abs(alpha)))),
    )


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
    fr = np.zeros(net.n_sites)
    fi = np.zeros(net.n_sites)
    _k._rhs(*split_complex(alpha), fr, fi, model(net))
    return fr + 1j * fi


def jacobian(net: Network, alpha, omega: float = 0.0) -> np.ndarray:
    r"""Real Jacobian (2N x 2N, order Re α then Im α) of the drift in the frame rotating at ``omega``.

    Its eigenvalues at a stationary state give the linear stability; one of
    them is the zero mode of the global phase.
    """
    alpha = np.asarray(alpha, complex)
    if alpha.shape != (net.n_sites,):
        raise ValueError(f"`alpha` must have shape ({net.n_sites},), got {alpha.shape}.")
    jac = np.zeros((2 * net.n_sites, 2 * net.n_sites))
    _k.jacobian_into(jac, *split_complex(alpha), float(omega), model(net))
    return jac


def stability(net: Network, alpha, omega: float = 0.0, *, tol: float = 1e-7):
    r"""Jacobian eigenvalues at a stationary state, global-phase zero mode removed.

    Parameters
    ----------
    net : Network
    alpha : array_like, complex, shape (N,)
        A fixed point of the drift in the frame rotating at ``omega``
        (:math:`\alpha_\ell(t) = \alpha_\ell e^{-i\omega t}`), e.g. ``s.alpha`` and
        ``s.frequency`` of a stationary :class:`SteadyState`.
    omega : float, default: 0
    tol : float, default: 1e-7
        Largest accepted residual :math:`\max_\ell|\dot\alpha_\ell + i\omega\alpha_\ell|`,
        relative to :math:`\max(1, \max_\ell|\alpha_\ell|)`: the spectrum of the Jacobian
        says nothing about stability away from a fixed point.

    Returns
    -------
    eigenvalues : ndarray, complex, shape (2N - 1,) (2N for the zero state)
        Sorted by decreasing real part.
    relaxation_time : float
        :math:`\tau_r = -1/\max{\rm Re}\,\lambda` (``inf`` if marginal or unstable).

    Raises
    ------
    ValueError
        If ``alpha`` is not a fixed point (the message gives the residual); pass the
        state's rotation frequency as ``omega``.
    """
    alpha = np.asarray(alpha, complex)
    if alpha.shape != (net.n_sites,):
        raise ValueError(f"`alpha` must have shape ({net.n_sites},), got {alpha.shape}.")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"`tol` must be a positive number, got {tol!r}.")
    resid, scale = fixed_point_residual(net, alpha, omega)
    if not resid <= tol * scale:
        raise ValueError(
            f"`alpha` is not a fixed point of the drift in the frame rotating at omega = "
            f"{float(omega):g}: residual max|d alpha/dt + i omega alpha| = {resid:.3g} > "
            f"tol * {scale:.3g} = {tol * scale:.3g}.  Pass a stationary state and its "
            "frequency (s.alpha, s.frequency of pgrid.steady_state), or raise `tol`."
        )
    lam = _k.phase_free_eigenvalues(*split_complex(alpha), float(omega), model(net))
    top = lam[0].real
    return lam, (-1.0 / top if top < 0 else math.inf)


def _site_amplitudes(net: Network, alpha) -> np.ndarray:
    """``alpha`` as a complex array whose last axis runs over the sites of ``net``."""
    alpha = np.asarray(alpha, complex)
    if alpha.shape[-1:] != (net.n_sites,):
        raise ValueError(
            f"`alpha` must have last axis of length {net.n_sites}, got shape {alpha.shape}."
        )
    return alpha


def energy_balance(net: Network, alpha):
    r"""Power budget of a state, Eq. (S42) generalised to any network.

    Parameters
    ----------
    net : Network
    alpha : array_like, complex, shape (..., N)
        Amplitudes (leading batch axes allowed).

    Returns
    -------
    injected, extracted, bath : ndarray, shape (...)
        :math:`\sum_{\rm gain}\Gamma(\alpha_\ell)|\alpha_\ell|^2`,
        :math:`\sum_{\rm loss}\Gamma(\alpha_\ell)|\alpha_\ell|^2` and
        :math:`\sum_\ell\gamma_\ell|\alpha_\ell|^2` (quanta per unit time).  In a
        stationary noise-free state ``injected == extracted + bath`` (Eq. S42).
    """
    alpha = _site_amplitudes(net, alpha)
    occ = np.abs(alpha) ** 2
    gr, lr = net.saturated_rates(alpha)
    return (np.sum(gr * occ, axis=-1), np.sum(lr * occ, axis=-1), np.sum(net.gamma * occ, axis=-1))


def order_parameter(net: Network, alpha):
    r"""Noise-free order parameter :math:`\bar\Gamma = \sum_{\rm loss}\Gamma(\alpha_\ell) - \sum_{\rm gain}\Gamma(\alpha_\ell)`.

    For a chain this is :math:`\Gamma_e(\alpha_N) - \Gamma_i(\alpha_1)` (Fig. 3d of the paper):
    about zero in the symmetric phase, positive in the broken one.  The SDE's ensemble
    average is ``Ensemble.order_parameter`` (see :func:`pgrid.simulate`).

    Parameters
    ----------
    net : Network
    alpha : array_like, complex, shape (..., N)
        Amplitudes (leading batch axes allowed).

    Returns
    -------
    ndarray, shape (...)
        In units of g.
    """
    alpha = _site_amplitudes(net, alpha)
    gr, lr = net.saturated_rates(alpha)
    return np.sum(lr, axis=-1) - np.sum(gr, axis=-1)


def relaxation_time(
    net: Union[Network, Sequence[Network]],
    state: SteadyState,
    *,
    kick: float = 0.1,
    site: Optional[int] = None,
    levels=(1e-5, 1e-8),
    t_max: float = 2e5,
    dt: Optional[float] = None,
    threads: Optional[int] = None,
    newton_tol: float = 1e-15,
    newton_iter: int = 50,
) -> np.ndarray:
    r"""Relaxation time :math:`\tau_r` by the paper's perturb-and-relax procedure (supplement,
    "Numerical methods"; main text Fig. 3c).

    The amplitude of ``site`` (default: the first gain site) is shifted by ``kick``
    (absolute, :math:`\delta\alpha_1 = 1/10` in the paper), the noiseless equations are
    integrated (RK4, in the frame rotating with the state), and with :math:`\Delta t` the time between the last moments at which
    :math:`|\,|\alpha_1|^2 - |\alpha_1^0|^2|` exceeds ``levels[0]`` and ``levels[1]``,
    :math:`\tau_r = \Delta t / \ln(\text{levels}[0]/\text{levels}[1])`.  Compare with the
    Jacobian value :math:`-1/\max{\rm Re}\,\lambda` from :func:`stability`;
    :func:`relaxation_analysis` says which mode the levels see.

    The two measure different things.  The Jacobian gives the slowest decay of *any*
    perturbation; this procedure the slowest decay *visible in* :math:`|\alpha_{\rm site}|^2`
    after a kick at ``site``: a mode the kick does not excite, or whose weight on ``site`` is
    small (a node, or a phase-like mode that barely changes the occupation there), does not
    show, so :math:`\tau_r` can be much shorter than the Jacobian's and depend on ``site``
    (an 11-site chain at :math:`\Gamma_i = 4g`, :math:`\Gamma_e = 0.5g`: 1651 with the kick
    at site 0, 14342 at site 1, Jacobian 29855).  The reference states are first refined by
    Newton's method to ``newton_tol`` (far below the deviation levels, or the residual's
    offset would masquerade as a deviation); a state that does not refine is refused.

    Parameters
    ----------
    net : Network or sequence of Network
        The network(s) of ``state`` (same order and shape).
    state : SteadyState
        States from :func:`steady_state`; points that are not stable (not stationary,
        unstable or marginal) give NaN.
    kick, site, levels, t_max, dt, threads
        Perturbation size, perturbed site, the two deviation levels, longest
        integration time, RK4 step (default as in :func:`steady_state`), numba threads.
    newton_tol, newton_iter
        Refinement of the reference states (relative residual, iterations).

    Raises
    ------
    ValueError
        If a stable state of ``state`` does not refine to ``newton_tol`` (it is not the fixed
        point it claims to be: pass the states :func:`steady_state` returned for ``net``).

    Returns
    -------
    ndarray
        :math:`\tau_r` per point (shape of ``state.stationary``); NaN where the state is not
        stable or did not relax within ``t_max`` (e.g. at the transition).
    """
    nets = [net] if isinstance(net, Network) else list(net)
    if nets and not isinstance(nets[0], Network):
        nets = [x for row in nets for x in row]
    alpha = np.asarray(state.alpha).reshape(-1, nets[0].n_sites)
    stat = np.asarray(state.stable).reshape(-1)
    if len(nets) != alpha.shape[0]:
        raise ValueError(
            f"`net` has {len(nets)} network(s) but `state` has {alpha.shape[0]} point(s)."
        )
    hi, lo = (float(v) for v in levels)
    if not (hi > lo > 0):
        raise ValueError(
            f"`levels` must be two numbers with levels[0] > levels[1] > 0, got {levels!r}."
        )
    if not (math.isfinite(kick) and kick != 0):
        raise ValueError(f"`kick` must be a non-zero finite number, got {kick!r}.")
    ref = nets[0]
    if site is None:
        site = min(ref.gain) if ref.gain else 0
    if not 0 <= int(site) < ref.n_sites:
        raise ValueError(f"`site` {site} is not a site of the network (0..{ref.n_sites - 1}).")
    site = int(site)
    for k, nt in enumerate(nets):
        if nt.n_sites != ref.n_sites or not np.array_equal(nt.coupling, ref.coupling):
            raise ValueError(
                f"`net` item {k} has a different coupling matrix; call once per coupling."
            )
    if dt is None:
        dt = stable_step(nets, "rk4")
    # polish the reference states far below the deviation levels (the paper: "steady state
    # amplitudes with high accuracy"): a residual r leaves an offset ~ r / |lambda_min|
    alpha = alpha.copy()
    omega = np.asarray(state.frequency, float).reshape(-1).copy()
    failed = []
    for p_, nt in enumerate(nets):
        if stat[p_]:
            xr, xi = alpha[p_].real.copy(), alpha[p_].imag.copy()
            ok, w, res = _k.newton(
                xr, xi, omega[p_], float(newton_tol), integer(newton_iter, "newton_iter"), model(nt)
            )
            if not ok:
                failed.append((p_, res))
            alpha[p_] = xr + 1j * xi
            omega[p_] = w
    if failed:
        names = ", ".join(f"{p_} (residual {r:.2g})" for p_, r in failed[:5]) + (
            ", ..." if len(failed) > 5 else ""
        )
        raise ValueError(
            f"{len(failed)} reference state(s) did not refine to a fixed point (newton_tol = "
            f"{newton_tol:g}): point(s) {names}; pass the states pgrid.steady_state returned for "
            "these networks (or raise `newton_tol`)."
        )
    x0 = alpha.copy()
    x0[:, site] += kick
    t_hi = np.full(len(nets), np.nan)
    t_lo = np.full(len(nets), np.nan)
    with numba_threads(threads):
        _k.relax_many(
            *split_complex(x0),
            omega,
            np.abs(alpha[:, site]) ** 2,
            site,
            layout(nets),
            float(dt),
            int(math.ceil(t_max / dt)),
            (hi, lo),
            t_hi,
            t_lo,
        )
    tau = (t_lo - t_hi) / math.log(hi / lo)
    tau[~stat] = np.nan
    return tau.reshape(np.shape(state.stationary))


@dataclass(frozen=True)
class RelaxationAnalysis:
    r"""Which Jacobian mode :func:`relaxation_time` sees (see :func:`relaxation_analysis`).

    Attributes
    ----------
    tau : float
        :math:`\tau_r` the perturb-and-relax procedure should measure, predicted from the modes.
    tau_jacobian : float
        :math:`-1/\max{\rm Re}\,\lambda`: the slowest decay of any perturbation.
    rate, frequency : float
        Decay rate and frequency (units of g) of the term that decides the lower level.
    order : str
        ``"linear"``: a mode's first-order change of :math:`|\alpha_{\rm site}|^2`;
        ``"quadratic"``: the square of the site's displacement (decaying at the sum of two
        modes' rates), which is what shows when the slowest mode moves the site's amplitude
        at right angles to it.
    visible : bool
        Whether the slowest mode itself decides the measured time.
    message : str
    """

    tau: float
    tau_jacobian: float
    rate: float
    frequency: float
    order: str
    visible: bool
    message: str


def relaxation_analysis(
    net: Network, state, *, kick: float = 0.1, site: Optional[int] = None, levels=(1e-5, 1e-8)
) -> RelaxationAnalysis:
    r"""Explain a :func:`relaxation_time`: which mode its deviation levels see.

    The kick :math:`\delta\alpha_{\rm site}` is decomposed into the Jacobian's eigenmodes
    (frame rotating with the state); the deviation
    :math:`|\alpha_{\rm site}|^2 - |\alpha^0_{\rm site}|^2 = 2{\rm Re}(\alpha^{0*}\delta\alpha)
    + |\delta\alpha|^2` is a sum of terms decaying at the modes' rates (linear) and at the
    sums of two rates (quadratic).  The last time a term exceeds a level is
    :math:`\ln(A/\text{level})/\text{rate}`; the latest term decides each level.  A mode
    that the kick does not excite, or that does not change :math:`|\alpha_{\rm site}|^2` to
    first order, does not show, so :math:`\tau_r` can be much shorter than the Jacobian's
    (the 11-site chain at :math:`\Gamma_i = 4g`, :math:`\Gamma_e = 0.5g`: 1681 predicted,
    1651 measured with the kick at site 0, where the slowest mode is not excited; 14528
    predicted, 14342 measured at site 1, where it shows quadratically at twice its rate;
    Jacobian 29855).

    Parameters
    ----------
    net : Network
    state : SteadyState
        One stable state of ``net`` (no batch axis).
    kick, site, levels
        As in :func:`relaxation_time`.
    """
    if np.ndim(state.stationary) != 0:
        raise ValueError(
            "`state` must be the state of one network (no batch axis): pass state[k] for point k."
        )
    if not bool(state.stable):
        raise ValueError(
            f"`state` is {state.status!s}, not stable: there is no relaxation to analyse."
        )
    n = net.n_sites
    site = (min(net.gain) if net.gain else 0) if site is None else int(site)
    if not 0 <= site < n:
        raise ValueError(f"`site` {site} is not a site of the network (0..{n - 1}).")
    hi, lo = (float(v) for v in levels)
    alpha, omega = np.asarray(state.alpha, complex), float(state.frequency)
    lam, vec = np.linalg.eig(jacobian(net, alpha, omega))
    dx = np.zeros(2 * n)
    dx[site] = float(kick)
    c = np.linalg.solve(vec, dx)
    d_re, d_im = vec[site] * c, vec[n + site] * c
    linear = 2 * (alpha[site].real * d_re + alpha[site].imag * d_im)
    quad = np.outer(d_re, d_re) + np.outer(d_im, d_im)
    amp = np.concatenate([np.abs(linear), np.abs(quad).ravel()])
    pair = lam[:, None] + lam[None, :]
    rate = np.concatenate([-lam.real, -pair.real.ravel()])
    freq = np.concatenate([lam.imag, pair.imag.ravel()])
    decaying = rate > 1e-9 * max(
        1.0, float(np.max(np.abs(lam)))
    )  # the global-phase zero mode excluded

    def last(level):
        t = np.full(amp.size, -np.inf)
        m = decaying & (amp > level)
        t[m] = np.log(amp[m] / level) / rate[m]
        k = int(np.argmax(t))
        return t[k], k

    (t_hi, _), (t_lo, k) = last(hi), last(lo)
    tau = (t_lo - t_hi) / math.log(hi / lo) if np.isfinite(t_hi) and np.isfinite(t_lo) else math.nan
    tau_jac = stability(net, alpha, omega)[1]
    slow = 1.0 / tau_jac
    order = "linear" if k < lam.size else "quadratic"
    visible = bool(order == "linear" and abs(rate[k] - slow) <= 1e-6 * slow)
    msg = (
        f"the levels see a {order} term decaying at {rate[k]:.3g} g (1/rate = {1 / rate[k]:.4g}); tau_r = "
        f"{tau:.4g} against the Jacobian's {tau_jac:.4g}"
        + (
            ""
            if visible
            else ": the slowest mode "
            + (
                "shows only quadratically (it moves the site's amplitude at "
                "right angles to it), at twice its rate"
                if order == "quadratic" and abs(rate[k] - 2 * slow) <= 1e-6 * slow
                else "is not seen at this site (the kick does not excite it, or it leaves |alpha_site|^2 unchanged)"
            )
        )
    )
    return RelaxationAnalysis(
        tau=float(tau),
        tau_jacobian=float(tau_jac),
        rate=float(rate[k]),
        frequency=float(freq[k]),
        order=order,
        visible=visible,
        message=msg,
    )


def linear_eigenvalues(net: Network) -> np.ndarray:
    r"""Eigenvalues of the linear chain's dynamical matrix (constant rates, Fig. S3).

    All have negative real part exactly in the 'stalled' region
    (for the chain: :math:`\Gamma_i < g` and :math:`\Gamma_i \le \Gamma_e < g^2/\Gamma_i`).
    """
    return np.linalg.eigvals(net.linear_matrix())


def steady_state(
    net: Union[Network, Sequence[Network], Sequence[Sequence[Network]]],
    *,
    protocol: Optional[Protocol] = None,
    convergence: Optional[Convergence] = None,
    continuation: bool = False,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
    throw: bool = True,
    **options,
) -> SteadyState:
    r"""Noise-free long-time state of one network or of many (in parallel).

    Parameters
    ----------
    net : Network, sequence of Network, or sequence of sequences of Network
        Several networks must share the coupling matrix (rates, bath and
        detuning may differ): phase diagrams and disorder ensembles.  With
        ``continuation=True`` each inner sequence is a *path* (e.g. a sweep of
        :math:`\Gamma_e` at fixed :math:`\Gamma_i`).
    protocol : Protocol, optional
        The switch-on protocol: initial state (``init``, ``mode``, ``amplitude``), weak
        initial noise (``noise``, ``t_noise``) and ``seed``; see :class:`pgrid.Protocol`.
    convergence : Convergence, optional
        When a state counts as stationary and stable: ``t_max``, ``dt``, ``tol``,
        ``check_time``, Newton's ``newton_tol`` and ``newton_iter``, the stability threshold
        ``growth_tol``, the invariant-subspace ``kick``, ...; see :class:`pgrid.Convergence`.
    continuation : bool, default: False
        Adiabatic switching protocol: along each path, every point starts from
        the previous point's solution (Newton's method first; a linearly
        stable solution is accepted at once, otherwise the point is integrated
        from the previous state).  Only the first point of a path uses
        ``init``; a point whose predecessor decayed to zero restarts from
        ``init``.  Paths run in parallel.  Sweeping a path in the opposite
        direction shows hysteresis (bistable region).  A point whose predecessor diverged
        (``throw=False``) also restarts from ``init``.
    threads : int, optional
        Numba threads (default: all).
    progress : bool, optional
        Progress bar (tqdm, shown after 2 s; default: on unless ``PGRID_PROGRESS=0``, see
        :func:`pgrid.sweep`): points done for large batches; for a few long points (large
        networks) the time integrated inside each point and when it is diagonalising its Jacobian.
    throw : bool, default: True
        If a point's integration blows up, raise :class:`pgrid.DivergenceError` (it names the
        points, says whether the dynamics or the time step is to blame, and carries the
        partial result); ``False`` returns the result with those points marked ``"diverged"``.
    **options
        Any field of :class:`pgrid.Protocol` or :class:`pgrid.Convergence` as a keyword
        (``init="mode", t_max=1e4``): it replaces that field of ``protocol`` / ``convergence``.

        Protocol: a seed on the gain sites, a normal mode (``init="mode"``; the band-centre
        one by default), random amplitudes, or given ones, each displaced by a small seeded
        random vector that breaks every symmetry of the network (``perturbation``; 0 keeps a
        *special start*, named in the message); optional weak noise.  A point is
        *stationary* when its occupations and currents stop changing (``tol``), or when a
        slow approach ends in a nearby linearly stable state found by Newton's method.
        Stationary states are refined by Newton's method and judged by their Jacobian
        (``growth_tol``): noise-free dynamics started in a symmetry-invariant subspace (the
        band-centre ``mode`` start, a seed on a symmetric network) never leaves it and can
        converge to a fixed point that is unstable in the full space; such a point is kicked
        along its most unstable mode (``kick``, at most ``max_kicks`` times): a stable state
        reached so is the result (``kicks`` counts the kicks); if the run leaves the fixed
        point without settling the point is ``"not stationary"``; if the growth is too slow
        to leave it within ``t_max`` the fixed point is kept with status ``"unstable"``.  A run
        that does not settle is kicked once in a random direction (same ``kick``) and integrated
        again: ``"not stationary"`` means the motion survived that kick.

    Returns
    -------
    SteadyState
        Arrays with a leading axis per input dimension (none for one network;
        (P,) for a list; (R, P) for paths).

    Notes
    -----
    Energy balance (Eq. S42 generalised) holds in every stationary state:
    :math:`\sum_{\rm gain}\Gamma(\alpha)|\alpha|^2 = \sum_{\rm loss}\Gamma(\alpha)|\alpha|^2
    + \sum_\ell\gamma_\ell|\alpha_\ell|^2`.

    Cost: an RK4 step costs ~40 ns per site and bond, and every stability verdict diagonalises
    the 2N x 2N Jacobian, ~2 ns x (2N)^3 (2 cores): milliseconds for the paper's networks, ~4 s
    for a chain of 600 (8 s in all), ~2 min for 2000.  A call expected to take half a minute or
    more warns up front (:class:`pgrid.errors.CostWarning`, with the range).

    Examples
    --------
    >>> import pgrid
    >>> s = pgrid.steady_state(pgrid.chain(3, gain=2.0, loss=1.0, gamma=1e-2))
    >>> bool(s.stationary)
    True
    """
    throw = flag(throw, "throw")
    continuation = flag(continuation, "continuation")
    (prot_kw, conv_kw) = split_fields(options, Protocol, Convergence)
    protocol = merged(protocol, Protocol, prot_kw)
    convergence = merged(convergence, Convergence, conv_kw)
    init, mode, amplitude = protocol.initial, protocol.mode, protocol.amplitude
    noise, t_noise, seed = protocol.noise, protocol.t_noise, protocol.seed
    c = convergence
    t_max, dt, tol, check_time = c.t_max, c.dt, c.tol, c.check_time
    if isinstance(net, Network):
        shape, nets = (), [net]
    else:
        rows = list(net)
        if rows and all(isinstance(r, Network) for r in rows):
            shape, nets = ((1, len(rows)) if continuation else (len(rows),)), rows
        elif rows and all(not isinstance(r, Network) for r in rows):
            rows = [list(r) for r in rows]
            lengths = {len(r) for r in rows}
            if len(lengths) != 1 or 0 in lengths:
                raise ValueError("`net`: all paths must be non-empty and have the same length.")
            shape, nets = (len(rows), len(rows[0])), [x for r in rows for x in r]
        else:
            raise ValueError(
                "`net` must be a Network, a list of Networks, or a list of lists of "
                "Networks (paths)."
            )
    path_len = shape[-1] if (continuation and shape) else 1
    for k, nt in enumerate(nets):
        if not isinstance(nt, Network):
            raise ValueError(f"`net` item {k} must be a pgrid.Network, got {type(nt).__name__}.")
        if nt.n_sites != nets[0].n_sites or not np.array_equal(nt.coupling, nets[0].coupling):
            raise ValueError(
                f"`net` item {k} has a different coupling matrix; a batch must share "
                "the coupling (call steady_state once per coupling)."
            )
    n = nets[0].n_sites
    npts = len(nets)
    ref = nets[0]
    gmin = min(float(nt.gamma.min()) for nt in nets)
    if t_max is None:
        t_max = float(np.clip(50.0 / gmin, 2e3, 2e5)) if gmin > 0 else 2e5
    dt_auto = stable_step(nets, "rk4")
    if dt is None:
        dt = dt_auto
    elif not (math.isfinite(dt) and 0 < dt <= 2.5 * dt_auto):
        raise ValueError(
            f"`dt` = {dt!r} is outside the RK4 stability range for these rates; "
            f"use 0 < dt <= {2.5 * dt_auto:.3g}."
        )
    steps = t_max / dt
    if not steps <= MAX_STEPS:
        raise ValueError(
            f"t_max = {t_max:g} at the RK4 step dt = {dt:.3g} (set by the fastest rate of the network, in "
            f"units of g) is {steps:.3g} steps per point, more than {MAX_STEPS:.0e} (hours per point): "
            "lower the largest rate or `t_max`."
        )
    if check_time is None:
        check_time = min(200.0, t_max / 20)
    check_steps = max(1, int(round(check_time / dt)))
    max_checks = max(2, int(math.ceil(t_max / (check_steps * dt))))
    low, high = _cost_seconds(n, ref.bonds.shape[0], t_max / dt, max_checks, c.max_kicks)
    if amplitude is None:
        res0 = next(iter(ref.gain.values()), None)
        amplitude = 1e-2 * math.sqrt(res0.n0 if res0 is not None else 1.0)
    rng = numpy_generator(seed, INIT_RANDOM)
    if isinstance(init, np.ndarray) and init.ndim == 2:  # one start per point
        if init.shape != (npts, n):
            raise ValueError(
                f"`init` has {init.shape[0]} starts of {init.shape[1]} amplitudes; this batch needs "
                f"one per point: shape ({npts}, {n}) (points in order, paths one after the other)."
            )
        x0 = init.copy()
    else:
        x0 = np.array(
            [
                initial_state(
                    nt,
                    init,
                    kinds=("seed", "mode", "random"),
                    amplitude=amplitude,
                    mode=mode,
                    rng=rng,
                )
                for nt in nets
            ]
        )
    if protocol.displacement > 0:
        x0 = perturb(x0, protocol.displacement, amplitude, numpy_generator(seed, INIT_PERTURB))

    lay = layout(nets)
    nvar = np.full((npts, n), 0.5 * noise * dt)
    n_noise_steps = int(round(t_noise / dt)) if noise > 0 else 0

    nb = ref.bonds.shape[0]
    xfr = np.zeros((npts, n))
    xfi = np.zeros((npts, n))
    stat = np.zeros(npts, np.bool_)
    om = np.zeros(npts)
    t_end = np.zeros(npts)
    jm = np.zeros((npts, nb))
    jlo = np.zeros((npts, nb))
    jhi = np.zeros((npts, nb))
    occ = np.zeros((npts, n))
    div = np.zeros(npts, np.bool_)
    growth = np.zeros(npts)
    kicks = np.zeros(npts, np.int64)
    clock = np.zeros((npts, 2))
    outcome = _k.Outcome(xfr, xfi, stat, om, t_end, jm, jlo, jhi, occ, div, growth, kicks, clock)
    settings = _k.Settings(
        float(dt),
        check_steps,
        max_checks,
        float(tol),
        float(c.slow_approach),
        float(c.newton_match),
        float(c.newton_tol),
        int(c.newton_iter),
        float(c.growth_tol),
        float(c.kick),
        int(c.max_kicks),
        float(c.left_fixed_point),
        n_noise_steps,
        np.uint64(seed),
    )
    n_paths = npts // path_len
    x0r, x0i = split_complex(x0)
    announce_compilation(_k.solve_many, "steady-state kernel")
    with numba_threads(threads) as n_thr:
        rounds = -(-n_paths // n_thr) * path_len  # points one after the other per thread
        if rounds * low >= COST_WARNING_SECONDS:  # said before the kernel starts
            import warnings

            from .errors import CostWarning

            warnings.warn(
                f"steady_state on {n} sites ({npts} point(s)): expect {_duration(rounds * low)} to "
                f"{_duration(rounds * high)} (per point: every stability verdict diagonalises the "
                f"{2 * n}x{2 * n} Jacobian, ~{_duration(low)} on a 2-core machine, and the integration "
                f"runs up to t_max = {t_max:g}, {t_max / dt:.3g} RK4 steps); a progress bar follows each "
                "point; pgrid.simulate or a smaller network first gives a quicker look",
                CostWarning,
                stacklevel=2,
            )
        # Large batches run in chunks of paths so that a progress bar can follow them; the
        # results do not depend on the chunking (point p always uses random stream p).
        show = progress_enabled(progress) and n_paths > 8 * n_thr
        chunk = max(4 * n_thr, -(-n_paths // 25)) if show else n_paths
        bar = progress_bar(npts, "steady states", unit="pt", enabled=show)
        # a few long points: a bar that follows the integration inside each (read from the kernel's clock)
        inner = progress_enabled(progress) and not show and rounds * high >= INNER_PROGRESS_SECONDS
        try:
            with _FollowPoints(clock, t_max, n, enabled=inner):
                for start in range(0, n_paths, chunk):
                    stop = min(n_paths, start + chunk)
                    _k.solve_many(x0r, x0i, path_len, lay, settings, nvar, start, stop, outcome)
                    if bar is not None:
                        bar.update((stop - start) * path_len)
        finally:
            if bar is not None:
                bar.close()
    alpha = xfr + 1j * xfi
    for arr in (alpha, occ, jm, jlo, jhi):
        arr[div] = np.nan
    stat[div] = False
    growth[div] = np.nan
    resid = np.array(
        [
            np.max(np.abs(drift(nt, alpha[p]) + 1j * om[p] * alpha[p])) if not div[p] else np.nan
            for p, nt in enumerate(nets)
        ]
    )
    status = np.where(
        ~stat,
        "not stationary",
        np.where(
            growth < -c.growth_tol,
            "stable",
            np.where(growth > c.growth_tol, "unstable", "marginal"),
        ),
    ).astype("<U14")
    status[div] = "diverged"
    lossless = np.array([_lossless(nt) for nt in nets], bool)
    msg = _status_message(
        status, growth, kicks, t_max, shape, c.kick if c.max_kicks > 0 else 0.0, lossless
    )
    if protocol.special:
        msg = (
            "SPECIAL START (perturbation=0): the start may lie in an invariant subspace of the noise-free "
            "dynamics (a symmetry of the network), which it never leaves; the verdicts hold in that subspace "
            "only; " + msg
        )
    if np.any(div):
        first = int(np.argmax(div))
        where = np.unravel_index(first, shape) if shape else first
        msg = (
            f"{int(div.sum())} of {npts} point(s) diverged (first: {where}): "
            f"{divergence_reason(nets[first], dt)}; " + msg
        )
    out = lambda x: x.reshape(shape + x.shape[1:])  # noqa: E731
    result = SteadyState(
        alpha=out(alpha),
        occupation=out(occ),
        current=out(jm),
        current_amplitude=out(0.5 * (jhi - jlo)),
        frequency=out(om),
        stationary=out(stat),
        t_end=out(t_end),
        residual=out(resid),
        max_growth=out(growth),
        stable=out(status == "stable"),
        status=out(status),
        kicks=out(kicks),
        success=out(~div),
        message=msg,
        protocol=protocol,
        convergence=convergence,
        bonds=np.array(ref.bonds),
        bond_coupling=np.array(ref.bond_coupling),
        networks=_object_array(nets, shape),
    )
    if throw and np.any(div):
        raise DivergenceError(
            msg + "  (throw=False returns the other points)",
            result=result,
            points=np.flatnonzero(div).tolist(),
        )
    return result


def _object_array(items, shape) -> np.ndarray:
    """``items`` (a flat list) as an object array of ``shape``."""
    arr = np.empty(len(items), dtype=object)
    for k, x in enumerate(items):
        arr[k] = x
    return arr.reshape(shape)


#: Expected seconds from which :func:`steady_state` announces its cost up front (a
#: :class:`pgrid.errors.CostWarning`; the estimate is :func:`_cost_seconds`'s lower bound).
COST_WARNING_SECONDS = 30.0

#: Estimated seconds (upper bound) from which a call with a few points shows a progress bar that
#: follows the integration inside each point (tqdm, shown after 2 s).
INNER_PROGRESS_SECONDS = 2.0

#: How often (s) that bar reads the kernel's clock.
POLL_SECONDS = 0.5

# Cost model of one point, measured on the reference machine (2 cores, 2026): an RK4 step costs
# ~40 ns per site and bond (chains of 100-1000); a stability verdict diagonalises the real 2N x 2N
# Jacobian as a complex matrix with eigenvectors, ~2 ns per (2N)^3 (N = 400-800: 1.1 s, 6.7 s).
_RK4_SECONDS = 4e-8
_EIG_SECONDS = 2e-9


def _cost_seconds(
    n: int, nb: int, steps: float, max_checks: int, max_kicks: int
) -> tuple[float, float]:
    """(lower, upper) estimate of the seconds one :func:`steady_state` point takes.

    Lower: one stability verdict (every point gets one: an eigen-decomposition of the 2N x 2N
    Jacobian) and no integration.  Upper: the integration to ``t_max`` and every Newton attempt of a
    slow approach (backed off exponentially: at most log2(max_checks) + 1 verdicts), for the first
    run and each of the ``max_kicks`` kicks.
    """
    eig = _EIG_SECONDS * (2.0 * n) ** 3
    run = _RK4_SECONDS * (n + nb) * steps + (math.log2(max(1, max_checks)) + 2.0) * eig
    return eig, (1 + max_kicks) * run


def _duration(seconds: float) -> str:
    """``seconds`` as a rounded human duration ("40 s", "3 min", "2.5 h")."""
    if seconds < 90:
        return f"{seconds:.2g} s"
    if seconds < 5400:
        return f"{seconds / 60:.2g} min"
    return f"{seconds / 3600:.2g} h"


class _FollowPoints:
    """Context manager: while the kernel runs (it releases the GIL), a thread reads its clock
    (``Outcome.clock``: time integrated in each point's current run, and its phase) every
    :data:`POLL_SECONDS` and shows it as a bar of simulated time, ``t_max`` per point; its text
    says when a point is diagonalising its Jacobian (no progress to show inside that call)."""

    def __init__(self, clock: np.ndarray, t_max: float, n_sites: int, *, enabled: bool):
        self.clock, self.t_max, self.n_sites, self.enabled = clock, float(t_max), n_sites, enabled
        self.bar = self.thread = None

    def __enter__(self):
        if not self.enabled:
            return self
        import threading

        npts = self.clock.shape[0]
        self.bar = progress_bar(
            int(math.ceil(npts * self.t_max)), "steady state: integrating", unit=" t*g"
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._poll, name="pgrid-steady-state-progress", daemon=True
        )
        self.thread.start()
        return self

    def _poll(self):
        while not self.stop.wait(POLL_SECONDS):
            self.show()

    def show(self):
        t, phase = self.clock[:, 0].copy(), self.clock[:, 1].copy()
        done = phase == _k.PHASE_DONE
        value = float(np.where(done, self.t_max, np.minimum(t, self.t_max)).sum())
        busy = phase == _k.PHASE_EIGENVALUES
        desc = (
            f"steady state: stability verdict ({2 * self.n_sites}x{2 * self.n_sites} eigenproblem)"
            if busy.any()
            else "steady state: integrating"
        )
        self.bar.set_description_str(desc, refresh=False)
        self.bar.n = int(value)
        self.bar.refresh()

    def __exit__(self, *exc):
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
            self.bar.close()
        return False


#: Most RK4 steps :func:`steady_state` takes per point (``t_max / dt``); more is refused up front.
MAX_STEPS = 1e10


def _lossless(net: Network) -> bool:
    """The network has gain but no channel that removes energy (no loss reservoir, gamma = 0 everywhere)."""
    return bool(net.gain and not net.loss and np.all(np.asarray(net.gamma) == 0))


def _status_message(status, growth, kicks, t_max, shape, kick=0.0, lossless=None) -> str:
    """One line per kind of point that is not stable, naming the first few points."""
    npts = status.size

    def where(mask):
        return ", ".join(
            str(np.unravel_index(k, shape) if shape else k) for k in np.flatnonzero(mask)[:4]
        ) + (", ..." if mask.sum() > 4 else "")

    parts = []
    bad = status == "unstable"
    if bad.any():
        parts.append(
            f"{int(bad.sum())} of {npts} point(s) stationary but linearly UNSTABLE (largest growth "
            f"rate {np.nanmax(growth[bad]):.3g} g; a kick along the unstable mode did not leave the "
            f"fixed point within t_max = {t_max:g}): not steady states of the full dynamics [{where(bad)}]"
        )
    bad = status == "marginal"
    if bad.any():
        parts.append(
            f"{int(bad.sum())} of {npts} point(s) stationary but marginal (|growth| <= growth_tol): "
            f"stability not established [{where(bad)}]"
        )
    growing = (status == "not stationary") & (
        np.zeros(status.shape, bool)
        if lossless is None
        else np.asarray(lossless, bool).reshape(status.shape)
    )
    if growing.any():
        parts.append(
            f"{int(growing.sum())} of {npts} point(s) STILL GROWING at t_max = {t_max:g}: the network has "
            "gain but no loss reservoir and gamma = 0 on every site, so the energy the gain injects has "
            f"nowhere to go and no stationary state exists [{where(growing)}]"
        )
    bad = (status == "not stationary") & ~growing
    if bad.any():
        shaken = int((bad & (kicks > 0)).sum())
        survived = (
            " (not kicked)"
            if shaken == 0
            else " (the motion survived a random kick of relative size "
            + f"{kick:g}"
            + ("" if shaken == bad.sum() else f" at {shaken} of them; the others were not kicked")
            + ")"
        )
        parts.append(
            f"{int(bad.sum())} of {npts} point(s) not stationary within t_max = {t_max:g}"
            f"{survived}: oscillating or multimode, time averages over the last window are "
            f"reported [{where(bad)}]"
        )
    if not parts:
        parts.append(
            "the other points stationary and linearly stable"
            if np.any(status == "diverged")
            else "all points stationary and linearly stable"
        )
    kicked = (kicks > 0) & (status == "stable")
    if kicked.any():
        parts.append(
            f"{int(kicked.sum())} point(s) reached a stable state only after a kick (off an unstable "
            "fixed point or out of a motion that had not settled)"
        )
    return "; ".join(parts)
