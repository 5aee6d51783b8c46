r"""Solver options as frozen values that check themselves.

:func:`pgrid.steady_state` follows a :class:`Protocol` (how the noise-free dynamics is
switched on) under :class:`Convergence` settings (when a state counts as stationary and
stable); :func:`pgrid.simulate` samples with :class:`Sampling` and may collect a
:class:`Histogram`.  Each is an immutable dataclass: bad values raise a ``ValueError``
naming the field when the value is built, equal options compare (and hash) equal, and
``dataclasses.replace(opt, field=value)`` derives a variant.  Every number a solver uses
to decide something is a documented field here.

Every field may also be passed to its solver as a keyword
(``pgrid.steady_state(net, init="mode", t_max=1e4)`` is
``pgrid.steady_state(net, protocol=Protocol(init="mode"), convergence=Convergence(t_max=1e4))``).

>>> from pgrid import Protocol, Convergence
>>> Protocol(init="mode") == Protocol(init="mode")
True
>>> Convergence(tol=-1.0)
Traceback (most recent call last):
...
ValueError: Convergence: `tol` must be > 0, got -1.0.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Optional, Tuple, Union

import numpy as np

from ._validate import integer, number, seed_value

__all__ = ["Protocol", "Convergence", "Sampling", "Histogram"]


def _number(owner, name, value, *, minimum=None, positive=False, optional=False):
    """:func:`pgrid._validate.number`, its message prefixed with the option class."""
    if value is None and optional:
        return
    try:
        number(value, name, minimum=minimum, positive=positive)
    except ValueError as exc:
        raise ValueError(f"{owner}: {exc}") from None


def _integer(owner, name, value, minimum, optional=False):
    """:func:`pgrid._validate.integer`, its message prefixed with the option class."""
    if value is None and optional:
        return
    try:
        integer(value, name, minimum=minimum)
    except ValueError as exc:
        raise ValueError(f"{owner}: {exc}") from None


@dataclass(frozen=True)
class Protocol:
    r"""How :func:`pgrid.steady_state` switches the noise-free dynamics on.

    Attributes
    ----------
    init : {"seed", "mode", "random"} or tuple of complex, default: "seed"
        Initial amplitudes: ``amplitude`` on every gain site; the normal mode ``mode`` of
        :math:`g/2-\Delta` (default: the one closest to zero frequency, the band centre
        :math:`k_0 \approx \pi/2`) with largest amplitude ``amplitude``; complex Gaussian
        amplitudes (seeded); or given amplitudes: an array of shape (N,) for every point, or one
        start per point, shape (..., N) with the batch's points in order (for paths: the path's
        first point starts from its row, the others continue, as with any ``init``); stored as a
        tuple (of tuples).
    mode : int, optional
        Normal mode for ``init="mode"`` (eigenvectors sorted by frequency).
    amplitude : float, optional
        Scale of the initial state (default: :math:`10^{-2}\sqrt{n_0}` of the first gain reservoir).
    noise, t_noise : float, default: 0
        Weak-noise protocol: additive noise with diffusion constant ``noise`` (per site,
        :math:`\langle|d\alpha|^2\rangle = D\,dt`) during the first ``t_noise`` time units of
        every integration, then noiseless evolution.
    seed : int, default: 0
        Seed of ``init="random"``, of the start's perturbation and of the noise (point p uses
        stream p of it).
    perturbation : float, optional
        **Generic starts.**  Every start but ``init="random"`` (the seed, the mode, given
        amplitudes) gets a complex Gaussian displacement on every site, drawn from ``seed``
        (the same direction for every point of a batch), its largest component
        ``perturbation`` times the start's largest amplitude (times ``amplitude`` for an
        all-zero start).  Default: 1e-2 for the seed and the mode (small starts in the linear
        regime; with 1e-3 the growth still remembered the start's symmetry: the seed of a
        multistable chain of five, Gamma_i = Gamma_e = 6g, landed in a basin that none of 48
        small random starts reached), 1e-3 for given amplitudes (states someone chose:
        displaced without leaving their basin).  In a multistable network any one start
        reaches one of the attractors: :func:`pgrid.attractors` counts where random starts
        end.  A start with
        symmetries (a real seed on a bipartite network, a mirror-symmetric mode) lies in an
        invariant subspace of the noise-free dynamics, which never leaves it, so whatever it
        reaches is a verdict about that subspace only; the displacement breaks every symmetry
        (mirror and other site permutations, the conjugation map of real bipartite networks,
        flux reversal).  ``0`` keeps the start exactly (a *special start*, for showing an
        invariant subspace): the result's message then says so.
    """

    init: Union[str, Tuple[complex, ...]] = "seed"
    mode: Optional[int] = None
    amplitude: Optional[float] = None
    noise: float = 0.0
    t_noise: float = 0.0
    seed: int = 0
    perturbation: Optional[float] = None

    def __post_init__(self):
        init = self.init
        if isinstance(init, str):
            if init not in ("seed", "mode", "random"):
                raise ValueError(
                    f"Protocol: `init` must be 'seed', 'mode', 'random' or an array of "
                    f"amplitudes, got {init!r}."
                )
        else:
            try:
                a = np.asarray(init, dtype=complex)
            except (TypeError, ValueError):
                a = np.full(0, np.nan)
            if a.ndim == 0 or a.size == 0 or not np.all(np.isfinite(a)):
                raise ValueError(
                    "Protocol: `init` amplitudes must be finite: an array of shape (N,) (one per "
                    "site) or (points, N) (one start per point)."
                )
            if a.ndim == 1:
                object.__setattr__(self, "init", tuple(complex(x) for x in a))
            else:
                rows = a.reshape(-1, a.shape[-1])
                object.__setattr__(self, "init", tuple(tuple(complex(x) for x in r) for r in rows))
        _integer("Protocol", "mode", self.mode, 0, optional=True)
        _number("Protocol", "amplitude", self.amplitude, positive=True, optional=True)
        _number("Protocol", "noise", self.noise, minimum=0.0)
        _number("Protocol", "t_noise", self.t_noise, minimum=0.0)
        try:
            seed_value(self.seed, "seed")
        except ValueError as exc:
            raise ValueError(f"Protocol: {exc}") from None
        _number("Protocol", "perturbation", self.perturbation, minimum=0.0, optional=True)

    @property
    def special(self) -> bool:
        """True for a special start: a given, seed or mode start kept without perturbation."""
        return self.perturbation == 0.0 and not (
            isinstance(self.init, str) and self.init == "random"
        )

    @property
    def displacement(self) -> float:
        """The relative size of the start's displacement actually used (see ``perturbation``)."""
        if isinstance(self.init, str) and self.init == "random":
            return 0.0
        if self.perturbation is not None:
            return float(self.perturbation)
        return 1e-2 if isinstance(self.init, str) else 1e-3

    @property
    def initial(self):
        """``init`` as the solvers take it (a string, or a complex array)."""
        return self.init if isinstance(self.init, str) else np.array(self.init, complex)


@dataclass(frozen=True)
class Convergence:
    r"""When :func:`pgrid.steady_state` calls a state stationary, and stable.

    Attributes
    ----------
    t_max : float, optional
        Longest integration time per point (default: :math:`50/\gamma_{\min}`, clipped to
        [2e3, 2e5]).
    dt : float, optional
        RK4 step (default: ``min(0.2, 1/(ω_max + Γ_max/2 + γ_max/2))``; at most 2.5 times that).
    tol : float, default: 1e-9
        Stationarity: changes of occupations and currents between two checks below ``tol``
        times the largest occupation, twice in a row.
    check_time : float, optional
        Window between checks (default: ``min(200, t_max/20)``).
    slow_approach : float, default: 1e-3
        A slow approach (changes below ``slow_approach`` times the largest occupation but
        above ``tol``) tries Newton's method from the current state; a nearby, linearly stable
        rotating state it finds is accepted as stationary.
    newton_match : float, default: 1e-2
        "Nearby": every occupation of Newton's state within ``newton_match`` times the largest
        occupation of the integrated one.
    newton_tol : float, default: 1e-11
        Newton refinement of stationary states: residual below ``newton_tol`` times
        ``max(1, max|α|)``.
    newton_iter : int, default: 30
        Newton iterations at most (damped; each step halved up to 8 times).
    growth_tol : float, default: 1e-9
        Stability verdict (units of g): a stationary state is *stable* when the largest real
        part of its Jacobian's eigenvalues (global-phase zero mode removed) is below
        ``-growth_tol``, *unstable* above ``+growth_tol``, *marginal* in between.  Newton
        shortcuts (continuation, slow approaches) accept stable states only.
    kick : float, default: 1e-3
        Invariant-subspace test, relative to the state's largest amplitude: a stationary but
        unstable state is displaced along its most unstable mode by ``kick`` and integrated
        again; a run that ends without settling (oscillating, multimode, still drifting) is
        displaced once by a random complex vector of that size (seeded by the protocol's
        ``seed``) and integrated again, and is reported "not stationary" only if the motion
        survives.  0 reports both as they are, without kicking them.
    max_kicks : int, default: 3
        Kicks per point at most (both kinds together).
    left_fixed_point : float, default: 10
        A kicked run that ends (not stationary) farther than ``left_fixed_point`` times the
        kick from the fixed point (modulo the global phase, relative to its norm) left it: the
        point is "not stationary"; nearer, the fixed point is kept and reported "unstable".
    """

    t_max: Optional[float] = None
    dt: Optional[float] = None
    tol: float = 1e-9
    check_time: Optional[float] = None
    slow_approach: float = 1e-3
    newton_match: float = 1e-2
    newton_tol: float = 1e-11
    newton_iter: int = 30
    growth_tol: float = 1e-9
    kick: float = 1e-3
    max_kicks: int = 3
    left_fixed_point: float = 10.0

    def __post_init__(self):
        for name in ("t_max", "dt", "check_time"):
            _number("Convergence", name, getattr(self, name), positive=True, optional=True)
        for name in ("tol", "slow_approach", "newton_match", "newton_tol", "left_fixed_point"):
            _number("Convergence", name, getattr(self, name), positive=True)
        for name in ("growth_tol", "kick"):
            _number("Convergence", name, getattr(self, name), minimum=0.0)
        _integer("Convergence", "newton_iter", self.newton_iter, 1)
        _integer("Convergence", "max_kicks", self.max_kicks, 0)


@dataclass(frozen=True)
class Sampling:
    """How :func:`pgrid.simulate` samples a trajectory.

    Attributes
    ----------
    sample_every : int, default: 10
        Steps between samples.
    n_time_blocks : int, default: 16
        Time blocks per trajectory used for the error estimates when there are fewer than 8
        trajectories.
    n_record : int, default: 0
        Record the amplitudes of the first ``n_record`` trajectories at every sample.
    """

    sample_every: int = 10
    n_time_blocks: int = 16
    n_record: int = 0

    def __post_init__(self):
        _integer("Sampling", "sample_every", self.sample_every, 1)
        _integer("Sampling", "n_time_blocks", self.n_time_blocks, 1)
        _integer("Sampling", "n_record", self.n_record, 0)


@dataclass(frozen=True)
class Histogram:
    r"""A 2-D histogram of :math:`\alpha_\ell/s` on :math:`[-L, L]^2` for every site (Fig. 3b).

    Attributes
    ----------
    scale : float, default: 1
        :math:`s` (Fig. 3b uses :math:`s = \sqrt{n_0}`).
    lim : float, default: 3
        :math:`L`.
    bins : int, default: 60
        Bins per axis.
    """

    scale: float = 1.0
    lim: float = 3.0
    bins: int = 60

    def __post_init__(self):
        _number("Histogram", "scale", self.scale, positive=True)
        _number("Histogram", "lim", self.lim, positive=True)
        _integer("Histogram", "bins", self.bins, 1)

    @classmethod
    def coerce(cls, value) -> Optional["Histogram"]:
        """A Histogram from a Histogram, a mapping of its fields, or None."""
        if value is None or isinstance(value, cls):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {f.name for f in fields(cls)}
            if unknown:
                raise ValueError(
                    f"`histogram` has unknown keys {sorted(unknown)}; use scale, lim, bins."
                )
            return cls(**value)
        raise ValueError(
            f"`histogram` must be a pgrid.Histogram (or a dict of its fields), got "
            f"{type(value).__name__}."
        )


def split_fields(options: dict, *classes) -> list:
    """Distribute keyword shortcuts over option classes: one dict of field values per class.

    Raises TypeError for a keyword that is no field of any of them.
    """
    out = [{} for _ in classes]
    names = [{f.name for f in fields(c)} for c in classes]
    for key, value in options.items():
        for k, fs in enumerate(names):
            if key in fs:
                out[k][key] = value
                break
        else:
            valid = sorted(set().union(*names))
            raise TypeError(
                f"unexpected keyword argument {key!r}; options are the fields of "
                f"{', '.join(c.__name__ for c in classes)}: {', '.join(valid)}."
            )
    return out


def merged(option, cls, shortcuts: dict):
    """``option`` (an instance of ``cls`` or None) with the ``shortcuts`` fields replaced."""
    if option is None:
        option = cls()
    elif not isinstance(option, cls):
        raise ValueError(f"expected a pgrid.{cls.__name__}, got {type(option).__name__}.")
    return dataclasses.replace(option, **shortcuts) if shortcuts else option
