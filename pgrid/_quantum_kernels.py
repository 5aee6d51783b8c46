r"""The k = 0 block of the Liouvillian applied without assembling it (private numba kernels).

Every term of the master equation changes the total excitation number by a fixed amount, so
the density matrix's k = 0 part is a list of square blocks :math:`X_s` (one per total
excitation number s, :math:`d_s\times d_s`), stored row-major one after the other in one
complex vector.  The Liouvillian maps it to

.. math::

    (\mathcal L X)_s = -i\,(H_{\rm eff} X_s - X_s H_{\rm eff}^\dagger)
        + \sum_c C_c X_{s - \delta_c} C_c^\dagger,
    \qquad H_{\rm eff} = H - \tfrac{i}{2}\sum_c C_c^\dagger C_c,

with jump operators :math:`C_c` that change s by :math:`\delta_c = \pm 1`.  Each jump acts on
one mode (:math:`a_k`, :math:`a_k^\dagger`, or :math:`f(n_k)a_k` and its adjoint), so it maps a
Fock state to at most one Fock state and back: the kernels store it "pulled", as the source
state and the matrix element of every target state.

The kernels take one :data:`SectorLayout`, built by :func:`sector_layout` and nowhere else.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

#: The k = 0 block of one network at one cutoff.
#:
#: sec_start (S + 1,) int64: first basis state of each sector in the sector-ordered basis (of size
#: dim = M^N); vec_off (S + 1,) int64: first element of each block X_s in the vector (sum of d_s^2);
#: sector (dim,) int64: the sector of each basis state; h_ptr (dim + 1,), h_col (nnz,) int64 and
#: h_val (nnz,) complex128: the rows of H_eff (CSR, columns as indices within the sector);
#: j_src (C, dim) int64: for jump c and target state b, the source state (-1: none);
#: j_val (C, dim) float64: its matrix element <b|C_c|source>; j_shift (C,) int64: delta_c.
SectorLayout = namedtuple(
    "SectorLayout", "sec_start vec_off sector h_ptr h_col h_val j_src j_val j_shift"
)


def sector_layout(heff, jumps, sectors) -> SectorLayout:
    """The :data:`SectorLayout` of the effective Hamiltonian ``heff`` (scipy sparse, Kronecker
    basis), the jumps ``[(C, delta), ...]`` (scipy sparse) and the sectors (Kronecker indices
    of the basis states with s excitations, for s = 0, 1, ...)."""
    sizes = np.array([len(ix) for ix in sectors], np.int64)
    sec_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    vec_off = np.concatenate([[0], np.cumsum(sizes**2)]).astype(np.int64)
    order = np.concatenate(sectors).astype(np.int64)  # sector-ordered -> Kronecker index
    dim = order.size
    sector = np.repeat(np.arange(len(sectors), dtype=np.int64), sizes)
    local = np.arange(dim, dtype=np.int64) - sec_start[sector]
    position = np.empty(dim, np.int64)  # Kronecker -> sector-ordered index
    position[order] = np.arange(dim, dtype=np.int64)
    h = heff.tocsr()[order][:, order].tocsr()
    h.sort_indices()
    rows = np.repeat(np.arange(dim), np.diff(h.indptr))
    if np.any(sector[h.indices] != sector[rows]):
        raise AssertionError("H_eff mixes excitation-number sectors")
    h_col = local[h.indices].astype(np.int64)
    j_src = np.full((len(jumps), dim), -1, np.int64)
    j_val = np.zeros((len(jumps), dim))
    j_shift = np.zeros(len(jumps), np.int64)
    for c, (op, shift) in enumerate(jumps):
        coo = op.tocoo()
        tgt, src = position[coo.row], position[coo.col]
        if np.unique(tgt).size != tgt.size or np.any(sector[tgt] - sector[src] != shift):
            raise AssertionError("a jump is not a one-to-one map between neighbouring sectors")
        if np.any(np.abs(coo.data.imag) > 0):
            raise AssertionError("jump matrix elements must be real")
        j_src[c, tgt] = src
        j_val[c, tgt] = coo.data.real
        j_shift[c] = shift
    return SectorLayout(
        sec_start,
        vec_off,
        sector,
        h.indptr.astype(np.int64),
        h_col,
        h.data.astype(np.complex128),
        j_src,
        j_val,
        j_shift,
    )


@njit(inline="always")
def _pull_jump_row(lay, x, y, out, c, b, s0, d, scale):
    """y[out:out + d] += scale * row (b - s0) of C_c X C_c^dagger (X in the source sector), for the
    target state b of a sector starting at s0 with d states."""
    si = lay.j_src[c, b]
    if si < 0:
        return
    t = lay.sector[si]
    t0 = lay.sec_start[t]
    dt = lay.sec_start[t + 1] - t0
    src = lay.vec_off[t] + (si - t0) * dt - t0
    vi = scale * lay.j_val[c, b]
    for j in range(d):
        sj = lay.j_src[c, s0 + j]
        if sj >= 0:
            y[out + j] += vi * lay.j_val[c, s0 + j] * x[src + sj]


@njit(inline="always")
def _row(lay, x, y, b):
    """Row ``i`` of (L X)_s for the basis state b = sec_start[s] + i, written into y."""
    s = lay.sector[b]
    s0 = lay.sec_start[s]
    d = lay.sec_start[s + 1] - s0
    i = b - s0
    base = lay.vec_off[s]
    out = base + i * d
    for j in range(d):
        y[out + j] = 0.0
    # -i H_eff X: row i of X is the sum of H_eff[i, k] times row k
    for p in range(lay.h_ptr[b], lay.h_ptr[b + 1]):
        h = -1j * lay.h_val[p]
        row = base + lay.h_col[p] * d
        for j in range(d):
            y[out + j] += h * x[row + j]
    # + i X H_eff^dagger: element j is sum_k X[i, k] conj(H_eff[j, k])
    xi = base + i * d
    for j in range(d):
        acc = 0.0j
        for p in range(lay.h_ptr[s0 + j], lay.h_ptr[s0 + j + 1]):
            acc += x[xi + lay.h_col[p]] * np.conj(lay.h_val[p])
        y[out + j] += 1j * acc
    # jumps C X C^dagger, pulled from the source sector
    for c in range(lay.j_src.shape[0]):
        _pull_jump_row(lay, x, y, out, c, b, s0, d, 1.0)


@njit(parallel=True, cache=True)
def apply(lay, x, y):
    """y = L x on the k = 0 block (rows in parallel)."""
    for b in prange(lay.sector.size):
        _row(lay, x, y, b)


@njit(cache=True)
def trace(lay, x):
    """Sum over sectors of the trace of X_s."""
    acc = 0.0j
    for s in range(lay.sec_start.size - 1):
        d = lay.sec_start[s + 1] - lay.sec_start[s]
        for i in range(d):
            acc += x[lay.vec_off[s] + i * (d + 1)]
    return acc


@njit(cache=True)
def jumps_into(lay, x, out, s, shift, sign):
    """out (the block X_s, flattened) += sign * sum over jumps c with delta_c = shift of C X C^dagger."""
    s0 = lay.sec_start[s]
    d = lay.sec_start[s + 1] - s0
    for c in range(lay.j_src.shape[0]):
        if lay.j_shift[c] != shift:
            continue
        for i in range(d):
            _pull_jump_row(lay, x, out, i * d, c, s0 + i, s0, d, sign)


@njit(cache=True)
def _sector_inverse(vec, vinv, inv_den, r):
    """X with -i (H_eff X - X H_eff^dagger) = R, H_eff = vec diag(lambda) vinv (inv_den = i / (lambda_a - lambda_b^*))."""
    y = np.dot(np.dot(vinv, r), np.conj(vinv).T) * inv_den
    return np.dot(np.dot(vec, y), np.conj(vec).T)


@njit(cache=True)
def gauss_seidel(lay, pre_vec, pre_vinv, pre_den, r, out):
    """out = M^-1 r for the symmetric block Gauss-Seidel preconditioner over the sectors.

    pre_vec, pre_vinv, pre_den hold, block by block like the vector, the eigenvectors of H_eff in
    each sector, their inverse and i / (lambda_a - lambda_b^*).  Forward sweep (D + J_up) y = r,
    then backward x_s = y_s - D_s^-1 (J_down x_{s+1}) (that is, x = (D + J_down)^-1 D y)."""
    off = lay.vec_off
    n_sec = off.size - 1
    for s in range(n_sec):
        a, b = off[s], off[s + 1]
        d = lay.sec_start[s + 1] - lay.sec_start[s]
        rs = r[a:b].copy()
        if s > 0:
            jumps_into(lay, out, rs, s, 1, -1.0)
        x = _sector_inverse(
            pre_vec[a:b].reshape(d, d),
            pre_vinv[a:b].reshape(d, d),
            pre_den[a:b].reshape(d, d),
            rs.reshape(d, d),
        )
        out[a:b] = x.ravel()
    for s in range(n_sec - 2, -1, -1):
        a, b = off[s], off[s + 1]
        d = lay.sec_start[s + 1] - lay.sec_start[s]
        corr = np.zeros(b - a, np.complex128)
        jumps_into(lay, out, corr, s, -1, 1.0)
        x = _sector_inverse(
            pre_vec[a:b].reshape(d, d),
            pre_vinv[a:b].reshape(d, d),
            pre_den[a:b].reshape(d, d),
            corr.reshape(d, d),
        )
        out[a:b] -= x.ravel()


# Vector arithmetic of the Krylov solver, in numba so that no second BLAS thread pool wakes up
# between the kernels (measured: numpy's level-1 BLAS beside numba's and scipy's pools cost 30%).
@njit(cache=True)
def vdot(a, b):
    """sum conj(a) b."""
    acc = 0.0j
    for k in range(a.size):
        acc += np.conj(a[k]) * b[k]
    return acc


@njit(cache=True)
def norm(a):
    """Euclidean norm."""
    acc = 0.0
    for k in range(a.size):
        acc += a[k].real * a[k].real + a[k].imag * a[k].imag
    return np.sqrt(acc)


@njit(cache=True)
def axpy(alpha, x, y):
    """y += alpha x."""
    for k in range(y.size):
        y[k] += alpha * x[k]


@njit(cache=True)
def xpby(x, beta, y):
    """y = x + beta y."""
    for k in range(y.size):
        y[k] = x[k] + beta * y[k]
