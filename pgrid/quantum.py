r"""Quantum master equation (Eq. 1, S1–S4 of the paper) for any :class:`~pgrid.Network`, with QuTiP.

Operators follow QuTiP 5 conventions (subsystems in site order, ``n_fock``
states each): the Hamiltonian :func:`hamiltonian`, the collapse operators
:func:`collapse_operators` (bath :math:`\sqrt{\gamma(N_{\rm th}+1)}a`,
:math:`\sqrt{\gamma N_{\rm th}}a^\dagger`; gain :math:`\sqrt\Gamma A^\dagger`; loss
:math:`\sqrt\Gamma A`; :math:`A = f(a^\dagger a)a`, :math:`f(n) = (1+n/n_0)^{-\nu/2}`).

Exact steady state with the U(1) symmetry
------------------------------------------
Every term of the master equation changes the total excitation number by a
fixed amount, so the elements :math:`|n\rangle\langle m|` with
:math:`\sum n - \sum m = k` never mix between different k, and the unique
steady state lies in the k = 0 block.  :func:`steady_state` works on that
block of the Liouvillian only (never the full :math:`M^{2N}` matrix): it is
block-tridiagonal in the total excitation number s, the diagonal blocks
holding the Hamiltonian and anticommutator terms, the off-diagonal blocks the
jumps :math:`L\rho L^\dagger` that change s by one.  For two modes with M
states each the block has about :math:`2M^3/3` unknowns instead of
:math:`M^4` (three modes: about :math:`0.55 M^5`).  With ``method="matrix-free"`` it is
not even assembled: numba kernels apply it sector by sector
(the private modules ``pgrid._quantum_kernels`` and ``pgrid._k0_krylov``), so the memory is a
few vectors of the block's size.

References
----------
J. Huber and P. Rabl, "Anomalous energy transport and symmetry breaking
in microscopic power grids" (2022).
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from . import _k0_krylov, _quantum_kernels
from ._config import blas_single_threaded, check_memory, progress_bar, progress_enabled
from ._validate import integer
from .network import Network, site_inflow

__all__ = [
    "hamiltonian",
    "collapse_operators",
    "liouvillian",
    "steady_state",
    "current_operator",
    "current_statistics",
    "occupations",
    "top_fock_population",
    "negativity",
    "trajectory_statistics",
    "TruncationError",
    "converged_steady_state",
    "memory_estimate",
    "network_statistics",
    "auto_method",
    "MATRIX_FREE_ABOVE",
]


class TruncationError(ValueError):
    """The Fock cutoff is too small for the state: raise ``n_fock``.

    Attributes
    ----------
    rho : qutip.Qobj or None
        The state computed at the too-small cutoff (usable for a first look).
    n_fock : int
        The cutoff used.
    suggested_n_fock : int
        A cutoff at which the top Fock state should hold less than the accepted population: 15 %
        beyond where a parabola through the last ten log-populations reaches it (the tails bend
        down; a straight line overshoots and wanders with the cutoff); the message says how it was
        found, gives the geometric bound, and warns when that cutoff would not fit in memory.
    """

    def __init__(self, message, *, rho=None, n_fock=0, suggested_n_fock=0):
        super().__init__(message)
        self.rho = rho
        self.n_fock = int(n_fock)
        self.suggested_n_fock = int(suggested_n_fock)


def _suggest_cutoff(rho, n_fock: int, target: float) -> tuple:
    """A cutoff whose top population should fall below ``target``, and how it was found.

    The log-populations of a mode's tail bend down (a lasing mode's tail is Poisson-like, faster
    than geometric), so a straight-line (geometric) extrapolation of the last levels overshoots --
    by a factor of ten at a cutoff just past the peak -- and wanders as the cutoff grows.  A parabola
    fitted to the last ten levels follows the bend; the suggestion is 15 % (+2) beyond where it
    reaches ``target`` (at least the cutoff + 2), the geometric extrapolation is its upper bound.
    Returns ``(suggestion, upper, basis)``: ``upper`` is None where the tail does not decay."""
    lt = np.log(target)
    best, upper, basis = (
        0,
        0,
        "extrapolated from the curvature of the populations' tail near the cutoff",
    )
    for site in range(len(rho.dims[0])):
        pops = np.real(rho.ptrace(site).diag())
        if pops[-1] <= target:
            continue
        k = min(10, n_fock)
        n = np.arange(n_fock)[-k:]
        y = np.log(np.maximum(pops[-k:], 1e-300))
        slope, icpt = np.polyfit(n, y, 1) if k >= 2 else (0.0, y[-1])
        lin = (lt - icpt) / slope if slope < -1e-3 else np.inf
        est = np.inf
        if k >= 4:
            c2, c1, c0 = np.polyfit(n, y, 2)
            disc = c1**2 - 4 * c2 * (c0 - lt)
            if c2 < 0 and disc >= 0:
                est = (-c1 - np.sqrt(disc)) / (2 * c2)
        if not np.isfinite(est):
            est, basis = (
                lin,
                "extrapolated from the geometric decay of the populations near the cutoff",
            )
        if not np.isfinite(est):
            est, basis = 1.5 * n_fock, "1.5 x the cutoff: the populations do not decay near it yet"
        best = max(best, est)
        upper = max(upper, lin)
    suggestion = int(max(n_fock + 2, np.ceil(1.15 * best) + 2))
    return (
        suggestion,
        (int(np.ceil(upper)) if np.isfinite(upper) and upper > suggestion else None),
        basis,
    )


def _sector_sizes(n_sites: int, n_fock: int) -> np.ndarray:
    """Basis states per total excitation number: the coefficients of (1 + x + ... + x^(M-1))^N."""
    sizes = np.ones(1)
    for _ in range(n_sites):
        sizes = np.convolve(sizes, np.ones(n_fock))
    return sizes


def memory_estimate(net: Network, n_fock: int, method: str = "auto") -> float:
    r"""Bytes :func:`steady_state` is expected to need at its peak (an estimate, before anything is built).

    The k = 0 block has :math:`U = \sum_s d_s^2` unknowns (:math:`d_s` basis states with s
    excitations in total).  "krylov" and "direct" assemble it: about ``2 (2 n_bonds + 1) + n_jumps``
    entries per row, held twice while it is assembled (56 bytes per entry); the Krylov solver adds
    its preconditioner and vectors (~250 bytes per unknown), the density matrix ~100.
    "matrix-free" holds eight Krylov vectors and the preconditioner (~180 bytes per unknown), then
    the density matrix.  "qutip" works on the full Liouvillian (:math:`M^{2N}` unknowns).
    """
    n_fock = _check(net, n_fock)
    n = net.n_sites
    sizes = _sector_sizes(n, n_fock)
    unknowns = float(np.sum(sizes**2))
    n_jumps = len(net.gain) + len(net.loss) + 2 * int(np.count_nonzero(net.gamma))
    per_row = 2 * (2 * net.bonds.shape[0] + 1) + n_jumps
    if method == "qutip":
        return float(n_fock) ** (2 * n) * (
            per_row * 56.0 * 4 + 300.0
        )  # LU fill of the full Liouvillian
    if method == "auto":
        method = auto_method(unknowns)
    operators = float(n_fock) ** n * n * 8.0 * 4
    if method == "matrix-free":
        return max(_k0_krylov.memory_bytes(sizes), unknowns * 120.0) + operators
    extra = 250.0 if method == "krylov" else 56.0 * per_row * 3  # LU fill of the small direct block
    return unknowns * (per_row * 56.0 + extra + 100.0) + operators


#: Unknowns of the k = 0 block above which ``method="auto"`` is "matrix-free" (below: "krylov",
#: and "direct" under 5,000).  Measured on 2 cores (``benchmarks/bench_quantum.py``): two modes at
#: cutoff 132 (1.5 million unknowns) 54 s / 0.54 GB matrix-free against 75 s / 1.4 GB assembled;
#: three modes at cutoff 22 (2.8 million) 79 s / 0.78 GB against 108 s / 3.4 GB.  A fixed size,
#: not the free memory, so that the method (and the last digits) never depend on the machine.
MATRIX_FREE_ABOVE = 1_000_000


#: Unknowns of the k = 0 block above which ``method="direct"`` warns (sparse LU fill-in: two modes at
#: cutoff 30, 18,000 unknowns, took 176 s where "matrix-free" takes 0.7 s).
DIRECT_WARN_ABOVE = 20_000
#: Dimension of the full Liouvillian (``n_fock ** (2 N)``) above which ``method="qutip"`` warns (three
#: modes at cutoff 8, 262,144, ran past 24 minutes).
QUTIP_WARN_ABOVE = 100_000


def _warn_cost(n_sites: int, n_fock: int, method: str) -> None:
    """A :class:`pgrid.errors.CostWarning` before a method that is known to be slow at this size."""
    import warnings

    from .errors import CostWarning

    unknowns = int(np.sum(_sector_sizes(n_sites, n_fock) ** 2))
    faster = auto_method(unknowns)
    if method == "direct" and unknowns > DIRECT_WARN_ABOVE:
        warnings.warn(
            f"quantum.steady_state(method='direct') on {unknowns:,} unknowns: the sparse LU fills in and "
            f"can take minutes; method='auto' ({faster!r} here) takes seconds",
            CostWarning,
            stacklevel=3,
        )
    if method == "qutip" and float(n_fock) ** (2 * n_sites) > QUTIP_WARN_ABOVE:
        warnings.warn(
            f"quantum.steady_state(method='qutip') builds the full Liouvillian of dimension "
            f"{float(n_fock) ** (2 * n_sites):,.0f} and can take tens of minutes; method='auto' ({faster!r} "
            f"on the {unknowns:,} unknowns of the k = 0 block) gives the same state in seconds",
            CostWarning,
            stacklevel=3,
        )


def auto_method(unknowns: int) -> str:
    """The solver ``method="auto"`` picks for a k = 0 block of ``unknowns`` elements: "direct" below
    5,000, "krylov" up to :data:`MATRIX_FREE_ABOVE`, "matrix-free" above."""
    if unknowns < 5000:
        return "direct"
    return "krylov" if unknowns <= MATRIX_FREE_ABOVE else "matrix-free"


def _check(net, n_fock):
    if not isinstance(net, Network):
        raise ValueError(f"`net` must be a pgrid.Network, got {type(net).__name__}.")
    return integer(n_fock, "n_fock", minimum=2)


def _site_ops(n_fock):
    a = sp.diags(np.sqrt(np.arange(1, n_fock)), 1, format="csr")
    return a, sp.identity(n_fock, format="csr")


def _embed(op, site, n_sites, n_fock):
    """``op`` acting on ``site`` of ``n_sites`` modes (sparse, Kronecker order = site order)."""
    ident = sp.identity(n_fock, format="csr")
    out = sp.identity(1, format="csr")
    for k in range(n_sites):
        out = sp.kron(out, op if k == site else ident, format="csr")
    return out


def _cutoff_matrix(res, n_fock):
    n = np.arange(n_fock)
    return sp.diags((1.0 + n / res.n0) ** (-res.nu / 2.0), format="csr")


def _sparse_operators(net: Network, n_fock: int):
    """H and collapse operators as scipy CSR matrices, with the total-number change of each."""
    n = net.n_sites
    a, _ = _site_ops(n_fock)
    ann = [_embed(a, k, n, n_fock) for k in range(n)]
    dim = n_fock**n
    h = sp.csr_matrix((dim, dim), dtype=complex)
    for (i, j), gij in zip(net.bonds, net.bond_coupling):
        hop = ann[i].getH() @ ann[j]
        if np.iscomplexobj(gij):  # -(g_ij a_i^dag a_j + g_ij^* a_j^dag a_i) / 2 (a flux)
            h = h - 0.5 * (gij * hop + np.conj(gij) * hop.getH())
        else:
            h = h - 0.5 * gij * (hop + hop.getH())
    for k in range(n):
        if net.detuning[k] != 0:
            h = h + net.detuning[k] * (ann[k].getH() @ ann[k])
    c_ops = []  # (operator, change of the total excitation number)
    for k in range(n):
        if net.gamma[k] > 0:
            c_ops.append((np.sqrt(net.gamma[k] * (net.n_th[k] + 1)) * ann[k], -1))
            if net.n_th[k] > 0:
                c_ops.append((np.sqrt(net.gamma[k] * net.n_th[k]) * ann[k].getH(), +1))
    for k, res in net.gain.items():
        if res.rate > 0:
            big_a = _embed(_cutoff_matrix(res, n_fock) @ a, k, n, n_fock)
            c_ops.append((np.sqrt(res.rate) * big_a.getH(), +1))
    for k, res in net.loss.items():
        if res.rate > 0:
            big_a = _embed(_cutoff_matrix(res, n_fock) @ a, k, n, n_fock)
            c_ops.append((np.sqrt(res.rate) * big_a, -1))
    return h.tocsr(), [(c.tocsr(), d) for c, d in c_ops]


def _qobj(mat, n_sites, n_fock):
    import qutip

    dims = [[n_fock] * n_sites, [n_fock] * n_sites]
    return qutip.Qobj(mat, dims=dims)


def hamiltonian(net: Network, n_fock: int):
    r""":math:`H = -\frac12\sum_{\ell m} g_{\ell m}a_\ell^\dagger a_m + \sum_\ell\Delta_\ell a_\ell^\dagger a_\ell` (:math:`\hbar = 1`) as a ``qutip.Qobj``."""
    n_fock = _check(net, n_fock)
    return _qobj(_sparse_operators(net, n_fock)[0], net.n_sites, n_fock)


def collapse_operators(net: Network, n_fock: int) -> list:
    """Collapse operators of Eq. (1) (bath, gain A^dagger, loss A) as ``qutip.Qobj`` (QuTiP's ``c_ops``)."""
    n_fock = _check(net, n_fock)
    return [_qobj(c, net.n_sites, n_fock) for c, _ in _sparse_operators(net, n_fock)[1]]


def liouvillian(net: Network, n_fock: int):
    """The full Liouvillian (``qutip.liouvillian(H, c_ops)``); size n_fock^(2N)."""
    import qutip

    return qutip.liouvillian(hamiltonian(net, n_fock), collapse_operators(net, n_fock))


def _sectors(n_sites, n_fock):
    """Basis indices grouped by total excitation number s."""
    occ = np.array(list(itertools.product(range(n_fock), repeat=n_sites)), dtype=np.int64)
    total = occ.sum(axis=1)
    return [np.nonzero(total == s)[0] for s in range(total.max() + 1)], occ


def _effective_hamiltonian(h, c_ops):
    """The non-Hermitian effective Hamiltonian H - (i/2) sum_c C_c^dagger C_c (CSR)."""
    k_mat = sum((c.getH() @ c for c, _ in c_ops), sp.csr_matrix(h.shape, dtype=complex))
    return (h - 0.5j * k_mat).tocsr()


def _reduced_liouvillian(h, c_ops, sectors):
    """k = 0 block of the Liouvillian, assembled sector by sector (row-major vec of rho_s)."""
    heff = _effective_hamiltonian(h, c_ops)
    sizes = np.array([len(ix) for ix in sectors])
    offsets = np.concatenate([[0], np.cumsum(sizes**2)])
    blocks_r, blocks_c, blocks_v = [], [], []

    def add(block, s_row, s_col):
        block = block.tocoo()
        blocks_r.append(block.row + offsets[s_row])
        blocks_c.append(block.col + offsets[s_col])
        blocks_v.append(block.data)

    for s, ix in enumerate(sectors):
        hs = heff[ix][:, ix]
        eye = sp.identity(len(ix), format="csr")
        # -i (Heff rho - rho Heff^dagger)  ->  -i (Heff (x) 1 - 1 (x) conj(Heff))
        add(-1j * sp.kron(hs, eye) + 1j * sp.kron(eye, hs.conj()), s, s)
        for c, shift in c_ops:
            t = s + shift
            if 0 <= t < len(sectors):
                cs = c[sectors[t]][:, ix]
                if cs.nnz:
                    add(sp.kron(cs, cs.conj()), t, s)
    dim = offsets[-1]
    lmat = sp.csr_matrix(
        (np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))),
        shape=(dim, dim),
    )
    return lmat, offsets, heff


def _solve_direct(lmat, trace_vec):
    """Sparse LU with the trace condition replacing the first equation."""
    idx = np.nonzero(trace_vec)[0]
    trace_row = sp.csr_matrix(
        (np.ones(idx.size), (np.zeros(idx.size, int), idx)), shape=(1, lmat.shape[1])
    )
    a = sp.vstack([trace_row, lmat[1:]], format="csc")
    rhs = np.zeros(lmat.shape[0], complex)
    rhs[0] = 1.0
    return spla.spsolve(a, rhs)


def _solve_krylov(lmat, trace_vec, heff, sectors, offsets, tol):
    """BiCGSTAB on (L + v v^T) x = v, preconditioned by symmetric block Gauss-Seidel in s.

    v is the trace functional (L has range {y: v.y = 0}, so the rank-one term makes the
    system regular and its solution is the normalised steady state).  L is block
    tridiagonal in the total excitation number s: diagonal blocks D_s (no-jump evolution
    X -> -i (Heff X - X Heff^dagger)), jumps up (gain, bath heating) below the diagonal and
    jumps down (loss, bath) above it.  The preconditioner is (D + L_low) D^-1 (D + L_up)
    inverted by a forward and a backward sweep over the sectors; each D_s is inverted
    exactly through the eigenvectors of Heff in that sector (a Sylvester equation,
    O(c^3) for a sector of c states).  Measured for two modes: 5x fewer iterations than
    the block-diagonal (Jacobi) preconditioner, 3.8 s instead of 30-80 s at n0 = 1,
    gamma = 1e-3 g, M = 70.  GMRES (restart 100) is the fallback.
    """
    n_sec = len(sectors)
    pre = []
    for ix in sectors:
        lam, vec = np.linalg.eig(heff[ix][:, ix].toarray())
        den = lam[:, None] - lam.conj()[None, :]
        den[np.abs(den) < 1e-14] = 1e-14
        pre.append((vec, np.linalg.inv(vec), den))
    lmat = lmat.tocsr()
    sl = [slice(offsets[k], offsets[k + 1]) for k in range(n_sec)]
    diag = [lmat[sl[k], sl[k]] for k in range(n_sec)]
    low = [None] + [lmat[sl[k], sl[k - 1]] for k in range(1, n_sec)]
    up = [lmat[sl[k], sl[k + 1]] for k in range(n_sec - 1)] + [None]

    def d_inv(k, r):
        vec, vinv, den = pre[k]
        c = vec.shape[0]
        y = 1j * (vinv @ r.reshape(c, c) @ vinv.conj().T) / den
        return (vec @ y @ vec.conj().T).ravel()

    def apply_pre(r):
        y = np.empty_like(r)
        for k in range(n_sec):  # (D + L_low) y = r
            rk = r[sl[k]] if k == 0 else r[sl[k]] - low[k] @ y[sl[k - 1]]
            y[sl[k]] = d_inv(k, rk)
        x = np.empty_like(r)
        for k in range(n_sec - 1, -1, -1):  # (D + L_up) x = D y
            rk = diag[k] @ y[sl[k]]
            if k < n_sec - 1:
                rk = rk - up[k] @ x[sl[k + 1]]
            x[sl[k]] = d_inv(k, rk)
        return x

    n = lmat.shape[0]
    op = spla.LinearOperator(
        (n, n), matvec=lambda x: lmat @ x + trace_vec * (trace_vec @ x), dtype=complex
    )
    prec = spla.LinearOperator((n, n), matvec=apply_pre, dtype=complex)
    rhs = trace_vec.astype(complex)
    vec, info = spla.bicgstab(op, rhs, M=prec, rtol=tol, maxiter=5000)
    if info != 0 or not np.all(np.isfinite(vec)):
        check_memory(
            16.0 * 110 * n,
            f"the GMRES fallback (restart 100) on {n} unknowns",
            "lower `n_fock`, or use method='direct' for a small system",
        )
        vec, info = spla.gmres(op, rhs, M=prec, rtol=tol, restart=100, maxiter=100)
    if info != 0:
        raise RuntimeError(
            f"the Krylov solvers did not converge (code {info}); try method='direct' "
            "or a larger `n_fock` margin."
        )
    return vec


@blas_single_threaded
def steady_state(
    net: Network,
    n_fock: int,
    *,
    method: str = "auto",
    max_top_population: float = 1e-5,
    tol: float = 1e-12,
    progress: bool | None = None,
):
    r"""Exact steady state of the master equation as a ``qutip.Qobj`` (sites in order).

    Parameters
    ----------
    net : Network
    n_fock : int
        Fock states per mode (cutoff M).
    method : {"auto", "direct", "matrix-free", "krylov", "qutip"}, default: "auto"
        "direct": the k = 0 block of the Liouvillian (exact, see the module
        docstring) solved by sparse LU with the trace condition; "matrix-free":
        the same block never assembled (numba kernels apply it sector by sector)
        and solved by BiCGSTAB, preconditioned by a symmetric block Gauss-Seidel
        sweep over the excitation-number sectors with the exact inverse of the
        no-jump evolution in each; memory is eight vectors of the block's size
        plus the preconditioner; "krylov": the same Krylov method on the
        assembled block (the solver before "matrix-free", kept for comparison);
        "auto": direct below 5,000 unknowns, krylov up to a million, matrix-free
        above (:func:`auto_method`; where matrix-free takes over it is the faster
        and needs 2.5-4 times less memory, see ``benchmarks/bench_quantum.py``;
        the two agree to ~1e-9); "qutip":
        ``qutip.steadystate`` on the full Liouvillian (for cross-checks; needs
        :math:`M^{2N}` memory).
    tol : float, default: 1e-12
        Residual of the Krylov solvers (relative to the right-hand side; for
        "matrix-free" the unit-norm vacuum element, checked again on the result).
    max_top_population : float, default: 1e-5
        Largest population of the highest Fock state of any mode accepted;
        above it a :class:`TruncationError` says to raise ``n_fock``.  Current
        fluctuations are sensitive to the tail: for two modes with n0 = 5,
        gamma = 0.1 g, Gamma_i = 4g, Gamma_e = 1g, a cutoff of 30 (top population
        9e-4) gives Delta J = 3.69 g where 40 (top population 1e-6) gives 3.35 g.
    progress : bool, optional
        Progress bar of the matrix-free iterations (shown after 2 s; default: on
        unless ``PGRID_PROGRESS=0``).

    Returns
    -------
    qutip.Qobj

    Notes
    -----
    Reproducibility: BLAS and LAPACK run on one thread during the solve
    (``pgrid._config.single_threaded_blas``), so the state is bitwise the same for any
    ``OPENBLAS_NUM_THREADS`` and numba thread count on one machine.  Across CPUs (other BLAS
    kernels) and methods the iterative solvers agree to their tolerance, about 1e-9 in the
    density matrix; print differences as bounds (``pgrid.book.numbers.below``).
    """
    n_fock = _check(net, n_fock)
    if method not in ("auto", "direct", "matrix-free", "krylov", "qutip"):
        raise ValueError(
            f"method {method!r} not supported; use 'auto', 'direct', 'matrix-free', 'krylov' or 'qutip'."
        )
    if (
        isinstance(tol, bool)
        or not isinstance(tol, (int, float, np.integer, np.floating))
        or not 0 < tol < 1
    ):
        raise ValueError(
            f"`tol` must be a number in (0, 1) (the iterative solvers' relative residual), got {tol!r}."
        )
    if (
        isinstance(max_top_population, bool)
        or not isinstance(max_top_population, (int, float, np.integer, np.floating))
        or not 0 < max_top_population <= 1
    ):
        raise ValueError(
            f"`max_top_population` must be a number in (0, 1] (1 disables the truncation check), "
            f"got {max_top_population!r}."
        )
    n = net.n_sites
    _warn_cost(n, n_fock, method)
    check_memory(
        memory_estimate(net, n_fock, method),
        f"the exact steady state of {n} modes with n_fock = {n_fock} (method {method!r})",
        "lower `n_fock` (the memory grows like n_fock^(2N-1)), or use the semiclassical solvers "
        "(pgrid.simulate, pgrid.linear_noise) for this network",
    )
    import qutip

    if method == "qutip":
        rho = qutip.steadystate(hamiltonian(net, n_fock), collapse_operators(net, n_fock))
    else:
        h, c_ops = _sparse_operators(net, n_fock)
        sectors, _ = _sectors(n, n_fock)
        unknowns = int(np.sum([len(ix) ** 2 for ix in sectors]))
        if method == "auto":
            method = auto_method(unknowns)
        if method == "matrix-free":
            vec, offsets = _solve_matrix_free(h, c_ops, sectors, tol, progress)
        else:
            lmat, offsets, heff = _reduced_liouvillian(h, c_ops, sectors)
            trace_vec = np.zeros(lmat.shape[0])
            for s, ix in enumerate(sectors):
                trace_vec[offsets[s] + np.arange(len(ix)) * (len(ix) + 1)] = 1.0
            if method == "direct":
                vec = _solve_direct(lmat, trace_vec)
            else:
                vec = _solve_krylov(lmat, trace_vec, heff, sectors, offsets, tol)
            residual = np.abs(lmat @ vec).max()
            if not residual < 1e-8 * max(1.0, np.abs(lmat).max()):
                raise RuntimeError(
                    f"steady-state residual {residual:.2e} too large (method {method!r})."
                )
            del lmat
        rho = _density_matrix(vec, sectors, offsets, n, n_fock)
    top = top_fock_population(rho)
    if np.max(top) > max_top_population:
        suggestion, upper, basis = _suggest_cutoff(rho, n_fock, max_top_population)
        how = (
            basis
            + (f"; a geometric tail would need at most {upper}" if upper else "")
            + "; an estimate: raise further if it still fails"
        )
        need = memory_estimate(net, suggestion, method)
        from ._config import MEMORY_SHARE, available_memory

        fits = need <= MEMORY_SHARE * available_memory()
        raise TruncationError(
            f"the highest Fock state (n = {n_fock - 1}) holds population {np.max(top):.2e} on site "
            f"{int(np.argmax(top))} (> {max_top_population:g}): the cutoff is too small for this "
            f"state; raise `n_fock` (now {n_fock}; try n_fock = {suggestion}, {how}"
            + (
                ""
                if fits
                else f"; that cutoff would need about {need / 1024**3:.3g} GiB, more than this machine "
                "has: use the semiclassical solvers (pgrid.simulate, pgrid.linear_noise) or a smaller n0"
            )
            + "; the state computed here is the error's `rho`).",
            rho=rho,
            n_fock=n_fock,
            suggested_n_fock=suggestion,
        )
    return rho


def _solve_matrix_free(h, c_ops, sectors, tol, progress):
    """The k = 0 block vector of the steady state by ``pgrid._k0_krylov.solve`` (and its offsets)."""
    heff = _effective_hamiltonian(h, c_ops)
    lay = _quantum_kernels.sector_layout(heff, c_ops, sectors)
    blocks = (heff[ix][:, ix].toarray() for ix in sectors)  # one dense sector at a time
    unknowns = int(lay.vec_off[-1])
    bar = progress_bar(
        None,
        f"exact steady state ({unknowns:,} unknowns)",
        unit="it",
        enabled=progress_enabled(progress),
    )

    def report(it, res):
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"residual {res:.1e}", refresh=False)

    try:
        vec, _ = _k0_krylov.solve(lay, blocks, tol=tol, progress=report)
    finally:
        if bar is not None:
            bar.close()
    return vec, lay.vec_off


def _density_matrix(vec, sectors, offsets, n, n_fock):
    """The Hermitian density matrix (``qutip.Qobj``, sparse) from the k = 0 block vector."""
    rows, cols, vals = [], [], []
    for s, ix in enumerate(sectors):
        block = vec[offsets[s] : offsets[s + 1]].reshape(len(ix), len(ix))
        r, c = np.meshgrid(ix, ix, indexing="ij")
        rows.append(r.ravel())
        cols.append(c.ravel())
        vals.append(block.ravel())
    dim = n_fock**n
    mat = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim)
    )
    mat = 0.5 * (mat + mat.getH())
    mat.eliminate_zeros()
    return _qobj(mat, n, n_fock)


def converged_steady_state(
    net,
    n_fock: int,
    *,
    grow: float = 1.25,
    max_n_fock: int = 220,
    max_top_population: float = 1e-5,
    method: str = "auto",
):
    """:func:`pgrid.quantum.steady_state` with the cutoff raised until it is large enough.

    Starts at ``n_fock`` and multiplies it by ``grow`` after every
    :class:`~pgrid.quantum.TruncationError` (by at least 2), up to ``max_n_fock``.
    ``method`` is passed on to :func:`steady_state`.

    Returns
    -------
    (rho, n_fock)
    """
    if grow <= 1:
        raise ValueError(f"`grow` must be > 1, got {grow!r}.")
    m = int(n_fock)
    while True:
        try:
            return steady_state(net, m, max_top_population=max_top_population, method=method), m
        except TruncationError:
            if m >= max_n_fock:
                raise
            m = min(max_n_fock, max(m + 2, int(np.ceil(m * grow))))


def _dims(rho):
    dims = rho.dims[0]
    return len(dims), int(dims[0])


def top_fock_population(rho) -> np.ndarray:
    """Population of the highest Fock state of every mode (truncation check)."""
    n, m = _dims(rho)
    return np.array([float(np.real(rho.ptrace(k).diag()[-1])) for k in range(n)])


def occupations(rho) -> np.ndarray:
    r""":math:`\langle a_\ell^\dagger a_\ell\rangle` for every site."""
    n, m = _dims(rho)
    num = np.arange(m)
    return np.array([float(np.real(rho.ptrace(k).diag() @ num)) for k in range(n)])


def current_operator(net: Network, n_fock: int, bond: int):
    r"""Current operator on ``net.bonds[bond]`` = (i, j), positive from i to j.

    :math:`J = \frac{i}{2}(g_{ij}^* a_j^\dagger a_i - g_{ij} a_i^\dagger a_j)`, the operator form of
    :math:`{\rm Im}(g_{ij}\alpha_i^*\alpha_j)`; for real coupling
    :math:`i\frac{g}{2}(a_j^\dagger a_i - a_i^\dagger a_j)`.
    """
    n_fock = _check(net, n_fock)
    if not 0 <= bond < len(net.bonds):
        raise ValueError(f"`bond` must be in 0..{len(net.bonds) - 1}, got {bond}.")
    i, j = net.bonds[bond]
    a, _ = _site_ops(n_fock)
    ai, aj = _embed(a, i, net.n_sites, n_fock), _embed(a, j, net.n_sites, n_fock)
    g = net.bond_coupling[bond]
    if np.iscomplexobj(g):
        return _qobj(
            0.5j * (np.conj(g) * (aj.getH() @ ai) - g * (ai.getH() @ aj)), net.n_sites, n_fock
        )
    return _qobj(0.5j * g * (aj.getH() @ ai - ai.getH() @ aj), net.n_sites, n_fock)


def current_statistics(rho, net: Network, bond: int):
    r"""Mean current and operator fluctuations :math:`\Delta J = \sqrt{\langle J^2\rangle - \langle J\rangle^2}`.

    This is the quantum (operator) variance; the SDE's P-function spread lacks
    its vacuum contribution (Eq. S45).
    """
    import qutip

    n, m = _dims(rho)
    jop = current_operator(net, m, bond)
    mean = float(np.real(qutip.expect(jop, rho)))
    second = float(np.real(qutip.expect(jop * jop, rho)))
    return mean, float(np.sqrt(max(second - mean**2, 0.0)))


@blas_single_threaded
def negativity(rho, i: int, j: int, *, logarithmic: bool = False) -> float:
    r"""Entanglement negativity between sites i and j (trace-norm definition, as ``qutip.negativity``).

    :math:`\mathcal N = (\|\rho_{ij}^{T_j}\|_1 - 1)/2`, or :math:`\log_2\|\rho_{ij}^{T_j}\|_1`
    with ``logarithmic=True``.  For states of the k = 0 sector the partial
    transpose is block diagonal (rows :math:`(n_i, n_j)` with fixed
    :math:`n_i - n_j`), so only small Hermitian eigenproblems are solved.
    """
    n, m = _dims(rho)
    if i == j or not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"`i` and `j` must be two different sites in 0..{n - 1}, got {i}, {j}.")
    # two-site state, basis (x, y) = (site min(i, j), site max(i, j)); the spectrum of the
    # partial transpose does not depend on which factor is transposed: transpose y
    red = rho if n == 2 else rho.ptrace([min(i, j), max(i, j)])
    try:
        mat = red.data_as("csr_matrix")
    except (AttributeError, TypeError, ValueError):
        mat = sp.csr_matrix(red.full())
    mat = sp.csr_matrix(mat)
    total = float(np.sum(np.abs(mat.data) ** 2))
    # PT[(x1, y1), (x2, y2)] = rho[(x1, y2), (x2, y1)]; for a k = 0 state it is block diagonal in
    # d = x - y: block d has rows (a, a - d), element (p, q) = rho[(a_p, a_q - d), (a_q, a_p - d)]
    norm = 0.0
    inside = 0.0
    for d in range(-(m - 1), m):
        av = np.array([x for x in range(m) if 0 <= x - d < m])
        ap, aq = np.meshgrid(av, av, indexing="ij")
        block = np.asarray(mat[(ap * m + aq - d).ravel(), (aq * m + ap - d).ravel()]).reshape(
            av.size, av.size
        )
        inside += float(np.sum(np.abs(block) ** 2))
        norm += float(np.sum(np.abs(np.linalg.eigvalsh(0.5 * (block + block.conj().T)))))
    if total - inside > 1e-10 * total:
        # not a k = 0 state (e.g. a state built by hand): the full partial transpose
        full = mat.toarray().reshape(m, m, m, m).transpose(0, 3, 2, 1).reshape(m * m, m * m)
        norm = float(np.sum(np.abs(np.linalg.eigvalsh(0.5 * (full + full.conj().T)))))
    return float(np.log2(norm)) if logarithmic else float((norm - 1.0) / 2.0)


def network_statistics(rho, net: Network, *, negativity_pairs="all") -> dict:
    r"""Every observable of the chapters from one steady state of ``net``.

    Returns a dict of arrays: ``occupation`` (per site), ``current_mean`` and
    ``current_std`` (operator statistics of every bond, ``net.bonds`` order, positive
    from i to j; see :func:`current_statistics`), ``inflow`` (mean current into every
    site, :func:`pgrid.site_inflow`), ``pairs`` (shape (P, 2)) and ``negativity`` (per
    pair, :func:`negativity`).  ``negativity_pairs``: ``"all"`` (every pair of sites i < j),
    ``None`` (none) or a list of pairs.
    """
    n = net.n_sites
    if negativity_pairs == "all":
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = [tuple(p) for p in (negativity_pairs or [])]
    stats = [current_statistics(rho, net, b) for b in range(len(net.bonds))]
    mean = np.array([m for m, _ in stats])
    return {
        "occupation": occupations(rho),
        "current_mean": mean,
        "current_std": np.array([s for _, s in stats]),
        "inflow": site_inflow(net, mean),
        "pairs": np.array(pairs, dtype=int).reshape(-1, 2),
        "negativity": np.array([negativity(rho, i, j) for i, j in pairs]),
    }


def trajectory_statistics(
    net: Network,
    n_fock: int,
    bond: int,
    *,
    t_relax: float,
    t_sample: float,
    n_times: int = 200,
    n_traj: int = 32,
    seed: int = 0,
):
    r"""Mean current and operator fluctuations from quantum trajectories (``qutip.mcsolve``).

    An independent cross-check of :func:`steady_state`: trajectories start in
    the vacuum, evolve for ``t_relax``, and :math:`\langle J\rangle`,
    :math:`\langle J^2\rangle` are averaged over ``n_times`` times in the following
    ``t_sample`` and over trajectories.  The error is the standard error of the
    per-trajectory time averages.

    Returns
    -------
    dict with keys ``mean``, ``mean_err``, ``std``, ``std_err``.
    """
    import qutip

    n_fock = _check(net, n_fock)
    if not (t_relax >= 0 and t_sample > 0):
        raise ValueError(f"`t_relax` must be >= 0 and `t_sample` > 0, got {t_relax}, {t_sample}.")
    jop = current_operator(net, n_fock, bond)
    psi0 = qutip.tensor([qutip.basis(n_fock, 0)] * net.n_sites)
    tlist = np.concatenate([[0.0], t_relax + np.linspace(0.0, t_sample, n_times)])
    result = qutip.mcsolve(
        hamiltonian(net, n_fock),
        psi0,
        tlist,
        collapse_operators(net, n_fock),
        e_ops=[jop, jop * jop],
        ntraj=n_traj,
        seeds=int(seed),
        options={"keep_runs_results": True, "progress_bar": False, "store_states": False},
    )
    j1 = np.real(np.array(result.runs_expect[0]))[:, 1:]  # (n_traj, n_times)
    j2 = np.real(np.array(result.runs_expect[1]))[:, 1:]
    m1, m2 = j1.mean(axis=1), j2.mean(axis=1)  # per-trajectory time averages
    mean, second = m1.mean(), m2.mean()
    std = float(np.sqrt(max(second - mean**2, 0.0)))
    k = len(m1)
    # jackknife over trajectories for the spread
    jk = np.sqrt(np.maximum((second * k - m2) / (k - 1) - ((mean * k - m1) / (k - 1)) ** 2, 0.0))
    return {
        "mean": float(mean),
        "mean_err": float(m1.std(ddof=1) / np.sqrt(k)),
        "std": std,
        "std_err": float(np.sqrt((k - 1) / k * np.sum((jk - jk.mean()) ** 2))),
    }
