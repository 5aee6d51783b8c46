r"""Symmetries of a network's noise-free dynamics and their invariant subspaces.

A *symmetry* maps solutions of the noise-free equations (Eqs. 3-5 without noise, see
:func:`pgrid.steady_state`) onto solutions.  Two kinds are found:

* **linear** maps :math:`\alpha \to D P\alpha` (:math:`P` a permutation of the sites, :math:`D` a
  diagonal of phases): a symmetry when :math:`P` maps every site's bath, detuning and reservoirs
  onto an identical site's and :math:`D P g P^{\mathsf T} D^* = g` (mirror symmetries of chains and
  grids, rotations of rings; on a loop with a flux, a reflection only with a conjugation);
* **antilinear** maps :math:`\alpha \to D P\alpha^*`: a symmetry when
  :math:`D P g^* P^{\mathsf T} D^* = -g` and the detunings change sign (every detuning zero for the
  networks of the paper).  The conjugation map :math:`\alpha_\ell \to (-1)^\ell\alpha_\ell^*` of a
  real bipartite network is one (:math:`D` the sublattice signs), and flux reversal combined with a
  reflection of a ring is another.

The identity is not listed.  Every symmetry :math:`S` has invariant subspaces: if
:math:`S\alpha(0) = e^{i\theta}\alpha(0)` then :math:`S\alpha(t) = e^{i\theta}\alpha(t)` for all
times (both sides solve the equations from the same start), so noise-free dynamics started there
never leaves; a real seed on a real bipartite network lies in one (only non-rotating, ω = 0, states
live there), a mirror-symmetric start in another.  :func:`pgrid.invariant_subspaces` names the ones a state
lies in; :func:`pgrid.equivalent` says whether two states are images of each other (the same attractor up
to a symmetry), which is how :func:`pgrid.attractors` counts the attractors random starts reach.

>>> import pgrid
>>> [s.name for s in pgrid.symmetries(pgrid.chain(4, gain=2.0, loss=2.0, gamma=1e-2))]
['conjugation (bipartite)']
>>> ring = pgrid.ring(4, gain={0: 4.0}, loss={2: 5.0}, gamma=2e-2)
>>> [(s.name, s.permutation) for s in pgrid.symmetries(ring)]
[('reflection', (0, 3, 2, 1)), ('conjugation (bipartite)', (0, 1, 2, 3)), ('reflection + conjugation', (0, 3, 2, 1))]
>>> [s.name for s in pgrid.symmetries(ring.replace(coupling=pgrid.ring(4, gain={}, loss={}, gamma=1.0,
...                                                                    flux=0.5).coupling))]
['reflection + conjugation']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from .network import Network

__all__ = [
    "Symmetry",
    "symmetries",
    "invariant_subspaces",
    "equivalent",
    "attractors",
    "Attractors",
]

_TOL = 1e-9
#: Largest number of site permutations examined (the search prunes by the coupling; a larger
#: automorphism group than this is reported as an error rather than enumerated).
MAX_PERMUTATIONS = 100_000


@dataclass(frozen=True)
class Symmetry:
    r"""One symmetry :math:`\alpha \to D P\alpha` (or :math:`D P\alpha^*` if ``conjugate``).

    Attributes
    ----------
    permutation : tuple of int
        Site :math:`\ell` is mapped to site ``permutation[l]``.
    phases : tuple of complex
        :math:`D`, per (target) site.
    conjugate : bool
        Antilinear (complex conjugation first).
    name : str
        "reflection", "rotation", "conjugation (bipartite)", "reflection + conjugation", ...
    """

    permutation: tuple
    phases: tuple
    conjugate: bool
    name: str

    def apply(self, alpha) -> np.ndarray:
        """The image of amplitudes ``alpha`` (shape (..., N))."""
        a = np.asarray(alpha, complex)
        if self.conjugate:
            a = a.conj()
        out = np.empty_like(a)
        out[..., list(self.permutation)] = a
        return out * np.asarray(self.phases)

    def distance(self, alpha) -> float:
        r""":math:`\min_\theta|S\alpha - e^{i\theta}\alpha| / |\alpha|`: zero inside an invariant subspace."""
        a = np.asarray(alpha, complex)
        na = float(np.linalg.norm(a))
        if na == 0.0:
            return 0.0
        sa = self.apply(a)
        overlap = abs(np.vdot(a, sa))
        return math.sqrt(max(0.0, 2.0 * na * na - 2.0 * overlap)) / na


def _site_signature(net: Network, l: int) -> tuple:
    """What a permutation must preserve at site ``l`` (bath, thermal occupation, reservoirs)."""

    def res(d):
        r = d.get(l)
        return None if r is None else (round(r.rate, 12), round(r.n0, 12), round(r.nu, 12))

    return (
        round(float(net.gamma[l]), 12),
        round(float(net.n_th[l]), 12),
        res(net.gain),
        res(net.loss),
    )


def _permutations(net: Network):
    """Site permutations preserving |g| and every site's parameters (up to the detuning's sign)."""
    n = net.n_sites
    mag = np.abs(net.coupling)
    sig = [_site_signature(net, l) for l in range(n)]
    det = np.asarray(net.detuning, float)
    found = []

    def extend(perm, used):
        k = len(perm)
        if k == n:
            found.append(tuple(perm))
            if len(found) > MAX_PERMUTATIONS:
                raise ValueError(
                    f"the network has more than {MAX_PERMUTATIONS} site permutations preserving "
                    "its coupling; pgrid.symmetries enumerates small symmetry groups only."
                )
            return
        for t in range(n):
            if used[t] or sig[t] != sig[k] or abs(abs(det[t]) - abs(det[k])) > _TOL:
                continue
            if (
                any(abs(mag[t, perm[q]] - mag[k, q]) > _TOL for q in range(k))
                or abs(mag[t, t] - mag[k, k]) > _TOL
            ):
                continue
            used[t] = True
            perm.append(t)
            extend(perm, used)
            perm.pop()
            used[t] = False

    extend([], [False] * n)
    return found


def _phases_for(target: np.ndarray, image: np.ndarray) -> Optional[np.ndarray]:
    r"""Diagonal phases :math:`D` with :math:`D\,{\rm image}\,D^* = {\rm target}`, or None."""
    n = target.shape[0]
    d = np.full(n, np.nan + 0j)
    for root in range(n):
        if not np.isnan(d[root]):
            continue
        d[root] = 1.0
        stack = [root]
        while stack:
            i = stack.pop()
            for j in np.flatnonzero(np.abs(target[i]) > _TOL):
                if j == i:
                    continue
                # D_i image_ij conj(D_j) = target_ij  =>  D_j = conj(target_ij / (D_i image_ij))
                dj = np.conj(target[i, j] / (d[i] * image[i, j]))
                if np.isnan(d[j]):
                    d[j] = dj / abs(dj)
                    stack.append(j)
    if np.allclose(
        d[:, None] * image * d.conj()[None, :], target, atol=1e-9 * max(1.0, np.abs(target).max())
    ):
        return d
    return None


def _name(perm: tuple, conjugate: bool) -> str:
    n = len(perm)
    if all(perm[l] == l for l in range(n)):
        base = ""
    elif all(perm[perm[l]] == l for l in range(n)):
        base = "reflection"
    else:
        base = "rotation"
    if conjugate:
        return "conjugation (bipartite)" if not base else base + " + conjugation"
    return base


def symmetries(net: Network) -> List[Symmetry]:
    r"""Every symmetry of the noise-free dynamics of ``net`` but the identity (see the module notes).

    Parameters
    ----------
    net : Network

    Returns
    -------
    list of Symmetry
        Linear ones first, then antilinear; within each, permutations in lexicographic order.
        The phases :math:`D` are fixed up to a global phase (set to 1 on the lowest site of each
        connected part).

    Raises
    ------
    ValueError
        If more than ``MAX_PERMUTATIONS`` permutations preserve the coupling (a large lattice
        without reservoirs; the search is meant for the small networks of the paper).
    """
    if not isinstance(net, Network):
        raise ValueError(f"`net` must be a pgrid.Network, got {type(net).__name__}.")
    g = np.asarray(net.coupling, complex)
    det = np.asarray(net.detuning, float)
    lin, anti = [], []
    for perm in _permutations(net):
        p = np.asarray(perm)
        image = np.zeros_like(g)
        image[np.ix_(p, p)] = g  # (P g P^T)[perm[a], perm[b]] = g[a, b]
        moved = np.empty_like(det)
        moved[p] = det
        identity = bool(np.all(p == np.arange(p.size)))
        if not identity and np.allclose(moved, det, atol=_TOL):
            d = _phases_for(g, image)
            if d is not None:
                lin.append(
                    Symmetry(
                        tuple(int(x) for x in perm),
                        tuple(complex(x) for x in d),
                        False,
                        _name(perm, False),
                    )
                )
        if np.allclose(moved, -det, atol=_TOL):
            d = _phases_for(g, -image.conj())
            if d is not None:
                anti.append(
                    Symmetry(
                        tuple(int(x) for x in perm),
                        tuple(complex(x) for x in d),
                        True,
                        _name(perm, True),
                    )
                )
    return lin + anti


def invariant_subspaces(
    net: Network, alpha, *, tol: float = 1e-6, syms: Optional[List[Symmetry]] = None
):
    r"""The symmetries whose invariant subspaces contain ``alpha``
    (:math:`\min_\theta|S\alpha - e^{i\theta}\alpha| \le` ``tol`` :math:`|\alpha|`).

    A state found in one was reached inside it, or is a symmetric attractor: only its stability in
    the full space (:func:`pgrid.stability`, the ``status`` of :func:`pgrid.steady_state`) tells
    which.  ``syms`` reuses a list from :func:`pgrid.symmetries`.
    """
    syms = symmetries(net) if syms is None else syms
    return [s for s in syms if s.distance(alpha) <= tol]


def equivalent(
    net: Network, a, b, *, tol: float = 1e-6, syms: Optional[List[Symmetry]] = None
) -> bool:
    r"""Whether ``b`` is ``a`` up to the global phase and a symmetry of ``net``
    (:math:`\min_{S,\theta}|S a - e^{i\theta}b| \le` ``tol`` :math:`|a|`, the identity included)."""
    a = np.asarray(a, complex)
    b = np.asarray(b, complex)
    na = float(np.linalg.norm(a))
    syms = symmetries(net) if syms is None else syms
    scale = max(na, float(np.linalg.norm(b)), 1e-300)
    for image in [a] + [s.apply(a) for s in syms]:
        d2 = float(np.linalg.norm(image) ** 2 + np.linalg.norm(b) ** 2 - 2 * abs(np.vdot(b, image)))
        if math.sqrt(max(d2, 0.0)) <= tol * scale:
            return True
    return False


def group_states(
    net: Network, alpha, keep, *, tol: float = 1e-6, syms: Optional[List[Symmetry]] = None
):
    """Group the states ``alpha[k]`` with ``keep[k]`` into classes of states equal up to a symmetry
    (:func:`pgrid.equivalent`).

    Returns ``(first, counts)``: the index of the first state of each class and the class sizes, largest
    class first (ties in order of first appearance).
    """
    syms = symmetries(net) if syms is None else syms
    first, counts = [], []
    for k in np.flatnonzero(keep):
        for r, rep in enumerate(first):
            if equivalent(net, alpha[rep], alpha[k], tol=tol, syms=syms):
                counts[r] += 1
                break
        else:
            first.append(int(k))
            counts.append(1)
    order = np.argsort(-np.asarray(counts, float), kind="stable")
    return [first[k] for k in order], np.asarray(counts, float)[order]


@dataclass(frozen=True)
class Attractors:
    """Result of :func:`pgrid.attractors`.

    Attributes
    ----------
    states : list of SteadyState
        One representative per attractor (the first start that reached it), stable fixed points
        first, by decreasing share.
    fraction : ndarray
        Share of the random starts that reached each (a symmetry image counts as the same).
    not_stationary : float
        Share of starts that ended not stationary (after their kick): oscillating or multimode
        motion, not split further.
    other : float
        Share of starts that ended unstable, marginal or diverged.
    n_starts : int
    message : str
    """

    states: list
    fraction: np.ndarray
    not_stationary: float
    other: float
    n_starts: int
    message: str


def attractors(
    net: Network,
    *,
    n_starts: int = 32,
    seed: int = 0,
    amplitude: Optional[float] = None,
    tol: float = 1e-6,
    **options,
) -> Attractors:
    r"""Multistability measured honestly: where ``n_starts`` random starts end.

    Runs :func:`pgrid.steady_state` from ``n_starts`` complex Gaussian starts (``init="random"``,
    ``seed``; ``amplitude`` their scale, default :math:`\sqrt{n_0}`) and groups the stable states
    that are images of each other under a symmetry (:func:`pgrid.equivalent`).  Other keywords go to
    :func:`pgrid.steady_state`.
    """
    from .deterministic import steady_state

    if amplitude is None:
        res0 = next(iter(net.gain.values()), None)
        amplitude = math.sqrt(res0.n0 if res0 is not None else 1.0)
    s = steady_state(
        [net] * int(n_starts), init="random", seed=seed, amplitude=amplitude, **options
    )
    first, counts = group_states(net, s.alpha, s.status == "stable", tol=tol)
    reps = [s[int(k)] for k in first]
    frac = counts / n_starts if counts.size else np.zeros(0)
    ns = float(np.mean(s.status == "not stationary"))
    other = 1.0 - float(frac.sum()) - ns
    msg = (
        f"{n_starts} random starts: {len(reps)} stable attractor(s) up to symmetry, shares "
        + ", ".join(f"{f:.2f}" for f in frac)
        + f"; not stationary {ns:.2f}; other {other:.2f}"
    )
    return Attractors(
        states=reps,
        fraction=frac,
        not_stationary=ns,
        other=max(0.0, other),
        n_starts=int(n_starts),
        message=msg,
    )
