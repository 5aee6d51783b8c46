"""The one parser of initial states (private), shared by :func:`pgrid.steady_state` and
:func:`pgrid.simulate`.

Kinds: ``"seed"`` (``amplitude`` on every gain site), ``"mode"`` (normal mode ``mode`` of
:math:`g/2 - \\Delta`, largest amplitude ``amplitude``; on a degenerate level the projection
of the seed onto the level, see :func:`level_vector`), ``"random"`` (complex Gaussian,
scale ``amplitude``), ``"vacuum"`` (zero), or given amplitudes.  Each solver allows a subset
(:func:`pgrid.simulate`'s ``"thermal"`` start is drawn in its kernel, from each
trajectory's own stream).
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import amplitudes


def initial_state(
    net, init, *, kinds, count=None, amplitude=1.0, mode=None, rng=None
) -> np.ndarray:
    """Initial amplitudes for ``net``: shape (N,) if ``count`` is None, else (count, N).

    ``kinds`` are the string kinds the calling solver allows; ``rng`` a NumPy generator
    (:func:`pgrid._rng.numpy_generator`) for the random kinds.  Given amplitudes may have
    shape (N,) or, with ``count``, (count, N).
    """
    n = net.n_sites
    shape = (n,) if count is None else (count, n)
    if isinstance(init, str):
        if init not in kinds:
            names = ", ".join(repr(k) for k in kinds)
            raise ValueError(f"`init` must be {names} or an array of amplitudes, got {init!r}.")
        if init == "vacuum":
            return np.zeros(shape, complex)
        if init == "random":
            return (
                amplitude
                * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
                / math.sqrt(2)
            )
        if init == "seed":
            a = np.zeros(n, complex)
            a[list(net.gain) or [0]] = amplitude
        else:  # "mode"
            vec = level_vector(net, mode)
            a = amplitude * vec / np.max(np.abs(vec))
        return a if count is None else np.broadcast_to(a, shape).copy()
    a = amplitudes(init, "init", [(n,)] if count is None else [(n,), shape])
    return a if count is None else np.array(np.broadcast_to(a, shape))


#: Two eigenvalues of g/2 - Delta closer than this (times max(1, max |eigenvalue|)) form one level.
DEGENERATE = 1e-9


def level_vector(net, mode=None) -> np.ndarray:
    """The start vector of normal mode ``mode`` of :math:`g/2 - \\Delta` (sorted by frequency;
    default: the one closest to zero frequency), defined also on a degenerate level.

    LAPACK returns an arbitrary orthonormal basis of a degenerate level (which vector depends on
    the library and the CPU).  The vector used is the level's projector applied to the *seed*
    (one on every gain site; site 0 if there is none); if the seed has no component on the level,
    to a fixed vector with generic weights :math:`1 + \\sqrt{\\ell + 2}`.  On a non-degenerate
    level this is the eigenvector itself (up to a phase).  Normalised, its largest component
    real and positive.
    """
    n = net.n_sites
    w, v = np.linalg.eigh(0.5 * net.coupling - np.diag(net.detuning))
    k = int(np.argmin(np.abs(w))) if mode is None else int(mode)
    if not 0 <= k < n:
        raise ValueError(
            f"`mode` must be in 0..{n - 1} (eigenvectors of the coupling "
            f"sorted by frequency), got {mode}."
        )
    level = np.abs(w - w[k]) <= DEGENERATE * max(1.0, float(np.max(np.abs(w))))
    basis = v[:, level]
    seed = np.zeros(n, complex)
    seed[list(net.gain) or [0]] = 1.0
    vec = basis @ (basis.conj().T @ seed)
    if np.linalg.norm(vec) < 1e-8:
        generic = 1.0 + np.sqrt(np.arange(n) + 2.0)
        vec = basis @ (basis.conj().T @ generic)
    big = int(np.argmax(np.abs(vec)))
    vec = vec * (abs(vec[big]) / vec[big])
    return vec / np.linalg.norm(vec)


def perturb(x0: np.ndarray, size: float, amplitude: float, rng) -> np.ndarray:
    """``x0`` (shape (P, N)) plus one complex Gaussian direction drawn from ``rng``, scaled per row
    so that its largest component is ``size`` times the row's largest amplitude (times
    ``amplitude`` for an all-zero row): the generic start of :class:`pgrid.Protocol`."""
    n = x0.shape[-1]
    d = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / math.sqrt(2)
    d = d / np.max(np.abs(d))
    big = np.max(np.abs(x0), axis=-1)
    scale = size * np.where(big > 0, big, amplitude)
    return x0 + scale[:, None] * d[None, :]
