"""The one parser of initial states (private), shared by :func:`pgrid.steady_state` and
:func:`pgrid.simulate`.

Kinds: ``"seed"`` (``amplitude`` on every gain site), ``"mode"`` (normal mode ``mode`` of
:math:`g/2 - \\Delta`, largest amplitude ``amplitude``), ``"random"`` (complex Gaussian,
scale ``amplitude``), ``"vacuum"`` (zero), or given amplitudes.  Each solver allows a subset
(:func:`pgrid.simulate`'s ``"thermal"`` start is drawn in its kernel, from each
trajectory's own stream).
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import amplitudes


def initial_state(net, init, *, kinds, count=None, amplitude=1.0, mode=None, rng=None) -> np.ndarray:
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
            return amplitude * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)
        if init == "seed":
            a = np.zeros(n, complex)
            a[list(net.gain) or [0]] = amplitude
        else:   # "mode"
            w, v = np.linalg.eigh(0.5 * net.coupling - np.diag(net.detuning))
            k = int(np.argmin(np.abs(w))) if mode is None else int(mode)
            if not 0 <= k < n:
                raise ValueError(f"`mode` must be in 0..{n - 1} (eigenvectors of the coupling "
                                 f"sorted by frequency), got {mode}.")
            vec = v[:, k]
            a = amplitude * vec / np.max(np.abs(vec))
        return a if count is None else np.broadcast_to(a, shape).copy()
    a = amplitudes(init, "init", [(n,)] if count is None else [(n,), shape])
    return a if count is None else np.array(np.broadcast_to(a, shape))
