r"""Network description shared by every pgrid solver.

A :class:`Network` is pure data: the (real symmetric, or complex Hermitian: a synthetic
flux) coupling matrix :math:`g_{\ell m}`, the
bath (rate :math:`\gamma_\ell`, occupation :math:`N_{\rm th}`), optional
detunings :math:`\Delta_\ell` and the saturable gain and loss reservoirs, one
:class:`Reservoir` per active site.  The deterministic solver, the SDE engine
and the quantum solver all read the same object, so chains, grids, disorder
and per-site reservoirs need no separate code paths.

Conventions (Eq. 1 of the paper, with :math:`\hbar = 1`, frame rotating at
:math:`\omega_0`)

.. math::

    H = -\frac{1}{2}\sum_{\ell m} g_{\ell m} a_\ell^\dagger a_m
        + \sum_\ell \Delta_\ell a_\ell^\dagger a_\ell ,

gain at site :math:`\ell` enters as :math:`\Gamma\,\mathcal{D}[A_\ell^\dagger]`,
loss as :math:`\Gamma\,\mathcal{D}[A_\ell]`, with :math:`A = f(a^\dagger a)\,a`
and :math:`f(n) = (1+n/n_0)^{-\nu/2}` (Eq. S4).  Semiclassically the
saturated rate is :math:`\Gamma(\alpha) = \Gamma f^2(|\alpha|^2)
= \Gamma (1+|\alpha|^2/n_0)^{-\nu}`.

References
----------
J. Huber and P. Rabl, "Anomalous energy transport and symmetry breaking
in microscopic power grids" (2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from ._validate import complex_array, integer, number, real_array

__all__ = ["Reservoir", "Network", "chain", "square_grid", "ring", "loop_fluxes", "site_inflow"]


@dataclass(frozen=True)
class Reservoir:
    r"""A saturable gain or loss channel (Eq. S4 of the paper).

    Parameters
    ----------
    rate : float
        Bare rate :math:`\Gamma \ge 0` (units of g).
    n0 : float, default: 1.0
        Saturation occupation number :math:`n_0 > 0`.
    nu : float, default: 2.0
        Saturation exponent :math:`\nu \ge 0`; the main text uses
        :math:`\nu = 2`, the supplement also :math:`\nu = 1, 3`.

    Notes
    -----
    The semiclassical rate is :math:`\Gamma(\alpha) = \Gamma\,(1+|\alpha|^2/n_0)^{-\nu}`
    (below Eq. 5 of the paper).

    Examples
    --------
    >>> float(Reservoir(4.0, n0=10.0).saturated_rate(10.0))
    1.0
    """

    rate: float
    n0: float = 1.0
    nu: float = 2.0

    def __post_init__(self):
        rate = number(self.rate, "rate")
        n0 = number(self.n0, "n0")
        nu = number(self.nu, "nu")
        if rate < 0:
            raise ValueError(
                f"`rate` must be >= 0, got {rate}. Gain and loss are "
                "chosen by putting the reservoir in `gain` or `loss`."
            )
        if n0 <= 0:
            raise ValueError(f"`n0` must be > 0, got {n0}.")
        if nu < 0:
            raise ValueError(f"`nu` must be >= 0, got {nu}.")
        object.__setattr__(self, "rate", rate)
        object.__setattr__(self, "n0", n0)
        object.__setattr__(self, "nu", nu)

    def saturated_rate(self, occupation):
        r""":math:`\Gamma(\alpha) = \Gamma (1 + |\alpha|^2/n_0)^{-\nu}` for ``occupation`` :math:`=|\alpha|^2`."""
        return self.rate * (1.0 + np.asarray(occupation) / self.n0) ** (-self.nu)


def _phases(flux: float, n_bonds: int, on: str) -> np.ndarray:
    if on == "spread":
        return np.full(n_bonds, flux / n_bonds)
    if on == "bond":
        out = np.zeros(n_bonds)
        out[-1] = flux
        return out
    raise ValueError(
        f"`flux_on` must be 'spread' (Phi/N on every bond) or 'bond' (all on the bond N-1 -> 0), "
        f"got {on!r}."
    )


def _as_reservoir(value, name: str) -> Reservoir:
    if isinstance(value, Reservoir):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(
            f"`{name}` must be a Reservoir or a rate (number), got the boolean {value!r}; "
            "give the rate (units of g), e.g. 1.0, or leave the site out."
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        return Reservoir(float(value))
    raise ValueError(f"`{name}` must be a Reservoir or a rate (number), got {value!r}.")


def _per_site(value, n: int, name: str, *, nonneg: bool = True) -> np.ndarray:
    arr = real_array(value, name, what="a real number or an array of real numbers")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(
            f"`{name}` must be a number or an array of length {n}, got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contains NaN or inf: {arr}.")
    if nonneg and np.any(arr < 0):
        raise ValueError(f"`{name}` must be >= 0, got {arr}.")
    arr.setflags(write=False)
    return arr


def _reservoir_dict(mapping, n: int, name: str) -> dict:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ValueError(
            f"`{name}` must be a dict site -> Reservoir, got {type(mapping).__name__}."
        )
    out = {}
    for site, res in mapping.items():
        if isinstance(site, bool) or not isinstance(site, (int, np.integer)):
            raise ValueError(f"`{name}`: site {site!r} is not an integer index.")
        if not 0 <= int(site) < n:
            raise ValueError(f"`{name}`: unknown site {site}; sites are 0..{n - 1}.")
        out[int(site)] = _as_reservoir(res, f"{name}[{site}]")
    return dict(sorted(out.items()))


class Network:
    r"""An active oscillator network: coupling, bath, detuning, gain and loss.

    Parameters
    ----------
    coupling : array_like, shape (N, N)
        Hopping matrix :math:`g_{\ell m}` with zero diagonal,
        :math:`H = -\frac12\sum_{\ell m} g_{\ell m} a_\ell^\dagger a_m`: real symmetric, or
        complex Hermitian (:math:`g_{m\ell} = g_{\ell m}^*`; a synthetic flux through the
        network's loops, see :func:`ring` and :func:`loop_fluxes`).  A complex matrix whose
        imaginary parts all vanish is taken as real.
    gamma : float or array_like, shape (N,)
        Bare damping rate :math:`\gamma` of every site (or per site).
    n_th : float or array_like, shape (N,), default: 0.0
        Thermal occupation :math:`N_{\rm th}` of the bath (or per site).
    gain, loss : dict {site: Reservoir or float}
        Saturable gain (jump operator :math:`A^\dagger`) and loss (jump
        :math:`A`) channels; a number means ``Reservoir(number)``.
    detuning : array_like, shape (N,), optional
        On-site frequency offsets :math:`\Delta_\ell` (disorder, Fig. S5).

    Attributes
    ----------
    n_sites : int
    bonds : ndarray of int, shape (n_bonds, 2)
        Coupled pairs (i, j) with i < j, in row-major order.
    bond_coupling : ndarray, shape (n_bonds,)
        :math:`g_{ij}` of each bond (complex for a complex coupling).  The current on bond
        :math:`(i, j)` is :math:`J_{ij} = {\rm Im}(g_{ij}\alpha_i^*\alpha_j)`, positive from
        :math:`i` to :math:`j`; for real coupling :math:`g_{ij}{\rm Im}(\alpha_i^*\alpha_j)` (Eq. 6).
    is_complex : bool
        The coupling has complex entries (a flux).

    Raises
    ------
    ValueError
        For N < 2, a non-square, non-symmetric (non-Hermitian) or non-finite coupling,
        a negative rate or occupation, an unknown site.

    Notes
    -----
    A network is a value: its arrays are read-only, ``gain`` and ``loss`` are read-only
    mappings, no attribute can be set after construction (use :meth:`replace` for a
    changed copy), and two networks with the same data compare equal and hash alike,
    so they can be dictionary keys and cache keys.

    Examples
    --------
    >>> net = chain(3, gain=4.0, loss=2.0, gamma=1e-2)
    >>> net == net.replace(), hash(net) == hash(net.replace())
    (True, True)
    >>> net.replace(gamma=2e-2) == net
    False
    """

    def __init__(self, coupling, *, gamma, n_th=0.0, gain=None, loss=None, detuning=None):
        g = complex_array(
            coupling, "coupling", what="a real symmetric or complex Hermitian N x N matrix"
        )
        if g.ndim != 2 or g.shape[0] != g.shape[1]:
            raise ValueError(f"`coupling` must be a square N x N matrix, got shape {g.shape}.")
        n = g.shape[0]
        if n < 2:
            raise ValueError(f"`coupling` describes N = {n} sites; a network needs N >= 2.")
        if not np.all(np.isfinite(g)):
            raise ValueError("`coupling` contains NaN or inf.")
        cplx = np.iscomplexobj(g)
        if not np.allclose(g, g.conj().T, rtol=0, atol=1e-12 * max(1.0, np.abs(g).max())):
            if cplx:
                raise ValueError(
                    "`coupling` must be Hermitian (g_ml = conj(g_lm)): a hopping phase phi on the "
                    "bond l -> m needs g_lm = |g| e^{i phi} and g_ml = |g| e^{-i phi}."
                )
            raise ValueError("`coupling` must be symmetric (g_lm = g_ml).")
        if np.any(np.diag(g) != 0):
            raise ValueError(
                "`coupling` must have a zero diagonal; put on-site frequencies into `detuning`."
            )
        g = 0.5 * (g + g.conj().T)
        g.setflags(write=False)
        set_ = object.__setattr__
        set_(self, "coupling", g)
        set_(self, "is_complex", bool(cplx))
        set_(self, "n_sites", n)
        set_(self, "gamma", _per_site(gamma, n, "gamma"))
        set_(self, "n_th", _per_site(n_th, n, "n_th"))
        set_(
            self,
            "detuning",
            _per_site(0.0 if detuning is None else detuning, n, "detuning", nonneg=False),
        )
        set_(self, "gain", MappingProxyType(_reservoir_dict(gain, n, "gain")))
        set_(self, "loss", MappingProxyType(_reservoir_dict(loss, n, "loss")))
        iu, ju = np.nonzero(np.triu(g, 1) != 0)
        bonds = np.stack([iu, ju], axis=1).astype(np.int64)
        bonds.setflags(write=False)
        set_(self, "bonds", bonds)
        bond_coupling = g[iu, ju]
        bond_coupling.setflags(write=False)
        set_(self, "bond_coupling", bond_coupling)

    # -- a value: read-only, equal and hashable by content --------------------
    def __setattr__(self, name, value):
        raise AttributeError(
            f"a pgrid.Network is read-only (cannot set `{name}`); make a changed copy "
            f"with net.replace({name}=...)."
        )

    def __delattr__(self, name):
        raise AttributeError(f"a pgrid.Network is read-only (cannot delete `{name}`).")

    def _key(self):
        """The data that defines the network (-0.0 and 0.0 identified, as == does)."""
        arrays = tuple(
            (a + 0.0).tobytes() for a in (self.coupling, self.gamma, self.n_th, self.detuning)
        )
        return (self.n_sites, arrays, tuple(self.gain.items()), tuple(self.loss.items()))

    def __eq__(self, other):
        if not isinstance(other, Network):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __reduce__(self):
        return (
            _rebuild,
            (self.coupling, self.gamma, self.n_th, dict(self.gain), dict(self.loss), self.detuning),
        )

    # -- convenience -------------------------------------------------------
    def replace(self, **changes) -> "Network":
        """A copy with some constructor arguments changed (``gain``, ``gamma``, ...)."""
        kw = dict(
            coupling=self.coupling,
            gamma=self.gamma,
            n_th=self.n_th,
            gain=self.gain,
            loss=self.loss,
            detuning=self.detuning,
        )
        unknown = set(changes) - set(kw)
        if unknown:
            raise ValueError(f"unknown Network field(s) {sorted(unknown)}; allowed: {sorted(kw)}.")
        kw.update(changes)
        return Network(kw.pop("coupling"), **kw)

    def bond_index(self, i: int, j: int) -> int:
        """Index of the bond (i, j) in ``bonds`` (and in every per-bond array).

        Per-bond currents are positive from the smaller to the larger site index;
        for ``i > j`` flip the sign yourself.

        Raises
        ------
        ValueError
            If ``i`` or ``j`` is not a site, or the two sites are not coupled.
        """
        for name, s in (("i", i), ("j", j)):
            if (
                isinstance(s, bool)
                or not isinstance(s, (int, np.integer))
                or not 0 <= s < self.n_sites
            ):
                raise ValueError(f"`{name}`: unknown site {s!r}; sites are 0..{self.n_sites - 1}.")
        a, b = sorted((int(i), int(j)))
        hit = np.nonzero((self.bonds[:, 0] == a) & (self.bonds[:, 1] == b))[0]
        if hit.size == 0:
            raise ValueError(f"sites {i} and {j} are not coupled; bonds: {self.bonds.tolist()}.")
        return int(hit[0])

    def reservoir_arrays(self):
        """Per-site arrays (rate, n0, nu) for gain and loss, zeros where absent.

        Returns
        -------
        gain_rate, gain_n0, gain_nu, loss_rate, loss_n0, loss_nu : ndarray, shape (N,)
        """
        n = self.n_sites
        arrays = []
        for table in (self.gain, self.loss):
            rate, n0, nu = np.zeros(n), np.ones(n), np.full(n, 2.0)
            for s, r in table.items():
                rate[s], n0[s], nu[s] = r.rate, r.n0, r.nu
            arrays += [rate, n0, nu]
        return tuple(arrays)

    def saturated_rates(self, alpha):
        r"""Gain and loss rates :math:`\Gamma(\alpha_\ell)` per site for amplitudes ``alpha``.

        ``alpha`` may carry leading batch axes; the last axis is the site.
        Returns ``(gain, loss)``, each shaped like ``alpha``.
        """
        occ = np.abs(np.asarray(alpha)) ** 2
        gr, gn0, gnu, lr, ln0, lnu = self.reservoir_arrays()
        return gr * (1 + occ / gn0) ** (-gnu), lr * (1 + occ / ln0) ** (-lnu)

    def linear_matrix(self, gain_rate=None, loss_rate=None) -> np.ndarray:
        r"""Dynamical matrix :math:`M` of the linearised chain, :math:`\dot\alpha = M\alpha`.

        :math:`M = \frac{i}{2} g - i\,\mathrm{diag}(\Delta)
        + \frac12\mathrm{diag}(\Gamma^{\rm gain} - \Gamma^{\rm loss} - \gamma)`,
        with constant (unsaturated) rates by default: the "linear chain" of
        the supplement (Fig. S3).
        """
        gr, _, _, lr, _, _ = self.reservoir_arrays()
        gr = gr if gain_rate is None else np.asarray(gain_rate, float)
        lr = lr if loss_rate is None else np.asarray(loss_rate, float)
        m = 0.5j * self.coupling - 1j * np.diag(self.detuning)
        return m + np.diag(0.5 * (gr - lr - self.gamma))

    def growth_at_large_amplitude(self) -> float:
        r"""Largest growth rate of the network far above saturation (units of g).

        For :math:`|\alpha|^2 \gg n_0` a reservoir with :math:`\nu > 0` switches off and one
        with :math:`\nu = 0` keeps its bare rate; the linear matrix with those rates decides
        whether the noise-free dynamics can grow without bound.  Positive: it can (gain that
        does not saturate, unbalanced by loss), and no time step of any solver prevents it.
        """
        gr, _, gnu, lr, _, lnu = self.reservoir_arrays()
        m = self.linear_matrix(
            gain_rate=np.where(gnu == 0, gr, 0.0), loss_rate=np.where(lnu == 0, lr, 0.0)
        )
        return float(np.max(np.linalg.eigvals(m).real))

    def __repr__(self):
        gain = {k: (v.rate, v.n0, v.nu) for k, v in self.gain.items()}
        loss = {k: (v.rate, v.n0, v.nu) for k, v in self.loss.items()}
        return (
            f"Network(N={self.n_sites}, bonds={len(self.bonds)}, gamma={self.gamma.max():g}, "
            f"n_th={self.n_th.max():g}, gain={gain}, loss={loss})"
        )


def _rebuild(coupling, gamma, n_th, gain, loss, detuning):
    """Unpickling (the read-only mappings do not pickle themselves)."""
    return Network(coupling, gamma=gamma, n_th=n_th, gain=gain, loss=loss, detuning=detuning)


def chain(n_sites, *, gain, loss, gamma, n_th=0.0, g=1.0, detuning=None) -> Network:
    r"""A chain of ``n_sites`` oscillators with gain on site 0 and loss on the last site.

    This is the network of Fig. 1 and Eqs. (3)–(5) of the paper (sites are numbered
    from 0 here, from 1 in the paper).

    Parameters
    ----------
    n_sites : int
        Number of oscillators, N >= 2.
    gain, loss : Reservoir or float
        Injection :math:`\Gamma_i` at site 0 and extraction :math:`\Gamma_e`
        at site N-1 (a number means ``Reservoir(number)``, i.e. n0 = 1, nu = 2).
    gamma, n_th : float
        Bath rate and occupation.
    g : float, default: 1.0
        Nearest-neighbour coupling.

    Examples
    --------
    >>> net = chain(4, gain=4.0, loss=2.0, gamma=1e-3)
    >>> net.bonds.tolist()
    [[0, 1], [1, 2], [2, 3]]
    """
    n = integer(n_sites, "n_sites")
    if n < 2:
        raise ValueError(f"`n_sites` must be >= 2, got {n}.")
    gval = number(g, "g")
    c = np.zeros((n, n))
    idx = np.arange(n - 1)
    c[idx, idx + 1] = c[idx + 1, idx] = gval
    return Network(
        c,
        gamma=gamma,
        n_th=n_th,
        gain={0: _as_reservoir(gain, "gain")},
        loss={n - 1: _as_reservoir(loss, "loss")},
        detuning=detuning,
    )


def square_grid(rows, cols, *, gain, loss, gamma, n_th=0.0, g=1.0, detuning=None) -> Network:
    r"""A ``rows`` x ``cols`` square lattice, sites numbered row by row from 0.

    Site (r, c) has index ``r * cols + c``; nearest neighbours are coupled
    with strength ``g``.  ``gain`` and ``loss`` are dicts site -> Reservoir
    (Fig. 5 of the paper uses a 3 x 3 grid).
    """
    r_, c_ = integer(rows, "rows"), integer(cols, "cols")
    n = r_ * c_
    if n < 2:
        raise ValueError(f"a grid needs at least 2 sites, got rows={rows}, cols={cols}.")
    gval = number(g, "g")
    c = np.zeros((n, n))
    for r in range(r_):
        for k in range(c_):
            s = r * c_ + k
            if k + 1 < c_:
                c[s, s + 1] = c[s + 1, s] = gval
            if r + 1 < r_:
                c[s, s + c_] = c[s + c_, s] = gval
    return Network(c, gamma=gamma, n_th=n_th, gain=gain, loss=loss, detuning=detuning)


def ring(
    n_sites, *, gain, loss, gamma, flux=0.0, flux_on="spread", n_th=0.0, g=1.0, detuning=None
) -> Network:
    r"""A ring of ``n_sites`` oscillators threaded by a synthetic flux :math:`\Phi`.

    Site :math:`\ell` is coupled to :math:`\ell + 1` (and :math:`N-1` to 0) with
    :math:`g_{\ell,\ell+1} = g\,e^{i\phi_\ell}`, :math:`g_{\ell+1,\ell} = g\,e^{-i\phi_\ell}`, and
    :math:`\sum_\ell\phi_\ell = \Phi`: the phase picked up once around the ring
    (:func:`loop_fluxes`).  Only :math:`\Phi` is physical: a gauge transformation
    :math:`\alpha_\ell\to e^{i\theta_\ell}\alpha_\ell` moves the phases between bonds.

    Parameters
    ----------
    n_sites : int
        N >= 3 (two sites form no loop).
    gain, loss : dict {site: Reservoir or float}
        As in :class:`Network`.
    gamma, n_th, detuning : as in :class:`Network`.
    flux : float
        :math:`\Phi` in radians (:math:`\Phi = \pi` makes every hopping amplitude around the ring
        interfere destructively with its partner for a ring of even length).
    flux_on : {"spread", "bond"}
        ``"spread"``: :math:`\phi_\ell = \Phi/N` on every bond; ``"bond"``: all of it on the bond
        :math:`N-1\to0` (the same physics: a different gauge).
    g : float
        The hopping strength :math:`|g_{\ell m}|`.

    Examples
    --------
    >>> net = ring(4, gain={0: 4.0}, loss={2: 2.0}, gamma=1e-2, flux=0.5)
    >>> [round(phi, 12) for _, phi in loop_fluxes(net)]
    [0.5]
    >>> net.is_complex, ring(4, gain={0: 4.0}, loss={2: 2.0}, gamma=1e-2).is_complex
    (True, False)
    """
    n = integer(n_sites, "n_sites")
    if n < 3:
        raise ValueError(f"`n_sites` must be >= 3 for a ring (two sites form no loop), got {n}.")
    gval = number(g, "g")
    phi = _phases(number(flux, "flux"), n, flux_on)
    c = np.zeros((n, n), complex)
    for k in range(n):
        c[k, (k + 1) % n] = gval * np.exp(1j * phi[k])
        c[(k + 1) % n, k] = gval * np.exp(-1j * phi[k])
    return Network(c, gamma=gamma, n_th=n_th, gain=gain, loss=loss, detuning=detuning)


def loop_fluxes(net: Network) -> list:
    r"""The flux through every independent loop of a network.

    A spanning tree of the coupling graph (breadth first from site 0) leaves one bond
    :math:`(i, j)` outside it per independent loop; the loop runs from :math:`j` back to
    :math:`i` through the tree and closes with the bond :math:`i\to j`.  Its flux is
    :math:`\Phi = \arg\prod g_{\ell m}` over the loop's bonds :math:`\ell\to m` in that order,
    in :math:`(-\pi, \pi]`: gauge invariant, and zero for every loop of a real coupling with
    positive bonds (:math:`\pi` for a loop with an odd number of negative ones).

    Returns
    -------
    list of (sites, flux)
        ``sites``: the loop's sites in order (the closing bond from the last back to the
        first), ``flux`` in radians.  Empty for a tree (a chain: any phases are a gauge choice).
    """
    n = net.n_sites
    nbrs = [np.flatnonzero(net.coupling[k]).tolist() for k in range(n)]
    parent = {}
    tree = set()
    for root in range(n):  # every connected component
        if root in parent:
            continue
        parent[root] = -1
        frontier = [root]
        while frontier:
            nxt = []
            for k in frontier:
                for m in nbrs[k]:
                    if m not in parent:
                        parent[m] = k
                        tree.add((min(k, m), max(k, m)))
                        nxt.append(m)
            frontier = nxt

    def to_root(k):
        path = [k]
        while parent[path[-1]] >= 0:
            path.append(parent[path[-1]])
        return path

    out = []
    for i, j in net.bonds.tolist():
        if (i, j) in tree:
            continue
        pi, pj = to_root(i), to_root(j)
        common = next(x for x in pi if x in set(pj))
        up = pj[: pj.index(common) + 1]  # j ... common
        down = pi[: pi.index(common)][::-1]  # (below common) ... i
        sites = up + down  # j -> common -> i, then the bond i -> j closes it
        prod = 1.0 + 0j
        for a, b in zip(sites, sites[1:] + sites[:1]):
            prod *= net.coupling[a, b]
        out.append((sites, float(np.angle(prod))))
    return out


def site_inflow(net: Network, current) -> np.ndarray:
    r"""Net current into every site from per-bond currents.

    :math:`I_\ell = \sum_{(i,\ell)} J_{i\ell} - \sum_{(\ell,j)} J_{\ell j}` over the bonds of
    ``net`` (``net.bonds`` order, currents positive from i to j).  In a stationary state the
    inflow of a loss site is the power it absorbs plus its bath loss,
    :math:`\Gamma(\alpha_\ell)|\alpha_\ell|^2 + \gamma_\ell|\alpha_\ell|^2` (Eq. S42, site by site).

    Parameters
    ----------
    net : Network
    current : array_like, shape (..., n_bonds)
        Any solver's bond currents (leading batch axes allowed).

    Returns
    -------
    ndarray, shape (..., N)

    Examples
    --------
    >>> net = chain(3, gain=4.0, loss=2.0, gamma=1e-2)
    >>> site_inflow(net, [0.5, 0.4]).round(12).tolist()
    [-0.5, 0.1, 0.4]
    """
    current = np.asarray(current, float)
    if current.shape[-1:] != (len(net.bonds),):
        raise ValueError(
            f"`current` must have a last axis of length n_bonds = {len(net.bonds)}, got shape "
            f"{current.shape}."
        )
    out = np.zeros(current.shape[:-1] + (net.n_sites,))
    for b, (i, j) in enumerate(net.bonds):
        out[..., j] += current[..., b]
        out[..., i] -= current[..., b]
    return out
