r"""Stochastic simulation of the semiclassical Ito equations (Eqs. 3–5 of the paper).

For a :class:`~pgrid.Network` the amplitudes obey

.. math::

    d\alpha_\ell = \Big[\tfrac{i}{2}\sum_m g_{\ell m}\alpha_m - i\Delta_\ell\alpha_\ell
      + \tfrac12\big(\Gamma^{g}_\ell(\alpha_\ell) - \Gamma^{l}_\ell(\alpha_\ell)
      - \gamma_\ell\big)\alpha_\ell\Big]dt
      + \sqrt{\gamma_\ell N_{\rm th} + \Gamma^{g}_\ell(\alpha_\ell)}\; dW_\ell ,

with complex Wiener increments :math:`dW = (dW_x + i\,dW_y)/\sqrt2`,
:math:`\langle |dW|^2\rangle = dt`.  Only gain sites get the extra quantum
noise (Eq. 3); loss sites do not (Eq. 5).  Averages over this equation are
normally ordered (Glauber–Sudarshan P-function) moments: :math:`\langle J\rangle`
equals the quantum mean current, but :math:`\Delta J` is the P-function spread,
which lacks the vacuum term of Eq. (S45).

Integration scheme
------------------
Plain Euler–Maruyama amplifies every oscillating mode of frequency
:math:`\omega` by :math:`\omega^2 dt/2` per unit time, which beats the bare
damping :math:`\gamma/2` already at :math:`dt \approx \gamma/\omega^2`.  We use
the drift-Heun (stochastic trapezoidal predictor–corrector) scheme: predictor
:math:`\tilde\alpha = \alpha + a(\alpha)dt + b(\alpha)\Delta W`, corrector
:math:`\alpha' = \alpha + \frac{dt}{2}[a(\alpha)+a(\tilde\alpha)] + b(\alpha)\Delta W`.
The noise amplitude is taken at the start of the step, so the scheme is
consistent with the Ito interpretation; its spurious growth is
:math:`\omega^4 dt^3/8`, negligible at :math:`dt = 10^{-2}/g`.
"""

from __future__ import annotations

import warnings
import weakref
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _sde_kernels as _k
from ._config import announce_compilation, check_memory, numba_threads
from ._initial import initial_state
from ._layout import layout, split_complex, stable_step
from ._validate import flag, integer, number, seed_value
from .errors import DivergenceError, divergence_reason
from .network import Network
from .options import Histogram, Sampling, merged, split_fields

__all__ = ["simulate", "Ensemble", "SimulationRun", "max_stable_dt"]


@dataclass(frozen=True)
class SimulationRun:
    """The record of one :func:`pgrid.simulate` run (``Ensemble.run``).

    Attributes
    ----------
    dt, t_relax, t_sample : float
        Time step, discarded relaxation time and sampling time (units of 1/g).
    n_traj, seed : int
    segment : int
        0 for a fresh run; k for the k-th continuation (``init=ens``) with the same seed:
        trajectory t used stream ``t + segment * 2**40`` of ``seed``.
    init : str
        ``"thermal"``, ``"vacuum"``, ``"given"`` (amplitudes passed in) or ``"continued"``
        (``init=ens``).
    sampling : Sampling
    histogram : Histogram or None
    n_relax_steps, n_sample, n_time_blocks : int
        Steps discarded, samples per trajectory, time blocks used.
    error_units : str
        What the jackknife errors resample: ``"trajectories"`` (8 or more finished) or
        ``"trajectory time blocks"``.
    """

    dt: float
    t_relax: float
    t_sample: float
    n_traj: int
    seed: int
    segment: int
    init: str
    sampling: Sampling
    histogram: Optional[Histogram]
    n_relax_steps: int
    n_sample: int
    n_time_blocks: int
    error_units: str


@dataclass(frozen=True)
class Ensemble:
    r"""Streamed statistics of an SDE run (see :func:`simulate`).

    Per-bond arrays follow ``bonds`` (pairs i < j, current positive from i to
    j); per-site arrays follow the site index.  ``*_err`` are one-sigma
    statistical errors from a jackknife over independent units (trajectories,
    or trajectory time blocks when there are fewer than 8 trajectories).

    Attributes
    ----------
    current_mean, current_mean_err : ndarray, shape (n_bonds,)
        :math:`\langle J\rangle = \langle g_{ij}\,{\rm Im}(\alpha_i^*\alpha_j)\rangle`.
    current_std, current_std_err : ndarray, shape (n_bonds,)
        P-function spread :math:`\Delta J = \sqrt{\langle J^2\rangle - \langle J\rangle^2}`
        (see :attr:`~pgrid.Ensemble.current_std_operator` for the operator variance).
    occupation_mean, occupation_mean_err : ndarray, shape (n_sites,)
        :math:`\langle|\alpha_\ell|^2\rangle`.
    occupation_var, occupation_var_err : ndarray, shape (n_sites,)
        :math:`{\rm Var}(|\alpha_\ell|^2)` (Eq. S51) and its error (jackknife of the spread).
    order_parameter, order_parameter_err : float
        :math:`\bar\Gamma = \langle\sum_{\rm loss}\Gamma(\alpha) - \sum_{\rm gain}\Gamma(\alpha)\rangle`.
    histogram : ndarray or None, shape (n_sites, bins, bins)
        Counts of :math:`\alpha_\ell/s` on ``hist_edges`` x ``hist_edges`` (real, imaginary part).
    hist_edges : ndarray or None
    record : ndarray or None, shape (n_record, n_sample, n_sites)
        Amplitudes of the first ``n_record`` trajectories at the sampling times ``record_times``.
    record_times : ndarray or None
    final_alpha : ndarray, shape (n_traj, n_sites)
        The last state of every trajectory (to continue a run).
    bonds : ndarray, shape (n_bonds, 2)
    bond_coupling : ndarray, shape (n_bonds,)
        :math:`g_{ij}` of each bond.
    n_samples : int
        Samples per trajectory.
    run : SimulationRun
        What was run: dt, times, trajectories, seed, sampling, histogram, the error units.
    trajectory_status : ndarray of str, shape (n_traj,)
        ``"ok"``; ``"diverged"`` (it blew up); ``"stopped"`` (it shared a block of
        trajectories integrated side by side with one that blew up, and was stopped with it).
        Only ``"ok"`` trajectories enter the statistics.
    success : ndarray of bool, shape (n_traj,)
        ``trajectory_status == "ok"``.
    network : Network
        The network simulated.
    """

    current_mean: np.ndarray
    current_mean_err: np.ndarray
    current_std: np.ndarray
    current_std_err: np.ndarray
    occupation_mean: np.ndarray
    occupation_mean_err: np.ndarray
    occupation_var: np.ndarray
    occupation_var_err: np.ndarray
    order_parameter: float
    order_parameter_err: float
    histogram: Optional[np.ndarray]
    hist_edges: Optional[np.ndarray]
    record: Optional[np.ndarray]
    record_times: Optional[np.ndarray]
    final_alpha: np.ndarray
    bonds: np.ndarray
    n_samples: int
    run: "SimulationRun"
    bond_coupling: Optional[np.ndarray] = None
    trajectory_status: Optional[np.ndarray] = None
    success: Optional[np.ndarray] = None
    network: Optional[Network] = None

    def to_xarray(self):
        """The ensemble as an ``xarray.Dataset`` (see :mod:`pgrid.xarray_io`).

        Dimensions ``bond`` (coordinates ``bond_i``, ``bond_j``, ``bond_g``), ``site``,
        ``trajectory``; ``hist_re``/``hist_im`` (bin centres, in units of the histogram's
        scale) and ``recorded`` (the recorded trajectories) and ``sample`` (coordinate ``record_time``) when
        collected.  Every
        statistic with its ``*_err`` beside it, ``current_std_operator``, the final states,
        the trajectory status.  Attributes: the network, the run (``pgrid_run``, JSON), the
        seed, pgrid's version and source hash.
        """
        import xarray as xr

        from .xarray_io import network_attrs, options_attr, provenance_attrs

        v = {}
        for name in ("current_mean", "current_mean_err", "current_std", "current_std_err"):
            v[name] = ("bond", getattr(self, name))
        v["current_std_operator"] = ("bond", self.current_std_operator)
        for name in (
            "occupation_mean",
            "occupation_mean_err",
            "occupation_var",
            "occupation_var_err",
        ):
            v[name] = ("site", getattr(self, name))
        v["order_parameter"] = ((), self.order_parameter)
        v["order_parameter_err"] = ((), self.order_parameter_err)
        v["final_alpha"] = (("trajectory", "site"), np.asarray(self.final_alpha))
        v["trajectory_status"] = ("trajectory", np.asarray(self.trajectory_status).astype(str))
        v["success"] = ("trajectory", np.asarray(self.success))
        coords = {
            "site": np.arange(self.occupation_mean.size),
            "bond": np.arange(len(self.bonds)),
            "bond_i": ("bond", self.bonds[:, 0]),
            "bond_j": ("bond", self.bonds[:, 1]),
            "bond_g": ("bond", self.bond_coupling),
            "trajectory": np.arange(len(self.final_alpha)),
        }
        if self.histogram is not None:
            centres = 0.5 * (self.hist_edges[1:] + self.hist_edges[:-1])
            v["histogram"] = (("site", "hist_re", "hist_im"), self.histogram)
            coords.update(hist_re=centres, hist_im=centres)
        if self.record is not None:
            v["record"] = (("recorded", "sample", "site"), self.record)
            coords.update(
                recorded=np.arange(self.record.shape[0]), record_time=("sample", self.record_times)
            )
        attrs = {
            **provenance_attrs(),
            **options_attr("pgrid_run", self.run),
            "pgrid_seed": int(self.run.seed),
            "pgrid_n_samples": int(self.n_samples),
        }
        if self.network is not None:
            attrs.update(network_attrs(self.network))
        return xr.Dataset(v, coords=coords, attrs=attrs)

    @property
    def current_std_operator(self) -> np.ndarray:
        r"""Operator current fluctuations per bond, :math:`\Delta J_{\rm op}`.

        The SDE samples normally ordered (P-function) moments; the operator variance of
        :math:`J_{ij} = \frac{g_{ij}}{2i}(a_i^\dagger a_j - a_j^\dagger a_i)` adds the vacuum term
        :math:`\frac{g_{ij}^2}{4}(\langle n_i\rangle + \langle n_j\rangle)`, the difference between
        the two forms of Eq. (S45):
        :math:`\Delta J_{\rm op} = \sqrt{\Delta J^2 + g_{ij}^2(\langle n_i\rangle + \langle n_j\rangle)/4}`.
        """
        return np.sqrt(
            self.current_std**2 + vacuum_term(self.bonds, self.bond_coupling, self.occupation_mean)
        )

    def statistics(self) -> dict:
        """The statistics as a dict of arrays (what a :func:`pgrid.sweep` point returns).

        Keys: the ``current_*``, ``occupation_*`` and ``order_parameter*`` attributes, and
        ``histogram``/``hist_edges`` when histograms were collected.
        """
        keys = [
            "current_mean",
            "current_mean_err",
            "current_std",
            "current_std_err",
            "occupation_mean",
            "occupation_mean_err",
            "occupation_var",
            "occupation_var_err",
            "order_parameter",
            "order_parameter_err",
        ]
        if self.histogram is not None:
            keys += ["histogram", "hist_edges"]
        return {k: np.asarray(getattr(self, k)) for k in keys}


def vacuum_term(bonds, bond_coupling, occupation):
    r"""Operator minus P-function current variance per bond, :math:`|g_{ij}|^2(\langle n_i\rangle + \langle n_j\rangle)/4`.

    The difference between the two forms of Eq. (S45), given the mean occupations.
    """
    i, j = bonds[:, 0], bonds[:, 1]
    return 0.25 * np.abs(bond_coupling) ** 2 * (occupation[i] + occupation[j])


def max_stable_dt(net: Network) -> float:
    r"""Largest time step :func:`simulate` accepts for ``net``: a *stability* limit, not an accuracy one.

    The drift-Heun scheme is the trapezoidal rule on the drift: for a linear
    mode :math:`\dot\alpha = \lambda\alpha` it is stable for
    :math:`|\lambda| dt \lesssim 2` on the real axis and adds a growth
    :math:`\omega^4 dt^3/8` on the imaginary axis.  We demand
    :math:`(\omega_{\max} + \Gamma_{\max}/2 + \gamma_{\max}/2)\,dt \le 1/2`
    (with :math:`\omega_{\max}` the spectral radius of :math:`g/2 - \Delta`)
    and, so that the scheme's spurious gain stays below a tenth of the bare
    damping, :math:`\omega_{\max}^4 dt^3/8 \le \max(\bar\gamma, 2\times10^{-5} g)/20` with
    :math:`\bar\gamma` the mean bath rate (continuous down to :math:`\gamma = 0`).  At the limit the statistics are biased by a
    few per cent (a passive chain with :math:`N_{\rm th} = 3` gives
    :math:`\langle n\rangle \approx 3.17`); for accurate results use a step well below
    it (1e-2/g for the paper's chains; see the book's numerical-methods section).
    """
    return stable_step(net, "heun")


def _jackknife(sum_x, sum_x2, count):
    """Mean, std and their jackknife errors from per-unit sums (arrays shaped (units, ...))."""
    tot = sum_x.sum(axis=0)
    tot2 = sum_x2.sum(axis=0)
    c = count.sum()
    mean = tot / c
    std = np.sqrt(np.maximum(tot2 / c - mean**2, 0.0))
    nu = sum_x.shape[0]
    if nu < 2:
        nanv = np.full_like(mean, np.nan)
        return mean, nanv, std, nanv
    cc = (c - count).reshape((-1,) + (1,) * (sum_x.ndim - 1))
    m_j = (tot - sum_x) / cc
    s_j = np.sqrt(np.maximum((tot2 - sum_x2) / cc - m_j**2, 0.0))
    f = (nu - 1) / nu
    mean_err = np.sqrt(f * ((m_j - m_j.mean(axis=0)) ** 2).sum(axis=0))
    std_err = np.sqrt(f * ((s_j - s_j.mean(axis=0)) ** 2).sum(axis=0))
    return mean, mean_err, std, std_err


#: id of an Ensemble's final_alpha -> (weak reference, seed, segment): to refuse replaying its noise
_FINAL_STATES: dict = {}


def _refuse_replay(init, seed):
    """``init`` is the final state of an earlier run with this seed: the same streams would replay its noise."""
    entry = _FINAL_STATES.get(id(init))
    if entry is not None and entry[0]() is init and entry[1] == seed:
        raise ValueError(
            f"`init` is the final state of an earlier run with seed {seed}: the same seed would replay "
            "that run's noise (trajectory k draws stream k of the seed).  Pass the Ensemble itself, "
            "`init=ens`, to continue it with fresh noise, or choose another `seed`."
        )


def _check_memory(n_traj, n_tb, nb, n, n_blocks, h_bins, n_rec, n_sample):
    """Refuse, before allocating, a run whose statistics arrays, histogram or records do not fit in memory."""
    parts = [  # (what needs the memory, bytes, what to change)
        (
            "the records (n_record x samples x sites)",
            16.0 * n_rec * n_sample * n,
            "lower `n_record` or `t_sample`, or raise `sample_every`",
        ),
        (
            "the per-trajectory sums (n_traj x time blocks)",
            8.0 * n_traj * n_tb * 2 * (nb + n + 1),
            "lower `n_traj` or `n_time_blocks` (or run in batches)",
        ),
        (
            f"the histograms (one per block of {_k.BLOCK} trajectories)",
            8.0 * n_blocks * n * h_bins**2,
            "lower the histogram's `bins`",
        ),
        ("the states", 8.0 * n_traj * n * 6, "lower `n_traj` (or run in batches)"),
    ]
    worst, _, fix = max(parts, key=lambda part: part[1])
    check_memory(sum(part[1] for part in parts), f"this simulate run ({worst} dominate)", fix)


def simulate(
    net: Network,
    *,
    dt: float,
    t_relax: float,
    t_sample: float,
    n_traj: int,
    seed: int,
    init="thermal",
    sampling: Optional[Sampling] = None,
    histogram: Optional[Histogram] = None,
    threads: Optional[int] = None,
    throw: bool = True,
    **sampling_fields,
) -> Ensemble:
    r"""Integrate the Ito SDEs of ``net`` and return streamed statistics.

    Parameters
    ----------
    net : Network
    dt : float
        Time step in units of :math:`1/g`; at most :func:`max_stable_dt`
        (``1e-2`` is accurate for the paper's parameters, see the book's
        numerical-methods section).
    t_relax : float
        Relaxation time discarded before sampling.
    t_sample : float
        Sampling time per trajectory; statistics are taken every
        ``sample_every`` steps.
    n_traj : int
        Number of independent trajectories.
    seed : int
        Seed; trajectory k uses stream k of this seed, so the same seed gives
        bitwise identical results for any number of threads.
    init : {"thermal", "vacuum"}, Ensemble or array_like, default: "thermal"
        Initial amplitudes: complex Gaussian with :math:`\langle|\alpha_\ell|^2\rangle
        = N_{\rm th}` (shortens the thermal transient; trajectory k's start is drawn from its
        own stream, so it depends on ``seed`` and k only, not on ``n_traj``), zero, or given
        (shape (N,) or (n_traj, N)).  An :class:`Ensemble` continues that run from its final
        states with fresh noise (the next *segment* of the same seed's streams, see
        ``SimulationRun.segment``); passing its ``final_alpha`` with the same seed is refused,
        since it would replay the noise.
    sampling : Sampling, optional
        Steps between samples (``sample_every``, default 10), time blocks for the error
        estimates of few trajectories (``n_time_blocks``), trajectories whose amplitudes are
        recorded (``n_record``); see :class:`pgrid.Sampling`.
    histogram : Histogram, optional
        2-D histogram of :math:`\alpha_\ell/s` on :math:`[-L, L]^2` for every site (Fig. 3b
        uses :math:`s = \sqrt{n_0}`), see :class:`pgrid.Histogram`; a dict of its fields is
        accepted.
    threads : int, optional
        Numba threads (default: all).  Threads share out blocks of 32 trajectories integrated
        side by side, so a run of 32 or fewer uses one thread: map many small runs with
        :func:`pgrid.sweep` (one point per core) rather than looping over them.
    throw : bool, default: True
        If trajectories blow up, raise :class:`pgrid.DivergenceError` (it says whether the
        dynamics or the time step is to blame and carries the statistics of the trajectories
        that finished); ``False`` returns those statistics, with ``trajectory_status``
        marking the others (all-NaN statistics if none finished).
    **sampling_fields
        Fields of :class:`pgrid.Sampling` as keywords (``sample_every=5``, ``n_record=2``).

    Returns
    -------
    Ensemble

    Raises
    ------
    ValueError
        For bad parameters or a ``dt`` above :func:`max_stable_dt`.
    DivergenceError
        If trajectories diverged (unless ``throw=False``).

    Examples
    --------
    >>> import pgrid
    >>> net = pgrid.chain(2, gain=0.0, loss=0.0, gamma=0.5, n_th=2.0)
    >>> ens = pgrid.simulate(net, dt=0.02, t_relax=10, t_sample=200, n_traj=16, seed=1)
    >>> bool(abs(ens.occupation_mean.mean() - 2.0) < 0.3)
    True
    """
    if not isinstance(net, Network):
        raise ValueError(f"`net` must be a pgrid.Network, got {type(net).__name__}.")
    dt = number(dt, "dt", positive=True)
    t_relax = number(t_relax, "t_relax", minimum=0.0)
    t_sample = number(t_sample, "t_sample")
    n_traj = integer(n_traj, "n_traj")
    seed = seed_value(seed, "seed")
    throw = flag(throw, "throw")
    (fields_,) = split_fields(sampling_fields, Sampling)
    sampling = merged(sampling, Sampling, fields_)
    histogram = Histogram.coerce(histogram)
    sample_every, n_time_blocks = sampling.sample_every, sampling.n_time_blocks
    dt_max = max_stable_dt(net)
    if dt > dt_max:
        raise ValueError(
            f"`dt` = {dt:g} is too large for this network: the integration would be "
            f"unstable or biased; use dt <= {dt_max:.3g} (pgrid.max_stable_dt)."
        )
    n_relax = int(round(t_relax / dt))
    n_sample = int(round(t_sample / (dt * sample_every)))
    if n_sample < 1:
        raise ValueError(
            f"`t_sample` = {t_sample:g} gives no sample; it must be >= "
            f"dt * sample_every = {dt * sample_every:g}."
        )
    n_tb = min(n_time_blocks, n_sample)
    n_rec_ = min(sampling.n_record, n_traj)
    h_bins_ = int(histogram.bins) if histogram is not None else 0
    # refuse before allocating anything (the start states included)
    _check_memory(
        n_traj,
        n_tb,
        net.bonds.shape[0],
        net.n_sites,
        (n_traj + _k.BLOCK - 1) // _k.BLOCK,
        h_bins_,
        n_rec_,
        n_sample,
    )

    segment, init_kind = 0, init if isinstance(init, str) else "given"
    thermal = isinstance(init, str) and init == "thermal"
    if isinstance(init, Ensemble):
        if init.final_alpha.shape != (n_traj, net.n_sites):
            raise ValueError(
                f"`init` is an Ensemble of {init.final_alpha.shape[0]} trajectories of "
                f"{init.final_alpha.shape[1]} sites; continuing it needs n_traj = "
                f"{init.final_alpha.shape[0]} on a network of as many sites."
            )
        segment = init.run.segment + 1 if init.run.seed == seed else 0
        init_kind = "continued"
        x0 = init.final_alpha
    elif thermal:
        x0 = np.zeros(
            (0, net.n_sites), complex
        )  # drawn in the kernel from each trajectory's stream
    else:
        _refuse_replay(init, seed)
        x0 = initial_state(net, init, kinds=("thermal", "vacuum"), count=n_traj)
    lay = layout(net)
    gr = net.reservoir_arrays()[0]
    act = lay.act
    diff_th = net.gamma * net.n_th
    noisy = np.array([s for s in range(net.n_sites) if diff_th[s] > 0 or gr[s] > 0], np.int64)
    var_th = 0.5 * dt * diff_th[noisy]
    slot = {s: k for k, s in enumerate(act)}
    gain_slot = np.array([slot[s] if gr[s] > 0 else -1 for s in noisy], np.int64)

    if histogram is not None:
        h_scale, h_lim, h_bins = float(histogram.scale), float(histogram.lim), int(histogram.bins)
    else:
        h_scale, h_lim, h_bins = 1.0, 1.0, 0
    n_rec = min(sampling.n_record, n_traj)

    nb = net.bonds.shape[0]
    n = net.n_sites
    n_blocks = (n_traj + _k.BLOCK - 1) // _k.BLOCK
    sJ = np.zeros((n_traj, n_tb, nb))
    sJ2 = np.zeros_like(sJ)
    sN = np.zeros((n_traj, n_tb, n))
    sN2 = np.zeros_like(sN)
    sG = np.zeros((n_traj, n_tb))
    sG2 = np.zeros_like(sG)
    _check_memory(n_traj, n_tb, nb, n, n_blocks, h_bins, n_rec, n_sample)
    hist = np.zeros((n_blocks if h_bins else 1, n, h_bins, h_bins), np.int64)
    rec = np.zeros((n_rec, n_sample if n_rec else 0, n), complex)
    status = np.zeros(n_traj, np.int64)
    xfr = np.zeros((n_traj, n))
    xfi = np.zeros((n_traj, n))

    announce_compilation(_k.run_sde, "SDE kernel")
    with numba_threads(threads):
        _k.run_sde(
            n_traj,
            *split_complex(x0),
            lay,
            _k.Noise(noisy, var_th, gain_slot),
            _k.Run(
                float(dt),
                n_relax,
                n_sample,
                sample_every,
                n_tb,
                np.uint64(seed),
                segment,
                h_scale,
                h_lim,
                n_rec,
                thermal,
                np.sqrt(net.n_th / 2.0),
            ),
            _k.Output(sJ, sJ2, sN, sN2, sG, sG2, hist, rec, status, xfr, xfi),
        )

    diverged = status > 0
    blocks_failed = (
        np.add.reduceat(diverged, np.arange(0, n_traj, _k.BLOCK)) > 0
    )  # one block: BLOCK lanes
    block_failed = np.repeat(blocks_failed, _k.BLOCK)[:n_traj]
    traj_status = np.where(diverged, "diverged", np.where(block_failed, "stopped", "ok")).astype(
        "<U8"
    )
    good = traj_status == "ok"
    n_good = int(good.sum())

    # per-unit sums: trajectories, or (trajectory, time block) pairs if few trajectories
    counts_tb = np.bincount((np.arange(n_sample) * n_tb) // n_sample, minlength=n_tb).astype(float)
    if n_good >= 8:
        units = lambda a: a[good].sum(axis=1)  # noqa: E731
        cnt = np.full(n_good, counts_tb.sum())
    else:
        units = lambda a: a[good].reshape((n_good * n_tb,) + a.shape[2:])  # noqa: E731
        cnt = np.tile(counts_tb, n_good)
    if n_good:
        jm, jm_e, js, js_e = _jackknife(units(sJ), units(sJ2), cnt)
        nm, nm_e, ns, ns_e = _jackknife(units(sN), units(sN2), cnt)
        gm, gm_e, _, _ = _jackknife(units(sG), units(sG2), cnt)
    else:
        jm = jm_e = js = js_e = np.full(nb, np.nan)
        nm = nm_e = ns = ns_e = np.full(n, np.nan)
        gm = gm_e = np.nan
    edges = np.linspace(-h_lim, h_lim, h_bins + 1) if h_bins else None
    final = xfr + 1j * xfi
    final.setflags(write=False)
    _FINAL_STATES[id(final)] = (weakref.ref(final), seed, segment)
    weakref.finalize(final, _FINAL_STATES.pop, id(final), None)
    ens = Ensemble(
        current_mean=jm,
        current_mean_err=jm_e,
        current_std=js,
        current_std_err=js_e,
        occupation_mean=nm,
        occupation_mean_err=nm_e,
        occupation_var=ns**2,
        occupation_var_err=2 * ns * ns_e,
        order_parameter=float(gm),
        order_parameter_err=float(gm_e),
        histogram=hist[~blocks_failed].sum(axis=0) if h_bins else None,
        hist_edges=edges,
        record=rec if n_rec else None,
        record_times=(t_relax + dt * sample_every * np.arange(1, n_sample + 1)) if n_rec else None,
        final_alpha=final,
        bonds=np.array(net.bonds),
        bond_coupling=np.array(net.bond_coupling),
        n_samples=n_sample,
        run=SimulationRun(
            dt=dt,
            t_relax=t_relax,
            t_sample=t_sample,
            n_traj=n_traj,
            seed=seed,
            segment=segment,
            init=init_kind,
            sampling=sampling,
            histogram=histogram,
            n_relax_steps=n_relax,
            n_sample=n_sample,
            n_time_blocks=n_tb,
            error_units="trajectories" if n_good >= 8 else "trajectory time blocks",
        ),
        trajectory_status=traj_status,
        success=good,
        network=net,
    )
    if n_good < n_traj:
        t_bad = status[diverged].min() * dt
        msg = (
            f"{int(diverged.sum())} of {n_traj} trajectories diverged (first at t = {t_bad:g}, dt = {dt:g}): "
            f"{divergence_reason(net, dt)}; {int((traj_status == 'stopped').sum())} more were stopped with "
            f"them (same block of {_k.BLOCK}); the statistics use the other {n_good}"
        )
        if throw:
            raise DivergenceError(
                msg + "  (throw=False returns them)",
                result=ens,
                points=np.flatnonzero(~good).tolist(),
            )
        warnings.warn(msg, RuntimeWarning, stacklevel=2)
    return ens
